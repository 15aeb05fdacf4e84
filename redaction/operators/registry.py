"""The operator registry: operators register by name and are built (params checked) once per plan.

An operator is a builder `(params, FieldContext) -> ColumnOp`; the `ColumnOp` it returns is a
small frozen, picklable object that transforms a whole Arrow array at once.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

import pyarrow as pa

from redaction.errors import InvalidParamsError, UnknownOperatorError
from redaction.keys import Key
from redaction.operators.distinct import MemoryBank


@dataclass(frozen=True)
class FieldContext:
    """What an operator may know about the field it is built for."""

    field: str
    entity_types: tuple[str, ...]
    input_type: pa.DataType
    key: Key | None = None
    # Memories the plan's columns share (`distinct.MemoryBank`); None: each column its own.
    memories: MemoryBank | None = field(default=None, repr=False, compare=False)

    @property
    def entity(self) -> str | None:
        """The primary entity type of the field, or None when the field holds none."""
        return self.entity_types[0] if self.entity_types else None


class ColumnOp(Protocol):
    """A built operator: transforms one column; `output_type` is fixed when the plan is built."""

    @property
    def output_type(self) -> pa.DataType: ...

    def __call__(self, array: pa.Array) -> pa.Array: ...

    def violations(self, array: pa.Array) -> pa.Array:
        """True for output cells this operator could not have produced (verification)."""
        ...


Builder = Callable[[Mapping[str, Any], FieldContext], ColumnOp]


@dataclass(frozen=True)
class OperatorSpec:
    """A registered operator: its builder, whether it needs the key, the params it accepts."""

    name: str
    build: Builder
    keyed: bool
    params: frozenset[str]


_REGISTRY: dict[str, OperatorSpec] = {}


def register(
    name: str, *, keyed: bool = False, params: tuple[str, ...] = ()
) -> Callable[[Builder], Builder]:
    """Register `build` under `name`; `params` lists every parameter name it accepts."""

    def decorate(build: Builder) -> Builder:
        _REGISTRY[name] = OperatorSpec(name, build, keyed, frozenset(params))
        return build

    return decorate


def known_operators() -> tuple[str, ...]:
    """Names of every registered operator, sorted."""
    return tuple(sorted(_REGISTRY))


def get_operator(name: str) -> OperatorSpec:
    """The operator registered as `name`, or `UnknownOperatorError` listing the known ones."""
    try:
        return _REGISTRY[name]
    except KeyError:
        raise UnknownOperatorError(
            f"unknown operator {name!r}; known operators: {', '.join(known_operators())}"
        ) from None


def check_param_names(spec: OperatorSpec, params: Mapping[str, Any], field: str) -> None:
    """Refuse parameter names the operator does not accept."""
    unknown = sorted(set(params) - spec.params)
    if unknown:
        accepted = ", ".join(sorted(spec.params)) or "none"
        raise InvalidParamsError(
            f"field {field!r}: operator {spec.name!r} does not take {', '.join(unknown)}; "
            f"accepted params: {accepted}"
        )
