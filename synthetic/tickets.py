"""Support tickets (JSONL) written the way customers write, with exact entity offsets."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from datetime import UTC, datetime

from detectors import entities as E
from synthetic import identifiers
from synthetic import ticket_templates as T
from synthetic.company import COMPANY
from synthetic.people import Person, PersonCache
from synthetic.phones import TEXT_STYLES, text_format
from synthetic.population import Population
from synthetic.randomness import blocks, python_stream
from synthetic.text import LazyValues, TextBuilder, Value
from synthetic.vocabulary import FIRST_NAMES, LAST_NAMES

COLUMN_LABELS: dict[str, list[str]] = {
    "ticket_id": [],
    "created_at": [E.DATE_TIME],
    "customer_id": [E.ACCOUNT_NUMBER],
    "channel": [],
    "subject": [],
    "body": [],
}
FREE_TEXT_COLUMNS = ("subject", "body")
CHANNELS = ("email", "phone", "web")
NEUTRAL_SHARE = 0.25
START_EPOCH = 1_767_225_600  # 2026-01-01 00:00:00 UTC
SPAN_SECONDS = 180 * 86_400  # tickets spread over half a year, in file order


def _email(rng: random.Random, who: Person) -> str:
    """Mostly as stored (lowercase); sometimes typed with capitals."""
    if rng.random() < 0.1:
        local, _, domain = who.email.partition("@")
        return f"{local.title()}@{domain.title()}"
    return who.email


def _sip(rng: random.Random, who: Person) -> str:
    """`sip:`/`sips:` + E.164 (or bare NANP digits) + @ + PBX host or the customer's IP."""
    scheme = "sips:" if rng.random() < 0.15 else "sip:"
    bare = rng.random() < 0.5 and who.phone.startswith("+1")
    number = who.phone[1:] if bare else who.phone
    own_host = f"[{who.ip}]" if ":" in who.ip else who.ip
    return f"{scheme}{number}@{rng.choice(('pbx.example.net', 'sip.example.net', own_host))}"


def _values(rng: random.Random, who: Person) -> LazyValues:
    """Every slot a template may use, with its entity type (None = not personal)."""
    return LazyValues({
        "name": lambda: Value(who.name, E.PERSON),
        "first": lambda: Value(who.first_name, E.PERSON),
        "other": lambda: Value(f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}", E.PERSON),
        "phone": lambda: Value(text_format(who.phone, rng.randrange(TEXT_STYLES)),
                               E.PHONE_NUMBER),
        "account": lambda: Value(who.account, E.ACCOUNT_NUMBER),
        "email": lambda: Value(_email(rng, who), E.EMAIL_ADDRESS),
        "street": lambda: Value(who.street, E.STREET_ADDRESS),
        "city": lambda: Value(who.city.name, E.LOCATION),
        "region": lambda: Value(who.city.region),
        "postal": lambda: Value(who.postal_code, E.POSTAL_CODE),
        "ip": lambda: Value(who.ip if rng.random() < 0.8 else identifiers.ipv4(rng),
                            E.IP_ADDRESS),
        "ipv6": lambda: Value(identifiers.ipv6(rng), E.IP_ADDRESS),
        "sip": lambda: Value(_sip(rng, who), E.SIP_URI),
        "imei": lambda: Value(who.imei, E.IMEI),
        "card": lambda: Value(who.card_number, E.CREDIT_CARD),
        "expiry": lambda: Value(who.card_expiry, E.CARD_EXPIRY),
        "pin": lambda: Value(who.pin, E.VOICEMAIL_PIN),
        "password": lambda: Value(who.password, E.PASSWORD),
        "mac": lambda: Value(who.mac, E.MAC_ADDRESS),
        "iban": lambda: Value(who.iban or identifiers.iban(rng), E.IBAN_CODE),
        "company": lambda: Value(rng.choice((COMPANY.name, COMPANY.short_name))),
        "support_phone": lambda: Value(rng.choice(COMPANY.support_numbers)),
        "support_email": lambda: Value(rng.choice(COMPANY.support_emails)),
        "website": lambda: Value(COMPANY.website),
    })


def _body(rng: random.Random, values: LazyValues, neutral: bool, channel: str
          ) -> TextBuilder:
    body = TextBuilder()
    if channel == "phone" and not neutral and rng.random() < 0.5:
        body.template(rng.choice(T.AGENT_NOTES), values)
        body.literal(" ")
        body.template(rng.choice(T.NEUTRAL), values)
        return body
    body.template(rng.choice(T.GREETINGS), values)
    count = rng.randint(2, 5)
    personal = 0 if neutral else rng.randint(1, count)
    sentences = rng.sample(T.PERSONAL, personal) + rng.sample(T.NEUTRAL, count - personal)
    rng.shuffle(sentences)  # no sentence twice in one ticket
    for i, sentence in enumerate(sentences):
        if i:
            body.literal(rng.choice((" ", " ", "\n", "  ")))
        body.template(sentence, values)
    body.template(rng.choice(T.NEUTRAL_SIGNATURES if neutral else T.SIGNATURES), values)
    return body


def ticket_lines(
    pop: Population, rows: int, seed: int
) -> Iterator[tuple[list[str], list[dict[str, object]]]]:
    """Blocks of JSON lines with the spans planted in `subject` and `body`."""
    people = PersonCache(seed, pop)
    for block, first, n in blocks(rows):
        rng = python_stream(seed, "tickets", block)
        lines: list[str] = []
        spans: list[dict[str, object]] = []
        for row in range(first, first + n):
            who = people.get(rng.randrange(pop.size))
            values = _values(rng, who)
            neutral = rng.random() < NEUTRAL_SHARE
            channel = rng.choice(CHANNELS)
            subject = TextBuilder()
            subject.template(rng.choice(T.NEUTRAL_SUBJECTS if neutral else T.SUBJECTS), values)
            body = _body(rng, values, neutral, channel)
            created = START_EPOCH + row * SPAN_SECONDS // rows + rng.randrange(600)
            record = {
                "ticket_id": f"T-{row + 1:06d}",
                "created_at": _iso(created),
                "customer_id": who.account,
                "channel": channel,
                "subject": subject.text(),
                "body": body.text(),
            }
            lines.append(json.dumps(record, ensure_ascii=False))
            for field, builder in (("subject", subject), ("body", body)):
                spans += [
                    {"row": row, "field": field, "start": s.start, "end": s.end,
                     "entity_type": s.entity_type}
                    for s in builder.spans
                ]
        yield lines, spans



def _iso(epoch: int) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
