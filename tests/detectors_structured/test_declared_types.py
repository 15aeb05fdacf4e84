"""Declared column types (`schema:`): read as declared, misfits quarantined, never coerced."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from detectors import DeclaredTypeError, DeclaredTypes, Quarantine, parse_type, read_batches
from detectors.inventory import read_schema

MONTREAL = ZoneInfo("America/Montreal")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("int64", pa.int64()),
        ("BOOL", pa.bool_()),
        ("date", pa.date32()),
        ("string", pa.string()),
        ("decimal(9,4)", pa.decimal128(9, 4)),
        ("decimal128(38, 2)", pa.decimal128(38, 2)),
        ("timestamp", pa.timestamp("us")),
        ("timestamp[America/Montreal]", pa.timestamp("us", tz="America/Montreal")),
        ("timestamp[UTC]", pa.timestamp("us", tz="UTC")),
    ],
)
def test_known_types(text, expected):
    assert parse_type(text) == expected


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("integer", "unknown type 'integer'; use one of string, int64"),
        ("float", "unknown type"),  # money is never a float
        ("decimal(40,2)", "precision <= 38"),
        ("decimal(4,6)", "scale <= precision"),
        ("timestamp[Mars/Olympus]", "not an IANA time zone"),
    ],
)
def test_unknown_types_name_the_dataset_column_and_the_known_ones(text, says):
    with pytest.raises(DeclaredTypeError, match=says) as raised:
        DeclaredTypes.parse({"duration": text}, "cdr")
    assert str(raised.value).startswith("dataset 'cdr': schema.duration: ")


def _read(path: Path, declared: dict[str, str], **kwargs) -> tuple[pa.Table, Quarantine]:
    quarantine = Quarantine()
    batches = list(read_batches(path, quarantine=quarantine,
                                declared=DeclaredTypes.parse(declared), **kwargs))  # fmt: skip
    return pa.Table.from_batches(batches), quarantine


def test_a_csv_column_is_read_as_declared_and_misfits_are_quarantined(tmp_path: Path):
    """Values that fit are converted (signs, blanks, case of booleans); a record with one that
    does not is quarantined by its line, class type_mismatch, the column named, no value."""
    path = tmp_path / "cdr.csv"
    path.write_text(
        "uniqueid,duration,rate,answered,day\n"
        "a1,61,0.0250,Yes,2026-11-05\n"
        "a2,+7,1.5,no,2026-11-06\n"
        "a3,12s,0.0100,y,2026-11-07\n"  # 12s is not a number
        "a4,,0.02501,n,2026-11-08\n"  # five fraction digits do not fit scale 4
        "a5,3,0.0300,maybe,2026-11-09\n"  # not a boolean
        "a6,4,0.0400,true,2026-02-30\n"  # no such day
        "a7,5,,false,\n",
        encoding="utf-8",
    )
    declared = {"duration": "int64", "rate": "decimal(9,4)", "answered": "bool", "day": "date"}
    table, quarantine = _read(path, declared)
    assert table.schema.field("duration").type == pa.int64()
    assert table.schema.field("rate").type == pa.decimal128(9, 4)
    assert table.schema.field("uniqueid").type == pa.string()  # not declared: as read
    assert table.to_pylist() == [
        {"uniqueid": "a1", "duration": 61, "rate": Decimal("0.0250"), "answered": True,
         "day": date(2026, 11, 5)},
        {"uniqueid": "a2", "duration": 7, "rate": Decimal("1.5000"), "answered": False,
         "day": date(2026, 11, 6)},
        {"uniqueid": "a7", "duration": 5, "rate": None, "answered": False, "day": None},
    ]  # fmt: skip
    assert quarantine.count == 4 and quarantine.records == 7
    assert dict(quarantine.by_class) == {"type_mismatch": 4}
    assert [(r.row, r.reason) for r in quarantine.rows] == [
        (4, "column 'duration': value does not fit the declared type int64"),
        (5, "column 'rate': value does not fit the declared type decimal128(9, 4)"),
        (6, "column 'answered': value does not fit the declared type bool"),
        (7, "column 'day': value does not fit the declared type date32[day]"),
    ]
    assert all("12s" not in r.reason and "0.02501" not in r.reason for r in quarantine.rows)


def test_local_times_take_their_zone(tmp_path: Path):
    """Naive times are local times of the declared zone; a time written with an offset keeps
    it; of a time that occurs twice (clocks set back) the earlier is taken; one that never
    occurs (clocks set forward) does not fit."""
    path = tmp_path / "cdr.csv"
    path.write_text(
        "start\n"
        "2026-07-01 12:00:00\n"
        "2026-11-01 01:30:00\n"  # occurs twice in Montreal: EDT, then EST
        "2026-03-08 02:30:00\n"  # never occurs in Montreal
        "2026-07-01T16:00:00Z\n"
        "2026-07-01 12:00:00.250\n",
        encoding="utf-8",
    )
    table, quarantine = _read(path, {"start": "timestamp[America/Montreal]"})
    assert table.schema.field("start").type == pa.timestamp("us", tz="America/Montreal")
    instants = [t.astimezone(UTC) for t in table.column("start").to_pylist()]
    assert instants == [
        datetime(2026, 7, 1, 16, 0, tzinfo=UTC),
        datetime(2026, 11, 1, 5, 30, tzinfo=UTC),  # the earlier: 01:30 EDT
        datetime(2026, 7, 1, 16, 0, tzinfo=UTC),
        datetime(2026, 7, 1, 16, 0, 0, 250000, tzinfo=UTC),
    ]
    assert [r.row for r in quarantine.rows] == [4]


def test_a_naive_column_refuses_times_with_an_offset(tmp_path: Path):
    path = tmp_path / "cdr.csv"
    path.write_text("start\n2026-07-01 12:00:00\n2026-07-01T16:00:00+02:00\n", encoding="utf-8")
    table, quarantine = _read(path, {"start": "timestamp"})
    assert table.column("start").to_pylist() == [datetime(2026, 7, 1, 12, 0)]
    assert quarantine.count == 1


def test_parquet_columns_are_cast_when_they_fit(tmp_path: Path):
    """An int column declared decimal is widened; text declared int64 is parsed; the record
    numbers of a Parquet file count from 1."""
    path = tmp_path / "billing.parquet"
    pq.write_table(pa.table({"cents": [125, 99], "code": ["12", "x1"]}), path)
    table, quarantine = _read(path, {"cents": "decimal(12,2)", "code": "int64"})
    assert table.to_pylist() == [{"cents": Decimal("125.00"), "code": 12}]
    assert [(r.row, r.reason_class) for r in quarantine.rows] == [(2, "type_mismatch")]


def test_the_schema_a_plan_is_built_on_has_the_declared_types(tmp_path: Path):
    path = tmp_path / "cdr.csv"
    path.write_text("duration,rate\n61,0.0250\n", encoding="utf-8")
    schema = read_schema(path, declared=DeclaredTypes.parse({"duration": "int64"}))
    assert schema.field("duration").type == pa.int64()
    assert schema.field("rate").type == pa.string()


def test_quarantined_records_keep_their_raw_values_for_review(tmp_path: Path):
    """The quarantine file (not the report) holds the record, so it can be fixed and rerun."""
    path = tmp_path / "cdr.csv"
    path.write_text("id,duration\nr1,1\nr2,ten\n", encoding="utf-8")
    quarantine = Quarantine()
    list(read_batches(path, quarantine=quarantine,
                      declared=DeclaredTypes.parse({"duration": "int64"})))  # fmt: skip
    out = tmp_path / "q"
    quarantine.write_to(out)
    written = "".join(p.read_text(encoding="utf-8", errors="replace") for p in out.rglob("*")
                      if p.is_file())  # fmt: skip
    assert "ten" in written and json.dumps("r2") in written


def test_a_declared_column_the_file_lacks_is_named(tmp_path: Path):
    """A typo in `schema:` is not silently ignored: the file, the missing name and its columns."""
    path = tmp_path / "cdr.csv"
    path.write_text("duration,rate\n61,0.0250\n", encoding="utf-8")
    with pytest.raises(DeclaredTypeError) as raised:
        _read(path, {"durration": "int64"})
    assert str(raised.value) == (
        f"{path}: schema: names column(s) durration that the file does not have (its columns: "
        "duration, rate); fix the names in schema:"
    )
