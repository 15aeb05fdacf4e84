"""Phone numbers as people write them across the world, found by `scan_texts` (issue 13).

Values are fictional: NANP 555-01XX, Ofcom's drama ranges (07700 900XXX, 020 7946 0XXX,
0161 496 0XXX) and ARCEP's fiction ranges (01 99 00, 06 39 98).
"""

from __future__ import annotations

import pytest

from detectors.recognizers.phone_national import NationalPhoneRecognizer
from detectors.text import scan_texts

PHONE = "PHONE_NUMBER"

FOUND = [
    ("UK desk +44 7700 900 456", "+44 7700 900 456"),  # +CC, possible but not valid
    ("Zurich desk +41 (0)96 555 01 99", "+41 (0)96 555 01 99"),  # trunk prefix (0), possible
    ("from abroad dial 001-202-555-0147", "001-202-555-0147"),  # 00 + country code 1
    ("London 0044 20 7946 0321", "0044 20 7946 0321"),  # 00 international prefix
    ("London office 011 44 20 7946 0958", "011 44 20 7946 0958"),  # 011 (found before too)
    ("billing +1-202-555-0173x421", "+1-202-555-0173x421"),  # +1 with extension x
    ("office (202)555-0188x0135", "(202)555-0188x0135"),  # brackets and extension, no word
    ("desk 202-555-0131 #12", "202-555-0131 #12"),  # extension after #
    ("ring 0161 496 0123 ext. 204", "0161 496 0123 ext. 204"),  # UK national, ext.
    ("appelez-moi au 07700 900 461", "07700 900 461"),  # UK mobile, national, French verb
    ("texted from 0688 555 01 23", "0688 555 01 23"),  # unknown plan, 10 digits after a word
    ("portable : 06 39 98 12 34", "06 39 98 12 34"),  # French, in pairs (found before too)
    ("tél. 01 99 00 12 34", "01 99 00 12 34"),  # "tél." does not end the sentence
    ("Appelez le 06 39 98 45 67 après 18 h", "06 39 98 45 67"),  # French verb
    ("phone 0202 5550 199", "0202 5550 199"),  # odd grouping, phone word (found before too)
    ("call tel:+1-202-555-0164;ext=7 please", "tel:+1-202-555-0164;ext=7"),  # whole tel: URI
    ("我的电话是+1 202-555-0110。", "+1 202-555-0110"),  # no space between words and number
    ("+44 20 7946 0000 or 020 7946 0001", "020 7946 0001"),  # national, region from +44
    ("Paris +33 6 00 12 34 56", "+33 6 00 12 34 56"),  # "00" inside a number: no prefix
]

NOT_PHONES = [
    "Release 2024-03-15 10:22",  # date and time
    "paid $1,234,567.89 on 15/03/2024",  # amount and date
    "won £1250 today",  # amount, possible short number somewhere
    "text WIN to 69866.18 now",  # a decimal after a phone word
    "call me on 12/03/2024",  # a date after a phone word
    "order 2025550143 shipped",  # order number shaped like a valid number
    "ticket ORD-2025550199",  # id with a prefix
    "id 046454287 on file",  # 9-digit id, no phone word
    "Part number: 202-555-0199-A",  # product code
    "My card number is 12345678",  # a card word, not a phone word
    "his social security number is 123-45-6789",  # SSN after "number is"
    "firmware 10.2.3.4567",  # version
    "at epoch 1700000000 the call ended",  # timestamp
    "I called. Ticket 2024-117 is closed",  # phone word in another sentence
    "Telecom plan 1234567 renewed",  # "tel" inside a word is no phone word
]


def _phones(text: str) -> list[str]:
    return [text[f.start : f.end] for f in scan_texts([text], "body") if f.entity_type == PHONE]


@pytest.mark.parametrize(("text", "number"), FOUND)
def test_phone_written_anywhere_is_found_whole(text: str, number: str) -> None:
    """The number, with its prefix, trunk and extension, is one PHONE_NUMBER span."""
    assert number in _phones(text)


@pytest.mark.parametrize("text", NOT_PHONES)
def test_dates_amounts_and_ids_are_not_phones(text: str) -> None:
    """No PHONE_NUMBER on dates, amounts, ids, codes or numbers without a phone word."""
    assert _phones(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("My phone number is 45-67-89-12.", ["45-67-89-12"]),  # pairs: no month 45
        ("portable : 06-12-34-56-78", ["06-12-34-56-78"]),  # a fourth group: no date
        ("phone: 12/03/2024", []),  # a date after a phone word stays a date
        ("call me 2024-03-12", []),
    ],
)
def test_numbers_in_pairs_are_not_dates(text: str, expected: list[str]) -> None:
    """Written for this test: digit groups that cannot be a date count after a phone word."""
    found = NationalPhoneRecognizer().analyze(text, ["PHONE_NUMBER"])
    assert [text[r.start : r.end] for r in found] == expected
