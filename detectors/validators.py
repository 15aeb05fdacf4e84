"""Checksum and format validators used by recognizers, profiling and the generator's tests."""

from __future__ import annotations

import phonenumbers
from stdnum import iban as _iban
from stdnum import imei as _imei


def digits_only(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


def luhn_valid(number: str) -> bool:
    """True when the digits of `number` pass the Luhn checksum (cards, IMEI, ICCID)."""
    digits = digits_only(number)
    if len(digits) < 2:
        return False
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = ord(ch) - 48
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def card_number_valid(number: str) -> bool:
    """A payment card number: 12-19 digits passing Luhn, not all the same digit."""
    digits = digits_only(number)
    return 12 <= len(digits) <= 19 and len(set(digits)) > 1 and luhn_valid(digits)


def imei_valid(number: str) -> bool:
    return _imei.is_valid(number)


def iban_valid(text: str) -> bool:
    return _iban.is_valid(text)


def international_as_plus(text: str, digits: str) -> str | None:
    """`+` and the digits after an international dialling prefix (`011…` from North America,
    `00…` elsewhere), as `parse_phone` reads such a number; None when `text` has no such prefix.
    `digits` are the digits of `text`."""
    if text.startswith("011") and len(digits) > 11:
        return "+" + digits[3:]
    if text.startswith("00") and len(digits) > 10:
        return "+" + digits[2:]
    return None


def parse_phone(text: str, default_region: str = "US") -> phonenumbers.PhoneNumber | None:
    """Parse a phone number as switches and people write it; None when it is not a valid number.

    Bare 11-digit numbers starting with 1 are North-American numbers without the plus, as
    Asterisk writes them in `src`/`dst`.
    """
    candidate = text.strip()
    if not candidate:
        return None
    digits = digits_only(candidate)
    if candidate[0].isdigit() and len(digits) == 11 and digits[0] == "1" and default_region in (
        "US",
        "CA",
    ):
        candidate = "+" + digits
    else:
        candidate = international_as_plus(candidate, digits) or candidate
    try:
        number = phonenumbers.parse(candidate, default_region)
    except phonenumbers.NumberParseException:
        return None
    return number if phonenumbers.is_valid_number(number) else None


def to_e164(text: str, default_region: str = "US") -> str | None:
    """Normalise a phone number to E.164 (`+15145550199`); None when it does not parse."""
    number = parse_phone(text, default_region)
    if number is None:
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def imsi_valid(number: str) -> bool:
    """An IMSI: 14-15 digits whose mobile country/network code is allocated (stdnum's table)."""
    from stdnum import imsi as _imsi  # its MCC/MNC table is loaded only when IMSIs are checked

    return _imsi.is_valid(number)
