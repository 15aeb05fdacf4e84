"""Profile a dataset column by column: null rate, structured entities or free text, evidence.

Sampling: rows are taken at a fixed stride over the whole input (all files, in order), so the
sample spreads across the file rather than sitting at its head. The stride starts at 1 and
doubles whenever the sample grows past twice `sample_rows` (keeping every other sampled row);
at the end, `sample_rows` evenly spaced rows of what is left are kept. One streaming pass,
memory bounded by `2 * sample_rows` rows plus one batch.

The full sweep: while the sample is drawn, every row of every column is swept for validated
identifiers (`detectors.sweep`). A column with even one is personal: the entity joins its
evidence with `rows_found`, whatever the sample said (a handful of e-mails in the last 5% of a
column, phone numbers that start after row 100,000).

Thresholds: a structured entity is kept when at least `ValueClassifier.min_rate` (0.3) of the
non-blank sampled values hold it; a column is free text when no structured entity covers half
of its values and its values read like prose (see `looks_like_free_text`). In free text an entity
is kept when it is found in at least `MIN_TEXT_ROWS` rows and `MIN_TEXT_RATE` of them.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import replace

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from detectors import entities
from detectors.columns.registry import CLASSIFIERS, resolve
from detectors.columns.values import as_strings, is_temporal
from detectors.declared_types import DeclaredTypes
from detectors.findings import DatasetProfile, EntityEvidence, FieldKind, FieldProfile
from detectors.fingerprints import fingerprint
from detectors.masking import mask_value
from detectors.quarantine import Quarantine
from detectors.reading import read_batches
from detectors.settings import DetectionSettings
from detectors.sweep import sweep_values
from storage import Location, as_location

STRUCTURED_DOMINANT = 0.5  # a structured entity this common makes the column structured
MIN_TEXT_ROWS = 2
MIN_TEXT_RATE = 0.01
_HINT_WEIGHT = 0.2
_ROW = "__teleprivacy_row__"


def profile_dataset(
    name: str,
    kind: str,
    paths: Sequence[Location | str],
    sample_rows: int | None = None,
    settings: DetectionSettings | None = None,
    quarantine: Quarantine | None = None,
    fmt: str | None = None,
    header: bool = True,
    column_names: Sequence[str] | None = None,
    read_rows: int | None = None,
    encoding: str | None = None,
    declared: DeclaredTypes | None = None,
) -> DatasetProfile:
    """Read `paths` once, sample rows across them and profile every column of the sample.

    `read_rows` stops reading after that many rows (`teleprivacy check` reads a sample of a
    dataset, not all of it); the sample then spreads over those rows only. `encoding` and
    `declared` types are the dataset's (`read_batches`). What the reader noticed (an encoding
    fallback) and the quarantined records by class are notes of the profile.
    """
    settings = settings or DetectionSettings()
    quarantine = quarantine if quarantine is not None else Quarantine()
    limit = sample_rows or settings.sample_rows
    inputs = tuple(fingerprint(p) for p in paths)
    swept = FullSweep(settings)
    sample, rows_read = sample_table(
        paths, limit, fmt=fmt, quarantine=quarantine, header=header, column_names=column_names,
        read_rows=read_rows, sweep=swept, encoding=encoding, declared=declared,
    )  # fmt: skip
    fields: list[FieldProfile] = []
    notes: list[str] = list(quarantine.notes)
    if quarantine.count:
        notes.append(f"{name}: {quarantine.summary()}")
    for column in sample.column_names:
        profile, column_notes = _profile(column, sample.column(column), name, settings)
        fields.append(swept.merge(profile, rows_read))
        notes.extend(column_notes)
    return DatasetProfile(
        dataset=name,
        kind=kind,
        files=tuple(str(p) for p in paths),
        rows_read=rows_read,
        fields=tuple(fields),
        quarantined=tuple(quarantine.rows),
        quarantined_count=quarantine.count,
        quarantined_by_class=tuple(quarantine.by_class.most_common()),
        notes=tuple(notes),
        inputs=inputs,
    )


def sample_table(
    paths: Sequence[Location | str],
    limit: int,
    fmt: str | None = None,
    quarantine: Quarantine | None = None,
    header: bool = True,
    column_names: Sequence[str] | None = None,
    read_rows: int | None = None,
    sweep: FullSweep | None = None,
    encoding: str | None = None,
    declared: DeclaredTypes | None = None,
) -> tuple[pa.Table, int]:
    """Up to `limit` rows spread evenly over all `paths` (see module docstring), and rows read
    (at most about `read_rows` when given: reading stops after the batch that reaches it).
    Every batch read is given to `sweep` when one is passed."""
    stride, seen = 1, 0
    kept: list[pa.Table] = []
    kept_rows = 0
    schema: pa.Schema | None = None
    for path in paths:
        if read_rows is not None and seen >= read_rows:
            break
        for batch in read_batches(
            as_location(path), fmt=fmt, quarantine=quarantine, header=header,
            column_names=column_names, encoding=encoding, declared=declared,
        ):  # fmt: skip
            schema = schema or batch.schema
            if sweep is not None:
                sweep.add(batch)
            index = np.arange(seen, seen + batch.num_rows, dtype=np.int64)
            seen += batch.num_rows
            take = index[index % stride == 0]
            if not len(take):
                continue
            part = pa.Table.from_batches([batch]).take(pa.array(take - index[0]))
            kept.append(part.append_column(_ROW, pa.array(take)))
            kept_rows += len(take)
            if kept_rows > 2 * limit:
                merged = _concat(kept)
                while kept_rows > 2 * limit:
                    stride *= 2
                    merged = merged.filter(
                        pc.equal(pc.bit_wise_and(merged[_ROW], stride - 1), 0)
                    )
                    kept_rows = merged.num_rows
                kept = [merged]
            if read_rows is not None and seen >= read_rows:
                break
    if not kept:
        return (schema or pa.schema([])).empty_table(), seen
    table = _concat(kept).drop_columns([_ROW])
    if table.num_rows > limit:
        table = table.take(pa.array(np.linspace(0, table.num_rows - 1, limit).astype(np.int64)))
    return table, seen


def _concat(tables: list[pa.Table]) -> pa.Table:
    return pa.concat_tables(tables, promote_options="permissive").combine_chunks()


def profile_column(
    name: str, array: pa.Array | pa.ChunkedArray, dataset: str, settings: DetectionSettings
) -> FieldProfile:
    """Profile one column's (sampled) values: kind, null rate, entities, masked example."""
    return _profile(name, array, dataset, settings)[0]


def _profile(
    name: str, array: pa.Array | pa.ChunkedArray, dataset: str, settings: DetectionSettings
) -> tuple[FieldProfile, list[str]]:
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks() if array.num_chunks else pa.array([], array.type)
    total = len(array)
    text = as_strings(array)
    present = _non_blank(array, text)
    base = {
        "dataset": dataset, "column": name, "arrow_type": str(array.type), "rows_sampled": total,
        "null_rate": round(1 - len(present) / total, 4) if total else 1.0,
    }
    if not len(present):
        return FieldProfile(kind=FieldKind.EMPTY, **base), []
    if is_temporal(array.type):
        return FieldProfile(kind=FieldKind.STRUCTURED, entities=_temporal(name), **base), []
    if text is None:  # floats, decimals, booleans: amounts and flags, not identifiers
        return FieldProfile(kind=FieldKind.STRUCTURED, **base), []
    evidence, example = structured_evidence(name, present, settings)
    dominant = any(e.match_rate >= STRUCTURED_DOMINANT for e in evidence)
    if not dominant and looks_like_free_text(present):
        found, example, notes = _free_text_evidence(name, present, settings)
        return FieldProfile(
            kind=FieldKind.FREE_TEXT, entities=found, masked_example=example, **base
        ), notes
    return FieldProfile(
        kind=FieldKind.STRUCTURED, entities=evidence, masked_example=example, **base
    ), []


def _non_blank(array: pa.Array, text: pa.Array | None) -> pa.Array:
    if text is None:
        return array.drop_null()
    return text.filter(pc.fill_null(pc.not_equal(pc.utf8_trim_whitespace(text), ""), False))


def _temporal(name: str) -> tuple[EntityEvidence, ...]:
    dob = CLASSIFIERS[entities.DATE_OF_BIRTH]
    if dob.hinted(name):
        return (EntityEvidence(entities.DATE_OF_BIRTH, 1.0, 1.0, True),)
    hinted = CLASSIFIERS[entities.DATE_TIME].hinted(name)
    return (EntityEvidence(entities.DATE_TIME, 1.0, _confidence(1.0, hinted), hinted),)


def structured_evidence(
    name: str, values: pa.Array, settings: DetectionSettings
) -> tuple[tuple[EntityEvidence, ...], str | None]:
    """Entities held by at least `min_rate` of the non-blank `values`, and a masked example."""
    counted = pc.value_counts(values)
    distinct, counts = counted.field("values"), counted.field("counts").to_numpy()
    total = counts.sum()
    rates: dict[str, float] = {}
    masks: dict[str, np.ndarray] = {}
    hints: dict[str, bool] = {}
    for entity, classifier in CLASSIFIERS.items():
        hints[entity] = classifier.hinted(name)
        mask = classifier.match_distinct(distinct, settings, hinted=hints[entity])
        rate = float(counts[mask].sum() / total) if total else 0.0
        if rate >= classifier.min_rate:
            rates[entity], masks[entity] = rate, mask
    rates = resolve(rates)
    evidence = sorted(
        (
            EntityEvidence(e, round(r, 4), _confidence(r, hints[e]), hints[e])
            for e, r in rates.items()
        ),
        key=lambda ev: (-ev.confidence, ev.entity_type),
    )
    if not evidence:
        return (), None
    primary = evidence[0].entity_type
    first = int(np.flatnonzero(masks[primary])[0])
    return tuple(evidence), mask_value(distinct[first].as_py(), primary)


def _confidence(rate: float, hinted: bool) -> float:
    """Value evidence carries most weight; a name hint adds to it but never stands alone."""
    return round(min(1.0, (1 - _HINT_WEIGHT) * rate + (_HINT_WEIGHT if hinted else 0.0)), 4)


def looks_like_free_text(values: pa.Array) -> bool:
    """Text a person wrote: prose (notes, bodies) or short lines (subjects, comments).

    Prose is mostly values of four or more words, rarely repeated. Short lines are mostly
    multi-word values of some length that are not a small set of labels (plan names): a subject
    such as "Refund request from <name>" repeats its template but not its values. Both are
    scanned as text, so a name planted in one line of ten is still found (fail closed).
    """
    if not len(values):
        return False
    lengths = pc.utf8_length(values).to_numpy(zero_copy_only=False)
    words = pc.count_substring_regex(pc.utf8_trim_whitespace(values), r"\s+").to_numpy(
        zero_copy_only=False
    )
    distinct_ratio = len(pc.unique(values)) / len(values)
    median_length = float(np.median(lengths))
    prose = median_length >= 20 and float(np.mean(words >= 3)) >= 0.5 and distinct_ratio >= 0.3
    short_lines = (
        median_length >= 12 and float(np.mean(words >= 1)) >= 0.6 and distinct_ratio >= 0.1
    )
    return prose or short_lines


def _free_text_evidence(
    name: str, values: pa.Array, settings: DetectionSettings
) -> tuple[tuple[EntityEvidence, ...], str | None, list[str]]:
    """Scan prose with the text side (Presidio) and turn span findings into column evidence."""
    try:
        from detectors.text import scan_text_column
    except ImportError:
        return (), None, [f"{name}: free text not scanned (detectors.text is not available)"]
    findings = scan_text_column(values, name, settings=settings)
    rows: defaultdict[str, set[int]] = defaultdict(set)
    scores: Counter[str] = Counter()
    first: dict[str, tuple[int, int, int]] = {}
    for finding in findings:
        rows[finding.entity_type].add(finding.row)
        scores[finding.entity_type] += finding.score
        first.setdefault(finding.entity_type, (finding.row, finding.start, finding.end))
    total = len(values)
    evidence = []
    for entity, hit_rows in rows.items():
        rate = len(hit_rows) / total
        if len(hit_rows) >= MIN_TEXT_ROWS and rate >= MIN_TEXT_RATE:
            mean_score = scores[entity] / sum(1 for f in findings if f.entity_type == entity)
            evidence.append(
                EntityEvidence(entity, round(rate, 4), round(min(1.0, mean_score), 4), False)
            )
    evidence.sort(key=lambda ev: (-ev.match_rate, ev.entity_type))
    if not evidence:
        return (), None, []
    row, start, end = first[evidence[0].entity_type]
    example = mask_value(values[row].as_py()[start:end], evidence[0].entity_type)
    return tuple(evidence), example, []


class FullSweep:
    """Validated identifiers over every row read, per column: counts and one masked sample."""

    def __init__(self, settings: DetectionSettings) -> None:
        self._settings = settings
        self.rows: dict[str, Counter[str]] = defaultdict(Counter)
        self.samples: dict[tuple[str, str], str] = {}

    def add(self, batch: pa.RecordBatch) -> None:
        for name in batch.schema.names:
            hits = sweep_values(batch.column(name), self._settings, column=name)
            for entity, hit in hits.items():
                self.rows[name][entity] += hit.count
                self.samples.setdefault((name, entity), hit.masked_sample)

    def merge(self, profile: FieldProfile, rows_read: int) -> FieldProfile:
        """`profile` with the sweep's counts, and the entities only the sweep found added.

        An entity the sample missed is evidence all the same: validated values are not guesses
        (confidence 1.0), and a column holding any is personal.
        """
        found = self.rows.get(profile.column, Counter())
        evidence = [
            replace(e, rows_found=found.get(e.entity_type, 0)) if _sweepable(e) else e
            for e in profile.entities
        ]
        known = {e.entity_type for e in evidence}
        added = [
            EntityEvidence(entity, _rate(count, rows_read), 1.0, False, rows_found=count)
            for entity, count in sorted(found.items())
            if entity not in known and count
        ]
        example = profile.masked_example
        if added and not profile.entities:
            example = self.samples.get((profile.column, added[0].entity_type))
        kind = profile.kind
        if added and kind is FieldKind.EMPTY:
            kind = FieldKind.STRUCTURED
        return replace(
            profile, kind=kind, entities=(*evidence, *added), masked_example=example,
            rows_swept=rows_read,
        )  # fmt: skip


def _rate(count: int, rows: int) -> float:
    return round(count / rows, 6) if rows else 0.0


def _sweepable(evidence: EntityEvidence) -> bool:
    from detectors.sweep import DETECTED_ENTITIES

    return evidence.entity_type in DETECTED_ENTITIES
