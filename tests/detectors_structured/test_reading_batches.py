"""CSV blocks are sized to the file's rows, so that batches are even: a full batch and a short
one cost two batches' fixed work (memories probed, row groups written). Synthetic values only."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv

from detectors import Quarantine, read_batches
from detectors.reading import _even_batches

ROWS = 20_000
BATCH = 1_000


def _cdr(path: Path) -> Path:
    """20,000 CDR-like rows of ~150 bytes: the default 256-bytes-per-row guess is wrong here."""
    lines = ["uniqueid,src,dst,lastdata,disposition"]
    for i in range(ROWS):
        lines.append(
            f'{1767225600 + i}.{i},+1514555{i % 10_000:04d},01133199{i:06d},'
            f'"SIP/gw-{i:08x}/{i:06d},60,tT,{"x" * (40 + i % 50)}",ANSWERED'
        )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_csv_batches_after_the_first_block_are_nearly_full(tmp_path: Path) -> None:
    path = _cdr(tmp_path / "cdr.csv")
    quarantine = Quarantine()
    batches = list(read_batches(path, batch_size=BATCH, quarantine=quarantine))
    sizes = [b.num_rows for b in batches]
    assert max(sizes) <= BATCH
    # The first block (the 256-bytes-per-row guess) is split evenly, the last holds what is left.
    assert min(sizes[2:-1]) >= 0.8 * BATCH, sizes
    assert len(batches) <= ROWS // (0.8 * BATCH) + 3
    read = pa.Table.from_batches(batches)
    types = {name: read.schema.field(name).type for name in read.schema.names}
    expected = pacsv.read_csv(path, convert_options=pacsv.ConvertOptions(column_types=types))
    assert read.equals(expected)
    assert quarantine.count == 0 and quarantine.records == ROWS


def test_a_table_is_cut_into_even_batches() -> None:
    table = pa.table({"n": list(range(70_000))})
    assert [b.num_rows for b in _even_batches(table, 65_536)] == [35_000, 35_000]
    assert [b.num_rows for b in _even_batches(table, 70_000)] == [70_000]
    assert [b.num_rows for b in _even_batches(table, 30_000)] == [23_334, 23_334, 23_332]
    assert pa.Table.from_batches(_even_batches(table, 30_000)).equals(table)
    assert sum(b.num_rows for b in _even_batches(table.slice(0, 0), 10)) == 0
