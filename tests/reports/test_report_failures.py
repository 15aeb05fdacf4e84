"""What a report and the history say about runs that did not go to plan: a run stopped by an
error (`failed`, with its errors), a run that never finished (`running`, then `interrupted`), a
delivery that needs review for its quarantine share only, and report files a killed writer
left half-written."""

from __future__ import annotations

import dataclasses
import fcntl
import json
import os
from datetime import UTC, datetime
from pathlib import Path

import reports_fakerun as fake

from redaction.results import DeliveryOutcome
from reports import (
    FindingKind,
    Light,
    RunHistory,
    RunStatus,
    RunSummary,
    build_run_report,
    markdown_summary,
    validate_report,
    write_reports,
)
from reports.html import render_html

COLLECTIONS = "billing-to-collections"  # delivered, 3 of 1,000 records quarantined
ERROR = "dataset 'tickets': data/tickets.jsonl: No such file or directory; restore it"


def _report(errors: tuple[str, ...] = (), run_id: str | None = None, day: int = 2, **kwargs):
    info = fake.run_info()
    if run_id is not None:
        info = dataclasses.replace(
            info, run_id=run_id, started_at=datetime(2026, 11, day, 6, 0, tzinfo=UTC),
            finished_at=datetime(2026, 11, day, 6, 5, tzinfo=UTC),
        )  # fmt: skip
    return build_run_report(
        info, fake.dataset_infos(), kwargs.get("profiles", fake.profiles()), fake.decisions(),
        kwargs.get("results", fake.results()), errors=errors,
    )  # fmt: skip


def _classified_profiles() -> list:
    """The fake profiles, billing's 3 quarantined records counted by class."""
    classes = (("wrong_field_count", 2), ("unterminated_quote", 1))
    return [
        dataclasses.replace(p, quarantined_by_class=classes) if p.dataset == "billing" else p
        for p in fake.profiles()
    ]


def test_errors_make_the_run_failed_in_every_form(tmp_path: Path):
    """A run with errors is `failed`; report.json (valid against the schema), report.html, the
    markdown summary and the history row all say so, the error lines included."""
    report = _report(errors=(ERROR,))
    assert report.run.status is RunStatus.FAILED and report.run.errors == (ERROR,)
    paths = write_reports(report, tmp_path)
    data = json.loads(paths.json.read_text("utf-8"))
    validate_report(data)
    assert data["run"]["status"] == "failed" and data["run"]["errors"] == [ERROR]
    html = paths.html.read_text("utf-8")
    assert "What stopped the run" in html and "No such file or directory" in html
    assert '<span class="status failed">failed</span>' in html
    md = markdown_summary(report)
    assert md.startswith(f"## Privacy gate run `{report.run.run_id}`: FAILED\n")
    assert f"**Error:** {ERROR}" in md
    history = RunHistory(tmp_path / "history.sqlite")
    history.record(report)
    assert [s.status for s in history.list()] == [RunStatus.FAILED]


def test_without_errors_the_run_section_lists_none():
    """The errors list is always present in report.json, empty when nothing stopped the run."""
    data = _report().to_dict()
    assert data["run"]["errors"] == [] and data["run"]["status"] == "blocked"


def _started(run_id: str, day: int) -> RunSummary:
    return RunSummary(
        run_id=run_id, config_sha256=fake.sha("pipeline.yaml"), config_path="conf/pipeline.yaml",
        started_at=f"2026-11-{day:02d}T06:00:00Z", finished_at="", status=RunStatus.RUNNING,
        policy="voipms 2024.1", delivered=0, blocked=0, denied=0, findings=0,
    )  # fmt: skip


def test_a_run_has_a_row_from_its_start_and_a_killed_one_ends_interrupted(tmp_path: Path):
    """`start` records a running row that `record` replaces; a run that never recorded its
    outcome is marked interrupted when the next run starts, so every run that started has one
    row, each with an outcome once a later run has started."""
    history = RunHistory(tmp_path / "history.sqlite")
    assert history.start(_started("run-1", 1)) == 0
    assert [(s.run_id, s.status) for s in history.list()] == [("run-1", RunStatus.RUNNING)]
    history.record(_report(run_id="run-1", day=1))  # finished: blocked
    assert history.start(_started("run-2", 2)) == 0  # run 2 is killed: it never records
    assert history.start(_started("run-3", 3)) == 1
    history.record(_report(errors=(ERROR,), run_id="run-3", day=3))
    assert [(s.run_id, s.status) for s in history.list()] == [
        ("run-3", RunStatus.FAILED),
        ("run-2", RunStatus.INTERRUPTED),
        ("run-1", RunStatus.BLOCKED),
    ]


def test_drift_compares_with_the_last_run_that_read_every_dataset(tmp_path: Path):
    """`previous` skips running, interrupted and failed runs: a failed run may lack the
    datasets it could not read, which would show their fields as new."""
    history = RunHistory(tmp_path / "history.sqlite")
    history.record(_report(run_id="complete", day=1))
    history.start(_started("killed", 2))
    history.start(_started("failed", 3))
    history.record(_report(errors=(ERROR,), run_id="failed", day=3))
    history.start(_started("now", 4))
    previous = history.previous(fake.sha("pipeline.yaml"), exclude_run_id="now")
    assert previous is not None and previous.run_id == "complete"
    assert previous.fields  # its field profiles, for drift


def test_over_the_quarantine_threshold_a_delivery_is_amber_with_a_reason():
    """A delivered delivery whose quarantine share is above the threshold (3 of 1,000 records,
    0.30% > 0.10%) is amber because of a finding that names the dataset, the count, the share,
    the threshold and the quarantine classes; report.json and report.html show it."""
    report = _report(profiles=_classified_profiles())
    (delivery,) = [d for d in report.deliveries if d.name == COLLECTIONS]
    assert delivery.light is Light.AMBER
    found = [f for f in report.findings if f.kind is FindingKind.QUARANTINE_OVER_THRESHOLD]
    assert [(f.delivery, f.dataset) for f in found] == [(COLLECTIONS, "billing")]
    assert found[0].message == (
        "3 of 1000 input records of dataset 'billing' were quarantined (0.30%), more than the "
        "quarantine threshold of 0.10% (wrong_field_count 2, unterminated_quote 1); the delivery "
        "was published without them. Review the dataset's quarantined rows, fix them at the "
        "source and run again, or raise quarantine_threshold."
    )
    data = report.to_dict()
    validate_report(data)
    assert "quarantine_over_threshold" in {f["kind"] for f in data["findings"]}
    html = render_html(report)
    assert "quarantine threshold of 0.10% (wrong_field_count 2, unterminated_quote 1)" in html


def test_no_quarantine_finding_under_the_threshold_or_for_a_blocked_delivery():
    """At or under the threshold there is nothing to review; a delivery blocked by the
    threshold (`on_quarantine: block`) already says why in its blockers."""
    results = fake.results()
    under = [dataclasses.replace(r, rows_in=10_000) if r.delivery == COLLECTIONS else r
             for r in results]  # fmt: skip
    blocked = [
        dataclasses.replace(r, outcome=DeliveryOutcome.BLOCKED, output_path=None,
                            output_sha256=None, blocked_reasons=("over the threshold",))
        if r.delivery == COLLECTIONS else r
        for r in results
    ]  # fmt: skip
    for variant in (under, blocked):
        report = _report(profiles=_classified_profiles(), results=variant)
        kinds = {f.kind for f in report.findings}
        assert FindingKind.QUARANTINE_OVER_THRESHOLD not in kinds


def test_a_killed_writers_temporary_report_is_removed_by_the_next_write(tmp_path: Path):
    """A `.report.json.*.tmp` nobody holds (its writer was killed before the rename) is removed
    by the next `write_reports`; one a live writer holds (locked) is left alone."""
    tmp_path.mkdir(exist_ok=True)
    abandoned = tmp_path / ".report.json.abc123.tmp"
    abandoned.write_text("{", encoding="utf-8")
    live = tmp_path / ".report.html.def456.tmp"
    live.write_text("<", encoding="utf-8")
    fd = os.open(live, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        write_reports(_report(), tmp_path)
        assert not abandoned.exists() and live.exists()
    finally:
        os.close(fd)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        ".report.html.def456.tmp", "report.html", "report.json",
    ]  # fmt: skip
