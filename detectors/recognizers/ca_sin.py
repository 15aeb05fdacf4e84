"""Canadian social insurance number (CA_SIN): 9 digits, Luhn-checked, as Presidio's US_SSN."""

from __future__ import annotations

from presidio_analyzer import Pattern

from detectors.entities import CA_SIN
from detectors.recognizers.base import ContextPatternRecognizer
from detectors.validators import sin_valid

# Not inside a longer number, an id (`ACCT-046454286`), a decimal, a 3-3-4 phone number or an
# international one written in groups (`+420 900 123 456`).
_BEFORE = r"(?<![\w.+-])(?<!\d[ -])"
_AFTER = r"(?![\w]|[.,-]\d|[ -]\d)"


class CaSinRecognizer(ContextPatternRecognizer):
    """`046 454 286` and `046-454-286` as printed on the card; nine bare digits only with
    "SIN", "social insurance" or "NAS" (numéro d'assurance sociale) in the same sentence.

    Luhn passes one random 9-digit number in ten, so bare digits need the words; the grouping
    3-3-3 with one separator is specific enough alone (phone numbers are 3-3-4).
    """

    ENTITY = CA_SIN
    PATTERNS = (
        Pattern("sin_spaced", rf"{_BEFORE}\d{{3}} \d{{3}} \d{{3}}{_AFTER}", 0.6),
        Pattern("sin_dashed", rf"{_BEFORE}\d{{3}}-\d{{3}}-\d{{3}}{_AFTER}", 0.6),
        Pattern("sin_bare", rf"{_BEFORE}\d{{9}}{_AFTER}", 0.5),
    )
    CONTEXT = ("sin", "social insurance", "nas", "assurance sociale")  # whole words
    # RADIUS: a network access server's port or address, not a numéro d'assurance sociale
    NEGATIVE_CONTEXT = ("nas-port", "nas port", "nas-ip", "nas ip", "nas-identifier")
    CONTEXT_REQUIRED_FOR = frozenset({"sin_bare"})
    CONTEXT_WHOLE_WORDS = True  # "since", "single", "nasty" are not context
    CONTEXT_IN_SENTENCE = True
    CONTEXT_WINDOW = 80
    CONTEXT_AFTER = 20  # "046454286 is my SIN"

    def validate_result(self, pattern_text: str) -> bool:
        return sin_valid(pattern_text)
