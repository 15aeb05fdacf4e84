"""Masked payment cards: the last 4 digits for every recipient, the first 6 only where granted."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from policy_fakes import NO_SALE, bundled, delivery, mini_pack, personal, write_yaml

from policy import PackError, Verdict, evaluate_delivery, load_pack, verify_citations

CARD = (personal("card", "CREDIT_CARD"),)
CITE = {"section": "6", "quote": NO_SALE}
LAST_FOUR = {"keep_first": 0, "keep_last": 4}
SIX_AND_FOUR = {"keep_first": 6, "keep_last": 4}


def _card(pack_name: str, cls: str, purpose: str) -> dict[str, Any]:
    decision = evaluate_delivery(bundled(pack_name), delivery(cls, purpose, "billing"), CARD,
                                 "billing")  # fmt: skip
    (card,) = decision.fields
    assert card.verdict is Verdict.MASK and card.operator == "mask"
    return dict(card.params)


@pytest.mark.parametrize(
    ("pack", "cls", "purpose", "params"),
    [
        # analytics: last 4 only (a first-6 + last-4 card is unique for nearly every row)
        ("voipms", "analytics_vendor", "service_quality", LAST_FOUR),
        # marketing with the customer's agreement: last 4 only
        ("voipms", "marketing_partner", "consent", LAST_FOUR),
        ("legacysip", "marketing_partner", "consent", LAST_FOUR),
        # a debt collector and Voip.ms's own staff: last 4 only, no grant
        ("voipms", "debt_collector", "debt_recovery", LAST_FOUR),
        ("voipms", "internal", "order_processing", LAST_FOUR),
        # a payment processor is granted card_first_six (§6, orders): issuer number kept
        ("voipms", "payment_processor", "complaint_handling", SIX_AND_FOUR),
        # LegacySIP grants it to nobody
        ("legacysip", "payment_processor", "consent", LAST_FOUR),
    ],
)
def test_card_digits_by_recipient_class(
    pack: str, cls: str, purpose: str, params: dict[str, int]
) -> None:
    """The masked card shows the digits the recipient class may see, and the reason says so."""
    assert _card(pack, cls, purpose) == params


def test_reason_names_the_grant() -> None:
    """A card keeping its first 6 digits says which grant allows it; last-4 cards say so too."""
    spec = delivery("payment_processor", "complaint_handling", "billing")
    (card,) = evaluate_delivery(bundled("voipms"), spec, CARD, "billing").fields
    assert card.reason.endswith(
        "the card shows its first 6 and last 4 digits (card_first_six granted by § 6. Your assent)"
    )
    spec = delivery("analytics_vendor", "service_quality", "billing")
    (card,) = evaluate_delivery(bundled("voipms"), spec, CARD, "billing").fields
    assert card.reason.endswith("the card shows its last 4 digits only")


def _card_pack(grant: bool, rule: dict[str, Any]) -> dict[str, Any]:
    data = mini_pack()  # financial.payment_card comes from the taxonomy
    if grant:
        data["recipient_classes"]["analytics_vendor"]["card_first_six"] = {"citation": CITE}
    data["rules"].append({"recipient_class": "analytics_vendor", "purpose": "*",
                          "category": "financial", "citation": CITE, **rule})  # fmt: skip
    return data


def test_a_rule_may_not_keep_first_digits_without_the_grant(tmp_path: Path) -> None:
    """keep_first on cards for a class without card_first_six is refused when the pack loads."""
    rule = {"verdict": "mask", "operator": "mask", "params": {"keep_first": 6, "keep_last": 4}}
    path = write_yaml(tmp_path / "pack.yaml", _card_pack(False, rule))
    with pytest.raises(PackError) as err:
        load_pack(path)
    assert str(err.value).replace(f"{path}: ", "").splitlines() == [
        "rules[1].params.keep_first: masked payment cards (financial.payment_card) keep their "
        "first digits only for recipient classes granted card_first_six, and recipient class "
        "'analytics_vendor' is not; remove keep_first (the last 4 digits only), or add "
        "card_first_six: {citation: {section: ..., quote: ...}} to the recipient class quoting "
        "the clause that allows it"
    ]


def test_a_rule_may_not_show_more_than_six_and_four(tmp_path: Path) -> None:
    """Even with the grant, a card never shows more than its first 6 and last 4 digits."""
    rule = {"verdict": "mask", "operator": "mask", "params": {"keep_last": 6}}
    path = write_yaml(tmp_path / "pack.yaml", _card_pack(True, rule))
    with pytest.raises(PackError) as err:
        load_pack(path)
    assert str(err.value).replace(f"{path}: ", "").splitlines() == [
        "rules[1].params: masked payment cards (financial.payment_card) show at most the first "
        "6 and last 4 digits (PCI DSS); lower keep_first/keep_last, or narrow the rule's category"
    ]


@pytest.mark.parametrize(
    ("grant", "rule", "params"),
    [
        # granted, the category default keeps the issuer number
        (True, {"verdict": "mask"}, SIX_AND_FOUR),
        # granted, but the rule asks for the last 4 only: the rule's digits stand
        (True, {"verdict": "mask", "operator": "mask", "params": {"keep_last": 4}}, LAST_FOUR),
        # granted and asked for explicitly
        (True, {"verdict": "mask", "operator": "mask", "params": {"keep_first": 6}}, SIX_AND_FOUR),
        # not granted: the default is the last 4
        (False, {"verdict": "mask"}, LAST_FOUR),
        # a pseudonymize verdict on cards is carried out by the (stricter) mask: last 4
        (False, {"verdict": "pseudonymize"}, LAST_FOUR),
    ],
)
def test_grant_and_rule_params(
    tmp_path: Path, grant: bool, rule: dict[str, Any], params: dict[str, int]
) -> None:
    """The grant sets the default; a rule naming the mask operator decides its own digits."""
    pack = load_pack(write_yaml(tmp_path / "pack.yaml", _card_pack(grant, rule)))
    decision = evaluate_delivery(pack, delivery("analytics_vendor", "service_quality"), CARD,
                                 "billing")  # fmt: skip
    assert dict(decision.fields[0].params) == params


def test_grant_citations_are_verified(tmp_path: Path, seeds_dir: Path) -> None:
    """A grant's quote is checked against the seed like every other citation."""
    data = _card_pack(True, {"verdict": "mask"})
    data["recipient_classes"]["analytics_vendor"]["card_first_six"] = {
        "citation": {"section": "6", "quote": "not in the policy"}
    }
    pack = load_pack(write_yaml(tmp_path / "pack.yaml", data))
    assert [p.split(": ", 1)[1] for p in verify_citations(pack, seeds_dir)] == [
        "recipient_classes.analytics_vendor.card_first_six.citation: quote is not verbatim in "
        "003_d865ffb7cb5e7536.txt; copy it exactly (typographic apostrophes, double spaces)"
    ]
