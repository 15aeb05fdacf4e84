"""Ticket and note templates only use slots the generator fills."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from synthetic import billing
from synthetic import ticket_templates as T
from synthetic.text import TextBuilder, Value, slots

TICKET_SLOTS = {
    "name", "first", "other", "phone", "account", "email", "street", "city", "region", "postal",
    "ip", "ipv6", "sip", "imei", "card", "expiry", "pin", "password", "mac", "iban", "company",
    "support_phone", "support_email", "website",
}
POOLS = {
    "GREETINGS": T.GREETINGS, "PERSONAL": T.PERSONAL, "NEUTRAL": T.NEUTRAL,
    "AGENT_NOTES": T.AGENT_NOTES, "SIGNATURES": T.SIGNATURES,
    "NEUTRAL_SIGNATURES": T.NEUTRAL_SIGNATURES, "SUBJECTS": T.SUBJECTS,
    "NEUTRAL_SUBJECTS": T.NEUTRAL_SUBJECTS,
}
COMPANY_SLOTS = {"company", "support_phone", "support_email", "website"}


@pytest.mark.parametrize("pool", sorted(POOLS))
def test_ticket_slots_are_known(pool: str) -> None:
    """Every slot in every ticket template is one `tickets._values` fills."""
    for template in POOLS[pool]:
        assert slots(template) <= TICKET_SLOTS, template


@pytest.mark.parametrize("pool", ["NEUTRAL", "NEUTRAL_SIGNATURES", "NEUTRAL_SUBJECTS"])
def test_neutral_templates_plant_no_personal_data(pool: str) -> None:
    """Neutral templates only name the provider itself."""
    for template in POOLS[pool]:
        assert slots(template) <= COMPANY_SLOTS, template


def test_there_are_dozens_of_templates() -> None:
    """Enough variety that detectors cannot learn the sentences."""
    assert len(T.PERSONAL) + len(T.NEUTRAL) + len(T.AGENT_NOTES) >= 60


def test_builder_offsets_cover_exactly_the_values() -> None:
    """Offsets recorded while building point at the inserted values; literals are unlabelled."""
    builder = TextBuilder()
    builder.template("Zoë says: call {phone}, or {company}.", {
        "phone": Value("514 555 0123", "PHONE_NUMBER"),
        "company": Value("Northwind Voice"),
    })
    text = builder.text()
    assert [(text[s.start : s.end], s.entity_type) for s in builder.spans] == [
        ("514 555 0123", "PHONE_NUMBER")
    ]


def test_billing_note_slots_are_known() -> None:
    """Billing note templates only use the slots `billing._note` fills."""
    known = {"phone", "other", "email", "street", "city", "dob", "first", "name", "card", "iban"}
    for template in billing.PERSONAL_NOTES:
        assert slots(template) <= known, template


_PIECES = st.lists(
    st.tuples(
        st.text(max_size=8),  # literal before the value (may hold braces or non-ASCII)
        st.text(min_size=1, max_size=12),
        st.sampled_from([None, "PERSON", "EMAIL_ADDRESS", "PASSWORD"]),
    ),
    max_size=6,
)


@given(_PIECES)
def test_offsets_hold_for_any_pieces(pieces: list[tuple[str, str, str | None]]) -> None:
    """Whatever the text, every span slices out exactly the value that was appended."""
    builder = TextBuilder()
    planted = []
    for literal, value, entity in pieces:
        builder.literal(literal)
        builder.value(Value(value, entity))
        if entity is not None:
            planted.append((value, entity))
    text = builder.text()
    assert [(text[s.start : s.end], s.entity_type) for s in builder.spans] == planted
