"""Purposes as shared data uses: one name means the same under every bundled pack."""

from __future__ import annotations

from pathlib import Path

import pytest
from policy_fakes import bundled, delivery, personal

from policy import (
    DeliveryStatus,
    Verdict,
    bundled_packs,
    evaluate_delivery,
    load_config,
    load_taxonomy,
)
from policy.pack import within

PACKS = bundled_packs()  # every pack shipped, so a new one is checked unnamed
BILLING = (personal("name", "PERSON"), personal("email", "EMAIL_ADDRESS"),
           personal("phone", "PHONE_NUMBER"), personal("mailing_opt_in"),
           personal("third_party_consent"))  # fmt: skip


@pytest.mark.parametrize("name", PACKS)
def test_every_purpose_serves_a_data_use_of_the_taxonomy(name: str) -> None:
    """A purpose's data use is a taxonomy key; a slug that is a data use serves that use."""
    uses = load_taxonomy().data_uses
    for purpose in bundled(name).purposes.values():
        assert purpose.data_use in uses, purpose.slug
        assert purpose.slug not in uses or within(purpose.data_use, purpose.slug), purpose.slug


@pytest.mark.parametrize("name", PACKS)
def test_a_data_use_served_once_names_that_purpose(name: str) -> None:
    """A delivery naming the data use decides exactly as one naming the purpose's slug."""
    pack = bundled(name)
    for purpose in pack.purposes.values():
        if len(pack.serving(purpose.data_use)) != 1:
            continue
        assert pack.purpose(purpose.data_use) == purpose
        for cls in pack.recipient_classes:
            by_slug = evaluate_delivery(pack, delivery(cls, purpose.slug), BILLING, "billing")
            by_use = evaluate_delivery(pack, delivery(cls, purpose.data_use), BILLING, "billing")
            assert by_use.fields == by_slug.fields and by_use.status is by_slug.status


@pytest.mark.parametrize("name", PACKS)
def test_marketing_is_known_to_every_pack_and_refused_to_every_third_party(name: str) -> None:
    """`purpose: marketing` names the pack's marketing purpose; no third party receives data
    for it, and the refusal cites a clause of the pack's seed."""
    pack = bundled(name)
    assert within(pack.purpose("marketing").data_use, "marketing")
    for cls in (c for c in pack.recipient_classes.values() if c.third_party):
        decision = evaluate_delivery(pack, delivery(cls.slug, "marketing"), BILLING, "billing")
        assert decision.status is DeliveryStatus.DENIED, cls.slug
        assert decision.citation.seed == pack.source.seed and decision.citation.quote


def test_legacysip_marketing_is_its_opt_in_mailing_list() -> None:
    """LegacySIP's only marketing is its mailing list: third parties are refused with the
    clause that refuses them; internally, opted-in rows with a name and an e-mail address."""
    pack = bundled("legacysip")
    denied = evaluate_delivery(pack, delivery("marketing_partner", "marketing"), BILLING, "billing")
    assert denied.purpose == "mailing_list"
    assert denied.denial_reasons[0] == (
        "recipient class 'marketing_partner' may not receive data for purpose 'marketing' (pack "
        "purpose 'mailing_list') (rules[0]: no recorded information goes to a third party "
        "without the customer's prior approval)")
    assert denied.citation.quote == (
        "NetCo will not in any way divulge any recorded information to any third party or any "
        "other provider of services whatsoever, without the prior approval by the customer.")
    internal = evaluate_delivery(pack, delivery("internal", "marketing"), BILLING, "billing")
    verdicts = {f.field: f.verdict for f in internal.fields}
    assert internal.status is DeliveryStatus.PROCEED
    assert (verdicts["name"], verdicts["email"], verdicts["phone"]) == (
        Verdict.ALLOW, Verdict.ALLOW, Verdict.DROP)
    assert [f.column for f in internal.row_filters] == ["mailing_opt_in"]


@pytest.mark.parametrize("name", PACKS)
def test_a_configuration_may_name_marketing_under_every_pack(name: str, tmp_path: Path) -> None:
    """Naming the data use is no configuration error under any pack."""
    path = tmp_path / "config.yaml"
    path.write_text(
        f"policy: {name}\n"
        "datasets:\n  - {name: billing, kind: billing, path: billing.csv}\n"
        "deliveries:\n"
        "  - {name: offers, dataset: billing, recipient: promo, recipient_class: "
        "marketing_partner, purpose: marketing}\n",
        encoding="utf-8",
    )
    assert load_config(path).deliveries[0].purpose == "marketing"
