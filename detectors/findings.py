"""Typed values that leave `detectors/`: column profiles and text-span findings.

They hold locations, entity types, rates and scores — never a raw value. The only value-derived
field is `FieldProfile.masked_example`, which is masked before it is stored here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class FieldKind(StrEnum):
    """How a column's values are shaped, which decides how it is scanned and transformed."""

    STRUCTURED = "structured"  # one value per cell: a phone, an id, a timestamp
    FREE_TEXT = "free_text"  # prose that may hold several entities: notes, ticket bodies
    EMPTY = "empty"  # every sampled value was null or blank


@dataclass(frozen=True)
class EntityEvidence:
    """One entity type seen in a column, with how often and how surely."""

    entity_type: str  # Presidio style UPPER_SNAKE, e.g. PHONE_NUMBER, SIP_URI
    match_rate: float  # share of non-null sampled values holding this entity, 0..1
    confidence: float  # combined score (value matches + column-name hint), 0..1
    name_hint: bool = False  # the column name alone suggested this entity
    # rows of the whole input holding a validated identifier of this type (the full sweep);
    # None for entities only the sample can find (names, addresses)
    rows_found: int | None = None


@dataclass(frozen=True)
class FieldProfile:
    """What a sample of one column told us. `entities` is sorted, most likely first."""

    dataset: str
    column: str
    kind: FieldKind
    arrow_type: str  # str(pyarrow type) of the column as read
    rows_sampled: int
    null_rate: float
    entities: tuple[EntityEvidence, ...] = ()
    masked_example: str | None = None  # e.g. "+1514•••••99"; None when nothing to show
    rows_swept: int = 0  # rows of the whole input the full sweep read (0: not swept)

    @property
    def primary_entity(self) -> str | None:
        """The most likely entity type, or None for a column with no personal data found."""
        return self.entities[0].entity_type if self.entities else None

    @property
    def entity_types(self) -> tuple[str, ...]:
        return tuple(e.entity_type for e in self.entities)

    @property
    def is_personal(self) -> bool:
        return bool(self.entities)


@dataclass(frozen=True)
class TextFinding:
    """A span of personal data in free text: where and what, never the text itself."""

    row: int  # 0-based row number in the dataset as read
    column: str
    start: int
    end: int
    entity_type: str
    score: float


@dataclass(frozen=True)
class QuarantinedRow:
    """A row that could not be parsed; kept aside with its reason, never silently dropped."""

    file: str
    row: int  # 1-based line/row number in the source file
    reason: str  # what was wrong, without the row's content
    reason_class: str = "unparseable"  # a `detectors.quarantine.QuarantineClass` value


@dataclass(frozen=True)
class DatasetProfile:
    """All column profiles of one dataset plus what reading it cost."""

    dataset: str
    kind: str  # billing | cdr | tickets
    files: tuple[str, ...]
    rows_read: int
    fields: tuple[FieldProfile, ...]
    quarantined: tuple[QuarantinedRow, ...] = ()
    quarantined_count: int = 0  # may exceed len(quarantined) when only the first N are kept
    quarantined_by_class: tuple[tuple[str, int], ...] = ()  # (QuarantineClass value, count)
    notes: tuple[str, ...] = field(default=())
    inputs: tuple[InputFingerprint, ...] = ()  # each file as profiled (size, mtime, SHA-256)

    def field(self, column: str) -> FieldProfile:
        for f in self.fields:
            if f.column == column:
                return f
        known = ", ".join(f.column for f in self.fields)
        raise KeyError(f"dataset {self.dataset!r} has no column {column!r}; columns: {known}")


@dataclass(frozen=True)
class InputFingerprint:
    """One input file as it was read: where, how big, when written, and its content digest.

    For an object (`s3://…`): inode 0, `version` its ETag (and version id), and `sha256` a digest
    of version and size (`detectors.reading.file_sha256`)."""

    path: str
    size: int
    mtime_ns: int
    inode: int
    sha256: str
    version: str = ""  # an object's ETag and version id; "" for a local file
