"""Fail closed through the flow: an input replaced after profiling is not delivered."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

import detectors
from flows.exit_codes import ExitCode

pytestmark = pytest.mark.slow


def test_input_replaced_after_profiling_blocks_the_delivery(
    prefect_harness, demo_workspace: Path, tmp_path: Path, demo_key, monkeypatch
):
    """Exit 3, nothing published for the CDR delivery, and the report's digest is the digest of
    the data that was profiled, not of the file that replaced it."""
    import flows.pipeline as pipeline

    work = tmp_path / "work"
    shutil.copytree(demo_workspace, work)
    cdr = next((work / "data" / "cdr").glob("*.csv"))
    profiled_sha = detectors.dataset_sha256([cdr])
    profile_all = pipeline._profile_all

    def profile_then_replace(config, names=None, secret=None):
        profiles = profile_all(config, names, secret)
        lines = cdr.read_text(encoding="utf-8").splitlines(keepends=True)
        cdr.write_text("".join(lines[:-1]), encoding="utf-8")  # one call record fewer
        return profiles

    monkeypatch.setattr(pipeline, "_profile_all", profile_then_replace)
    out = tmp_path / "out"
    outcome = pipeline.pipeline_flow(str(work / "demo.yaml"), str(out))
    assert outcome.exit_code == ExitCode.BLOCKED
    assert "cdr-quality" in outcome.unverified
    assert not list((out / "deliveries" / "cdr-quality").rglob("*.parquet"))
    report = json.loads(outcome.report_json.read_text(encoding="utf-8"))
    (dataset,) = [d for d in report["datasets"] if d["name"] == "cdr"]
    assert dataset["sha256"] == profiled_sha
    (delivery,) = [d for d in report["deliveries"] if d["name"] == "cdr-quality"]
    assert any("changed after it was profiled" in b for b in delivery["blockers"])
