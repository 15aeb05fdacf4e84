"""Reading generated files back in tests (every value as text), and the fixture sizes."""

from __future__ import annotations

import csv
import json
from pathlib import Path

SIZES = {"cdr": 1_000, "billing": 400, "tickets": 400}


def read_rows(path: Path) -> list[dict[str, str]]:
    """Rows of a generated CSV or JSONL file, every value as text."""
    if path.suffix == ".jsonl":
        with path.open(encoding="utf-8") as handle:
            return [json.loads(line) for line in handle]
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def read_header(path: Path) -> list[str]:
    if path.suffix == ".jsonl":
        with path.open(encoding="utf-8") as handle:
            return list(json.loads(handle.readline()))
    with path.open(encoding="utf-8", newline="") as handle:
        return next(csv.reader(handle))
