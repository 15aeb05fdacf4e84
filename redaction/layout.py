"""One schema for every part of a Parquet delivery, and the types it states.

Each part (one per input file) decides the lossless type of its text columns alone
(`column_types.TypeTracker`), so parts can disagree: `rate` is decimal in one file and text in
the next, where one value carries an extra zero. A reader scanning the delivery as one dataset
needs one type per column, so before publishing `settle_types` gives every part the type they
can all hold without changing a value's text:

- the same type everywhere, or decimals of one scale (the widest precision wins);
- a part whose column holds only nulls takes the others' type;
- anything else (a part that kept text, integers beside decimals, parts that disagree on what
  a null stands for) makes the column text in every part, written back exactly as it was read.

Parts that change are rewritten under a temporary name with the delivery's writer settings and
renamed over the staged file; the values are the text verification checked, so nothing is
checked again, but the digest is taken anew and the part's manifest restamped.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import replace
from functools import cache
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

import detectors
from redaction import manifest
from redaction.column_types import EMPTY_AS_NULL, TEXT_FORMAT, as_source_text
from redaction.delivery import open_writer
from redaction.plan import RedactionPlan
from redaction.results import DeliveryResult


def settle_types(
    parts: Sequence[DeliveryResult], plan: RedactionPlan, manifest_dir: Path | None = None
) -> list[DeliveryResult]:
    """`parts` (delivered, staged Parquet files) rewritten where needed so all hold one schema;
    their results with the digests of the files now staged and the types a reader gets in
    `schema` (`FieldOutput.output_type`). CSV parts are returned as they are."""
    paths = [Path(p.output_path or "") for p in parts]
    if not parts or any(p.suffix != ".parquet" for p in paths):
        return list(parts)
    schemas = [pq.read_schema(p) for p in paths]
    agreed = pa.schema(
        [_agreed(name, [s.field(name) for s in schemas], paths) for name in schemas[0].names],
        metadata=schemas[0].metadata,
    )
    settled = []
    for part, path, schema in zip(parts, paths, schemas, strict=True):
        if [_shape(f) for f in schema] != [_shape(f) for f in agreed]:
            _rewrite(path, plan, schema, agreed)
            part = replace(part, output_sha256=detectors.file_sha256(path))
            if manifest_dir is not None:
                manifest.restamp(manifest_dir, part)
        settled.append(_stated(part, agreed))
    return settled


def _agreed(name: str, fields: list[pa.Field], paths: list[Path]) -> pa.Field:
    """The field every part can hold column `name` as (see the module's rules)."""
    first = fields[0]
    if all(_shape(f) == _shape(first) for f in fields):
        return first
    text = next((f for f in fields if _is_text(f.type)), None)
    typed = [f for f in fields if not _is_text(f.type)]
    nulls = cache(lambda path: _nulls(path, name))  # each part's column read at most once
    holding = [
        f for f, path in zip(fields, paths, strict=True)
        if not _is_text(f.type) or nulls(path) < pq.read_metadata(path).num_rows
    ]  # fmt: skip
    if not typed or any(_is_text(f.type) for f in holding):
        return text or first.with_type(pa.string())
    # a null stands for an empty string in parts that held no nulls: the others must hold none
    blanks = [f for f in typed if _empty_as_null(f)]
    if blanks and any(
        not _empty_as_null(f) and nulls(path) for f, path in zip(fields, paths, strict=True)
    ):
        return _as_text(text, typed[0])
    agreed = blanks[0] if blanks else typed[0]
    kinds = {f.type for f in typed}
    if len(kinds) == 1:
        return agreed
    if all(pa.types.is_decimal(k) for k in kinds) and len({k.scale for k in kinds}) == 1:
        return agreed.with_type(max(kinds, key=lambda k: k.precision))
    return _as_text(text, typed[0])


def _rewrite(path: Path, plan: RedactionPlan, schema: pa.Schema, agreed: pa.Schema) -> None:
    staged = path.with_name(f".{path.stem}.settle-{os.getpid()}{path.suffix}")
    try:
        with open_writer(staged, plan, "parquet", agreed) as write:
            for batch in pq.ParquetFile(path).iter_batches():
                arrays = [
                    _converted(column, schema.field(i), agreed.field(i))
                    for i, column in enumerate(batch.columns)
                ]
                write(pa.RecordBatch.from_arrays(arrays, schema=agreed))
        os.replace(staged, path)
    except BaseException:
        staged.unlink(missing_ok=True)
        raise


def _converted(values: pa.Array, have: pa.Field, want: pa.Field) -> pa.Array:
    if have.type == want.type:
        return values  # at most what its nulls stand for changed: the field's metadata says
    if _is_text(want.type):
        return as_source_text(values, have)
    if values.null_count == len(values):
        return pa.nulls(len(values), want.type)
    return pc.cast(values, want.type)  # a decimal to a wider one of the same scale


def _stated(part: DeliveryResult, schema: pa.Schema) -> DeliveryResult:
    types = {f.name: str(f.type) for f in schema}
    return replace(
        part,
        schema=tuple(
            replace(f, output_type=types[f.field]) if f.field in types else f for f in part.schema
        ),
    )


def _as_text(text: pa.Field | None, typed: pa.Field) -> pa.Field:
    if text is not None:
        return text
    how = (TEXT_FORMAT, EMPTY_AS_NULL)  # how typed values are read back: text needs neither
    metadata = {k: v for k, v in (typed.metadata or {}).items() if k not in how}
    return typed.with_type(pa.string()).with_metadata(metadata)


def _shape(f: pa.Field) -> tuple[pa.DataType, bool]:
    return f.type, _empty_as_null(f)


def _empty_as_null(f: pa.Field) -> bool:
    return (f.metadata or {}).get(EMPTY_AS_NULL) == b"true"


def _nulls(path: Path, name: str) -> int:
    return pq.read_table(path, columns=[name]).column(0).null_count


def _is_text(kind: pa.DataType) -> bool:
    return pa.types.is_string(kind) or pa.types.is_large_string(kind)
