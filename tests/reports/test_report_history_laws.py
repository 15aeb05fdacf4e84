"""History laws: a recorded run comes back unchanged, and never drifts from itself."""

from __future__ import annotations

import tempfile
from pathlib import Path

import reports_fakerun as fake
from hypothesis import given, settings
from hypothesis import strategies as st

from detectors.findings import DatasetProfile, EntityEvidence, FieldKind, FieldProfile
from reports import RunHistory, RunReport, RunSummary, build_run_report, drift

ENTITIES = ["PHONE_NUMBER", "PERSON", "EMAIL_ADDRESS", "IP_ADDRESS", "SIP_URI"]
rates = st.floats(min_value=0, max_value=1, allow_nan=False)
columns = st.dictionaries(
    st.from_regex(r"[a-z][a-z_]{0,11}", fullmatch=True),
    st.dictionaries(st.sampled_from(ENTITIES), rates, max_size=3),
    min_size=1,
    max_size=6,
)


def _report(cols: dict[str, dict[str, float]]) -> RunReport:
    fields = tuple(
        FieldProfile(
            "cdr",
            name,
            FieldKind.STRUCTURED,
            "string",
            100,
            0.0,
            tuple(EntityEvidence(e, r, 0.9) for e, r in ents.items()),
        )
        for name, ents in cols.items()
    )
    profile = DatasetProfile("cdr", "cdr", ("cdr.csv",), 100, fields)
    return build_run_report(fake.run_info(), [], [profile], [], [])


@settings(max_examples=25, deadline=None)
@given(cols=columns)
def test_recorded_summary_round_trips(cols: dict[str, dict[str, float]]) -> None:
    """previous() returns exactly the summary of the recorded report."""
    report = _report(cols)
    with tempfile.TemporaryDirectory() as tmp:
        history = RunHistory(Path(tmp) / "history.sqlite")
        history.record(report)
        assert history.previous(report.run.config.sha256) == RunSummary.from_report(report)


@settings(max_examples=25, deadline=None)
@given(cols=columns)
def test_no_drift_against_itself(cols: dict[str, dict[str, float]]) -> None:
    """A run compared with its own summary shows no drift."""
    report = _report(cols)
    assert drift(RunSummary.from_report(report), report) == []
