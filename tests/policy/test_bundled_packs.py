"""Invariants of the bundled packs: they load, quote their seeds verbatim, and stay consistent."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from detectors.entities import ALL_ENTITIES
from policy import OperatorName, UnknownNameError, bundled_packs, load_pack, verify_citations
from policy.citations import pack_citations

PACKS = tuple(sorted(bundled_packs()))  # every pack shipped, so a new one is checked unnamed
RECIPIENT_CLASSES = {
    "internal", "payment_processor", "debt_collector", "law_enforcement",
    "order_fulfilment_provider", "analytics_vendor", "marketing_partner",
}


def test_bundled_packs_are_listed() -> None:
    """Both packs ship inside the package."""
    assert {"voipms", "legacysip"} <= set(PACKS)


@pytest.mark.parametrize("name", PACKS)
def test_pack_loads_with_identity(name: str) -> None:
    """A pack loads by name and carries its name, version and the SHA-256 of its bytes."""
    pack = load_pack(name)
    assert pack.name == name
    assert pack.version == "1.0.0"
    assert pack.sha256 == hashlib.sha256(pack.path.read_bytes()).hexdigest()


@pytest.mark.parametrize("name", PACKS)
def test_pack_loads_by_path(name: str) -> None:
    """A path loads the same pack as the bundled name."""
    assert load_pack(str(load_pack(name).path)).sha256 == load_pack(name).sha256


@pytest.mark.parametrize("name", PACKS)
def test_every_quote_is_verbatim_in_its_seed(name: str, seeds_dir: Path) -> None:
    """Every purpose and rule quote is an exact substring of the seed text."""
    pack = load_pack(name)
    for where, citation in pack_citations(pack):
        text = (seeds_dir / citation.seed).read_text(encoding="utf-8")
        assert citation.quote in text, where
    assert verify_citations(pack, seeds_dir) == []


@pytest.mark.parametrize("name", PACKS)
def test_every_category_has_its_parent(name: str) -> None:
    """Dotted categories form a tree: each parent is declared."""
    pack = load_pack(name)
    for key in pack.categories:
        parent = key.rpartition(".")[0]
        assert not parent or parent in pack.categories, key


@pytest.mark.parametrize("name", PACKS)
def test_entity_types_come_from_the_shared_vocabulary(name: str) -> None:
    """Categories only name entity types that detectors know."""
    pack = load_pack(name)
    for category in pack.categories.values():
        assert set(category.entity_types) <= ALL_ENTITIES, category.key


@pytest.mark.parametrize("name", PACKS)
def test_every_operator_named_is_known(name: str) -> None:
    """Rules only name registered operators."""
    known = {str(o) for o in OperatorName}
    for rule in load_pack(name).rules:
        assert rule.operator is None or str(rule.operator) in known


@pytest.mark.parametrize("name", PACKS)
def test_required_recipient_classes(name: str) -> None:
    """Each pack declares the recipient classes deliveries use, with a third-party flag."""
    pack = load_pack(name)
    assert set(pack.recipient_classes) >= RECIPIENT_CLASSES
    assert not pack.recipient_class("internal").third_party
    assert pack.recipient_class("debt_collector").third_party


def test_voipms_purposes() -> None:
    """Section 3's eight uses and section 6's disclosures, complaint_handling being both."""
    pack = load_pack("voipms")
    assert set(pack.purposes) == {
        "identify_customer", "personalize_content", "site_updates", "improve_content",
        "marketing", "order_processing", "complaint_handling", "service_quality",
        "consent", "legal_process", "order_fulfilment", "debt_recovery", "sale",
    }
    complaints = pack.purpose("complaint_handling")
    assert complaints.is_disclosure
    assert complaints.citation.section == "3. Use of personal information (7)"
    assert complaints.basis_citation.section == "6. Your assent"
    assert pack.purpose("sale").refused
    assert pack.purpose("legal_process").requires.legal_basis


def test_legacysip_purposes() -> None:
    """Use only as submitted; mailing list needs opt-in; releases as listed."""
    pack = load_pack("legacysip")
    assert {"billing", "complaint_handling", "reply_to_customer", "mailing_list",
            "legal_process", "fraud_investigation", "regulatory_request",
            "harm_prevention"} <= set(pack.purposes)
    assert pack.purpose("mailing_list").requires.consent_column == "mailing_opt_in"


@pytest.mark.parametrize(
    ("entity", "category"),
    [
        ("PHONE_NUMBER", "contact.phone"),
        ("CREDIT_CARD", "financial.payment_card"),
        ("IMSI", "network.device"),
        ("CA_SIN", "identity.account"),  # a government id: pseudonymized like account numbers
        ("VOICEMAIL_PIN", "credentials.secret"),
        ("NOT_AN_ENTITY", None),  # unknown entity types have no category: fail closed
    ],
)
def test_category_for(entity: str, category: str | None) -> None:
    """Each entity type maps to one leaf category."""
    assert load_pack("voipms").category_for(entity) == category


def test_unknown_names_list_the_known_ones() -> None:
    """Unknown purposes and bundled pack names say what exists."""
    with pytest.raises(UnknownNameError, match=r"'foo' is not a purpose of pack 'voipms'; known: "):
        load_pack("voipms").purpose("foo")
    with pytest.raises(UnknownNameError) as err:
        load_pack("nosuch")
    assert str(err.value) == (
        f"no bundled policy pack 'nosuch'; bundled: {', '.join(bundled_packs())}; "
        "or give the path to a pack file"
    )
