"""Fixtures for the report tests; the fake run itself lives in `reports_fakerun.py`."""

from __future__ import annotations

import pytest
from reports_fakerun import build_fake_report

from reports import RunReport


@pytest.fixture
def report() -> RunReport:
    """The fixed fake run, as a report."""
    return build_fake_report()
