"""Delivery sections of the report: decisions with citations, outcome, blockers, light."""

from __future__ import annotations

from collections.abc import Sequence

from policy.decisions import DeliveryDecision, DeliveryStatus, FieldDecision, Verdict
from redaction.results import DeliveryOutcome, DeliveryResult
from reports.findings import DEFAULT_THRESHOLDS, ReviewThresholds, over_quarantine_share
from reports.model import (
    DecisionReport,
    DeliveryReport,
    DeliveryState,
    DiversityReport,
    Finding,
    KBand,
    Light,
    ResidualReport,
    RiskReport,
    RowCounts,
    RowFilterReport,
    Verification,
)
from reports.sanitize import citation_ref, safe_masked, safe_params


def _decision_report(fd: FieldDecision) -> DecisionReport:
    return DecisionReport(
        field=fd.field,
        verdict=fd.verdict.value,
        operator=fd.operator,
        params=safe_params(fd.params),
        category=fd.category,
        entity_types=tuple(fd.entity_types),
        declared=fd.declared,
        free_text=fd.free_text,
        citation=citation_ref(fd.citation),
        reason=fd.reason,
    )


def _denied_fields(dec: DeliveryDecision) -> list[str]:
    """One line per distinct reason, naming every field denied for it."""
    by_reason: dict[str, list[str]] = {}
    for fd in dec.fields:
        if fd.verdict is Verdict.DENY:
            by_reason.setdefault(fd.reason or "no clause allows it", []).append(fd.field)
    return [
        f"Field{'s' if len(fields) > 1 else ''} {', '.join(repr(f) for f in fields)} "
        f"{'are' if len(fields) > 1 else 'is'} denied: {reason}"
        for reason, fields in by_reason.items()
    ]


def _blockers(
    dec: DeliveryDecision, result: DeliveryResult | None
) -> tuple[DeliveryState, tuple[str, ...], tuple[str, ...]]:
    """Status, what blocked the delivery and what would unblock it."""
    if dec.status == DeliveryStatus.DENIED:
        blockers = [*dec.denial_reasons, *_denied_fields(dec)]
        if result is not None:  # what publishing did: an earlier run's parts withdrawn
            blockers = [*(blockers or ["The policy refused the delivery."]),
                        *result.blocked_reasons]  # fmt: skip
        hints = list(dec.unblock_hints) or [
            "Add or cite a policy clause that allows this purpose for this recipient class, "
            "or change the delivery's purpose or legal basis."
        ]
        return (
            DeliveryState.DENIED,
            tuple(blockers or ["The policy refused the delivery."]),
            tuple(hints),
        )
    if result is None:
        return (
            DeliveryState.BLOCKED,
            ("The delivery did not run: no delivery result was recorded for it.",),
            (f"Check the flow run log for delivery '{dec.delivery}' and run it again.",),
        )
    if result.outcome == DeliveryOutcome.BLOCKED:
        # Redaction's own reasons already name the residual findings; add ours only without them.
        blockers = list(result.blocked_reasons) or [
            f"Verification found {r.count} value(s) of {r.entity_type} in column '{r.column}'."
            for r in result.residual
        ]
        hints = list(dec.unblock_hints)
        hints += [
            f"Use a stricter verdict for field '{r.column}' so {r.entity_type} is removed, "
            "then run the delivery again."
            for r in result.residual
        ]
        return (
            DeliveryState.BLOCKED,
            tuple(blockers or ["Redaction stopped the delivery without a stated reason."]),
            tuple(hints or ["See the flow run log for this delivery."]),
        )
    return DeliveryState.DELIVERED, (), ()


def _row_counts(result: DeliveryResult | None) -> RowCounts | None:
    if result is None:
        return None
    return RowCounts(
        rows_in=result.rows_in,
        rows_out=result.rows_out,
        rows_quarantined=result.rows_quarantined,
        rows_filtered=result.rows_filtered,
        balanced=result.rows_balanced,
        rows_withheld=result.rows_withheld,
    )


def _risk(dec: DeliveryDecision, result: DeliveryResult | None) -> RiskReport | None:
    if result is None or result.risk is None:
        return None
    figures = result.risk
    return RiskReport(
        quasi_identifiers=figures.quasi_identifiers,
        rows=figures.rows,
        classes=figures.classes,
        min_k=figures.min_k,
        share_k_below_5=round(figures.share_below_5, 6),
        share_k_below_10=round(figures.share_below_10, 6),
        unique_share=round(figures.unique_share, 6),
        k_bands=tuple(KBand(band, rows) for band, rows in figures.k_bands),
        diversity=tuple(
            DiversityReport(d.column, d.min_l, d.classes_below_2) for d in figures.diversity
        ),
        required_k=dec.min_k,
        rows_withheld=result.rows_withheld,
        conservative=figures.conservative,
        ladder_steps=result.gate_steps,
    )


def _verification(result: DeliveryResult | None) -> Verification | None:
    if result is None:
        return None
    residual = tuple(
        ResidualReport(r.column, r.entity_type, r.count, safe_masked(r.masked_sample) or "")
        for r in result.residual
    )
    return Verification(clean=not residual, residual=residual)


def build_delivery_report(
    dec: DeliveryDecision,
    result: DeliveryResult | None,
    findings: Sequence[Finding],
    thresholds: ReviewThresholds = DEFAULT_THRESHOLDS,
) -> DeliveryReport:
    """One delivery: what policy decided, what redaction did, and its traffic light (amber with
    findings, or with more than `thresholds.quarantine_share` of its input records quarantined)."""
    status, blockers, unblock = _blockers(dec, result)
    mine = [f for f in findings if f.concerns(dec.delivery, dec.dataset)]
    if status is not DeliveryState.DELIVERED:
        light = Light.RED
    else:
        review = bool(mine) or over_quarantine_share(result, thresholds)
        light = Light.AMBER if review else Light.GREEN
    # A denied delivery never runs; a stray result for it is not reported as output.
    ran = result if status is not DeliveryState.DENIED else None
    return DeliveryReport(
        name=dec.delivery,
        dataset=dec.dataset,
        recipient=dec.recipient,
        recipient_class=dec.recipient_class,
        purpose=dec.purpose,
        legal_basis=dec.legal_basis,
        status=status,
        light=light,
        citation=citation_ref(dec.citation),
        fields=tuple(_decision_report(fd) for fd in dec.fields),
        row_filters=tuple(
            RowFilterReport(rf.column, rf.reason, citation_ref(rf.citation))
            for rf in dec.row_filters
        ),
        rows=_row_counts(ran),
        output_path=ran.output_path if ran else None,
        output_sha256=ran.output_sha256 if ran else None,
        key_id=ran.key_id if ran else None,
        token_scope=dec.token_scope,
        verification=_verification(ran),
        blockers=blockers,
        unblock=unblock,
        findings=len(mine),
        risk=_risk(dec, ran),
    )
