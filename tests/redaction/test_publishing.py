"""Publishing: a delivery of several parts is published whole or not at all, and reruns converge.

Each run here does what `flows.pipeline._deliver_one` does: stage every part with `deliver`, then
`Stage.settle` (publish, or withdraw an earlier run's parts), `Stage.fail` on an error.
"""

from __future__ import annotations

import dataclasses
import errno
import os
from collections.abc import Sequence
from pathlib import Path

import pyarrow as pa
import pytest
from conftest import CDR_CSV, CDR_SCHEMA, cdr_decision

import redaction.delivery
import redaction.publish
from detectors.reading import file_sha256
from redaction import build_plan, deliver
from redaction.errors import OutputWriteError
from redaction.operators.pseudonymize import Pseudonymize
from redaction.publish import FailedDelivery, folder_sha256, publishing
from redaction.results import DeliveryOutcome, DeliveryResult

NAME = "cdr-quality"


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
    """`n` CDR files, each a little different (so each part has its own bytes)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        path = folder / f"cdr-{i}.csv"
        path.write_text(CDR_CSV.replace("ACCT-000125", f"ACCT-{i}{variant}"), encoding="utf-8")
        paths.append(path)
    return paths


def _run(plan, inputs: Sequence[Path], out: Path) -> DeliveryResult:
    """One run of the delivery: stage every part, then publish whole or withdraw."""
    manifests = out / ".state" / "manifests" / NAME
    with publishing(out / "deliveries", NAME) as stage:
        try:
            parts = [
                deliver(plan, [p], stage.folder, part=i, manifest_dir=manifests)
                for i, p in enumerate(inputs)
            ]
            return stage.settle(parts, manifests)
        except OutputWriteError as exc:
            return stage.fail(str(exc), True, manifests)


def _published(out: Path) -> list[str]:
    folder = out / "deliveries" / NAME
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def _litter(out: Path) -> list[str]:
    """Anything but published parts under deliveries/: staging folders, temp files."""
    root = out / "deliveries"
    return sorted(
        str(p.relative_to(root)) for p in root.rglob("*") if any(s.startswith(".") for s in p.parts)
    )


def test_parts_are_staged_then_published_together(cdr_csv, tmp_path: Path, key):
    """Nothing is visible under the delivery's name until every part is written and verified;
    then both parts at once, no staging left, and the digest of the folder."""
    inputs = _inputs(tmp_path / "in2", 2)
    out = tmp_path / "out"
    target = out / "deliveries" / NAME
    with publishing(out / "deliveries", NAME) as stage:
        parts = [deliver(_plan(key), [p], stage.folder, part=i) for i, p in enumerate(inputs)]
        assert not target.exists()
        result = stage.settle(parts)
    assert result.outcome is DeliveryOutcome.DELIVERED
    assert _published(out) == [f"{NAME}-part0000.parquet", f"{NAME}-part0001.parquet"]
    assert result.output_path == str(target)
    assert result.output_sha256 == folder_sha256(target)
    assert _litter(out) == []


def test_a_reader_sees_the_earlier_delivery_none_or_the_new_one(tmp_path: Path, key, monkeypatch):
    """At every rename of the protocol the published folder is one whole run's, or absent."""
    out = tmp_path / "out"
    before = _run(_plan(key), _inputs(tmp_path / "in", 2), out)
    target = out / "deliveries" / NAME
    seen = []
    rename = os.rename

    def watched(src, dst):
        seen.append(folder_sha256(target) if target.exists() else None)
        rename(src, dst)
        seen.append(folder_sha256(target) if target.exists() else None)

    monkeypatch.setattr(redaction.publish.os, "rename", watched)
    after = _run(_plan(key), _inputs(tmp_path / "in", 2, variant="b"), out)
    assert after.output_sha256 != before.output_sha256
    assert set(seen) <= {before.output_sha256, None, after.output_sha256}
    assert seen[0] == before.output_sha256 and seen[-1] == after.output_sha256


def test_a_failing_second_part_publishes_nothing(tmp_path: Path, key, monkeypatch):
    """Disk full while writing part 2 of 2 (injected): no part is published, the earlier run's
    parts are withdrawn, the result says both, and no temp or staging file is left."""
    out = tmp_path / "out"
    inputs = _inputs(tmp_path / "in", 2)
    _run(_plan(key), inputs, out)
    assert len(_published(out)) == 2
    real = redaction.delivery.pq.ParquetWriter

    class FullDisk(real):
        def write_batch(self, batch, *args, **kwargs):
            if "part0001" in self._where:
                raise OSError(errno.ENOSPC, "Error writing bytes to file")
            return super().write_batch(batch, *args, **kwargs)

        def __init__(self, where, *args, **kwargs):
            self._where = str(where)
            super().__init__(where, *args, **kwargs)

    monkeypatch.setattr(redaction.delivery.pq, "ParquetWriter", FullDisk)
    result = _run(_plan(key), _inputs(tmp_path / "in", 2, variant="b"), out)
    assert isinstance(result, FailedDelivery) and result.outcome is DeliveryOutcome.BLOCKED
    assert (
        result.error.startswith(f"cannot write the output {NAME}-part0001.parquet in ")
        and "(No space left on device)" in result.error
    )
    assert result.blocked_reasons[-1] == (
        f"Nothing was published under deliveries/{NAME}; the 2 part(s) an earlier run had "
        "published there were removed."
    )
    assert _published(out) == [] and _litter(out) == []
    assert list((out / ".state" / "manifests" / NAME).iterdir()) == []


def test_a_blocked_delivery_withdraws_the_earlier_runs_parts(tmp_path: Path, key):
    """Verification blocks part 1 of a rerun: neither part is published, the earlier ones go."""
    out = tmp_path / "out"
    _run(_plan(key), _inputs(tmp_path / "in", 2), out)
    result = _run(_plan(key, leaky=True), _inputs(tmp_path / "in", 2, variant="b"), out)
    assert result.outcome is DeliveryOutcome.BLOCKED and result.output_path is None
    assert result.blocked_reasons[0].startswith("column 'src'")
    assert (
        "the 2 part(s) an earlier run had published there were removed"
        in (result.blocked_reasons[-1])
    )
    assert _published(out) == [] and _litter(out) == []


@pytest.mark.parametrize("earlier", [True, False])  # a run published it before / never
def test_a_denied_delivery_withdraws_the_earlier_runs_parts(tmp_path: Path, key, earlier):
    """The policy now denies the delivery: what an earlier run published goes, and the result
    says so; with nothing to withdraw there is no result (the report shows the denial)."""
    out = tmp_path / "out"
    if earlier:
        _run(_plan(key), _inputs(tmp_path / "in", 2), out)
    with publishing(out / "deliveries", NAME) as stage:
        result = stage.deny(out / ".state" / "manifests" / NAME)
    if earlier:
        assert result is not None and result.outcome is DeliveryOutcome.BLOCKED
        assert result.blocked_reasons == (
            f"Nothing was published under deliveries/{NAME}; the 2 part(s) an earlier run had "
            "published there were removed.",
        )
    else:
        assert result is None
    assert _published(out) == [] and _litter(out) == []


def test_a_rerun_with_one_input_fewer_leaves_exactly_one_part(tmp_path: Path, key):
    """Two inputs, then one: the folder holds the one part of the last run, not two."""
    out = tmp_path / "out"
    inputs = _inputs(tmp_path / "in", 2)
    _run(_plan(key), inputs, out)
    result = _run(_plan(key), inputs[1:], out)
    assert _published(out) == [f"{NAME}-part0000.parquet"]
    assert result.rows_in == 3
    assert result.output_sha256 == file_sha256(out / "deliveries" / NAME / _published(out)[0])
    manifests = sorted(p.name for p in (out / ".state" / "manifests" / NAME).iterdir())
    assert manifests == [f"{NAME}-part0000.parquet.manifest.json"]


def test_leftovers_of_a_killed_run_are_removed_by_the_next(tmp_path: Path, key):
    """A killed run leaves a staging folder with a half-written temp file, a folder moved aside,
    and (older versions) hidden temp files in the published folder: the next run removes all."""
    out = tmp_path / "out"
    _run(_plan(key), _inputs(tmp_path / "in", 2), out)
    area = out / "deliveries" / ".staging" / NAME
    (area / "0123456789ab").mkdir(parents=True)
    (area / "0123456789ab" / f".{NAME}-part0000.tmp-feedbeef0000.parquet").write_bytes(b"PAR1")
    (area / "0123456789ab.old").mkdir()
    (area / "0123456789ab.old" / f"{NAME}-part0000.parquet").write_bytes(b"PAR1")
    (area / ".lock").touch()
    legacy = out / "deliveries" / NAME / f".{NAME}-part0001.tmp-0badc0ffee00.parquet"
    legacy.write_bytes(b"PAR1")
    result = _run(_plan(key), _inputs(tmp_path / "in", 2, variant="b"), out)
    assert result.outcome is DeliveryOutcome.DELIVERED
    assert _published(out) == [f"{NAME}-part0000.parquet", f"{NAME}-part0001.parquet"]
    assert _litter(out) == []


def test_an_unchanged_rerun_reuses_the_published_parts_without_reading(
    tmp_path: Path, key, monkeypatch
):
    """Manifest reuse across staging: the published part is linked into the new staging folder
    and published again, without reading the inputs, twice in a row."""
    out = tmp_path / "out"
    inputs = _inputs(tmp_path / "in", 2)
    first = _run(_plan(key), inputs, out)
    inode = (out / "deliveries" / NAME / f"{NAME}-part0000.parquet").stat().st_ino

    def no_reading(*args, **kwargs):
        raise AssertionError("the inputs were read again")

    monkeypatch.setattr(redaction.delivery.detectors, "read_batches", no_reading)
    for _ in range(2):
        again = _run(_plan(key), inputs, out)
        assert again == first
        assert _published(out) == [f"{NAME}-part0000.parquet", f"{NAME}-part0001.parquet"]
    assert (out / "deliveries" / NAME / f"{NAME}-part0000.parquet").stat().st_ino == inode
    assert _litter(out) == []


def test_a_staged_part_that_changed_is_not_published(tmp_path: Path, key):
    """Bytes that differ from what verification saw are refused; the earlier run stays."""
    out = tmp_path / "out"
    before = _run(_plan(key), _inputs(tmp_path / "in", 1), out)
    with publishing(out / "deliveries", NAME) as stage:
        part = deliver(_plan(key), _inputs(tmp_path / "in", 1, "b"), stage.folder, part=0)
        Path(part.output_path).write_bytes(b"edited")
        with pytest.raises(OutputWriteError, match="no longer holds the bytes that were verified"):
            stage.publish([part])
    assert _published(out) == [f"{NAME}-part0000.parquet"]
    assert file_sha256(out / "deliveries" / NAME / f"{NAME}-part0000.parquet") == (
        before.output_sha256
    )
    assert _litter(out) == []


def test_another_live_run_of_the_same_delivery_is_refused(tmp_path: Path):
    """Two runs publishing one delivery into one folder at once: the second is told why."""
    root = tmp_path / "out" / "deliveries"
    with (
        publishing(root, NAME),
        pytest.raises(OutputWriteError, match=r"being published into .* by another"),
        publishing(root, NAME),
    ):
        pass
    with publishing(root, NAME):  # the lock ends with the first run
        pass
