"""What produced a delivered file, so a re-run over unchanged inputs reuses it.

A manifest holds a fingerprint of everything that decides the output's bytes — input file
checksums, the plan (fields, verdicts, operators, parameters, row filters, key id, token scope
and recipient), output format, how CSV inputs are read (header or not), batch size and the
caller's tag (the code version; a policy change reaches the plan) — plus the delivery's result.
A later run with the same fingerprint, whose output file still has the recorded SHA-256, returns
that result instead of reading the inputs again. Anything else runs the delivery again: a changed
file, policy, key or code, or an output that was moved or edited. Manifests hold counts,
checksums, field names and masked samples only: no raw values, no key.

Deliveries are staged in a fresh folder and then published (`redaction.publish`): a manifest
records the staged file, `relocate` points it at the published one, and a re-run staging into
another folder gets the published file hard-linked (or copied) into its own.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import os
import shutil
import uuid
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from detectors.reading import file_sha256
from redaction.plan import RedactionPlan
from redaction.results import DeliveryOutcome, DeliveryResult, FieldOutput, ResidualFinding
from redaction.risk import Diversity, RiskFigures
from storage import Location, as_location

logger = logging.getLogger(__name__)
MANIFEST_VERSION = 1
SUFFIX = ".manifest.json"


def fingerprint(
    plan: RedactionPlan,
    inputs: Sequence[Location | str],
    fmt: str,
    input_format: str | None,
    batch_size: int,
    tag: str,
    header: bool = True,
    column_names: Sequence[str] | None = None,
    reading: Mapping[str, object] | None = None,
) -> str:
    """SHA-256 over everything that decides the delivered bytes (how CSV inputs are read
    included: line 1 read as data is one more row; `reading` holds the other reader settings,
    such as the encoding and the quarantine limit)."""
    columns = [
        [c.field, str(c.verdict), c.operator, json.dumps(dict(c.params), sort_keys=True,
         default=str), list(c.entity_types), str(c.input_type), c.free_text, c.operating_point]
        for c in plan.columns
    ]  # fmt: skip
    described = {
        "version": MANIFEST_VERSION,
        "tag": tag,
        "delivery": plan.delivery,
        "key_id": plan.key_id,
        # another recipient or scope is another key: its tokens must never be reused
        "token_scope": [str(plan.token_scope), plan.recipient],
        "columns": columns,
        "row_filters": [repr(f) for f in plan.row_filters],
        "output_schema": str(plan.output_schema),
        "format": fmt,
        "input_format": input_format,
        "batch_size": batch_size,
        "header": header,
        "column_names": list(column_names) if column_names is not None else None,
        "inputs": [[as_location(p).name, file_sha256(p)] for p in inputs],
        "reading": {k: str(v) for k, v in sorted((reading or {}).items())},
    }
    return hashlib.sha256(json.dumps(described, sort_keys=True).encode()).hexdigest()


def manifest_path(manifest_dir: Path, output_name: str) -> Path:
    return Path(manifest_dir) / f"{output_name}{SUFFIX}"


def record(manifest_dir: Path, output_name: str, fingerprint_: str, result: DeliveryResult) -> None:
    """Write the manifest of a delivered output (temporary name, then rename).

    A manifest is a cache: when it cannot be written (disk full), the delivery stands and the
    next run delivers again.
    """
    path = manifest_path(manifest_dir, output_name)
    body = {"fingerprint": fingerprint_, "result": dataclasses.asdict(result)}
    _write(path, body)


def reusable(manifest_dir: Path, output: Path, fingerprint_: str) -> DeliveryResult | None:
    """The recorded result, at `output`, when the fingerprint matches and the recorded output
    still holds the recorded bytes.

    When the recorded output is another file (the published part, while this run stages into a
    new folder), it is hard-linked (copied across file systems) to `output` first.
    """
    path = manifest_path(manifest_dir, output.name)
    try:
        body = json.loads(path.read_text(encoding="utf-8"))
        if body.get("fingerprint") != fingerprint_:
            return None
        result = _result(body["result"])
    except (OSError, ValueError, KeyError, TypeError):
        return None  # no manifest or an unreadable one: deliver again
    if result.outcome is not DeliveryOutcome.DELIVERED or not result.output_path:
        return None
    recorded = Path(result.output_path)
    if not recorded.is_file() or file_sha256(recorded) != result.output_sha256:
        return None
    if recorded != output:
        if not _link(recorded, output, result.output_sha256):
            return None
        result = dataclasses.replace(result, output_path=str(output))
    return result


def relocate(manifest_dir: Path, published: Path) -> None:
    """Point the manifest of `published`'s name at `published` (the part was moved there)."""
    path = manifest_path(manifest_dir, published.name)
    try:
        body = json.loads(path.read_text(encoding="utf-8"))
        body["result"]["output_path"] = str(published)
    except (OSError, ValueError, KeyError, TypeError):
        return  # no manifest: the next run delivers this part again
    _write(path, body)


def prune(manifest_dir: Path, keep: set[str]) -> None:
    """Remove the manifests (and temporary leftovers) of outputs not named in `keep`."""
    folder = Path(manifest_dir)
    if not folder.is_dir():
        return
    for path in folder.iterdir():
        if not (path.name.endswith(SUFFIX) and path.name[: -len(SUFFIX)] in keep):
            path.unlink(missing_ok=True)


def _write(path: Path, body: dict[str, Any]) -> None:
    temp = path.with_name(f".{path.name}.tmp-{uuid.uuid4().hex[:8]}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temp.write_text(json.dumps(body, indent=2, sort_keys=True), encoding="utf-8")
        os.replace(temp, path)
    except OSError as exc:
        temp.unlink(missing_ok=True)
        path.unlink(missing_ok=True)  # a stale manifest must not outlive a failed update
        logger.warning("manifest %s not written (%s): the next run delivers it again",
                       path.name, exc.strerror or type(exc).__name__)  # fmt: skip


def _link(source: Path, output: Path, sha256: str | None) -> bool:
    """Put `source`'s bytes at `output` (hard link, else copy); False when that failed."""
    temp = output.with_name(f".{output.name}.reuse-{uuid.uuid4().hex[:8]}")
    try:
        try:
            os.link(source, temp)
        except OSError:
            shutil.copyfile(source, temp)
            if file_sha256(temp) != sha256:
                temp.unlink(missing_ok=True)
                return False
        os.replace(temp, output)
    except OSError:
        temp.unlink(missing_ok=True)
        return False
    return True


def _result(data: dict[str, Any]) -> DeliveryResult:
    return DeliveryResult(
        **{
            **data,
            "outcome": DeliveryOutcome(data["outcome"]),
            "schema": tuple(FieldOutput(**f) for f in data["schema"]),
            "residual": tuple(ResidualFinding(**r) for r in data["residual"]),
            "blocked_reasons": tuple(data["blocked_reasons"]),
            "gate_steps": tuple(data.get("gate_steps", ())),
            "risk": _risk(data.get("risk")),
        }
    )


def _risk(data: dict[str, Any] | None) -> RiskFigures | None:
    """A recorded result's risk figures, as typed values again (JSON holds them as objects)."""
    if data is None:
        return None
    return RiskFigures(
        **{
            **data,
            "quasi_identifiers": tuple(data["quasi_identifiers"]),
            "k_bands": tuple((band, rows) for band, rows in data["k_bands"]),
            "diversity": tuple(Diversity(**d) for d in data.get("diversity", ())),
        }
    )


def restamp(manifest_dir: Path, result: DeliveryResult) -> None:
    """Record `result` (same fingerprint) for its output after the file was rewritten in place
    with the same values (`redaction.layout.settle_types`), so the next run can still reuse it."""
    path = manifest_path(manifest_dir, Path(result.output_path or "").name)
    try:
        body = json.loads(path.read_text(encoding="utf-8"))
        body["result"] = dataclasses.asdict(result)
    except (OSError, ValueError, KeyError, TypeError):
        return  # no manifest: the next run delivers this part again
    _write(path, body)
