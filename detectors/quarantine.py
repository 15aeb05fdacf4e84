"""Rows that could not be parsed: counted, located and kept aside, never silently dropped.

Only the row number and a reason travel in `QuarantinedRow`s (and so into logs and reports). The
raw bytes of bad rows are spooled to a temporary file and leave it only through `write_to`.
"""

from __future__ import annotations

import json
import tempfile
from collections import Counter
from pathlib import Path

from detectors.findings import QuarantinedRow

DEFAULT_KEEP = 100
_SPOOL_IN_MEMORY = 1 << 20  # raw bad rows stay in memory up to 1 MiB, then spill to disk


class Quarantine:
    """Collects malformed rows while files are read: a count, the first `keep` locations, raw bytes.

    One instance may be shared by several files; `count_for(file)` gives the per-file count.
    """

    def __init__(self, keep: int = DEFAULT_KEEP) -> None:
        self.keep = keep
        self.count = 0
        self.rows: list[QuarantinedRow] = []
        self._per_file: Counter[str] = Counter()
        self._raw = tempfile.SpooledTemporaryFile(max_size=_SPOOL_IN_MEMORY)  # noqa: SIM115

    def add(self, file: str, row: int, reason: str, raw: bytes = b"") -> None:
        """Record one bad row: `row` is its 1-based line number in `file`; `raw` its bytes."""
        self.count += 1
        self._per_file[file] += 1
        entry = QuarantinedRow(file=file, row=row, reason=reason)
        if len(self.rows) < self.keep:
            self.rows.append(entry)
        header = json.dumps({"file": file, "row": row, "reason": reason}).encode()
        self._raw.write(len(header).to_bytes(4, "big") + header)
        self._raw.write(len(raw).to_bytes(8, "big") + raw)

    def count_for(self, file: str) -> int:
        """How many rows of `file` were quarantined."""
        return self._per_file[file]

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
        return f"Quarantine(count={self.count}, files={len(self._per_file)})"
