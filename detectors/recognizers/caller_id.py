"""Caller-id display-name form `"Jane Roe" <5145550199>`: the quoted name is a person."""

from __future__ import annotations

from presidio_analyzer import Pattern

from detectors.entities import PERSON
from detectors.recognizers.base import ContextPatternRecognizer


class CallerIdNameRecognizer(ContextPatternRecognizer):
    """The display name of an Asterisk/SIP caller id, `"Jane Roe" <...>`.

    The bracketed part is left to the phone and SIP URI recognizers, so each keeps its own type.
    """

    ENTITY = PERSON
    PATTERNS = (
        Pattern(
            "clid_display_name",
            r"\"(?P<value>[^\"<>@\d]{2,60}?)\"\s*<(?:sips?:)?[+\w.@;:=-]{3,120}>",
            0.7,
        ),
    )
    CONTEXT = ("clid", "caller", "callerid", "from")
