"""Street addresses and postal codes (Canadian postal codes, US ZIP codes).

A street cell is recognised by its shape: a civic number and a street type from USPS Pub. 28 or
Canada Post (`detectors.street_types`) in English order or French order, a numbered route, a PO
box or rural route, or a full line ending in a state and ZIP. In a column whose name says
street/address, any civic number followed by words counts too: a billing export's `line1`
holds its customers' odd spellings ("5429 woodlawn", "Main and 63rd"), and every cell of a
street column is treated alike.
"""

from __future__ import annotations

from detectors import entities
from detectors import street_types as T
from detectors.columns.base import Shape, ValueClassifier

_CIVIC = r"(?:[0-9]{1,5}-)?[0-9]{1,6}(?:\s?-?\s?1/2|½|-?[a-z])?"
_LEAD_UNIT = (
    rf"(?:(?:{T.alternation(T.STRONG_UNIT_DESIGNATORS)}|#)\.?\s*#?\s*[0-9a-z-]{{1,8}}\s*,?\s+"
    r"|[0-9]{1,2}(?:st|nd|rd|th)\s+(?:floor|fl)\.?\s*,?\s+)?"
)
_WORD = r"[\pL\pN'’.&-]+"
_TYPE = rf"(?:{T.alternation(T.street_types())}|BROADWAY)"
_FR_TYPE = T.alternation([*T.CANADA_POST_FR, *(a for v in T.CANADA_POST_FR.values() for a in v)])
_ROUTE = T.alternation(T.NUMBERED_ROUTES)
_UNIT = T.alternation(T.STRONG_UNIT_DESIGNATORS)
_BOX = T.alternation(T.PO_BOXES)
_RURAL = T.alternation(T.RURAL_ROUTES)
_BOX_PREFIX = (
    r"(?:(?:dept|department|file|msc|drawer|lock\s*box|bin|ref\s*no|mail\s+code)\.?\s*#?\s*[\w-]+"
    r"[\s,]+)?"
)
_CA_CODES = "|".join(T.CA_PROVINCE_CODES)
_STATE_ZIP = (
    rf"(?:{'|'.join(T.US_STATE_CODES)}|{T.alternation(T.US_STATE_NAMES)})\.?,?\s+[0-9]{{5}}(?:-?[0-9]{{4}})?"
    rf"|(?:{_CA_CODES}|{T.alternation(T.CA_PROVINCE_NAMES)})\)?,?\s+"
    r"[A-Z][0-9][A-Z]\s?[0-9][A-Z][0-9]"
)
# A number followed by a quantity or a function word is no civic number ("100 Minutes Plan").
_NOT_CIVIC = (
    r"(?i)^\s*[0-9]+\s+(?:minutes?|mins?|hours?|hrs?|days?|weeks?|months?|years?|yrs?|times?"
    r"|miles?|km|gb|mb|people|persons?|tickets?|texts?|messages?|calls?|lines?|units?|way"
    r"|the|and|or|of|to|in|on|at|for|per|with|x)\b"
)

STREET_ADDRESS = ValueClassifier(
    entities.STREET_ADDRESS,
    shapes=(
        # English order: number, name, type ("88 Pine Summit Turnpike", "8726 Elm St Suite 4").
        Shape(
            rf"^\s*{_LEAD_UNIT}{_CIVIC}[\s,]+(?:{_WORD}\s+){{1,6}}{_TYPE}\.?(?:$|[\s,;#(/])",
            exclude=_NOT_CIVIC,
            ignore_case=True,
        ),
        # French order: number, type, name ("1234 rue Sainte-Catherine O").
        Shape(rf"^\s*{_LEAD_UNIT}{_CIVIC}\s*,?\s+(?:{_FR_TYPE})\.?\s+\S", ignore_case=True),
        # Numbered routes and lettered avenues ("3313 Hwy. 31", "9912 S. Avenue H").
        Shape(
            rf"^\s*{_CIVIC}\s+(?:{_WORD}\s+){{0,3}}(?:{_ROUTE})\.?\s*#?\s*[0-9a-z]{{1,5}}(?:$|[\s,])",
            ignore_case=True,
        ),
        # PO boxes, rural and military routes ("PO Box 12", "C.P. 123", "RR 2 Box 15").
        Shape(
            rf"^\s*{_BOX_PREFIX}(?:(?:{_RURAL})\.?\s*#?\s*[0-9]*[a-z]{{0,2}}\s*,?\s*)*"
            rf"(?:{_BOX}|box|bx)\.?\s*(?:#|no\.?)?\s*[0-9]",
            ignore_case=True,
        ),
        # No street type, but a unit designator or a state and ZIP ("1723 N Sheffield Unit 2B").
        Shape(
            rf"^\s*{_CIVIC}\s+(?:{_WORD}\s+){{0,3}}{_WORD}(?:\s*,\s*|\s+)(?:{_UNIT})\.?\s*#?\s*[0-9a-z]",
            exclude=_NOT_CIVIC,
            ignore_case=True,
        ),
        Shape(
            rf"^\s*{_CIVIC}\s+\S.*(?:\s|,)(?:{_STATE_ZIP})(?:\s*,?\s*(?:USA|US|Canada))?\s*$",
            exclude=_NOT_CIVIC,
        ),
        # In a street/address column: any civic number then words, a street type anywhere, or a
        # name then a number ("5429 woodlawn", "Main and 63rd", "Nassaustraat 123").
        Shape(rf"^\s*{_LEAD_UNIT}{_CIVIC},?\s+\pL", needs_hint=True, ignore_case=True),
        Shape(rf"(?:^|[^\pL]){_TYPE}\.?(?:[^\pL]|$)", needs_hint=True, ignore_case=True),
        Shape(
            r"^\s*\pL[\pL'’.-]*(?:\s+[\pL'’.-]+){0,4},?\s+[0-9]{1,5}[a-z]?(?:$|[\s,])",
            needs_hint=True,
            ignore_case=True,
        ),
    ),
    name_hint=(
        r"street|(^|_)(addr|addr1|addr2|address|address1|address2|address_line|line1|line2"
        r"|adresse|adresse1|adresse2|civic)(_|$)"
    ),
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
