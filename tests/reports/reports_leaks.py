"""Leak checks shared by the privacy tests: raw values must not reach any report format."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from reports import RunReport, markdown_summary, table_rows, write_reports

PIECE = 6


def raw_pieces(values: Iterable[str]) -> set[str]:
    """Every 6-character piece of every value, except pieces lying wholly inside an email's
    domain: the generator uses reserved example domains, which the report may name anyway."""
    found = set()
    for v in values:
        at = v.find("@") if " " not in v else -1
        found |= {v[i : i + PIECE] for i in range(len(v) - PIECE + 1) if at < 0 or i <= at}
    return found


def report_texts(report: RunReport, out_dir: Path) -> dict[str, str]:
    """Every published form of a report: the two files, the markdown and the table rows."""
    paths = write_reports(report, out_dir)
    return {
        "report.json": paths.json.read_text("utf-8"),
        "report.html": paths.html.read_text("utf-8"),
        "markdown": markdown_summary(report, paths.html),
        "table_rows": json.dumps(table_rows(report), ensure_ascii=False),
    }


def find_leaks(
    report: RunReport, out_dir: Path, raw_values: Iterable[str]
) -> list[tuple[str, str]]:
    """(output, piece) for every raw piece found in any published form of `report`."""
    # A piece equal to part of the run's own timestamps (e.g. a card expiry "2026-11") is
    # metadata, not a leak.
    stamps = raw_pieces([report.run.started_at, report.run.finished_at])
    pieces = raw_pieces(raw_values) - stamps
    texts = report_texts(report, out_dir)
    return sorted((name, p) for name, text in texts.items() for p in pieces if p in text)


def labelled_values(data: Path, labels: dict[str, Any]) -> dict[str, list[str]]:
    """Raw values per labelled column (structured) or per span (free text), from the files."""
    out: dict[str, list[str]] = {}
    free = set(labels.get("free_text_columns", []))
    if data.suffix == ".csv":
        with data.open(newline="", encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
    else:
        rows = [json.loads(line) for line in data.read_text("utf-8").splitlines() if line]
    for column, types in labels["columns"].items():
        # Dates and times are left out: they also occur as run metadata (started_at).
        if types and column not in free and "DATE_TIME" not in types:
            out[column] = [str(r[column]) for r in rows if r.get(column)]
    for span in labels.get("spans", []):
        if span["entity_type"] != "DATE_TIME":
            text = str(rows[span["row"]][span["field"]])
            out.setdefault(span["field"], []).append(text[span["start"] : span["end"]])
    return out
