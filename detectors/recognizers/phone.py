"""Phone numbers as switches and people write them, validated with libphonenumber."""

from __future__ import annotations

from presidio_analyzer import Pattern

from detectors.entities import PHONE_NUMBER
from detectors.recognizers.base import ContextPatternRecognizer
from detectors.validators import parse_phone

# Not inside a word, an id ("ORD-"), a decimal, an e-mail or a URL path; not followed by more
# digits after a dot or dash (Asterisk uniqueids such as 1700000000.1234).
_BEFORE = r"(?<![\w+.@/=-])"
_AFTER = r"(?![\w@]|[.,-]\d)"
_SEP = r"[ .-]?"


class PhoneRecognizer(ContextPatternRecognizer):
    """E.164, `+1 (514) 555-0199`, `514.555.0199`, bare 10/11 digits and `011` international.

    Every match must be a valid number for `default_region` (or carry its country code);
    that rejects unix timestamps (area codes never start with 1), durations and dates.
    """

    ENTITY = PHONE_NUMBER
    PATTERNS = (
        # North American: optional 1 / +1, area code with or without brackets.
        Pattern(
            "nanp",
            _BEFORE + rf"(?:\+?1{_SEP})?(?:\(\d{{3}}\)|\d{{3}}){_SEP}\d{{3}}{_SEP}\d{{4}}" + _AFTER,
            0.5,
        ),
        # International with a plus: country code then 2-6 digit groups.
        Pattern("e164", _BEFORE + r"\+\d{1,3}(?:[ .-]?\(?\d{1,5}\)?){1,6}" + _AFTER, 0.5),
        # International as dialled from North America.
        Pattern("idd_011", _BEFORE + r"011[ .-]?\d{1,3}(?:[ .-]?\d{1,5}){1,6}" + _AFTER, 0.5),
    )
    CONTEXT = (
        "phone", "call", "tel", "cell", "mobile", "number", "dial", "reach", "fax", "sms",
        "text", "contact", "ring", "caller", "did", "line", "port", "téléphone",
    )
    # Ids that happen to parse as numbers.
    NEGATIVE_CONTEXT = ("order", "invoice", "ticket #", "ref", "uniqueid", "timestamp", "epoch")
    NEGATIVE_WINDOW = 12

    def __init__(self, default_region: str = "US") -> None:
        self.default_region = default_region
        super().__init__()

    def validate_result(self, pattern_text: str) -> bool:
        """A real number for the default region (or its own country code)."""
        return parse_phone(pattern_text, self.default_region) is not None
