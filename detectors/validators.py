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


# Issuer ranges and the lengths each brand issues (ISO/IEC 7812 IINs as the brands publish them).
# Luhn alone passes one random digit string in ten; the range and length make a card.
CARD_BRANDS: tuple[tuple[str, tuple[tuple[int, int], ...], frozenset[int]], ...] = (
    ("visa", ((4, 4),), frozenset({13, 16, 19})),
    ("mastercard", ((51, 55), (2221, 2720)), frozenset({16})),
    ("amex", ((34, 34), (37, 37)), frozenset({15})),
    ("diners", ((300, 305), (36, 36), (38, 39)), frozenset({14, 15, 16, 17, 18, 19})),
    ("discover", ((6011, 6011), (644, 649), (65, 65)), frozenset({16, 17, 18, 19})),
    ("jcb", ((3528, 3589),), frozenset({16, 17, 18, 19})),
    # JCB's older ranges, as the card-validator suites still test them
    ("jcb_legacy", ((3088, 3094), (3096, 3102), (3112, 3120), (3158, 3159), (3337, 3349)),
     frozenset({16})),
    ("jcb15", ((1800, 1800), (2131, 2131)), frozenset({15})),
    ("uatp", ((1, 1),), frozenset({15})),
    ("unionpay", ((62, 62), (81, 81)), frozenset({16, 17, 18, 19})),
    ("mir", ((2200, 2204),), frozenset({16, 17, 18, 19})),
    ("maestro", ((50, 50), (56, 69)), frozenset(range(12, 20))),
    ("elo_hipercard_troy", ((9792, 9792), (606282, 606282), (636368, 636368)), frozenset({16})),
    ("carnet", ((286900, 286900),), frozenset({16})),
    # fleet and fuel cards (ISO/IEC 7812 major industry identifier 7: petroleum)
    ("bp_plus", ((705, 705),), frozenset({17})),
    ("routex_synchrony", ((7006, 7006),), frozenset({16, 18, 19})),
)


def card_brand(digits: str) -> str | None:
    """The card brand whose issuer range and length fit `digits` (digits only), else None."""
    for brand, ranges, lengths in CARD_BRANDS:
        if len(digits) not in lengths:
            continue
        for low, high in ranges:
            width = len(str(low))
            if low <= int(digits[:width]) <= high:
                return brand
    return None


def card_brand_valid(number: str) -> bool:
    """A payment card of a known brand: issuer range and length fit, Luhn passes."""
    digits = digits_only(number)
    return card_brand(digits) is not None and card_number_valid(digits)


def sin_valid(number: str) -> bool:
    """A Canadian social insurance number: 9 digits passing Luhn, not one repeated digit.

    python-stdnum also refuses a leading 0 or 8 (fictitious and business numbers); a gate treats
    those as SINs too, since test SINs such as 046 454 286 are written exactly like real ones.
    """
    digits = digits_only(number)
    return len(digits) == 9 and len(set(digits)) > 1 and luhn_valid(digits)
