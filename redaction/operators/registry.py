"""The operator registry, keyed by the policy's `OperatorName`: one builder per name, built
(params checked) once per plan.

An operator is a builder `(params, FieldContext) -> ColumnOp` taking the typed parameters of
`policy.operators` (validated once, by the model packs are checked with); the `ColumnOp` it
returns is a small frozen, picklable object that transforms a whole Arrow array at once.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

import pyarrow as pa
from pydantic import ValidationError

from policy.operators import OperatorName, OperatorParams, params_model, parse_params
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


Builder = Callable[[Any, FieldContext], ColumnOp]  # (the operator's typed params, context)


@dataclass(frozen=True)
class OperatorSpec:
    """A registered operator: its builder, whether it needs the key, and the one params model
    (`policy.operators.params_model`) packs and plans validate its parameters with."""

    name: OperatorName
    make: Builder
    keyed: bool
    params: type[OperatorParams]

    def parse(self, raw: Mapping[str, Any], field: str) -> OperatorParams:
        """`raw` validated once, with the model a pack's rules are checked with."""
        try:
            return parse_params(self.name, raw)
        except ValidationError as exc:
            errors = exc.errors(include_url=False, include_input=False)
            messages = [self._message(e) for e in errors]
            raise InvalidParamsError(f"field {field!r}: " + "; ".join(messages)) from None

    def build(self, raw: Mapping[str, Any], ctx: FieldContext) -> ColumnOp:
        """Validate `raw` and build the operator for one field (tests and one-off use)."""
        return self.make(self.parse(raw, ctx.field), ctx)

    def _message(self, error: Any) -> str:
        if error["type"] == "extra_forbidden":
            accepted = ", ".join(self.params.model_fields) or "none"
            return (f"operator {str(self.name)!r} does not take {error['loc'][0]}; accepted "
                    f"params: {accepted}")  # fmt: skip
        return f"{self.name} {error['msg']}" if error["loc"] else error["msg"]


_REGISTRY: dict[OperatorName, OperatorSpec] = {}


def register(name: OperatorName, *, keyed: bool = False) -> Callable[[Builder], Builder]:
    """Register `build` as the operator `name` of the policy's vocabulary."""

    def decorate(build: Builder) -> Builder:
        _REGISTRY[name] = OperatorSpec(name, build, keyed, params_model(name))
        return build

    return decorate


def known_operators() -> tuple[str, ...]:
    """Names of every registered operator, sorted."""
    return tuple(sorted(str(name) for name in _REGISTRY))


def get_operator(name: str) -> OperatorSpec:
    """The operator registered as `name`, or `UnknownOperatorError` listing the known ones."""
    try:
        return _REGISTRY[OperatorName(name)]
    except (KeyError, ValueError):
        raise UnknownOperatorError(
            f"unknown operator {name!r}; known operators: {', '.join(known_operators())}"
        ) from None
