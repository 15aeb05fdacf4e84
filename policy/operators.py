"""The one operator vocabulary: names a pack may use, their typed parameters, what they carry out.

`redaction/` registers one builder per `OperatorName` and validates parameters with the same
model a pack's rules are checked with (`params_model`), so a parameter a pack may write is one
redaction accepts, and the reverse. Default transforms per category live in the taxonomy
(`policy/taxonomy.yaml`, `policy.taxonomy`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator, model_validator
from pydantic_core import PydanticCustomError

from policy.decisions import Verdict
from policy.documents import validation_problems
from policy.errors import Problem


class OperatorName(StrEnum):
    """Redaction operators registered by `redaction/`, by name."""

    KEEP = "keep"
    PSEUDONYMIZE = "pseudonymize"
    ENCRYPT_FPE = "encrypt_fpe"
    GENERALIZE = "generalize"
    MASK = "mask"
    REDACT = "redact"
    DROP = "drop"


class TimeLevel(StrEnum):
    MINUTE = "minute"
    HOUR = "hour"
    DAY = "day"
    MONTH = "month"


class GeneralizeTarget(StrEnum):
    YEAR = "year"  # date → year
    FIVE_YEARS = "five_years"  # date → 1980-1984
    AREA_CODE = "area_code"  # phone number → country + area code
    FIRST_PART = "first_part"  # postal code → forward sortation area / ZIP3
    FIRST_CHAR = "first_char"  # postal code → province / ZIP region


MAX_MASK_KEEP = 12
IPV4_PREFIXES = (8, 32)


class OperatorParams(BaseModel):
    """Parameters of one operator; each operator has its own model (`params_model`)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    def as_dict(self) -> dict[str, Any]:
        """The parameters given, enums as plain strings, sequences as lists (picklable,
        JSON-ready)."""
        out: dict[str, Any] = {}
        for key, value in self.model_dump(exclude_none=True).items():
            if isinstance(value, StrEnum):
                value = str(value)
            elif isinstance(value, tuple):
                value = list(value)
            out[key] = value
        return out


class NoParams(OperatorParams):
    """keep, pseudonymize, encrypt_fpe, redact and drop take no parameters."""


def _error(message: str) -> PydanticCustomError:
    return PydanticCustomError("operator_params", message)


def _choice(value: Any, allowed: type[StrEnum], name: str) -> Any:
    if value is not None and value not in {str(m) for m in allowed}:
        known = ", ".join(str(m) for m in allowed)
        raise _error(f"{name} must be one of {known}")
    return value


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


class GeneralizeParams(OperatorParams):
    """Exactly one rule: `level` (times), `prefix` (IPv4 prefix length; IPv6 keeps /48),
    `to` (a coarser form), `bands` (numbers to ranges: `[0, 10, 50, 100]`)."""

    level: TimeLevel | None = None
    prefix: int | None = None
    to: GeneralizeTarget | None = None
    bands: tuple[int | float, ...] | None = None  # as written: 10 stays 10 in reports

    @field_validator("level", mode="before")
    @classmethod
    def _level(cls, value: Any) -> Any:
        return _choice(value, TimeLevel, "level")

    @field_validator("to", mode="before")
    @classmethod
    def _to(cls, value: Any) -> Any:
        return _choice(value, GeneralizeTarget, "to")

    @field_validator("prefix", mode="before")
    @classmethod
    def _prefix(cls, value: Any) -> Any:
        low, high = IPV4_PREFIXES
        if value is not None and not (_is_int(value) and low <= value <= high):
            raise _error(f"prefix is an IPv4 prefix length {low}..{high} (e.g. 24)")
        return value

    @field_validator("bands", mode="before")
    @classmethod
    def _bands(cls, value: Any) -> Any:
        if value is None:
            return value
        ok = isinstance(value, list | tuple) and len(value) >= 2
        edges = list(value) if ok else []
        numeric = all(isinstance(e, int | float) and not isinstance(e, bool) for e in edges)
        if not ok or not numeric or edges != sorted(set(edges)):
            raise _error("bands must be at least two increasing numbers, e.g. [0, 10, 50, 100]")
        return tuple(edges)

    @model_validator(mode="after")
    def _exactly_one(self) -> GeneralizeParams:
        given = [name for name in _GENERALIZE_RULES if getattr(self, name) is not None]
        if len(given) != 1:
            raise _error(f"generalize takes exactly one of {', '.join(_GENERALIZE_RULES)}, "
                         f"got {', '.join(given) or 'none'}")  # fmt: skip
        return self


_GENERALIZE_RULES = ("level", "prefix", "to", "bands")


class MaskParams(OperatorParams):
    """Letters and digits kept at the start and end; the others masked. Without them, the
    entity's default (a payment card: the last 4 digits)."""

    keep_first: int | None = None
    keep_last: int | None = None

    @field_validator("keep_first", "keep_last", mode="before")
    @classmethod
    def _count(cls, value: Any, info: Any) -> Any:
        if value is not None and not (_is_int(value) and 0 <= value <= MAX_MASK_KEEP):
            raise _error(f"{info.field_name} must be an integer 0..{MAX_MASK_KEEP}")
        return value


# Which verdict each operator carries out, and the parameters it takes.
OPERATOR_VERDICT: Mapping[OperatorName, Verdict] = MappingProxyType({
    OperatorName.KEEP: Verdict.ALLOW,
    OperatorName.PSEUDONYMIZE: Verdict.PSEUDONYMIZE,
    OperatorName.ENCRYPT_FPE: Verdict.PSEUDONYMIZE,
    OperatorName.GENERALIZE: Verdict.GENERALIZE,
    OperatorName.MASK: Verdict.MASK,
    OperatorName.REDACT: Verdict.REDACT,
    OperatorName.DROP: Verdict.DROP,
})
PARAMS_MODELS: Mapping[OperatorName, type[OperatorParams]] = MappingProxyType({
    OperatorName.KEEP: NoParams,
    OperatorName.PSEUDONYMIZE: NoParams,
    OperatorName.ENCRYPT_FPE: NoParams,
    OperatorName.GENERALIZE: GeneralizeParams,
    OperatorName.MASK: MaskParams,
    OperatorName.REDACT: NoParams,
    OperatorName.DROP: NoParams,
})
# The operator that carries out a verdict given without one (generalize needs its params).
DEFAULT_OPERATOR: Mapping[Verdict, OperatorName] = MappingProxyType({
    Verdict.ALLOW: OperatorName.KEEP,
    Verdict.PSEUDONYMIZE: OperatorName.PSEUDONYMIZE,
    Verdict.MASK: OperatorName.MASK,
    Verdict.REDACT: OperatorName.REDACT,
    Verdict.DROP: OperatorName.DROP,
})  # fmt: skip


def params_model(operator: OperatorName) -> type[OperatorParams]:
    """The one model `operator`'s parameters are validated with, in packs and in plans."""
    return PARAMS_MODELS[operator]


def parse_params(operator: OperatorName, raw: Mapping[str, Any] | None) -> OperatorParams:
    """`raw` validated for `operator`; raises pydantic's `ValidationError`."""
    return params_model(operator).model_validate(dict(raw or {}))


def checked_params(
    operator: OperatorName, raw: Mapping[str, Any] | None, where: str, problems: list[Problem]
) -> dict[str, Any]:
    """`raw` validated for `operator`, as plain values; {} with the problems (at YAML path
    `where`) added when they do not fit."""
    model = params_model(operator)
    if model is NoParams and raw:
        problems.append(Problem(where, f"{operator} takes no params", "remove params"))
        return {}
    try:
        return model.model_validate(dict(raw or {})).as_dict()
    except ValidationError as exc:
        problems.extend(validation_problems(exc, model, where))
        return {}


@dataclass(frozen=True)
class Transform:
    """A verdict with the operator and parameters that carry it out."""

    verdict: Verdict
    operator: OperatorName | None
    params: Mapping[str, Any] = field(default_factory=dict)


# Masked payment cards: the last four digits for every recipient; the first six (the issuer
# number) as well only for recipient classes the pack grants `card_first_six` (PCI DSS caps
# what may show at 6 + 4).
CARD_ENTITY = "CREDIT_CARD"
CARD_FIRST_DIGITS = 6
CARD_LAST_DIGITS = 4

REDACT = Transform(Verdict.REDACT, OperatorName.REDACT)
DROP = Transform(Verdict.DROP, OperatorName.DROP)
