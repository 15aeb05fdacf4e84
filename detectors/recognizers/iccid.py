"""ICCID: the SIM card serial, 19-20 digits starting with 89 (telecom industry), Luhn-checked."""

from __future__ import annotations

from presidio_analyzer import Pattern

from detectors.entities import ICCID
from detectors.recognizers.base import ContextPatternRecognizer
from detectors.validators import digits_only, luhn_valid


class IccidRecognizer(ContextPatternRecognizer):
    """`8901260123456789012`, plain or in groups of four; the 89 prefix plus Luhn is specific."""

    ENTITY = ICCID
    PATTERNS = (
        Pattern("iccid_plain", r"(?<![\w-])89\d{17,18}(?![\w]|[.-]\d)", 0.6),
        Pattern(
            "iccid_grouped", r"(?<![\w-])89\d{2}(?:[ -]\d{4}){3}[ -]\d{3,4}(?![\w]|[.-]\d)", 0.6
        ),
    )
    CONTEXT = ("iccid", "sim", "card serial")

    def validate_result(self, pattern_text: str) -> bool:
        digits = digits_only(pattern_text)
        return 19 <= len(digits) <= 20 and luhn_valid(digits)
