"""End to end on generated data: generate, profile, decide, deliver; prove with the labels that
no planted value the policy forbids appears anywhere in the output."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from conftest import KEY_TEXT

import detectors
import policy
import redaction
from detectors.validators import digits_only
from policy.decisions import DeliveryDecision, DeliveryStatus, Verdict
from redaction.operators.freetext import left_in_clear
from redaction.results import DeliveryOutcome, DeliveryResult
from redaction.risk import climb_ladder

synthetic = pytest.importorskip("synthetic", reason="synthetic generator not available yet")
ROWS = 150
MIN_LEN = 6  # shorter planted values (PINs, "Lee") may occur by chance in unrelated text


def _deliver(kind: str, delivery: str, root: Path, fmt: str = "parquet"):
    data = synthetic.generate(kind, ROWS, root / kind, seed=5)
    config = policy.load_config(Path(policy.__file__).parent / "examples" / "demo.yaml")
    spec = config.delivery(delivery)
    pack = policy.load_pack(config.policy_ref)
    profile = detectors.profile_dataset(kind, kind, [data.data_path])
    decision = policy.evaluate_delivery(pack, spec, profile.fields, kind)
    assert decision.status is DeliveryStatus.PROCEED
    schema = next(detectors.read_batches(data.data_path)).schema
    key = redaction.keys.key_from_text(KEY_TEXT)

    def deliver(decision: DeliveryDecision) -> list[DeliveryResult]:
        plan = redaction.build_plan(decision, schema, key)
        return [redaction.deliver(plan, [data.data_path], root / "out", fmt=fmt)]

    (result,) = climb_ladder(decision, deliver)  # the release gate, as the flows run it
    return data, decision, result


def _planted(data, decision) -> set[str]:
    """Every labelled value (and its parts and digits) the decision does not allow in clear."""
    labels = json.loads(data.labels_path.read_text(encoding="utf-8"))
    batches = detectors.read_batches(data.data_path)
    rows = [row for batch in batches for row in batch.to_pylist()]
    verdicts = {f.field: f.verdict for f in decision.fields}
    forbidden: set[str] = set()
    for column, entity_types in labels["columns"].items():
        if not entity_types or verdicts[column] is Verdict.ALLOW:
            continue
        for row in rows:
            value = "" if row[column] is None else str(row[column])
            if value:
                parts = [value, *re.split(r'[<>"]', value)]
                if "PHONE_NUMBER" in entity_types:
                    parts.append(digits_only(value)[-10:])
                forbidden.update(p.strip() for p in parts)
    for span in labels["spans"]:
        if verdicts[span["field"]] is Verdict.ALLOW:
            continue
        text = rows[span["row"]][span["field"]][span["start"] : span["end"]]
        if not left_in_clear(span["entity_type"], text):
            forbidden.add(text.strip())
    return {v for v in forbidden if len(v) >= MIN_LEN}


def _leaked(data, decision, result, transformed_only: bool = False) -> list[str]:
    """Planted forbidden values found in the output (all columns, or only transformed ones)."""
    assert result.outcome is DeliveryOutcome.DELIVERED, result.blocked_reasons
    assert result.rows_balanced and result.rows_out == ROWS
    allowed = {f.field for f in decision.fields if f.verdict is Verdict.ALLOW}
    table = pq.read_table(result.output_path)
    blob = "\n".join(
        str(v)
        for name, col in zip(table.column_names, table.columns, strict=True)
        if not (transformed_only and name in allowed)
        for v in col.to_pylist()
        if v is not None
    )
    return sorted(v for v in _planted(data, decision) if v in blob)


@pytest.fixture(scope="module")
def cdr_delivery(tmp_path_factory):
    return _deliver("cdr", "cdr-quality", tmp_path_factory.mktemp("cdr"))


@pytest.fixture(scope="module")
def ticket_delivery(tmp_path_factory):
    return _deliver("tickets", "tickets-complaints", tmp_path_factory.mktemp("tickets"))


@pytest.mark.slow
def test_cdr_delivery_leaves_no_planted_value(cdr_delivery):
    """CDR for analytics: phones, names, accounts, SIP URIs, IPs and times never in clear."""
    assert _leaked(*cdr_delivery) == []
    src = pq.read_table(cdr_delivery[2].output_path).column("src").to_pylist()
    assert all(v == "" or v.startswith("PHONE_") for v in src)


@pytest.mark.slow
def test_ticket_transformed_columns_leave_no_planted_value(ticket_delivery):
    """Tickets: no forbidden planted value survives in the columns the plan transforms."""
    assert _leaked(*ticket_delivery, transformed_only=True) == []


@pytest.mark.slow
def test_ticket_output_has_no_planted_value_anywhere(ticket_delivery):
    """Strict: no forbidden planted value anywhere in the ticket output, allowed columns too."""
    assert _leaked(*ticket_delivery) == []
