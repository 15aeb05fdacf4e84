"""Run reports: typed model, JSON (schema-validated) and HTML files, Prefect summaries, history.

Nothing here imports Prefect; flows publish `markdown_summary` and `table_rows` as artifacts.
"""

from reports.artifacts import markdown_summary, table_rows
from reports.builder import build_run_report
from reports.errors import (
    HistoryError,
    ReportError,
    ReportInputError,
    ReportSchemaError,
    ReportWriteError,
)
from reports.findings import ReviewThresholds, drift
from reports.history import RunHistory, format_history
from reports.model import (
    DatasetInfo,
    DeliveryState,
    Finding,
    FindingKind,
    Light,
    RunInfo,
    RunReport,
    RunStatus,
    RunSummary,
    Severity,
)
from reports.writer import ReportPaths, validate_report, write_reports

__all__ = [
    "DatasetInfo",
    "DeliveryState",
    "Finding",
    "FindingKind",
    "HistoryError",
    "Light",
    "ReportError",
    "ReportInputError",
    "ReportPaths",
    "ReportSchemaError",
    "ReportWriteError",
    "ReviewThresholds",
    "RunHistory",
    "RunInfo",
    "RunReport",
    "RunStatus",
    "RunSummary",
    "Severity",
    "build_run_report",
    "drift",
    "format_history",
    "markdown_summary",
    "table_rows",
    "validate_report",
    "write_reports",
]
