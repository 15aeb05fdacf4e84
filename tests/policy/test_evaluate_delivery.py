"""Delivery-level outcomes: refusals, legal basis, consent, minimisation, fail-closed gaps."""

from __future__ import annotations

from pathlib import Path

import pytest
from policy_fakes import NO_SALE, Field, bundled, delivery, mini_pack, personal, prose, write_yaml

from policy import (
    DeliveryFieldsError,
    DeliveryStatus,
    PolicyPack,
    UnknownNameError,
    Verdict,
    evaluate_delivery,
    load_pack,
)

BILLING = (personal("name", "PERSON"), personal("email", "EMAIL_ADDRESS"), Field("amount"))
WITH_OPT_IN = (*BILLING, Field("mailing_opt_in"), Field("third_party_consent"))
CDR = (personal("start", "DATE_TIME"), personal("src", "PHONE_NUMBER"), Field("duration"))
D = DeliveryStatus

STATUS_CASES = [
    # pack, recipient class, purpose, legal basis, fields → status, reasons, hints
    # de-identified delivery to an analytics vendor proceeds
    ("voipms", "analytics_vendor", "service_quality", None, CDR, D.PROCEED, (), ()),
    # selling data is refused outright
    ("voipms", "analytics_vendor", "sale", None, CDR, D.DENIED,
     ("purpose 'sale' is refused by pack 'voipms'",),
     ("the policy refuses this purpose; choose a purpose it permits",)),
    # third-party marketing is refused by section 6
    ("voipms", "marketing_partner", "marketing", None, BILLING, D.DENIED,
     ("recipient class 'marketing_partner' may not receive data for purpose 'marketing' "
      "(rules[5]: the policy refuses to transfer personal information to third parties without "
      "agreement)",),
     ("the policy refuses it for 'marketing_partner': deliver for purpose 'consent' to customers "
      "who agreed, or to another recipient class",)),
    # a warrant delivery without its reference is held back
    ("voipms", "law_enforcement", "legal_process", None, CDR, D.DENIED,
     ("purpose 'legal_process' for 'law_enforcement' needs a legal basis and the delivery names "
      "none",),
     ("add legal_basis: <warrant or process reference>",)),
    # ... and proceeds once it names one
    ("voipms", "law_enforcement", "legal_process", "warrant 2026-117", CDR, D.PROCEED, (), ()),
    # consent deliveries need the consent column in the dataset
    ("voipms", "marketing_partner", "consent", None, BILLING, D.DENIED,
     ("purpose 'consent' needs consent column 'third_party_consent', which dataset 'ds' lacks",),
     ("add a 'third_party_consent' column holding each customer's consent to dataset 'ds', or "
      "choose a purpose without consent",)),
    ("voipms", "marketing_partner", "consent", None, WITH_OPT_IN, D.PROCEED, (), ()),
    # LegacySIP: mailing list by opt-in only
    ("legacysip", "internal", "mailing_list", None, WITH_OPT_IN, D.PROCEED, (), ()),
    ("legacysip", "internal", "mailing_list", None, BILLING, D.DENIED,
     ("purpose 'mailing_list' needs consent column 'mailing_opt_in', which dataset 'ds' lacks",),
     ("add a 'mailing_opt_in' column holding each customer's consent to dataset 'ds', or choose "
      "a purpose without consent",)),
    # LegacySIP: no recorded information to third parties without approval
    ("legacysip", "analytics_vendor", "billing", None, BILLING, D.DENIED,
     ("recipient class 'analytics_vendor' may not receive data for purpose 'billing' (rules[0]: "
      "no recorded information goes to a third party without the customer's prior approval)",),
     ("the policy refuses it for 'analytics_vendor': deliver for purpose 'consent' to customers "
      "who agreed, or to another recipient class",)),
    # LegacySIP: government requests need their reference too
    ("legacysip", "government_agency", "regulatory_request", None, CDR, D.DENIED,
     ("purpose 'regulatory_request' for 'government_agency' needs a legal basis and the delivery "
      "names none",),
     ("add legal_basis: <warrant or process reference>",)),
]


@pytest.mark.parametrize(
    ("pack", "cls", "purpose", "basis", "fields", "status", "reasons", "hints"), STATUS_CASES
)
def test_delivery_status(
    pack: str, cls: str, purpose: str, basis: str | None, fields: tuple[Field, ...],
    status: DeliveryStatus, reasons: tuple[str, ...], hints: tuple[str, ...],
) -> None:
    """Status, denial reasons and unblock hints; every decision carries a citation."""
    decision = evaluate_delivery(bundled(pack), delivery(cls, purpose, legal_basis=basis),
                                 fields, "billing")
    assert (decision.status, decision.denial_reasons, decision.unblock_hints) == (
        status, reasons, hints)
    assert decision.citation is not None
    assert all(f.citation is not None for f in decision.fields)


def test_refusal_cites_the_refusing_clause() -> None:
    """A denied marketing delivery quotes 'will not sell, transfer or reveal'."""
    decision = evaluate_delivery(bundled("voipms"), delivery("marketing_partner", "marketing"),
                                 BILLING, "billing")
    assert decision.citation is not None
    assert decision.citation.quote == NO_SALE
    assert decision.citation.section == "6. Your assent"


def test_consent_becomes_a_row_filter() -> None:
    """Consent purposes keep only rows whose consent column is true."""
    decision = evaluate_delivery(bundled("legacysip"), delivery("internal", "mailing_list"),
                                 WITH_OPT_IN, "billing")
    assert [f.column for f in decision.row_filters] == ["mailing_opt_in"]
    assert decision.row_filters[0].citation is not None


def test_minimisation_drops_fields_not_asked_for() -> None:
    """Fields outside the delivery's list are dropped as not needed."""
    spec = delivery("analytics_vendor", "service_quality", fields=["start", "duration"])
    decision = evaluate_delivery(bundled("voipms"), spec, CDR, "cdr")
    src = {f.field: f for f in decision.fields}["src"]
    assert (src.verdict, src.operator, src.reason) == (
        Verdict.DROP, "drop", "not needed by the recipient")
    assert src.category == "contact.phone"


def test_fields_the_dataset_lacks_are_an_error() -> None:
    """Declared fields missing from the dataset are named."""
    spec = delivery("analytics_vendor", "service_quality", fields=["start", "cost", "dst"])
    with pytest.raises(DeliveryFieldsError) as err:
        evaluate_delivery(bundled("voipms"), spec, CDR, "cdr")
    assert str(err.value) == (
        "delivery 'd': fields not in dataset 'ds': cost, dst; its fields are: start, src, duration"
    )


def test_unknown_dataset_kind_is_rejected() -> None:
    """Only billing, cdr and tickets datasets are evaluated."""
    with pytest.raises(UnknownNameError) as err:
        evaluate_delivery(bundled("voipms"), delivery("internal", "billing"), CDR, "radius")
    assert str(err.value) == "unknown dataset kind 'radius'; known: billing, cdr, tickets"


@pytest.fixture
def mini(tmp_path: Path) -> PolicyPack:
    """A pack whose only rule allows contact data for service quality."""
    return load_pack(write_yaml(tmp_path / "mini.yaml", mini_pack()))


def test_uncovered_triple_is_dropped(mini: PolicyPack) -> None:
    """No rule for the category, or an entity type outside the taxonomy: never delivered."""
    spec = delivery("analytics_vendor", "service_quality")
    fields = (personal("ip", "IP_ADDRESS"), personal("odd", "MYSTERY_ID"),
              prose("notes", "PERSON"))  # fmt: skip
    decision = evaluate_delivery(mini, spec, fields, "tickets")
    found = {f.field: f for f in decision.fields}
    assert all(f.verdict is Verdict.DROP for f in found.values())
    assert found["ip"].reason == (
        "no rule covers (analytics_vendor, service_quality, network.ip): dropped (fail closed)")
    assert found["odd"].reason == (
        "MYSTERY_ID is personal data of a kind pack 'mini' never mentions: dropped (fail closed)")
    assert found["notes"].free_text


def test_clear_data_to_third_parties_needs_a_disclosure_clause(mini: PolicyPack) -> None:
    """An allow rule on a use-only purpose gives third parties the category default."""
    fields = (personal("src", "PHONE_NUMBER"),)
    vendor = evaluate_delivery(mini, delivery("analytics_vendor", "service_quality"), fields, "cdr")
    staff = evaluate_delivery(mini, delivery("internal", "service_quality"), fields, "cdr")
    assert vendor.fields[0].verdict is Verdict.PSEUDONYMIZE
    assert vendor.fields[0].reason.startswith("third parties get de-identified data")
    assert staff.fields[0].verdict is Verdict.ALLOW


def test_field_without_rule_is_dropped(tmp_path: Path) -> None:
    """A declared category with no covering rule is dropped, with the triple named."""
    data = mini_pack()
    data["rules"][0]["category"] = "contact.email"
    pack = load_pack(write_yaml(tmp_path / "p.yaml", data))
    decision = evaluate_delivery(pack, delivery("internal", "service_quality"),
                                 (personal("src", "PHONE_NUMBER"),), "cdr")
    assert decision.fields[0].verdict is Verdict.DROP
    assert decision.fields[0].reason == (
        "no rule covers (internal, service_quality, contact.phone): dropped (fail closed)")


def test_rule_requirements_apply_to_the_fields_they_decide(tmp_path: Path) -> None:
    """A consent column required by a rule filters rows only when that rule delivers a field."""
    data = mini_pack()
    data["rules"][0]["requires"] = {"consent_column": "opt_in"}
    pack = load_pack(write_yaml(tmp_path / "p.yaml", data))
    spec = delivery("internal", "service_quality")
    fields = (personal("src", "PHONE_NUMBER"), Field("opt_in"))
    decision = evaluate_delivery(pack, spec, fields, "cdr")
    assert [f.column for f in decision.row_filters] == ["opt_in"]
    spec = delivery("internal", "service_quality", fields=["opt_in"])
    assert evaluate_delivery(pack, spec, fields, "cdr").row_filters == ()
