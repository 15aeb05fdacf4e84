"""Hive-style partitions of a delivery (`partition_by`), the layout query engines prune by.

`partition_by: [day]` lays a delivery out as `day=2026-11-05/part-0.parquet`, one folder per
day of its call (or billing) time; `day(start)` names the time column, `month` groups by month,
and a delivered column without personal data (`disposition`) partitions by its values. Folder
names are seen by anyone who lists the delivery, so they never hold personal data: a time key
reads a delivered time column (its day is no finer than what is delivered anyway, the hour or
the minute), and a column key must be one the policy found no personal data in.

The parts are written first as usual (one per input file, verified); `partition` then streams
them once through Arrow's dataset writer into the folders and removes them. Values do not
change, so nothing is verified again; each file's digest is taken as it is written. Rows with
no time go to `day=__HIVE_DEFAULT_PARTITION__` (Hive's name for null). Row groups hold 32k to
128k rows: large enough for engines to scan in parallel and skip by min/max statistics (kept
on for every column but tokens), small enough that the writer's buffer stays bounded.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pyarrow.parquet as pq

import detectors
from redaction.delivery import as_written, parquet_settings
from redaction.errors import PartitionError
from redaction.plan import PlannedColumn, RedactionPlan
from redaction.results import DeliveryResult
from redaction.verify import read_output

TIME_KEYS = {"day": 10, "month": 7}  # key → length of its `YYYY-MM-DD` prefix
TIME_ENTITIES = frozenset({"DATE_TIME", "BILLING_DATE"})
MAX_PARTITIONS = 4096
MIN_GROUP_ROWS = 32_768
MAX_GROUP_ROWS = 131_072
NULL_FOLDER = "__HIVE_DEFAULT_PARTITION__"
_KEY = re.compile(r"(day|month)(?:\((.+)\))?")
_DATE_PREFIX = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}")


@dataclass(frozen=True)
class PartitionKey:
    """One folder level: its key (`day`, `month`, or a column's name) and the column read."""

    key: str
    column: str
    time: bool  # the day or month of a time column, else the column's values

    def describe(self) -> str:
        if self.time:
            shape = "YYYY-MM-DD" if self.key == "day" else "YYYY-MM"
            return f"{self.key}={shape}: the {self.key} of {self.column}"
        return f"{self.key}=<value>: the values of {self.column}, left out of the files"


def partition_keys(entries: Sequence[str], plan: RedactionPlan) -> tuple[PartitionKey, ...]:
    """The keys `partition_by` asks for, checked against the plan; a `PartitionError` naming the
    delivery, the entry and the fix when one cannot be a folder name."""
    keys = tuple(_key(entry, plan) for entry in entries)
    names = [k.key for k in keys]
    if len(set(names)) != len(names):
        raise PartitionError(f"delivery {plan.delivery!r}: partition_by names a key twice")
    return keys


def _key(entry: str, plan: RedactionPlan) -> PartitionKey:
    delivered = {c.field: c for c in plan.columns if not c.dropped}
    where = f"delivery {plan.delivery!r}: partition_by {entry!r}"
    if entry in delivered:
        column = delivered[entry]
        if column.free_text or column.entity_types or column.operator != "keep":
            raise PartitionError(
                f"{where} holds personal data or free text ({column.operator}); folder names "
                "are seen by whoever lists the delivery: partition by day or month of a time "
                "column, or by a column without personal data"
            )
        return PartitionKey(entry, entry, time=False)
    match = _KEY.fullmatch(entry)
    if match is None:
        raise PartitionError(
            f"{where} is not a delivered column; use day, month, day(<time column>) or one of "
            f"{sorted(n for n, c in delivered.items() if _plain(c))}"
        )
    key, named = match.group(1), match.group(2)
    times = [c for c in delivered.values() if _is_time(c)]
    if named is not None:
        column = delivered.get(named.strip())
        if column is None or not _is_time(column):
            raise PartitionError(
                f"{where}: {named.strip()!r} is not a delivered time column; delivered time "
                f"columns: {[c.field for c in times] or 'none'}"
            )
    elif not times:
        raise PartitionError(
            f"{where}: the delivery has no delivered time column to take the {key} from; name "
            f"one as {key}(<column>) or partition by a column"
        )
    else:
        column = times[0]
    if key in delivered:
        raise PartitionError(f"{where}: a delivered column is already named {key!r}")
    return PartitionKey(key, column.field, time=True)


def _is_time(column: PlannedColumn) -> bool:
    if column.free_text:
        return False
    if column.operator == "generalize":
        return "level" in column.params
    return column.operator == "keep" and bool(TIME_ENTITIES & set(column.entity_types))


def _plain(column: PlannedColumn) -> bool:
    return column.operator == "keep" and not column.entity_types and not column.free_text


def partition(
    parts: Sequence[DeliveryResult],
    plan: RedactionPlan,
    keys: Sequence[PartitionKey],
    fmt: str,
    folder: Path,
) -> list[DeliveryResult]:
    """Rewrite the delivered `parts` staged in `folder` as Hive partitions there; one result per
    file written (the parts' counts on the first). A delivery without rows keeps its parts."""
    combined_rows = sum(p.rows_out for p in parts)
    if not combined_rows:
        return list(parts)
    paths = [Path(p.output_path or "") for p in parts]
    schema = _schema(paths[0], plan, fmt, keys)
    written: list[tuple[Path, int]] = []
    ds.write_dataset(
        (
            pa.RecordBatch.from_arrays(b.columns, schema=schema)
            for b in _counted(_batches(paths, plan, fmt, keys), plan, keys)
        ),
        folder,
        schema=schema,
        format=fmt,
        file_options=_options(plan, fmt, schema),
        partitioning=ds.partitioning(pa.schema([schema.field(k.key) for k in keys]), flavor="hive"),
        basename_template=f"part-{{i}}.{fmt}",
        existing_data_behavior="overwrite_or_ignore",
        max_partitions=MAX_PARTITIONS,
        min_rows_per_group=MIN_GROUP_ROWS,
        max_rows_per_group=MAX_GROUP_ROWS,
        use_threads=False,  # rows keep their order within each folder: deterministic output
        file_visitor=lambda f: written.append((Path(f.path), _rows(f))),
    )
    for path in paths:
        path.unlink()
    if sum(rows for _, rows in written) != combined_rows:
        raise PartitionError(
            f"delivery {plan.delivery!r}: {combined_rows} rows were delivered but the "
            f"partitions hold {sum(rows for _, rows in written)}"
        )
    head = parts[0]
    for p in parts[1:]:
        head = replace(
            head, rows_in=head.rows_in + p.rows_in,
            rows_quarantined=head.rows_quarantined + p.rows_quarantined,
            rows_filtered=head.rows_filtered + p.rows_filtered,
            rows_withheld=head.rows_withheld + p.rows_withheld,
            residual=head.residual + p.residual,
        )  # fmt: skip
    empty = replace(head, rows_in=0, rows_quarantined=0, rows_filtered=0, rows_withheld=0)
    return [
        replace(
            head if i == 0 else empty,
            rows_out=rows,
            output_path=str(path),
            output_sha256=detectors.file_sha256(path),
        )
        for i, (path, rows) in enumerate(sorted(written))
    ]


def _batches(
    paths: Sequence[Path], plan: RedactionPlan, fmt: str, keys: Sequence[PartitionKey]
) -> Iterator[pa.RecordBatch]:
    """The parts' rows as written (typed), with each time key's folder value appended."""
    for path in paths:
        for batch in as_written(path, plan, fmt):
            for key in keys:
                if key.time:
                    values = _time_prefix(batch.column(key.column), TIME_KEYS[key.key])
                    batch = batch.append_column(pa.field(key.key, pa.string()), values)
            yield batch


def _schema(path: Path, plan: RedactionPlan, fmt: str, keys: Sequence[PartitionKey]) -> pa.Schema:
    """The parts' schema (Parquet field metadata kept) and the time keys' string columns."""
    schema = pq.read_schema(path) if fmt == "parquet" else next(
        read_output(path, plan, fmt)
    ).schema  # fmt: skip
    for key in keys:
        if key.time:
            schema = schema.append(pa.field(key.key, pa.string()))
    return schema


def _time_prefix(values: pa.Array, length: int) -> pa.Array:
    """`YYYY-MM-DD` (or `YYYY-MM`) of typed or text times, as a clock in their zone reads them
    (an instant tagged America/Montreal falls on Montreal's day); null where there is none."""
    if pa.types.is_timestamp(values.type):
        local = pc.local_timestamp(values) if values.type.tz else values
        values = pc.cast(pc.cast(local, pa.timestamp("s")), pa.string())
    elif pa.types.is_date(values.type):
        values = pc.cast(values, pa.string())
    shaped = pc.match_substring_regex(values, _DATE_PREFIX.pattern)
    prefix = pc.utf8_slice_codeunits(values, 0, length)
    return pc.if_else(pc.fill_null(shaped, False), prefix, pa.scalar(None, pa.string()))


def _counted(
    batches: Iterator[pa.RecordBatch], plan: RedactionPlan, keys: Sequence[PartitionKey]
) -> Iterator[pa.RecordBatch]:
    """`batches`, refused (`PartitionError`) once they make more than `MAX_PARTITIONS`
    folders: a layout no engine prunes well. Counted as they are written, in the one pass."""
    seen: set[tuple] = set()
    for batch in batches:
        table = pa.table([batch.column(k.key) for k in keys], names=[k.key for k in keys])
        seen.update(tuple(row.values()) for row in table.group_by(table.column_names)
                    .aggregate([]).to_pylist())  # fmt: skip
        if len(seen) > MAX_PARTITIONS:
            raise PartitionError(
                f"delivery {plan.delivery!r}: partition_by {[k.key for k in keys]} gives more "
                f"than {MAX_PARTITIONS} folders; partition by a coarser key (month) or fewer "
                "columns"
            )
        yield batch


def _options(plan: RedactionPlan, fmt: str, schema: pa.Schema) -> ds.FileWriteOptions:
    if fmt != "parquet":
        return ds.CsvFileFormat().make_write_options()
    return ds.ParquetFileFormat().make_write_options(**parquet_settings(plan, schema.names))


def _rows(written: ds.WrittenFile) -> int:
    if written.metadata is not None:
        return written.metadata.num_rows
    return sum(b.num_rows for b in ds.dataset(written.path, format="csv").to_batches())
