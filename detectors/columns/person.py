"""People's names and places: reported only with a name hint, or in caller-id shape."""

from __future__ import annotations

from detectors import entities
from detectors.columns.base import Shape, ValueClassifier

# One to four words, the first capitalised, letters and name punctuation only (no digits):
# "Jane Roe", "João da Silva", "Sung-min Park", "O'Brien".
_WORDS = r"\p{Lu}[\p{L}\p{M}'’.\-]*(?:\s+[\p{L}\p{M}'’.\-]+){0,3}"

PERSON = ValueClassifier(
    entities.PERSON,
    shapes=(
        Shape(rf"^\s*{_WORDS}\s*$", needs_hint=True),
        # caller id with a display name: "Jane Roe" <5145550123>
        Shape(
            rf"^\s*\"?\s*{_WORDS}\s*\"?\s*<[^<>]*>\s*$",
            extract=rf"^\s*\"?\s*(?P<value>{_WORDS})\s*\"?\s*<",
        ),
    ),
    name_hint=(
        r"(^|_)(name|first|last|given|surname|family_name|full_name|fullname|fname|lname|"
        r"firstname|lastname|holder|cardholder|card_holder|cid_name|callerid_name|"
        r"caller_id_name|caller_name|display_name|contact_name|person)(_|$)"
    ),
    name_exclude=(
        r"(^|_)(org|organi[sz]ation|company|business|bank|user|username|host|hostname|file|"
        r"plan|product|item|rate|trunk|queue|context|app|peer|domain|device|carrier|tariff|"
        r"street|city|country|state|region|server|table|field|type|package|group|role|"
        r"codec|event|service)(_|$)|_id$"
    ),
)

LOCATION = ValueClassifier(
    entities.LOCATION,
    shapes=(Shape(rf"^\s*{_WORDS}\s*$"),),
    name_hint=r"(^|_)(city|town|municipality|locality|village|place_of_birth|birthplace)(_|$)",
    needs_hint=True,
)
