"""IMEI: 15 digits with a Luhn check digit, reported only near a device word."""

from __future__ import annotations

from presidio_analyzer import Pattern

from detectors.entities import IMEI
from detectors.recognizers.base import ContextPatternRecognizer
from detectors.validators import digits_only, luhn_valid


class ImeiRecognizer(ContextPatternRecognizer):
    """15 Luhn-valid digits, plain or as `35-209900-176148-1`, with "imei"/device context.

    One random 15-digit number in ten passes Luhn, so the checksum alone is not enough: the
    base score stays under the default threshold until a context word lifts it.
    """

    ENTITY = IMEI
    PATTERNS = (
        Pattern("imei_plain", r"(?<![\w-])\d{15}(?![\w]|[.-]\d)", 0.4),
        Pattern("imei_grouped", r"(?<![\w-])\d{2}([ -])\d{6}\1\d{6}\1\d(?![\w]|[.-]\d)", 0.4),
    )
    CONTEXT = ("imei", "handset", "device", "serial", "phone", "terminal", "equipment")
    CONTEXT_BOOST = 0.5

    def validate_result(self, pattern_text: str) -> bool:
        digits = digits_only(pattern_text)
        return len(digits) == 15 and luhn_valid(digits)
