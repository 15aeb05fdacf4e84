"""The machinery shared by every column classifier: shapes, name hints, distinct-value checks.

A classifier is mostly data (as Presidio's `PatternRecognizer`): a few `Shape`s, each an RE2
prefilter run by `pyarrow.compute` over the *distinct* values of a column, an optional RE2
extraction of the part to check, and an optional Python validator (checksum, phone metadata) run
once per distinct candidate. Name hints raise confidence; `Shape.needs_hint` shapes count only in
columns whose name hints the entity (a 5-digit number is a ZIP code only in a `zip` column).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from detectors.errors import SettingsError
from detectors.masking import MASK_CHAR
from detectors.settings import DetectionSettings

Validator = Callable[[str, DetectionSettings], bool]
# Checks many distinct candidates at once (unique, non-null strings) → one verdict each.
BatchValidator = Callable[[pa.Array, DetectionSettings], np.ndarray]

# Output of our own transformations never counts as an entity: pseudonym tokens such as
# `PHONE_3f9a0c1b2d3e4f50` and anything holding the mask character.
PSEUDONYM_TOKEN = r"^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*_[0-9a-f]{8,}$"


@dataclass(frozen=True)
class Shape:
    """One way a cell can hold an entity.

    `pattern` is an RE2 prefilter over the whole cell; `extract`, when given, is an RE2 pattern
    whose named group `value` is the part passed to `validate`.
    """

    pattern: str
    exclude: str | None = None  # RE2: cells matching this never hold the entity in this shape
    extract: str | None = None
    validate: Validator | None = None
    validate_many: BatchValidator | None = None  # used instead of `validate` when given
    needs_hint: bool = False
    ignore_case: bool = False


@dataclass(frozen=True)
class ValueClassifier:
    """Decides, for one entity type, which distinct values of a column hold it."""

    entity_type: str
    shapes: tuple[Shape, ...]
    name_hint: str = ""  # Python regex over the normalised column name (see `normalise_name`)
    name_exclude: str = ""  # names that look like a hint but are not (`organization_name`)
    needs_hint: bool = False  # the whole entity is only reported with a name hint
    min_rate: float = 0.3
    # shapes that come from settings (e.g. `account_patterns`), added after the fixed ones
    settings_shapes: Callable[[DetectionSettings], tuple[Shape, ...]] | None = None

    def hinted(self, column: str | None) -> bool:
        """True when the column name suggests this entity."""
        if not column or not self.name_hint:
            return False
        name = normalise_name(column)
        if self.name_exclude and re.search(self.name_exclude, name):
            return False
        return re.search(self.name_hint, name) is not None

    def match_distinct(
        self, distinct: pa.Array, settings: DetectionSettings, hinted: bool = False
    ) -> np.ndarray:
        """Boolean mask over `distinct` (unique non-null strings): the values holding the entity."""
        result = np.zeros(len(distinct), dtype=bool)
        if not len(distinct) or (self.needs_hint and not hinted):
            return result
        usable = _not_our_output(distinct)
        extra = self.settings_shapes(settings) if self.settings_shapes else ()
        for shape in (*self.shapes, *extra):
            if shape.needs_hint and not hinted:
                continue
            todo = usable & ~result
            if not todo.any():
                break
            result |= todo & _shape_mask(shape, distinct, settings)
        return result


def normalise_name(column: str) -> str:
    """`callerIdNumber` / `Caller-ID Number` → `caller_id_number`: lower snake case."""
    snake = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", column.strip())
    return re.sub(r"[^a-z0-9]+", "_", snake.lower()).strip("_")


def _not_our_output(distinct: pa.Array) -> np.ndarray:
    token = pc.match_substring_regex(distinct, PSEUDONYM_TOKEN)
    masked = pc.match_substring(distinct, MASK_CHAR)
    return ~(bool_mask(token) | bool_mask(masked))


def _shape_mask(shape: Shape, distinct: pa.Array, settings: DetectionSettings) -> np.ndarray:
    try:
        found = pc.match_substring_regex(distinct, shape.pattern, ignore_case=shape.ignore_case)
    except pa.ArrowInvalid:
        raise SettingsError(
            f"pattern {shape.pattern!r} is not valid RE2 syntax (no look-around or "
            "backreferences); rewrite it with RE2-compatible constructs"
        ) from None
    mask = bool_mask(found)
    if shape.exclude is not None and mask.any():
        mask &= ~bool_mask(pc.match_substring_regex(distinct, shape.exclude))
    checks = shape.validate is not None or shape.validate_many is not None
    if not mask.any() or (shape.extract is None and not checks):
        return mask
    index = np.flatnonzero(mask)
    candidates = distinct.take(pa.array(index))
    if shape.extract is not None:
        candidates = pc.struct_field(pc.extract_regex(candidates, shape.extract), "value")
    if not checks:
        mask[index] = bool_mask(pc.is_valid(candidates))
        return mask
    mask[index] = _validate_distinct(candidates, shape, settings)
    return mask


def _validate_distinct(
    candidates: pa.Array, shape: Shape, settings: DetectionSettings
) -> np.ndarray:
    """Check each distinct candidate once and map the verdicts back."""
    unique = pc.unique(candidates.drop_null())
    if shape.validate_many is not None:
        good = unique.filter(pa.array(shape.validate_many(unique, settings)))
    else:
        validate = shape.validate
        good = pa.array([v for v in unique.to_pylist() if validate(v, settings)], pa.string())
    return bool_mask(pc.is_in(candidates, value_set=good))


def bool_mask(mask: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """A boolean Arrow mask as a numpy array, nulls false."""
    return np.asarray(pc.fill_null(mask, False).to_numpy(zero_copy_only=False), dtype=bool)
