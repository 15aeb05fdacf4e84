"""Malformed rows are quarantined with exact line numbers and reasons, never dropped silently."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pyarrow as pa
import pytest

from detectors import ASTERISK_CDR_CSV_COLUMNS, Quarantine, file_sha256, read_batches


def _read(path: Path, quarantine: Quarantine, **kwargs) -> pa.Table:
    return pa.Table.from_batches(list(read_batches(path, quarantine=quarantine, **kwargs)))


def test_csv_bad_rows_quarantined_with_line_numbers(tmp_path: Path) -> None:
    """Wrong field counts and undecodable bytes are located by their line in the file."""
    path = tmp_path / "in.csv"
    path.write_bytes(
        b"a,b,c\n"
        b"1,2\xc3\xa9,3\n"  # line 2: good, UTF-8 text (so the file is UTF-8, not cp1252)
        b"4,5\n"  # line 3: too few fields
        b'"multi\nline",7,8\n'  # lines 4-5: one good record with a quoted newline
        b"9,10,11,12\n"  # line 6: too many fields
        b"0012,\xff\xfe,3\n"  # line 7: not UTF-8
        b"13,14,15\n"  # line 8: good
    )
    quarantine = Quarantine()
    table = _read(path, quarantine)
    assert table.column("a").to_pylist() == ["1", "multi\nline", "13"]
    assert [(q.row, q.reason) for q in quarantine.rows] == [
        (3, "expected 3 fields, found 2"),
        (6, "expected 3 fields, found 4"),
        (7, "undecodable bytes: expected UTF-8 text"),
    ]
    assert table.num_rows + quarantine.count == 6


def test_bad_rows_found_in_every_batch(tmp_path: Path) -> None:
    """Across many blocks, read + quarantined = data rows, and line numbers stay exact."""
    path = tmp_path / "big.csv"
    lines = ["id,value"]
    bad = set(range(5, 20_000, 997))
    for i in range(20_000):
        lines.append(f"{i},x" if i not in bad else f"{i},x,extra")
    path.write_text("\n".join(lines) + "\n")
    quarantine = Quarantine(keep=1_000)
    table = _read(path, quarantine, batch_size=256)
    assert table.num_rows + quarantine.count == 20_000
    assert [q.row for q in quarantine.rows] == [i + 2 for i in sorted(bad)]


def test_jsonl_bad_lines_quarantined(tmp_path: Path) -> None:
    """Invalid JSON and non-objects are quarantined by line, blank lines skipped; a field whose
    type changes is read as text, no row lost (issue 15)."""
    path = tmp_path / "in.jsonl"
    path.write_text(
        '{"a": 1, "b": null}\n'  # line 1
        '{"a": \n'  # line 2: invalid JSON
        "\n"  # line 3: blank, skipped
        '{"a": 3, "b": "x"}\n'  # line 4
        "[1]\n"  # line 5: not an object
        '{"a": "text"}\n'  # line 6: a was a number: the field becomes text
        '{"a": 5}\n'  # line 7
    )
    quarantine = Quarantine()
    table = _read(path, quarantine)
    assert table.column("a").to_pylist() == ["1", "3", "text", "5"]
    assert [(q.row, q.reason) for q in quarantine.rows] == [
        (2, "invalid JSON"),
        (5, "expected a JSON object per line"),
    ]


def test_quarantine_keeps_first_n_and_counts_all(tmp_path: Path) -> None:
    """Only `keep` locations are stored, the count covers every bad row."""
    path = tmp_path / "in.csv"
    path.write_text("a,b\n" + "1\n" * 30 + "1,2\n")
    quarantine = Quarantine(keep=5)
    assert _read(path, quarantine).num_rows == 1
    assert quarantine.count == 30 and len(quarantine.rows) == 5
    assert quarantine.count_for(str(path)) == 30


def test_raw_rows_only_in_written_quarantine_file(tmp_path: Path) -> None:
    """Raw content goes to write_to's files only; reasons and repr never carry it."""
    path = tmp_path / "in.csv"
    path.write_text("a,b\nsecret-5145550123\n1,2\n")
    quarantine = Quarantine()
    _read(path, quarantine)
    assert "5145550123" not in repr(quarantine) + repr(quarantine.rows)
    rows_file = quarantine.write_to(tmp_path / "q")
    assert rows_file.read_bytes() == b"secret-5145550123\n"
    index = json.loads((tmp_path / "q" / "quarantine.json").read_text())
    assert index == {
        "count": 1,
        "rows": [{"file": str(path), "row": 2, "reason": "expected 2 fields, found 1"}],
    }


def test_real_asterisk_master_csv(realdata: Path) -> None:
    """Asterisk's headerless Master.csv samples read with the cdr_csv column order."""
    good = realdata / "cdr/asterisk/testsuite_samples/cdrlib_good.csv"
    quarantine = Quarantine()
    table = _read(good, quarantine, header=False, column_names=ASTERISK_CDR_CSV_COLUMNS)
    assert table.num_rows == 5 and quarantine.count == 0
    assert table.column_names == list(ASTERISK_CDR_CSV_COLUMNS)
    assert table.column("clid").to_pylist()[0] == '"Test User" <test>'
    assert table.column("disposition").to_pylist()[2] == "FAILED"


def test_real_asterisk_malformed_row_quarantined(realdata: Path) -> None:
    """The deliberately malformed Asterisk row (an unclosed quote) is quarantined, not read."""
    buggy = realdata / "cdr/asterisk/testsuite_samples/cdrlib_buggy.csv"
    before = file_sha256(buggy)
    quarantine = Quarantine()
    batches = list(
        read_batches(
            buggy, quarantine=quarantine, header=False, column_names=ASTERISK_CDR_CSV_COLUMNS
        )
    )
    assert sum(b.num_rows for b in batches) == 0
    assert [(q.row, q.reason) for q in quarantine.rows] == [
        (1, "quoted field not closed at end of file")
    ]
    assert file_sha256(buggy) == before


def test_bad_row_text_inside_a_good_row_and_repeated(tmp_path: Path) -> None:
    """A bad row is located at a line start, not inside a longer good row; repeats each count."""
    path = tmp_path / "in.csv"
    path.write_text("a,b,c\n14,5,6\n4,5\n7,8,9\n4,5\n")
    quarantine = Quarantine()
    assert _read(path, quarantine).num_rows == 2
    assert [q.row for q in quarantine.rows] == [3, 5]


def test_without_quarantine_bad_rows_are_logged_not_silent(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """No Quarantine given: the count is logged with the file name, never the content."""
    path = tmp_path / "in.csv"
    path.write_text("a,b\nsecret-5145550123\n1,2\n")
    with caplog.at_level(logging.WARNING, logger="detectors.reading"):
        assert sum(b.num_rows for b in read_batches(path)) == 1
    assert caplog.messages == [f"{path}: 1 malformed rows skipped; pass a Quarantine to keep them"]
