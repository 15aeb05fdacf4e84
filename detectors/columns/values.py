"""`classify_values`: which cells of an array hold an entity, validated on distinct values."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from detectors import entities
from detectors.columns.registry import get_classifier
from detectors.settings import DetectionSettings


def as_strings(values: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray | None:
    """Values as strings when text-like or integer (phones stored as int64); else None."""
    kind = values.type
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        return values
    if pa.types.is_integer(kind) or pa.types.is_string_view(kind):
        return pc.cast(values, pa.string())
    if pa.types.is_dictionary(kind):
        return as_strings(pc.cast(values, kind.value_type))
    return None


def is_temporal(kind: pa.DataType) -> bool:
    return pa.types.is_timestamp(kind) or pa.types.is_date(kind)


def classify_values(
    values: pa.Array | pa.ChunkedArray,
    entity_type: str,
    settings: DetectionSettings | None = None,
    column: str | None = None,
) -> pa.BooleanArray:
    """True where a cell holds `entity_type`; nulls are False.

    Each distinct value is checked once (RE2 prefilter, then validation of the candidates), then
    the verdicts are mapped back to the rows. `column`, when given, enables the shapes that need a
    name hint (a 5-digit ZIP only in a `zip` column). Pseudonym tokens (`PHONE_3f9a…`) and
    masked values (`••••99`) never count.
    """
    settings = settings or DetectionSettings()
    classifier = get_classifier(entity_type)
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks() if values.num_chunks else pa.array([], values.type)
    if is_temporal(values.type):
        hit = entity_type == entities.DATE_TIME or (
            entity_type == entities.DATE_OF_BIRTH and classifier.hinted(column)
        )
        return pc.fill_null(pc.is_valid(values), False) if hit else _false(len(values))
    text = as_strings(values)
    if text is None:
        return _false(len(values))
    distinct = pc.unique(text.drop_null())
    mask = classifier.match_distinct(distinct, settings, hinted=classifier.hinted(column))
    good = distinct.filter(pa.array(mask)) if mask.any() else pa.array([], pa.string())
    return pc.fill_null(pc.is_in(text, value_set=good), False)


def _false(length: int) -> pa.BooleanArray:
    return pa.array(np.zeros(length, dtype=bool))
