"""Atomic writers: every file is written under a temporary name, then moved into place."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

import pyarrow as pa
import pyarrow.csv as pacsv


@contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """Yield a temporary sibling of `path`; replace `path` with it only when the block succeeds."""
    handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(handle)
    tmp = Path(name)
    tmp.chmod(0o644)  # mkstemp makes 0600; the data is synthetic and meant to be shared
    try:
        yield tmp
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def write_csv(path: Path, schema: pa.Schema, batches: Iterable[pa.RecordBatch], batch_rows: int
              ) -> int:
    """Write record batches as CSV (header, strings quoted as Asterisk does); return row count."""
    rows = 0
    options = pacsv.WriteOptions(include_header=True, quoting_style="needed")
    with atomic_path(path) as tmp, pacsv.CSVWriter(str(tmp), schema, write_options=options) as w:
        for batch in batches:
            for start in range(0, batch.num_rows, batch_rows):
                part = batch.slice(start, batch_rows)
                w.write_batch(part)
                rows += part.num_rows
    return rows


@contextmanager
def atomic_text(path: Path) -> Iterator[IO[str]]:
    """Open a temporary text file (UTF-8, `\\n` newlines) that replaces `path` on success."""
    with atomic_path(path) as tmp, tmp.open("w", encoding="utf-8", newline="\n") as handle:
        yield handle

