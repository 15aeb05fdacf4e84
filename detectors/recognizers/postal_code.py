"""Postal codes: Canadian `H3B 2Y5` on their own; US ZIP/ZIP+4 only after a state or "zip"."""

from __future__ import annotations

from presidio_analyzer import Pattern

from detectors.entities import POSTAL_CODE
from detectors.recognizers.base import ContextPatternRecognizer

# Canada Post never uses D, F, I, O, Q, U; W and Z never start a code.
_CA = r"(?<![\w-])[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z][ -]?\d[ABCEGHJ-NPRSTV-Z]\d(?![\w-])"
US_STATES = (
    "AL|AK|AZ|AR|CA|CO|CT|DE|DC|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|NH"
    "|NJ|NM|NY|NC|ND|OH|OK|OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY|PR"
)
_ZIP = r"\d{5}(?:-\d{4})?(?![\w]|[.-]\d)"


class PostalCodeRecognizer(ContextPatternRecognizer):
    """A bare 5-digit number is too common to be a ZIP without a state code or a "zip" word."""

    ENTITY = POSTAL_CODE
    PATTERNS = (
        Pattern("ca_postal", _CA, 0.6),
        Pattern("us_zip_after_state", rf"\b(?:{US_STATES}),?\s+(?P<value>{_ZIP})", 0.6),
        Pattern("us_zip", rf"(?<![\w-]){_ZIP}", 0.1),
    )
    CONTEXT = ("zip", "postal", "code postal", "postcode")
    CONTEXT_WINDOW = 20
    CONTEXT_BOOST = 0.5
    FLAGS = 0
