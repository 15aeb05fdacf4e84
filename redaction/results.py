"""Typed values that leave `redaction/`: what a delivery wrote and what verification found."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from redaction.risk import RiskFigures
from storage import Location


class DeliveryOutcome(StrEnum):
    DELIVERED = "delivered"
    BLOCKED = "blocked"  # by policy (denied) or by verification (residual personal data)


@dataclass(frozen=True)
class ResidualFinding:
    """Personal data found in an output where the policy does not allow it in clear."""

    column: str
    entity_type: str
    count: int
    masked_sample: str  # masked, never the raw value


@dataclass(frozen=True)
class FieldOutput:
    """The schema of one delivered column: what came in, what went out, and how."""

    field: str
    operator: str | None
    input_type: str
    output_type: str


@dataclass(frozen=True)
class DeliveryResult:
    delivery: str
    outcome: DeliveryOutcome
    rows_in: int
    rows_out: int
    rows_quarantined: int
    rows_filtered: int  # removed by row filters (consent), counted apart from quarantine
    output_path: str | None  # None when blocked
    output_sha256: str | None
    key_id: str | None  # fingerprint of the key; never the key
    schema: tuple[FieldOutput, ...] = ()
    residual: tuple[ResidualFinding, ...] = ()
    blocked_reasons: tuple[str, ...] = ()
    risk: RiskFigures | None = None  # k-anonymity of what was delivered (None: no QIs)
    rows_withheld: int = 0  # withheld by the release gate (classes below the recipient's min_k)
    gate_blocked: bool = False  # blocked by the release gate alone (a coarser rule may pass)
    gate_steps: tuple[str, ...] = ()  # the ladder steps taken to pass it (`start: hour → day`)

    @property
    def rows_balanced(self) -> bool:
        return self.rows_in == (
            self.rows_out + self.rows_quarantined + self.rows_filtered + self.rows_withheld
        )


def part_name(path: Location, root: Location | None = None) -> str:
    """A part's name in its delivery: its path below `root` (partitions are folders), else its
    file name."""
    if root is None:
        return path.name
    if isinstance(path, Path) and isinstance(root, Path):
        return path.relative_to(root).as_posix()
    return path.relative_to(root)  # type: ignore[arg-type]
