"""Default transforms per category (`policy/taxonomy.yaml`): the documented table, and never
looser than asked."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from policy_fakes import bundled

from policy import Verdict, bundled_packs, default_transform, load_taxonomy
from policy.operators import OPERATOR_VERDICT, parse_params
from policy.taxonomy import at_least, transforms_for

CATEGORIES = sorted(set(load_taxonomy().categories) | {"made.up", "contact.fax"})
TRANSFORMING = [Verdict.PSEUDONYMIZE, Verdict.GENERALIZE, Verdict.MASK, Verdict.REDACT,
                Verdict.DROP]


@pytest.mark.parametrize(
    ("category", "verdict", "operator", "params"),
    [
        # the table in docs/policy.md, row by row
        ("contact.phone", Verdict.PSEUDONYMIZE, "pseudonymize", {}),
        ("contact.email", Verdict.PSEUDONYMIZE, "pseudonymize", {}),
        ("identity.account", Verdict.PSEUDONYMIZE, "pseudonymize", {}),
        ("identity.name", Verdict.PSEUDONYMIZE, "pseudonymize", {}),
        ("network.sip_uri", Verdict.PSEUDONYMIZE, "pseudonymize", {}),
        ("network.device", Verdict.PSEUDONYMIZE, "pseudonymize", {}),
        ("network.ip", Verdict.GENERALIZE, "generalize", {"prefix": 24}),
        ("call_records.time", Verdict.GENERALIZE, "generalize", {"level": "hour"}),
        ("identity.birth_date", Verdict.GENERALIZE, "generalize", {"to": "year"}),
        ("contact.postal", Verdict.GENERALIZE, "generalize", {"to": "first_part"}),
        # last 4 only; the first 6 need a card_first_six grant (test_card_masking.py)
        ("financial.payment_card", Verdict.MASK, "mask", {"keep_first": 0, "keep_last": 4}),
        ("financial.bank_account", Verdict.REDACT, "redact", {}),
        ("credentials.secret", Verdict.DROP, "drop", {}),
        ("location.city", Verdict.REDACT, "redact", {}),
        # a category no table row names is redacted
        ("made.up", Verdict.REDACT, "redact", {}),
    ],
)
def test_default_table(
    category: str, verdict: Verdict, operator: str, params: dict[str, Any]
) -> None:
    """Each category's default transform."""
    found = default_transform(category)
    assert (found.verdict, str(found.operator), dict(found.params)) == (verdict, operator, params)


@given(st.sampled_from(CATEGORIES), st.sampled_from(TRANSFORMING))
def test_never_looser_than_asked(category: str, verdict: Verdict) -> None:
    """The chosen transform is at least as strict as the verdict and its operator fits it."""
    found = at_least(category, verdict)
    assert found.verdict.strictness >= verdict.strictness
    assert found.operator is not None
    assert OPERATOR_VERDICT[found.operator] is found.verdict
    assert parse_params(found.operator, found.params).as_dict() == dict(found.params)


def test_phone_generalizes_to_area_code() -> None:
    """A generalize verdict on a phone keeps the area code rather than redacting."""
    assert dict(at_least("contact.phone", Verdict.GENERALIZE).params) == {"to": "area_code"}



@pytest.mark.parametrize("name", bundled_packs())
@pytest.mark.parametrize("category", CATEGORIES)
def test_bundled_packs_default_as_the_taxonomy(name: str, category: str) -> None:
    """A bundled pack adds no transforms of its own: its defaults are the taxonomy's."""
    assert bundled(name).transforms_for(category) == transforms_for(category)
