"""Per-field decisions of the bundled packs, for CDR, billing and ticket datasets."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from policy_fakes import NO_SALE, Field, bundled, delivery, mini_pack, personal, prose, write_yaml

from policy import OperatingPoint, Verdict, evaluate_delivery, load_pack

CDR = (
    personal("start", "DATE_TIME"),
    personal("src", "PHONE_NUMBER"),
    personal("clid", "PERSON", "PHONE_NUMBER"),
    Field("duration"),
    personal("ip", "IP_ADDRESS"),
    personal("pin", "VOICEMAIL_PIN"),
    personal("imei", "IMEI"),
    personal("city", "LOCATION"),
    personal("mystery", "NOT_IN_ANY_PACK"),
)
BILLING = (
    personal("name", "PERSON"),
    personal("email", "EMAIL_ADDRESS"),
    personal("account", "ACCOUNT_NUMBER"),
    personal("card", "CREDIT_CARD"),
    personal("iban", "IBAN_CODE"),
    personal("postal", "POSTAL_CODE"),
    personal("city", "LOCATION"),
    personal("birth", "DATE_OF_BIRTH"),
    Field("amount"),
    prose("notes", "PERSON", "PHONE_NUMBER"),
    Field("mailing_opt_in"),
    Field("third_party_consent"),
)
TICKETS = (
    Field("ticket_id"),
    personal("customer", "PERSON"),
    personal("email", "EMAIL_ADDRESS"),
    prose("body", "PERSON", "EMAIL_ADDRESS"),
    personal("created", "DATE_TIME"),
    Field("empty_col", "empty"),
)
DATASETS = {"cdr": CDR, "billing": BILLING, "tickets": TICKETS}
V = Verdict

CASES: list[tuple[str, str, str, str, str, Verdict, str | None, dict[str, Any]]] = [
    # pack, dataset, recipient class, purpose, field → verdict, operator, params
    # CDR to an analytics vendor: no disclosure clause, so everything is de-identified
    ("voipms", "cdr", "analytics_vendor", "service_quality", "start", V.GENERALIZE, "generalize",
     {"level": "hour"}),
    ("voipms", "cdr", "analytics_vendor", "service_quality", "src", V.PSEUDONYMIZE,
     "pseudonymize", {}),
    # a field holding two entity types gets the stricter decision of the two
    ("voipms", "cdr", "analytics_vendor", "service_quality", "clid", V.PSEUDONYMIZE,
     "pseudonymize", {}),
    ("voipms", "cdr", "analytics_vendor", "service_quality", "ip", V.GENERALIZE, "generalize",
     {"prefix": 24}),
    # secrets are dropped even where the rule only asks for pseudonyms
    ("voipms", "cdr", "analytics_vendor", "service_quality", "pin", V.DROP, "drop", {}),
    ("voipms", "cdr", "analytics_vendor", "service_quality", "imei", V.PSEUDONYMIZE,
     "pseudonymize", {}),
    # a city has no pseudonym or generalisation defined: redacted
    ("voipms", "cdr", "analytics_vendor", "service_quality", "city", V.REDACT, "redact", {}),
    # non-personal fields pass
    ("voipms", "cdr", "analytics_vendor", "service_quality", "duration", V.ALLOW, None, {}),
    # an entity type the pack never mentions is dropped (fail closed), even internally
    ("voipms", "cdr", "internal", "service_quality", "mystery", V.DROP, "drop", {}),
    # law enforcement with a warrant gets call records in clear, never PINs
    ("voipms", "cdr", "law_enforcement", "legal_process", "src", V.ALLOW, None, {}),
    ("voipms", "cdr", "law_enforcement", "legal_process", "pin", V.DROP, "drop", {}),
    # billing to a debt collector: who owes and how to reach them in clear, city included
    ("voipms", "billing", "debt_collector", "debt_recovery", "name", V.ALLOW, None, {}),
    ("voipms", "billing", "debt_collector", "debt_recovery", "email", V.ALLOW, None, {}),
    ("voipms", "billing", "debt_collector", "debt_recovery", "city", V.ALLOW, None, {}),
    # ... and no more (§6: what collecting needs): account numbers keep the third-party default
    ("voipms", "billing", "debt_collector", "debt_recovery", "account", V.PSEUDONYMIZE,
     "pseudonymize", {}),
    # ... card numbers masked to their last 4 digits, bank accounts redacted
    ("voipms", "billing", "debt_collector", "debt_recovery", "card", V.MASK, "mask",
     {"keep_first": 0, "keep_last": 4}),
    ("voipms", "billing", "debt_collector", "debt_recovery", "iban", V.REDACT, "redact", {}),
    # ... undeclared PII in free-text notes: spans redacted
    ("voipms", "billing", "debt_collector", "debt_recovery", "notes", V.REDACT, "redact", {}),
    # de-identified billing for analytics: postal code to its first part, birth date to year
    ("voipms", "billing", "analytics_vendor", "service_quality", "postal", V.GENERALIZE,
     "generalize", {"to": "first_part"}),
    ("voipms", "billing", "analytics_vendor", "service_quality", "birth", V.GENERALIZE,
     "generalize", {"to": "year"}),
    # internal order processing: names in clear, cards masked, notes readable
    ("voipms", "billing", "internal", "order_processing", "name", V.ALLOW, None, {}),
    ("voipms", "billing", "internal", "order_processing", "card", V.MASK, "mask",
     {"keep_first": 0, "keep_last": 4}),
    ("voipms", "billing", "internal", "order_processing", "notes", V.ALLOW, None, {}),
    # payment processor for an order: the card in clear, unnamed categories pseudonymized
    ("voipms", "billing", "payment_processor", "order_fulfilment", "card", V.ALLOW, None, {}),
    ("voipms", "billing", "payment_processor", "order_fulfilment", "email", V.PSEUDONYMIZE,
     "pseudonymize", {}),
    # third-party marketing: every personal field denied, whatever the recipient class (§6)
    ("voipms", "billing", "marketing_partner", "marketing", "email", V.DENY, None, {}),
    ("voipms", "billing", "analytics_vendor", "marketing", "email", V.DENY, None, {}),
    ("voipms", "billing", "payment_processor", "marketing", "email", V.DENY, None, {}),
    # ... while Voip.ms may promote its own services itself (§3 (5))
    ("voipms", "billing", "internal", "marketing", "email", V.ALLOW, None, {}),
    # with the customer's agreement: contact details in clear, the rest pseudonymized
    ("voipms", "billing", "marketing_partner", "consent", "email", V.ALLOW, None, {}),
    ("voipms", "billing", "marketing_partner", "consent", "name", V.PSEUDONYMIZE,
     "pseudonymize", {}),
    # tickets to the supplier handling a complaint: contact in clear, ticket text pseudonymized
    ("voipms", "tickets", "order_fulfilment_provider", "complaint_handling", "customer",
     V.ALLOW, None, {}),
    ("voipms", "tickets", "order_fulfilment_provider", "complaint_handling", "body",
     V.PSEUDONYMIZE, "pseudonymize", {}),
    ("voipms", "tickets", "order_fulfilment_provider", "complaint_handling", "created",
     V.GENERALIZE, "generalize", {"level": "hour"}),
    # an empty column with nothing detected passes
    ("voipms", "tickets", "order_fulfilment_provider", "complaint_handling", "empty_col",
     V.ALLOW, None, {}),
    # tickets for complaints to a vendor no clause names: ticket text redacted
    ("voipms", "tickets", "analytics_vendor", "complaint_handling", "body", V.REDACT, "redact",
     {}),
    ("voipms", "tickets", "internal", "complaint_handling", "body", V.ALLOW, None, {}),
    # LegacySIP: nothing recorded goes to third parties without approval
    ("legacysip", "billing", "analytics_vendor", "billing", "name", V.DENY, None, {}),
    # LegacySIP mailing list: only name and e-mail, the rest dropped
    ("legacysip", "billing", "internal", "mailing_list", "email", V.ALLOW, None, {}),
    ("legacysip", "billing", "internal", "mailing_list", "account", V.DROP, "drop", {}),
    # LegacySIP passwords and PINs never leave, even internally
    ("legacysip", "cdr", "internal", "billing", "pin", V.DROP, "drop", {}),
]


@pytest.mark.parametrize(
    ("pack", "dataset", "cls", "purpose", "field", "verdict", "operator", "params"), CASES
)
def test_field_decision(
    pack: str, dataset: str, cls: str, purpose: str, field: str, verdict: Verdict,
    operator: str | None, params: dict[str, Any],
) -> None:
    """The field gets this verdict, operator and parameters, with a citation."""
    spec = delivery(cls, purpose, dataset, legal_basis="warrant 2026-117")
    decision = evaluate_delivery(bundled(pack), spec, DATASETS[dataset], dataset)
    found = {f.field: f for f in decision.fields}[field]
    assert (found.verdict, found.operator, dict(found.params)) == (verdict, operator, params)
    assert found.citation is not None


def test_free_text_is_marked_and_undeclared() -> None:
    """Prose with personal data is free text, and undeclared unless listed as personal."""
    spec = delivery("debt_collector", "debt_recovery", "billing")
    pack = bundled("voipms")
    fields = {f.field: f for f in evaluate_delivery(pack, spec, BILLING, "billing").fields}
    assert fields["notes"].free_text
    assert not fields["notes"].declared
    assert fields["notes"].category == "communication.content"
    assert "personal data spans redacted; spans found at the recall-first operating point" in (
        fields["notes"].reason
    )
    assert fields["name"].declared and not fields["name"].free_text


@pytest.mark.parametrize(
    ("cls", "purpose", "point"),
    [
        # a third party: recall first, a word masked too many rather than a name left in clear
        ("debt_collector", "debt_recovery", OperatingPoint.RECALL),
        ("analytics_vendor", "service_quality", OperatingPoint.RECALL),
        # staff may read the notes in clear: no spans are looked for, so no point
        ("internal", "debt_recovery", None),
    ],
)
def test_free_text_operating_point_follows_the_recipient(
    cls: str, purpose: str, point: OperatingPoint | None
) -> None:
    """Third parties get the recall point for free text; structured fields get none."""
    spec = delivery(cls, purpose, "billing")
    decision = evaluate_delivery(bundled("voipms"), spec, BILLING, "billing")
    fields = {f.field: f for f in decision.fields}
    assert fields["notes"].operating_point is point
    assert all(f.operating_point is None for f in fields.values() if not f.free_text)


def test_internal_free_text_under_a_redacting_rule_keeps_the_precision_point(
    tmp_path: Path,
) -> None:
    """An internal recipient whose rule redacts prose gets the precision point, said so."""
    data = mini_pack()  # communication.content comes from the taxonomy
    data["rules"].append(
        {"recipient_class": "internal", "purpose": "service_quality",
         "category": "communication.content", "verdict": "redact",
         "citation": {"section": "6", "quote": NO_SALE}}
    )  # fmt: skip
    pack = load_pack(write_yaml(tmp_path / "mini.yaml", data))
    decision = evaluate_delivery(
        pack, delivery("internal", "service_quality"), [prose("notes", "PERSON")], "tickets"
    )
    (notes,) = decision.fields
    assert (notes.verdict, notes.operating_point) == (Verdict.REDACT, OperatingPoint.PRECISION)
    assert notes.reason.endswith(
        "spans found at the precision operating point (internal recipient)"
    )


def test_declared_personal_list_marks_the_rest_undeclared() -> None:
    """With a declared_personal list, personal data found elsewhere is undeclared."""
    spec = delivery("analytics_vendor", "service_quality", "cdr")
    decision = evaluate_delivery(bundled("voipms"), spec, CDR, "cdr", declared_personal=["src"])
    declared = {f.field: f.declared for f in decision.fields}
    assert declared["src"] and not declared["clid"]
    assert declared["duration"]  # not personal: nothing to declare


def test_non_personal_reason() -> None:
    """A field with no entity types is allowed with the reason a reviewer reads."""
    spec = delivery("analytics_vendor", "service_quality", "cdr")
    decision = evaluate_delivery(bundled("voipms"), spec, CDR, "cdr")
    duration = {f.field: f for f in decision.fields}["duration"]
    assert duration.reason == "no personal data detected"
    assert duration.category is None


@pytest.mark.parametrize(
    ("cls", "purpose", "verdict", "point"),
    [
        # the sample proves nothing about the rows it did not read: scanned in full at recall
        ("analytics_vendor", "service_quality", Verdict.REDACT, OperatingPoint.RECALL),
        ("debt_collector", "debt_recovery", Verdict.REDACT, OperatingPoint.RECALL),
        # staff: what detection found (nothing) decides, as for any internal field
        ("internal", "debt_recovery", Verdict.ALLOW, None),
    ],
)
def test_prose_the_sample_found_clean_is_still_scanned_for_third_parties(
    cls: str, purpose: str, verdict: Verdict, point: OperatingPoint | None
) -> None:
    """A free-text column with no entities in its sample never leaves in clear for a third
    party: the content rule decides it, its spans found at the recall point."""
    spec = delivery(cls, purpose, "billing")
    quiet = [*BILLING, prose("remarks")]
    decision = evaluate_delivery(bundled("voipms"), spec, quiet, "billing")
    remarks = {f.field: f for f in decision.fields}["remarks"]
    assert (remarks.verdict, remarks.operating_point) == (verdict, point)
    if verdict is Verdict.REDACT:
        assert remarks.free_text and remarks.category == "communication.content"
        assert remarks.reason.startswith("free text: the profiling sample found no personal")
        assert remarks.citation is not None


def test_structured_columns_the_sample_found_clean_stay_in_clear_for_third_parties() -> None:
    """Only prose is assumed to hide what a sample missed; plan names and counters are not
    (the full verification sweep still checks every delivered cell)."""
    spec = delivery("analytics_vendor", "service_quality", "cdr")
    decision = evaluate_delivery(bundled("voipms"), spec, CDR, "cdr")
    assert {f.field: f for f in decision.fields}["duration"].verdict is Verdict.ALLOW
