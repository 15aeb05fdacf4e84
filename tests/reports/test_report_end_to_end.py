"""The real chain on synthetic data — detect, decide, redact, verify, report — leaks nothing."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from reports_leaks import find_leaks, labelled_values

from reports import DatasetInfo, RunInfo, RunReport, build_run_report, validate_report

pytestmark = pytest.mark.slow
KEY_TEXT = "k3y-e2e-0123456789abcdef0123456789abcdef"
DELIVERIES = [
    # (name, dataset, recipient, recipient class, purpose)
    ("billing-collections", "billing", "Ridgeway Collections", "debt_collector", "debt_recovery"),
    ("billing-sale", "billing", "Data Broker", "marketing_partner", "sale"),  # refused
    ("cdr-quality", "cdr", "Network operations", "internal", "service_quality"),
    ("tickets-complaints", "tickets", "Helpdesk vendor", "analytics_vendor", "complaint_handling"),
]


@pytest.fixture(scope="module")
def chain(tmp_path_factory: pytest.TempPathFactory) -> tuple[RunReport, list[str], Path]:
    """A report built from real profiles, decisions and deliveries of generated data."""
    synthetic = pytest.importorskip("synthetic")
    detectors = pytest.importorskip("detectors")
    policy = pytest.importorskip("policy")
    redaction = pytest.importorskip("redaction")
    root = tmp_path_factory.mktemp("e2e")
    generated = {k: synthetic.generate(k, 50, root / "data" / k, seed=5) for k in
                 ("billing", "cdr", "tickets")}  # fmt: skip
    profiles = {k: detectors.profile_dataset(k, k, [g.data_path]) for k, g in generated.items()}
    pack = policy.load_pack("voipms")
    key = redaction.load_key(None, env={redaction.DEFAULT_KEY_ENV: KEY_TEXT})
    decisions, results = [], []
    for name, dataset, recipient, rclass, purpose in DELIVERIES:
        spec = policy.DeliverySpec(name=name, dataset=dataset, recipient=recipient,
                                   recipient_class=rclass, purpose=purpose)  # fmt: skip
        decision = policy.evaluate_delivery(pack, spec, profiles[dataset].fields, dataset)
        decisions.append(decision)
        if decision.status is policy.DeliveryStatus.PROCEED:
            path = generated[dataset].data_path
            schema = next(detectors.read_batches(path)).schema
            plan = redaction.build_plan(decision, schema, key)
            results.append(redaction.deliver(plan, [path], root / "out" / name))
    infos = [
        DatasetInfo(
            k,
            k,
            (g.data_path.name,),
            g.data_path.stat().st_size,
            detectors.file_sha256(g.data_path),
        )
        for k, g in generated.items()
    ]
    run = RunInfo(
        started_at=datetime.now(UTC), finished_at=datetime.now(UTC), policy_name=pack.name,
        policy_version=pack.version, policy_sha256=pack.sha256, config_path="e2e.yaml",
        config_sha256=hashlib.sha256(b"e2e").hexdigest(), key_id=key.key_id,
    )  # fmt: skip
    report = build_run_report(run, infos, list(profiles.values()), decisions, results,
                              category_for=pack.category_for)  # fmt: skip
    raw: list[str] = []
    for g in generated.values():
        labels = json.loads(g.labels_path.read_text("utf-8"))
        raw += [v for values in labelled_values(g.data_path, labels).values() for v in values]
    return report, raw, root


def test_real_chain_report_validates(chain: tuple[RunReport, list[str], Path]) -> None:
    """Real producers' values fit the schema; the refused purpose is red with its reasons."""
    report, _, _ = chain
    validate_report(report.to_dict())
    sale = next(d for d in report.deliveries if d.name == "billing-sale")
    assert sale.status.value == "denied" and sale.blockers and sale.unblock


def test_real_chain_leaks_no_labelled_value(chain: tuple[RunReport, list[str], Path]) -> None:
    """No 6-character piece of any labelled raw value, nor the key, reaches any report form."""
    report, raw, root = chain
    assert len(raw) > 200
    assert find_leaks(report, root / "reports", [*raw, KEY_TEXT]) == []
