"""Prefect artifacts for a run: a markdown summary and a decision table, masked values only."""

from __future__ import annotations

from pathlib import Path

from prefect.artifacts import create_markdown_artifact, create_table_artifact

import reports


def publish_run_artifacts(report: reports.RunReport, html_path: Path) -> None:
    """Attach the summary and the per-field decision table to the current flow run."""
    create_markdown_artifact(
        markdown=reports.markdown_summary(report, html_path),
        key="teleprivacy-summary",
        description="teleprivacy run summary (masked samples only)",
    )
    rows = reports.table_rows(report)
    if rows:
        create_table_artifact(
            table=rows,
            key="teleprivacy-decisions",
            description="Per-field decisions with the policy clause behind each",
        )
