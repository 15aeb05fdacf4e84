"""The full sweep: validated identifiers anywhere in any cell, over every row, vectorised.

Profiling samples rows and judges whole columns; the sweep is what makes the gate fail closed.
It looks inside every cell of a column, whatever its type, for the identifiers that can be
*validated* (a checksum, a number plan, an address grammar) and so can be trusted without a
language model: e-mail (plain and written against harvesters), phone numbers, payment cards of
every brand (issuer range + length + Luhn), IBAN, IPv4/IPv6, Canadian SIN, SIP URIs, IMEI,
ICCID and MAC addresses.

How a column is read (`cell_texts`):
- strings as they are; binary cells decoded as UTF-8 (invalid bytes replaced, so the valid
  parts are still read); integers and decimals as their digits (CDR exports store numbers as
  integers); integral floats as integers; booleans, dates and times are not read;
- nested values are flattened: struct fields, list items, map keys and values, each leaf
  mapped back to the row it came from.

How a leaf is swept (`sweep_values`): distinct values only; per detector an RE2 prefilter over
them (`pyarrow.compute`), then either a whole-cell shape validated many at once (the common
case of one identifier per cell) or, for cells holding other text around it, Python's `re`
finding every candidate in the few prefiltered cells, each distinct candidate validated once.
Our own output (pseudonym tokens, `<ENTITY>` placeholders, mask characters) never counts.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from detectors import entities
from detectors.columns.base import bool_mask
from detectors.columns.contact import OBFUSCATED_EMAIL, deobfuscate_email
from detectors.columns.phones import phones_valid
from detectors.masking import mask_value
from detectors.settings import DetectionSettings
from detectors.validators import (
    CARD_BRANDS,
    card_brand_valid,
    card_number_valid,
    iban_valid,
    luhn_valid,
    sin_valid,
)

# Validates many distinct candidate strings at once → one verdict each.
ManyValidator = Callable[[pa.Array, DetectionSettings], np.ndarray]


def _each(check: Callable[[str], bool]) -> ManyValidator:
    def validate(candidates: pa.Array, settings: DetectionSettings) -> np.ndarray:
        values = candidates.to_pylist()
        return np.fromiter((check(v) for v in values), dtype=bool, count=len(values))

    return validate


def _phones(text: pa.Array, settings: DetectionSettings) -> np.ndarray:
    # A date (2026-11-05 0…), a decimal or an IPv4 address is never a phone number.
    shaped = ~bool_mask(pc.match_substring_regex(text, _NOT_PHONE_RE2))
    if settings.default_region in ("US", "CA"):
        # In a North-American default region a number without `+`, 00 or 011 is a national
        # one: 10 digits, or 11 with a leading 1 (epoch milliseconds are neither).
        digits = pc.utf8_length(pc.replace_substring_regex(text, r"[^0-9]+", ""))
        national = bool_mask(pc.and_(pc.greater_equal(digits, 10), pc.less_equal(digits, 11)))
        international = bool_mask(
            pc.match_substring_regex(text, r"^\s*(?:[Tt][Ee][Ll]:)?(?:\+|00|011)")
        )
        shaped &= national | international
    verdict = np.zeros(len(text), dtype=bool)
    index = np.flatnonzero(shaped)
    if len(index):
        verdict[index] = _remembered_phones(text.take(pa.array(index)), settings)
    return verdict


# Candidates whose `phones_valid` verdict is remembered, per default region: a subscriber's
# number recurs in every batch of `src`, `dst` and `clid`, and libphonenumber takes 25-100 µs
# a parse. Raw values, held in this process only (like the pseudonymizer's parse cache).
PHONE_VERDICTS_MAX = 1 << 18
_PHONE_VERDICTS: dict[tuple[str, str], bool] = {}


def _remembered_phones(candidates: pa.Array, settings: DetectionSettings) -> np.ndarray:
    """`phones_valid` of each candidate, from memory for those seen before (the same verdict:
    it depends on the candidate and the default region only)."""
    region = settings.default_region
    values = candidates.to_pylist()
    remembered = _PHONE_VERDICTS
    verdict = np.zeros(len(values), dtype=bool)
    new = []
    for i, value in enumerate(values):
        known = remembered.get((region, value))
        if known is None:
            new.append(i)
        else:
            verdict[i] = known
    if new:
        fresh = phones_valid(candidates.take(pa.array(new, pa.int64())), settings)
        verdict[new] = fresh
        if len(remembered) + len(new) > PHONE_VERDICTS_MAX:
            remembered.clear()
        remembered.update(zip(((region, values[i]) for i in new), fresh.tolist(), strict=True))
    return verdict


def _cards(text: pa.Array, settings: DetectionSettings) -> np.ndarray:
    """Issuer range and length checked column-wise for every candidate; Luhn only on those that
    fit a brand (a column of 13-digit epoch milliseconds never reaches Python)."""
    digits = pc.replace_substring_regex(text, r"[^0-9]", "")
    lengths = pc.utf8_length(digits).to_numpy(zero_copy_only=False)
    verdict = np.zeros(len(text), dtype=bool)
    usable = lengths >= 12
    if not usable.any():
        return verdict
    heads = pc.utf8_slice_codeunits(digits.filter(pa.array(usable)), 0, 6)
    prefix = np.zeros(len(text), dtype=np.int64)
    prefix[usable] = pc.cast(heads, pa.int64()).to_numpy(zero_copy_only=False)
    fits = np.zeros(len(text), dtype=bool)
    for _, ranges, sizes in CARD_BRANDS:
        sized = usable & np.isin(lengths, np.fromiter(sizes, dtype=np.int64))
        for low, high in ranges:
            head = prefix // 10 ** (6 - len(str(low)))
            fits |= sized & (head >= low) & (head <= high)
    index = np.flatnonzero(fits)
    for i, number in zip(index, digits.take(pa.array(index)).to_pylist(), strict=True):
        verdict[i] = card_number_valid(number)
    return verdict


def _ipv4(text: str) -> bool:
    try:
        address = ipaddress.IPv4Address(text)
    except ValueError:
        return False
    return not (address.is_unspecified or address.is_loopback)


def _ipv6(text: str) -> bool:
    try:
        address = ipaddress.IPv6Address(text)
    except ValueError:
        return False
    return not (address.is_unspecified or address.is_loopback) and text.count(":") >= 2


def _mac(text: str) -> bool:
    digits = re.sub(r"[^0-9A-Fa-f]", "", text).lower()
    return len(set(digits)) > 1


# Reporting bodies of IMEI type allocation codes: 15 Luhn-valid digits alone are too common.
_IMEI_BODIES = frozenset(
    {
        "01",
        "10",
        "30",
        "33",
        "35",
        "44",
        "45",
        "49",
        "50",
        "51",
        "52",
        "53",
        "54",
        "86",
        "91",
        "98",
        "99",
    }
)


def _imei(text: str) -> bool:
    digits = re.sub(r"\D", "", text)
    return (
        len(digits) == 15
        and digits[:2] in _IMEI_BODIES
        and not card_brand_valid(digits)
        and luhn_valid(digits)
    )


def _iccid(text: str) -> bool:
    digits = re.sub(r"\D", "", text)
    return 19 <= len(digits) <= 20 and digits.startswith("89") and luhn_valid(digits)


def _iban(text: str) -> bool:
    return iban_valid(re.sub(r"\s", "", text).upper())


@dataclass(frozen=True)
class Detector:
    """One validated identifier: how to find candidates in a cell and how to check them.

    `prefilter` (RE2) selects distinct cells that may hold one; `whole` (RE2, anchored) marks
    cells that are one candidate as they stand, validated many at once; `finder` (Python `re`)
    extracts every candidate from the other prefiltered cells.
    """

    entity_type: str
    prefilter: str
    finder: re.Pattern[str]
    validate: ManyValidator | None = None
    whole: str | None = None
    exclude: str | None = None  # RE2: whole cells of this shape never hold one (a decimal)
    context: re.Pattern[str] | None = None  # when set: the cell or column name must match it
    worded: bool = False  # written in words: looked for in cells without digits too
    # digit counts of a cell that is only a number (`15145550199`), checked whole without the
    # prefilter; None: a bare number is never this entity
    digit_counts: frozenset[int] | None = None


_B = r"(?<![\w@.+%'\-])"  # left boundary: not inside a word, a token or an address
_NOT_PHONE_RE2 = (
    r"^\s*(?:[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}|[0-9]{1,2}[-./][0-9]{1,2}[-./][0-9]{4}\s*$"
    r"|[0-9]+\.[0-9]+\s*$|[0-9]{1,3}(?:\.[0-9]{1,3}){3}\s*$)"
)

DETECTORS: tuple[Detector, ...] = (
    Detector(
        entities.SIP_URI,
        prefilter=r"(?i)sips?:[^\s@]+@",
        finder=re.compile(
            r"(?i)\bsips?:[^\s@<>\"']+@[A-Za-z0-9.\-]+|\bsips?:[^\s@<>\"']+@\[[^\]]+\]"
        ),
    ),
    Detector(
        entities.EMAIL_ADDRESS,
        prefilter=r"@[A-Za-z0-9\-]+\.[A-Za-z]",
        whole=r"^\s*[A-Za-z0-9._%+'\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}\s*$",
        finder=re.compile(
            _B + r"(?<!sip:)(?<!sips:)[A-Za-z0-9._%+'\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*"
            r"\.[A-Za-z]{2,}(?![\w\-])",
            re.IGNORECASE,
        ),
    ),
    Detector(  # written against harvesters: the e-mail column classifier's own grammar
        entities.EMAIL_ADDRESS,
        prefilter=(
            r"(?i)(\s(at|arobase)\s|[\[({<]\s*(at|arobase|@)\s*[\])}>]|@).*"
            r"(\s(dot|point)\s|[\[({<]\s*(dot|point|\.)\s*[\])}>]|\.)\s*[a-z]{2,}"
        ),
        finder=re.compile(rf"(?<![\w.\-]){OBFUSCATED_EMAIL}(?![\w\-])", re.IGNORECASE),
        validate=_each(lambda text: deobfuscate_email(text) is not None),
        worded=True,
    ),
    Detector(
        entities.IBAN_CODE,
        # written in upper case: hex ids (`…-de12abcd`) would make lower-case ones candidates
        prefilter=r"(?:^|[^A-Za-z0-9])[A-Z]{2}[0-9]{2} ?[A-Z0-9]{4}",
        finder=re.compile(
            r"(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?"
            r"(?![A-Za-z0-9])"
        ),
        validate=_each(_iban),
    ),
    Detector(
        entities.CREDIT_CARD,
        prefilter=r"(?:^|[^\w.\-])[0-9](?:[ \-]?[0-9]){11,18}",
        whole=r"^\s*[0-9](?:[ \-]?[0-9]){11,18}\s*$",
        finder=re.compile(r"(?<![\w.\-])\d(?:[ \-]?\d){11,18}(?![\w]|[.\-]\d)"),
        validate=_cards,
        digit_counts=frozenset(range(12, 20)),
    ),
    Detector(
        entities.CA_SIN,
        prefilter=r"(?:^|[^\w\-])[0-9]{3}[ \-][0-9]{3}[ \-][0-9]{3}",
        finder=re.compile(r"(?<![\w\-])\d{3}([ \-])\d{3}\1\d{3}(?![\w]|[\-]\d)"),
        validate=_each(sin_valid),
    ),
    Detector(
        entities.CA_SIN,
        prefilter=r"(?:^|[^\w\-.])[0-9]{9}(?:[^\w]|$)",
        finder=re.compile(r"(?<![\w\-.])\d{9}(?![\w]|[.\-]\d)"),
        validate=_each(sin_valid),
        digit_counts=frozenset({9}),
        context=re.compile(
            r"(?i)(?:^|[^a-z])(?:sin|nas|social[\s_]*insurance|assurance[\s_]*sociale)(?:[^a-z]|$)"
        ),
    ),
    Detector(
        entities.IMEI,
        prefilter=r"(?:^|[^\w\-.])[0-9]{2}[ \-]?[0-9]{6}[ \-]?[0-9]{6}[ \-]?[0-9]",
        finder=re.compile(r"(?<![\w\-.])\d{2}[ \-]?\d{6}[ \-]?\d{6}[ \-]?\d(?![\w]|[.\-]\d)"),
        validate=_each(_imei),
        digit_counts=frozenset({15}),
    ),
    Detector(
        entities.ICCID,
        prefilter=r"(?:^|[^\w\-.])89[0-9]{17}",
        finder=re.compile(r"(?<![\w\-.])89\d{17,18}(?![\w]|[.\-]\d)"),
        validate=_each(_iccid),
        digit_counts=frozenset({19, 20}),
    ),
    Detector(
        entities.IP_ADDRESS,
        prefilter=r"(?:^|[^\w.])[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}",
        whole=r"^\s*[0-9]{1,3}(?:\.[0-9]{1,3}){3}\s*$",
        # a network in CIDR form (203.0.113.0/24, what generalizing writes) is not an address
        finder=re.compile(r"(?<![\w.])\d{1,3}(?:\.\d{1,3}){3}(?![\w]|\.\d|/\d)"),
        validate=_each(_ipv4),
    ),
    Detector(
        entities.IP_ADDRESS,
        # a `::` or four groups: times (03:00:36) have three
        prefilter=r"(?i)::|(?:^|[^\w:.])(?:[0-9a-f]{1,4}:){3,7}[0-9a-f]{1,4}",
        finder=re.compile(r"(?<![\w:.])[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}(?![\w:]|/\d)"),
        validate=_each(_ipv6),
    ),
    Detector(
        entities.MAC_ADDRESS,
        prefilter=r"(?i)[0-9a-f]{2}([:\-])[0-9a-f]{2}[:\-][0-9a-f]{2}[:\-][0-9a-f]{2}[:\-]|[0-9a-f]{4}\.[0-9a-f]{4}\.[0-9a-f]{4}",
        finder=re.compile(
            r"(?<![\w:\-.])(?:[0-9A-Fa-f]{2}([:\-])(?:[0-9A-Fa-f]{2}\1){4}[0-9A-Fa-f]{2}"
            r"|[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4})(?![\w:\-])"
        ),
        validate=_each(_mac),
    ),
    Detector(
        entities.PHONE_NUMBER,
        prefilter=r"(?:^|[^\w+.:/@\-])\+?\(?[0-9](?:[ ().\-]{0,2}[0-9]){6}",
        whole=r"^\s*(?:[Tt][Ee][Ll]:)?\+?\(?[0-9][0-9 ().\-]{5,22}[0-9]\s*$",
        exclude=_NOT_PHONE_RE2,
        finder=re.compile(r"(?<![\w+.:/@\-])(?:\+|\b)\(?\d[\d ().\-]{5,22}\d(?![\w]|[.\-]\d|:\d)"),
        validate=_phones,
        digit_counts=frozenset(range(7, 16)),
    ),
)
DETECTED_ENTITIES: frozenset[str] = frozenset(d.entity_type for d in DETECTORS)


def _group(pattern: str) -> str:
    return f"(?i:{pattern[4:]})" if pattern.startswith("(?i)") else f"(?:{pattern})"


_ANY_PREFILTER = "|".join(_group(d.prefilter) for d in DETECTORS)

# Pseudonym tokens, placeholders and masked values: our own output is never an identifier.
_BLANK = " <FOUND> "  # what replaces an identifier once found: no detector matches it
_WORDED = r"(?i)(?:\s(?:at|arobase)\s|[\[({<]\s*(?:at|arobase)\s*[\])}>])"
_OWN_OUTPUT = r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*_[0-9a-f]{8,}|<[A-Z][A-Z_]*>|•+"


@dataclass(frozen=True)
class SweepHit:
    """Rows of one column holding one entity type, with one masked sample (never the value)."""

    entity_type: str
    rows: np.ndarray = field(repr=False)  # boolean mask over the swept rows
    masked_sample: str = ""

    @property
    def count(self) -> int:
        return int(self.rows.sum())


def sweep_values(
    values: pa.Array | pa.ChunkedArray,
    settings: DetectionSettings | None = None,
    column: str | None = None,
    skip: frozenset[str] = frozenset(),
) -> dict[str, SweepHit]:
    """Per entity type found, which rows of `values` hold a validated identifier of it.

    `column` (the field's name) serves as context for detectors that need it (9 bare digits are
    a SIN only in a `sin` column or beside "SIN"). Entity types in `skip` are not looked for.
    """
    settings = settings or DetectionSettings()
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks() if values.num_chunks else pa.array([], values.type)
    rows = len(values)
    found: dict[str, SweepHit] = {}
    for leaf, index, numbers in cell_texts(values):
        hits = _sweep_leaf(leaf, settings, column, skip, words=not numbers)
        for entity, (hit, sample) in hits.items():
            mask = np.zeros(rows, dtype=bool)
            mask[hit if index is None else index[hit]] = True
            earlier = found.get(entity)
            if earlier is not None:
                mask |= earlier.rows
                sample = earlier.masked_sample
            found[entity] = SweepHit(entity, mask, sample)
    return found


def cell_texts(values: pa.Array) -> Iterator[tuple[pa.Array, np.ndarray | None, bool]]:
    """Every readable leaf of `values` as strings, with the row of each element (None: same)
    and whether the leaf holds numbers (no words to read in them)."""
    yield from _leaves(values, None)


def _leaves(
    values: pa.Array, index: np.ndarray | None
) -> Iterator[tuple[pa.Array, np.ndarray | None, bool]]:
    kind = values.type
    if pa.types.is_dictionary(kind):
        yield from _leaves(values.dictionary_decode(), index)
    elif pa.types.is_struct(kind):
        for child in values.flatten():
            yield from _leaves(child, index)
    elif pa.types.is_map(kind):
        offsets = values.offsets.to_numpy(zero_copy_only=False)
        parents = np.repeat(np.arange(len(values)), np.diff(offsets))
        child_index = parents if index is None else index[parents]
        start, stop = int(offsets[0]), int(offsets[-1])  # `keys` ignores a slice's offset
        yield from _leaves(values.keys.slice(start, stop - start), child_index)
        yield from _leaves(values.items.slice(start, stop - start), child_index)
    elif (
        pa.types.is_list(kind) or pa.types.is_large_list(kind) or pa.types.is_fixed_size_list(kind)
    ):
        parents = pc.list_parent_indices(values).to_numpy(zero_copy_only=False)
        child_index = parents if index is None else index[parents]
        yield from _leaves(pc.list_flatten(values), child_index)
    else:
        text = _as_text(values)
        if text is not None:
            yield text, index, _is_number(kind)


def _is_number(kind: pa.DataType) -> bool:
    return pa.types.is_integer(kind) or pa.types.is_decimal(kind) or pa.types.is_floating(kind)


def _as_text(values: pa.Array) -> pa.Array | None:
    kind = values.type
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        return values
    if pa.types.is_string_view(kind) or pa.types.is_integer(kind) or pa.types.is_decimal(kind):
        return pc.cast(values, pa.string())
    if pa.types.is_floating(kind):  # 15145550199.0: an integer stored as a float
        finite = pc.fill_null(pc.is_finite(values), False)
        whole = pc.and_(finite, pc.equal(pc.floor(pc.if_else(finite, values, 0.0)), values))
        if not pc.any(whole).as_py():
            return None
        digits = pc.cast(
            pc.cast(pc.if_else(whole, values, 0.0), pa.int64(), safe=False), pa.string()
        )
        return pc.if_else(whole, digits, pa.scalar(None, pa.string()))
    if pa.types.is_binary(kind) or pa.types.is_large_binary(kind) or pa.types.is_binary_view(kind):
        try:
            return pc.cast(values, pa.string())
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            decoded = [
                None if v is None else v.decode("utf-8", "replace") for v in values.to_pylist()
            ]
            return pa.array(decoded, pa.string())
    return None


# Cells no digit-based detector can match: short integers, decimals, or neither a digit nor
# `@` nor `:` (worded detectors still read those).
_HOPELESS = (
    rf"^\s*(?:{_OWN_OUTPUT})\s*$"
    r"|^\s*[-+]?[0-9]{0,6}\s*$|^\s*[-+]?[0-9]+\.[0-9]+\s*$|^[^0-9@:]*$"
    # a date, time or timestamp alone (2026-11-05 03:00:00, 2026-11-05T03:00:00.5Z, 03:00)
    r"|^\s*(?:[0-9]{4}-[0-9]{2}-[0-9]{2}(?:[ T][0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?)?"
    r"(?:Z|[+-][0-9]{2}:?[0-9]{2})?|[0-9]{1,2}:[0-9]{2}(?::[0-9]{2})?)\s*$"
)


def _sweep_leaf(
    leaf: pa.Array,
    settings: DetectionSettings,
    column: str | None,
    skip: frozenset[str],
    words: bool = True,
) -> dict[str, tuple[np.ndarray, str]]:
    """Per entity: element positions of `leaf` holding it, and a masked sample; without
    `words` (a leaf of numbers), worded detectors are not run."""
    distinct, indices = _distinct(leaf)
    distinct = _integral_as_digits(distinct)
    if not len(distinct):
        return {}
    cells = _Cells(distinct, words)
    if cells.closed:
        return {}
    hits: dict[str, tuple[np.ndarray, str]] = {}
    for detector in DETECTORS:
        if detector.entity_type in skip:
            continue
        verdict, sample, consumed = _detect(detector, cells, settings, column or "")
        if not verdict.any():
            continue
        # What one detector found is not looked at again: the digits of a card or an IBAN are
        # no phone number, the host of a SIP URI no IP address apart.
        mask = np.zeros(len(distinct), dtype=bool)
        mask[list(consumed)] = True
        cells = _Cells(
            pc.replace_with_mask(
                cells.distinct, pa.array(mask), pa.array(list(consumed.values()), pa.string())
            ),
            words,
        )
        if indices is None:  # each element is its own value
            positions = np.flatnonzero(verdict)
        else:
            chosen = pa.array(np.flatnonzero(verdict), pa.int32())
            positions = np.flatnonzero(bool_mask(pc.is_in(indices, value_set=chosen)))
        earlier = hits.get(detector.entity_type)
        if earlier is not None:
            positions = np.union1d(earlier[0], positions)
            sample = earlier[1]
        hits[detector.entity_type] = (positions, sample)
    return hits


_SAMPLE = 1024  # first elements looked at to tell a leaf that hardly repeats a value
_INTEGRAL = r"^(\s*[-+]?[0-9]+)\.0+(\s*)$"


def _integral_as_digits(distinct: pa.Array) -> pa.Array:
    """Whole numbers written with a fraction of zeros (`15145550199.0`: a spreadsheet's export
    of a number column, or a decimal column's text) as their digits, as integral floats are
    read; other cells unchanged. Only the cells holding `.0` are rewritten."""
    maybe = pc.fill_null(pc.match_substring(distinct, ".0"), False)
    if not pc.any(maybe).as_py():
        return distinct
    rewritten = pc.replace_substring_regex(distinct.filter(maybe), _INTEGRAL, r"\1\2")
    return pc.replace_with_mask(distinct, maybe, rewritten)


def _holds_a(text: pa.Array) -> bool:
    """Some cell holds an `a` or `A`, which every worded form (`at`, `arobase`) needs (no other
    character folds to it): one look at the bytes spares a pass over call ids, times, amounts."""
    if not pa.types.is_string(text.type):
        return True  # not read here: the pass decides
    if not len(text):
        return False
    offsets = np.frombuffer(text.buffers()[1], np.int32, len(text) + 1, text.offset * 4)
    first, end = int(offsets[0]), int(offsets[-1])
    if end == first:
        return False
    data = np.frombuffer(text.buffers()[2], np.uint8, end - first, first)
    return bool(np.any((data | 0x20) == ord("a")))


def _distinct(leaf: pa.Array) -> tuple[pa.Array, pa.Array | None]:
    """The distinct values of `leaf` and each element's index among them; a leaf without nulls
    whose first elements hardly repeat (call ids, channels) is taken as it is, indices None:
    encoding it would cost more than the few repeats save."""
    if (
        len(leaf) > _SAMPLE
        and not leaf.null_count
        and pc.count_distinct(leaf.slice(0, _SAMPLE)).as_py() > 0.99 * _SAMPLE
    ):
        return leaf, None
    encoded = pc.dictionary_encode(leaf)
    return encoded.dictionary, encoded.indices


class _Cells:
    """The distinct values of a leaf and what every detector asks of them, computed once.

    Each pass runs only over the cells the one before left open: most cells of most columns
    (amounts, durations, decimal call ids, dates) are hopeless after the first anchored pass."""

    def __init__(self, distinct: pa.Array, words: bool = True) -> None:
        self.distinct = distinct
        size = len(distinct)
        # Our own output (tokens, placeholders, masks) is hopeless too: no prefilter matches a
        # token's digits (a word character precedes them), so one anchored pass decides both.
        self.hopeless = bool_mask(pc.match_substring_regex(distinct, _HOPELESS))
        # worded detectors (`jo at example dot com`) also read cells without digits
        words = words and _holds_a(distinct)
        self.worded = self.matching(_WORDED, self.hopeless if words else np.zeros(size, bool))
        self.numeric = self.matching(r"^\s*\+?[0-9]+\s*$", ~self.hopeless)
        # one pass of all prefilters at once: the cells no detector needs to look at drop out
        self.maybe = self.matching(_ANY_PREFILTER, (~self.hopeless & ~self.numeric) | self.worded)
        self.digits = np.zeros(size, dtype=np.int64)
        if self.numeric.any():
            numbers = pc.replace_substring_regex(
                distinct.filter(pa.array(self.numeric)), r"[^0-9]", ""
            )
            self.digits[self.numeric] = pc.utf8_length(numbers).to_numpy(zero_copy_only=False)

    @property
    def closed(self) -> bool:
        """No detector can find anything in these cells."""
        return not (self.maybe.any() or self.numeric.any())

    def matching(self, pattern: str, among: np.ndarray) -> np.ndarray:
        """`among` narrowed to the cells where the RE2 `pattern` matches."""
        found = among.copy()
        if among.any():
            part = self.distinct.filter(pa.array(among))
            found[among] = bool_mask(pc.match_substring_regex(part, pattern))
        return found


def _detect(
    detector: Detector, cells: _Cells, settings: DetectionSettings, column: str
) -> tuple[np.ndarray, str, dict[int, str]]:
    """Verdict per distinct value, the masked first identifier found, and each hit cell with
    its identifiers blanked out (position → new text)."""
    distinct = cells.distinct
    verdict = np.zeros(len(distinct), dtype=bool)
    consumed: dict[int, str] = {}
    todo = cells.maybe if detector.worded else cells.maybe & ~cells.hopeless
    candidates = cells.matching(detector.prefilter, todo)
    whole = np.zeros(len(distinct), dtype=bool)
    if detector.whole is not None:
        whole = cells.matching(detector.whole, candidates)
    if detector.digit_counts is not None:
        counts = np.fromiter(detector.digit_counts, dtype=np.int64)
        whole |= cells.numeric & np.isin(cells.digits, counts)
    if detector.context is not None and not detector.context.search(column):
        context = "(?i)" + detector.context.pattern.removeprefix("(?i)")
        candidates = cells.matching(context, candidates)
        whole = cells.matching(context, whole)
    if detector.exclude is not None and whole.any():
        excluded = cells.matching(detector.exclude, whole)
        candidates &= ~excluded
        whole &= ~excluded
    sample = ""
    index = np.flatnonzero(whole)
    if len(index):
        values = pc.utf8_trim_whitespace(distinct.take(pa.array(index)))
        good = _validate(detector, values, settings)
        verdict[index[good]] = True
        consumed.update(dict.fromkeys(index[good].tolist(), _BLANK))
        if good.any():
            sample = values[int(np.argmax(good))].as_py()
    embedded = np.flatnonzero(candidates & ~whole)
    if len(embedded):
        texts = distinct.take(pa.array(embedded)).to_pylist()
        found = [[m.group(0).strip() for m in detector.finder.finditer(t)] for t in texts]
        unique = sorted({f for spans in found for f in spans})
        if unique:
            verdicts = _validate(detector, pa.array(unique, pa.string()), settings)
            good_spans = dict(zip(unique, verdicts, strict=True))
            for position, text, spans in zip(embedded, texts, found, strict=True):
                valid = [s for s in spans if good_spans[s]]
                if valid:
                    verdict[position] = True
                    sample = sample or valid[0]
                    for span in valid:
                        text = text.replace(span, _BLANK)
                    consumed[int(position)] = text
    return verdict, mask_value(sample, detector.entity_type) if sample else "", consumed


def _validate(detector: Detector, candidates: pa.Array, settings: DetectionSettings) -> np.ndarray:
    """Verdicts of the detector's validator, with the company's own allow-listed values out."""
    if detector.validate is None:
        verdict = np.ones(len(candidates), dtype=bool)
    else:
        verdict = np.asarray(detector.validate(candidates, settings), dtype=bool)
    if settings.allow_list and verdict.any():
        allowed = _allowed_keys(settings.allow_list)
        for i in np.flatnonzero(verdict):
            if _allow_key(candidates[int(i)].as_py()) in allowed:
                verdict[i] = False
    return verdict


@lru_cache(maxsize=16)
def _allowed_keys(allow_list: tuple[str, ...]) -> frozenset[str]:
    return frozenset(_allow_key(v) for v in allow_list)


def _allow_key(text: str) -> str:
    """Numbers compare by their last ten digits (`+1 514 555 0100` = `514-555-0100`), the rest
    by their lower-case text."""
    digits = "".join(ch for ch in text if ch.isdigit())
    return digits[-10:] if len(digits) >= 7 else text.strip().lower()


@dataclass(frozen=True)
class SweepSpan:
    """One validated identifier inside a text: where it is and what, never the value."""

    start: int
    end: int
    entity_type: str


def find_spans(
    texts: Sequence[str], settings: DetectionSettings | None = None, column: str | None = None
) -> list[list[SweepSpan]]:
    """Every validated identifier in each text, as spans that do not overlap.

    The same detectors as `sweep_values`, so text redaction can replace exactly what the sweep
    would find: what it transforms, verification does not block. Detectors run in order (SIP
    URIs first, phone numbers last) and a span inside an earlier one is not reported again.
    """
    settings = settings or DetectionSettings()
    found: list[list[SweepSpan]] = [[] for _ in texts]
    if not texts:
        return found
    cells = _Cells(pa.array(texts, pa.string()))
    for detector in DETECTORS:
        todo = cells.maybe if detector.worded else cells.maybe & ~cells.hopeless
        candidates = cells.matching(detector.prefilter, todo)
        if detector.digit_counts is not None:
            counts = np.fromiter(detector.digit_counts, dtype=np.int64)
            candidates |= cells.numeric & np.isin(cells.digits, counts)
        if detector.context is not None and not detector.context.search(column or ""):
            context = "(?i)" + detector.context.pattern.removeprefix("(?i)")
            candidates = cells.matching(context, candidates)
        spans = [
            (int(i), m.start(), m.end(), m.group(0))
            for i in np.flatnonzero(candidates)
            for m in detector.finder.finditer(texts[int(i)])
        ]
        unique = sorted({s[3].strip() for s in spans})
        if not unique:
            continue
        verdicts = _validate(detector, pa.array(unique, pa.string()), settings)
        good = {value for value, ok in zip(unique, verdicts, strict=True) if ok}
        for i, start, end, value in spans:
            if value.strip() not in good:
                continue
            start += len(value) - len(value.lstrip())
            end -= len(value) - len(value.rstrip())
            if all(end <= s.start or start >= s.end for s in found[i]):
                found[i].append(SweepSpan(start, end, detector.entity_type))
    return [sorted(spans, key=lambda s: s.start) for spans in found]
