"""No raw personal value, nor any 6+ character piece of one, reaches any report format."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
import reports_fakerun as fake
from reports_leaks import find_leaks, labelled_values, report_texts

from detectors.findings import DatasetProfile, EntityEvidence, FieldKind, FieldProfile
from detectors.masking import mask_value
from policy.decisions import DeliveryDecision, DeliveryStatus, FieldDecision, Verdict
from redaction.results import DeliveryOutcome, DeliveryResult, ResidualFinding
from reports import (
    DatasetInfo,
    RunReport,
    build_run_report,
)


def test_fake_run_leaks_no_raw_value(report: RunReport, tmp_path: Path) -> None:
    """Masked examples and residual samples built from known raw values hide them everywhere."""
    raw_values = [v for values in fake.RAW.values() for v in values]
    assert "•" in report_texts(report, tmp_path)["report.html"]  # masked samples are shown
    assert find_leaks(report, tmp_path, raw_values) == []


def test_unmasked_example_and_secret_params_are_withheld(tmp_path: Path) -> None:
    """A producer bug (a raw example, a salt in params) is withheld rather than published."""
    raw_email = "zqlarkin91@example.com"
    profiles = [
        dataclasses.replace(
            p,
            fields=tuple(
                dataclasses.replace(f, masked_example=raw_email) if f.column == "email" else f
                for f in p.fields
            ),
        )
        for p in fake.profiles()
    ]
    report = build_run_report(
        fake.run_info(), fake.dataset_infos(), profiles, fake.decisions(), fake.results()
    )
    assert find_leaks(report, tmp_path, [raw_email, "s3cr3t-never-shown"]) == []
    email = next(
        f for d in report.datasets if d.name == "billing" for f in d.fields if f.name == "email"
    )
    assert email.masked_example == "[withheld]"


@pytest.mark.parametrize("kind", ["billing", "tickets", "cdr"])
def test_synthetic_labelled_values_do_not_leak(kind: str, tmp_path: Path) -> None:
    """Profiles and residuals built from a generated dataset's labelled values leak none of them."""
    synthetic = pytest.importorskip("synthetic", reason="synthetic generator not available yet")
    generated = synthetic.generate(kind, 40, tmp_path / "data", seed=11)
    labels = json.loads(generated.labels_path.read_text("utf-8"))
    values = labelled_values(generated.data_path, labels)
    free = set(labels.get("free_text_columns", []))
    fields, decisions, residual = [], [], []
    for column, raw in values.items():
        types = labels["columns"][column] or ["PERSON"]
        fields.append(
            FieldProfile(
                kind,
                column,
                FieldKind.FREE_TEXT if column in free else FieldKind.STRUCTURED,
                "string",
                40,
                0.0,
                tuple(EntityEvidence(t, 0.9, 0.5) for t in types),
                masked_example=mask_value(raw[0], types[0]),
            )
        )
        decisions.append(
            FieldDecision(
                column,
                Verdict.PSEUDONYMIZE,
                "contact.other",
                tuple(types),
                "hmac_pseudonym",
                declared=False,
                free_text=column in free,
            )
        )
        residual.append(ResidualFinding(column, types[0], len(raw), mask_value(raw[-1], types[0])))
    profile = DatasetProfile(kind, kind, (generated.data_path.name,), 40, tuple(fields))
    decision = DeliveryDecision(
        f"{kind}-out",
        kind,
        "Acme Analytics",
        "processor",
        "analytics",
        None,
        DeliveryStatus.PROCEED,
        tuple(decisions),
    )
    result = DeliveryResult(
        f"{kind}-out",
        DeliveryOutcome.BLOCKED,
        40,
        0,
        0,
        0,
        None,
        None,
        None,
        residual=tuple(residual),
        blocked_reasons=("Verification found residual data.",),
    )
    info = DatasetInfo(kind, kind, (generated.data_path.name,), 1, fake.sha(kind))
    report = build_run_report(fake.run_info(), [info], [profile], [decision], [result])
    raw_values = [v for vs in values.values() for v in vs]
    assert len(raw_values) > 40
    assert find_leaks(report, tmp_path / "out", raw_values) == []
