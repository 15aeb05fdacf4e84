"""Registered redaction operators; importing this package registers every built-in one."""

from redaction.operators import basic, fpe, generalize, mask, pseudonymize  # noqa: F401
from redaction.operators.registry import (
    ColumnOp,
    FieldContext,
    OperatorSpec,
    get_operator,
    known_operators,
    register,
)

__all__ = [
    "ColumnOp", "FieldContext", "OperatorSpec", "get_operator", "known_operators", "register",
]  # fmt: skip
