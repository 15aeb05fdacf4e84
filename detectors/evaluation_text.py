"""Span-level scoring of text detection against labels: generated tickets and real test sets.

A predicted span matches an expected one when they overlap in the same row and field and have
the same entity type; exact matches (same offsets) are counted too. F2 weighs recall twice as
much as precision: a missed phone number costs more than a redacted word.
"""

from __future__ import annotations

import ast
import json
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from detectors.findings import TextFinding
from detectors.settings import DetectionSettings
from detectors.text import scan_texts

TICKET_TEXT_FIELDS = ("subject", "body")

# presidio-research entity names -> ours; unmapped names (ORGANIZATION, TITLE, US_SSN...) are
# outside our vocabulary and left out of the scoring.
PRESIDIO_RESEARCH_ENTITIES: Mapping[str, str] = {
    "PERSON": "PERSON",
    "ADDRESS": "STREET_ADDRESS",
    "LOCATION": "LOCATION",
    "PHONE_NUMBER": "PHONE_NUMBER",
    "CREDIT_CARD": "CREDIT_CARD",
    "EMAIL_ADDRESS": "EMAIL_ADDRESS",
    "IP_ADDRESS": "IP_ADDRESS",
    "DATE_TIME": "DATE_TIME",
    "IBAN_CODE": "IBAN_CODE",
}


class SpanLike(Protocol):
    row: int
    column: str
    start: int
    end: int
    entity_type: str


@dataclass(frozen=True)
class Span:
    """An expected (labelled) span."""

    row: int
    column: str
    start: int
    end: int
    entity_type: str


@dataclass(frozen=True)
class EntityScore:
    """Counts and rates for one entity type."""

    entity_type: str
    expected: int
    predicted: int
    true_positives: int  # predicted spans overlapping an expected span of the same type
    recalled: int  # expected spans overlapped by a predicted span of the same type
    exact: int  # expected spans predicted with the same offsets

    @property
    def precision(self) -> float:
        return self.true_positives / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.recalled / self.expected if self.expected else 1.0

    @property
    def f2(self) -> float:
        p, r = self.precision, self.recall
        return 5 * p * r / (4 * p + r) if p + r else 0.0


@dataclass(frozen=True)
class SpanScores:
    """Per-entity scores; `overall` is micro-averaged over the entity types the labels use.

    `unlabelled` counts predictions of types the labels never use (they cannot be judged).
    """

    entities: tuple[EntityScore, ...]
    overall: EntityScore
    unlabelled: Mapping[str, int] = field(default_factory=dict)

    def entity(self, entity_type: str) -> EntityScore:
        for score in self.entities:
            if score.entity_type == entity_type:
                return score
        known = ", ".join(s.entity_type for s in self.entities)
        raise KeyError(f"no scores for {entity_type!r}; scored entity types: {known}")

    def format_table(self) -> str:
        """A markdown table, one row per entity type plus the overall row."""
        lines = [
            "| entity | expected | predicted | precision | recall | F2 | exact |",
            "|---|---:|---:|---:|---:|---:|---:|",
        ]
        for s in (*self.entities, self.overall):
            lines.append(
                f"| {s.entity_type} | {s.expected} | {s.predicted} | {s.precision:.3f} "
                f"| {s.recall:.3f} | {s.f2:.3f} | {s.exact} |"
            )
        if self.unlabelled:
            other = ", ".join(f"{k} {v}" for k, v in sorted(self.unlabelled.items()))
            lines.append(f"\nPredicted types absent from the labels (not scored): {other}")
        return "\n".join(lines)


def evaluate_spans(predicted: Iterable[SpanLike], expected: Iterable[SpanLike]) -> SpanScores:
    """Score `predicted` against `expected` by overlap with the same type (see module doc)."""
    pred = _group(predicted)
    gold = _group(expected)
    gold_types = {t for (_, _, t) in gold}
    scores = []
    totals = [0, 0, 0, 0, 0]
    for entity_type in sorted(gold_types):
        counts = [0, 0, 0, 0, 0]  # expected, predicted, tp, recalled, exact
        keys = {k for k in (*gold, *pred) if k[2] == entity_type}
        for key in keys:
            p, g = pred.get(key, []), gold.get(key, [])
            counts[0] += len(g)
            counts[1] += len(p)
            counts[2] += sum(any(_overlaps(a, b) for b in g) for a in p)
            counts[3] += sum(any(_overlaps(b, a) for a in p) for b in g)
            exact = {(a.start, a.end) for a in p}
            counts[4] += sum((b.start, b.end) in exact for b in g)
        scores.append(EntityScore(entity_type, *counts))
        totals = [t + c for t, c in zip(totals, counts, strict=True)]
    unlabelled: dict[str, int] = defaultdict(int)
    for (_, _, entity_type), spans in pred.items():
        if entity_type not in gold_types:
            unlabelled[entity_type] += len(spans)
    return SpanScores(tuple(scores), EntityScore("overall", *totals), dict(unlabelled))


def evaluate_tickets(data_dir: Path, settings: DetectionSettings | None = None) -> SpanScores:
    """Scan `data_dir/tickets.jsonl` (subject + body) and score against `data_dir/labels.json`."""
    rows = [
        json.loads(line)
        for line in (data_dir / "tickets.jsonl").read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    labels = json.loads((data_dir / "labels.json").read_text(encoding="utf-8"))
    fields = [f for f in TICKET_TEXT_FIELDS if any(f in row for row in rows)]
    predicted: list[TextFinding] = []
    for name in fields:
        predicted.extend(scan_texts([row.get(name) for row in rows], name, settings))
    expected = [
        Span(s["row"], s["field"], s["start"], s["end"], s["entity_type"])
        for s in labels["spans"]
        if s["field"] in fields
    ]
    return evaluate_spans(predicted, expected)


@dataclass(frozen=True)
class CaseResult:
    """How many of Presidio's own recognizer test cases for one entity we pass."""

    entity_type: str
    cases: int
    passed: int


def score_presidio_cases(
    path: Path, settings: DetectionSettings | None = None
) -> tuple[CaseResult, ...]:
    """Run Presidio's recognizer test cases (`analyze` kind) for the entity types we support.

    A case passes when our full pipeline finds exactly `expected_len` spans of its entity type
    and every listed expected span among them (exact offsets). Presidio's tests run one
    recognizer with per-case parameters (regions, context); we run everything with defaults.
    """
    from detectors.analyzer import supported_entities

    ours = set(supported_entities(settings))
    cases = [
        c
        for c in json.loads(path.read_text(encoding="utf-8"))["cases"]
        if c.get("case_kind") == "analyze" and _case_entities(c["entity"]) <= ours
    ]
    findings = scan_texts([c["text"] for c in cases], "text", settings)
    by_row: dict[int, list[TextFinding]] = defaultdict(list)
    for f in findings:
        by_row[f.row].append(f)
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for row, case in enumerate(cases):
        wanted = _case_entities(case["entity"])
        found = {(f.start, f.end) for f in by_row[row] if f.entity_type in wanted}
        spans = {tuple(s) for s in case.get("expected_spans") or ()}
        ok = len(found) == case["expected_len"] and spans <= found
        key = "+".join(sorted(wanted))
        totals[key][0] += 1
        totals[key][1] += ok
    return tuple(CaseResult(k, n, p) for k, (n, p) in sorted(totals.items()))


def score_pii_labeled(data_dir: Path, settings: DetectionSettings | None = None) -> SpanScores:
    """Score presidio-research's `generated_small.json` (entity names mapped to ours)."""
    path = data_dir / "presidio-research" / "generated_small.json"
    if not path.is_file():
        path = data_dir / "generated_small.json"
    samples = json.loads(path.read_text(encoding="utf-8"))
    predicted = scan_texts([s["full_text"] for s in samples], "full_text", settings)
    expected = [
        Span(row, "full_text", sp["start_position"], sp["end_position"], ours)
        for row, sample in enumerate(samples)
        for sp in sample["spans"]
        if (ours := PRESIDIO_RESEARCH_ENTITIES.get(sp["entity_type"]))
    ]
    return evaluate_spans(predicted, expected)


def _case_entities(entity: str | Sequence[str]) -> frozenset[str]:
    if isinstance(entity, str) and entity.startswith("["):
        entity = ast.literal_eval(entity)
    return frozenset([entity] if isinstance(entity, str) else entity)


def _group(spans: Iterable[SpanLike]) -> dict[tuple[int, str, str], list[SpanLike]]:
    grouped: dict[tuple[int, str, str], list[SpanLike]] = defaultdict(list)
    for s in spans:
        grouped[(s.row, s.column, s.entity_type)].append(s)
    return grouped


def _overlaps(a: SpanLike, b: SpanLike) -> bool:
    return a.start < b.end and b.start < a.end
