"""Partially masked card numbers (`**** **** **** 1234`, `411111******1111`).

They are reported as their own type, CREDIT_CARD_MASKED, so that counts of clear card numbers
(and the redaction verifier's re-scan) are not inflated by numbers that are already masked,
while reports can still show that card fragments remain.
"""

from __future__ import annotations

from presidio_analyzer import Pattern

from detectors.recognizers.base import ContextPatternRecognizer

CREDIT_CARD_MASKED = "CREDIT_CARD_MASKED"
_MASK = r"[*•xX#]"
_B = r"(?<![\w*•])"
_A = r"(?![\w*•])"


class MaskedCardRecognizer(ContextPatternRecognizer):
    """Card-shaped strings where at least four digits are replaced by a mask character."""

    ENTITY = CREDIT_CARD_MASKED
    PATTERNS = (
        # **** **** **** 1234 / XXXX-XXXX-XXXX-1234
        Pattern(
            "masked_groups",
            _B + rf"{_MASK}{{4}}([ -]){_MASK}{{4}}\1(?:{_MASK}{{4}}|\d{{4}})\1\d{{4}}" + _A,
            0.8,
        ),
        # Amex: **** ****** *1234
        Pattern("masked_amex", _B + rf"{_MASK}{{4}} {_MASK}{{6}} {_MASK}\d{{4}}" + _A, 0.8),
        # First six and last four: 411111******1111
        Pattern("masked_bin_last4", _B + rf"[2-6]\d{{5}}{_MASK}{{3,9}}\d{{4}}" + _A, 0.8),
        # ************1234 (compact)
        Pattern("masked_compact", _B + rf"{_MASK}{{8,15}}\d{{4}}" + _A, 0.6),
    )
    CONTEXT = ("card", "ending", "visa", "mastercard", "amex", "payment")
    CONTEXT_BOOST = 0.2
