"""Linked datasets through the flows: a CDR `account` that holds billing's customer refs is
found, reported and pseudonymized, by `run` and by `deliver` of that one delivery alike."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pytest

import detectors
from flows.exit_codes import ExitCode

pytestmark = pytest.mark.slow

REFS = [str(n) for n in random.Random(11).sample(range(100_000, 999_999), 300)]


@pytest.fixture()
def linked_workspace(tmp_path: Path) -> Path:
    rows = 6_000
    pacsv.write_csv(pa.table({
        "date": [f"2026-01-{1 + i % 28:02d} 10:00:00" for i in range(rows)],
        "account": [f"{REFS[i % len(REFS)]}_{i % 4}" for i in range(rows)],
        "disposition": ["ANSWERED", "BUSY"] * (rows // 2),
    }), tmp_path / "cdr.csv")  # fmt: skip
    pacsv.write_csv(pa.table({
        "ref": REFS * 2,
        "email": [f"customer{i}@example.com" for i in range(len(REFS) * 2)],
    }), tmp_path / "billing.csv")  # fmt: skip
    (tmp_path / "linked.yaml").write_text(
        "policy: voipms\n"
        "datasets:\n"
        "  - {name: cdr, kind: cdr, path: cdr.csv}\n"
        "  - {name: billing, kind: billing, path: billing.csv}\n"
        "deliveries:\n"
        "  - {name: cdr-quality, dataset: cdr, recipient: acme, "
        "recipient_class: analytics_vendor, purpose: service_quality}\n",
        encoding="utf-8",
    )
    return tmp_path


@pytest.mark.parametrize("how", ["pipeline", "deliver"])
def test_linked_account_is_reported_and_pseudonymized(
    prefect_harness, linked_workspace: Path, tmp_path: Path, demo_key, how: str
) -> None:
    from flows.pipeline import deliver_flow, pipeline_flow

    config, out = str(linked_workspace / "linked.yaml"), tmp_path / "out"
    if how == "pipeline":
        outcome = pipeline_flow(config, str(out))
    else:
        outcome = deliver_flow(config, "cdr-quality", str(out))
    assert outcome.exit_code is ExitCode.OK
    report = json.loads(outcome.report_json.read_text(encoding="utf-8"))
    (delivery,) = report["deliveries"]
    account = next(f for f in delivery["fields"] if f["field"] == "account")
    assert (account["verdict"], account["category"]) == ("pseudonymize", "identity.account")
    notes = " ".join(n for d in report["datasets"] for n in d.get("notes", []))
    report_text = outcome.report_json.read_text(encoding="utf-8")
    assert "cdr.account" in notes and "billing.ref" in notes, notes
    assert not any(ref in report_text for ref in REFS)  # compared by keyed hashes only
    (part,) = (out / "deliveries" / "cdr-quality").glob("*.parquet")
    delivered = {v for b in detectors.read_batches(part, columns=["account"])
                 for v in b.column(0).to_pylist()}  # fmt: skip
    assert all(v.startswith("ACCT_") for v in delivered)
