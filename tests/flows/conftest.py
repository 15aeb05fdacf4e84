"""Fixtures for flow tests: one Prefect test harness per session, small generated datasets."""

from __future__ import annotations

from pathlib import Path

import pytest

DEMO_ROWS = 300


@pytest.fixture(scope="session")
def prefect_harness():
    """A real local Prefect API for the whole session (~16 s once, ../shared/KNOWN.md)."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=90):
        yield


@pytest.fixture(scope="session")
def demo_workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Generated cdr/billing/tickets data beside a copy of the bundled demo configuration."""
    import synthetic
    from flows.commands import DEMO_CONFIG

    root = tmp_path_factory.mktemp("demo")
    for kind in ("cdr", "billing", "tickets"):
        synthetic.generate(kind, DEMO_ROWS, root / "data" / kind, seed=3)
    (root / "demo.yaml").write_text(DEMO_CONFIG.read_text(encoding="utf-8"), encoding="utf-8")
    return root


@pytest.fixture()
def demo_key(monkeypatch: pytest.MonkeyPatch) -> str:
    key = "test-key-0123456789abcdef0123456789abcdef"
    monkeypatch.setenv("TELEPRIVACY_KEY", key)
    return key
