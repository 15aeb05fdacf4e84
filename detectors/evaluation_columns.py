"""Score column profiles against ground-truth labels (`labels.json` from `synthetic.generate`).

Per column: a labelled personal column is correct when it is profiled as structured with exactly
the labelled entity types; a column labelled `[]` is a false PII column when any entity is
reported; a free-text column (`free_text_columns`) is correct when profiled as free text — its
spans are scored by `detectors.evaluation_text`, not here. Per entity: column-level true/false
positives and misses over the structured columns, with precision, recall and F2 (recall weighs
more: a missed personal column leaks).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from detectors.errors import UnreadableFileError
from detectors.findings import DatasetProfile, FieldKind
from detectors.profiling import profile_dataset
from detectors.settings import DetectionSettings


@dataclass(frozen=True)
class EntityScore:
    """Column-level counts for one entity type."""

    entity_type: str
    true_positives: int
    false_positives: int
    false_negatives: int

    @property
    def precision(self) -> float:
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else 1.0

    @property
    def recall(self) -> float:
        actual = self.true_positives + self.false_negatives
        return self.true_positives / actual if actual else 1.0

    @property
    def f2(self) -> float:
        p, r = self.precision, self.recall
        return 5 * p * r / (4 * p + r) if p + r else 0.0


@dataclass(frozen=True)
class ColumnResult:
    """What one column was labelled and what it was profiled as."""

    column: str
    expected: tuple[str, ...]
    found: tuple[str, ...]
    expected_kind: FieldKind
    found_kind: FieldKind

    @property
    def correct(self) -> bool:
        if self.expected_kind == FieldKind.FREE_TEXT:
            return self.found_kind == FieldKind.FREE_TEXT
        return set(self.expected) == set(self.found) and self.found_kind != FieldKind.FREE_TEXT


@dataclass(frozen=True)
class ColumnScores:
    """Column classification quality of one profiled dataset."""

    dataset: str
    columns: tuple[ColumnResult, ...]
    entities: tuple[EntityScore, ...]
    unlabelled: tuple[str, ...] = ()

    @property
    def pii_correct(self) -> tuple[str, ...]:
        return tuple(c.column for c in self.columns if c.expected and c.correct)

    @property
    def pii_incorrect(self) -> tuple[ColumnResult, ...]:
        return tuple(c for c in self.columns if c.expected and not c.correct)

    @property
    def false_pii(self) -> tuple[ColumnResult, ...]:
        return tuple(
            c for c in self.columns
            if not c.expected and c.expected_kind != FieldKind.FREE_TEXT and c.found
        )

    @property
    def free_text(self) -> tuple[ColumnResult, ...]:
        return tuple(c for c in self.columns if c.expected_kind == FieldKind.FREE_TEXT)

    @property
    def all_correct(self) -> bool:
        return all(c.correct for c in self.columns) and not self.false_pii

    def format_table(self) -> str:
        """Markdown: one row per entity, then the columns that were not right."""
        lines = [
            f"**{self.dataset}**: {len(self.pii_correct)} of "
            f"{len(self.pii_correct) + len(self.pii_incorrect)} personal columns correct, "
            f"{len(self.false_pii)} false personal columns, free text "
            f"{sum(c.correct for c in self.free_text)}/{len(self.free_text)} recognised",
            "",
            "| entity | TP | FP | FN | precision | recall | F2 |",
            "|---|---:|---:|---:|---:|---:|---:|",
        ]
        for s in self.entities:
            lines.append(
                f"| {s.entity_type} | {s.true_positives} | {s.false_positives} | "
                f"{s.false_negatives} | {s.precision:.2f} | {s.recall:.2f} | {s.f2:.2f} |"
            )
        wrong = [c for c in self.columns if not c.correct]
        if wrong:
            lines += ["", "| column | labelled | profiled |", "|---|---|---|"]
            for c in wrong:
                lines.append(
                    f"| {c.column} | {', '.join(c.expected) or c.expected_kind} | "
                    f"{', '.join(c.found) or c.found_kind} |"
                )
        return "\n".join(lines) + "\n"


def evaluate_columns(profile: DatasetProfile, labels: Mapping[str, object]) -> ColumnScores:
    """Compare `profile` with `labels` (the `labels.json` mapping) column by column."""
    columns: Mapping[str, list[str]] = labels.get("columns", {})  # type: ignore[assignment]
    free_text = set(labels.get("free_text_columns", ()))  # type: ignore[arg-type]
    results: list[ColumnResult] = []
    counts: dict[str, list[int]] = {}
    unlabelled: list[str] = []
    for field in profile.fields:
        if field.column not in columns:
            unlabelled.append(field.column)
            continue
        is_text = field.column in free_text
        result = ColumnResult(
            column=field.column,
            expected=tuple(columns[field.column]),
            found=field.entity_types,
            expected_kind=FieldKind.FREE_TEXT if is_text else FieldKind.STRUCTURED,
            found_kind=field.kind,
        )
        results.append(result)
        if is_text:
            continue
        for entity in set(result.expected) | set(result.found):
            tally = counts.setdefault(entity, [0, 0, 0])
            in_expected, in_found = entity in result.expected, entity in result.found
            tally[0 if in_expected and in_found else 1 if in_found else 2] += 1
    scores = tuple(EntityScore(e, *counts[e]) for e in sorted(counts))
    return ColumnScores(profile.dataset, tuple(results), scores, tuple(unlabelled))


def evaluate_dataset(
    data_dir: Path, kind: str, settings: DetectionSettings | None = None
) -> ColumnScores:
    """Profile a generated dataset directory (data files + `labels.json`) and score it."""
    labels_path = Path(data_dir) / "labels.json"
    try:
        labels = json.loads(labels_path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        raise UnreadableFileError(
            f"{labels_path}: missing or not JSON; expected the labels.json written by "
            "synthetic.generate"
        ) from None
    paths = [Path(data_dir) / name for name in labels.get("files", ())]
    if not paths:
        raise UnreadableFileError(f"{labels_path}: lists no files; expected a `files` list")
    profile = profile_dataset(Path(data_dir).name, kind, paths, settings=settings)
    return evaluate_columns(profile, labels)
