"""Rows that could not be parsed: counted, located and kept aside, never silently dropped.

Only the row number, a reason and its class travel in `QuarantinedRow`s (and so into logs and
reports). The raw bytes of bad rows are spooled to a temporary file and leave it only through
`write_to`. The reader also counts here every physical record it saw (`records`) and what it
noted about a file (`notes`, e.g. an encoding fallback), so that rows read + rows quarantined =
records is measured, not assumed.
"""

from __future__ import annotations

import json
import tempfile
from collections import Counter
from enum import StrEnum
from pathlib import Path

from detectors.findings import QuarantinedRow

DEFAULT_KEEP = 100
_SPOOL_IN_MEMORY = 1 << 20  # raw bad rows stay in memory up to 1 MiB, then spill to disk


class QuarantineClass(StrEnum):
    """Why a record was set aside, as a class that can be counted (the reason says more)."""

    WRONG_FIELD_COUNT = "wrong_field_count"  # a CSV record with too few or too many fields
    UNTERMINATED_QUOTE = "unterminated_quote"  # a quoted field that never closes properly
    INVALID_UTF8 = "invalid_utf8"  # bytes that are not UTF-8 in a file read as UTF-8
    UNPARSEABLE = "unparseable"  # any other record the parser rejects
    INVALID_JSON = "invalid_json"  # a JSONL line that is not JSON
    NOT_AN_OBJECT = "not_an_object"  # a JSONL line holding an array or a scalar
    TYPE_MISMATCH = "type_mismatch"  # a value that cannot take its field's type


class Quarantine:
    """Collects malformed rows while files are read: a count, the first `keep` locations, raw bytes.

    One instance may be shared by several files; `count_for(file)` gives the per-file count,
    `by_class` the count per `QuarantineClass`, `records` the physical records the reader saw
    (read or quarantined; blank lines are not records).
    """

    def __init__(self, keep: int = DEFAULT_KEEP) -> None:
        self.keep = keep
        self.count = 0
        self.records = 0
        self.rows: list[QuarantinedRow] = []
        self.notes: list[str] = []
        self.by_class: Counter[str] = Counter()
        self._per_file: Counter[str] = Counter()
        self._records_per_file: Counter[str] = Counter()
        self._raw = tempfile.SpooledTemporaryFile(max_size=_SPOOL_IN_MEMORY)  # noqa: SIM115

    def add(
        self,
        file: str,
        row: int,
        reason: str,
        raw: bytes = b"",
        reason_class: QuarantineClass = QuarantineClass.UNPARSEABLE,
    ) -> None:
        """Record one bad row: `row` is its 1-based line number in `file`; `raw` its bytes."""
        self.count += 1
        self._per_file[file] += 1
        self.by_class[str(reason_class)] += 1
        entry = QuarantinedRow(file=file, row=row, reason=reason, reason_class=str(reason_class))
        if len(self.rows) < self.keep:
            self.rows.append(entry)
        header = json.dumps({"file": file, "row": row, "reason": reason}).encode()
        self._raw.write(len(header).to_bytes(4, "big") + header)
        self._raw.write(len(raw).to_bytes(8, "big") + raw)

    def count_for(self, file: str) -> int:
        """How many rows of `file` were quarantined."""
        return self._per_file[file]

    def saw_records(self, file: str, count: int) -> None:
        """The reader met `count` more physical records of `file` (read or quarantined)."""
        self.records += count
        self._records_per_file[file] += count

    def records_for(self, file: str) -> int:
        """How many physical records of `file` the reader met."""
        return self._records_per_file[file]

    def note(self, text: str) -> None:
        """Keep one thing the reader noticed about a file (names and positions, never values)."""
        if text not in self.notes:
            self.notes.append(text)

    def summary(self) -> str:
        """`2 of 200 records quarantined (1.00%): wrong_field_count 2`, for notes and logs."""
        share = self.count / self.records if self.records else 0.0
        classes = ", ".join(f"{name} {n}" for name, n in self.by_class.most_common())
        return f"{self.count} of {self.records} records quarantined ({share:.2%}): {classes}"

    def write_to(self, directory: Path) -> Path:
        """Write every quarantined row's raw bytes to `directory/quarantine.rows` plus an index.

        `quarantine.rows` holds the raw rows one after another, each ending with a newline;
        `quarantine.json` lists file, row and reason for each in the same order. Both files may
        hold personal data: keep them with the same care as the inputs.
        """
        directory.mkdir(parents=True, exist_ok=True)
        index: list[dict[str, object]] = []
        rows_path = directory / "quarantine.rows"
        self._raw.seek(0)
        with rows_path.open("wb") as out:
            while head := self._raw.read(4):
                meta = json.loads(self._raw.read(int.from_bytes(head, "big")))
                raw = self._raw.read(int.from_bytes(self._raw.read(8), "big"))
                out.write(raw if raw.endswith(b"\n") else raw + b"\n")
                index.append(meta)
        self._raw.seek(0, 2)
        (directory / "quarantine.json").write_text(
            json.dumps({"count": self.count, "rows": index}, indent=1) + "\n", encoding="utf-8"
        )
        return rows_path

    def close(self) -> None:
        """Release the spooled raw rows."""
        self._raw.close()

    def __repr__(self) -> str:  # never shows raw content
        return (
            f"Quarantine(count={self.count}, records={self.records}, "
            f"files={len(self._records_per_file | self._per_file)})"
        )
