"""Builder details: run identity, times, categories, quarantine, parameters and JSON form."""

from __future__ import annotations

import dataclasses
import re
import uuid
from datetime import datetime
from typing import Any

import pytest
import reports_fakerun as fake

from reports import ReportInputError, RunReport, build_run_report
from reports.model import RunInfo, code_version


def _run_info(**changes: Any) -> RunInfo:
    """The fake run's info with changes, and without its fixed run id."""
    base = fake.run_info()
    fields = {f.name: getattr(base, f.name) for f in dataclasses.fields(base) if f.name != "run_id"}
    return RunInfo(**(fields | changes))


def test_run_id_defaults_to_uuid4() -> None:
    """Without a flow run id the run gets a fresh UUID4."""
    info = _run_info()
    assert uuid.UUID(info.run_id).version == 4


def test_code_version_is_package_version_plus_commit() -> None:
    """The code version is the package version, plus +g<commit> inside a git checkout."""
    assert re.fullmatch(
        r"\d+\.\d+\.\d+[^+]*(\+g[0-9a-f]{7,40})?|unknown(\+g[0-9a-f]+)?", code_version()
    )


def test_naive_datetime_is_refused() -> None:
    """Times must be timezone-aware so the report can state them in UTC."""
    info = _run_info(started_at=datetime(2026, 11, 2, 6, 0))
    with pytest.raises(ReportInputError) as err:
        build_run_report(info, [], [], [], [])
    assert str(err.value) == (
        "RunInfo.started_at is a naive datetime; pass an aware one, e.g. datetime.now(UTC)"
    )


def test_category_falls_back_to_callable() -> None:
    """Fields no decision covers take their category from `category_for(primary_entity)`."""
    report = build_run_report(
        fake.run_info(),
        fake.dataset_infos(),
        fake.profiles(),
        [],
        [],
        category_for=lambda entity: f"cat.{entity.lower()}",
    )
    cdr = next(d for d in report.datasets if d.name == "cdr")
    assert {f.name: f.category for f in cdr.fields} == {
        "calldate": None,
        "src": "cat.phone_number",
        "dst": "cat.phone_number",
        "clid": "cat.person",
        "duration": None,
    }


def test_category_prefers_decision(report: RunReport) -> None:
    """A decision's category wins over the callable."""
    billing = next(d for d in report.datasets if d.name == "billing")
    assert billing.fields[1].category == "contact.email"


def test_quarantine_rows_sorted_with_total(report: RunReport) -> None:
    """Quarantined rows are listed by file and row, with the full count kept."""
    billing = next(d for d in report.datasets if d.name == "billing")
    assert [(q.row, q.reason) for q in billing.quarantined] == [
        (77, "unterminated quoted field"),
        (412, "expected 7 fields, saw 9"),
    ]
    assert billing.rows_quarantined == 3


def test_secret_params_withheld_key_id_kept(report: RunReport) -> None:
    """Parameters named like secrets are withheld; key ids and plain settings stay."""
    marketing = next(d for d in report.deliveries if d.name == "billing-to-marketing")
    email = next(f for f in marketing.fields if f.field == "email")
    assert dict(email.params) == {"key_id": "k-7f3a9c", "salt": "[withheld]"}


def test_each_delivery_records_its_token_scope(report: RunReport) -> None:
    """deliveries[].token_scope comes from the decision: per recipient unless shared."""
    scopes = {d["name"]: d["token_scope"] for d in report.to_dict()["deliveries"]}
    assert scopes == {
        "billing-to-collections": "shared",  # the fake run's one opt-in
        "billing-to-marketing": "recipient",
        "cdr-to-fraud-analytics": "recipient",
        "tickets-to-ml-vendor": "recipient",
    }


def test_dataset_without_info_or_profile() -> None:
    """A profile with no DatasetInfo has unknown size/digest; an info with no profile no fields."""
    infos = [i for i in fake.dataset_infos() if i.name != "cdr"]
    profiles = [p for p in fake.profiles() if p.dataset != "tickets"]
    report = build_run_report(fake.run_info(), infos, profiles, [], [])
    by_name = {d.name: d for d in report.datasets}
    assert (by_name["cdr"].size_bytes, by_name["cdr"].sha256) == (None, None)
    assert by_name["cdr"].paths == ("data/cdr.csv",)
    assert by_name["tickets"].fields == () and by_name["tickets"].rows_read == 0


def test_duplicate_delivery_names_refused() -> None:
    """Two decisions with one name cannot be told apart in the report."""
    decisions = fake.decisions()
    with pytest.raises(ReportInputError, match="two delivery decisions share a name"):
        build_run_report(fake.run_info(), [], [], [*decisions, decisions[0]], [])
