"""The typed run report: what a compliance reviewer reads, as frozen values with a JSON form.

Everything here is counts, names, rates, clauses and masked samples — never a raw value. Inputs
(`RunInfo`, `DatasetInfo`) describe the run; the rest is built by `reports.builder`.
"""

from __future__ import annotations

import dataclasses
import subprocess
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import Enum, StrEnum
from importlib import metadata
from pathlib import Path
from typing import Any

from policy.decisions import TokenScope
from reports.errors import ReportInputError

SCHEMA_VERSION = "1.3"


class RunStatus(StrEnum):
    """Overall status of a run: an error first, then the worst delivery.

    A report holds one of the first four; the run history also holds the last two, for runs
    that started and have not finished (or never will).
    """

    OK = "ok"  # every delivery delivered, nothing needs a human
    NEEDS_REVIEW = "needs_review"  # everything delivered, some findings need a human
    BLOCKED = "blocked"  # at least one delivery was blocked or denied
    FAILED = "failed"  # an error stopped a dataset, a delivery or the report (`RunSection.errors`)
    RUNNING = "running"  # history only: the run started and has not recorded its outcome yet
    INTERRUPTED = "interrupted"  # history only: it never recorded one (killed, or crashed)

    @property
    def finished(self) -> bool:
        """The run recorded its outcome (its field profiles are in the history)."""
        return self not in (RunStatus.RUNNING, RunStatus.INTERRUPTED)


class DeliveryState(StrEnum):
    DELIVERED = "delivered"
    BLOCKED = "blocked"  # policy allowed it but redaction/verification stopped it
    DENIED = "denied"  # policy refused the purpose, recipient or basis


class Light(StrEnum):
    """Traffic light per delivery, as shown in the summary."""

    GREEN = "green"  # delivered
    AMBER = "amber"  # delivered, with findings that need a human
    RED = "red"  # blocked or denied

    @property
    def label(self) -> str:
        return {"green": "Delivered", "amber": "Needs review", "red": "Not delivered"}[self.value]

    @property
    def symbol(self) -> str:
        return {"green": "🟢", "amber": "🟡", "red": "🔴"}[self.value]


class FindingKind(StrEnum):
    UNDECLARED_PERSONAL_DATA = "undeclared_personal_data"
    PII_IN_FREE_TEXT = "pii_in_free_text"
    LOW_CONFIDENCE = "low_confidence"
    PURPOSE_NOT_ALLOWED = "purpose_not_allowed"
    RESIDUAL_PERSONAL_DATA = "residual_personal_data"
    NEW_PII_FIELD = "new_pii_field"
    NEW_ENTITY_TYPE = "new_entity_type"
    MATCH_RATE_JUMP = "match_rate_jump"
    FIELD_DISAPPEARED = "field_disappeared"
    QUARANTINE_OVER_THRESHOLD = "quarantine_over_threshold"


class Severity(StrEnum):
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"

    @property
    def rank(self) -> int:
        return list(Severity).index(self)


def utc_iso(moment: datetime, name: str) -> str:
    """An aware datetime as ISO 8601 UTC with a "Z" suffix; `name` is used in the error."""
    if moment.tzinfo is None:
        raise ReportInputError(
            f"RunInfo.{name} is a naive datetime; pass an aware one, e.g. datetime.now(UTC)"
        )
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def code_version() -> str:
    """Package version plus the git commit of the checkout when there is one."""
    try:
        version = metadata.version("teleprivacy")
    except metadata.PackageNotFoundError:
        version = "unknown"
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short=12", "HEAD"],
            cwd=Path(__file__).resolve().parent,
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return version
    return f"{version}+g{commit}" if commit else version


@dataclass(frozen=True)
class RunInfo:
    """What the flow knows about the run itself. `run_id` is the Prefect flow run id when given."""

    started_at: datetime
    finished_at: datetime
    policy_name: str
    policy_version: str
    policy_sha256: str
    config_path: str
    config_sha256: str
    key_id: str | None = None  # key fingerprint; never the key
    run_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    flow: str | None = None  # Prefect flow name when the run was a flow
    code_version: str = field(default_factory=code_version)


@dataclass(frozen=True)
class DatasetInfo:
    """Where a dataset came from: its files, their total size and a SHA-256 over them."""

    name: str
    kind: str
    paths: tuple[str, ...]
    size_bytes: int
    sha256: str


@dataclass(frozen=True)
class PolicyRef:
    name: str
    version: str
    sha256: str


@dataclass(frozen=True)
class ConfigRef:
    path: str
    sha256: str


@dataclass(frozen=True)
class RunSection:
    run_id: str
    flow: str | None
    started_at: str  # ISO 8601 UTC, "Z" suffix
    finished_at: str
    code_version: str
    policy: PolicyRef
    config: ConfigRef
    key_id: str | None
    status: RunStatus
    errors: tuple[str, ...] = ()  # what stopped a dataset, a delivery or the report; one line each


@dataclass(frozen=True)
class CitationRef:
    seed: str
    section: str
    quote: str


@dataclass(frozen=True)
class EntityReport:
    entity_type: str
    match_rate: float
    confidence: float
    name_hint: bool
    rows_found: int | None = None  # rows of the whole input holding it (validated entities)


@dataclass(frozen=True)
class FieldReport:
    name: str
    kind: str
    arrow_type: str
    rows_sampled: int
    null_rate: float
    personal: bool
    category: str | None
    entities: tuple[EntityReport, ...]
    masked_example: str | None
    rows_swept: int = 0  # rows of the whole input swept for validated identifiers


@dataclass(frozen=True)
class QuarantineEntry:
    file: str
    row: int
    reason: str


@dataclass(frozen=True)
class DatasetReport:
    name: str
    kind: str
    paths: tuple[str, ...]
    size_bytes: int | None
    sha256: str | None
    rows_read: int
    rows_quarantined: int
    quarantined: tuple[QuarantineEntry, ...]  # may list fewer rows than rows_quarantined
    fields: tuple[FieldReport, ...]
    notes: tuple[str, ...]


@dataclass(frozen=True)
class DecisionReport:
    field: str
    verdict: str
    operator: str | None
    params: Mapping[str, Any]
    category: str | None
    entity_types: tuple[str, ...]
    declared: bool
    free_text: bool
    citation: CitationRef | None
    reason: str


@dataclass(frozen=True)
class RowFilterReport:
    column: str
    reason: str
    citation: CitationRef | None


@dataclass(frozen=True)
class RowCounts:
    rows_in: int
    rows_out: int
    rows_quarantined: int
    rows_filtered: int
    balanced: bool
    rows_withheld: int = 0  # by the release gate (classes smaller than the recipient's min k)


@dataclass(frozen=True)
class KBand:
    """Delivered rows whose equivalence class size falls in one band (`1`, `2-4`, … `50+`)."""

    band: str
    rows: int


@dataclass(frozen=True)
class DiversityReport:
    column: str
    min_l: int  # fewest distinct values of the sensitive column within one class
    classes_below_2: int


@dataclass(frozen=True)
class RiskReport:
    """Re-identification risk of the delivered rows over their quasi-identifiers."""

    quasi_identifiers: tuple[str, ...]
    rows: int
    classes: int
    min_k: int
    share_k_below_5: float
    share_k_below_10: float
    unique_share: float
    k_bands: tuple[KBand, ...]
    diversity: tuple[DiversityReport, ...]
    required_k: int | None  # the recipient class's release gate; None when it has none
    rows_withheld: int
    conservative: bool  # measured per part of a multi-part delivery: true k is at least this
    ladder_steps: tuple[str, ...] = ()  # generalizations coarsened to reach required_k


@dataclass(frozen=True)
class ResidualReport:
    column: str
    entity_type: str
    count: int
    masked_sample: str


@dataclass(frozen=True)
class Verification:
    clean: bool
    residual: tuple[ResidualReport, ...]


@dataclass(frozen=True)
class DeliveryReport:
    name: str
    dataset: str
    recipient: str
    recipient_class: str
    purpose: str
    legal_basis: str | None
    status: DeliveryState
    light: Light
    citation: CitationRef | None
    fields: tuple[DecisionReport, ...]
    row_filters: tuple[RowFilterReport, ...]
    rows: RowCounts | None  # None when the delivery never ran
    output_path: str | None
    output_sha256: str | None
    key_id: str | None
    token_scope: TokenScope  # tokens scoped to the recipient, or shared across recipients
    verification: Verification | None  # None when the delivery never ran
    blockers: tuple[str, ...]  # what stopped it; empty when delivered
    unblock: tuple[str, ...]  # what would let it through
    findings: int  # findings needing a human that concern this delivery
    risk: RiskReport | None = None  # None when nothing ran or no quasi-identifier was delivered

    @property
    def label(self) -> str:
        """Traffic-light label: Delivered / Needs review / Blocked / Denied."""
        return self.light.label if self.light is not Light.RED else self.status.value.capitalize()


@dataclass(frozen=True)
class Finding:
    """Something a human should look at, with where it is; never a value."""

    kind: FindingKind
    severity: Severity
    message: str
    dataset: str | None = None
    delivery: str | None = None
    field: str | None = None
    entity_type: str | None = None

    def concerns(self, delivery: str, dataset: str) -> bool:
        """True when the finding is about this delivery or, unscoped, about its dataset."""
        if self.delivery is not None:
            return self.delivery == delivery
        return self.dataset == dataset


@dataclass(frozen=True)
class Counts:
    datasets: int
    deliveries: int
    delivered: int
    blocked: int
    denied: int
    needs_review: int
    findings: int
    rows_read: int
    rows_quarantined: int


@dataclass(frozen=True)
class RunReport:
    """The whole run: `to_dict()` is exactly what `report.json` holds."""

    run: RunSection
    counts: Counts
    deliveries: tuple[DeliveryReport, ...]
    datasets: tuple[DatasetReport, ...]
    findings: tuple[Finding, ...]
    schema_version: str = SCHEMA_VERSION

    def to_dict(self) -> dict[str, Any]:
        body = to_plain(self)
        return {"schema_version": body.pop("schema_version"), **body}


def to_plain(value: Any) -> Any:
    """Dataclasses, enums, tuples and mappings as JSON-ready dicts, lists and scalars."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Mapping):
        return {str(k): to_plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_plain(v) for v in value]
    return value


@dataclass(frozen=True)
class FieldSnapshot:
    """One field of one dataset as a past run saw it: entity types and their match rates."""

    dataset: str
    field: str
    entities: tuple[tuple[str, float], ...]  # (entity_type, match_rate), sorted by type


@dataclass(frozen=True)
class RunSummary:
    """A past run as the history keeps it: enough to list runs and to detect drift."""

    run_id: str
    config_sha256: str
    config_path: str
    started_at: str
    finished_at: str
    status: RunStatus
    policy: str  # "name version"
    delivered: int
    blocked: int
    denied: int
    findings: int
    fields: tuple[FieldSnapshot, ...] = ()

    @classmethod
    def from_report(cls, report: RunReport) -> RunSummary:
        """Summarise a report for the history and for drift detection."""
        run = report.run
        fields = tuple(
            FieldSnapshot(
                dataset=d.name,
                field=f.name,
                entities=tuple(sorted((e.entity_type, e.match_rate) for e in f.entities)),
            )
            for d in report.datasets
            for f in d.fields
        )
        return cls(
            run_id=run.run_id,
            config_sha256=run.config.sha256,
            config_path=run.config.path,
            started_at=run.started_at,
            finished_at=run.finished_at,
            status=run.status,
            policy=f"{run.policy.name} {run.policy.version}",
            delivered=report.counts.delivered,
            blocked=report.counts.blocked,
            denied=report.counts.denied,
            findings=report.counts.findings,
            fields=fields,
        )
