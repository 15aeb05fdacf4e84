"""Blocked and denied deliveries say exactly what blocked them and what would unblock them."""

from __future__ import annotations

import dataclasses

import pytest
import reports_fakerun as fake

from policy.decisions import DeliveryStatus
from redaction.results import DeliveryOutcome
from reports import ReportInputError, RunReport, build_run_report
from reports.model import DeliveryReport, DeliveryState, Light, RunStatus


def _delivery(report: RunReport, name: str) -> DeliveryReport:
    return next(d for d in report.deliveries if d.name == name)


def test_denied_delivery_explains_blocker_and_unblock(report: RunReport) -> None:
    """A denied delivery carries the policy's denial reasons, the denied field and the hint."""
    d = _delivery(report, "tickets-to-ml-vendor")
    assert (d.status, d.light, d.label) == (DeliveryState.DENIED, Light.RED, "Denied")
    assert d.blockers == (
        "No clause of voipms 2024.1 allows purpose 'model_training' for recipient class "
        "'third_party'.",
        "Field 'body' is denied: No clause allows ticket text for model training.",
    )
    assert d.unblock == (
        "Obtain consent and add a consent row filter, or change the purpose to one the policy "
        "allows (e.g. service_improvement with a processor).",
    )
    assert d.rows is None and d.verification is None and d.output_path is None


def test_blocked_delivery_names_residual_and_fix(report: RunReport) -> None:
    """A delivery blocked by verification gives redaction's reason and a fix per residual."""
    d = _delivery(report, "billing-to-marketing")
    assert (d.status, d.light, d.label) == (DeliveryState.BLOCKED, Light.RED, "Blocked")
    assert d.blockers == (
        "Verification re-scan found personal data in 'billing_address' after generalization.",
    )
    assert d.unblock == (
        "Use a stricter verdict for field 'billing_address' so STREET_ADDRESS is removed, then "
        "run the delivery again.",
    )
    assert d.verification is not None and not d.verification.clean


def test_residual_without_reasons_is_spelled_out() -> None:
    """When redaction gives no reason, each residual finding becomes a blocker line."""
    results = [dataclasses.replace(r, blocked_reasons=()) for r in fake.results()]
    report = build_run_report(
        fake.run_info(), fake.dataset_infos(), fake.profiles(), fake.decisions(), results
    )
    d = _delivery(report, "billing-to-marketing")
    assert d.blockers == (
        "Verification found 12 value(s) of STREET_ADDRESS in column 'billing_address'.",
    )


def test_decision_without_result_is_blocked_not_run() -> None:
    """A proceeding delivery with no result is reported blocked, with how to find out why."""
    results = [r for r in fake.results() if r.delivery != "cdr-to-fraud-analytics"]
    report = build_run_report(
        fake.run_info(), fake.dataset_infos(), fake.profiles(), fake.decisions(), results
    )
    d = _delivery(report, "cdr-to-fraud-analytics")
    assert d.status is DeliveryState.BLOCKED
    assert d.blockers == ("The delivery did not run: no delivery result was recorded for it.",)
    assert d.unblock == (
        "Check the flow run log for delivery 'cdr-to-fraud-analytics' and run it again.",
    )


def test_denied_without_reasons_still_explains() -> None:
    """A denial with no reasons or hints from policy still tells the reader what to do."""
    decisions = [
        dataclasses.replace(d, denial_reasons=(), unblock_hints=(), fields=())
        if d.status is DeliveryStatus.DENIED
        else d
        for d in fake.decisions()
    ]
    report = build_run_report(
        fake.run_info(), fake.dataset_infos(), fake.profiles(), decisions, fake.results()
    )
    d = _delivery(report, "tickets-to-ml-vendor")
    assert d.blockers == ("The policy refused the delivery.",)
    assert d.unblock[0].startswith("Add or cite a policy clause that allows this purpose")


def test_result_without_decision_is_an_error() -> None:
    """A result whose delivery has no decision cannot be reported."""
    stray = dataclasses.replace(fake.results()[0], delivery="ghost")
    with pytest.raises(ReportInputError) as info:
        build_run_report(
            fake.run_info(), fake.dataset_infos(), fake.profiles(), fake.decisions(), [stray]
        )
    assert str(info.value) == (
        "delivery result(s) ghost have no decision; pass the DeliveryDecision of every "
        "delivery that ran"
    )


@pytest.mark.parametrize(
    ("name", "light"),
    [
        ("cdr-to-fraud-analytics", Light.GREEN),  # delivered, nothing to review
        ("billing-to-collections", Light.AMBER),  # delivered with an undeclared field
        ("billing-to-marketing", Light.RED),  # blocked by verification
        ("tickets-to-ml-vendor", Light.RED),  # denied by policy
    ],
)
def test_traffic_lights(report: RunReport, name: str, light: Light) -> None:
    """Each delivery gets the light its outcome and findings call for."""
    assert _delivery(report, name).light is light


def test_run_status_is_worst_light(report: RunReport) -> None:
    """Any red delivery makes the run blocked; all-green makes it ok."""
    assert report.run.status is RunStatus.BLOCKED
    clean = build_run_report(
        fake.run_info(),
        fake.dataset_infos(),
        [p for p in fake.profiles() if p.dataset == "cdr"],
        [d for d in fake.decisions() if d.delivery == "cdr-to-fraud-analytics"],
        [r for r in fake.results() if r.delivery == "cdr-to-fraud-analytics"],
    )
    assert clean.run.status is RunStatus.OK
    assert clean.findings == ()


def test_blocked_outcome_counts(report: RunReport) -> None:
    """Counts add up per status."""
    c = report.counts
    assert (c.delivered, c.blocked, c.denied, c.needs_review) == (2, 1, 1, 1)
    assert DeliveryOutcome.BLOCKED.value == "blocked"
