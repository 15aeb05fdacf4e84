"""Billing dates are `billing.date` at day granularity, not call times (issue 16, item 5)."""

from __future__ import annotations

import pyarrow as pa
import pytest

import policy
from detectors import DetectionSettings, profile_column
from policy.decisions import Verdict

DATES = [f"2026-0{1 + i % 9}-1{i % 10} 00:00:00" for i in range(60)]


@pytest.mark.parametrize(
    ("column", "entity"),
    [
        ("invoice_date", "BILLING_DATE"),
        ("due_date", "BILLING_DATE"),
        ("paid_at", "BILLING_DATE"),
        ("start", "DATE_TIME"),  # a call time stays a call time
        ("created_at", "DATE_TIME"),
    ],
)
def test_dates_named_for_billing_are_billing_dates(column: str, entity: str) -> None:
    profile = profile_column(column, pa.array(DATES), "t", DetectionSettings())
    assert profile.entity_types == (entity,)


@pytest.mark.parametrize("pack", ["voipms", "legacysip"])
def test_every_bundled_pack_maps_billing_dates(pack: str) -> None:
    loaded = policy.load_pack(pack)
    assert loaded.category_for("BILLING_DATE") == "billing.date"
    assert loaded.category_for("DATE_TIME") == "call_records.time"


def test_invoice_dates_reach_an_analytics_vendor_by_the_day() -> None:
    """Generalized to the day, category billing.date, a quasi-identifier for the gate."""
    profile = profile_column("invoice_date", pa.array(DATES), "t", DetectionSettings())
    spec = policy.DeliverySpec(name="d", dataset="billing", recipient="acme",
                               recipient_class="analytics_vendor", purpose="service_quality")
    decision = policy.evaluate_delivery(policy.load_pack("voipms"), spec, [profile], "billing")
    (field,) = decision.fields
    assert (field.category, field.verdict, dict(field.params)) == (
        "billing.date", Verdict.GENERALIZE, {"level": "day"})
    assert decision.quasi_identifiers == ("invoice_date",)
