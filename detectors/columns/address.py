"""Street addresses and postal codes (Canadian postal codes, US ZIP codes)."""

from __future__ import annotations

from detectors import entities
from detectors.columns.base import Shape, ValueClassifier

# A civic number, then a street line naming a street type in English or French.
_STREET_WORDS = (
    "st|street|ave|av|avenue|rd|road|blvd|boul|boulevard|dr|drive|ln|lane|way|ct|court|pl|"
    "place|rue|chemin|ch|broadway|allée|terrace|ter|cres|crescent|hwy|highway|pkwy|parkway|"
    "route|rang|square|sq|circle|cir|trail|trl|montée|côte|promenade|esplanade|row|walk"
)

STREET_ADDRESS = ValueClassifier(
    entities.STREET_ADDRESS,
    shapes=(
        Shape(
            rf"^\s*[0-9]{{1,6}}[a-z]?(?:-[0-9]{{1,5}})?,?\s+(?:.*[^\pL])?(?:{_STREET_WORDS})"
            r"(?:[^\pL]|$)",
            ignore_case=True,
        ),
    ),
    name_hint=r"street|(^|_)(addr|address|address1|address2|address_line|line1|line2)(_|$)",
    name_exclude=r"(^|_)(email|e_mail|ip|mac|sip|url|web|network|remote|host)(_|$)",
)

POSTAL_CODE = ValueClassifier(
    entities.POSTAL_CODE,
    shapes=(
        Shape(
            r"^\s*[ABCEGHJ-NPRSTVXY][0-9][ABCEGHJ-NPRSTV-Z] ?[0-9][ABCEGHJ-NPRSTV-Z][0-9]\s*$",
            ignore_case=True,
        ),
        Shape(r"^\s*[0-9]{5}(?:-[0-9]{4})?\s*$", needs_hint=True),
    ),
    name_hint=r"(^|_)(zip|zipcode|zip_code|postal|postal_code|postcode|post_code|postalcode)(_|$)",
)
