"""Payment cards of every brand, length and grouping, found by `scan_texts` (issue 13).

Numbers are built for the tests: an issuer prefix, zeros, "1234" and the Luhn check digit.
"""

from __future__ import annotations

import pytest

from detectors.text import scan_texts
from detectors.validators import luhn_valid

CARD = "CREDIT_CARD"


def _card(prefix: str, length: int) -> str:
    """A Luhn-valid number of `length` digits starting with `prefix`."""
    body = (prefix + "0" * length)[: length - 5] + "1234"
    return next(body + d for d in "0123456789" if luhn_valid(body + d))


def _grouped(number: str, sizes: tuple[int, ...], sep: str = " ") -> str:
    parts, at = [], 0
    for size in sizes:
        parts.append(number[at : at + size])
        at += size
    return sep.join(parts)


BRANDS = [
    ("4", 16),  # Visa
    ("4", 13),  # Visa, 13 digits
    ("4", 19),  # Visa, 19 digits
    ("51", 16),  # Mastercard
    ("2223", 16),  # Mastercard 2-series
    ("37", 15),  # Amex
    ("36", 14),  # Diners, 14 digits
    ("6011", 16),  # Discover
    ("3530", 16),  # JCB
    ("1800", 15),  # JCB, 15 digits
    ("2131", 15),  # JCB, 15 digits
    ("62", 16),  # UnionPay
    ("62", 19),  # UnionPay, 19 digits
    ("2202", 16),  # Mir
    ("5018", 12),  # Maestro, 12 digits
    ("6304", 12),  # Maestro (Laser range), 12 digits
    ("6759", 19),  # Maestro, 19 digits
    ("286900", 16),  # Carnet
    ("7050", 17),  # BP Plus fleet card, 17 digits
    ("7006", 18),  # Routex fleet card, 18 digits
    ("7006", 19),  # Routex fleet card, 19 digits
]

GROUPINGS = [
    (_card("4", 16), (4, 4, 4, 4), " "),  # 4-4-4-4, spaces
    (_card("5", 16), (4, 4, 4, 4), "-"),  # 4-4-4-4, dashes
    (_card("34", 15), (4, 6, 5), " "),  # Amex 4-6-5
    (_card("36", 14), (4, 6, 4), "-"),  # Diners 4-6-4
    (_card("4", 19), (4, 4, 4, 4, 3), " "),  # 19 digits, 4-4-4-4-3
    (_card("5018", 12), (4, 4, 4), " "),  # Maestro 4-4-4
    (_card("2131", 15), (4, 4, 4, 3), " "),  # JCB 15, 4-4-4-3
    (_card("7050", 17), (5, 9, 3), " "),  # BP Plus 5-9-3
    (_card("7050", 17), (4, 8, 5), " "),  # BP Plus 4-8-5
    (_card("6011", 16), (3, 1, 1, 1, 2, 1, 1, 1, 1, 1, 1, 1, 1), " "),  # spaced as typed
    (_card("6011", 16), (2, 2, 2, 2, 2, 2, 2, 2), "  "),  # two spaces between pairs
]

NOT_CARDS = [
    "card 4000 0000 0000 1235",  # Luhn fails
    "order 1234567812345678",  # 16 digits, Luhn fails
    "ref 1000 0000 0000 0009",  # Luhn passes, no issuer starts with 10
    "handset IMEI 490154203237518",  # 15-digit IMEI: no 15-digit brand starts with 49
    "IMEI 352099001761481",  # TAC 35: not JCB at 15 digits
    "on 2024-03-15 10:22:33",  # a date and time
    "paid $1,234,567.89",  # an amount
    "call +1 202 555 0147 0000",  # a phone with "+"
    "id 046454287 on file",  # 9-digit id
    "steps 1 2 3 4 5 6 7 8 9 1 2 3 4 done",  # spaced digits of no issuer
    "fleet 70501234567890123 ref",  # 705 and 17 digits, Luhn fails
]


@pytest.mark.parametrize(("prefix", "length"), BRANDS)
def test_every_brand_is_found_in_a_column_and_in_text(prefix: str, length: int) -> None:
    """The plain number alone (a cell) and inside a sentence is one CREDIT_CARD span."""
    number = _card(prefix, length)
    text = f"Please use {number} for the bill."
    found = scan_texts([number, text], "note")
    assert [(f.row, f.start, f.end) for f in found if f.entity_type == CARD] == [
        (0, 0, len(number)),
        (1, 11, 11 + len(number)),
    ]


@pytest.mark.parametrize(("number", "sizes", "sep"), GROUPINGS)
def test_groupings_are_found_whole(number: str, sizes: tuple[int, ...], sep: str) -> None:
    """Grouped with spaces or dashes, the whole number is the span."""
    written = _grouped(number, sizes, sep)
    text = f"card on file: {written}, thanks"
    spans = [text[f.start : f.end] for f in scan_texts([text], "note") if f.entity_type == CARD]
    assert spans == [written]


def test_card_followed_by_expiry_is_found_without_it() -> None:
    """A card then "09/27": the last group belongs to the expiry date; the card is found."""
    number = _grouped(_card("4", 16), (4, 4, 4, 4))
    text = f"card {number} 09/27"
    spans = [text[f.start : f.end] for f in scan_texts([text], "note") if f.entity_type == CARD]
    assert spans == [number]


@pytest.mark.parametrize("text", NOT_CARDS)
def test_card_shaped_runs_that_are_no_cards_are_not_reported(text: str) -> None:
    """Luhn-invalid runs, numbers outside every issuer range, IMEIs, dates and ids."""
    assert [f for f in scan_texts([text], "note") if f.entity_type == CARD] == []


@pytest.mark.parametrize(("prefix", "length"), [("62", 16), ("2202", 16), ("1800", 15),
                                                ("7050", 17), ("7006", 19), ("4", 16)])
def test_card_columns_know_every_brand(prefix: str, length: int) -> None:
    """A column of card numbers is CREDIT_CARD for every brand text detection knows (one test
    of issuer, length and Luhn: `validators.card_brand_valid`)."""
    import pyarrow as pa

    from detectors import DetectionSettings, profile_column

    numbers = [_card(prefix + str(i).zfill(2), length) for i in range(40)]
    profile = profile_column("payment", pa.array(numbers), "t", DetectionSettings())
    assert profile.entity_types == (CARD,)
