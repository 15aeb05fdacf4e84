"""Plans: built once from decisions and a schema, failing closed on any mismatch."""

from __future__ import annotations

import dataclasses
import pickle
from pathlib import Path

import pyarrow as pa
import pytest
from conftest import CDR_SCHEMA, F, cdr_decision

from policy.decisions import DeliveryStatus, Verdict
from redaction import apply_plan, build_plan, deliver, filter_rows
from redaction.errors import (
    DeliveryDeniedError,
    InvalidParamsError,
    MissingKeyError,
    PlanError,
    SchemaMismatchError,
    UnknownOperatorError,
)


def test_output_schema_is_documented_and_stable(key):
    """Tokens/encrypted → string, allowed keep their type, dropped left out, order kept."""
    schema = CDR_SCHEMA.set(7, pa.field("duration", pa.int64()))
    decision = cdr_decision(consent=F("consent", Verdict.DROP, None, (), "drop"), row_filters=False)
    plan = build_plan(decision, schema, key)
    assert plan.output_schema.names == [
        "accountcode",
        "src",
        "dst",
        "clid",
        "start",
        "src_ip",
        "duration",
    ]
    assert plan.output_schema.field("duration").type == pa.int64()
    assert [f.output_type for f in plan.field_outputs][6] == "dropped"
    assert plan.key_id == key.key_id


def test_every_column_needs_a_decision_and_vice_versa(key):
    """Missing and extra decisions are reported together."""
    schema = CDR_SCHEMA.remove(7).append(pa.field("lastdata", pa.string()))
    with pytest.raises(SchemaMismatchError) as err:
        build_plan(cdr_decision(), schema, key)
    assert "columns without a decision: lastdata" in str(err.value)
    assert "decisions for columns not in the input: duration" in str(err.value)


def test_denied_delivery_has_no_plan(key):
    """A denied delivery raises DeliveryDeniedError with the policy's reasons."""
    denied = dataclasses.replace(
        cdr_decision(), status=DeliveryStatus.DENIED, denial_reasons=("marketing refused",)
    )
    with pytest.raises(DeliveryDeniedError, match="denied by policy \\(marketing refused\\)"):
        build_plan(denied, CDR_SCHEMA, key)


def test_unknown_operator_and_bad_params_reported_together(key):
    """Several operator problems come back in one PlanError."""
    decision = cdr_decision(
        src=F("src", Verdict.PSEUDONYMIZE, "contact.phone", ("PHONE_NUMBER",), "scramble"),
        start=F("start", Verdict.GENERALIZE, None, (), "generalize", {"level": "week"}),
    )
    with pytest.raises(PlanError) as err:
        build_plan(decision, CDR_SCHEMA, key)
    assert "2 problems" in str(err.value) and "known operators: drop, encrypt_fpe" in str(err.value)
    only_unknown = cdr_decision(src=F("src", Verdict.PSEUDONYMIZE, None, (), "scramble"))
    with pytest.raises(UnknownOperatorError):
        build_plan(only_unknown, CDR_SCHEMA, key)
    extra = cdr_decision(src=F("src", Verdict.PSEUDONYMIZE, None, (), "pseudonymize", {"salt": 1}))
    with pytest.raises(InvalidParamsError, match="does not take salt; accepted params: none"):
        build_plan(extra, CDR_SCHEMA, key)


def test_missing_key_raised_before_any_data_is_read(tmp_path: Path):
    """No key → MissingKeyError at plan time; the (non-existent) input is never opened."""
    with pytest.raises(MissingKeyError, match=r"accountcode, src, dst, clid.*TELEPRIVACY_KEY"):
        plan = build_plan(cdr_decision(), CDR_SCHEMA, None)
        deliver(plan, [tmp_path / "does-not-exist.csv"], tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_no_key_needed_without_keyed_operators(tmp_path: Path):
    """A plan with only unkeyed operators builds without a key."""
    unkeyed = {n: F(n, Verdict.REDACT, None, ("PHONE_NUMBER",), "redact")
               for n in ("accountcode", "src", "dst", "clid")}  # fmt: skip
    plan = build_plan(cdr_decision(**unkeyed), CDR_SCHEMA, None)
    assert plan.key_id is None


def test_apply_and_filter_are_column_wise(key):
    """Consent rows kept by truthy values; operators applied; plan pickles for task workers."""
    plan = pickle.loads(pickle.dumps(build_plan(cdr_decision(), CDR_SCHEMA, key)))
    batch = pa.RecordBatch.from_pylist(
        [
            {"accountcode": "ACCT-1", "src": "5145550123", "dst": "5145550100", "clid": "",
             "start": "2026-01-05 13:45:12", "src_ip": "203.0.113.7", "consent": c,
             "duration": "1"}
            for c in ("Yes", "1", "true", "no", None, "Y ")
        ],
        schema=CDR_SCHEMA,
    )  # fmt: skip
    kept, filtered = filter_rows(plan, batch)
    assert (kept.num_rows, filtered) == (4, 2)
    out = apply_plan(plan, kept)
    assert out.column("start").to_pylist() == ["2026-01-05 13:00:00"] * 4
    assert out.column("src").to_pylist()[0].startswith("PHONE_")
    assert "test-key" not in repr(plan)
