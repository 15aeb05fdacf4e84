"""libphonenumber's verdict on numbers written `+` and digits, for many at once with RE2.

Every international spelling is brought to `+<digits>` before it is parsed (`+33 1…`, `011 33 1…`,
`0033 1…`), and for that form `phonenumbers.parse` then `is_valid_number` come down to the
library's metadata and a few rules (phonenumbers 9, `phonenumberutil`):
- the country calling code is the first 1, 2 or 3 digits that are one (never starting with 0);
- the rest is the national significant number, written back unchanged in E.164 — unless the
  national prefix for parsing of the code's main region matches its start (the library may then
  strip a trunk prefix), or it is shorter than 2 or longer than 17 digits (parse refuses it);
- it is valid when, among the code's regions in order, the first that claims it (by its leading
  digits; a region without them, by finding it valid) finds it valid: its length among the
  general description's possible lengths and its digits matching that pattern whole, and the
  same for one number type.

`plus_numbers_valid` applies those rules per calling code with RE2 over all the numbers at once
(~1 µs a number and ~0.2 ms a calling code, against ~18 µs a number for the library's parse and
validation, which hold the GIL; a code with a handful of numbers is left to the library). A
number a rule cannot decide (no calling code, a trunk prefix, a length parse refuses, a pattern
RE2 cannot compile) is `UNDECIDED`, left to libphonenumber. A differential test holds every
verdict to the library's on numbers generated for every calling code.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from phonenumbers import COUNTRY_CODE_TO_REGION_CODE, PhoneMetadata
from phonenumbers.phonenumberutil import REGION_CODE_FOR_NON_GEO_ENTITY

from detectors.columns.base import bool_mask

VALID, INVALID, UNDECIDED = 1, 0, -1
LEAST_PER_CODE = 16  # numbers of one calling code for its rules to pay (see `plus_numbers_valid`)
# The number types `_number_type_helper` tries after the general description, in its order.
_TYPES = ("premium_rate", "toll_free", "shared_cost", "voip", "personal_number", "pager", "uan",
          "voicemail", "fixed_line")  # fmt: skip
_MIN_NSN, _MAX_NSN = 2, 17  # parse's bounds on a national significant number
_PLUS_DIGITS = r"^\+[1-9][0-9]{2,19}$"


@dataclass(frozen=True)
class _Desc:
    """A number description: a length among `lengths` (any when empty) and `pattern` whole."""

    lengths: frozenset[int]
    pattern: str  # RE2, anchored


@dataclass(frozen=True)
class _Region:
    leading: str | None  # RE2 anchored at the start: the region claims numbers starting so
    valid_here: bool  # the calling code is this region's (`is_valid_number_for_region`)
    general: _Desc | None
    types: tuple[_Desc, ...]


@dataclass(frozen=True)
class _Code:
    trunk: str | None  # the main region's national prefix for parsing, anchored at the start
    regions: tuple[_Region, ...]


def plus_numbers_valid(values: pa.Array, least: int = LEAST_PER_CODE) -> np.ndarray:
    """`VALID`, `INVALID` or `UNDECIDED` (int8) for each `+<digits>` string of `values` (no
    nulls): what `phonenumbers.is_valid_number(phonenumbers.parse(value))` says, where these
    rules can tell. A calling code with fewer than `least` numbers here is left undecided: its
    patterns cost ~0.2 ms to compile and run, ten numbers' worth of the library's own check."""
    verdict = np.full(len(values), UNDECIDED, dtype=np.int8)
    shaped = bool_mask(pc.match_substring_regex(values, _PLUS_DIGITS))
    if not shaped.any():
        return verdict
    where = np.flatnonzero(shaped)
    digits = pc.utf8_slice_codeunits(values.take(pa.array(where)), 1)
    codes = _calling_codes(digits)
    for code in np.unique(codes[codes > 0]):
        rules = _rules(int(code))
        if rules is None:
            continue
        mine = np.flatnonzero(codes == code)
        if len(mine) < least:
            continue
        national = pc.utf8_slice_codeunits(digits.take(pa.array(mine)), len(str(code)))
        verdict[where[mine]] = _decide(rules, national)
    return verdict


def _calling_codes(digits: pa.Array) -> np.ndarray:
    """The calling code each digit string starts with (the first of its 1-3 digit prefixes
    that is one), 0 where none is."""
    codes = np.zeros(len(digits), dtype=np.int64)
    for size in (3, 2, 1):  # the shortest prefix that is a code wins: written last
        prefix = pc.cast(pc.utf8_slice_codeunits(digits, 0, size), pa.int64()).to_numpy()
        known = np.isin(prefix, _KNOWN_CODES)
        codes[known] = prefix[known]
    return codes


_KNOWN_CODES = np.fromiter(COUNTRY_CODE_TO_REGION_CODE, dtype=np.int64)


def _decide(rules: _Code, national: pa.Array) -> np.ndarray:
    """Verdicts for the national numbers of one calling code."""
    verdict = np.full(len(national), UNDECIDED, dtype=np.int8)
    lengths = pc.utf8_length(national).to_numpy()
    open_ = (lengths >= _MIN_NSN) & (lengths <= _MAX_NSN)
    if rules.trunk is not None:
        open_ &= ~_matching(national, rules.trunk, open_)
    for region in rules.regions:
        if not open_.any():
            break
        if region.leading is not None:
            claimed = _matching(national, region.leading, open_)
            valid = _valid(region, national, lengths, claimed)
            verdict[claimed] = np.where(valid[claimed] & region.valid_here, VALID, INVALID)
            open_ &= ~claimed
        else:
            valid = _valid(region, national, lengths, open_)
            verdict[valid] = VALID if region.valid_here else INVALID
            open_ &= ~valid
    verdict[open_] = INVALID  # no region claims it
    return verdict


def _valid(
    region: _Region, national: pa.Array, lengths: np.ndarray, among: np.ndarray
) -> np.ndarray:
    """`_number_type_helper(...) != UNKNOWN` for the numbers `among`: the general description
    and one number type match."""
    if region.general is None:
        return np.zeros(len(national), dtype=bool)
    general = _described(region.general, national, lengths, among)
    found = np.zeros(len(national), dtype=bool)
    for desc in region.types:
        todo = general & ~found
        if not todo.any():
            break
        found |= _described(desc, national, lengths, todo)
    return general & found


def _described(
    desc: _Desc, national: pa.Array, lengths: np.ndarray, among: np.ndarray
) -> np.ndarray:
    """`_is_number_matching_desc` for the numbers `among`."""
    if desc.lengths:
        among = among & np.isin(lengths, list(desc.lengths))
    return _matching(national, desc.pattern, among)


def _matching(values: pa.Array, pattern: str, among: np.ndarray) -> np.ndarray:
    found = np.zeros(len(values), dtype=bool)
    if among.any():
        part = values.filter(pa.array(among))
        found[among] = bool_mask(pc.match_substring_regex(part, pattern))
    return found


@cache
def _rules(code: int) -> _Code | None:
    """The rules of one calling code from libphonenumber's metadata, None when some pattern
    does not compile in RE2 (its numbers are left to the library)."""
    regions = COUNTRY_CODE_TO_REGION_CODE.get(code, ())
    if not regions:
        return None
    main = _metadata(code, regions[0])
    if main is None:
        return None
    trunk = main.national_prefix_for_parsing
    try:
        rules = _Code(
            _anchored(trunk, whole=False) if trunk else None,
            tuple(_region(code, name, single=len(regions) == 1) for name in regions),
        )
        for pattern in _patterns(rules):
            pc.match_substring_regex(pa.array([""]), pattern)  # compiles, or raises
    except (pa.ArrowInvalid, _Unusable):
        return None
    return rules


class _Unusable(Exception):
    """A region whose metadata is missing: its calling code is left to libphonenumber."""


def _region(code: int, name: str, single: bool) -> _Region:
    metadata = _metadata(code, name)
    if metadata is None:
        raise _Unusable(name)
    # A single region is taken without a look at its leading digits (`region_code_for_number`).
    leading = None if single or metadata.leading_digits is None else metadata.leading_digits
    general = _desc(metadata.general_desc)
    types = [_desc(getattr(metadata, kind)) for kind in _TYPES]
    if not metadata.same_mobile_and_fixed_line_pattern:
        types.append(_desc(metadata.mobile))
    valid_here = name == REGION_CODE_FOR_NON_GEO_ENTITY or metadata.country_code == code
    return _Region(
        _anchored(leading, whole=False) if leading is not None else None,
        valid_here,
        general,
        tuple(d for d in types if d is not None),
    )


def _desc(desc: Any) -> _Desc | None:
    """None for a description that matches nothing (absent, or without a pattern)."""
    if desc is None or not desc.national_number_pattern:
        return None
    return _Desc(frozenset(desc.possible_length or ()), _anchored(desc.national_number_pattern))


def _metadata(code: int, region: str) -> Any:
    if region == REGION_CODE_FOR_NON_GEO_ENTITY:
        return PhoneMetadata.metadata_for_nongeo_region(code, None)
    return PhoneMetadata.metadata_for_region(region, None)


def _anchored(pattern: str, whole: bool = True) -> str:
    """Python's `fullmatch` (whole) or `match` (at the start) as an RE2 search pattern."""
    return f"^(?:{pattern})$" if whole else f"^(?:{pattern})"


def _patterns(rules: _Code) -> list[str]:
    found = [rules.trunk] if rules.trunk else []
    for region in rules.regions:
        found += [region.leading] if region.leading else []
        found += [region.general.pattern] if region.general else []
        found += [desc.pattern for desc in region.types]
    return found
