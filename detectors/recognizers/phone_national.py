"""Phone numbers in other countries' national formats (`09-7625400`, `(07) 5331 0577`).

They do not parse for the default region, so they are only reported right after a phone word
("my mobile is ...") and with a phone-like grouping, at a low score.
"""

from __future__ import annotations

import re

from presidio_analyzer import Pattern

from detectors.entities import PHONE_NUMBER
from detectors.recognizers.base import ContextPatternRecognizer
from detectors.validators import digits_only

_GROUPED = r"(?:\+|00)?\(?\d{1,5}\)?(?:[ .-]\(?\d{2,8}\)?){1,5}(?:\s?(?:x|ext\.?)\s?\d{1,6})?"
_DATE_OR_IP = re.compile(r"\d{1,4}([./-])\d{1,2}\1\d{1,4}|\d{1,3}(?:\.\d{1,3}){3}")


class NationalPhoneRecognizer(ContextPatternRecognizer):
    """7-15 digits in groups, with "phone"/"mobile"/"call me at" just before; not a date/IP."""

    ENTITY = PHONE_NUMBER
    PATTERNS = (Pattern("grouped_digits", rf"(?<![\w+.@/=-]){_GROUPED}(?![\w@]|[.,-]\d)", 0.1),)
    CONTEXT = (
        "phone", "tel", "mobile", "cell", "fax", "call me", "reach me", "whatsapp",
        "téléphone", "portable", "number is",
    )
    NEGATIVE_CONTEXT = ("ticket", "order", "invoice", "ref", "case", "version", "firmware")
    CONTEXT_REQUIRED = True
    CONTEXT_IN_SENTENCE = True
    CONTEXT_WINDOW = 25
    CONTEXT_BOOST = 0.3

    def validate_result(self, pattern_text: str) -> bool:
        digits = digits_only(pattern_text.split("x")[0].split("ext")[0])
        return 7 <= len(digits) <= 15 and not _DATE_OR_IP.fullmatch(pattern_text)
