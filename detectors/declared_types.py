"""Column types a dataset declares (`schema:` in the configuration), applied while reading.

Without a declaration, text columns stay text until delivery, where a column is typed only when
every value comes back as the very same text (`redaction.column_types`). A declaration says what
a column *is*: `duration: int64`, `rate: decimal(9,4)`, `start: timestamp[America/Montreal]`.
The column is then read as that type by every stage (profiling, delivery, verification), and a
value that does not fit is never coerced: its record is quarantined (class `type_mismatch`, the
column and type named, never the value) and counted like any malformed record.

Types: `string`, `int64`, `bool` (true/false, t/f, yes/no, y/n, 1/0, any case), `date`
(`YYYY-MM-DD`), `decimal(P,S)` (money: never a float; more fraction digits than S does not fit),
`timestamp` (ISO 8601 date and time, to the microsecond, no zone) and `timestamp[ZONE]`: times
written in that IANA zone (or with their own offset), delivered as UTC instants tagged with it.
Of a local time that occurs twice (clocks set back) the earlier is taken; one that never occurs
(clocks set forward) does not fit. Blank cells are nulls.
"""

from __future__ import annotations

import json
import re
import zoneinfo
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from detectors.errors import DetectorError
from detectors.quarantine import Quarantine, QuarantineClass

TYPE_NAMES = ("string", "int64", "bool", "date", "decimal(P,S)", "timestamp", "timestamp[ZONE]")
_DECIMAL = re.compile(r"decimal(?:128)?\(\s*([0-9]{1,2})\s*,\s*([0-9]{1,2})\s*\)")
_TIMESTAMP = re.compile(r"(?i:timestamp)(?:\[\s*([A-Za-z0-9_+\-/]+)\s*\])?")
_TRUE = ("true", "t", "yes", "y", "1")
_FALSE = ("false", "f", "no", "n", "0")
_OFFSET = r"(?:Z|[+-][0-9]{2}:?[0-9]{2})$"


class DeclaredTypeError(DetectorError, ValueError):
    """A declared type this reader does not know (the message names the known ones)."""


def parse_type(text: str) -> pa.DataType:
    """The Arrow type a declaration names; `DeclaredTypeError` otherwise."""
    name = text.strip()
    simple = {"string": pa.string(), "int64": pa.int64(), "bool": pa.bool_(),
              "date": pa.date32()}  # fmt: skip
    if name.lower() in simple:
        return simple[name.lower()]
    if match := _DECIMAL.fullmatch(name.lower()):
        precision, scale = int(match.group(1)), int(match.group(2))
        if not 1 <= precision <= 38 or scale > precision:
            raise DeclaredTypeError(
                f"{text!r}: a decimal needs 1 <= precision <= 38 and scale <= precision"
            )
        return pa.decimal128(precision, scale)
    if match := _TIMESTAMP.fullmatch(name):
        zone = match.group(1)
        if zone is not None:
            try:
                zoneinfo.ZoneInfo(zone)
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                raise DeclaredTypeError(
                    f"{text!r}: {zone!r} is not an IANA time zone (e.g. UTC, America/Montreal)"
                ) from None
        return pa.timestamp("us", tz=zone)
    raise DeclaredTypeError(f"unknown type {text!r}; use one of {', '.join(TYPE_NAMES)}")


@dataclass(frozen=True)
class DeclaredTypes:
    """The declared type of some columns of a dataset, by column name."""

    types: Mapping[str, pa.DataType] = field(default_factory=dict)

    @classmethod
    def parse(cls, declared: Mapping[str, str] | None, dataset: str = "") -> DeclaredTypes | None:
        """The types of a dataset's `schema:` (None without one); a `DeclaredTypeError` naming
        the dataset and column when one is not known."""
        if not declared:
            return None
        types = {}
        for name, text in declared.items():
            try:
                types[name] = parse_type(text)
            except DeclaredTypeError as exc:
                where = f"dataset {dataset!r}: " if dataset else ""
                raise DeclaredTypeError(f"{where}schema.{name}: {exc}") from None
        return cls(types)

    def fingerprint(self) -> str:
        """A stable text of the declaration, for caches and manifests."""
        return json.dumps({k: str(v) for k, v in sorted(self.types.items())})

    def applied(
        self, batches: Iterator[pa.RecordBatch], quarantine: Quarantine, file: str, first: int
    ) -> Iterator[pa.RecordBatch]:
        """`batches` with the declared columns converted; records holding a value that does
        not fit are quarantined. `first` is the line number of the first record (2 after a
        header line); quarantined rows are named by it plus their record index."""
        seen = 0
        for batch in batches:
            if not seen and (missing := sorted(set(self.types) - set(batch.schema.names))):
                raise DeclaredTypeError(
                    f"{file}: schema: names column(s) {', '.join(missing)} that the file does "
                    f"not have (its columns: {', '.join(batch.schema.names[:12])}"
                    f"{', …' if batch.num_columns > 12 else ''}); fix the names in schema:"
                )
            converted, misfits = self.convert(batch)
            bad = np.logical_or.reduce(list(misfits.values())) if misfits else np.zeros(0, bool)
            for index in np.flatnonzero(bad):
                name = next(n for n, mask in misfits.items() if mask[index])  # the first one
                quarantine.add(
                    file,
                    first + seen + int(index),
                    f"column {name!r}: value does not fit the declared type {self.types[name]}",
                    raw=json.dumps(batch.slice(int(index), 1).to_pylist()[0], default=str).encode(),
                    reason_class=QuarantineClass.TYPE_MISMATCH,
                )
            seen += batch.num_rows
            yield converted

    def convert(self, batch: pa.RecordBatch) -> tuple[pa.RecordBatch, dict[str, np.ndarray]]:
        """`batch` with the declared columns converted, without the records that do not fit,
        and per declared column holding a value that does not fit, the mask of its records.

        Each column is converted once; only a column holding a misfit is tried value by value
        (to find its records) and converted again once they are left out."""
        converted: dict[str, pa.Array] = {}
        misfits: dict[str, np.ndarray] = {}
        for name, kind in self.types.items():
            if name not in batch.schema.names or batch.column(name).type == kind:
                continue
            try:
                converted[name] = _convert(batch.column(name), kind)
            except _MISFIT:
                misfits[name] = _misfit_mask(batch.column(name), kind)
        if misfits:
            keep = pa.array(~np.logical_or.reduce(list(misfits.values())))
            batch = batch.filter(keep)
            converted = {n: a.filter(keep) for n, a in converted.items()}
            converted |= {n: _convert(batch.column(n), self.types[n]) for n in misfits}
        names = batch.schema.names
        arrays = [converted.get(n, c) for n, c in zip(names, batch.columns, strict=True)]
        fields = [f.with_type(self.types[f.name]) if f.name in converted else f
                  for f in batch.schema]  # fmt: skip
        schema = pa.schema(fields, metadata=batch.schema.metadata)
        return pa.RecordBatch.from_arrays(arrays, schema=schema), misfits


_MISFIT = (pa.ArrowInvalid, pa.ArrowNotImplementedError, ValueError)


def _misfit_mask(values: pa.Array, kind: pa.DataType) -> np.ndarray:
    """The records of `values` (which hold a misfit) whose value does not fit `kind`."""
    mask = np.zeros(len(values), dtype=bool)
    for index in range(len(values)):
        try:
            _convert(values.slice(index, 1), kind)
        except _MISFIT:
            mask[index] = True
    return mask


def _convert(values: pa.Array, kind: pa.DataType) -> pa.Array:
    """`values` as `kind`, raising `pa.ArrowInvalid` when one does not fit."""
    if pa.types.is_integer(values.type) and pa.types.is_decimal(kind):
        values = values.cast(pa.string())  # Arrow casts int64 only to precision 19 + scale
    if pa.types.is_string(values.type) or pa.types.is_large_string(values.type):
        values = values.cast(pa.string())
        stripped = pc.utf8_trim_whitespace(values)
        values = pc.if_else(pc.equal(stripped, ""), pa.scalar(None, pa.string()), stripped)
        if pa.types.is_integer(kind) or pa.types.is_decimal(kind):
            values = pc.replace_substring_regex(values, r"^\+([0-9.])", r"\1")  # +5 is 5
        if pa.types.is_boolean(kind):
            lower = pc.utf8_lower(values)
            known = pc.or_(pc.is_in(lower, pa.array(_TRUE)), pc.is_in(lower, pa.array(_FALSE)))
            if not pc.all(pc.fill_null(known, True)).as_py():
                raise pa.ArrowInvalid("not a boolean")
            truth = pc.is_in(lower, pa.array(_TRUE))
            return pc.if_else(pc.is_null(lower), pa.scalar(None, pa.bool_()), truth)
        if pa.types.is_timestamp(kind):
            return _timestamps(values, kind)
    elif pa.types.is_timestamp(kind) and pa.types.is_timestamp(values.type) and (
        kind.tz and not values.type.tz
    ):
        values = pc.assume_timezone(values, kind.tz, ambiguous="earliest", nonexistent="raise")
    return pc.cast(values, kind)


def _timestamps(values: pa.Array, kind: pa.DataType) -> pa.Array:
    """ISO 8601 text as `kind`: naive text in `kind`'s zone, text with an offset as written."""
    zoned = pc.fill_null(pc.match_substring_regex(values, _OFFSET), False)
    if kind.tz is None:
        if pc.any(zoned).as_py():
            raise pa.ArrowInvalid("a time with a zone offset in a column declared without one")
        return pc.cast(values, kind)
    text_null = pa.scalar(None, pa.string())
    instants = pc.cast(pc.if_else(zoned, values, text_null), pa.timestamp("us", tz="UTC"))
    local = pc.cast(pc.if_else(zoned, text_null, values), pa.timestamp("us"))
    local = pc.assume_timezone(local, kind.tz, ambiguous="earliest", nonexistent="raise")
    return pc.if_else(zoned, pc.cast(instants, kind), local)
