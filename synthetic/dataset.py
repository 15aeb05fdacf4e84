"""`generate()`: one seeded, labelled dataset per output folder."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from numbers import Integral
from pathlib import Path
from typing import Any

import pyarrow as pa

from synthetic import billing, cdr, tickets
from synthetic.errors import InvalidSeedError, InvalidSizeError, OutputError, UnknownKindError
from synthetic.labels import LabelsWriter
from synthetic.output import atomic_text, write_csv
from synthetic.population import SUBSCRIBER_CAP, population, subscriber_count

KINDS: dict[str, str] = {"cdr": "cdr.csv", "billing": "billing.csv", "tickets": "tickets.jsonl"}
LABELS_FILE = "labels.json"

@dataclass(frozen=True)
class GeneratedDataset:
    """What `generate()` wrote: the data file, its labels and the row count."""

    kind: str
    data_path: Path
    labels_path: Path
    rows: int


def generate(
    kind: str, rows: int, out_dir: Path, seed: int = 7, batch_rows: int = 100_000
) -> GeneratedDataset:
    """Write `rows` rows of `kind` (cdr, billing, tickets) and `labels.json` into `out_dir`.

    Same seed, same bytes; subscriber i is the same person in every kind of one seed.
    """
    if kind not in KINDS:
        raise UnknownKindError(
            f"unknown dataset kind {kind!r}: expected one of {', '.join(KINDS)}"
        )
    for name, value in (("rows", rows), ("batch_rows", batch_rows)):
        if isinstance(value, bool) or not isinstance(value, Integral) or value < 1:
            raise InvalidSizeError(f"{name} must be a whole number >= 1, got {value!r}")
    if isinstance(seed, bool) or not isinstance(seed, Integral):
        raise InvalidSeedError(f"seed must be a whole number, got {seed!r}")
    rows, batch_rows, seed, out_dir = int(rows), int(batch_rows), int(seed), Path(out_dir)
    _check_folder(out_dir, kind)
    data_path = out_dir / KINDS[kind]
    labels_path = out_dir / LABELS_FILE
    try:
        labels = LabelsWriter(labels_path)
        try:
            header = _WRITERS[kind](data_path, rows, seed, batch_rows, labels)
            base = {"kind": kind, "seed": seed, "rows": rows, "files": [data_path.name]}
            labels.finish(base | header)
        except BaseException:
            labels.discard()
            raise
    except OSError as exc:
        raise OutputError(
            f"cannot write the {kind} dataset to {out_dir}: {exc.strerror or type(exc).__name__};"
            " choose a writable folder"
        ) from exc
    return GeneratedDataset(kind=kind, data_path=data_path, labels_path=labels_path, rows=rows)


def _check_folder(out_dir: Path, kind: str) -> None:
    """Create `out_dir`; refuse a folder that already holds another kind (labels would clash)."""
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(
            f"cannot create output folder {out_dir}: {exc.strerror or type(exc).__name__};"
            " choose a writable folder"
        ) from exc
    others = [name for other, name in KINDS.items() if other != kind and (out_dir / name).exists()]
    if others:
        raise OutputError(
            f"{out_dir} already holds {', '.join(others)}; labels.json describes one kind,"
            " so write each kind to its own folder"
        )


def _write_cdr(path: Path, rows: int, seed: int, batch_rows: int, labels: LabelsWriter
               ) -> dict[str, Any]:
    pop = population(seed, subscriber_count(rows))
    write_csv(path, cdr.SCHEMA, cdr.cdr_batches(pop, rows, seed), batch_rows)
    return {"columns": cdr.COLUMN_LABELS, "free_text_columns": [], "subscribers": pop.size}


def _write_billing(path: Path, rows: int, seed: int, batch_rows: int, labels: LabelsWriter
                   ) -> dict[str, Any]:
    pop = population(seed, max(1, min(SUBSCRIBER_CAP, rows)))

    def batches() -> Iterator[pa.RecordBatch]:
        for batch, spans in billing.billing_batches(pop, rows, seed):
            labels.add_spans(spans)
            yield batch

    write_csv(path, billing.SCHEMA, batches(), batch_rows)
    return {"columns": billing.COLUMN_LABELS,
            "free_text_columns": list(billing.FREE_TEXT_COLUMNS), "subscribers": pop.size}


def _write_tickets(path: Path, rows: int, seed: int, batch_rows: int, labels: LabelsWriter
                   ) -> dict[str, Any]:
    pop = population(seed, subscriber_count(rows))
    with atomic_text(path) as handle:
        for lines, spans in tickets.ticket_lines(pop, rows, seed):
            for start in range(0, len(lines), batch_rows):
                handle.write("\n".join(lines[start : start + batch_rows]) + "\n")
            labels.add_spans(spans)
    return {"columns": tickets.COLUMN_LABELS,
            "free_text_columns": list(tickets.FREE_TEXT_COLUMNS), "subscribers": pop.size}


_WRITERS: dict[str, Callable[[Path, int, int, int, LabelsWriter], dict[str, Any]]] = {
    "cdr": _write_cdr,
    "billing": _write_billing,
    "tickets": _write_tickets,
}
