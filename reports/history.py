"""Run history in SQLite: one row per run plus its field profiles, for listing and drift.

A run is recorded when it starts (`running`) and again with its outcome when it finishes. A run
that never finishes (killed, or crashed) stays `running` until the next run using the same
history starts, which marks it `interrupted`: every run that started has a row.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import closing, contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

from reports.errors import HistoryError
from reports.model import FieldSnapshot, RunReport, RunStatus, RunSummary

_SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    run_id TEXT PRIMARY KEY,
    config_sha256 TEXT NOT NULL,
    config_path TEXT NOT NULL,
    started_at TEXT NOT NULL,
    finished_at TEXT NOT NULL,
    status TEXT NOT NULL,
    policy TEXT NOT NULL,
    delivered INTEGER NOT NULL,
    blocked INTEGER NOT NULL,
    denied INTEGER NOT NULL,
    findings INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS runs_by_config ON runs (config_sha256, started_at);
CREATE TABLE IF NOT EXISTS run_fields (
    run_id TEXT NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
    dataset TEXT NOT NULL,
    field TEXT NOT NULL,
    position INTEGER NOT NULL,
    PRIMARY KEY (run_id, dataset, field)
);
CREATE TABLE IF NOT EXISTS run_field_entities (
    run_id TEXT NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
    dataset TEXT NOT NULL,
    field TEXT NOT NULL,
    entity_type TEXT NOT NULL,
    match_rate REAL NOT NULL,
    PRIMARY KEY (run_id, dataset, field, entity_type)
);
"""
# Outcomes drift is measured against: a failed run may lack the datasets it could not read.
_COMPARABLE = (RunStatus.OK, RunStatus.NEEDS_REVIEW, RunStatus.BLOCKED)
_RUN_COLUMNS = (
    "run_id, config_sha256, config_path, started_at, finished_at, status, policy, "
    "delivered, blocked, denied, findings"
)


class RunHistory:
    """Past runs in a SQLite file; tables are created on first use."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with closing(sqlite3.connect(self.path)) as conn:
                conn.execute("PRAGMA foreign_keys = ON")
                conn.executescript(_SCHEMA)
                with conn:
                    yield conn
        except (sqlite3.Error, OSError) as exc:
            raise HistoryError(
                f"run history {self.path} could not be used ({exc.__class__.__name__}: {exc}); "
                "check the path is a writable SQLite file, or point history_path elsewhere"
            ) from exc

    def start(self, started: RunSummary) -> int:
        """Record that a run started (status `running`; `record` replaces the row when it
        finishes) and mark the runs still `running` as `interrupted`; how many were marked.

        Runs of one history are not expected to overlap (they would publish into the same
        folder); one that still runs when another starts shows as interrupted until it records
        its outcome.
        """
        with self._connect() as conn:
            marked = conn.execute(
                "UPDATE runs SET status = ? WHERE status = ? AND run_id != ?",
                (RunStatus.INTERRUPTED.value, RunStatus.RUNNING.value, started.run_id),
            ).rowcount
            self._insert(conn, replace(started, status=RunStatus.RUNNING, fields=()))
        return marked

    def record(self, report: RunReport) -> RunSummary:
        """Store a run (replacing an earlier record of the same run id) and return its summary."""
        s = RunSummary.from_report(report)
        with self._connect() as conn:
            self._insert(conn, s)
        return s

    @staticmethod
    def _insert(conn: sqlite3.Connection, s: RunSummary) -> None:
        """One run's row and field profiles, replacing an earlier row of the same run id."""
        conn.execute("DELETE FROM runs WHERE run_id = ?", (s.run_id,))
        conn.execute(
            f"INSERT INTO runs ({_RUN_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                s.run_id,
                s.config_sha256,
                s.config_path,
                s.started_at,
                s.finished_at,
                s.status.value,
                s.policy,
                s.delivered,
                s.blocked,
                s.denied,
                s.findings,
            ),
        )
        conn.executemany(
            "INSERT INTO run_fields VALUES (?, ?, ?, ?)",
            [(s.run_id, f.dataset, f.field, i) for i, f in enumerate(s.fields)],
        )
        conn.executemany(
            "INSERT INTO run_field_entities VALUES (?, ?, ?, ?, ?)",
            [
                (s.run_id, f.dataset, f.field, entity, rate)
                for f in s.fields
                for entity, rate in f.entities
            ],
        )

    def previous(self, config_sha256: str, exclude_run_id: str | None = None) -> RunSummary | None:
        """The latest run of this configuration (other than `exclude_run_id`) that finished with
        every dataset read: not running, interrupted or failed."""
        comparable = ", ".join("?" * len(_COMPARABLE))
        with self._connect() as conn:
            row = conn.execute(
                f"SELECT {_RUN_COLUMNS} FROM runs WHERE config_sha256 = ? AND run_id != ? "
                f"AND status IN ({comparable}) ORDER BY started_at DESC, run_id DESC LIMIT 1",
                (config_sha256, exclude_run_id or "", *(s.value for s in _COMPARABLE)),
            ).fetchone()
            return None if row is None else self._summary(conn, row, with_fields=True)

    def list(self, limit: int = 20) -> list[RunSummary]:
        """The most recent runs, newest first (without field profiles)."""
        with self._connect() as conn:
            rows = conn.execute(
                f"SELECT {_RUN_COLUMNS} FROM runs ORDER BY started_at DESC, run_id DESC LIMIT ?",
                (limit,),
            ).fetchall()
            return [self._summary(conn, row, with_fields=False) for row in rows]

    @staticmethod
    def _summary(conn: sqlite3.Connection, row: tuple[Any, ...], with_fields: bool) -> RunSummary:
        run_id = str(row[0])
        fields: tuple[FieldSnapshot, ...] = ()
        if with_fields:
            entities: dict[tuple[str, str], list[tuple[str, float]]] = {}
            for dataset, field, entity, rate in conn.execute(
                "SELECT dataset, field, entity_type, match_rate FROM run_field_entities "
                "WHERE run_id = ? ORDER BY dataset, field, entity_type",
                (run_id,),
            ):
                entities.setdefault((dataset, field), []).append((entity, rate))
            fields = tuple(
                FieldSnapshot(dataset, field, tuple(entities.get((dataset, field), ())))
                for dataset, field in conn.execute(
                    "SELECT dataset, field FROM run_fields WHERE run_id = ? "
                    "ORDER BY dataset, position",
                    (run_id,),
                )
            )
        return RunSummary(
            run_id=run_id,
            config_sha256=str(row[1]),
            config_path=str(row[2]),
            started_at=str(row[3]),
            finished_at=str(row[4]),
            status=RunStatus(str(row[5])),
            policy=str(row[6]),
            delivered=int(row[7]),
            blocked=int(row[8]),
            denied=int(row[9]),
            findings=int(row[10]),
            fields=fields,
        )


def format_history(summaries: Sequence[RunSummary]) -> str:
    """A plain-text table of runs for `teleprivacy report history`."""
    if not summaries:
        return "No runs recorded yet.\n"
    header = (
        "started (UTC)",
        "run id",
        "status",
        "policy",
        "deliv",
        "block",
        "deny",
        "find",
        "config",
    )
    rows = [
        (
            s.started_at,
            s.run_id,
            s.status.value,
            s.policy,
            str(s.delivered),
            str(s.blocked),
            str(s.denied),
            str(s.findings),
            f"{s.config_path} ({s.config_sha256[:12]})",
        )
        for s in summaries
    ]
    widths = [max(len(r[i]) for r in (header, *rows)) for i in range(len(header))]
    lines = [
        "  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)).rstrip()
        for r in (header, *rows)
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines) + "\n"
