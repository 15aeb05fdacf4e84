"""Round trips through `read_batches` for CSV, gzip CSV, Parquet and JSONL, and exact errors."""

from __future__ import annotations

import gzip
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from detectors import (
    Quarantine,
    UnreadableFileError,
    UnsupportedFormatError,
    file_sha256,
    read_batches,
)


def _read(path: Path, **kwargs) -> pa.Table:
    return pa.Table.from_batches(list(read_batches(path, **kwargs)))


def _write_csv(path: Path, rows: int) -> None:
    lines = ["account,phone,note"] + [
        f'{i:07d},+1514555{i % 100:04d},"row {i}, with comma"' for i in range(rows)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_csv_reads_every_column_as_string(tmp_path: Path) -> None:
    """Ids with leading zeros survive because no column type is guessed."""
    path = tmp_path / "in.csv"
    _write_csv(path, 3)
    table = _read(path)
    assert table.schema.types == [pa.string()] * 3
    assert table.column("account").to_pylist() == ["0000000", "0000001", "0000002"]
    assert table.column("note").to_pylist()[1] == "row 1, with comma"


def test_csv_gz_matches_plain_csv(tmp_path: Path) -> None:
    """A gzip-compressed CSV reads to the same table as the plain file."""
    plain = tmp_path / "in.csv"
    _write_csv(plain, 50)
    packed = tmp_path / "in.csv.gz"
    packed.write_bytes(gzip.compress(plain.read_bytes()))
    assert _read(packed).equals(_read(plain))


def test_parquet_keeps_types(tmp_path: Path) -> None:
    """Parquet columns keep their stored types; `columns` selects a subset."""
    path = tmp_path / "in.parquet"
    table = pa.table({"n": pa.array([1, 2], pa.int64()), "s": ["a", "b"]})
    pq.write_table(table, path)
    assert _read(path).equals(table)
    assert _read(path, columns=["s"]).column_names == ["s"]


@pytest.mark.parametrize("suffix", [".jsonl", ".ndjson"])
def test_jsonl_round_trip(tmp_path: Path, suffix: str) -> None:
    """JSON Lines parse one object per line; a field null in every early line becomes string."""
    path = (tmp_path / "in").with_suffix(suffix)
    path.write_text(
        '{"account": "0012345", "phone": "+15145550123", "note": null}\n'
        '{"account": "0098765", "phone": "514-555-0188", "note": "x"}\n'
    )
    result = _read(path)
    assert result.column("account").to_pylist() == ["0012345", "0098765"]
    assert result.schema.field("note").type == pa.string()


def test_large_file_gives_several_batches_of_bounded_size(tmp_path: Path) -> None:
    """A file larger than the batch size streams as several batches, none above the size."""
    path = tmp_path / "big.csv"
    _write_csv(path, 2_000)
    batches = list(read_batches(path, batch_size=300))
    assert len(batches) > 1
    assert max(b.num_rows for b in batches) <= 300
    assert sum(b.num_rows for b in batches) == 2_000


def test_headerless_csv_takes_given_names(tmp_path: Path) -> None:
    """header=False uses column_names, or col1..colN when none are given."""
    path = tmp_path / "Master.csv"
    path.write_text('"a","5145550123",7\n"b","5145550124",8\n')
    assert _read(path, header=False, column_names=["x", "y", "z"]).column_names == ["x", "y", "z"]
    assert _read(path, header=False).column_names == ["col1", "col2", "col3"]


def test_input_is_never_modified(tmp_path: Path) -> None:
    """Reading (and quarantining) leaves the input byte-for-byte unchanged."""
    path = tmp_path / "in.csv"
    path.write_text("a,b\n1,2\n3\n4,5\n")
    before = file_sha256(path)
    _read(path, quarantine=Quarantine())
    assert file_sha256(path) == before


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        # empty file
        ("empty.csv", b"", "{path}: file is empty; expected at least one row"),
        # missing file
        (None, None, "{path}: file not found; expected an existing input file"),
        # only a blank header line
        ("blank.csv", b"\n", "{path}: line 1 (header) is blank; expected column names, "
         "or pass header=False"),
    ],
)
def test_unreadable_file_errors(
    tmp_path: Path, name: str | None, content: bytes | None, message: str
) -> None:
    """Unreadable inputs raise UnreadableFileError naming the file and what was expected."""
    path = tmp_path / (name or "missing.csv")
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(UnreadableFileError) as err:
        list(read_batches(path))
    assert str(err.value) == message.format(path=path)


def test_unknown_extension_is_unsupported(tmp_path: Path) -> None:
    """An extension no reader handles raises UnsupportedFormatError listing the known ones."""
    path = tmp_path / "calls.xlsx"
    path.write_bytes(b"PK")
    with pytest.raises(UnsupportedFormatError) as err:
        list(read_batches(path))
    assert str(err.value) == (
        f"{path}: cannot tell the format from the file name; expected an extension among "
        ".csv, .parquet, .pq, .jsonl, .ndjson, .csv.gz, .jsonl.gz, or pass fmt= one of "
        "csv, parquet, jsonl"
    )


def test_damaged_parquet_is_unreadable(tmp_path: Path) -> None:
    """A file named .parquet that is not Parquet raises UnreadableFileError."""
    path = tmp_path / "x.parquet"
    path.write_bytes(b"not parquet at all")
    with pytest.raises(UnreadableFileError) as err:
        list(read_batches(path))
    assert str(err.value) == (
        f"{path}: is not a readable Parquet file; expected Parquet (magic bytes PAR1)"
    )


def test_missing_column_is_named(tmp_path: Path) -> None:
    """Asking for a column the file lacks names the column and lists the real ones."""
    path = tmp_path / "in.csv"
    _write_csv(path, 2)
    with pytest.raises(UnreadableFileError) as err:
        list(read_batches(path, columns=["msisdn"]))
    assert str(err.value) == f"{path}: has no column(s) msisdn; columns: account, phone, note"


def test_parquet_is_read_row_group_by_row_group_in_order(tmp_path: Path) -> None:
    """Several row groups, a column subset, small batches: every row once, in file order."""
    import pyarrow.parquet as pq

    from detectors.reading import parquet_batches

    path = tmp_path / "parts.parquet"
    table = pa.table({"n": list(range(1_000)), "s": [f"v{i}" for i in range(1_000)]})
    pq.write_table(table, path, row_group_size=300)
    parquet = pq.ParquetFile(path)
    assert parquet.metadata.num_row_groups == 4
    batches = list(parquet_batches(parquet, batch_size=128, columns=["n"]))
    assert max(b.num_rows for b in batches) <= 128
    assert pa.Table.from_batches(batches).column("n").to_pylist() == list(range(1_000))
    assert batches[0].schema.names == ["n"]


def test_file_digest_is_read_once_and_follows_changes(tmp_path: Path, monkeypatch) -> None:
    """An unchanged file is hashed once per process; rewriting it gives its new digest."""
    import hashlib
    import os

    import detectors.reading as reading

    path = tmp_path / "cdr.csv"
    path.write_bytes(b"a,b\n1,2\n")
    first = reading.file_sha256(path)
    assert first == hashlib.sha256(b"a,b\n1,2\n").hexdigest()
    real = reading._hash_file
    monkeypatch.setattr(reading, "_hash_file", lambda *a: pytest.fail("read again"))
    assert reading.file_sha256(path) == first
    monkeypatch.setattr(reading, "_hash_file", real)
    path.write_bytes(b"a,b\n1,3\n")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000))  # coarse clocks
    assert reading.file_sha256(path) == hashlib.sha256(b"a,b\n1,3\n").hexdigest()
