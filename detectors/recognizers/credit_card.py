"""Payment card numbers in every common grouping, including 2-series Mastercard, Luhn-checked."""

from __future__ import annotations

from presidio_analyzer import Pattern

from detectors.entities import CREDIT_CARD
from detectors.recognizers.base import ContextPatternRecognizer
from detectors.validators import card_number_valid

# Issuer prefixes: Visa 4, Mastercard 51-55 and 2221-2720 (Presidio misses the latter),
# Discover/UnionPay 6, JCB/Diners 3.
_IIN16 = r"(?:4\d{3}|5\d{3}|2(?:22[1-9]|2[3-9]\d|[3-6]\d{2}|7[01]\d|720)|6\d{3}|35\d{2})"
_BEFORE = r"(?<![\w*•-])"
_AFTER = r"(?![\w*•]|[.-]\d)"


class CreditCardRecognizer(ContextPatternRecognizer):
    """4-4-4-4 (spaces or dashes), Amex 4-6-5, Diners 4-6-4, and plain 13-19 digits.

    Luhn must pass; the issuer prefix must fit the length (15 digits only as Amex 34/37, so
    15-digit IMEIs starting 35 are not cards).
    """

    ENTITY = CREDIT_CARD
    PATTERNS = (
        Pattern(
            "card_4x4",
            _BEFORE + _IIN16 + r"([ -])\d{4}\1\d{4}\1\d{4}(?:\1?\d{1,3})?" + _AFTER,
            0.9,
        ),
        Pattern("amex_4_6_5", _BEFORE + r"3[47]\d{2}([ -])\d{6}\1\d{5}" + _AFTER, 0.9),
        Pattern("diners_4_6_4", _BEFORE + r"3[068]\d{2}([ -])\d{6}\1\d{4}" + _AFTER, 0.9),
        Pattern("card_plain_16_19", _BEFORE + _IIN16 + r"\d{12,15}" + _AFTER, 0.9),
        Pattern("amex_plain", _BEFORE + r"3[47]\d{13}" + _AFTER, 0.9),
        Pattern("diners_plain", _BEFORE + r"3[068]\d{12}" + _AFTER, 0.9),
        Pattern("visa_13", _BEFORE + r"4\d{12}" + _AFTER, 0.6),
    )
    CONTEXT = (
        "card", "credit", "visa", "mastercard", "amex", "discover", "jcb", "diners", "cc",
        "payment", "paid", "charge",
    )
    CONTEXT_BOOST = 0.1

    def validate_result(self, pattern_text: str) -> bool:
        return card_number_valid(pattern_text)
