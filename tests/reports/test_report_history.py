"""Run history in SQLite: record, previous, list, format, and drift against the previous run."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from pathlib import Path

import pytest
import reports_fakerun as fake

from detectors.findings import DatasetProfile, EntityEvidence, FieldKind, FieldProfile
from reports import (
    HistoryError,
    RunHistory,
    RunReport,
    RunSummary,
    build_run_report,
    drift,
    format_history,
)
from reports.model import FindingKind, Light


def _report(
    run_id: str,
    day: int,
    profiles: list[DatasetProfile] | None = None,
    prev: RunSummary | None = None,
) -> RunReport:
    info = dataclasses.replace(
        fake.run_info(),
        run_id=run_id,
        started_at=datetime(2026, 11, day, 6, 0, tzinfo=UTC),
        finished_at=datetime(2026, 11, day, 6, 5, tzinfo=UTC),
    )
    return build_run_report(
        info,
        fake.dataset_infos(),
        profiles or fake.profiles(),
        fake.decisions(),
        fake.results(),
        previous=prev,
    )


def _with_cdr_fields(*fields: FieldProfile) -> list[DatasetProfile]:
    out = []
    for p in fake.profiles():
        out.append(dataclasses.replace(p, fields=fields) if p.dataset == "cdr" else p)
    return out


def _cdr(column: str, *entities: tuple[str, float]) -> FieldProfile:
    return FieldProfile(
        "cdr",
        column,
        FieldKind.STRUCTURED,
        "string",
        1000,
        0.0,
        tuple(EntityEvidence(e, rate, 0.9) for e, rate in entities),
    )


def test_record_previous_and_list(tmp_path: Path) -> None:
    """previous() returns the latest run of the same config with its field snapshots."""
    history = RunHistory(tmp_path / "h" / "history.sqlite")
    assert history.previous(fake.run_info().config_sha256) is None
    first = history.record(_report("run-a", 1))
    history.record(_report("run-b", 2))
    prev = history.previous(fake.run_info().config_sha256)
    assert prev is not None and prev.run_id == "run-b"
    assert prev.fields == first.fields  # same profiles, same snapshot
    older = history.previous(fake.run_info().config_sha256, exclude_run_id="run-b")
    assert older is not None and older.run_id == "run-a"
    assert history.previous("0" * 64) is None
    assert [s.run_id for s in history.list()] == ["run-b", "run-a"]
    assert [s.run_id for s in history.list(limit=1)] == ["run-b"]


def test_record_same_run_twice_replaces(tmp_path: Path) -> None:
    """Recording a run id again replaces the earlier record instead of failing."""
    history = RunHistory(tmp_path / "history.sqlite")
    history.record(_report("run-a", 1))
    history.record(_report("run-a", 1))
    assert [s.run_id for s in history.list()] == ["run-a"]


def test_format_history(tmp_path: Path) -> None:
    """The history table has a header, a rule and one line per run."""
    history = RunHistory(tmp_path / "history.sqlite")
    assert format_history(history.list()) == "No runs recorded yet.\n"
    history.record(_report("run-a", 1))
    lines = format_history(history.list()).splitlines()
    assert lines[0].split() == [
        "started",
        "(UTC)",
        "run",
        "id",
        "status",
        "policy",
        "deliv",
        "block",
        "deny",
        "find",
        "config",
    ]
    assert set(lines[1]) <= {"-", " "}
    assert lines[2].split()[:4] == ["2026-11-01T06:00:00Z", "run-a", "blocked", "voipms"]


def test_unusable_history_path_raises(tmp_path: Path) -> None:
    """A folder where the SQLite file should be gives a HistoryError naming the path."""
    (tmp_path / "dir.sqlite").mkdir()
    with pytest.raises(HistoryError, match=r"run history .*dir\.sqlite could not be used"):
        RunHistory(tmp_path / "dir.sqlite").list()


@pytest.mark.parametrize(
    ("before", "after", "kind"),
    [
        # a column that did not exist and holds phone numbers
        (
            [_cdr("src", ("PHONE_NUMBER", 1.0))],
            [_cdr("src", ("PHONE_NUMBER", 1.0)), _cdr("caller", ("PHONE_NUMBER", 0.9))],
            FindingKind.NEW_PII_FIELD,
        ),
        # a column that held nothing personal now does
        ([_cdr("duration")], [_cdr("duration", ("PHONE_NUMBER", 0.5))], FindingKind.NEW_PII_FIELD),
        # an entity type appears in a personal column
        (
            [_cdr("clid", ("PHONE_NUMBER", 0.8))],
            [_cdr("clid", ("PHONE_NUMBER", 0.8), ("PERSON", 0.7))],
            FindingKind.NEW_ENTITY_TYPE,
        ),
        # match rate rises by more than 0.2
        (
            [_cdr("dst", ("PHONE_NUMBER", 0.5))],
            [_cdr("dst", ("PHONE_NUMBER", 0.75))],
            FindingKind.MATCH_RATE_JUMP,
        ),
        # a column is gone
        (
            [_cdr("src", ("PHONE_NUMBER", 1.0)), _cdr("dst")],
            [_cdr("src", ("PHONE_NUMBER", 1.0))],
            FindingKind.FIELD_DISAPPEARED,
        ),
    ],
)
def test_drift(
    before: list[FieldProfile], after: list[FieldProfile], kind: FindingKind, tmp_path: Path
) -> None:
    """Each kind of drift is found against the run recorded before, and nothing else."""
    history = RunHistory(tmp_path / "history.sqlite")
    history.record(_report("run-a", 1, _with_cdr_fields(*before)))
    prev = history.previous(fake.run_info().config_sha256)
    assert prev is not None
    current = _report("run-b", 2, _with_cdr_fields(*after))
    found = drift(prev, current)
    assert [f.kind for f in found] == [kind]
    assert found[0].dataset == "cdr" and "run-a" in found[0].message


def test_small_rate_change_is_not_drift() -> None:
    """A match-rate change of 0.2 or less is not reported."""
    prev = RunSummary.from_report(
        _report("run-a", 1, _with_cdr_fields(_cdr("dst", ("PHONE_NUMBER", 0.5))))
    )
    current = _report("run-b", 2, _with_cdr_fields(_cdr("dst", ("PHONE_NUMBER", 0.7))))
    assert drift(prev, current) == []


def test_drift_turns_a_green_delivery_amber() -> None:
    """Drift in the cdr dataset makes the clean cdr delivery amber in the new report."""
    before = _report("run-a", 1, _with_cdr_fields(_cdr("src", ("PHONE_NUMBER", 1.0))))
    after = _report(
        "run-b",
        2,
        _with_cdr_fields(_cdr("src", ("PHONE_NUMBER", 0.4))),
        prev=RunSummary.from_report(before),
    )
    cdr = next(d for d in after.deliveries if d.name == "cdr-to-fraud-analytics")
    assert cdr.light is Light.AMBER
    assert [f.kind for f in after.findings if f.dataset == "cdr"] == [FindingKind.MATCH_RATE_JUMP]
