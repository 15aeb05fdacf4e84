"""Prefect artifact forms: the markdown summary and the decision table rows."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import reports_fakerun as fake

from reports import RunReport, markdown_summary, table_rows


def test_markdown_has_status_counts_findings_and_path(report: RunReport) -> None:
    """The summary shows each delivery's light, the counts, top findings and the report path."""
    md = markdown_summary(report, "out/run/report.html")
    assert md.startswith(f"## Privacy gate run `{report.run.run_id}`: BLOCKED\n")
    assert "| 🟢 | cdr-to-fraud-analytics |" in md
    assert "| 🟡 | billing-to-collections |" in md
    assert "| 🔴 | tickets-to-ml-vendor |" in md
    assert "2 delivered (1 need review), 1 blocked, 1 denied" in md
    assert "### Top findings (5 of 6)" in md
    assert "  - to unblock: Obtain consent" in md
    assert md.endswith("Full report: [report.html](out/run/report.html) (`out/run/report.html`)\n")
    absolute = markdown_summary(report, Path("/srv/out/report.html"))
    assert "[report.html](file:///srv/out/report.html)" in absolute
    assert "Full report" not in markdown_summary(report)


def test_markdown_cells_escape_pipes(report: RunReport) -> None:
    """A pipe in a recipient name cannot break the markdown table."""
    first = dataclasses.replace(report.deliveries[0], recipient="A | B")
    md = markdown_summary(dataclasses.replace(report, deliveries=(first, *report.deliveries[1:])))
    assert "| A \\| B |" in md


def test_table_rows_one_per_field_decision(report: RunReport) -> None:
    """One row per (delivery, field) with names, verdicts, operators, categories and sections."""
    rows = table_rows(report)
    assert len(rows) == sum(len(d.fields) for d in fake.decisions())
    assert rows[0] == {
        "delivery": "billing-to-collections",
        "status": "delivered",
        "field": "account_id",
        "verdict": "allow",
        "operator": "",
        "category": "account.id",
        "citation_section": "4. Sharing with service providers (2)",
    }
    assert {tuple(r) for r in rows} == {tuple(rows[0])}
