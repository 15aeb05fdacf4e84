"""Verification: our own output is never taken for personal data; what was missed is found."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest
from conftest import CDR_SCHEMA, F, cdr_decision

import detectors
from policy.decisions import Verdict
from redaction import build_plan, verify_output
from redaction.errors import OutputWriteError
from redaction.operators import FieldContext, get_operator
from redaction.verify import OutputVerifier, written_rows

PHONES = ["5145550123", "+1 (604) 555-0199", "4155550100", "2125550142", "+44 20 7946 0958"]


@pytest.mark.parametrize(
    ("entity", "values"),
    [
        ("PHONE_NUMBER", PHONES),
        ("EMAIL_ADDRESS", ["jane.roe@example.com", "a.b@example.org"]),
        ("ACCOUNT_NUMBER", ["ACCT-00012345", "CUST-7654321"]),
        ("CREDIT_CARD", ["4111111111111111", "5555555555554444"]),
    ],
)
def test_tokens_and_masks_are_not_detected_as_entities(key, entity, values):
    """classify_values finds the raw values but none of their tokens or masked forms."""
    raw = pa.array(values * 40)
    assert detectors.classify_values(raw, entity).true_count > 0
    ctx = FieldContext("f", (entity,), pa.string(), key)
    tokens = get_operator("pseudonymize").build({}, ctx)(raw)
    masked = get_operator("mask").build({"keep_last": 2}, ctx)(raw)
    assert detectors.classify_values(tokens, entity).true_count == 0
    assert detectors.classify_values(masked, entity).true_count == 0


def _write(tmp_path: Path, plan, rows: list[dict], fmt: str = "parquet") -> Path:
    table = pa.Table.from_pylist(rows, schema=plan.output_schema)
    path = tmp_path / f"out.{fmt}"
    if fmt == "parquet":
        pq.write_table(table, path)
    else:
        pacsv.write_csv(table, path)
    return path


CLEAN = {"accountcode": "ACCT_0123456789abcdef", "src": "PHONE_0123456789abcdef",
         "dst": "5145550100", "clid": '"PERSON_0123456789abcdef" <PHONE_0123456789abcdef>',
         "start": "2026-01-05 13:00:00", "src_ip": "203.0.113.0", "consent": "y",
         "duration": "3"}  # fmt: skip


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_clean_output_has_no_residual(tmp_path: Path, key, fmt):
    """Tokens, a caller id of tokens, generalized values and FPE digits pass."""
    plan = build_plan(cdr_decision(row_filters=False), CDR_SCHEMA, key)
    assert verify_output(_write(tmp_path, plan, [CLEAN], fmt), plan) == ()


@pytest.mark.parametrize(
    ("column", "value", "entity"),
    [
        ("src_ip", "203.0.113.77", "IP_ADDRESS"),  # not generalized to /24
        ("start", "2026-01-05 13:45:12", "DATE_TIME"),  # not generalized to the hour
        ("clid", '"Jane Roe" <5145550123>', "PERSON"),  # caller id: first entity that matches
        ("accountcode", "ACCT-00012345", "ACCOUNT_NUMBER"),
    ],
)
def test_untransformed_cells_are_residuals(tmp_path: Path, key, column, value, entity):
    """Each kind of miss is found, labelled, counted and shown masked."""
    plan = build_plan(cdr_decision(row_filters=False), CDR_SCHEMA, key)
    (finding,) = verify_output(_write(tmp_path, plan, [{**CLEAN, column: value}]), plan)
    assert (finding.column, finding.entity_type, finding.count) == (column, entity, 1)
    assert value not in finding.masked_sample


def test_a_dropped_column_in_the_output_is_a_residual(tmp_path: Path, key):
    """If a column the plan drops shows up, it is reported."""
    plan = build_plan(cdr_decision(row_filters=False), CDR_SCHEMA, key)
    dropping = build_plan(
        cdr_decision(row_filters=False, consent=F("consent", Verdict.DROP, None, (), "drop")),
        CDR_SCHEMA, key,
    )  # fmt: skip
    (finding,) = verify_output(_write(tmp_path, plan, [CLEAN]), dropping)
    assert (finding.column, finding.entity_type) == ("consent", "DROPPED_COLUMN")


def test_batches_checked_as_written_give_the_file_findings(tmp_path: Path, key):
    """`OutputVerifier` on the batches and `verify_output` on the file they make agree."""
    plan = build_plan(cdr_decision(row_filters=False), CDR_SCHEMA, key)
    rows = [CLEAN, {**CLEAN, "src_ip": "203.0.113.77", "start": "2026-01-05 13:45:12"},
            {**CLEAN, "clid": '"Jane Roe" <5145550123>'}]  # fmt: skip
    table = pa.Table.from_pylist(rows, schema=plan.output_schema)
    verifier = OutputVerifier(plan)
    for batch in table.to_batches(max_chunksize=2):
        verifier.check(batch)
    found = verifier.findings()
    assert {(f.column, f.count) for f in found} == {("src_ip", 1), ("start", 1), ("clid", 1)}
    assert found == verify_output(_write(tmp_path, plan, rows), plan)


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_written_rows_counts_the_file_and_checks_its_columns(tmp_path: Path, key, fmt):
    """Rows from the footer (Parquet) or a read-back (CSV); other columns than the plan's are
    an error naming the file."""
    plan = build_plan(cdr_decision(row_filters=False), CDR_SCHEMA, key)
    assert written_rows(_write(tmp_path, plan, [CLEAN] * 3, fmt), plan) == 3
    other = pa.table({"src": ["PHONE_0123456789abcdef"]})
    path = tmp_path / f"other.{fmt}"
    if fmt == "parquet":
        pq.write_table(other, path)
    else:
        pacsv.write_csv(other, path)
    with pytest.raises(OutputWriteError, match=f"other.{fmt}: holds the columns"):
        written_rows(path, plan)


def test_cells_swept_clean_are_not_swept_again_and_new_ones_are(key, monkeypatch):
    """A kept column's repeated cells are swept once per delivery; a phone number arriving in
    a later batch, in a column whose earlier cells were all clean, is still found, and counted
    by its rows."""
    import redaction.verify as verify

    plan = build_plan(cdr_decision(row_filters=False), CDR_SCHEMA, key)
    swept: list[int] = []
    real = verify.sweep_values

    def counting(values, *args, **kwargs):
        if kwargs.get("column") == "duration":
            swept.append(len(values))
        return real(values, *args, **kwargs)

    monkeypatch.setattr(verify, "sweep_values", counting)
    verifier = OutputVerifier(plan)
    for durations in (["61", "7"] * 4, ["61", "7"] * 4, ["7", "5145550123", "5145550123", "61"]):
        rows = [{**CLEAN, "duration": d} for d in durations]
        verifier.check(pa.Table.from_pylist(rows, schema=plan.output_schema).to_batches()[0])
    assert swept == [8, 0, 2]  # the second batch held only known cells; the third, two new ones
    (finding,) = verifier.findings()
    assert (finding.column, finding.entity_type, finding.count) == ("duration", "PHONE_NUMBER", 2)
