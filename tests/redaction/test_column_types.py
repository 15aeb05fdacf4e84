"""Lossless types for text columns (`redaction.column_types`) and typed Parquet deliveries."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest
from conftest import CDR_SCHEMA, F, cdr_decision
from hypothesis import given
from hypothesis import strategies as st

from policy.decisions import Verdict
from redaction import build_plan, deliver, verify_output
from redaction.column_types import ColumnType, TypeTracker, infer_type
from redaction.results import DeliveryOutcome


def _text(values: list[str | None]) -> pa.Array:
    return pa.array(values, pa.string())


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        # canonical integers, nulls allowed
        (["2823", "0", "-7", None], pa.int64()),
        # leading zeros would be lost
        (["0042", "1"], None),
        # a plus sign would be lost
        (["+5", "6"], None),
        # negative zero would be written 0
        (["-0"], None),
        # beyond 18 digits: not promised to fit int64
        (["99999999999999999999"], None),
        # scientific notation is not a plain number
        (["1e3"], None),
        # one scale: the trailing zeros are the scale's
        (["0.0250", "1.5000", "-12.0000"], pa.decimal128(18, 4)),
        # two scales: 0.025 would come back as 0.0250
        (["0.025", "0.0250"], None),
        # wide decimals take precision 38
        (["12345678901234567890.5"], pa.decimal128(38, 1)),
        # one timestamp format, written back identically
        (["2026-11-05 03:00:00", "2026-01-05 13:45:12"], pa.timestamp("s")),
        (["2026-11-05T03:00:00"], pa.timestamp("s")),
        # mixed formats
        (["2026-11-05T03:00:00", "2026-11-05 03:00:00"], None),
        # an impossible day would come back as another day (Arrow's strptime rolls it over)
        (["2026-02-30 00:00:00"], None),
        # fractions of a second are not read as timestamps
        (["2026-11-05 03:00:00.5"], None),
        # dates; an impossible date stays text
        (["2026-11-05", "2026-02-28"], pa.date32()),
        (["2026-02-30"], None),
        # booleans in lower case only (True would come back true)
        (["true", "false", None], pa.bool_()),
        (["True"], None),
        (["1", "0", "yes"], None),
        # empty strings without nulls are nulls of the type, written back empty
        (["61", ""], pa.int64()),
        # empty strings beside nulls: two values a type cannot tell apart
        (["61", "", None], None),
        # nothing but blanks: no evidence of a type
        (["", None], None),
        (["", ""], None),
        # words
        (["ANSWERED", "1"], None),
    ],
)  # fmt: skip
def test_infer_type(values, expected):
    """A column is typed only when every value comes back as the same text."""
    found = infer_type(_text(values))
    assert (found.arrow_type if found else None) == expected


def test_only_string_columns_are_inferred():
    """Columns that already have a type are left to the reader."""
    assert infer_type(pa.array([1, 2])) is None


@given(st.lists(st.integers(-(10**18) + 1, 10**18 - 1), min_size=1))
def test_canonical_integers_are_int64_and_round_trip(numbers):
    """Any list of integers written canonically is int64 and renders back to its text."""
    text = _text([str(n) for n in numbers])
    found = infer_type(text)
    assert found == ColumnType(pa.int64())
    assert found.parse(text).to_pylist() == numbers
    assert found.render(found.parse(text)).equals(text)


@given(
    st.integers(1, 6).flatmap(
        lambda scale: st.lists(
            st.decimals(-(10**6), 10**6, places=scale, allow_nan=False, allow_infinity=False),
            min_size=1,
        ).map(lambda ds: (scale, ds))
    )
)
def test_decimals_of_one_scale_are_decimal128_and_round_trip(scaled):
    """Money and rates written with one scale become decimal128 of that scale, never a float."""
    scale, numbers = scaled
    # Decimal("-0.00") is written "0.00" by Arrow: a negative zero is not canonical
    words = [f"{d:.{scale}f}" for d in numbers]
    text = _text(words)
    found = infer_type(text)
    if any(w.startswith("-") and Decimal(w) == 0 for w in words):
        assert found is None
        return
    assert found is not None and found.arrow_type == pa.decimal128(18, scale)
    assert found.render(found.parse(text)).equals(text)


@given(
    st.lists(st.datetimes(min_value=datetime(1000, 1, 1), max_value=datetime(9999, 12, 31)),
             min_size=1),
    st.sampled_from(["%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d"]),
)  # fmt: skip
def test_times_of_one_format_are_typed_and_round_trip(times, text_format):
    """Whole-second times and dates written in one layout are typed and render back exactly."""
    text = _text([t.strftime(text_format) for t in times])
    found = infer_type(text)
    assert found is not None and found.text_format == text_format
    assert found.render(found.parse(text)).equals(text)


@given(st.lists(st.text(alphabet="0123456789+-. e", max_size=6), min_size=1))
def test_whatever_is_typed_round_trips(words):
    """Whatever type is inferred, its values are written back as exactly the input text."""
    text = _text(words)
    found = infer_type(text)
    if found is not None:
        back = found.render(found.parse(text))
        assert back.to_pylist() == words


@given(
    st.lists(st.sampled_from(["0.0085", "0.0000", "", "12.5000", "0042", "x", None, "42",
                              "2026-01-05 13:00:00"]),
             min_size=1, max_size=6),
    st.sampled_from([ColumnType(pa.decimal128(18, 4)), ColumnType(pa.decimal128(18, 4), None, True),
                     ColumnType(pa.int64()), ColumnType(pa.timestamp("s"), "%Y-%m-%d %H:%M:%S")]),
)  # fmt: skip
def test_a_column_of_few_values_is_parsed_as_cell_by_cell(palette, column_type):
    """Columns that repeat a few values (rates, times cut to the hour) are parsed once per
    distinct value: the same typed values, or None, as parsing every cell."""
    cells = [palette[(i * 7) % len(palette)] for i in range(5_000)]
    column = pa.array(cells, pa.string())
    expected = column_type._parse_exact(column)  # every cell
    found = column_type.parse_exact(column)
    assert (found is None) == (expected is None)
    assert found is None or found.equals(expected)


@pytest.mark.parametrize(
    ("batches", "expected"),
    [
        # decided on the first batch, confirmed by the next
        ([["1", "2"], ["3"]], pa.int64()),
        # a later value that does not fit: the column stays text for the whole file
        ([["1", "2"], ["0042"]], None),
        # a first batch of blanks decides nothing
        ([["", ""], ["2026-01-05"]], pa.date32()),
        # empty strings in one batch, nulls in another
        ([["1", ""], ["2", None]], None),
        # a decimal that outgrows precision 18 widens to 38
        ([["1.5"], ["12345678901234567890.5"]], pa.decimal128(38, 1)),
    ],
)  # fmt: skip
def test_tracker_decides_once_per_file(batches, expected):
    """The tracker's type fits every batch of the file, or there is none."""
    tracker = TypeTracker(("c",))
    for values in batches:
        tracker.add(pa.record_batch([_text(values)], names=["c"]))
    found = tracker.types().get("c")
    assert (found.arrow_type if found else None) == expected


RATES_CSV = "accountcode,src,dst,clid,start,src_ip,consent,duration,rate\n" + "".join(
    f"ACCT-{i:06d},1514555{i % 100:04d},5145550100,,2026-01-{1 + i % 28:02d} "
    f"{i % 24:02d}:{i % 60:02d}:07,203.0.113.{i % 250},yes,{i * 7},0.{i % 13:03d}0\n"
    for i in range(300)
)
RATES_SCHEMA = CDR_SCHEMA.append(pa.field("rate", pa.string()))


def _typed_decision():
    return cdr_decision(
        clid=F("clid", Verdict.DROP, "contact.phone", (), "drop"),
        rate=F("rate", Verdict.ALLOW, None, (), None),
    )


def test_parquet_delivery_types_kept_and_generalized_columns(tmp_path: Path, key):
    """Kept integers are int64, a time generalized to the hour a timestamp, tokens and IP
    networks strings; every value reads back as the input's text; CSV output stays text."""
    source = tmp_path / "cdr.csv"
    source.write_text(RATES_CSV, encoding="utf-8")
    plan = build_plan(_typed_decision(), RATES_SCHEMA, key)
    result = deliver(plan, [source], tmp_path / "out", batch_size=64)
    assert result.outcome is DeliveryOutcome.DELIVERED
    table = pq.read_table(result.output_path)
    types = {f.name: f.type for f in table.schema}
    assert types["duration"] == pa.int64()
    assert types["rate"] == pa.decimal128(18, 4)  # money and rates: never a float
    assert types["start"] == pa.timestamp("ms")  # Parquet has no seconds unit
    assert types["src"] == types["accountcode"] == types["src_ip"] == pa.string()
    assert types["consent"] == pa.string()  # 'yes' is not a boolean
    original = pacsv.read_csv(source, convert_options=pacsv.ConvertOptions(
        column_types=dict.fromkeys(RATES_SCHEMA.names, pa.string())))  # fmt: skip
    assert table["duration"].to_pylist() == [int(v) for v in original["duration"].to_pylist()]
    assert [str(r) for r in table["rate"].to_pylist()] == original["rate"].to_pylist()
    hours = [v[:13] + ":00:00" for v in original["start"].to_pylist()]
    assert [t.strftime("%Y-%m-%d %H:%M:%S") for t in table["start"].to_pylist()] == hours
    # field metadata (the data dictionary's description) survives the typing
    assert b"description" in table.schema.field("duration").metadata
    assert verify_output(Path(result.output_path), plan) == ()
    text = deliver(plan, [source], tmp_path / "csv", fmt="csv")
    written = pacsv.read_csv(text.output_path, convert_options=pacsv.ConvertOptions(
        column_types=dict.fromkeys(plan.output_schema.names, pa.string())))  # fmt: skip
    assert written["duration"].to_pylist() == original["duration"].to_pylist()
    assert written["rate"].to_pylist() == original["rate"].to_pylist()


def test_a_late_value_that_does_not_fit_keeps_the_column_text(tmp_path: Path, key):
    """A value in a later batch that would change (leading zeros) is never coerced: the whole
    column is delivered as the text it was."""
    source = tmp_path / "cdr.csv"
    source.write_text(RATES_CSV + "ACCT-9,15145550123,5145550100,,2026-01-05 13:45:12,"
                      "203.0.113.7,yes,0042,0.025\n", encoding="utf-8")  # fmt: skip
    plan = build_plan(_typed_decision(), RATES_SCHEMA, key)
    result = deliver(plan, [source], tmp_path / "out", batch_size=64)
    table = pq.read_table(result.output_path)
    assert table.schema.field("duration").type == pa.string()
    assert table["duration"].to_pylist()[-1] == "0042"
    # 0.025 beside 0.0250: the scale carries meaning, so the rates stay text
    assert table.schema.field("rate").type == pa.string()
    assert table["rate"].to_pylist()[-2:] == ["0.0000", "0.025"]
    assert table.schema.field("start").type == pa.timestamp("ms")


def test_a_first_batch_emptied_by_the_row_filters_does_not_decide_the_types(
    tmp_path: Path, key
):
    """The consent filter removes every row of the first batch: the types are decided on the
    first batch that holds rows, not left as text."""
    no = "".join(line.replace(",yes,", ",no,") + "\n" for line in RATES_CSV.splitlines()[1:65])
    source = tmp_path / "cdr.csv"
    source.write_text(RATES_CSV.splitlines()[0] + "\n" + no
                      + "".join(row + "\n" for row in RATES_CSV.splitlines()[65:]),
                      encoding="utf-8")  # fmt: skip
    decision = cdr_decision(
        row_filters=True,
        clid=F("clid", Verdict.DROP, "contact.phone", (), "drop"),
        rate=F("rate", Verdict.ALLOW, None, (), None),
    )
    plan = build_plan(decision, RATES_SCHEMA, key)
    result = deliver(plan, [source], tmp_path / "out", batch_size=64)
    assert result.rows_filtered == 64 and result.rows_out == 236
    table = pq.read_table(result.output_path)
    assert table.schema.field("duration").type == pa.int64()
    assert table.schema.field("rate").type == pa.decimal128(18, 4)
