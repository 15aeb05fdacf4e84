"""Cities in address lines: before a province/state code (`Montréal, QC`) or after a street."""

from __future__ import annotations

import regex
from presidio_analyzer import Pattern

from detectors.entities import LOCATION
from detectors.recognizers.base import ContextPatternRecognizer
from detectors.recognizers.postal_code import US_STATES
from detectors.recognizers.street_address import STREET_EN, STREET_FR

CA_PROVINCES = "QC|ON|BC|AB|MB|SK|NS|NB|NL|PE|YT|NT|NU"
_CITY_WORD = r"[A-ZÀ-ÖØ-Þ][^\W\d_]+(?:[-'’][^\W\d_]+)*"
CITY = rf"{_CITY_WORD}(?:[ \t]{_CITY_WORD}){{0,2}}"


class CityRegionRecognizer(ContextPatternRecognizer):
    """The city of an address line; the small spaCy model misses most of them after a street
    or a signature (../shared/KNOWN.md: LOCATION full-span recall 0.20)."""

    ENTITY = LOCATION
    PATTERNS = (
        Pattern(
            "city_region_code",
            rf"(?<![\w-])(?P<value>{CITY}),?[ \t]+(?:{CA_PROVINCES}|{US_STATES})(?![\w-])",
            0.6,
        ),
        # "2602 Bloor St W, Montréal": the words after a street line's comma name its city.
        Pattern("city_after_street", rf"(?:{STREET_EN}|{STREET_FR}),[ \t]+(?P<value>{CITY})", 0.6),
    )
    CONTEXT = ("address", "live", "moved", "located", "at")
    CONTEXT_BOOST = 0.2
    FLAGS = 0
    ENGINE = regex  # 4x faster than `re` on the street patterns, the same matches on realdata
