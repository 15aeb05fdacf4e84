"""Publishing on an object store (a real S3-compatible server, `s3` fixture): parts first, the
manifest last; readers trust only the manifest; a crash before it publishes nothing; reruns
converge. Each run does what `flows.pipeline._deliver_one` does, as in test_publishing.py."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Sequence
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from conftest import CDR_CSV, CDR_SCHEMA, cdr_decision

import redaction.object_publishing as op
import storage
from redaction import build_plan, deliver
from redaction.errors import OutputWriteError
from redaction.operators.pseudonymize import Pseudonymize
from redaction.publish import FailedDelivery
from redaction.results import DeliveryOutcome, DeliveryResult

NAME = "cdr-quality"


class _Killed(BaseException):
    """The process dies here (as with `kill -9`): no handler of the run gets to clean up."""


class _Leaky(Pseudonymize):
    """A pseudonymizer with a bug: it returns its input unchanged (verification blocks it)."""

    def __call__(self, array: pa.Array) -> pa.Array:
        return array


def _plan(key, leaky: bool = False):
    plan = build_plan(cdr_decision(), CDR_SCHEMA, key)
    if not leaky:
        return plan
    columns = tuple(
        dataclasses.replace(c, op=_Leaky(**vars(c.op))) if c.field == "src" else c
        for c in plan.columns
    )
    return dataclasses.replace(plan, columns=columns)


def _inputs(folder: Path, n: int, variant: str = "") -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        path = folder / f"cdr-{i}.csv"
        path.write_text(CDR_CSV.replace("ACCT-000125", f"ACCT-{i}{variant}"), encoding="utf-8")
        paths.append(path)
    return paths


def _run(plan, inputs: Sequence[Path], out: storage.ObjectPath, work: Path) -> DeliveryResult:
    """One run: stage every part locally, then publish under `out` or withdraw; an error
    becomes a failed delivery (what the flow does)."""
    manifests = work / ".state" / "manifests" / NAME
    with op.object_publishing(out / "deliveries", NAME, work / "deliveries") as stage:
        try:
            parts = [
                deliver(plan, [p], stage.folder, part=i, manifest_dir=manifests)
                for i, p in enumerate(inputs)
            ]
            return stage.settle(parts, manifests)
        except OutputWriteError as exc:
            return stage.fail(str(exc), True, manifests)


def _target(s3) -> storage.ObjectPath:
    return storage.as_location(s3.url(f"out/deliveries/{NAME}"))


def _objects(s3) -> list[str]:
    """The objects under out/, without the zero-byte `folder/` markers pyarrow's S3 filesystem
    keeps for a prefix it deleted from (they hold no data and no manifest lists them)."""
    return [k for k in s3.keys("out/") if not k.endswith("/")]


def _reader(s3) -> dict[str, str]:
    """What a reader trusting the manifest sees: each listed part's SHA-256 by file name."""
    return {
        p.name: hashlib.sha256(storage.read_bytes(p)).hexdigest()
        for p in op.published_objects(_target(s3))
    }


def test_parts_then_manifest_then_nothing_else(s3, tmp_path: Path, key) -> None:
    """Two parts and the manifest listing them with their digests; the result names the run
    prefix and the same digest a local delivery folder gets; no local leftovers."""
    out = storage.as_location(s3.url("out"))
    result = _run(_plan(key), _inputs(tmp_path / "in", 2), out, tmp_path / "work")
    assert result.outcome is DeliveryOutcome.DELIVERED
    body = op.read_manifest(_target(s3))
    run = body["run"]
    assert _objects(s3) == [
        f"out/deliveries/{NAME}/_manifest.json",
        f"out/deliveries/{NAME}/{run}/{NAME}-part0000.parquet",
        f"out/deliveries/{NAME}/{run}/{NAME}-part0001.parquet",
    ]
    seen = _reader(s3)
    assert seen == {e["file"]: e["sha256"] for e in body["parts"]}
    lines = sorted(f"{digest}  {name}" for name, digest in seen.items())
    assert result.output_sha256 == hashlib.sha256("\n".join(lines).encode()).hexdigest()
    assert result.output_path == s3.url(f"out/deliveries/{NAME}/{run}")
    assert body["output_sha256"] == result.output_sha256
    part = _target(s3) / body["parts"][0]["key"]
    assert "src" in pq.read_table(storage.open_random_access(part)).column_names
    assert not any(p.is_file() for p in (tmp_path / "work" / "deliveries").rglob("*"))
    text = json.dumps(body)
    assert not any(secret in text for secret in s3.secrets)


def test_a_reader_sees_the_earlier_run_or_the_new_one_never_a_mix(
    s3, tmp_path: Path, key, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before and after every upload, the manifest's PUT and every delete, the parts a reader
    is given are one whole run's; the earlier run's objects are gone at the end."""
    out, work = storage.as_location(s3.url("out")), tmp_path / "work"
    first = _reader(s3) if _run(_plan(key), _inputs(tmp_path / "a", 2), out, work) else None
    seen = []
    with monkeypatch.context() as patch:
        for name in ("upload", "write_manifest", "delete", "delete_prefix"):
            real = getattr(op, name)

            def watched(*args, _real=real):
                seen.append(_reader(s3))
                result = _real(*args)
                seen.append(_reader(s3))
                return result

            patch.setattr(op, name, watched)
        _run(_plan(key), _inputs(tmp_path / "b", 2, variant="b"), out, work)
    second = _reader(s3)
    assert first != second
    assert all(view in (first, second) for view in seen)
    assert seen[0] == first and seen[-1] == second
    assert len(_objects(s3)) == 3  # the manifest and this run's two parts


@pytest.mark.parametrize("earlier", [False, True])
def test_a_crash_before_the_manifest_publishes_nothing_and_a_rerun_converges(
    s3, tmp_path: Path, key, monkeypatch: pytest.MonkeyPatch, earlier: bool
) -> None:
    """The process dies as the manifest is written (its parts already uploaded): readers see
    nothing new (no manifest at all, or the earlier run's, whole). The next run publishes and
    sweeps the unlisted objects: exactly its own parts remain."""
    out, work = storage.as_location(s3.url("out")), tmp_path / "work"
    if earlier:
        _run(_plan(key), _inputs(tmp_path / "a", 2), out, work)
    before = _reader(s3)

    def killed(*args):
        raise _Killed

    with monkeypatch.context() as patch, pytest.raises(_Killed):
        patch.setattr(op, "write_manifest", killed)
        _run(_plan(key), _inputs(tmp_path / "b", 2, variant="b"), out, work)
    assert _reader(s3) == before  # {} when there was no earlier run
    assert (op.read_manifest(_target(s3)) is None) is not earlier
    orphans = [k for k in _objects(s3) if not k.endswith("_manifest.json")]
    assert len(orphans) == (4 if earlier else 2)  # uploaded, listed by no manifest

    result = _run(_plan(key), _inputs(tmp_path / "b", 2, variant="b"), out, work)
    assert result.outcome is DeliveryOutcome.DELIVERED
    run = op.read_manifest(_target(s3))["run"]
    assert _objects(s3) == [
        f"out/deliveries/{NAME}/_manifest.json",
        f"out/deliveries/{NAME}/{run}/{NAME}-part0000.parquet",
        f"out/deliveries/{NAME}/{run}/{NAME}-part0001.parquet",
    ]


def test_a_manifest_that_cannot_be_written_fails_the_delivery_and_withdraws(
    s3, tmp_path: Path, key, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An error (not a crash) while writing the manifest: the delivery fails, nothing of this
    run is published, and the earlier run is withdrawn as for a local --out."""
    out, work = storage.as_location(s3.url("out")), tmp_path / "work"
    _run(_plan(key), _inputs(tmp_path / "a", 2), out, work)

    def refused(*args):
        raise storage.ObjectAccessError("s3://bucket/x: cannot write (AccessDenied)")

    monkeypatch.setattr(op, "write_manifest", refused)
    result = _run(_plan(key), _inputs(tmp_path / "b", 2, variant="b"), out, work)
    assert isinstance(result, FailedDelivery)
    assert result.blocked_reasons[-1] == (
        f"Nothing was published under deliveries/{NAME}; the 2 part(s) an earlier run had "
        "published there were removed."
    )
    assert _reader(s3) == {} and _objects(s3) == []


def test_a_blocked_rerun_withdraws_manifest_then_objects(s3, tmp_path: Path, key) -> None:
    """Verification blocks the rerun: the earlier manifest and its parts are removed."""
    out, work = storage.as_location(s3.url("out")), tmp_path / "work"
    _run(_plan(key), _inputs(tmp_path / "a", 2), out, work)
    result = _run(_plan(key, leaky=True), _inputs(tmp_path / "a", 2), out, work)
    assert result.outcome is DeliveryOutcome.BLOCKED
    assert result.blocked_reasons[-1].endswith("the 2 part(s) an earlier run had published "
                                               "there were removed.")  # fmt: skip
    assert _objects(s3) == [] and op.published_objects(_target(s3)) == []
