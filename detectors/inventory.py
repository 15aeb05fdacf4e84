"""What a dataset is, before and beside its content: schema, checksum, a printable profile."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

import pyarrow as pa

from detectors.findings import DatasetProfile
from detectors.reading import file_sha256, read_batches


def read_schema(
    path: Path,
    fmt: str | None = None,
    header: bool = True,
    column_names: Sequence[str] | None = None,
) -> pa.Schema:
    """The schema `read_batches` yields for `path`, read from its first batch only.

    `read_batches` yields an empty batch with the header's columns for a file with no rows, so
    there is always a first batch. Pass the `header`/`column_names` the data will be read with
    (`resolve_header`), so a plan built on this schema matches the batches.
    """
    batches = read_batches(
        path, fmt=fmt, batch_size=1_024, header=header, column_names=column_names
    )
    return next(iter(batches)).schema


def dataset_sha256(paths: Sequence[Path]) -> str:
    """One SHA-256 over the names and contents of a dataset's files, in the given order."""
    digest = hashlib.sha256()
    for path in paths:
        digest.update(f"{Path(path).name}:{file_sha256(Path(path))}\n".encode())
    return digest.hexdigest()


def format_profile_table(profile: DatasetProfile) -> str:
    """A plain-text table of a profile: column, kind, entity types with rates, masked example."""
    header = ("column", "kind", "entities (match rate, confidence)", "example (masked)")
    rows = [header]
    for field in profile.fields:
        entities = ", ".join(
            f"{e.entity_type} ({e.match_rate:.0%}, {e.confidence:.2f})" for e in field.entities
        )
        rows.append((field.column, str(field.kind), entities or "-", field.masked_example or "-"))
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    summary = f"{profile.dataset}: {profile.rows_read} rows read"
    if profile.quarantined_count:
        summary += f", {profile.quarantined_count} quarantined"
        summary += "".join(f"\n  row {q.row} of {q.file}: {q.reason}" for q in profile.quarantined)
    return summary + "\n" + "\n".join(line.rstrip() for line in lines)
