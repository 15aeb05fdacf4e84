"""Assemble a `RunReport` from the typed values the other stages produce. Takes no raw values."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from detectors.findings import DatasetProfile, FieldProfile
from detectors.masking import MASK_CHAR
from policy.decisions import Citation, DeliveryDecision, DeliveryStatus, FieldDecision, Verdict
from redaction.results import DeliveryOutcome, DeliveryResult
from reports.errors import ReportInputError
from reports.findings import (
    DEFAULT_THRESHOLDS,
    ReviewThresholds,
    decision_findings,
    drift_findings,
    profile_findings,
    result_findings,
    sort_findings,
)
from reports.model import (
    CitationRef,
    ConfigRef,
    Counts,
    DatasetInfo,
    DatasetReport,
    DecisionReport,
    DeliveryReport,
    DeliveryState,
    EntityReport,
    FieldReport,
    Finding,
    Light,
    PolicyRef,
    QuarantineEntry,
    ResidualReport,
    RowCounts,
    RowFilterReport,
    RunInfo,
    RunReport,
    RunSection,
    RunStatus,
    RunSummary,
    Verification,
    utc_iso,
)

CategoryFor = Callable[[str], str | None]
WITHHELD = "[withheld]"
_SECRET_PARAM_HINTS = ("key", "secret", "salt", "password", "token", "tweak")


def safe_masked(sample: str | None) -> str | None:
    """A masked sample as given, or WITHHELD when it does not look masked at all."""
    if sample is None or sample == "":
        return None
    return sample if MASK_CHAR in sample else WITHHELD


def _citation(c: Citation | None) -> CitationRef | None:
    return None if c is None else CitationRef(seed=c.seed, section=c.section, quote=c.quote)


def _safe_params(params: Mapping[str, Any]) -> dict[str, Any]:
    """Operator parameters as JSON scalars; anything that smells of a secret is withheld."""
    out: dict[str, Any] = {}
    for name in sorted(params):
        value = params[name]
        if any(hint in name.lower() for hint in _SECRET_PARAM_HINTS) and name != "key_id":
            out[name] = WITHHELD
        elif value is None or isinstance(value, bool | int | float | str):
            out[name] = value
        elif isinstance(value, list | tuple) and all(
            isinstance(v, bool | int | float | str) for v in value
        ):
            out[name] = list(value)
        else:
            out[name] = str(value)
    return out


def _field_report(fp: FieldProfile, category: str | None) -> FieldReport:
    return FieldReport(
        name=fp.column,
        kind=fp.kind.value,
        arrow_type=fp.arrow_type,
        rows_sampled=fp.rows_sampled,
        null_rate=fp.null_rate,
        personal=fp.is_personal,
        category=category,
        entities=tuple(
            EntityReport(e.entity_type, e.match_rate, e.confidence, e.name_hint)
            for e in fp.entities
        ),
        masked_example=safe_masked(fp.masked_example),
    )


def _dataset_report(
    name: str,
    info: DatasetInfo | None,
    profile: DatasetProfile | None,
    categories: Mapping[tuple[str, str], str],
    category_for: CategoryFor | None,
) -> DatasetReport:
    fields: list[FieldReport] = []
    for fp in profile.fields if profile else ():
        category = categories.get((name, fp.column))
        if category is None and category_for is not None and fp.primary_entity:
            category = category_for(fp.primary_entity)
        fields.append(_field_report(fp, category))
    quarantined = tuple(
        QuarantineEntry(q.file, q.row, q.reason)
        for q in sorted(profile.quarantined if profile else (), key=lambda q: (q.file, q.row))
    )
    return DatasetReport(
        name=name,
        kind=info.kind if info else profile.kind if profile else "unknown",
        paths=tuple(info.paths) if info else tuple(profile.files) if profile else (),
        size_bytes=info.size_bytes if info else None,
        sha256=info.sha256 if info else None,
        rows_read=profile.rows_read if profile else 0,
        rows_quarantined=max(profile.quarantined_count, len(quarantined)) if profile else 0,
        quarantined=quarantined,
        fields=tuple(fields),
        notes=tuple(profile.notes) if profile else (),
    )


def _decision_report(fd: FieldDecision) -> DecisionReport:
    return DecisionReport(
        field=fd.field,
        verdict=fd.verdict.value,
        operator=fd.operator,
        params=_safe_params(fd.params),
        category=fd.category,
        entity_types=tuple(fd.entity_types),
        declared=fd.declared,
        free_text=fd.free_text,
        citation=_citation(fd.citation),
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
        blockers = list(result.blocked_reasons)
        blockers += [
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


def _delivery_report(
    dec: DeliveryDecision, result: DeliveryResult | None, findings: Sequence[Finding]
) -> DeliveryReport:
    status, blockers, unblock = _blockers(dec, result)
    mine = [f for f in findings if f.concerns(dec.delivery, dec.dataset)]
    if status is not DeliveryState.DELIVERED:
        light = Light.RED
    else:
        light = Light.AMBER if mine else Light.GREEN
    ran = result is not None and status is not DeliveryState.DENIED
    return DeliveryReport(
        name=dec.delivery,
        dataset=dec.dataset,
        recipient=dec.recipient,
        recipient_class=dec.recipient_class,
        purpose=dec.purpose,
        legal_basis=dec.legal_basis,
        status=status,
        light=light,
        citation=_citation(dec.citation),
        fields=tuple(_decision_report(fd) for fd in dec.fields),
        row_filters=tuple(
            RowFilterReport(rf.column, rf.reason, _citation(rf.citation)) for rf in dec.row_filters
        ),
        rows=RowCounts(
            result.rows_in,
            result.rows_out,
            result.rows_quarantined,
            result.rows_filtered,
            result.rows_balanced,
        )
        if ran and result
        else None,
        output_path=result.output_path if ran and result else None,
        output_sha256=result.output_sha256 if ran and result else None,
        key_id=result.key_id if ran and result else None,
        verification=Verification(
            clean=not result.residual,
            residual=tuple(
                ResidualReport(r.column, r.entity_type, r.count, safe_masked(r.masked_sample) or "")
                for r in result.residual
            ),
        )
        if ran and result
        else None,
        blockers=blockers,
        unblock=unblock,
        findings=len(mine),
    )


def _run_status(deliveries: Sequence[DeliveryReport]) -> RunStatus:
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
) -> RunReport:
    """Join datasets, profiles, decisions and results into one report, with review findings.

    Datasets and deliveries are sorted by name; fields keep their column order. A delivery may
    have a decision and no result (denied, or failed before writing); a result without a
    decision is an error.
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
        _dataset_report(name, infos.get(name), profs.get(name), categories, category_for)
        for name in sorted(set(infos) | set(profs))
    )
    findings = [
        *profile_findings(profiles, thresholds),
        *decision_findings(decisions),
        *result_findings(results, {d.delivery: d.dataset for d in decisions}),
    ]
    if previous is not None:
        findings += drift_findings(previous, dataset_reports, thresholds)
    ordered = sort_findings(findings)
    deliveries = tuple(
        _delivery_report(decided[name], by_result.get(name), ordered) for name in sorted(decided)
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
        status=_run_status(deliveries),
    )
    return RunReport(
        run=section,
        counts=counts,
        deliveries=deliveries,
        datasets=dataset_reports,
        findings=ordered,
    )
