"""Nested JSONL/Parquet values come out flat, so detection and redaction see every leaf."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

from detectors import UnreadableFileError, profile_dataset, read_batches, read_schema
from policy.decisions import DeliveryDecision, DeliveryStatus, FieldDecision, Verdict
from redaction import build_plan, deliver
from redaction.keys import key_from_text
from redaction.results import DeliveryOutcome

KEY = key_from_text("test-key-0123456789abcdef0123456789abcdef")
# Synthetic tickets: example.com addresses and reserved 555-01XX numbers only.
TICKETS = [
    {"id": "T-1", "contact": {"name": "Jane Roe", "email": "jane.roe@example.com",
                              "phone": {"home": "+1 514 555 0123"}},
     "tags": ["billing", "urgent"], "attrs": {"plan": "Zoë", "lines": [1, 2]}},
    {"id": "T-2", "contact": {"name": "Zoe Ng", "email": "zoe.ng@example.com",
                              "phone": {"home": "+1 514 555 0142"}},
     "tags": [], "attrs": {"plan": "basic", "lines": []}},
    {"id": "T-3", "contact": None, "tags": None, "attrs": None},
    {"id": "T-4", "contact": {"name": "Ann Bo", "email": "ann.bo@example.com",
                              "phone": {"home": None}},
     "tags": ["outage"], "attrs": {"plan": None, "lines": [3]}},
]  # fmt: skip
FLAT = [
    "id", "contact.name", "contact.email", "contact.phone.home", "tags", "attrs.plan",
    "attrs.lines",
]  # fmt: skip


def _jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), "utf-8")
    return path


def _read(path: Path, **kwargs) -> pa.Table:
    return pa.Table.from_batches(list(read_batches(path, **kwargs)))


def test_jsonl_structs_flatten_to_dotted_columns_and_lists_to_json_text(tmp_path: Path) -> None:
    """Struct fields become `parent.child` columns; lists become their JSON text."""
    table = _read(_jsonl(tmp_path / "t.jsonl", TICKETS))
    assert table.column_names == FLAT
    assert set(table.schema.types) == {pa.string()}
    assert table.column("contact.email").to_pylist() == [
        "jane.roe@example.com", "zoe.ng@example.com", None, "ann.bo@example.com",
    ]  # fmt: skip
    assert table.column("contact.phone.home").to_pylist()[:2] == [
        "+1 514 555 0123", "+1 514 555 0142",
    ]  # fmt: skip
    assert table.column("tags").to_pylist() == ['["billing", "urgent"]', "[]", None, '["outage"]']
    assert table.column("attrs.lines").to_pylist() == ["[1, 2]", "[]", None, "[3]"]  # in a struct
    assert table.column("attrs.plan").to_pylist()[0] == "Zoë"


def test_read_schema_matches_the_flattened_batches(tmp_path: Path) -> None:
    """A plan built on `read_schema` fits the batches; `columns` takes flattened names."""
    path = _jsonl(tmp_path / "t.jsonl", TICKETS)
    assert read_schema(path) == _read(path).schema
    assert _read(path, columns=["contact.email"]).column_names == ["contact.email"]


def test_parquet_maps_are_json_objects_with_sorted_keys(tmp_path: Path) -> None:
    """A map column is one string column of JSON objects, keys sorted, text not escaped."""
    path = tmp_path / "t.parquet"
    attrs = pa.array(
        [[("zone", "nord"), ("plan", "Zoë")], None, []], pa.map_(pa.string(), pa.string())
    )
    pq.write_table(pa.table({"id": ["a", "b", "c"], "attrs": attrs}), path)
    expected = ['{"plan": "Zoë", "zone": "nord"}', None, "{}"]
    assert _read(path).column("attrs").to_pylist() == expected


def test_parquet_struct_is_flattened_and_column_subset_read(tmp_path: Path) -> None:
    """Parquet structs flatten like JSONL; a flat column subset reads its parent only."""
    path = tmp_path / "t.parquet"
    contact = pa.array([{"name": "Jane Roe", "email": "jane.roe@example.com"}, None])
    pq.write_table(pa.table({"id": [1, 2], "contact": contact}), path)
    assert _read(path).column_names == ["id", "contact.name", "contact.email"]
    assert _read(path, columns=["contact.email"]).to_pylist() == [
        {"contact.email": "jane.roe@example.com"}, {"contact.email": None},
    ]  # fmt: skip
    assert read_schema(path).names == ["id", "contact.name", "contact.email"]


def test_profile_finds_email_in_a_nested_field(tmp_path: Path) -> None:
    """Profiling sees the nested e-mail leaf as its own column and finds EMAIL_ADDRESS."""
    path = _jsonl(tmp_path / "t.jsonl", TICKETS)
    profile = profile_dataset("tickets", "tickets", [path])
    by_name = {f.column: f for f in profile.fields}
    assert list(by_name) == FLAT
    assert by_name["contact.email"].primary_entity == "EMAIL_ADDRESS"


def test_nested_jsonl_delivers_as_csv(tmp_path: Path) -> None:
    """CSV output of nested input works (no ArrowInvalid) and the e-mail leaf is redacted."""
    path = _jsonl(tmp_path / "t.jsonl", TICKETS)
    verdicts = {
        "contact.name": FieldDecision("contact.name", Verdict.PSEUDONYMIZE, "identity.name",
                                      ("PERSON",), "pseudonymize"),
        "contact.email": FieldDecision("contact.email", Verdict.PSEUDONYMIZE, "contact.email",
                                       ("EMAIL_ADDRESS",), "pseudonymize"),
        "contact.phone.home": FieldDecision("contact.phone.home", Verdict.DROP, "contact.phone",
                                            ("PHONE_NUMBER",), "drop"),
    }  # fmt: skip
    fields = tuple(
        verdicts.get(name, FieldDecision(name, Verdict.ALLOW, None, (), None)) for name in FLAT
    )
    decision = DeliveryDecision(
        delivery="tickets-out", dataset="tickets", recipient="acme", recipient_class="processor",
        purpose="support", legal_basis=None, status=DeliveryStatus.PROCEED, fields=fields,
    )  # fmt: skip
    plan = build_plan(decision, read_schema(path), KEY)
    result = deliver(plan, [path], tmp_path / "out", fmt="csv")
    assert result.outcome is DeliveryOutcome.DELIVERED
    out = pacsv.read_csv(result.output_path)
    assert out.column_names == [n for n in FLAT if n != "contact.phone.home"]
    assert out.column("tags").to_pylist()[0] == '["billing", "urgent"]'
    text = Path(result.output_path).read_text(encoding="utf-8")
    assert "example.com" not in text and "Jane Roe" not in text


def test_parquet_utf8_binary_is_read_as_string_and_profiled(tmp_path: Path) -> None:
    """A binary column holding only UTF-8 reads as string, so its e-mails are found."""
    path = tmp_path / "b.parquet"
    emails = [f"user{i}@example.com".encode() for i in range(20)] + [None]
    raw = [b"\xff\xfe" + bytes([i]) for i in range(21)]  # not UTF-8: stays binary
    pq.write_table(
        pa.table({"email": pa.array(emails, pa.binary()), "blob": pa.array(raw, pa.binary())}),
        path,
        row_group_size=8,
    )
    table = _read(path, batch_size=5)
    assert table.schema.field("email").type == pa.string()
    assert table.schema.field("blob").type == pa.binary()
    assert read_schema(path) == table.schema
    profile = profile_dataset("billing", "billing", [path])
    email = next(f for f in profile.fields if f.column == "email")
    assert email.primary_entity == "EMAIL_ADDRESS"


@pytest.mark.parametrize("suffix", [".jsonl", ".parquet"])
def test_flattened_name_collision_is_refused(tmp_path: Path, suffix: str) -> None:
    """A top-level `contact.name` beside `name` nested in `contact` names the clash and file."""
    path = tmp_path / f"t{suffix}"
    record = {"contact.name": "Jane Roe", "contact": {"name": "Zoe Ng"}}
    if suffix == ".jsonl":
        _jsonl(path, [record])
    else:
        pq.write_table(pa.Table.from_pylist([record]), path)
    with pytest.raises(UnreadableFileError) as err:
        _read(path)
    assert str(err.value) == (
        f"{path}: column 'contact.name' would come from both the top-level field "
        "'contact.name' and the nested field 'contact' > 'name' once nested fields are "
        "flattened; expected unique column paths: rename one of the fields"
    )
    assert "Jane Roe" not in str(err.value)
