"""What a dataset is, before and beside its content: schema, checksum, a printable profile."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import pyarrow as pa

from detectors.declared_types import DeclaredTypes
from detectors.findings import DatasetProfile, EntityEvidence
from detectors.reading import file_sha256, read_batches
from storage import Location, as_location


def read_schema(
    path: Location | str,
    fmt: str | None = None,
    header: bool = True,
    column_names: Sequence[str] | None = None,
    encoding: str | None = None,
    declared: DeclaredTypes | None = None,
) -> pa.Schema:
    """The schema `read_batches` yields for `path`, read from its first batch only.

    `read_batches` yields an empty batch with the header's columns for a file with no rows, so
    there is always a first batch. Pass the `header`/`column_names` the data will be read with
    (`resolve_header`), its `encoding` and declared types, so a plan built on this schema
    matches the batches.
    """
    batches = read_batches(
        path, fmt=fmt, batch_size=1_024, header=header, column_names=column_names,
        encoding=encoding, declared=declared,
    )  # fmt: skip
    return next(iter(batches)).schema


def dataset_sha256(paths: Sequence[Location | str], digests: Sequence[str] | None = None) -> str:
    """One SHA-256 over the names and contents of a dataset's files, in the given order.

    `digests` (one per path) are the files' SHA-256 as profiled: the report vouches for the data
    that was profiled and delivered, not for whatever the path holds later. An object's digest is
    the one `file_sha256` gives it (ETag, version id and size)."""
    digest = hashlib.sha256()
    for i, path in enumerate(paths):
        content = digests[i] if digests is not None else file_sha256(path)
        digest.update(f"{as_location(path).name}:{content}\n".encode())
    return digest.hexdigest()


def _entity_cell(evidence: EntityEvidence, rows_swept: int) -> str:
    """`PHONE_NUMBER (3%, 1.00; 3,333 of 120,000 rows)`: the count when the sweep has one."""
    found = (
        f"; {evidence.rows_found:,} of {rows_swept:,} rows"
        if evidence.rows_found is not None and rows_swept
        else ""
    )
    return f"{evidence.entity_type} ({evidence.match_rate:.0%}, {evidence.confidence:.2f}{found})"


def format_profile_table(profile: DatasetProfile) -> str:
    """A plain-text table of a profile: column, kind, entity types with rates, masked example."""
    header = ("column", "kind", "entities (match rate, confidence)", "example (masked)")
    rows = [header]
    for field in profile.fields:
        entities = ", ".join(_entity_cell(e, field.rows_swept) for e in field.entities)
        rows.append((field.column, str(field.kind), entities or "-", field.masked_example or "-"))
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    summary = f"{profile.dataset}: {profile.rows_read} rows read"
    if profile.quarantined_count:
        summary += f", {profile.quarantined_count} quarantined"
        summary += "".join(f"\n  row {q.row} of {q.file}: {q.reason}" for q in profile.quarantined)
    return summary + "\n" + "\n".join(line.rstrip() for line in lines)


def profile_as_json(profile: DatasetProfile) -> dict:
    """A profile as plain JSON values (`scan --json`): names, kinds, rates, counts and masked
    examples, never a raw value."""
    return {
        "dataset": profile.dataset,
        "kind": profile.kind,
        "rows_read": profile.rows_read,
        "rows_quarantined": profile.quarantined_count,
        "files": [
            {"path": f.path, "size_bytes": f.size, "sha256": f.sha256} for f in profile.inputs
        ],
        "columns": [
            {
                "name": f.column,
                "kind": f.kind.value,
                "arrow_type": f.arrow_type,
                "rows_sampled": f.rows_sampled,
                "rows_swept": f.rows_swept,
                "null_rate": f.null_rate,
                "personal": f.is_personal,
                "entities": [
                    {
                        "entity_type": e.entity_type,
                        "match_rate": e.match_rate,
                        "confidence": e.confidence,
                        "name_hint": e.name_hint,
                        "rows_found": e.rows_found,
                    }
                    for e in f.entities
                ],
                "masked_example": f.masked_example,
            }
            for f in profile.fields
        ],
        "notes": list(profile.notes),
    }
