"""Typed values that leave `policy/`: per-field decisions with the clause that decides them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol


class Verdict(StrEnum):
    """What happens to a field, from least to most restrictive."""

    ALLOW = "allow"
    PSEUDONYMIZE = "pseudonymize"
    GENERALIZE = "generalize"
    MASK = "mask"
    REDACT = "redact"
    DROP = "drop"
    DENY = "deny"

    @property
    def strictness(self) -> int:
        return list(Verdict).index(self)


class OperatingPoint(StrEnum):
    """How hard free text is searched for personal data before its spans are transformed.

    Third parties get RECALL: a word masked too many costs less than a name left in clear.
    Internal recipients keep PRECISION. The values are `detectors.settings.OPERATING_POINTS`.
    """

    PRECISION = "precision"
    RECALL = "recall"


class TokenScope(StrEnum):
    """Whose key pseudonyms are made with (`redaction.keys.Key.for_recipient`).

    RECIPIENT (the default): the key is derived with the recipient's name, so two recipients'
    tokens for one value differ and they cannot join their deliveries; two deliveries to the
    same recipient still join. SHARED: one key for every recipient that opts in, only where the
    pack grants the recipient class `shared_tokens`.
    """

    RECIPIENT = "recipient"
    SHARED = "shared"


class DeliveryStatus(StrEnum):
    PROCEED = "proceed"  # every field has a decision that is not deny
    DENIED = "denied"  # the purpose/recipient/basis is refused; nothing is delivered


@dataclass(frozen=True)
class Citation:
    """The clause a rule rests on: `quote` appears verbatim in the seed file."""

    seed: str  # e.g. 003_d865ffb7cb5e7536.txt
    section: str  # e.g. "3. Use of personal information (5)"
    quote: str


class FieldEvidence(Protocol):
    """What policy needs to know about a field; `detectors.FieldProfile` satisfies it."""

    @property
    def column(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def entity_types(self) -> tuple[str, ...]: ...


@dataclass(frozen=True)
class FieldDecision:
    """The verdict for one field of one delivery, the operator that carries it out, and why."""

    field: str
    verdict: Verdict
    category: str | None  # dotted data category, e.g. contact.phone; None when not personal
    entity_types: tuple[str, ...]
    operator: str | None  # registered redaction operator name; None for allow/deny
    params: Mapping[str, Any] = field(default_factory=dict)
    citation: Citation | None = None
    reason: str = ""  # one sentence a reviewer can read: why this verdict
    declared: bool = True  # False when found by detection but not named by the declaration
    free_text: bool = False  # field holds prose: operator applies to detected spans
    # how its spans are detected; None when no spans are (structured, kept, dropped, denied)
    operating_point: OperatingPoint | None = None


@dataclass(frozen=True)
class RowFilter:
    """Rows kept for a purpose that needs consent: `column` must be truthy."""

    column: str
    reason: str
    citation: Citation | None = None


@dataclass(frozen=True)
class DeliveryDecision:
    """Everything policy decided about one delivery."""

    delivery: str
    dataset: str
    recipient: str
    recipient_class: str
    purpose: str
    legal_basis: str | None
    status: DeliveryStatus
    fields: tuple[FieldDecision, ...]
    row_filters: tuple[RowFilter, ...] = ()
    denial_reasons: tuple[str, ...] = ()  # what blocks it
    unblock_hints: tuple[str, ...] = ()  # what would unblock it
    citation: Citation | None = None  # the clause that allows or refuses the delivery as a whole
    # Re-identification risk (`redaction.risk`): delivered columns that are quasi-identifiers or
    # sensitive, and the recipient class's release gate.
    quasi_identifiers: tuple[str, ...] = ()
    sensitive: tuple[str, ...] = ()
    min_k: int | None = None
    max_suppression: float = 0.01
    # whose key the delivery's pseudonyms and FPE ciphertexts are made with (see TokenScope)
    token_scope: TokenScope = TokenScope.RECIPIENT
    # the recipient class's `times_in_utc`: zoned times leave as UTC instants
    times_in_utc: bool = False
