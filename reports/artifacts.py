"""Short forms of a report for Prefect artifacts: a markdown summary and a decision table."""

from __future__ import annotations

from pathlib import Path

from reports.model import RunReport

TOP_FINDINGS = 5


def _cell(text: object) -> str:
    """Text safe inside a markdown table cell."""
    return str(text).replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def markdown_summary(report: RunReport, report_path: Path | str | None = None) -> str:
    """Status per delivery, counts, the most severe findings and where the full report is."""
    run, c = report.run, report.counts
    lines = [
        f"## Privacy gate run `{run.run_id}`: {run.status.value.replace('_', ' ').upper()}",
        "",
        f"Policy **{run.policy.name} {run.policy.version}** · config `{run.config.path}` · "
        f"{run.started_at} → {run.finished_at}",
        "",
        f"**{c.deliveries}** deliveries: {c.delivered} delivered ({c.needs_review} need review), "
        f"{c.blocked} blocked, {c.denied} denied · **{c.findings}** findings · "
        f"{c.rows_read} rows read, {c.rows_quarantined} quarantined",
        "",
        *(line for error in run.errors for line in (f"**Error:** {_cell(error)}", "")),
        "| | Delivery | Recipient | Purpose | Status | Rows in → out | Findings |",
        "|---|---|---|---|---|---|---|",
    ]
    for d in report.deliveries:
        rows = f"{d.rows.rows_in} → {d.rows.rows_out}" if d.rows else "—"
        lines.append(
            f"| {d.light.symbol} | {_cell(d.name)} | {_cell(d.recipient)} | {_cell(d.purpose)} | "
            f"{d.label} | {rows} | {d.findings} |"
        )
    stopped = [d for d in report.deliveries if d.blockers]
    if stopped:
        lines += ["", "### Not delivered", ""]
        for d in stopped:
            lines.append(f"- **{d.name}** ({d.status.value})")
            lines += [f"  - blocked by: {blocker}" for blocker in d.blockers]
            lines += [f"  - to unblock: {hint}" for hint in d.unblock]
    if report.findings:
        lines += ["", f"### Top findings ({min(TOP_FINDINGS, c.findings)} of {c.findings})", ""]
        for f in report.findings[:TOP_FINDINGS]:
            where = " · ".join(x for x in (f.delivery or f.dataset, f.field) if x)
            lines.append(f"- **{f.severity.value}** {f.kind.value} ({where}): {f.message}")
    if report_path is not None:
        path = Path(report_path)
        target = path.as_uri() if path.is_absolute() else path.as_posix()
        lines += ["", f"Full report: [{path.name}]({target}) (`{report_path}`)"]
    return "\n".join(lines) + "\n"


def table_rows(report: RunReport) -> list[dict[str, str]]:
    """One row per field decision: names, verdicts and sections only, never a value."""
    return [
        {
            "delivery": d.name,
            "status": d.status.value,
            "field": fd.field,
            "verdict": fd.verdict,
            "operator": fd.operator or "",
            "category": fd.category or "",
            "citation_section": fd.citation.section if fd.citation else "",
        }
        for d in report.deliveries
        for fd in d.fields
    ]
