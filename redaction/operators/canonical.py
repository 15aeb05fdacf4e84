"""Normalise identifiers with pyarrow (RE2) before any value reaches Python.

`pseudonymize` tokens are HMACs of a normalised value (`pseudonymize.NORMALISERS`). Telecom
exports write one subscriber many ways (`(514) 555-0123`, `+15145550123`, `15145550123`), so
normalising in Python first would call Python once per spelling. Here the common cases are
normalised column-wise; Python then hashes each normalised value once.

Every rewrite is exact: where `prepare` marks a cell final, its value is what the Python
normaliser returns for that cell, byte for byte (a hypothesis test holds both to it). Cells no
rule covers exactly are left for Python: non-ASCII cells (Python's `\\s`, `\\d`, `lower()` and
`strip()` are Unicode-aware, RE2's classes are ASCII) and the few shapes whose Python result
needs a parse.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc

from detectors import entities
from redaction.operators.distinct import spread

# RE2 twin of `pseudonymize._PHONE_CHARS`; its ASCII classes accept a subset of what Python's do.
PHONE_SHAPE = r"^\s*\+?[\d\s().\-]{7,24}$"
ASCII_ONLY = r"^[\x00-\x7f]*$"
# ASCII without the characters Python's `\s` has and RE2's lacks (\v, \x1c-\x1f).
_RE2_PLAIN_ASCII = r"^[\x00-\x0a\x0c-\x1b\x20-\x7f]*$"
# The ASCII characters `str.split()`/`str.strip()` treat as whitespace.
ASCII_WHITESPACE = " \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f"
_WHITESPACE_RUN = r"[ \t\n\r\x0b\x0c\x1c-\x1f]+"
_NANP_10 = r"^([2-9]\d{9})$"
_NANP_11 = r"^(1[2-9]\d{9})$"


@dataclass(frozen=True)
class Prepared:
    """`values[i]` is normalised where `final[i]`; elsewhere it is what Python should be given.

    Where `parse[i]` (phone numbers only), `values[i]` is the `[+]digits` form whose normalised
    value only libphonenumber can give (`pseudonymize._e164_or_digits`).
    """

    values: pa.Array
    final: pa.Array
    parse: pa.Array | None = None


def prepare(entity: str | None, text: pa.Array) -> Prepared | None:
    """Column-wise normalisation for `entity`, or None when no rule exists for it."""
    rule = _RULES.get(entity or "")
    return rule(text) if rule else None


def false_if_null(array: pa.Array) -> pa.Array:
    """A boolean mask whose nulls (null cells) are false."""
    return pc.fill_null(array, False)


def _ascii(text: pa.Array) -> pa.Array:
    return false_if_null(pc.match_substring_regex(text, ASCII_ONLY))


def _phones(text: pa.Array) -> Prepared:
    """`pseudonymize.normalise_phone`, column-wise.

    Phone-shaped cells (ASCII) with 7+ digits become `+1` + ten NANP digits, `+` + eleven, or
    `[+]digits` marked `parse` (the same input Python's own path gives libphonenumber). Cells
    not shaped like a phone become their digits, as in Python — when they are ASCII without the
    spaces only Python's `\\s` knows, so that Python could not read them as phone-shaped.
    """
    digits = pc.replace_substring_regex(text, r"[^0-9]+", "")
    count = pc.utf8_length(digits)
    re2_shaped = false_if_null(pc.match_substring_regex(text, PHONE_SHAPE))
    shaped = pc.and_(re2_shaped, false_if_null(pc.greater_equal(count, 7)))
    plain = false_if_null(pc.match_substring_regex(text, _RE2_PLAIN_ASCII))
    loose = pc.and_(pc.and_(pc.invert(re2_shaped), plain), false_if_null(pc.greater(count, 0)))
    unshaped_value = pc.if_else(loose, digits, text)
    if not pc.any(shaped).as_py():  # dial strings, channels: no phone-shaped cell
        return Prepared(unshaped_value, loose)
    plus = false_if_null(pc.match_substring_regex(text, r"^\s*\+"))
    nanp = pc.replace_substring_regex(
        pc.replace_substring_regex(digits, _NANP_10, r"+1\1"), _NANP_11, r"+\1"
    )
    with_plus = pc.binary_join_element_wise(pa.scalar("+"), digits, "")
    nanp_done = false_if_null(pc.starts_with(nanp, "+"))
    plus_done = false_if_null(pc.match_substring_regex(digits, _NANP_11))
    shaped_value = pc.if_else(plus, with_plus, nanp)
    shaped_final = pc.if_else(plus, plus_done, nanp_done)
    values = pc.if_else(shaped, shaped_value, unshaped_value)
    final = pc.or_(pc.and_(shaped, shaped_final), loose)
    return Prepared(values, final, pc.and_(shaped, pc.invert(shaped_final)))


def _trimmed_ascii(text: pa.Array) -> tuple[pa.Array, pa.Array]:
    trimmed = pc.utf8_trim(text, characters=ASCII_WHITESPACE)
    ok = pc.and_(_ascii(text), false_if_null(pc.greater(pc.utf8_length(trimmed), 0)))
    return trimmed, ok


def _lower(text: pa.Array) -> Prepared:
    """`v.strip().lower()` (emails, SIP URIs) for ASCII cells."""
    trimmed, ok = _trimmed_ascii(text)
    return Prepared(pc.if_else(ok, pc.ascii_lower(trimmed), text), ok)


def _upper(text: pa.Array) -> Prepared:
    """`v.strip().upper()` (account ids) for ASCII cells."""
    trimmed, ok = _trimmed_ascii(text)
    return Prepared(pc.if_else(ok, pc.ascii_upper(trimmed), text), ok)


def _person(text: pa.Array) -> Prepared:
    """`" ".join(v.split()).casefold()` for ASCII cells (casefold is lower there)."""
    collapsed = pc.replace_substring_regex(text, _WHITESPACE_RUN, " ")
    trimmed, ok = _trimmed_ascii(collapsed)
    return Prepared(pc.if_else(ok, pc.ascii_lower(trimmed), text), ok)


_RULES = {
    entities.PHONE_NUMBER: _phones,
    entities.EMAIL_ADDRESS: _lower,
    entities.SIP_URI: _lower,
    entities.ACCOUNT_NUMBER: _upper,
    entities.PERSON: _person,
}

# Caller ids: RE2 twin of `pseudonymize._CALLER_ID`. RE2's `\s` is [\t\n\f\r ]; a cell with any
# other character Python calls whitespace could split differently, so those go to Python.
CALLER_ID = r'^\s*"?(?P<name>[^"<]*?)"?\s*<(?P<number>[^<>]*)>\s*$'
_CALLER_ID_USUAL = r'^(?:"(?P<name>[^"<]*)" )?<(?P<number>[^<>]*)>$'
_OTHER_WHITESPACE = (
    "["
    + "".join(
        f"\\x{{{c:x}}}" for c in range(0x3001) if chr(c).isspace() and chr(c) not in "\t\n\x0c\r "
    )
    + "]"
)


def split_caller_ids(text: pa.Array) -> tuple[pa.Array, pa.Array, pa.Array]:
    """(matched, name, number): the groups Python's caller-id pattern gives, where `matched`.

    Cells written exactly as Asterisk writes them (`"Name" <number>`, or `<number>` with no
    name: name "") are split with a pattern without lazy parts, four times faster; on such a
    cell `CALLER_ID` can only end its lazy name at the closing quote (or match it empty), so
    both give the same groups. The rest that hold a `<` (which `CALLER_ID` needs) get
    `CALLER_ID`, only they.
    """
    usual = pc.extract_regex(text, _CALLER_ID_USUAL)
    found = false_if_null(usual.is_valid())
    names, numbers = usual.field("name"), usual.field("number")
    rest = pc.invert(pc.or_(found, pc.is_null(text)))  # not split yet
    if pc.any(rest).as_py():
        rest = pc.and_(rest, false_if_null(pc.match_substring(text, "<")))
    if pc.any(rest).as_py():
        where = rest.to_numpy(zero_copy_only=False)
        other = pc.extract_regex(text.filter(rest), CALLER_ID)
        names = pc.if_else(rest, spread(other.field("name"), where), names)
        numbers = pc.if_else(rest, spread(other.field("number"), where), numbers)
        found = pc.or_(found, false_if_null(spread(other.is_valid(), where)))
    plain = pc.invert(false_if_null(pc.match_substring_regex(text, _OTHER_WHITESPACE)))
    return pc.and_(found, plain), names, numbers
