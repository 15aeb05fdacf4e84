"""Golden files for a fixed fake run. Regenerate with `UPDATE_GOLDEN=1 pytest tests/reports`."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from reports_fakerun import GOLDEN

from reports import RunReport, markdown_summary, write_reports

UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"


def _check(name: str, actual: str) -> None:
    golden = GOLDEN / name
    if UPDATE:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(actual, encoding="utf-8")
    if not golden.exists():
        pytest.fail(f"{golden} is missing; run `UPDATE_GOLDEN=1 pytest tests/reports` once")
    assert actual == golden.read_text("utf-8"), (
        f"{name} differs from its golden file; if the change is intended, regenerate with "
        "`UPDATE_GOLDEN=1 pytest tests/reports` and review the diff"
    )


def test_report_json_matches_golden(report: RunReport, tmp_path: Path) -> None:
    """report.json of the fixed fake run is byte-for-byte the golden file."""
    paths = write_reports(report, tmp_path)
    _check("report.json", paths.json.read_text("utf-8"))


def test_markdown_matches_golden(report: RunReport) -> None:
    """The markdown artifact of the fixed fake run is the golden file."""
    _check("summary.md", markdown_summary(report, "out/run/report.html"))


def test_input_order_does_not_change_output(report: RunReport) -> None:
    """Reversing the order of every input gives the same report."""
    import reports_fakerun as fake

    from reports import build_run_report

    again = build_run_report(
        fake.run_info(),
        list(reversed(fake.dataset_infos())),
        list(reversed(fake.profiles())),
        list(reversed(fake.decisions())),
        list(reversed(fake.results())),
    )
    assert again.to_dict() == report.to_dict()
