"""Card expiry dates (`09/27`, `2027-09`) when an expiry word is right before them."""

from __future__ import annotations

from presidio_analyzer import Pattern

from detectors.entities import CARD_EXPIRY
from detectors.recognizers.base import ContextPatternRecognizer


class CardExpiryRecognizer(ContextPatternRecognizer):
    """MM/YY, MM/YYYY or YYYY-MM; without "exp"/"expiry"/"valid thru" it is just a date."""

    ENTITY = CARD_EXPIRY
    PATTERNS = (
        Pattern("mm_yy", r"(?<![\w/-])(?:0[1-9]|1[0-2])\s?/\s?(?:20)?\d{2}(?![\w/]|-\d)", 0.5),
        Pattern("yyyy_mm", r"(?<![\w/-])20\d{2}-(?:0[1-9]|1[0-2])(?![\w/]|-\d)", 0.5),
    )
    CONTEXT = ("exp", "expiry", "expires", "expiration", "valid thru", "good thru", "exp.")
    CONTEXT_WINDOW = 25
    CONTEXT_REQUIRED = True
    CONTEXT_BOOST = 0.4
