"""Billing export rows: one invoice per row, customers cycling through the population."""

from __future__ import annotations

import random
import zlib
from collections.abc import Iterator

import pyarrow as pa

from detectors import entities as E
from synthetic.company import COMPANY
from synthetic.people import Person, person
from synthetic.phones import TEXT_STYLES, text_format
from synthetic.population import Population
from synthetic.randomness import blocks, python_stream
from synthetic.text import Span, TextBuilder, Value
from synthetic.vocabulary import FIRST_NAMES, LAST_NAMES

COLUMN_LABELS: dict[str, list[str]] = {
    "customer_id": [E.ACCOUNT_NUMBER],
    "name": [E.PERSON],
    "email": [E.EMAIL_ADDRESS],
    "phone": [E.PHONE_NUMBER],
    "street": [E.STREET_ADDRESS],
    "city": [E.LOCATION],
    "region": [],
    "postal_code": [E.POSTAL_CODE],
    "country": [],
    "birth_date": [E.DATE_OF_BIRTH],
    "card_number": [E.CREDIT_CARD],
    "card_expiry": [E.CARD_EXPIRY],
    "iban": [E.IBAN_CODE],
    "plan": [],
    "amount": [],
    "currency": [],
    "invoice_date": [E.BILLING_DATE],
    "mailing_opt_in": [],
    "third_party_consent": [],
    "notes": [],
}
FREE_TEXT_COLUMNS = ("notes",)
SCHEMA = pa.schema([(c, pa.string()) for c in COLUMN_LABELS])
PLANS = (
    ("Basic Voice", "19.99"), ("Unlimited Canada/US", "34.99"), ("Business SIP Trunk", "89.00"),
    ("International Plus", "49.50"), ("Fax to Email", "9.95"),
)
HARMLESS_NOTES = (
    "Upgraded plan.", "Autopay enabled.", "Paperless billing.", "Late fee waived once.",
    "Promo applied for 3 months.", "Downgraded after review.", "Invoice re-sent.",
    f"Called {COMPANY.name} support about outage credit.",
)
PERSONAL_NOTES = (
    "Customer asked to call back at {phone} after 5pm.",
    "Spouse {other} is authorized on the account.",
    "New email: {email}",
    "Moved to {street}, {city}.",
    "Port-in of {phone} completed.",
    "Verified caller with DOB {dob}.",
    "Prefers French. Reach {first} at {email} or {phone}.",
    "Disputed charge; spoke with {name}.",
    "Card updated to {card}.",
    "Refund to IBAN {iban} requested.",
)


def _note(rng: random.Random, who: Person) -> TextBuilder:
    builder = TextBuilder()
    roll = rng.random()
    if roll < 0.4:
        return builder
    if roll < 0.65:
        builder.literal(rng.choice(HARMLESS_NOTES))
        return builder
    template = rng.choice(PERSONAL_NOTES)
    if "{iban}" in template and not who.iban:
        template = PERSONAL_NOTES[0]
    other = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
    email = who.email.upper() if rng.random() < 0.1 else who.email
    builder.template(template, {
        "phone": Value(text_format(who.phone, rng.randrange(TEXT_STYLES)), E.PHONE_NUMBER),
        "other": Value(other, E.PERSON),
        "email": Value(email, E.EMAIL_ADDRESS),
        "street": Value(who.street, E.STREET_ADDRESS),
        "city": Value(who.city.name, E.LOCATION),
        "dob": Value(who.birth_date, E.DATE_OF_BIRTH),
        "first": Value(who.first_name, E.PERSON),
        "name": Value(who.name, E.PERSON),
        "card": Value(who.card_number, E.CREDIT_CARD),
        "iban": Value(who.iban, E.IBAN_CODE),
    })
    return builder


def _third_party_consent(who: Person) -> str:
    """About 30% of customers agreed to disclosure to third parties; a customer's answer is the
    same on every invoice (derived from the account, so other columns' draws are unchanged)."""
    return "true" if zlib.crc32(who.account.encode()) % 10 < 3 else "false"


def _row(rng: random.Random, who: Person, month: int) -> tuple[list[str], list[Span]]:
    plan, amount = rng.choice(PLANS)
    note = _note(rng, who)
    year, mon = 2026 + month // 12, month % 12 + 1
    values = [
        who.account, who.name, who.email, text_format(who.phone, rng.randrange(TEXT_STYLES)),
        who.street, who.city.name, who.city.region, who.postal_code, who.city.country,
        who.birth_date, who.card_number, who.card_expiry, who.iban, plan, amount,
        "CAD" if who.city.country == "CA" else "USD", f"{year}-{mon:02d}-{rng.randint(1, 28):02d}",
        "true" if rng.random() < 0.4 else "false", _third_party_consent(who), note.text(),
    ]
    return values, note.spans


def billing_batches(
    pop: Population, rows: int, seed: int
) -> Iterator[tuple[pa.RecordBatch, list[dict[str, object]]]]:
    """Batches of invoices with the spans planted in `notes` (rows numbered from 0)."""
    for block, first, n in blocks(rows):
        rng = python_stream(seed, "billing", block)
        columns: list[list[str]] = [[] for _ in COLUMN_LABELS]
        spans: list[dict[str, object]] = []
        for row in range(first, first + n):
            values, planted = _row(rng, person(seed, pop, row % pop.size), row // pop.size)
            for column, value in zip(columns, values, strict=True):
                column.append(value)
            spans += [
                {"row": row, "field": "notes", "start": s.start, "end": s.end,
                 "entity_type": s.entity_type}
                for s in planted
            ]
        yield pa.RecordBatch.from_arrays([pa.array(c, pa.string()) for c in columns],
                                         schema=SCHEMA), spans
