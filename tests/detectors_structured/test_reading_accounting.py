"""Every input record is accounted for: read, or quarantined by class; encodings and JSON types
never cost rows. Synthetic values only (555-01XX numbers, example.com)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pytest

from detectors import Quarantine, profile_dataset, read_batches, read_schema
from detectors.errors import SettingsError
from detectors.reading import HeaderDecision, resolve_header
from policy.config import PipelineConfig
from policy.decisions import DeliveryDecision, DeliveryStatus, FieldDecision, Verdict
from redaction import build_plan, deliver
from redaction.keys import key_from_text
from redaction.results import DeliveryOutcome, DeliveryResult
from reports.builder import build_run_report
from reports.deliveries import build_delivery_report
from reports.model import Light, RunInfo, RunStatus

KEY = key_from_text("test-key-0123456789abcdef0123456789abcdef")
ROWS = 200


def _read(path: Path, quarantine: Quarantine, **kwargs) -> pa.Table:
    return pa.Table.from_batches(list(read_batches(path, quarantine=quarantine, **kwargs)))


def _customers(path: Path, quoted: bool, broken_line: int | None = None) -> Path:
    """A 200-record CSV (id, name, phone); `broken_line` opens a quote it never closes."""
    lines = ["id,name,phone"]
    for i in range(1, ROWS + 1):
        name, phone = f"Customer {i}", f"+1 514 555 01{i % 100:02d}"
        if quoted:
            lines.append(f'{i},"{name}","{phone}"')
        else:
            lines.append(f"{i},{name},{phone}")
        if len(lines) == broken_line:
            lines[-1] = f'{i},"{name},{phone}'
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "quoted",
    [
        False,  # no other quote in the file: the open quote would swallow every line to EOF
        True,  # every field quoted: the next line's first quote would close it, wrongly
    ],
)
def test_unterminated_quote_on_line_81_costs_one_record(tmp_path: Path, quoted: bool) -> None:
    """The opening line is quarantined as one record; reading resumes at line 82."""
    path = _customers(tmp_path / "customers.csv", quoted, broken_line=81)
    quarantine = Quarantine()
    table = _read(path, quarantine)
    assert table.num_rows == ROWS - 1
    assert [(q.row, q.reason_class) for q in quarantine.rows] == [(81, "unterminated_quote")]
    assert quarantine.by_class == {"unterminated_quote": 1}
    assert quarantine.records == ROWS == table.num_rows + quarantine.count
    ids = table.column("id").to_pylist()
    assert "80" not in ids and ids[79:81] == ["81", "82"]
    assert table.column("name").to_pylist()[79] == "Customer 81"  # nothing swallowed


def test_unterminated_quote_at_end_of_file_keeps_its_reason(tmp_path: Path) -> None:
    """A quote still open at EOF is one record, with the reason the earlier reader gave."""
    path = tmp_path / "in.csv"
    path.write_text('a,b\n1,2\n3,"open\n4,5\n', encoding="utf-8")
    quarantine = Quarantine()
    table = _read(path, quarantine)
    assert table.column("a").to_pylist() == ["1", "4"]
    assert [(q.row, q.reason, q.reason_class) for q in quarantine.rows] == [
        (3, "quoted field not closed at end of file", "unterminated_quote")
    ]
    assert quarantine.records == 3


def test_wrong_field_count_and_multiline_records_are_counted_as_records(tmp_path: Path) -> None:
    """A quoted newline makes one record of two lines; a short row is one wrong_field_count."""
    path = tmp_path / "in.csv"
    path.write_bytes(
        b"a,b,c\n"
        b"1,2,3\n"  # line 2
        b'"multi\nline",5,6\n'  # lines 3-4: one record
        b"7,8\n"  # line 5: too few fields
        b"\n"  # line 6: blank, not a record
        b"9,10,11\n"  # line 7
    )
    quarantine = Quarantine()
    table = _read(path, quarantine)
    assert table.column("a").to_pylist() == ["1", "multi\nline", "9"]
    assert [(q.row, q.reason_class) for q in quarantine.rows] == [(5, "wrong_field_count")]
    assert quarantine.records == 4 and quarantine.by_class == {"wrong_field_count": 1}


def test_accounting_holds_across_many_blocks(tmp_path: Path) -> None:
    """Small blocks, bad rows and a stray quote spread over the file: every record counted."""
    path = tmp_path / "big.csv"
    lines = ["id,note"]
    for i in range(20_000):
        if i % 2_003 == 5:
            lines.append(f"{i},x,extra")  # wrong field count
        elif i == 7_777:
            lines.append(f'{i},"never closed')  # unterminated quote mid-file
        else:
            lines.append(f'{i},"note, {i}"')
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    quarantine = Quarantine(keep=1_000)
    table = _read(path, quarantine, batch_size=256)
    assert quarantine.records == 20_000 == table.num_rows + quarantine.count
    assert quarantine.by_class == {"wrong_field_count": 10, "unterminated_quote": 1}
    assert table.column("note").to_pylist()[-1] == "note, 19999"


LATIN = ["Zoë Ñúñez", "Françoise Dubé", "Jürgen Groß"]


@pytest.mark.parametrize(
    ("encoding", "names"),
    [
        ("latin-1", LATIN),  # ISO-8859-1: accents only
        ("cp1252", [*LATIN, "O’Brien – €5 credit"]),  # Windows-1252: quotes, dash, euro sign
    ],
)
def test_non_utf8_files_fall_back_to_cp1252_with_a_note(
    tmp_path: Path, encoding: str, names: list[str]
) -> None:
    """All rows read with the right text, nothing quarantined, a note says what happened."""
    path = tmp_path / "billing.csv"
    rows = [f"{i},{names[i % len(names)]},+1 514 555 01{i % 100:02d}" for i in range(300)]
    path.write_bytes(("account,holder,phone\n" + "\n".join(rows) + "\n").encode(encoding))
    quarantine = Quarantine()
    table = _read(path, quarantine)
    assert table.num_rows == 300 and quarantine.count == 0 and quarantine.records == 300
    assert table.column("holder").to_pylist()[: len(names)] == names
    assert quarantine.notes == [
        f"{path}: not UTF-8 text (first at line 2); read as cp1252 (Windows Latin-1). "
        "Set encoding: on the dataset if the file uses another encoding"
    ]
    profile = profile_dataset("billing", "billing", [path])
    assert profile.rows_read == 300 and profile.quarantined_count == 0
    assert quarantine.notes[0] in profile.notes


def test_utf8_split_across_chunks_stays_utf8(tmp_path: Path) -> None:
    """Multi-byte characters cut by the 64 KiB read boundaries are not mistaken for cp1252."""
    path = tmp_path / "in.csv"
    path.write_text("a,b\n" + "".join(f"{i},ééé€{i}\n" for i in range(30_000)), "utf-8")
    quarantine = Quarantine()
    table = _read(path, quarantine, batch_size=16)
    assert table.column("b").to_pylist()[-1] == "ééé€29999"
    assert quarantine.notes == [] and quarantine.count == 0 and quarantine.records == 30_000


def test_fallback_to_cp1252_late_in_the_file(tmp_path: Path) -> None:
    """An ASCII head and Latin-1 bytes near the end: the rest is read as cp1252, all rows kept."""
    path = tmp_path / "in.csv"
    lines = [f"{i},plain" for i in range(20_000)] + ["20000,Dubé"]
    path.write_bytes(("a,b\n" + "\n".join(lines) + "\n").encode("latin-1"))
    quarantine = Quarantine()
    table = _read(path, quarantine, batch_size=16)
    assert table.column("b").to_pylist()[-1] == "Dubé" and quarantine.count == 0
    assert quarantine.notes[0].endswith(
        "not UTF-8 text (first at line 20002); read as cp1252 (Windows Latin-1). "
        "Set encoding: on the dataset if the file uses another encoding"
    )


def test_utf8_then_other_bytes_quarantines_those_records_with_a_note(tmp_path: Path) -> None:
    """A file mixing UTF-8 text and Latin-1 bytes stays UTF-8: the bad records are counted."""
    path = tmp_path / "in.csv"
    path.write_bytes("a,b\n1,Zoë\n".encode() + "2,Dubé\n".encode("latin-1") + b"3,ok\n")
    quarantine = Quarantine()
    table = _read(path, quarantine)
    assert table.column("b").to_pylist() == ["Zoë", "ok"]
    assert [(q.row, q.reason_class) for q in quarantine.rows] == [(3, "invalid_utf8")]
    assert quarantine.records == 3 and len(quarantine.notes) == 1


@pytest.mark.parametrize(
    "codec",
    [
        "utf-16-le",  # BOM FF FE
        "utf-16-be",  # BOM FE FF
    ],
)
def test_utf16_with_bom_is_read(tmp_path: Path, codec: str) -> None:
    """UTF-16 of either byte order is recognised by its BOM and transcoded while streaming."""
    path = tmp_path / "tickets.csv"
    text = "id,subject\n" + "".join(f"{i},Appel de {LATIN[i % 3]}\n" for i in range(2_000))
    path.write_bytes("\ufeff".encode(codec) + text.encode(codec))
    quarantine = Quarantine()
    table = _read(path, quarantine, batch_size=64)
    assert table.column_names == ["id", "subject"]
    assert table.num_rows == 2_000 and quarantine.count == 0 and quarantine.notes == []
    assert table.column("subject").to_pylist()[:2] == [
        "Appel de Zoë Ñúñez", "Appel de Françoise Dubé",
    ]  # fmt: skip
    assert resolve_header([path]) == HeaderDecision()  # line 1 sniffed after decoding


def test_utf8_with_bom_is_read(tmp_path: Path) -> None:
    """A UTF-8 BOM is dropped, not read into the first column name."""
    path = tmp_path / "in.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps({"name": "Zoë"}, ensure_ascii=False).encode())
    assert _read(path, Quarantine()).to_pylist() == [{"name": "Zoë"}]


def test_forced_encoding_is_used_without_a_note(tmp_path: Path) -> None:
    """`encoding: latin-1` reads byte 0x80 as U+0080 (cp1252 would make it €), silently."""
    path = tmp_path / "in.csv"
    path.write_bytes("a,b\n1,Zoë\x80\n".encode("latin-1"))
    quarantine = Quarantine()
    table = _read(path, quarantine, encoding="latin-1")
    assert table.column("b").to_pylist() == ["Zoë\x80"]
    assert quarantine.notes == [] and quarantine.count == 0
    assert read_schema(path, encoding="latin-1").names == ["a", "b"]


def test_unknown_encoding_is_refused(tmp_path: Path) -> None:
    """An encoding Python does not know is a settings error naming it, before any row."""
    path = tmp_path / "in.csv"
    path.write_text("a\n1\n", encoding="utf-8")
    with pytest.raises(SettingsError) as info:
        _read(path, Quarantine(), encoding="klingon-8")
    assert str(info.value) == (
        "encoding 'klingon-8' is not known; expected a Python codec name such as utf-8, "
        "utf-16, cp1252 or latin-1"
    )


def test_config_takes_encoding_and_quarantine_settings() -> None:
    """`encoding:` per dataset, `quarantine_threshold`/`on_quarantine` on the pipeline."""
    config = PipelineConfig.model_validate(
        {
            "policy": "voipms",
            "datasets": [{"name": "b", "kind": "billing", "path": "/x.csv", "encoding": "latin-1"}],
            "on_quarantine": "block",
        }
    )
    assert config.datasets[0].encoding == "latin-1"
    assert (config.quarantine_threshold, config.on_quarantine) == (0.001, "block")
    with pytest.raises(ValueError, match="encoding 'klingon-8' is not known"):
        PipelineConfig.model_validate(
            {"policy": "voipms",
             "datasets": [{"name": "b", "kind": "billing", "path": "/x", "encoding": "klingon-8"}]}
        )  # fmt: skip


def test_jsonl_type_change_at_row_2500_reads_every_row_as_string(tmp_path: Path) -> None:
    """A field that turns from int to string is read as string everywhere: 3,000 rows, one
    schema in every batch."""
    path = tmp_path / "tickets.jsonl"
    with path.open("w", encoding="utf-8") as out:
        for i in range(3_000):
            ref = i if i < 2_499 else f"REF-{i}"
            out.write(json.dumps({"id": i, "ref": ref, "body": "Call back +1 514 555 0142"}) + "\n")
    quarantine = Quarantine()
    batches = list(read_batches(path, quarantine=quarantine, batch_size=256))
    assert {b.schema for b in batches} == {batches[0].schema}
    table = pa.Table.from_batches(batches)
    assert table.num_rows == 3_000 and quarantine.count == 0 and quarantine.records == 3_000
    assert table.schema.field("ref").type == pa.string()
    assert table.schema.field("id").type == pa.int64()
    assert table.column("ref").to_pylist()[2_497:2_500] == ["2497", "2498", "REF-2499"]
    assert read_schema(path) == table.schema


def test_jsonl_integer_beyond_int64_is_kept_exactly(tmp_path: Path) -> None:
    """123456789012345678901234567890123 stays those digits (as a string), never a float."""
    path = tmp_path / "in.jsonl"
    path.write_text(
        '{"n": 1, "m": 2}\n{"n": 123456789012345678901234567890123, "m": 3}\n'
        '{"n": -9223372036854775809, "m": 9223372036854775807}\n',
        encoding="utf-8",
    )
    table = _read(path, Quarantine())
    assert table.column("n").to_pylist() == [
        "1", "123456789012345678901234567890123", "-9223372036854775809",
    ]  # fmt: skip
    assert table.column("m").to_pylist() == [2, 3, 9223372036854775807]  # int64 still fits


def test_jsonl_object_and_string_in_one_field_read_as_text(tmp_path: Path) -> None:
    """An object in one line and a string in another: the object becomes its JSON text."""
    path = tmp_path / "in.jsonl"
    path.write_text('{"a": {"x": 1}}\n{"a": "plain"}\n{"a": true}\n', encoding="utf-8")
    quarantine = Quarantine()
    assert _read(path, quarantine).column("a").to_pylist() == ['{"x": 1}', "plain", "true"]
    assert quarantine.count == 0 and quarantine.records == 3


def test_jsonl_bad_lines_counted_by_class(tmp_path: Path) -> None:
    """Invalid JSON and non-objects are quarantined by class; blank lines are not records."""
    path = tmp_path / "in.jsonl"
    path.write_text('{"a": 1}\n{"a": \n\n[1]\n{"a": 2}\n', encoding="utf-8")
    quarantine = Quarantine()
    assert _read(path, quarantine).column("a").to_pylist() == [1, 2]
    assert quarantine.by_class == {"invalid_json": 1, "not_an_object": 1}
    assert quarantine.records == 4


# --- through a delivery ------------------------------------------------------------------------


def _plan(path: Path):
    fields = (
        FieldDecision("id", Verdict.ALLOW, None, (), None),
        FieldDecision("name", Verdict.DROP, None, (), None),
        FieldDecision("phone", Verdict.PSEUDONYMIZE, "contact.phone", ("PHONE_NUMBER",),
                      "pseudonymize"),
    )  # fmt: skip
    decision = DeliveryDecision(
        delivery="customers", dataset="customers", recipient="acme-analytics",
        recipient_class="analytics_vendor", purpose="service_quality", legal_basis=None,
        status=DeliveryStatus.PROCEED, fields=fields,
    )  # fmt: skip
    return decision, build_plan(decision, read_schema(path), KEY)


def test_delivery_balances_against_the_physical_records(tmp_path: Path) -> None:
    """rows_in is what the reader counted in the file: 200 = 199 out + 1 quarantined."""
    path = _customers(tmp_path / "customers.csv", quoted=True, broken_line=81)
    result = deliver(_plan(path)[1], [path], tmp_path / "out")
    assert result.outcome is DeliveryOutcome.DELIVERED
    counts = (result.rows_in, result.rows_out, result.rows_quarantined, result.rows_filtered)
    assert counts == (ROWS, ROWS - 1, 1, 0) and result.rows_balanced


def test_quarantine_over_the_limit_blocks_the_delivery(tmp_path: Path) -> None:
    """`on_quarantine: block`: 1 % quarantined > 0.1 % blocks it, with nothing published."""
    path = _customers(tmp_path / "customers.csv", quoted=False)
    text = path.read_text(encoding="utf-8").splitlines()
    text[10] = text[20] = "x"  # two short rows of 200: 1 %
    path.write_text("\n".join(text) + "\n", encoding="utf-8")
    result = deliver(_plan(path)[1], [path], tmp_path / "out", quarantine_limit=0.001)
    assert result.outcome is DeliveryOutcome.BLOCKED and result.output_path is None
    assert result.blocked_reasons == (
        "2 of 200 input records quarantined (1.00%), more than the quarantine threshold of "
        "0.10% (wrong_field_count 2); fix those records (see the dataset's quarantine list), "
        "or raise quarantine_threshold or set on_quarantine: review in the configuration",
    )
    assert list((tmp_path / "out").iterdir()) == []
    allowed = deliver(_plan(path)[1], [path], tmp_path / "ok", quarantine_limit=0.02)
    assert allowed.outcome is DeliveryOutcome.DELIVERED


@pytest.mark.parametrize(
    ("quarantined", "light", "status"),
    [
        (2, Light.AMBER, RunStatus.NEEDS_REVIEW),  # 1 % of 200: more than 0.1 %
        (0, Light.GREEN, RunStatus.OK),  # nothing quarantined
    ],
)
def test_quarantine_share_over_threshold_needs_review(
    tmp_path: Path, quarantined: int, light: Light, status: RunStatus
) -> None:
    """A delivered result with more than 0.1 % of its records quarantined is amber, and the
    run needs review."""
    path = _customers(tmp_path / "customers.csv", quoted=False)
    decision = _plan(path)[0]
    result = DeliveryResult(
        delivery="customers", outcome=DeliveryOutcome.DELIVERED, rows_in=200,
        rows_out=200 - quarantined, rows_quarantined=quarantined, rows_filtered=0,
        output_path=str(tmp_path / "out.parquet"), output_sha256="0" * 64, key_id=KEY.key_id,
    )  # fmt: skip
    assert build_delivery_report(decision, result, []).light is light
    now = datetime.now(UTC)
    run = RunInfo(now, now, "voipms", "1", "0" * 64, "pipeline.yaml", "0" * 64)
    assert build_run_report(run, [], [], [decision], [result]).run.status is status
