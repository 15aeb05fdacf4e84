"""Timestamps, dates of birth, and ids that hide a time.

Epoch numbers are not DATE_TIME here: an Asterisk uniqueid (`1767225616.42`, the call start in
epoch seconds and a sequence number) is an id. It is TIME_ID instead: rounding the call times is
undone by an id that still holds the exact start, so such columns must be transformed with them.
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

BILLING_DATE = ValueClassifier(
    entities.BILLING_DATE,
    shapes=DATE_TIME.shapes,
    name_hint=r"(^|_)(invoice|invoiced|bill|billing|billed|due|payment|paid|statement|period)"
    r"(_|$)",
    needs_hint=True,
)

DATE_OF_BIRTH = ValueClassifier(
    entities.DATE_OF_BIRTH,
    shapes=(Shape(ISO_DATE), Shape(DMY_DATE), Shape(COMPACT_DATE)),
    name_hint=r"birth|(^|_)(dob|born|bday|birthday|birthdate|date_of_birth)(_|$)",
    needs_hint=True,
)

# Epoch seconds from 1999-10 to 2030-03 (940000000..1899999999): what CDRs of this century
# hold. Not later: 16-digit Mir cards (2200…) would read as epoch microseconds.
_EPOCH = "(?:9[4-9][0-9]|1[0-8][0-9])[0-9]{7}"
# A date with a time of day, written into a longer id (`CALL-20260105T101500-0042`).
_EMBEDDED_TIME = rf"{_Y}-?{_M}-?{_D}[T _-]?(?:[01][0-9]|2[0-3]):?[0-5][0-9]:?[0-5][0-9]"

TIME_ID = ValueClassifier(
    entities.TIME_ID,
    shapes=(
        # Asterisk/FreeSWITCH uniqueid and linkedid, CEL event times: epoch.fraction
        Shape(rf"^\s*{_EPOCH}\.[0-9]{{1,6}}\s*$"),
        # epoch milliseconds (13 digits) and microseconds (16 digits)
        Shape(rf"^\s*{_EPOCH}(?:[0-9]{{3}}|[0-9]{{6}})\s*$"),
        # bare epoch seconds are as many digits as a phone number: only in an id/time column
        Shape(rf"^\s*{_EPOCH}\s*$", needs_hint=True),
        # an id with a date and time of day inside it (a column of bare timestamps is
        # DATE_TIME, which hides TIME_ID: see `registry.SUBSUMES`)
        Shape(_EMBEDDED_TIME),
    ),
    name_hint=r"(^|_)(unique_?id|uniqueid|linked_?id|linkedid|call_?id|epoch|unix|ts|timestamp"
    r"|time|start|end|answer|created|updated|event_?time)(_|$)|epoch|timestamp|uniqueid",
)
