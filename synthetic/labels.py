"""`labels.json` written without holding every span in memory: spans go to a scratch file as
they are produced, then are copied into the final document."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from synthetic.output import atomic_text


class LabelsWriter:
    """Collects span lines in a scratch file; `finish()` writes the labels document atomically."""

    def __init__(self, path: Path) -> None:
        self.path = path
        handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".spans", dir=path.parent)
        self._scratch_path = Path(name)
        self._scratch = os.fdopen(handle, "w", encoding="utf-8", newline="\n")
        self._count = 0

    def add_spans(self, spans: Iterable[dict[str, object]]) -> None:
        for span in spans:
            line = json.dumps(span, ensure_ascii=False)
            self._scratch.write(line if self._count == 0 else ",\n  " + line)
            self._count += 1

    def finish(self, header: dict[str, Any]) -> None:
        """Write `header` fields, then `spans`, to `self.path`."""
        self._scratch.close()
        try:
            with atomic_text(self.path) as out, self._scratch_path.open(encoding="utf-8") as spans:
                out.write("{\n")
                for key, value in header.items():
                    out.write(f" {json.dumps(key)}: {_dumps(value)},\n")
                out.write(' "spans": [\n  ' if self._count else ' "spans": [')
                while chunk := spans.read(1 << 20):
                    out.write(chunk)
                out.write("\n ]\n}\n" if self._count else "]\n}\n")
        finally:
            self._scratch_path.unlink(missing_ok=True)

    def discard(self) -> None:
        """Drop the scratch file after a failure."""
        self._scratch.close()
        self._scratch_path.unlink(missing_ok=True)


def _dumps(value: object) -> str:
    """Compact JSON; a mapping gets one entry per line so column labels stay readable."""
    if isinstance(value, dict) and value:
        entries = ",\n  ".join(f"{json.dumps(k)}: {_dumps(v)}" for k, v in value.items())
        return "{\n  " + entries + "\n }"
    return json.dumps(value, ensure_ascii=False)
