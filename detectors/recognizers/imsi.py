"""IMSI: 15 digits starting with a mobile country code, only next to an IMSI/SIM word."""

from __future__ import annotations

from presidio_analyzer import Pattern

from detectors.entities import IMSI
from detectors.recognizers.base import ContextPatternRecognizer
from detectors.validators import digits_only, imsi_valid


class ImsiRecognizer(ContextPatternRecognizer):
    """15 digits starting with an allocated MCC + MNC, with "imsi"/"subscriber identity" near.

    IMSIs carry no checksum: without context any 15-digit id would match.
    """

    ENTITY = IMSI
    PATTERNS = (
        Pattern("imsi", r"(?<![\w-])[2-7]\d{14}(?![\w]|[.-]\d)", 0.5),
        Pattern("imsi_spaced", r"(?<![\w-])[2-7]\d{2} \d{2,3} \d{9,10}(?![\w]|[.-]\d)", 0.5),
    )
    CONTEXT = ("imsi", "subscriber identity", "sim ", "mcc")
    CONTEXT_REQUIRED = True
    CONTEXT_BOOST = 0.4

    def validate_result(self, pattern_text: str) -> bool:
        return len(digits_only(pattern_text)) == 15 and imsi_valid(pattern_text)
