"""`keep` (verdict allow), `drop` and `redact`: the operators that need no key and no parsing."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from policy.operators import NoParams, OperatorName
from redaction.operators.distinct import NULL, as_array, as_text
from redaction.operators.registry import FieldContext, register

DEFAULT_PLACEHOLDER_ENTITY = "REDACTED"


def is_text_type(kind: pa.DataType) -> bool:
    """Strings of any flavour, and dictionaries of strings."""
    if pa.types.is_dictionary(kind):
        kind = kind.value_type
    return pa.types.is_string(kind) or pa.types.is_large_string(kind)


def placeholder(entity: str | None) -> str:
    """The typed placeholder for an entity, Presidio style: `<PHONE_NUMBER>`."""
    return f"<{entity or DEFAULT_PLACEHOLDER_ENTITY}>"


@dataclass(frozen=True)
class Keep:
    """Pass the column through unchanged (verdict allow)."""

    output_type: pa.DataType

    def __call__(self, array: pa.Array) -> pa.Array:
        return as_array(array)

    def violations(self, array: pa.Array) -> pa.Array:
        return pa.array([False] * len(array), pa.bool_())


@dataclass(frozen=True)
class Drop:
    """Marker: the column is left out of the output; never called on data."""

    output_type: pa.DataType = NULL

    def __call__(self, array: pa.Array) -> pa.Array:  # pragma: no cover - plans skip drops
        return pa.nulls(len(array))


@dataclass(frozen=True)
class Redact:
    """Strings become the typed placeholder; other types become null. Nulls stay null."""

    output_type: pa.DataType
    text: str | None  # the placeholder, or None for non-string columns

    def __call__(self, array: pa.Array) -> pa.Array:
        array = as_array(array)
        if self.text is None:
            return pa.nulls(len(array), self.output_type)
        fill = pa.scalar(self.text, pa.string())
        return pc.if_else(pc.is_valid(array), fill, pa.scalar(None, pa.string()))

    def violations(self, array: pa.Array) -> pa.Array:
        """Any non-null cell that is not the placeholder."""
        array = as_array(array)
        if self.text is None:
            return pc.is_valid(array)
        return pc.fill_null(pc.not_equal(as_text(array), self.text), False)


@register(OperatorName.KEEP)
def build_keep(params: NoParams, ctx: FieldContext) -> Keep:
    return Keep(ctx.input_type)


@register(OperatorName.DROP)
def build_drop(params: NoParams, ctx: FieldContext) -> Drop:
    return Drop()


@register(OperatorName.REDACT)
def build_redact(params: NoParams, ctx: FieldContext) -> Redact:
    if is_text_type(ctx.input_type):
        return Redact(pa.string(), placeholder(ctx.entity))
    return Redact(ctx.input_type, None)


@dataclass(frozen=True)
class InUtc:
    """Another column operator whose zoned timestamps leave as UTC instants: the same moments,
    without the zone that names a region (a recipient class's `times_in_utc`)."""

    inner: Any  # registry.ColumnOp

    @property
    def output_type(self) -> pa.DataType:
        return pa.timestamp(self.inner.output_type.unit, tz="UTC")

    def __call__(self, array: pa.Array) -> pa.Array:
        return pc.cast(self.inner(array), self.output_type)

    def violations(self, array: pa.Array) -> pa.Array:
        """The inner operator's, on the instants read back in its zone (a day floored in
        Montreal is not midnight in UTC)."""
        return self.inner.violations(pc.cast(array, self.inner.output_type))

    def __getattr__(self, name: str) -> Any:  # what the dictionary reads of the inner operator
        if name == "inner" or name.startswith("__"):  # unpickling: `inner` is not set yet
            raise AttributeError(name)
        return getattr(self.inner, name)
