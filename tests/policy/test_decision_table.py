"""`evaluate_config` over the demo config, the plain-text table, and picklable results."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest
from policy_fakes import Field, bundled, delivery, personal, prose

from policy import (
    DeliveryStatus,
    UnknownNameError,
    evaluate_config,
    evaluate_delivery,
    format_decision_table,
    load_config,
)

DEMO = Path(__file__).resolve().parents[2] / "policy" / "examples" / "demo.yaml"
PROFILES = {
    "cdr": (personal("start", "DATE_TIME"), personal("src", "PHONE_NUMBER"), Field("billsec")),
    "billing": (
        personal("customer_id", "ACCOUNT_NUMBER"), personal("name", "PERSON"),
        personal("email", "EMAIL_ADDRESS"), personal("phone", "PHONE_NUMBER"),
        personal("city", "LOCATION"), Field("region"), Field("plan"),
        personal("card", "CREDIT_CARD"), Field("amount"), Field("third_party_consent"),
    ),
    "tickets": (personal("email", "EMAIL_ADDRESS"), prose("body", "PERSON")),
}


def test_demo_decisions() -> None:
    """The demo shows proceed, de-identification, consent and both kinds of denial."""
    config = load_config(DEMO)
    decisions = evaluate_config(config.pack, config, PROFILES)
    status = {d.delivery: d.status for d in decisions}
    assert status == {
        "cdr-quality": DeliveryStatus.PROCEED,
        "billing-quality": DeliveryStatus.PROCEED,
        "billing-debt": DeliveryStatus.PROCEED,
        "billing-marketing": DeliveryStatus.DENIED,
        "billing-partner-offers": DeliveryStatus.PROCEED,
        "tickets-complaints": DeliveryStatus.PROCEED,
        "cdr-warrant": DeliveryStatus.DENIED,
    }


def test_missing_profiles_are_named() -> None:
    """Evaluating a config needs the profiles of every dataset a delivery uses."""
    config = load_config(DEMO)
    with pytest.raises(UnknownNameError) as err:
        evaluate_config(config.pack, config, {"cdr": PROFILES["cdr"]})
    assert str(err.value) == (
        "no field profiles for dataset 'billing' (delivery 'billing-debt'); profile every "
        "dataset before evaluating"
    )


def test_table_format() -> None:
    """One row per field with verdict, operator, category and section; then the outcome."""
    spec = delivery("law_enforcement", "legal_process", "cdr")
    decision = evaluate_delivery(bundled("voipms"), spec, PROFILES["cdr"], "cdr")
    assert format_decision_table([decision]).splitlines() == [
        "delivery  field    verdict  operator  category           section",
        "--------  -------  -------  --------  -----------------  --------------",
        "d         start    allow    -         call_records.time  6. Your assent",
        "d         src      allow    -         contact.phone      6. Your assent",
        "d         billsec  allow    -         -                  6. Your assent",
        "",
        "d: denied (6. Your assent)",
        "  denied: purpose 'legal_process' for 'law_enforcement' needs a legal basis and the "
        "delivery names none",
        "  to unblock: add legal_basis: <warrant or process reference>",
    ]


def test_table_marks_spans_params_and_undeclared() -> None:
    """Operator parameters, span operators and undeclared fields are visible."""
    spec = delivery("analytics_vendor", "service_quality", "tickets")
    fields = (*PROFILES["cdr"], *PROFILES["tickets"])
    table = format_decision_table([evaluate_delivery(bundled("voipms"), spec, fields, "tickets")])
    assert "generalize(level=hour)" in table
    assert "body (undeclared)" in table
    assert "redact [spans]" in table


def test_pack_and_decisions_pickle() -> None:
    """Packs and decisions cross process boundaries (Dask task runner) intact."""
    pack = bundled("voipms")
    spec = delivery("debt_collector", "debt_recovery", "billing")
    decision = evaluate_delivery(pack, spec, PROFILES["billing"], "billing")
    assert pickle.loads(pickle.dumps(decision)) == decision
    clone = pickle.loads(pickle.dumps(pack))
    assert clone.sha256 == pack.sha256 and clone.rules == pack.rules
