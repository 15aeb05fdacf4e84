"""Fixtures for the report tests; the fake run itself lives in `reports_fakerun.py`."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

# `.venv/bin/pytest` puts `tests/` on sys.path, where this folder would shadow the `reports`
# package as a namespace package; `python -m pytest` (the Makefile) does not need this.
_REPO = str(Path(__file__).resolve().parents[2])
if sys.path[0] != _REPO:
    sys.path.insert(0, _REPO)
if getattr(sys.modules.get("reports"), "__file__", "") is None:
    del sys.modules["reports"]

from reports_fakerun import build_fake_report  # noqa: E402

from reports import RunReport  # noqa: E402


@pytest.fixture
def report() -> RunReport:
    """The fixed fake run, as a report."""
    return build_fake_report()
