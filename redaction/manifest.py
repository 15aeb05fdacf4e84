"""What produced a delivered file, so a re-run over unchanged inputs reuses it.

A manifest holds a fingerprint of everything that decides the output's bytes — input file
checksums, the plan (fields, verdicts, operators, parameters, row filters, key id), output
format, how CSV inputs are read (header or not), batch size and the caller's tag (the code
version; a policy change reaches the plan) — plus the delivery's result.
A later run with the same fingerprint, whose output file still has the recorded SHA-256, returns
that result instead of reading the inputs again. Anything else runs the delivery again: a changed
file, policy, key or code, or an output that was moved or edited. Manifests hold counts,
checksums, field names and masked samples only: no raw values, no key.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from detectors.reading import file_sha256
from redaction.plan import RedactionPlan
from redaction.results import DeliveryOutcome, DeliveryResult, FieldOutput, ResidualFinding

MANIFEST_VERSION = 1


def fingerprint(
    plan: RedactionPlan,
    inputs: Sequence[Path],
    fmt: str,
    input_format: str | None,
    batch_size: int,
    tag: str,
    header: bool = True,
    column_names: Sequence[str] | None = None,
) -> str:
    """SHA-256 over everything that decides the delivered bytes (how CSV inputs are read
    included: line 1 read as data is one more row)."""
    columns = [
        [c.field, str(c.verdict), c.operator, json.dumps(dict(c.params), sort_keys=True,
         default=str), list(c.entity_types), str(c.input_type), c.free_text]
        for c in plan.columns
    ]  # fmt: skip
    described = {
        "version": MANIFEST_VERSION,
        "tag": tag,
        "delivery": plan.delivery,
        "key_id": plan.key_id,
        "columns": columns,
        "row_filters": [repr(f) for f in plan.row_filters],
        "output_schema": str(plan.output_schema),
        "format": fmt,
        "input_format": input_format,
        "batch_size": batch_size,
        "header": header,
        "column_names": list(column_names) if column_names is not None else None,
        "inputs": [[Path(p).name, file_sha256(Path(p))] for p in inputs],
    }
    return hashlib.sha256(json.dumps(described, sort_keys=True).encode()).hexdigest()


def manifest_path(manifest_dir: Path, output_name: str) -> Path:
    return Path(manifest_dir) / f"{output_name}.manifest.json"


def record(manifest_dir: Path, output_name: str, fingerprint_: str, result: DeliveryResult) -> None:
    """Write the manifest of a delivered output (temporary name, then rename)."""
    path = manifest_path(manifest_dir, output_name)
    path.parent.mkdir(parents=True, exist_ok=True)
    body = {"fingerprint": fingerprint_, "result": dataclasses.asdict(result)}
    temp = path.with_name(f".{path.name}.tmp")
    temp.write_text(json.dumps(body, indent=2, sort_keys=True), encoding="utf-8")
    os.replace(temp, path)


def reusable(manifest_dir: Path, output: Path, fingerprint_: str) -> DeliveryResult | None:
    """The recorded result when fingerprint, output path and output bytes are unchanged."""
    path = manifest_path(manifest_dir, output.name)
    try:
        body = json.loads(path.read_text(encoding="utf-8"))
        if body.get("fingerprint") != fingerprint_:
            return None
        result = _result(body["result"])
    except (OSError, ValueError, KeyError, TypeError):
        return None  # no manifest or an unreadable one: deliver again
    if result.outcome is not DeliveryOutcome.DELIVERED or result.output_path != str(output):
        return None
    if not output.is_file() or file_sha256(output) != result.output_sha256:
        return None
    return result


def _result(data: dict[str, Any]) -> DeliveryResult:
    return DeliveryResult(
        **{
            **data,
            "outcome": DeliveryOutcome(data["outcome"]),
            "schema": tuple(FieldOutput(**f) for f in data["schema"]),
            "residual": tuple(ResidualFinding(**r) for r in data["residual"]),
            "blocked_reasons": tuple(data["blocked_reasons"]),
        }
    )
