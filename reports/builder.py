"""Assemble a `RunReport` from the typed values the other stages produce. Takes no raw values."""

from __future__ import annotations

from collections.abc import Sequence

from detectors.findings import DatasetProfile
from policy.decisions import DeliveryDecision
from redaction.results import DeliveryResult
from reports.datasets import CategoryFor, build_dataset_report
from reports.deliveries import build_delivery_report
from reports.errors import ReportInputError
from reports.findings import (
    DEFAULT_THRESHOLDS,
    ReviewThresholds,
    decision_findings,
    drift_findings,
    profile_findings,
    quarantine_findings,
    result_findings,
    sort_findings,
)
from reports.model import (
    ConfigRef,
    Counts,
    DatasetInfo,
    DeliveryReport,
    DeliveryState,
    Light,
    PolicyRef,
    RunInfo,
    RunReport,
    RunSection,
    RunStatus,
    RunSummary,
    utc_iso,
)


def _run_status(deliveries: Sequence[DeliveryReport], errors: Sequence[str]) -> RunStatus:
    if errors:
        return RunStatus.FAILED
    lights = {d.light for d in deliveries}
    if Light.RED in lights:
        return RunStatus.BLOCKED
    return RunStatus.NEEDS_REVIEW if Light.AMBER in lights else RunStatus.OK


def build_run_report(
    run: RunInfo,
    datasets: Sequence[DatasetInfo],
    profiles: Sequence[DatasetProfile],
    decisions: Sequence[DeliveryDecision],
    results: Sequence[DeliveryResult],
    previous: RunSummary | None = None,
    *,
    category_for: CategoryFor | None = None,
    thresholds: ReviewThresholds = DEFAULT_THRESHOLDS,
    errors: Sequence[str] = (),
) -> RunReport:
    """Join datasets, profiles, decisions and results into one report, with review findings.

    Datasets and deliveries are sorted by name; fields keep their column order. A delivery may
    have a decision and no result (denied, or failed before writing); a result without a
    decision is an error. `errors` (one line each, never a data value) are what stopped a
    dataset, a delivery or the report: with any, the run's status is `failed`.
    """
    decided = {d.delivery: d for d in decisions}
    if len(decided) != len(decisions):
        raise ReportInputError("two delivery decisions share a name; delivery names must be unique")
    by_result = {r.delivery: r for r in results}
    orphans = sorted(set(by_result) - set(decided))
    if orphans:
        raise ReportInputError(
            f"delivery result(s) {', '.join(orphans)} have no decision; pass the "
            "DeliveryDecision of every delivery that ran"
        )
    infos = {d.name: d for d in datasets}
    profs = {p.dataset: p for p in profiles}
    categories: dict[tuple[str, str], str] = {}
    for dec in sorted(decisions, key=lambda d: d.delivery):
        for fd in dec.fields:
            if fd.category:
                categories.setdefault((dec.dataset, fd.field), fd.category)
    dataset_reports = tuple(
        build_dataset_report(name, infos.get(name), profs.get(name), categories, category_for)
        for name in sorted(set(infos) | set(profs))
    )
    findings = [
        *profile_findings(profiles, thresholds),
        *decision_findings(decisions),
        *result_findings(results, {d.delivery: d.dataset for d in decisions}),
        *quarantine_findings(
            results, {d.delivery: d.dataset for d in decisions}, profiles, thresholds
        ),
    ]
    if previous is not None:
        findings += drift_findings(previous, dataset_reports, thresholds)
    ordered = sort_findings(findings)
    deliveries = tuple(
        build_delivery_report(decided[name], by_result.get(name), ordered, thresholds)
        for name in sorted(decided)
    )
    counts = Counts(
        datasets=len(dataset_reports),
        deliveries=len(deliveries),
        delivered=sum(d.status is DeliveryState.DELIVERED for d in deliveries),
        blocked=sum(d.status is DeliveryState.BLOCKED for d in deliveries),
        denied=sum(d.status is DeliveryState.DENIED for d in deliveries),
        needs_review=sum(d.light is Light.AMBER for d in deliveries),
        findings=len(ordered),
        rows_read=sum(d.rows_read for d in dataset_reports),
        rows_quarantined=sum(d.rows_quarantined for d in dataset_reports),
    )
    section = RunSection(
        run_id=run.run_id,
        flow=run.flow,
        started_at=utc_iso(run.started_at, "started_at"),
        finished_at=utc_iso(run.finished_at, "finished_at"),
        code_version=run.code_version,
        policy=PolicyRef(run.policy_name, run.policy_version, run.policy_sha256),
        config=ConfigRef(run.config_path, run.config_sha256),
        key_id=run.key_id,
        status=_run_status(deliveries, errors),
        errors=tuple(errors),
    )
    return RunReport(
        run=section,
        counts=counts,
        deliveries=deliveries,
        datasets=dataset_reports,
        findings=ordered,
    )
