"""Lossless types for text columns: the Arrow type a column of strings can be delivered as.

CSV (and some JSONL) columns arrive as text. A column is given a natural type only when every
value comes back as the very same text from it (`ColumnType.render`): canonical integers
(int64), plain decimals with one number of fraction digits (decimal128 with that scale, never a
float), `true`/`false`, `YYYY-MM-DD` dates and `YYYY-MM-DD HH:MM:SS` (or `…T…`) timestamps of one
format. Anything else — leading zeros, `+` signs, `0.025` beside `0.0250`, mixed formats, a
column holding both empty strings and nulls, or only blanks — stays a string.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc

from redaction.operators.distinct import repeats

# decimal128 precision: 18 digits fit Parquet's int64 encoding; wider values take 38.
DECIMAL_PRECISIONS = (18, 38)
TIMESTAMP_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S")
DATE_FORMAT = "%Y-%m-%d"
# Parquet field metadata: the strftime format a typed date or time was read from, and whether
# the column's nulls stand for empty strings of the source (it held no nulls).
TEXT_FORMAT = b"teleprivacy.text_format"
EMPTY_AS_NULL = b"teleprivacy.empty_as_null"
_FRACTION = re.compile(r"-?[0-9]+\.([0-9]+)")
_INTEGER = re.compile(r"-?[0-9]{1,18}")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_TIMESTAMP = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}[ T][0-9]{2}:[0-9]{2}:[0-9]{2}")


@dataclass(frozen=True)
class ColumnType:
    """A type a text column is delivered as, and how its values are written back as text.

    `empty_as_null`: the column's empty strings are stored as nulls (it held no nulls, so
    rendering null as "" gives the text back)."""

    arrow_type: pa.DataType
    text_format: str | None = None  # strftime format of dates and timestamps
    empty_as_null: bool = False

    def parse(self, values: pa.Array) -> pa.Array:
        """`values` (strings) as this type; raises `pa.ArrowInvalid` when one does not parse."""
        values = _blank_to_null(values) if self.empty_as_null else values
        if self.text_format is None:
            return pc.cast(values, self.arrow_type)
        parsed = pc.strptime(values, format=self.text_format, unit="s", error_is_null=False)
        return pc.cast(parsed, self.arrow_type)

    def render(self, values: pa.Array) -> pa.Array:
        """Typed `values` written as text, the inverse of `parse` on the values that fit."""
        text = _render(values, self.text_format)
        return pc.fill_null(text, "") if self.empty_as_null else text

    def fits(self, values: pa.Array) -> bool:
        """Every value parses and is written back as exactly the same text."""
        return self.parse_exact(values) is not None

    def parse_exact(self, values: pa.Array) -> pa.Array | None:
        """`values` as this type when every one is written back as exactly the same text from
        it, else None (one parse serves both the check and the write)."""
        if self.empty_as_null and values.null_count:
            return None  # nulls beside empty strings: two values one type cannot tell apart
        if repeats(values):  # rates, generalized times
            encoded = pc.dictionary_encode(values)
            parsed = self._parse_exact(encoded.dictionary)
            return None if parsed is None else parsed.take(encoded.indices)
        return self._parse_exact(values)

    def _parse_exact(self, values: pa.Array) -> pa.Array | None:
        try:
            parsed = self.parse(values)
            back = self.render(parsed)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            return None
        if back.null_count != values.null_count:
            return None
        same = pc.all(pc.fill_null(pc.equal(back, values), True)).as_py() is not False
        return parsed if same else None


def infer_type(values: pa.Array | pa.ChunkedArray) -> ColumnType | None:
    """The lossless type of a string column, or None when it must stay a string."""
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    if not (pa.types.is_string(values.type) or pa.types.is_large_string(values.type)):
        return None
    values = values.cast(pa.string())
    blank = pc.equal(values, "")
    empties = bool(pc.any(blank).as_py())
    if empties and values.null_count:
        return None
    filled = values.filter(pc.invert(pc.fill_null(blank, False)))
    if filled.null_count == len(filled):
        return None  # nothing but blanks: no evidence of a type
    for candidate in _candidates(filled.drop_null()):
        candidate = ColumnType(candidate.arrow_type, candidate.text_format, empties)
        if candidate.fits(values):
            return candidate
    return None


def widen(column_type: ColumnType, values: pa.Array) -> ColumnType | None:
    """`column_type`, or a decimal of larger precision, that `values` fit; None if none does."""
    if column_type.fits(values):
        return column_type
    kind = column_type.arrow_type
    if pa.types.is_decimal(kind) and kind.precision < DECIMAL_PRECISIONS[-1]:
        wider = ColumnType(
            pa.decimal128(DECIMAL_PRECISIONS[-1], kind.scale), None, column_type.empty_as_null
        )
        return wider if wider.fits(values) else None
    return None


def _candidates(filled: pa.Array) -> list[ColumnType]:
    """Types worth trying for non-blank `filled` values, decided by the first value's shape."""
    # The first value rules out most types, so a column of words costs one look, not a cast
    # per type; `fits` decides on every value.
    first = filled[0].as_py()
    if first in ("true", "false"):
        return [ColumnType(pa.bool_())]
    if _INTEGER.fullmatch(first):
        return [ColumnType(pa.int64())]
    if fraction := _FRACTION.fullmatch(first):
        return [ColumnType(pa.decimal128(p, len(fraction.group(1)))) for p in DECIMAL_PRECISIONS]
    if _DATE.fullmatch(first):
        return [ColumnType(pa.date32(), DATE_FORMAT)]
    if _TIMESTAMP.fullmatch(first):
        return [ColumnType(pa.timestamp("s"), f) for f in TIMESTAMP_FORMATS]
    return []


def as_source_text(values: pa.Array, field: pa.Field) -> pa.Array:
    """A typed delivered column written back as text: dates and times in the format they were
    read from (`TEXT_FORMAT` in the field's metadata), other types as Arrow writes them, and
    nulls as empty strings where they stood for them (`EMPTY_AS_NULL`)."""
    metadata = field.metadata or {}
    text_format = metadata.get(TEXT_FORMAT)
    text = _render(values, text_format.decode() if text_format else None)
    return pc.fill_null(text, "") if metadata.get(EMPTY_AS_NULL) == b"true" else text


def field_metadata(kind: ColumnType) -> dict[bytes, bytes]:
    """The Parquet field metadata that lets a reader write `kind`'s values back as the text."""
    metadata = {TEXT_FORMAT: kind.text_format.encode()} if kind.text_format else {}
    return {**metadata, EMPTY_AS_NULL: b"true"} if kind.empty_as_null else metadata


def _render(values: pa.Array, text_format: str | None) -> pa.Array:
    """Typed values as text in `text_format` (one of `DATE_FORMAT`, `TIMESTAMP_FORMATS`).

    Arrow's cast writes dates and whole-second timestamps in exactly those layouts and is
    ~30x faster than `strftime`, which matters: every value of a typed column is rendered
    once while it is delivered."""
    if pa.types.is_timestamp(values.type):
        values = pc.cast(values, pa.timestamp("s"))  # Parquet stores seconds as milliseconds
    text = pc.cast(values, pa.string())
    if text_format is not None and "T" in text_format:
        text = pc.utf8_replace_slice(text, 10, 11, "T")
    return text


def _blank_to_null(values: pa.Array) -> pa.Array:
    return pc.if_else(pc.equal(values, ""), pa.scalar(None, values.type), values)


class TypeTracker:
    """The lossless type of each named string column over every batch of one output file.

    The type is decided by the first batch holding a value and checked against every later
    one; a column with a value that does not fit (or with both empty strings and nulls) stays
    a string for the whole file, so no value is ever coerced."""

    def __init__(self, columns: tuple[str, ...]) -> None:
        self._kinds: dict[str, ColumnType | None] = dict.fromkeys(columns)
        self._failed: set[str] = set()
        self._empties: set[str] = set()
        self._nulls: set[str] = set()

    def add(self, batch: pa.RecordBatch) -> None:
        for name, kind in self._kinds.items():
            if name in self._failed:
                continue
            values = batch.column(name)
            blank = pc.fill_null(pc.equal(values, ""), False)
            if pc.any(blank).as_py():
                self._empties.add(name)
            if values.null_count:
                self._nulls.add(name)
            filled = values.filter(pc.invert(blank)).drop_null()
            if name in self._empties and name in self._nulls:
                self._failed.add(name)
            elif len(filled):
                kind = infer_type(filled) if kind is None else widen(kind, filled)
                if kind is None:
                    self._failed.add(name)
                self._kinds[name] = kind

    def types(self) -> dict[str, ColumnType]:
        """The columns that take a type other than string, with it."""
        return {
            name: ColumnType(kind.arrow_type, kind.text_format, name in self._empties)
            for name, kind in self._kinds.items()
            if kind is not None and name not in self._failed
        }
