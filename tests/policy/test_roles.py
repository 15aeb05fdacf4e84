"""Roles in the taxonomy and the quasi-identifiers a delivery's risk is measured over."""

from __future__ import annotations

from pathlib import Path

import pytest
from policy_fakes import Field, bundled, delivery, mini_pack, personal, write_yaml

from policy import PackError, bundled_packs, evaluate_delivery, load_pack
from policy.roles import Role, named_quasi_identifier
from policy.taxonomy import default_role


@pytest.mark.parametrize(
    ("category", "role"),
    [
        ("contact.phone", Role.DIRECT_IDENTIFIER),
        ("contact.postal", Role.QUASI_IDENTIFIER),
        ("identity.birth_date", Role.QUASI_IDENTIFIER),
        ("call_records.time", Role.QUASI_IDENTIFIER),
        ("location.city", Role.QUASI_IDENTIFIER),
        ("credentials.secret", Role.SENSITIVE),
        ("communication.content", Role.OTHER),
        ("made.up", Role.OTHER),
        (None, Role.OTHER),
    ],
)
def test_default_roles_by_longest_prefix(category: str | None, role: Role) -> None:
    assert default_role(category) is role


@pytest.mark.parametrize(
    ("column", "quasi"),
    [("plan", True), ("total_amount", True), ("invoice_date", True), ("zip", True),
     ("planet", False), ("duration", False), ("calls", False)],
)  # fmt: skip
def test_quasi_identifiers_by_name(column: str, quasi: bool) -> None:
    assert named_quasi_identifier(column) is quasi


@pytest.mark.parametrize("name", bundled_packs())
def test_every_bundled_category_has_the_taxonomy_role(name: str) -> None:
    """Bundled packs change no role: each category plays the part the taxonomy gives it."""
    pack = bundled(name)
    roles = {key: c.role for key, c in pack.categories.items()}
    assert roles["contact.postal"] is Role.QUASI_IDENTIFIER
    assert roles["identity.name"] is Role.DIRECT_IDENTIFIER
    assert all(role is default_role(key) for key, role in roles.items())


def test_a_pack_may_change_a_role(tmp_path: Path) -> None:
    data = mini_pack(categories={"contact.phone": {"role": "quasi_identifier"}})
    pack = load_pack(write_yaml(tmp_path / "mini.yaml", data))
    assert pack.role_for("contact.phone") is Role.QUASI_IDENTIFIER
    assert pack.role_for("contact.email") is Role.DIRECT_IDENTIFIER


def test_an_unknown_role_is_a_pack_error(tmp_path: Path) -> None:
    data = mini_pack(categories={"contact.phone": {"role": "identifier-ish"}})
    with pytest.raises(PackError, match="role"):
        load_pack(write_yaml(tmp_path / "mini.yaml", data))


def test_delivery_measures_risk_over_delivered_quasi_identifiers() -> None:
    fields = (
        personal("postal", "POSTAL_CODE"),
        personal("start", "DATE_TIME"),
        personal("src", "PHONE_NUMBER"),
        Field("plan"),
        Field("duration"),
        Field("tier_code"),
    )
    spec = delivery("analytics_vendor", "service_quality")
    decision = evaluate_delivery(bundled("voipms"), spec, fields, "cdr",
                                 quasi_identifiers=["tier_code"])  # fmt: skip
    # generalized postal code and call time, `plan` by its name, `tier_code` declared; the
    # pseudonymized phone is a direct identifier and the duration nothing
    assert decision.quasi_identifiers == ("postal", "start", "plan", "tier_code")
    assert decision.min_k == bundled("voipms").recipient_class("analytics_vendor").min_k
