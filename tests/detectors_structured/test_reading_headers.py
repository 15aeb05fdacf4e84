"""Headerless CSVs: line 1 is read as data when it holds values, so no value becomes a name."""

from __future__ import annotations

import csv
import logging
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pytest

from detectors import (
    ASTERISK_CDR_CSV_COLUMNS,
    ASTERISK_CDR_CSV_NEW_COLUMNS,
    UnreadableFileError,
    profile_dataset,
    read_batches,
    read_schema,
)
from detectors.reading import HeaderDecision, resolve_header, sniff_header
from policy import ConfigError, load_config
from policy.decisions import DeliveryDecision, DeliveryStatus, FieldDecision, Verdict
from redaction import build_plan, deliver
from redaction.keys import key_from_text

# Synthetic Asterisk cdr_csv records: reserved 555-01XX numbers only.
CDR_ROWS = [
    ["", "5145550123", "5145550188", "from-internal", '"Jane Roe" <5145550123>',
     "SIP/100-00000001", "SIP/trunk-00000002", "Dial", "SIP/trunk/5145550188,30",
     "2026-11-05 03:00:00", "2026-11-05 03:00:05", "2026-11-05 03:01:05", "65", "60",
     "ANSWERED", "DOCUMENTATION", "1762311600.1", ""],
    ["", "5145550142", "5145550177", "from-internal", '"Zoe Ng" <5145550142>',
     "SIP/101-00000003", "SIP/trunk-00000004", "Dial", "SIP/trunk/5145550177,30",
     "2026-11-05 04:10:00", "2026-11-05 04:10:02", "2026-11-05 04:12:02", "122", "120",
     "ANSWERED", "DOCUMENTATION", "1762315800.2", ""],
    ["", "5145550166", "5145550199", "from-internal", '"Ann Bo" <5145550166>',
     "SIP/102-00000005", "", "Dial", "SIP/trunk/5145550199,30",
     "2026-11-05 05:20:00", "", "2026-11-05 05:20:30", "30", "0",
     "NO ANSWER", "DOCUMENTATION", "1762320000.3", ""],
]  # fmt: skip
NEW_COLUMNS = ["", "1762311600.1", "7"]  # peeraccount, linkedid, sequence
KEY = key_from_text("test-key-0123456789abcdef0123456789abcdef")


def _write(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, quoting=csv.QUOTE_ALL, lineterminator="\n").writerows(rows)
    return path


def _read(path: Path, decision: HeaderDecision) -> pa.Table:
    batches = read_batches(path, header=decision.header, column_names=decision.column_names)
    return pa.Table.from_batches(list(batches))


def _config(tmp_path: Path, header: str | None) -> Path:
    option = f", header: {header}" if header is not None else ""
    path = tmp_path / "pipeline.yaml"
    path.write_text(
        f"policy: voipms\ndatasets:\n  - {{name: cdr, kind: cdr, path: Master.csv{option}}}\n",
        encoding="utf-8",
    )
    return path


@pytest.mark.parametrize(
    ("extra", "names"),
    [
        ([], ASTERISK_CDR_CSV_COLUMNS),  # cdr_csv as Asterisk writes it by default: 18 columns
        (NEW_COLUMNS, ASTERISK_CDR_CSV_NEW_COLUMNS),  # newcdrcolumns=yes: 21 columns
    ],
)
def test_headerless_asterisk_cdr_reads_with_asterisk_names(
    tmp_path: Path, extra: list[str], names: tuple[str, ...]
) -> None:
    """A headerless CDR of a `cdr` dataset gets Asterisk's names; line 1 is the first row."""
    path = _write(tmp_path / "Master.csv", [row + extra for row in CDR_ROWS])
    decision = resolve_header([path], kind="cdr")
    assert decision == HeaderDecision(header=False, column_names=names)
    table = _read(path, decision)
    assert table.column_names == list(names)
    assert table.num_rows == len(CDR_ROWS)
    assert table.column("src").to_pylist()[0] == "5145550123"
    assert not set(CDR_ROWS[0] + extra) & set(table.column_names)  # no value became a name


def test_headerless_generic_csv_gets_positional_names(tmp_path: Path) -> None:
    """Any other headerless CSV gets col1..colN, also a CDR whose width is not Asterisk's."""
    rows = [["5145550123", "jane.roe@example.com", "2026-11-05", "12.50"],
            ["5145550142", "zoe.ng@example.com", "2026-11-06", "3.00"]]  # fmt: skip
    path = _write(tmp_path / "billing.csv", rows)
    for kind in ("billing", "cdr"):
        decision = resolve_header([path], kind=kind)
        assert decision.column_names == ("col1", "col2", "col3", "col4")
    table = _read(path, decision)
    assert table.num_rows == 2
    assert table.column("col2").to_pylist() == ["jane.roe@example.com", "zoe.ng@example.com"]


def test_csv_with_header_is_read_unchanged(tmp_path: Path) -> None:
    """A CSV whose line 1 holds names reads exactly as before (header row, names kept)."""
    path = _write(tmp_path / "cdr.csv", [["src", "Caller ID", "call_start"], CDR_ROWS[0][1:4]])
    decision = resolve_header([path], kind="cdr")
    assert decision == HeaderDecision(header=True, column_names=None)
    assert _read(path, decision).equals(pa.Table.from_batches(list(read_batches(path))))
    assert read_schema(path).names == ["src", "Caller ID", "call_start"]


@pytest.mark.parametrize(
    ("line", "has_header"),
    [
        ("src,dst,Caller ID,call_start,#Tenant[0],:Usage\n", True),  # names, as exports write
        ("accountcode,src,dst,\n", False),  # an empty cell is a value, not a name
        ("5145550123,dst\n", False),  # a phone number
        ("+1 (514) 555-0123,dst\n", False),  # a phone number as people write it
        ("jane.roe@example.com,src\n", False),  # an e-mail address
        ("2026-11-05 03:00:00,src\n", False),  # a date/time
        ("12.50,src\n", False),  # a decimal
        ("203.0.113.7,src\n", False),  # an IP address
        ('"""Jane Roe"" <100>",src\n', False),  # a quoted caller id without a phone
        ("Dial,Hangup,Answer\nDial,Busy,Answer\n", False),  # a value recurring in its column
        ("All you can drink for a month,Refund asked for after the outage,x\n", False),  # prose
    ],
)
def test_sniff_header(tmp_path: Path, line: str, has_header: bool) -> None:
    """Line 1 is a header only when its cells read as names and none reads as a value."""
    path = tmp_path / "in.csv"
    path.write_text(line, encoding="utf-8")
    assert sniff_header(path).has_header is has_header


@pytest.mark.parametrize(
    ("option", "header_row", "expected_rows", "first_name"),
    [
        (None, False, 3, "col1"),  # auto (default): headerless, positional names
        ("auto", True, 3, "src"),  # auto: a header row is read as names
        ("false", True, 4, "col1"),  # forced: the header row is read as a data row
        ("true", False, 2, "5145550123"),  # forced: line 1 taken as names (the user said so)
    ],
)
def test_config_header_option_decides(
    tmp_path: Path, option: str | None, header_row: bool, expected_rows: int, first_name: str
) -> None:
    """`header: true|false|auto` on a dataset forces or detects how line 1 is read."""
    rows = [[*r[1:3], r[4]] for r in CDR_ROWS]  # src, dst, clid
    rows = [["src", "dst", "clid"], *rows] if header_row else rows
    _write(tmp_path / "Master.csv", rows)
    dataset = load_config(_config(tmp_path, option)).dataset("cdr")
    assert dataset.header == ({"true": True, "false": False}.get(option, "auto"))
    decision = resolve_header(dataset.files(), dataset.format, dataset.header, str(dataset.kind))
    table = _read(dataset.files()[0], decision)
    assert table.num_rows == expected_rows
    assert table.column_names[0] == first_name


def test_config_rejects_an_unknown_header_value(tmp_path: Path) -> None:
    """Only true, false and auto are accepted, and the error says where."""
    with pytest.raises(ConfigError) as err:
        load_config(_config(tmp_path, "maybe"))
    assert "datasets[0].header" in str(err.value)


def test_duplicate_names_error_names_positions_not_values(tmp_path: Path) -> None:
    """A repeated name is reported by column position: with a headerless file it is a value."""
    path = _write(tmp_path / "Master.csv", [["5145550123", "5145550123", "x"], ["1", "2", "3"]])
    with pytest.raises(UnreadableFileError) as err:
        list(read_batches(path, header=True))
    assert str(err.value) == (
        f"{path}: columns 1 and 2 of line 1 (header) have the same name; expected unique column "
        "names, or read line 1 as data with header=False"
    )
    assert "5145550123" not in str(err.value)


def test_headerless_warning_names_file_and_count_never_a_value(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The warning says which file and how many columns; no cell of line 1 appears."""
    path = _write(tmp_path / "Master.csv", CDR_ROWS)
    with caplog.at_level(logging.WARNING, logger="detectors.reading"):
        resolve_header([path], kind="cdr")
    (record,) = caplog.records
    message = record.getMessage()
    assert str(path) in message and "18 columns" in message
    said = message.replace(str(path), "")  # pytest's folder (`pytest-265`) may hold a short cell
    assert not [cell for cell in CDR_ROWS[0] if cell and cell in said]


def test_files_of_one_dataset_that_disagree_raise(tmp_path: Path) -> None:
    """A header in one file and none in another is refused, naming both files."""
    bare = _write(tmp_path / "a.csv", [r[1:4] for r in CDR_ROWS])
    headed = _write(tmp_path / "b.csv", [["src", "dst", "dcontext"], CDR_ROWS[0][1:4]])
    with pytest.raises(UnreadableFileError) as err:
        resolve_header([bare, headed])
    assert str(err.value) == (
        f"{headed}: has a header row but {bare} has none (its line 1 reads as data); expected "
        "the files of one dataset to agree: set header: true or false on the dataset, or split it"
    )


def test_profile_reads_the_headerless_first_record_as_data(tmp_path: Path) -> None:
    """Profiling a headerless CDR sees every record, line 1 included, under Asterisk names."""
    path = _write(tmp_path / "Master.csv", CDR_ROWS)
    decision = resolve_header([path], kind="cdr")
    profile = profile_dataset(
        "cdr", "cdr", [path], header=decision.header, column_names=decision.column_names
    )
    assert profile.rows_read == len(CDR_ROWS)
    assert [f.column for f in profile.fields] == list(ASTERISK_CDR_CSV_COLUMNS)
    by_name = {f.column: f for f in profile.fields}
    assert "PHONE_NUMBER" in by_name["src"].entity_types


def test_deliver_keeps_the_headerless_first_record_as_a_row(tmp_path: Path) -> None:
    """Delivered end to end: line 1 is a redacted row, and the output header holds names only."""
    path = _write(tmp_path / "Master.csv", CDR_ROWS)
    decision = resolve_header([path], kind="cdr")
    kept = {"duration": Verdict.ALLOW, "disposition": Verdict.ALLOW}
    fields = tuple(
        FieldDecision("src", Verdict.PSEUDONYMIZE, "contact.phone", ("PHONE_NUMBER",),
                      "pseudonymize")
        if name == "src"
        else FieldDecision(name, kept.get(name, Verdict.DROP), None, (), None)
        for name in ASTERISK_CDR_CSV_COLUMNS
    )  # fmt: skip
    plan = build_plan(
        DeliveryDecision(
            delivery="cdr-quality", dataset="cdr", recipient="acme-analytics",
            recipient_class="analytics_vendor", purpose="service_quality", legal_basis=None,
            status=DeliveryStatus.PROCEED, fields=fields,
        ),
        read_schema(path, header=decision.header, column_names=decision.column_names),
        KEY,
    )  # fmt: skip
    result = deliver(
        plan, [path], tmp_path / "out", fmt="csv",
        header=decision.header, column_names=decision.column_names,
    )  # fmt: skip
    assert (result.rows_in, result.rows_out) == (3, 3)
    out = pacsv.read_csv(result.output_path)
    assert out.column_names == ["src", "duration", "disposition"]
    assert out.column("duration").to_pylist() == [65, 122, 30]
    text = Path(result.output_path).read_text(encoding="utf-8")
    assert "5145550123" not in text


def test_scan_command_reads_headerless_cdr_as_data(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`teleprivacy scan PATH --kind cdr` applies the same detection: Asterisk names, no value."""
    from flows.commands import scan

    path = _write(tmp_path / "Master.csv", CDR_ROWS)
    assert scan([path], kind="cdr") == 0
    printed = capsys.readouterr().out
    assert "scan: 3 rows read" in printed
    assert "disposition" in printed and "5145550123" not in printed
