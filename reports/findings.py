"""Findings that need a human: undeclared or free-text personal data, unsure classifications,
refused purposes, residual personal data after redaction, and drift against the previous run."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from detectors.findings import DatasetProfile, FieldKind
from policy.decisions import DeliveryDecision, DeliveryStatus
from redaction.results import DeliveryOutcome, DeliveryResult
from reports.model import (
    DatasetReport,
    Finding,
    FindingKind,
    RunReport,
    RunSummary,
    Severity,
)

_SEVERITY = {
    FindingKind.PURPOSE_NOT_ALLOWED: Severity.HIGH,
    FindingKind.RESIDUAL_PERSONAL_DATA: Severity.HIGH,
    FindingKind.UNDECLARED_PERSONAL_DATA: Severity.HIGH,
    FindingKind.NEW_PII_FIELD: Severity.HIGH,
    FindingKind.NEW_ENTITY_TYPE: Severity.MEDIUM,
    FindingKind.MATCH_RATE_JUMP: Severity.MEDIUM,
    FindingKind.PII_IN_FREE_TEXT: Severity.MEDIUM,
    FindingKind.LOW_CONFIDENCE: Severity.MEDIUM,
    FindingKind.FIELD_DISAPPEARED: Severity.LOW,
    FindingKind.QUARANTINE_OVER_THRESHOLD: Severity.MEDIUM,
}


@dataclass(frozen=True)
class ReviewThresholds:
    """When a classification is unsure and when a match-rate change counts as drift."""

    low_confidence_min: float = 0.3  # below this the detector already discarded the entity
    low_confidence_max: float = 0.6  # at or above this the classification is trusted
    match_rate_jump: float = 0.2  # absolute change in match rate between two runs
    # a delivery with more than this share of its input records quarantined needs review
    # (the pipeline setting `quarantine_threshold`, same default)
    quarantine_share: float = 0.001


DEFAULT_THRESHOLDS = ReviewThresholds()


def _finding(kind: FindingKind, message: str, **where: str | None) -> Finding:
    return Finding(kind=kind, severity=_SEVERITY[kind], message=message, **where)


def over_quarantine_share(result: DeliveryResult | None, thresholds: ReviewThresholds) -> bool:
    """True when more than `thresholds.quarantine_share` of a delivery's input records were
    quarantined: rows were set aside that a human should look at."""
    if result is None or not result.rows_in:
        return False
    return result.rows_quarantined > thresholds.quarantine_share * result.rows_in


def profile_findings(
    profiles: Sequence[DatasetProfile], thresholds: ReviewThresholds = DEFAULT_THRESHOLDS
) -> list[Finding]:
    """Free-text fields holding personal data and entity classifications that are unsure."""
    found: list[Finding] = []
    for profile in profiles:
        for fp in profile.fields:
            if fp.kind == FieldKind.FREE_TEXT and fp.entities:
                types = ", ".join(fp.entity_types)
                found.append(
                    _finding(
                        FindingKind.PII_IN_FREE_TEXT,
                        f"Free-text field '{fp.column}' holds {types}; only detected spans are "
                        "transformed, so check a sample of the output for missed mentions.",
                        dataset=profile.dataset,
                        field=fp.column,
                    )
                )
            for ev in fp.entities:
                if thresholds.low_confidence_min <= ev.confidence < thresholds.low_confidence_max:
                    found.append(
                        _finding(
                            FindingKind.LOW_CONFIDENCE,
                            f"Field '{fp.column}' is classified {ev.entity_type} with confidence "
                            f"{ev.confidence:.2f} (match rate {ev.match_rate:.0%}); confirm or "
                            "declare the field's category in the pipeline configuration.",
                            dataset=profile.dataset,
                            field=fp.column,
                            entity_type=ev.entity_type,
                        )
                    )
    return found


def decision_findings(decisions: Sequence[DeliveryDecision]) -> list[Finding]:
    """Personal data the declaration did not name, and purposes no clause allows."""
    found: list[Finding] = []
    for dec in decisions:
        if dec.status == DeliveryStatus.DENIED:
            why = "; ".join(dec.denial_reasons) or "no clause allows it"
            found.append(
                _finding(
                    FindingKind.PURPOSE_NOT_ALLOWED,
                    f"Purpose '{dec.purpose}' for {dec.recipient} ({dec.recipient_class}) "
                    f"was refused: {why}",
                    dataset=dec.dataset,
                    delivery=dec.delivery,
                )
            )
            continue  # the delivery is refused as a whole; its fields need no separate review
        for fd in dec.fields:
            if not fd.declared and fd.entity_types:
                types = ", ".join(fd.entity_types)
                found.append(
                    _finding(
                        FindingKind.UNDECLARED_PERSONAL_DATA,
                        f"Field '{fd.field}' holds {types} but the delivery's declaration does "
                        f"not name it; it was handled as '{fd.verdict.value}'. Declare it or "
                        "exclude it.",
                        dataset=dec.dataset,
                        delivery=dec.delivery,
                        field=fd.field,
                    )
                )
    return found


def result_findings(
    results: Sequence[DeliveryResult], datasets_by_delivery: dict[str, str]
) -> list[Finding]:
    """Personal data that verification still found in an output."""
    return [
        _finding(
            FindingKind.RESIDUAL_PERSONAL_DATA,
            f"Verification found {res.count} value(s) of {res.entity_type} left in column "
            f"'{res.column}' of the output.",
            dataset=datasets_by_delivery.get(result.delivery),
            delivery=result.delivery,
            field=res.column,
            entity_type=res.entity_type,
        )
        for result in results
        for res in result.residual
    ]


def quarantine_findings(
    results: Sequence[DeliveryResult],
    datasets_by_delivery: dict[str, str],
    profiles: Sequence[DatasetProfile],
    thresholds: ReviewThresholds = DEFAULT_THRESHOLDS,
) -> list[Finding]:
    """Delivered deliveries that left more than `thresholds.quarantine_share` of their input
    records aside (`on_quarantine: review`): how many, the share, the threshold and the classes
    (counted over the dataset's profile, which read the same files)."""
    classes = {p.dataset: p.quarantined_by_class for p in profiles}
    found: list[Finding] = []
    for result in results:
        if result.outcome is not DeliveryOutcome.DELIVERED:
            continue  # a blocked delivery says why in its blockers (`on_quarantine: block`)
        if not over_quarantine_share(result, thresholds):
            continue
        dataset = datasets_by_delivery.get(result.delivery)
        counted = ", ".join(f"{name} {n}" for name, n in classes.get(dataset or "", ()))
        found.append(
            _finding(
                FindingKind.QUARANTINE_OVER_THRESHOLD,
                f"{result.rows_quarantined} of {result.rows_in} input records of dataset "
                f"'{dataset}' were quarantined ({result.rows_quarantined / result.rows_in:.2%}), "
                f"more than the quarantine threshold of {thresholds.quarantine_share:.2%}"
                f"{f' ({counted})' if counted else ''}; the delivery was published without them. "
                "Review the dataset's quarantined rows, fix them at the source and run again, "
                "or raise quarantine_threshold.",
                dataset=dataset,
                delivery=result.delivery,
            )
        )
    return found


def drift_findings(
    previous: RunSummary,
    datasets: Iterable[DatasetReport],
    thresholds: ReviewThresholds = DEFAULT_THRESHOLDS,
) -> list[Finding]:
    """Compare field profiles with the previous run of the same configuration."""
    before = {(s.dataset, s.field): dict(s.entities) for s in previous.fields}
    found: list[Finding] = []
    seen: set[tuple[str, str]] = set()
    current_datasets: set[str] = set()
    for ds in datasets:
        current_datasets.add(ds.name)
        for fr in ds.fields:
            key = (ds.name, fr.name)
            seen.add(key)
            now = {e.entity_type: e.match_rate for e in fr.entities}
            where = {"dataset": ds.name, "field": fr.name}
            old = before.get(key)
            if now and not old:
                status = "is new" if old is None else "held no personal data before"
                found.append(
                    _finding(
                        FindingKind.NEW_PII_FIELD,
                        f"Field '{fr.name}' {status} and now holds {', '.join(sorted(now))} "
                        f"(previous run {previous.run_id}).",
                        **where,
                    )
                )
                continue
            for entity, rate in sorted(now.items()):
                if old and entity not in old:
                    found.append(
                        _finding(
                            FindingKind.NEW_ENTITY_TYPE,
                            f"Field '{fr.name}' now holds {entity}, not seen in previous run "
                            f"{previous.run_id}.",
                            entity_type=entity,
                            **where,
                        )
                    )
                elif old and abs(rate - old[entity]) > thresholds.match_rate_jump:
                    found.append(
                        _finding(
                            FindingKind.MATCH_RATE_JUMP,
                            f"Match rate of {entity} in field '{fr.name}' moved from "
                            f"{old[entity]:.0%} to {rate:.0%} since run {previous.run_id}.",
                            entity_type=entity,
                            **where,
                        )
                    )
    for dataset, column in sorted(before):
        if dataset in current_datasets and (dataset, column) not in seen:
            found.append(
                _finding(
                    FindingKind.FIELD_DISAPPEARED,
                    f"Field '{column}' was present in run {previous.run_id} but is missing now.",
                    dataset=dataset,
                    field=column,
                )
            )
    return found


def drift(previous: RunSummary, report: RunReport) -> list[Finding]:
    """Drift findings of `report` against `previous` (new PII field, new entity, rate jump...)."""
    return drift_findings(previous, report.datasets)


def sort_findings(findings: Iterable[Finding]) -> tuple[Finding, ...]:
    """Most severe first, then by place; stable for golden files."""
    return tuple(
        sorted(
            set(findings),
            key=lambda f: (
                f.severity.rank,
                f.kind.value,
                f.dataset or "",
                f.delivery or "",
                f.field or "",
                f.entity_type or "",
                f.message,
            ),
        )
    )
