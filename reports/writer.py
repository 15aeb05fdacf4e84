"""Write `report.json` (validated against the shipped schema) and `report.html`, atomically.

Each file is written under a hidden temporary name (`.report.json.<random>.tmp`) that its writer
holds an exclusive `flock` on, then renamed. A writer killed in between leaves its temporary
file unlocked; the next `write_reports` into the folder removes it.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import tempfile
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

from reports.errors import ReportSchemaError, ReportWriteError
from reports.html import render_html
from reports.model import RunReport

_MAX_LISTED_ERRORS = 10


@dataclass(frozen=True)
class ReportPaths:
    json: Path
    html: Path


@cache
def report_schema() -> dict[str, Any]:
    """The shipped JSON Schema (`reports/schema/report.schema.json`)."""
    text = resources.files("reports").joinpath("schema/report.schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def validate_report(data: dict[str, Any]) -> None:
    """Raise `ReportSchemaError` listing every violation by JSON path and rule (never the value)."""
    validator = Draft202012Validator(report_schema())
    errors = sorted(validator.iter_errors(data), key=lambda e: e.json_path)
    if errors:
        shown = errors[:_MAX_LISTED_ERRORS]
        listed = "; ".join(f"{e.json_path} fails '{e.validator}'" for e in shown)
        more = len(errors) - _MAX_LISTED_ERRORS
        suffix = f" (and {more} more)" if more > 0 else ""
        raise ReportSchemaError(
            f"report does not match report.schema.json: {listed}{suffix}; nothing was written. "
            "Fix the builder or the schema so they agree."
        )


def _write_atomic(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # ours while it exists: `_remove_abandoned` skips it
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _remove_abandoned(folder: Path, names: tuple[str, ...]) -> None:
    """Delete the temporary files of report writers that died before renaming them (no one
    holds their lock any more)."""
    for name in names:
        for temp in folder.glob(f".{name}.*.tmp"):
            try:
                fd = os.open(temp, os.O_RDONLY)
            except OSError:
                continue  # renamed or removed meanwhile
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                continue  # a live writer holds it
            else:
                with contextlib.suppress(OSError):
                    temp.unlink()
            finally:
                os.close(fd)


def write_reports(report: RunReport, out_dir: Path | str) -> ReportPaths:
    """Validate, then write `report.json` and `report.html` into `out_dir` (created if missing)."""
    data = report.to_dict()
    validate_report(data)
    try:
        text = json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
    except ValueError as exc:
        raise ReportSchemaError(
            "report holds a NaN or infinite number (a rate, score or count); nothing was "
            "written. Check the profiles and results passed to build_run_report."
        ) from exc
    html = render_html(report)
    out = Path(out_dir)
    paths = ReportPaths(json=out / "report.json", html=out / "report.html")
    try:
        out.mkdir(parents=True, exist_ok=True)
        _remove_abandoned(out, (paths.json.name, paths.html.name))
        _write_atomic(paths.json, text)
        _write_atomic(paths.html, html)
    except OSError as exc:
        raise ReportWriteError(
            f"could not write the report into {out}: {exc.strerror or exc}; "
            "check the folder exists and is writable"
        ) from exc
    return paths
