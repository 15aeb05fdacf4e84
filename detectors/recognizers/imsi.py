"""IMSI: 15 digits starting with a mobile country code, only next to an IMSI/SIM word."""

from __future__ import annotations

from presidio_analyzer import Pattern

from detectors.entities import IMSI
from detectors.recognizers.base import ContextPatternRecognizer
from detectors.validators import digits_only

# ITU-T E.212 mobile country codes are allocated in 2xx-7xx (test networks 001 aside).
_MCC_FIRST_DIGITS = frozenset("234567")


class ImsiRecognizer(ContextPatternRecognizer):
    """15 digits whose first three form a plausible MCC, with "imsi"/"subscriber identity" near.

    IMSIs carry no checksum: without context any 15-digit id would match.
    """

    ENTITY = IMSI
    PATTERNS = (Pattern("imsi", r"(?<![\w-])[2-7]\d{14}(?![\w]|[.-]\d)", 0.5),)
    CONTEXT = ("imsi", "subscriber identity", "sim ", "mcc")
    CONTEXT_REQUIRED = True
    CONTEXT_BOOST = 0.4

    def validate_result(self, pattern_text: str) -> bool:
        digits = digits_only(pattern_text)
        return len(digits) == 15 and digits[0] in _MCC_FIRST_DIGITS and digits[1:3] != "00"
