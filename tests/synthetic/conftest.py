"""Small generated datasets shared by the synthetic tests (one per kind, generated once)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

# `.venv/bin/pytest` puts `tests/` on sys.path, where this folder would shadow the `synthetic`
# package as a namespace package; `python -m pytest` (the Makefile) does not need this.
_REPO = str(Path(__file__).resolve().parents[2])
if sys.path[0] != _REPO:
    sys.path.insert(0, _REPO)
if getattr(sys.modules.get("synthetic"), "__file__", "") is None:
    del sys.modules["synthetic"]

from synthetic_files import SIZES, read_rows  # noqa: E402

import synthetic  # noqa: E402


@pytest.fixture(scope="session")
def generated(tmp_path_factory: pytest.TempPathFactory) -> dict[str, synthetic.GeneratedDataset]:
    """One dataset per kind with the default seed."""
    root = tmp_path_factory.mktemp("synthetic")
    return {kind: synthetic.generate(kind, rows, root / kind) for kind, rows in SIZES.items()}


@pytest.fixture(scope="session")
def labels(generated: dict[str, synthetic.GeneratedDataset]) -> dict[str, dict[str, Any]]:
    return {k: json.loads(d.labels_path.read_text(encoding="utf-8")) for k, d in generated.items()}


@pytest.fixture(scope="session")
def rows(generated: dict[str, synthetic.GeneratedDataset]) -> dict[str, list[dict[str, str]]]:
    return {kind: read_rows(d.data_path) for kind, d in generated.items()}
