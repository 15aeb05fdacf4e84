"""Timestamps and dates of birth. Epoch numbers are not dates here: Asterisk uniqueids are
epoch-based and must not look like timestamps.
"""

from __future__ import annotations

from detectors import entities
from detectors.columns.base import Shape, ValueClassifier

_Y = "(?:19|20|21)[0-9]{2}"
_M = "(?:0[1-9]|1[0-2])"
_D = "(?:0[1-9]|[12][0-9]|3[01])"
_TIME = r"(?:[01][0-9]|2[0-3]):[0-5][0-9](?::[0-5][0-9](?:[.,][0-9]+)?)?"
_ZONE = r"(?:\s?Z|\s?[+\-][0-9]{2}(?::?[0-9]{2})?)?(?:\s?UTC|\s?GMT)?"

ISO_DATE = rf"^\s*{_Y}-{_M}-{_D}\s*$"
DMY_DATE = rf"^\s*(?:{_D}|[1-9])[/.](?:{_M}|[1-9])[/.]{_Y}\s*$"
COMPACT_DATE = rf"^\s*{_Y}{_M}{_D}\s*$"

DATE_TIME = ValueClassifier(
    entities.DATE_TIME,
    shapes=(
        Shape(rf"^\s*{_Y}-{_M}-{_D}(?:[ T]{_TIME}{_ZONE})?\s*$"),
        Shape(rf"^\s*{_Y}{_M}{_D}[\-T ]?[0-2][0-9][0-5][0-9][0-5][0-9]\s*$"),
        Shape(
            rf"^\s*[0-9]{{1,2}}[/.][0-9]{{1,2}}[/.]{_Y}(?:,?\s+{_TIME}(?:\s?[AaPp][Mm])?)?\s*$"
        ),
    ),
    name_hint=r"date|time|stamp|(^|_)(start|end|answer|created|updated|at|when)(_|$)",
)

DATE_OF_BIRTH = ValueClassifier(
    entities.DATE_OF_BIRTH,
    shapes=(Shape(ISO_DATE), Shape(DMY_DATE), Shape(COMPACT_DATE)),
    name_hint=r"birth|(^|_)(dob|born|bday|birthday|birthdate|date_of_birth)(_|$)",
    needs_hint=True,
)
