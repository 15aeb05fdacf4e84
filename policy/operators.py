"""Operator names a pack may use, their parameters, and the default transform per category.

A rule that gives a transform verdict without an operator gets the category's default: the least
strict transform the category supports that is at least as strict as the verdict asked for. A
category never gets a looser transform than asked; `redact` and `drop` fit every category.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from policy.decisions import Verdict


class OperatorName(StrEnum):
    """Redaction operators registered by `redaction/`, by name."""

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
    AREA_CODE = "area_code"  # phone number → country + area code
    YEAR = "year"  # date → year
    FIRST_PART = "first_part"  # postal code → forward sortation area / ZIP3


class OperatorParams(BaseModel):
    """Parameters of an operator; which ones apply depends on the operator."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    level: TimeLevel | None = None
    prefix: int | None = Field(default=None, ge=0, le=128)
    to: GeneralizeTarget | None = None
    keep_first: int | None = Field(default=None, ge=0, le=12)
    keep_last: int | None = Field(default=None, ge=0, le=12)

    def as_dict(self) -> dict[str, Any]:
        """The parameters given, enums as plain strings (picklable, JSON-ready)."""
        return {k: str(v) if isinstance(v, StrEnum) else v
                for k, v in self.model_dump(exclude_none=True).items()}


# Which verdict each operator carries out.
OPERATOR_VERDICT: Mapping[OperatorName, Verdict] = MappingProxyType({
    OperatorName.PSEUDONYMIZE: Verdict.PSEUDONYMIZE,
    OperatorName.ENCRYPT_FPE: Verdict.PSEUDONYMIZE,
    OperatorName.GENERALIZE: Verdict.GENERALIZE,
    OperatorName.MASK: Verdict.MASK,
    OperatorName.REDACT: Verdict.REDACT,
    OperatorName.DROP: Verdict.DROP,
})


def params_problem(operator: OperatorName, params: OperatorParams) -> str | None:
    """Why `params` do not fit `operator`, or None when they do."""
    given = set(params.model_dump(exclude_none=True))
    if operator is OperatorName.GENERALIZE:
        if len(given & {"level", "prefix", "to"}) != 1 or given - {"level", "prefix", "to"}:
            return "generalize takes exactly one of level, prefix, to"
    elif operator is OperatorName.MASK:
        if not given or given - {"keep_first", "keep_last"}:
            return "mask takes keep_first and/or keep_last"
    elif given:
        return f"{operator} takes no params"
    return None


@dataclass(frozen=True)
class Transform:
    """A verdict with the operator and parameters that carry it out."""

    verdict: Verdict
    operator: OperatorName | None
    params: Mapping[str, Any] = field(default_factory=dict)


def _t(verdict: Verdict, operator: OperatorName | None, **params: Any) -> Transform:
    return Transform(verdict, operator, params)


# Masked payment cards: the last four digits for every recipient; the first six (the issuer
# number) as well only for recipient classes the pack grants `card_first_six` (PCI DSS caps
# what may show at 6 + 4).
CARD_ENTITY = "CREDIT_CARD"
CARD_FIRST_DIGITS = 6
CARD_LAST_DIGITS = 4

PSEUDONYMIZE = _t(Verdict.PSEUDONYMIZE, OperatorName.PSEUDONYMIZE)
REDACT = _t(Verdict.REDACT, OperatorName.REDACT)
DROP = _t(Verdict.DROP, OperatorName.DROP)

# Transforms each category prefix supports, least strict first; the first is the default.
# Longest matching prefix wins; a category with no entry supports redact and drop only.
CATEGORY_TRANSFORMS: Mapping[str, tuple[Transform, ...]] = MappingProxyType({
    "contact.email": (PSEUDONYMIZE,),
    "contact.phone": (
        PSEUDONYMIZE,
        _t(Verdict.GENERALIZE, OperatorName.GENERALIZE, to="area_code"),
    ),
    "contact.postal": (_t(Verdict.GENERALIZE, OperatorName.GENERALIZE, to="first_part"),),
    "identity.name": (PSEUDONYMIZE,),
    "identity.account": (PSEUDONYMIZE,),
    "identity.birth_date": (_t(Verdict.GENERALIZE, OperatorName.GENERALIZE, to="year"),),
    "financial.payment_card": (
        _t(Verdict.MASK, OperatorName.MASK, keep_first=0, keep_last=CARD_LAST_DIGITS),
    ),
    "network.ip": (_t(Verdict.GENERALIZE, OperatorName.GENERALIZE, prefix=24),),
    "network.device": (PSEUDONYMIZE,),
    "network.sip_uri": (PSEUDONYMIZE,),
    "call_records.time": (_t(Verdict.GENERALIZE, OperatorName.GENERALIZE, level="hour"),),
    # a uniqueid holds the exact call start: a keyed token keeps it a unique, joinable id
    "call_records.id": (PSEUDONYMIZE,),
    # invoices are dated by the day: an hour would be a false precision, a month the first step
    "billing.date": (_t(Verdict.GENERALIZE, OperatorName.GENERALIZE, level="day"),),
    "credentials": (DROP,),  # secrets are never useful downstream: not even redacted cells
    "communication.content": (PSEUDONYMIZE,),  # spans in free text; see evaluation
})


def transforms_for(category: str) -> tuple[Transform, ...]:
    """Supported transforms for `category`, least strict first, always ending in redact/drop."""
    key = category
    while key:
        if key in CATEGORY_TRANSFORMS:
            found = CATEGORY_TRANSFORMS[key]
            break
        key = key.rpartition(".")[0]
    else:
        found = ()
    tail = tuple(t for t in (REDACT, DROP) if t.verdict.strictness > _max_strictness(found))
    return found + tail


def _max_strictness(transforms: tuple[Transform, ...]) -> int:
    return max((t.verdict.strictness for t in transforms), default=-1)


def default_transform(category: str) -> Transform:
    return transforms_for(category)[0]


def at_least(category: str, verdict: Verdict) -> Transform:
    """The least strict transform of `category` that is at least as strict as `verdict`."""
    for transform in transforms_for(category):
        if transform.verdict.strictness >= verdict.strictness:
            return transform
    return DROP
