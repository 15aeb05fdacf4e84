"""No raw personal value, nor any 6+ character piece of one, reaches any report format."""

from __future__ import annotations

import csv
import dataclasses
import json
from collections.abc import Iterable
from pathlib import Path

import pytest
import reports_fakerun as fake

from detectors.findings import DatasetProfile, EntityEvidence, FieldKind, FieldProfile
from detectors.masking import mask_value
from policy.decisions import DeliveryDecision, DeliveryStatus, FieldDecision, Verdict
from redaction.results import DeliveryOutcome, DeliveryResult, ResidualFinding
from reports import (
    DatasetInfo,
    RunReport,
    build_run_report,
    markdown_summary,
    table_rows,
    write_reports,
)

PIECE = 6


def _pieces(values: Iterable[str]) -> set[str]:
    """Every 6-character piece of every value, except pieces lying wholly inside an email's
    domain: the generator uses reserved example domains, which the report may name anyway."""
    found = set()
    for v in values:
        at = v.find("@") if " " not in v else -1
        found |= {v[i : i + PIECE] for i in range(len(v) - PIECE + 1) if at < 0 or i <= at}
    return found


def _leaks(outputs: dict[str, str], raw_values: Iterable[str]) -> list[tuple[str, str]]:
    # A piece equal to part of the run's own timestamps (e.g. a card expiry "2026-11") is
    # metadata, not a leak.
    run = fake.run_info()
    stamps = _pieces([run.started_at.isoformat(), run.finished_at.isoformat()])
    pieces = _pieces(raw_values) - stamps
    return sorted((name, p) for name, text in outputs.items() for p in pieces if p in text)


def _outputs(report: RunReport, out_dir: Path) -> dict[str, str]:
    paths = write_reports(report, out_dir)
    return {
        "report.json": paths.json.read_text("utf-8"),
        "report.html": paths.html.read_text("utf-8"),
        "markdown": markdown_summary(report, paths.html),
        "table_rows": json.dumps(table_rows(report), ensure_ascii=False),
    }


def test_fake_run_leaks_no_raw_value(report: RunReport, tmp_path: Path) -> None:
    """Masked examples and residual samples built from known raw values hide them everywhere."""
    raw_values = [v for values in fake.RAW.values() for v in values]
    outputs = _outputs(report, tmp_path)
    assert "•" in outputs["report.html"]  # masked samples are shown, so the check is not vacuous
    assert _leaks(outputs, raw_values) == []


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
    outputs = _outputs(report, tmp_path)
    assert _leaks(outputs, [raw_email, "s3cr3t-never-shown"]) == []
    email = next(
        f for d in report.datasets if d.name == "billing" for f in d.fields if f.name == "email"
    )
    assert email.masked_example == "[withheld]"


def _labelled_values(data: Path, labels: dict) -> dict[str, list[str]]:  # type: ignore[type-arg]
    """Raw values per labelled column (structured) or per span (free text), from the files."""
    out: dict[str, list[str]] = {}
    free = set(labels.get("free_text_columns", []))
    if data.suffix == ".csv":
        with data.open(newline="", encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
    else:
        rows = [json.loads(line) for line in data.read_text("utf-8").splitlines() if line]
    for column, types in labels["columns"].items():
        # Dates and times are left out: they also occur as run metadata (started_at).
        if types and column not in free and "DATE_TIME" not in types:
            out[column] = [str(r[column]) for r in rows if r.get(column)]
    for span in labels.get("spans", []):
        if span["entity_type"] != "DATE_TIME":
            text = str(rows[span["row"]][span["field"]])
            out.setdefault(span["field"], []).append(text[span["start"] : span["end"]])
    return out


@pytest.mark.parametrize("kind", ["billing", "tickets", "cdr"])
def test_synthetic_labelled_values_do_not_leak(kind: str, tmp_path: Path) -> None:
    """Profiles and residuals built from a generated dataset's labelled values leak none of them."""
    synthetic = pytest.importorskip("synthetic", reason="synthetic generator not available yet")
    generated = synthetic.generate(kind, 40, tmp_path / "data", seed=11)
    labels = json.loads(generated.labels_path.read_text("utf-8"))
    values = _labelled_values(generated.data_path, labels)
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
    assert _leaks(_outputs(report, tmp_path / "out"), raw_values) == []
