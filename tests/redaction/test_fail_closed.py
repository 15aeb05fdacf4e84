"""Fail closed: every delivered cell is checked, whatever the profiling sample said.

Each case plants validated identifiers where a sample misses them, delivers with every column
passed through (what a sample that saw nothing would decide), and expects the delivery to be
blocked with nothing published. Values are generated here: 555-01XX numbers, example.com.
"""

from __future__ import annotations

import dataclasses
import json
import os
from decimal import Decimal
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import detectors
from detectors.sweep import sweep_values
from policy.decisions import DeliveryDecision, DeliveryStatus, FieldDecision, Verdict
from redaction.delivery import deliver
from redaction.plan import build_plan
from redaction.results import DeliveryOutcome
from redaction.verify import verify_output


def _keep_all(schema: pa.Schema) -> DeliveryDecision:
    """What a sample that found nothing personal would decide: every column in clear."""
    fields = tuple(FieldDecision(n, Verdict.ALLOW, None, (), None) for n in schema.names)
    return DeliveryDecision(
        delivery="leaky", dataset="d", recipient="acme", recipient_class="analytics_vendor",
        purpose="service_quality", legal_basis=None, status=DeliveryStatus.PROCEED,
        fields=fields, row_filters=(),
    )  # fmt: skip


def _deliver_kept(path: Path, out: Path, fmt: str = "parquet", **kwargs):
    schema = detectors.read_schema(path)
    plan = build_plan(_keep_all(schema), schema, None)
    return deliver(plan, [path], out, fmt=fmt, **kwargs)


def _write_csv(path: Path, columns: dict[str, list]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    pacsv.write_csv(pa.table(columns), path)
    return path


def _assert_blocked(result, out: Path, column: str, entity: str, count: int | None = None):
    assert result.outcome is DeliveryOutcome.BLOCKED, result.blocked_reasons
    assert result.output_path is None
    assert not list(out.glob("*.parquet")) and not list(out.glob("*.csv"))
    found = {(r.column, r.entity_type): r.count for r in result.residual}
    assert (column, entity) in found, found
    if count is not None:
        assert found[column, entity] == count
    reason = next(r for r in result.blocked_reasons if f"'{column}'" in r)
    assert "declared_personal" in reason  # says how to fix it


def test_phones_after_row_100000_of_a_comment_column_block(tmp_path: Path):
    """Phone numbers only after row 100,000 (1 row in 6 there): counted, blocked."""
    rows = 120_000
    comment = [
        f"call back on 514-555-01{i % 100:02d}" if i >= 100_000 and i % 6 == 0 else "fine"
        for i in range(rows)
    ]
    path = _write_csv(tmp_path / "in" / "t.csv", {"id": list(range(rows)), "comment": comment})
    planted = sum(1 for c in comment if c != "fine")
    result = _deliver_kept(path, tmp_path / "out")
    _assert_blocked(result, tmp_path / "out", "comment", "PHONE_NUMBER", planted)


def test_profiling_counts_every_validated_identifier(tmp_path: Path):
    """The profile's full sweep sees rows a sample does not: count and rate are reported."""
    rows = 40_000
    notes2 = [f"user{i}@example.com" if i >= rows * 0.95 else "n/a" for i in range(rows)]
    path = _write_csv(tmp_path / "in" / "t.csv", {"notes2": notes2})
    profile = detectors.profile_dataset("t", "billing", [path], sample_rows=100)
    (evidence,) = profile.field("notes2").entities
    assert evidence.entity_type == "EMAIL_ADDRESS"
    assert evidence.rows_found == 2_000
    assert profile.field("notes2").rows_swept == rows


def test_emails_in_the_last_five_percent_block(tmp_path: Path):
    rows = 20_000
    notes2 = [f"user{i}@example.com" if i >= rows * 0.95 else "n/a" for i in range(rows)]
    path = _write_csv(tmp_path / "in" / "t.csv", {"notes2": notes2})
    _assert_blocked(_deliver_kept(path, tmp_path / "out"), tmp_path / "out", "notes2",
                    "EMAIL_ADDRESS", 1_000)  # fmt: skip


def test_a_few_emails_in_long_prose_block(tmp_path: Path):
    prose = "The customer called about dropped calls on the evening plan and asked for a credit. "
    body = [prose * 3 + (f"Reach me at jo{i}@example.com." if i % 250 == 0 else "") for i in
            range(2_000)]  # fmt: skip
    path = _write_csv(tmp_path / "in" / "t.csv", {"body": body})
    _assert_blocked(_deliver_kept(path, tmp_path / "out"), tmp_path / "out", "body",
                    "EMAIL_ADDRESS", 8)  # fmt: skip


def test_binary_parquet_column_with_emails_blocks(tmp_path: Path):
    path = tmp_path / "in" / "b.parquet"
    path.parent.mkdir()
    cells = [b"ann@example.com", b"\xff\xfe not utf-8 bob@example.org", None]
    pq.write_table(pa.table({"blob": pa.array(cells, pa.binary())}), path)
    found = sweep_values(pa.array(cells, pa.binary()))
    assert found["EMAIL_ADDRESS"].count == 2  # the invalid cell is decoded where it is valid
    result = _deliver_kept(path, tmp_path / "out")
    assert result.outcome is DeliveryOutcome.BLOCKED


def test_integer_phone_numbers_are_read_as_digits(tmp_path: Path):
    """CDR exports store numbers as integers: 15145550199 is a phone number all the same."""
    path = tmp_path / "in" / "i.parquet"
    path.parent.mkdir()
    pq.write_table(pa.table({"callee": pa.array([15145550199, 15145550123], pa.int64()),
                             "duration": pa.array([61, 7], pa.int64())}), path)  # fmt: skip
    _assert_blocked(_deliver_kept(path, tmp_path / "out"), tmp_path / "out", "callee",
                    "PHONE_NUMBER", 2)  # fmt: skip


def test_whole_numbers_written_with_a_zero_fraction_are_read_as_digits(tmp_path: Path):
    """A spreadsheet exports a number column as `15145550199.0`, a decimal column holds it as
    15145550199.0: both are the phone number; amounts and call ids with a fraction are not."""
    text = _write_csv(tmp_path / "in" / "t.csv",
                      {"callee": ["15145550199.0", " 15145550123.00", "61.0"],
                       "uniqueid": ["1767225630.0", "1767225654.1", "1767225654.10"],
                       "amount": ["12.50", "0.0085", "3.0"]})  # fmt: skip
    _assert_blocked(_deliver_kept(text, tmp_path / "out"), tmp_path / "out", "callee",
                    "PHONE_NUMBER", 2)  # fmt: skip
    decimals = tmp_path / "in" / "d.parquet"
    callee = pa.array([Decimal("15145550199.0"), Decimal("1767225630.0")], pa.decimal128(38, 1))
    pq.write_table(pa.table({"callee": callee}), decimals)
    _assert_blocked(_deliver_kept(decimals, tmp_path / "out2"), tmp_path / "out2", "callee",
                    "PHONE_NUMBER", 1)  # fmt: skip
    clean = _write_csv(tmp_path / "in" / "c.csv", {"uniqueid": ["1767225630.0", "1767225654.1"],
                                                   "amount": ["12.50", "3.0"]})  # fmt: skip
    assert _deliver_kept(clean, tmp_path / "out3").outcome is DeliveryOutcome.DELIVERED


@pytest.mark.parametrize(
    ("column", "values", "entity"),
    [
        ("sin", ["046 454 286", "130-692-544", "130692544"], "CA_SIN"),  # spaced, dashed, bare
        ("contact", ["john dot doe at example dot com", "jdoe [at] example [dot] com",
                     "jean point dupont arobase exemple point fr"], "EMAIL_ADDRESS"),
        ("ref", ["card 4111 1111 1111 1111", "213100000000001", "501800000009"], "CREDIT_CARD"),
        ("peer", ["seen from 192.0.2.33", "2001:db8::5", "198.51.100.4"], "IP_ADDRESS"),
    ],
)  # fmt: skip
def test_validated_identifiers_in_passed_through_columns_block(tmp_path, column, values, entity):
    path = _write_csv(tmp_path / "in" / "t.csv", {column: values, "n": ["1", "2", "3"]})
    _assert_blocked(_deliver_kept(path, tmp_path / "out"), tmp_path / "out", column, entity, 3)


def test_nested_values_are_checked(tmp_path: Path):
    """Struct fields, list items and map keys/values are all read."""
    contact = pa.array([{"name": "Ann", "email": "ann@example.com"}, {"name": "Bo", "email": None}])
    tags = pa.array([["vip"], ["call 514-555-0123"]])
    labels = pa.array([[("k", "v")], [("198.51.100.4", "x")]], pa.map_(pa.string(), pa.string()))
    found = {e: list(h.rows) for e, h in sweep_values(contact).items()}
    assert found == {"EMAIL_ADDRESS": [True, False]}
    assert list(sweep_values(tags)["PHONE_NUMBER"].rows) == [False, True]
    assert list(sweep_values(labels)["IP_ADDRESS"].rows) == [False, True]


def test_a_column_of_unique_values_is_swept_cell_by_cell_and_repeats_are_found():
    """Call ids and channels hardly repeat, so they are swept without encoding: identifiers
    among them are found at their rows, a repeated one at each of its rows."""
    cells = [f"SIP/trunk-{i:08x}" for i in range(5_000)]
    cells[3_000] = cells[4_999] = "bob@example.org"
    cells[4_000] = "4111 1111 1111 1111"
    found = sweep_values(pa.array(cells))
    assert np.flatnonzero(found["EMAIL_ADDRESS"].rows).tolist() == [3_000, 4_999]
    assert np.flatnonzero(found["CREDIT_CARD"].rows).tolist() == [4_000]
    assert set(found) == {"EMAIL_ADDRESS", "CREDIT_CARD"}


def test_verify_output_reads_every_column(tmp_path: Path):
    """`verify_output` on a finished file finds what the delivery's own check finds."""
    path = _write_csv(tmp_path / "in" / "t.csv", {"a": ["x", "bob@example.com"], "b": ["1", "2"]})
    schema = detectors.read_schema(path)
    plan = build_plan(_keep_all(schema), schema, None)
    out = tmp_path / "plain.parquet"
    pq.write_table(pa.table({"a": ["x", "bob@example.com"], "b": ["1", "2"]}), out)
    (finding,) = verify_output(out, plan)
    assert (finding.column, finding.entity_type, finding.count) == ("a", "EMAIL_ADDRESS", 1)
    assert "bob" not in finding.masked_sample


def test_clean_passed_through_columns_deliver(tmp_path: Path):
    """Not personal at all: durations, epoch ids, timestamps, amounts, labels still deliver."""
    rows = 5_000
    path = _write_csv(tmp_path / "in" / "t.csv", {
        "uniqueid": [f"{1767225616 + i}.{i % 100}" for i in range(rows)],
        "epoch_ms": [str(1767225616000 + i) for i in range(rows)],
        "start": [f"2026-11-{i % 28 + 1:02d} {i % 24:02d}:00:00" for i in range(rows)],
        "rate": [f"0.{i % 100:04d}" for i in range(rows)],
        "disposition": ["ANSWERED", "NO ANSWER"] * (rows // 2),
        "duration": [str(i % 4000) for i in range(rows)],
        "invoice": [f"INV-2026-{i:06d}" for i in range(rows)],
    })  # fmt: skip
    result = _deliver_kept(path, tmp_path / "out")
    assert result.outcome is DeliveryOutcome.DELIVERED, result.blocked_reasons


def test_input_replaced_after_profiling_blocks_and_publishes_nothing(tmp_path: Path):
    """Decisions made on one file are not applied to another: blocked, earlier output removed."""
    path = _write_csv(tmp_path / "in" / "t.csv", {"n": ["1", "2"]})
    profile = detectors.profile_dataset("t", "billing", [path])
    first = _deliver_kept(path, tmp_path / "out", profiled=profile.inputs)
    assert first.outcome is DeliveryOutcome.DELIVERED
    replacement = tmp_path / "other.csv"
    replacement.write_text("n\n3\n4\n", encoding="utf-8")
    os.replace(replacement, path)
    second = _deliver_kept(path, tmp_path / "out", profiled=profile.inputs)
    assert second.outcome is DeliveryOutcome.BLOCKED
    assert "changed after it was profiled" in second.blocked_reasons[0]
    assert list((tmp_path / "out").iterdir()) == []


def test_vanished_input_blocks(tmp_path: Path):
    path = _write_csv(tmp_path / "in" / "t.csv", {"n": ["1", "2"]})
    profile = detectors.profile_dataset("t", "billing", [path])
    schema = detectors.read_schema(path)
    plan = build_plan(_keep_all(schema), schema, None)
    path.unlink()
    result = deliver(plan, [path], tmp_path / "out", profiled=profile.inputs)
    assert result.outcome is DeliveryOutcome.BLOCKED
    assert "vanished" in result.blocked_reasons[0]


_IDENTIFIERS = [
    "ann.lee@example.com",
    "514-555-0142",
    "+1 (438) 555-0187",
    "4111 1111 1111 1111",
    "5555555555554444",
    "046 454 286",
    "GB82WEST12345698765432",
    "203.0.113.77",
    "sip:bob@example.com",
    "00:1a:2b:3c:4d:5e",
    "jo dot roe at example dot org",
]
_FILLER = st.sampled_from(["", "ok", "ANSWERED", "42", "0.0250", "2026-11-05 03:00:00",
                           "from-internal", "Dial", "1767225616.42", "plan B"])  # fmt: skip


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    width=st.integers(1, 4),
    height=st.integers(1, 40),
    data=st.data(),
)
def test_any_planted_identifier_never_leaves_in_clear(tmp_path_factory, width, height, data):
    """Property: whatever the table, an identifier planted in any cell is never delivered."""
    root = tmp_path_factory.mktemp("prop")
    columns = {f"c{i}": [data.draw(_FILLER) for _ in range(height)] for i in range(width)}
    column = f"c{data.draw(st.integers(0, width - 1))}"
    row = data.draw(st.integers(0, height - 1))
    identifier = data.draw(st.sampled_from(_IDENTIFIERS))
    prefix = data.draw(st.sampled_from(["", "note: ", "Tel. "]))
    columns[column][row] = prefix + identifier
    path = _write_csv(root / "in" / "t.csv", columns)
    result = _deliver_kept(path, root / "out", fmt=data.draw(st.sampled_from(["parquet", "csv"])))
    assert result.outcome is DeliveryOutcome.BLOCKED
    leaked = [p for p in (root / "out").rglob("*") if p.is_file() and identifier.encode()
              in p.read_bytes()]  # fmt: skip
    assert leaked == []
    assert identifier not in json.dumps([r.masked_sample for r in result.residual])


def test_text_redaction_covers_what_the_sweep_validates():
    """Free text: whatever the sweep would block is transformed, even where NER and the
    pattern recognizers miss it (a worded e-mail, a number split by a partial finding)."""
    from redaction.operators.freetext import FreeText, with_validated

    texts = ["Write to jo dot roe at example dot org or ring 1-416-555-0142 after 5",
             "SIN 046 454 286, card 2131 0000 0000 001"]  # fmt: skip
    out = FreeText("body", None)(pa.array(texts)).to_pylist()
    assert "example dot org" not in out[0] and "555-0142" not in out[0]
    assert "454 286" not in out[1] and "0000 001" not in out[1]
    assert sweep_values(pa.array(out)) == {}
    from detectors.findings import TextFinding
    from detectors.sweep import SweepSpan

    partial = [TextFinding(0, "body", 10, 18, "PHONE_NUMBER", 0.4)]
    merged = with_validated("body", 0, partial, [SweepSpan(5, 16, "PHONE_NUMBER")])
    assert [(f.start, f.end) for f in merged] == [(5, 16), (16, 18)]


def test_a_pack_rule_lets_out_only_the_entities_it_decided(tmp_path: Path):
    """E-mails allowed to a debt collector deliver; a phone number in the same column blocks."""
    path = _write_csv(tmp_path / "in" / "t.csv", {"email": ["ann@example.com", "bo@example.com"]})
    schema = detectors.read_schema(path)
    allowed = FieldDecision("email", Verdict.ALLOW, "contact.email", ("EMAIL_ADDRESS",), None)
    decision = dataclasses.replace(_keep_all(schema), fields=(allowed,))
    plan = build_plan(decision, schema, None)
    assert deliver(plan, [path], tmp_path / "ok").outcome is DeliveryOutcome.DELIVERED
    _write_csv(path, {"email": ["ann@example.com", "call 514-555-0142"]})
    result = deliver(plan, [path], tmp_path / "out")
    assert [(r.column, r.entity_type) for r in result.residual] == [("email", "PHONE_NUMBER")]


def test_an_iban_is_not_mistaken_for_a_card_in_its_digit_groups():
    """A French IBAN's groups hold 16 digits that pass as a Maestro number: still one IBAN."""
    cells = pa.array(["FR76 6196 6906 6982 0473 5746 357", "GB82 WEST 1234 5698 7654 32"])
    found = sweep_values(cells)
    assert set(found) == {"IBAN_CODE"} and found["IBAN_CODE"].count == 2


def test_names_in_prose_the_sample_never_saw_do_not_reach_a_third_party(tmp_path: Path):
    """Ticket remarks whose profiling sample holds no personal data: for an analytics vendor
    the whole column is still scanned, so names in rows the sample skipped are redacted."""
    import policy
    import redaction

    rows = 3_000
    named = {i: f"Spoke with Marguerite Tremblay-Okafor about the dropped calls ({i})"
             for i in range(7, rows, 997)}  # fmt: skip
    remarks = [named.get(i, f"Customer reports choppy audio on calls to the office, case {i}")
               for i in range(rows)]  # fmt: skip
    path = _write_csv(tmp_path / "tickets.csv", {"ticket": list(range(rows)), "remarks": remarks})
    profile = detectors.profile_dataset("tickets", "tickets", [path], sample_rows=500)
    (remarks_profile,) = [f for f in profile.fields if f.column == "remarks"]
    assert str(remarks_profile.kind) == "free_text" and not remarks_profile.entity_types
    spec = policy.DeliverySpec(
        name="quiet-prose", dataset="tickets", recipient="acme",
        recipient_class="analytics_vendor", purpose="service_quality",
    )  # fmt: skip
    decision = policy.evaluate_delivery(
        policy.load_pack("voipms"), spec, profile.fields, "tickets"
    )
    key = redaction.keys.key_from_text("fail-closed-test-key-0123456789abcdef")
    plan = build_plan(decision, detectors.read_schema(path), key)
    result = deliver(plan, [path], tmp_path / "out", fmt="csv")
    assert result.outcome is DeliveryOutcome.DELIVERED, result.blocked_reasons
    delivered = Path(result.output_path).read_text(encoding="utf-8")
    assert "Tremblay" not in delivered and "Marguerite" not in delivered
    assert delivered.count("choppy audio") == rows - len(named)  # the rest kept as written
