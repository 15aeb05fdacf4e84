"""`generalize`: keep a coarser version of a value. Exactly one parameter picks the rule:

- `level: minute|hour|day|month` — timestamps; timestamp/date columns keep their type, strings
  like `2026-01-05 13:45:12` keep their shape (`2026-01-05 13:00:00`) so they still parse;
- `prefix: N` — IP addresses: IPv4 to /N, IPv6 to /48; the network address is written;
- `to: year` (birth dates), `to: five_years` (`1980-1984`), `to: area_code` (`+1-514`),
  `to: first_part` (`H3B`, ZIP3 `100`), `to: first_char` (`H`: a province; ZIP `1`: a region);
- `bands: [0, 10, 50, 100]` — amounts to `"10-50"`, `"<0"`, `"100+"`.

A value that does not parse becomes null: a generalizer never passes a value through unchanged.
"""

from __future__ import annotations

import bisect
import ipaddress
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import phonenumbers
import pyarrow as pa
import pyarrow.compute as pc

from detectors.validators import parse_phone
from policy.operators import GeneralizeParams, OperatorName
from redaction.errors import InvalidParamsError
from redaction.operators.basic import is_text_type
from redaction.operators.distinct import (
    MEMO_MAX,
    STRING,
    ArrowMemo,
    as_array,
    as_text,
    changed_by,
    map_distinct,
    not_matching,
    spread,
)
from redaction.operators.registry import FieldContext, register

IPV6_PREFIX = 48

_TS = (
    r"^(\d{4})-(\d{2})-(\d{2})(?:([ T])(\d{2}):(\d{2})(?::\d{2}(?:\.\d+)?)?)?"
    r"(Z|[+-]\d{2}:?\d{2})?$"
)
# RE2 rewrites per level; a date-only string keeps its shape at day/month level.
_TS_REWRITE = {
    "minute": r"\1-\2-\3\4\5:\6:00\7",
    "hour": r"\1-\2-\3\4\5:00:00\7",
    "day": r"\1-\2-\3",
    "month": r"\1-\2-01",
}
# What a generalized string looks like per level (a date-only string is coarser than any time).
_ZONE = r"(?:Z|[+-]\d{2}:?\d{2})?"
_TS_DONE = {
    "minute": rf"^\d{{4}}-\d{{2}}-\d{{2}}(?:[ T]\d{{2}}:\d{{2}}:00{_ZONE})?$",
    "hour": rf"^\d{{4}}-\d{{2}}-\d{{2}}(?:[ T]\d{{2}}:00:00{_ZONE})?$",
    "day": r"^\d{4}-\d{2}-\d{2}(?: 00:00:00)?$",
    "month": r"^\d{4}-\d{2}-01(?: 00:00:00)?$",
}
_HAS_TIME = r"^\d{4}-\d{2}-\d{2}[ T]"
# The shape switches write (`2026-01-05 13:45:12`): 19 ASCII bytes, rewritten in place. Per level,
# the (byte position, new byte) pairs that give exactly what the `_TS_REWRITE` path gives.
_TS_PLAIN = r"^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}$"
_SECONDS = ((17, "0"), (18, "0"))
_MINUTES = ((14, "0"), (15, "0"), *_SECONDS)
_MIDNIGHT = ((10, " "), (11, "0"), (12, "0"), *_MINUTES)
_PLAIN_REWRITE: Mapping[str, tuple[tuple[int, str], ...]] = {
    "minute": _SECONDS,
    "hour": _MINUTES,
    "day": _MIDNIGHT,
    "month": ((8, "0"), (9, "1"), *_MIDNIGHT),
}
_NULL_TEXT = pa.scalar(None, pa.string())
_CA_POSTAL = re.compile(r"^([A-Za-z]\d[A-Za-z])\s?-?\d[A-Za-z]\d$")
_US_ZIP = re.compile(r"^(\d{3})\d{2}(?:-\d{4})?$")
_YEAR = re.compile(r"^\s*(\d{4})(?:[-/.]\d{1,2}[-/.]\d{1,2}.*)?\s*$")


@dataclass(frozen=True)
class TimeLevel:
    level: str
    output_type: pa.DataType

    def __call__(self, array: pa.Array) -> pa.Array:
        array = as_array(array)
        if pa.types.is_timestamp(array.type) or pa.types.is_date(array.type):
            if pa.types.is_date(array.type) and self.level in ("minute", "hour", "day"):
                return array
            return pc.floor_temporal(array, unit=self.level)
        text = as_text(array)
        plain = pc.fill_null(pc.match_substring_regex(text, _TS_PLAIN), False)
        if not pc.any(plain).as_py():
            return self._rewrite(text)
        fixed = _zero_fields(text, plain, _PLAIN_REWRITE[self.level])
        done = pc.or_(plain, pc.fill_null(pc.equal(text, ""), True))  # empty and null cells stay
        if pc.all(done).as_py():
            return fixed
        return pc.if_else(done, fixed, self._rewrite(pc.if_else(done, _NULL_TEXT, text)))

    def _rewrite(self, text: pa.Array) -> pa.Array:
        """Any timestamp shape `_TS` accepts, rewritten with RE2; other non-blank cells null."""
        ok = pc.or_(pc.fill_null(pc.match_substring_regex(text, _TS), False), _blank(text))
        timed = pc.fill_null(pc.match_substring_regex(text, _HAS_TIME), False)
        rewritten = pc.replace_substring_regex(text, _TS, _TS_REWRITE[self.level])
        if self.level in ("day", "month"):  # keep a time part when there was one
            midnight = pc.binary_join_element_wise(rewritten, pa.scalar("00:00:00"), " ")
            rewritten = pc.if_else(timed, midnight, rewritten)
        else:  # a date without a time is already coarser than an hour
            rewritten = pc.if_else(timed, rewritten, text)
        return pc.if_else(ok, rewritten, _NULL_TEXT)

    def violations(self, array: pa.Array) -> pa.Array:
        array = as_array(array)
        if pa.types.is_timestamp(array.type) or pa.types.is_date(array.type):
            return changed_by(self, array)
        return not_matching(array, _TS_DONE[self.level])


@dataclass(frozen=True)
class IpPrefix:
    prefix: int
    output_type: pa.DataType = STRING
    # IPv6 and non-canonical IPv4 are parsed in Python, once per value across batches.
    _parsed: ArrowMemo = field(
        default_factory=lambda: ArrowMemo(MEMO_MAX), repr=False, compare=False
    )

    def network(self, value: str) -> str | None:
        try:
            address = ipaddress.ip_address(value.strip())
        except ValueError:
            return None
        bits = self.prefix if address.version == 4 else IPV6_PREFIX
        host_bits = address.max_prefixlen - bits  # the network address: host bits cleared
        return str(type(address)(int(address) >> host_bits << host_bits))

    def __call__(self, array: pa.Array) -> pa.Array:
        if self.prefix not in _IPV4_REWRITE:
            return map_distinct(array, _keep_blank(self.network))
        text = as_text(as_array(array))
        if len(text) > _ENCODE_FROM:  # a few thousand peers make a million calls: each once
            encoded = pc.dictionary_encode(text)
            return self._networks(encoded.dictionary).take(encoded.indices)
        return self._networks(text)

    def _networks(self, text: pa.Array) -> pa.Array:
        # dotted quads in canonical form: no parsing
        fast = pc.fill_null(pc.match_substring_regex(text, _IPV4), False)
        networks = _ipv4_networks(text, fast, self.prefix // 8)
        if pc.all(pc.or_(fast, pc.is_null(text))).as_py():
            return networks
        rest = pc.if_else(fast, _NULL_TEXT, text)
        network = _keep_blank(self.network)
        slow = self._parsed.map(rest, lambda new: pa.array([network(v) for v in new.to_pylist()]))
        return pc.if_else(fast, networks, slow)

    def violations(self, array: pa.Array) -> pa.Array:
        """Cells the rule would still change. IPv4 networks already of the output shape (octets
        past the prefix zero) and IPv6 /48 networks as `ipaddress` writes them are accepted with
        RE2 alone; the others are generalized again."""
        if self.prefix not in _IPV4_DONE:
            return changed_by(self, array)
        text = as_text(as_array(array))
        # one pass, once per distinct network when they repeat (they do: few networks)
        undone = not_matching(text, _NETWORK_DONE[self.prefix])
        if not pc.any(undone).as_py():
            return undone
        rest = changed_by(self, pc.if_else(undone, text, _NULL_TEXT))
        return pc.and_(undone, rest)


# Addresses repeat (a delivery's calls come from far fewer peers), though not in a first
# sample's way (a batch's first 1,024 cells hold ~60% distinct peers, the whole batch ~8%):
# batches longer than this are encoded and each distinct address generalized once.
_ENCODE_FROM = 4096
_OCTET = r"(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"
_IPV4 = rf"^{_OCTET}\.{_OCTET}\.{_OCTET}\.{_OCTET}$"
_IPV4_REWRITE = {8: r"\1.0.0.0", 16: r"\1.\2.0.0", 24: r"\1.\2.\3.0", 32: r"\1.\2.\3.\4"}
# An IPv6 /48 network address as `ipaddress` compresses it: up to three groups without leading
# zeros, the last one not zero, then `::` (its 80 zero host bits are always the longest run).
_HEXTET = r"(?:0|[1-9a-f][0-9a-f]{0,3})"
_LEADING = IPV6_PREFIX // 16 - 1
IPV6_NETWORK_DONE = rf"^(?:(?:{_HEXTET}:){{0,{_LEADING}}}[1-9a-f][0-9a-f]{{0,3}}::|::)$"
_IPV4_DONE = {8: rf"^{_OCTET}\.0\.0\.0$", 16: rf"^{_OCTET}\.{_OCTET}\.0\.0$",
              24: rf"^{_OCTET}\.{_OCTET}\.{_OCTET}\.0$"}  # fmt: skip
_NETWORK_DONE = {prefix: f"(?:{v4})|(?:{IPV6_NETWORK_DONE})" for prefix, v4 in _IPV4_DONE.items()}


def year_of(value: str) -> str | None:
    match = _YEAR.match(value)
    return match.group(1) if match else None


def five_years(value: str) -> str | None:
    year = year_of(value)
    if year is None:
        return None
    start = int(year) - int(year) % 5
    return f"{start}-{start + 4}"


def postal_first_char(value: str) -> str | None:
    first = postal_first_part(value)
    return first[0] if first else None


def area_code(value: str) -> str | None:
    number = parse_phone(value)
    if number is None:
        return None
    national = phonenumbers.national_significant_number(number)
    length = phonenumbers.length_of_geographical_area_code(number) or (
        phonenumbers.length_of_national_destination_code(number)
    )
    area = national[:length]
    return f"+{number.country_code}-{area}" if area else f"+{number.country_code}"


def postal_first_part(value: str) -> str | None:
    text = value.strip()
    if match := _CA_POSTAL.match(text):
        return match.group(1).upper()
    if match := _US_ZIP.match(text):
        return match.group(1)
    return None


_TARGET_SHAPE = {
    "year": r"^\d{4}$",
    "area_code": r"^\+\d{1,3}(?:-\d{1,5})?$",
    "first_part": r"^(?:[A-Z]\d[A-Z]|\d{3})$",
    "five_years": r"^\d{4}-\d{4}$",
    "first_char": r"^[A-Z0-9]$",
}
_BAND_SHAPE = r"^(?:<-?[\d.]+|-?[\d.]+\+|-?[\d.]+--?[\d.]+)$"
_TARGET_FN = {
    "year": year_of, "five_years": five_years, "area_code": area_code,
    "first_part": postal_first_part, "first_char": postal_first_char,
}  # fmt: skip


@dataclass(frozen=True)
class Target:
    to: str
    output_type: pa.DataType

    def __call__(self, array: pa.Array) -> pa.Array:
        array = as_array(array)
        if self.to == "year" and pa.types.is_integer(self.output_type):
            return pc.cast(pc.year(array), self.output_type)
        if pa.types.is_timestamp(array.type) or pa.types.is_date(array.type):
            array = pc.strftime(array, format="%Y-%m-%d")  # five_years of a date column
        return map_distinct(array, _keep_blank(_TARGET_FN[self.to]))

    def violations(self, array: pa.Array) -> pa.Array:
        if pa.types.is_integer(self.output_type):
            return pa.array([False] * len(array), pa.bool_())
        return not_matching(array, _TARGET_SHAPE[self.to])


@dataclass(frozen=True)
class Bands:
    edges: tuple[float, ...]
    output_type: pa.DataType = STRING

    def label(self, amount: float) -> str:
        i = bisect.bisect_right(self.edges, amount)
        if i == 0:
            return f"<{_num(self.edges[0])}"
        if i == len(self.edges):
            return f"{_num(self.edges[-1])}+"
        return f"{_num(self.edges[i - 1])}-{_num(self.edges[i])}"

    def band(self, value: str) -> str | None:
        try:
            amount = float(value.replace(",", "").replace("$", "").strip())
        except ValueError:
            return None
        return self.label(amount) if amount == amount else None  # NaN has no band

    def __call__(self, array: pa.Array) -> pa.Array:
        return map_distinct(array, _keep_blank(self.band))

    def violations(self, array: pa.Array) -> pa.Array:
        return not_matching(array, _BAND_SHAPE)


def _ipv4_networks(text: pa.Array, quads: pa.Array, octets: int) -> pa.Array:
    """Where `quads` (canonical dotted quads), the first `octets` octets then zeros — what
    `_IPV4_REWRITE` gives — rewritten in a copy of the bytes: per cell only the few bytes after
    its kept dot are touched; other cells null."""
    if octets >= 4:
        return pc.if_else(quads, text, _NULL_TEXT)
    kept = text.filter(quads)
    count = len(kept)
    offsets = np.frombuffer(kept.buffers()[1], np.int32)[kept.offset : kept.offset + count + 1]
    data = np.frombuffer(kept.buffers()[2], np.uint8) if count else np.empty(0, np.uint8)
    base, ends = int(offsets[0]), offsets[1:].astype(np.int64) - offsets[0]
    cells = data[base : offsets[-1]].copy()  # rewritten in place: a network is never longer
    dots = np.flatnonzero(cells == ord(".")).reshape(-1, 3)
    zeros = b"0.0.0"[: 2 * (4 - octets) - 1]
    cut = dots[:, octets - 1] + 1  # the first byte after the kept octets' last dot
    for i, byte in enumerate(zeros):  # the zero octets overwrite the octets they replace
        cells[cut + i] = byte
    last = cut + len(zeros)  # bytes from here to the cell's end are dropped
    dropped = np.zeros(len(cells), bool)
    for i in range(6):  # at most six: `b.c.d` (up to 11 bytes) becomes `0.0.0`
        at = last + i
        at = at[at < ends]
        if not len(at):
            break
        dropped[at] = True
    out = cells[~dropped]
    starts = np.concatenate(([0], ends[:-1]))
    new_offsets = np.concatenate(([0], np.cumsum(last - starts))).astype(np.int32)
    networks = pa.StringArray.from_buffers(count, pa.py_buffer(new_offsets), pa.py_buffer(out))
    return spread(networks, quads.to_numpy(zero_copy_only=False))


def _zero_fields(text: pa.Array, where: pa.Array, edits: Sequence[tuple[int, str]]) -> pa.Array:
    """`text` with the bytes at `edits` positions replaced in the cells `where` is true.

    Only for cells of the fixed `_TS_PLAIN` shape; the other cells keep their bytes. One copy of
    the data buffer, no per-cell work.
    """
    validity, offsets_buffer, data_buffer = text.buffers()
    offsets = np.frombuffer(offsets_buffer, np.int32)[text.offset : text.offset + len(text) + 1]
    data = np.frombuffer(data_buffer, np.uint8).copy()
    starts = offsets[:-1][where.to_numpy(zero_copy_only=False)]
    for position, byte in edits:
        data[starts + position] = ord(byte)
    return pa.Array.from_buffers(
        pa.string(), len(text), [validity, offsets_buffer, pa.py_buffer(data)],
        null_count=text.null_count, offset=text.offset,
    )  # fmt: skip


def _blank(text: pa.Array) -> pa.Array:
    return pc.fill_null(pc.equal(pc.utf8_trim_whitespace(text), ""), False)


def _keep_blank(fn: Callable[[str], str | None]) -> Callable[[str], str | None]:
    """Blank cells stay blank: there is nothing to generalize and nothing to hide."""
    return lambda v: v if not v.strip() else fn(v)


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


@register(OperatorName.GENERALIZE)
def build_generalize(params: GeneralizeParams, ctx: FieldContext) -> Any:
    """Parameters are already checked (`policy.operators.GeneralizeParams`: exactly one rule,
    known levels and targets, an IPv4 prefix length, increasing bands); what is left to check
    depends on the column."""
    temporal = pa.types.is_timestamp(ctx.input_type) or pa.types.is_date(ctx.input_type)
    if params.level is not None:
        return TimeLevel(str(params.level), ctx.input_type if temporal else pa.string())
    if params.prefix is not None:
        return IpPrefix(params.prefix)
    if params.to is not None:
        if params.to == "year" and temporal:
            return Target("year", pa.int32())
        if params.to == "year" and not is_text_type(ctx.input_type):
            raise InvalidParamsError(
                f"field {ctx.field!r}: generalize to year needs a date, timestamp or string "
                f"column, got {ctx.input_type}"
            )
        return Target(str(params.to), pa.string())
    return Bands(tuple(float(e) for e in params.bands or ()))
