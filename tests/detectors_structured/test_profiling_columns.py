"""Column profiling: values decide the entity, names only raise confidence."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pytest

from detectors import DetectionSettings, FieldKind, profile_column, profile_dataset
from detectors.profiling import looks_like_free_text, sample_table

SETTINGS = DetectionSettings()
PHONES = [f"+1514555{i:04d}" for i in range(101, 200)]


def _profile(name: str, values: list) -> object:
    return profile_column(name, pa.array(values), "t", SETTINGS)


def test_unhinted_column_full_of_phones_is_found() -> None:
    """`col7` holding phone numbers is a phone column without any name hint."""
    profile = _profile("col7", PHONES)
    assert profile.primary_entity == "PHONE_NUMBER"
    assert profile.entities[0].name_hint is False


def test_phone_named_column_of_zeros_is_not_personal() -> None:
    """A name hint alone never creates an entity."""
    assert _profile("phone", ["0000000000"] * 50).entities == ()


def test_hint_raises_confidence() -> None:
    """The same values score higher in a column whose name hints the entity."""
    hinted = _profile("msisdn", PHONES).entities[0]
    plain = _profile("col7", PHONES).entities[0]
    assert hinted.name_hint and hinted.confidence > plain.confidence


@pytest.mark.parametrize(
    ("name", "values"),
    [
        ("duration", [str(n) for n in range(0, 600, 7)]),  # seconds
        ("billsec", list(range(0, 600, 7))),  # seconds as integers
        ("amount", ["34.99", "49.50", "0.00", "120.10"] * 20),  # money
        ("plan", ["Unlimited Canada/US", "International Plus", "Basic 500"] * 20),  # plan names
        ("disposition", ["ANSWERED", "NO ANSWER", "BUSY", "FAILED"] * 20),
        ("region", ["QC", "ON", "BC", "NY", "CA"] * 20),  # region codes
        ("amaflags", ["DOCUMENTATION", "BILLING"] * 40),
        ("dcontext", ["from-internal", "outbound", "default"] * 20),
        ("dstchannel", [f"SIP/trunk-voip-{n:08x}" for n in range(80)]),
    ],
)
def test_operational_columns_are_not_personal(name: str, values: list) -> None:
    """Durations, ids, amounts, plans, dispositions and region codes carry no entity."""
    assert _profile(name, values).entities == ()


def test_caller_id_holds_person_and_phone() -> None:
    """`"Jane Roe" <5145550123>` is both a person and a phone number."""
    values = [f'"Jane Roe{"" if i % 2 else "s"}" <514555{i:04d}>' for i in range(101, 160)]
    assert set(_profile("clid", values).entity_types) == {"PERSON", "PHONE_NUMBER"}


def test_sip_uri_column_is_sip_only() -> None:
    """A SIP URI column is SIP_URI, not also an e-mail or phone column."""
    values = [f"sip:+1514555{i:04d}@pbx.example.net" for i in range(101, 160)]
    assert _profile("sip_uri", values).entity_types == ("SIP_URI",)


def test_empty_and_null_rate() -> None:
    """Blank strings count as missing; an all-blank column is EMPTY."""
    assert _profile("x", ["", None, "  "]).kind == FieldKind.EMPTY
    half = _profile("col7", [*PHONES[:10], *[None] * 10])
    assert half.null_rate == 0.5 and half.rows_sampled == 20


def test_masked_example_never_contains_the_value() -> None:
    """The masked example shows shape only."""
    for name, values in [
        ("col7", PHONES),
        ("email", [f"user{i}@example.com" for i in range(50)]),
        ("card", ["4111 1111 1111 1111"] * 20),
    ]:
        profile = _profile(name, values)
        assert profile.masked_example
        assert all(v not in profile.masked_example for v in values)


def test_sample_spreads_across_the_file(tmp_path: Path) -> None:
    """The sample comes from the whole file, not its head."""
    path = tmp_path / "in.csv"
    path.write_text("n\n" + "".join(f"{i}\n" for i in range(2_000)))
    table, rows = sample_table([path], 100)
    taken = [int(v) for v in table.column("n").to_pylist()]
    assert rows == 2_000 and len(taken) == 100
    assert taken[0] == 0 and taken[-1] > 1_800 and taken == sorted(taken)


NOTES = [
    f"Customer {i} called about an outage credit on the March invoice, call back at "
    f"514-555-01{i % 90 + 10}"
    if i % 3 == 0
    else f"Ticket {i}: router replaced, customer happy"
    for i in range(60)
]


def test_notes_look_like_free_text() -> None:
    """Long, varied, multi-word values are prose; street lines and plan names are not."""
    assert looks_like_free_text(pa.array(NOTES))
    streets = [f"{100 + i} Rue Sainte-Catherine O, Apt {i}" for i in range(60)]
    assert not looks_like_free_text(pa.array(["Unlimited Canada/US"] * 60))
    assert _profile("street", streets).kind == FieldKind.STRUCTURED


SUBJECTS = [
    # One subject in ten names its writer; the rest repeat a few templates.
    f"Refund request from Customer{i}"
    if i % 10 == 0
    else [
        "Calls dropping",
        "Echo on calls",
        "Question about my plan",
        "Billing question",
        "voicemail not working",
    ][i % 5]
    + f" #{i % 7}"
    for i in range(200)
]


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (SUBJECTS, True),  # short lines of templates with values in them: text
        (["Unlimited Canada/US", "Basic 500 min", "Pay as you go"] * 40, False),  # plan labels
        (["Montréal", "Toronto", "New York", "Québec"] * 30, False),  # city names
        ([f"SIP/trunk-{i:04d}" for i in range(120)], False),  # ids with no spaces
    ],
)
def test_short_lines_are_free_text_labels_are_not(values: list[str], expected: bool) -> None:
    """Subject lines are scanned as text; a small set of labels or one-word ids is not."""
    assert looks_like_free_text(pa.array(values)) is expected


@pytest.mark.slow
def test_notes_column_is_free_text_with_entities() -> None:
    """A notes column is FREE_TEXT and the text scanner's phone numbers become its evidence."""
    pytest.importorskip("detectors.text", reason="the text side (detectors.text) is not built")
    profile = profile_column("notes", pa.array(NOTES), "t", SETTINGS)
    assert profile.kind == FieldKind.FREE_TEXT
    assert "PHONE_NUMBER" in profile.entity_types
    assert all(n not in (profile.masked_example or "") for n in NOTES)


def _generated(kind: str, tmp_path: Path) -> tuple[Path, dict]:
    synthetic = pytest.importorskip("synthetic")
    dataset = synthetic.generate(kind, 1_000, tmp_path / kind, seed=11)
    return dataset.data_path, json.loads(dataset.labels_path.read_text())


def test_generated_cdr_columns_all_correct(tmp_path: Path) -> None:
    """Every labelled CDR column gets exactly its entity types; no false personal column."""
    path, labels = _generated("cdr", tmp_path)
    profile = profile_dataset("cdr", "cdr", [path])
    found = {f.column: sorted(f.entity_types) for f in profile.fields}
    assert found == {c: sorted(e) for c, e in labels["columns"].items()}


@pytest.mark.slow
def test_generated_billing_columns_all_correct(tmp_path: Path) -> None:
    """Billing: structured columns exactly right; `notes` is free text with entities found."""
    path, labels = _generated("billing", tmp_path)
    profile = profile_dataset("billing", "billing", [path])
    for field in profile.fields:
        if field.column in labels["free_text_columns"]:
            assert field.kind == FieldKind.FREE_TEXT
            planted = {s["entity_type"] for s in labels["spans"] if s["field"] == field.column}
            assert planted & set(field.entity_types)
        else:
            assert sorted(field.entity_types) == sorted(labels["columns"][field.column]), field


def test_read_rows_stops_reading_early(tmp_path: Path) -> None:
    """`check` profiles a head sample: reading stops after the batch reaching `read_rows`."""
    path = tmp_path / "big.csv"
    path.write_text("n\n" + "".join(f"{i}\n" for i in range(200_000)))
    table, rows = sample_table([path], 100, read_rows=1_000)
    assert 1_000 <= rows < 200_000
    assert len(table) == 100 and max(int(v) for v in table.column("n").to_pylist()) < rows
