"""Every labelled span in billing notes and ticket texts holds an entity of its labelled kind."""

from __future__ import annotations

import ipaddress
import re
from collections import defaultdict
from collections.abc import Callable

import pytest

import synthetic
from detectors.validators import card_number_valid, iban_valid, imei_valid, parse_phone
from synthetic.vocabulary import CITIES, FIRST_NAMES, LAST_NAMES

DOC_NETS = [ipaddress.ip_network(n) for n in
            ("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24", "2001:db8::/32")]
NAMES = set(FIRST_NAMES) | {f"{f} {la}" for f in FIRST_NAMES for la in LAST_NAMES}


def _ip(text: str) -> bool:
    return any(ipaddress.ip_address(text) in net for net in DOC_NETS)


CHECKS: dict[str, Callable[[str], bool]] = {
    "PERSON": NAMES.__contains__,
    "EMAIL_ADDRESS": re.compile(r"[\w.+-]+@(?:mail\.)?example\.(?:com|org)", re.I).fullmatch,
    "PHONE_NUMBER": lambda t: parse_phone(t) is not None,
    "CREDIT_CARD": card_number_valid,
    "CARD_EXPIRY": re.compile(r"(?:0[1-9]|1[0-2])/\d\d|20\d\d-(?:0[1-9]|1[0-2])").fullmatch,
    "IBAN_CODE": iban_valid,
    "IMEI": lambda t: t.isdigit() and len(t) == 15 and imei_valid(t),
    "IP_ADDRESS": _ip,
    "SIP_URI": lambda t: re.fullmatch(r"sips?:\+?\d+@\S+", t) is not None
    and parse_phone(t.split(":", 1)[1].split("@")[0]) is not None,
    "MAC_ADDRESS": re.compile(r"[0-9A-F]{2}([:-])[0-9A-F]{2}(?:\1[0-9A-F]{2}){4}", re.I).fullmatch,
    "STREET_ADDRESS": re.compile(r"\d{1,4} \S.*").fullmatch,
    "POSTAL_CODE": re.compile(r"[A-Z]\d[A-Z] \d[A-Z]\d|\d{5}(?:-\d{4})?").fullmatch,
    "LOCATION": {c.name for c in CITIES}.__contains__,
    "ACCOUNT_NUMBER": re.compile(r"ACCT-\d{8}").fullmatch,
    "VOICEMAIL_PIN": re.compile(r"\d{4,6}").fullmatch,
    "PASSWORD": lambda t: bool(t) and not any(ch.isspace() for ch in t),
    "DATE_OF_BIRTH": re.compile(r"(?:19|20)\d\d-\d\d-\d\d").fullmatch,
}


def _spans_by_cell(labels: dict) -> dict[tuple[int, str], list[dict]]:
    cells: dict[tuple[int, str], list[dict]] = defaultdict(list)
    for span in labels["spans"]:
        cells[(span["row"], span["field"])].append(span)
    return cells


@pytest.mark.parametrize("kind", ["billing", "tickets"])
def test_span_text_is_the_labelled_kind(rows, labels, kind: str) -> None:
    """Each span's text passes its entity's validator; spans are ordered and never overlap."""
    for (row, field), spans in _spans_by_cell(labels[kind]).items():
        assert field in labels[kind]["free_text_columns"]
        text = rows[kind][row][field]
        previous_end = 0
        for span in spans:
            value = text[span["start"] : span["end"]]
            assert previous_end <= span["start"] < span["end"] <= len(text)
            assert value == value.strip()
            assert CHECKS[span["entity_type"]](value), (span["entity_type"], row, field)
            previous_end = span["end"]


def test_ticket_mix(rows, labels) -> None:
    """About a quarter of tickets hold no personal data; every entity kind gets planted."""
    tickets = rows["tickets"]
    cells = _spans_by_cell(labels["tickets"])
    without = sum(1 for r in range(len(tickets)) if not cells[(r, "body")] and
                  not cells[(r, "subject")])
    assert 0.15 * len(tickets) <= without <= 0.35 * len(tickets)
    planted = {s["entity_type"] for s in labels["tickets"]["spans"]}
    assert planted >= set(CHECKS) - {"DATE_OF_BIRTH"}


def test_ticket_account_spans_name_the_customer(rows, labels) -> None:
    """An account number planted in a ticket is the ticket's own customer_id."""
    for span in labels["tickets"]["spans"]:
        if span["entity_type"] == "ACCOUNT_NUMBER":
            ticket = rows["tickets"][span["row"]]
            assert ticket[span["field"]][span["start"] : span["end"]] == ticket["customer_id"]


def test_company_mentions_are_not_labelled(rows, labels) -> None:
    """Tickets mention the provider's own name and support line, outside every span."""
    company = synthetic.COMPANY
    own = (company.name, *company.support_numbers, *company.support_emails)
    mentions = 0
    cells = _spans_by_cell(labels["tickets"])
    for row, ticket in enumerate(rows["tickets"]):
        for field in ("subject", "body"):
            text = ticket[field]
            for value in own:
                start = text.find(value)
                if start < 0:
                    continue
                mentions += 1
                for span in cells[(row, field)]:
                    assert span["end"] <= start or span["start"] >= start + len(value)
    assert mentions >= 10


def test_billing_notes_mix(rows, labels) -> None:
    """Billing notes: many empty, some harmless, some with labelled personal data."""
    notes = [r["notes"] for r in rows["billing"]]
    with_spans = {s["row"] for s in labels["billing"]["spans"]}
    empty = sum(1 for n in notes if not n)
    harmless = sum(1 for i, n in enumerate(notes) if n and i not in with_spans)
    assert 0.3 * len(notes) <= empty <= 0.5 * len(notes)
    assert harmless > 0.1 * len(notes) and len(with_spans) > 0.2 * len(notes)


# Shapes that must never appear outside a labelled span (the provider's own details aside).
LEAK_PATTERNS = {
    "EMAIL_ADDRESS": re.compile(r"@(?:mail\.)?example\.(?:com|org)", re.I),
    "ACCOUNT_NUMBER": re.compile(r"ACCT-\d"),
    "SIP_URI": re.compile(r"sips?:"),
    "IP_ADDRESS": re.compile(r"(?:192\.0\.2|198\.51\.100|203\.0\.113)\.\d|2001:db8:"),
    "PHONE_NUMBER": re.compile(r"555[-. ]?01\d\d"),
    "CARD_OR_IMEI": re.compile(r"\d{4}[ -]?\d{4}[ -]?\d{4}"),
}


@pytest.mark.parametrize("kind", ["billing", "tickets"])
def test_nothing_personal_outside_spans(rows, labels, kind: str) -> None:
    """With spans and the company's own details blanked, no personal shape is left in the text."""
    company = synthetic.COMPANY
    own = sorted((*company.support_numbers, *company.support_emails, company.website), key=len,
                 reverse=True)
    cells = _spans_by_cell(labels[kind])
    for row, record in enumerate(rows[kind]):
        for field in labels[kind]["free_text_columns"]:
            text = record[field]
            for span in sorted(cells[(row, field)], key=lambda s: s["start"], reverse=True):
                text = text[: span["start"]] + "\x00" + text[span["end"] :]
            for value in own:
                text = text.replace(value, "\x00")
            for entity, pattern in LEAK_PATTERNS.items():
                assert not pattern.search(text), (entity, row, field)
