"""Deliver: stream inputs through a plan, write atomically, verify, then publish under the name.

The output is written to a hidden temporary name in `out_dir`, verified, and only then renamed
(`os.replace`) to `<delivery>.<ext>` (or `<delivery>-part0003.<ext>`). On any failure, and when
verification finds personal data left in clear, the temporary file is deleted: nothing that
failed stays on disk, and nothing half-written ever carries the final name.
Parquet outputs are deterministic: same inputs, key and policy give byte-identical files.
Reading, transforming and writing overlap (`pipelining`): two batches ahead, two behind.
Verification checks each batch as it is handed to the writer (`verify.OutputVerifier`), so it
overlaps too; the closed file must then hold exactly the rows written (`verify.written_rows`).
In Parquet, kept and time-generalized text columns whose every value reads losslessly as a
number, decimal, boolean, date or time are written with that type as they stream: the first
batch decides, and a later batch that does not fit sends the rest of the part to a text file
beside it, merged into one file with the types the whole part fits (`_TypedPart`,
`column_types`); CSV output is the text.
Flows deliver the parts of a delivery into a staging folder and publish them together
(`redaction.publish`): a file is published whole here, a delivery whole there.
"""

from __future__ import annotations

import hashlib
import logging
import os
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

import detectors
from detectors.fingerprints import InputFingerprint, changed_since
from detectors.reading import parquet_batches
from detectors.settings import DetectionSettings
from redaction import manifest
from redaction.column_types import ColumnType, TypeTracker, field_metadata
from redaction.errors import OutputFormatError, OutputWriteError, RowBalanceError
from redaction.pipelining import background, prefetch
from redaction.plan import PlannedColumn, RedactionPlan, apply_plan, filter_rows
from redaction.results import DeliveryOutcome, DeliveryResult, ResidualFinding, part_name
from redaction.risk import (
    Gate,
    RiskFigures,
    RiskMeter,
    combine_figures,
    release_gate,
    withheld_rows,
)
from redaction.verify import (
    OUTPUT_BATCH,
    OutputVerifier,
    as_planned,
    read_output,
    written_rows,
)
from storage import Location, as_location, file_state

logger = logging.getLogger(__name__)
FORMATS = ("parquet", "csv")
PARQUET_COMPRESSION = "zstd"
# A column with more distinct values than fit falls back to plain pages sooner (call ids,
# channels): 10% less write time and 7% smaller files than pyarrow's 1 MiB on a 1M-row CDR.
DICTIONARY_PAGE_BYTES = 128 << 10
# Free text is delivered in smaller batches: a batch's texts are analysed, transformed, analysed
# again and verified while the run's findings cache (`detectors.findings_cache`) still holds them.
TEXT_BATCH_ROWS = 16_384
# How long jemalloc keeps pages Arrow freed before handing them back to the system (`_allocator`).
ARROW_DECAY_MS = 5_000


def _allocator() -> None:
    """Arrow allocates from jemalloc, keeping freed pages `ARROW_DECAY_MS`, when the pyarrow
    build has it and `ARROW_DEFAULT_MEMORY_POOL` does not choose a pool (once per process).

    A delivery allocates and frees batch-sized buffers in six threads; Arrow's default
    mimalloc returns freed pages to the system within milliseconds, so every batch faults them
    in again: 1.3-2 s of system CPU per 1M-row CDR, against 0.5-0.8 s with jemalloc and a lower
    peak RSS (docs/benchmarks.md, 2026-12-07, second round). Buffers already allocated stay with
    the pool that allocated them."""
    global _ALLOCATOR_SET
    if _ALLOCATOR_SET:
        return
    _ALLOCATOR_SET = True
    chosen = os.environ.get("ARROW_DEFAULT_MEMORY_POOL")
    if chosen or "jemalloc" not in pa.supported_memory_backends():
        return
    pa.set_memory_pool(pa.jemalloc_memory_pool())
    pa.jemalloc_set_decay_ms(ARROW_DECAY_MS)


_ALLOCATOR_SET = False


@dataclass
class _Counts:
    rows_read: int = 0
    rows_out: int = 0
    rows_filtered: int = 0
    rows_withheld: int = 0


def output_name(delivery: str, fmt: str, part: int | None = None) -> str:
    """The final file name of a delivery (or of one part of it)."""
    suffix = f"-part{part:04d}" if part is not None else ""
    return f"{delivery}{suffix}.{fmt}"


def deliver(
    plan: RedactionPlan,
    inputs: Sequence[Location | str],
    out_dir: Path,
    fmt: str = "parquet",
    input_format: str | None = None,
    batch_size: int = 65_536,
    part: int | None = None,
    settings: DetectionSettings | None = None,
    quarantine_dir: Path | None = None,
    progress: Callable[[int], None] | None = None,
    manifest_dir: Path | None = None,
    reuse_tag: str = "",
    header: bool = True,
    column_names: Sequence[str] | None = None,
    profiled: Sequence[InputFingerprint] | None = None,
    encoding: str | None = None,
    quarantine_limit: float | None = None,
    declared: detectors.DeclaredTypes | None = None,
) -> DeliveryResult:
    """Redact `inputs` into `out_dir/<delivery>.<fmt>`, verify it, and say what happened.

    Malformed input rows are quarantined and counted (raw rows written to `quarantine_dir` when
    given); rows failing a consent filter are counted as filtered. A verification failure gives
    outcome BLOCKED with no output file. `progress(rows_read)` is called after every batch.
    With `manifest_dir`, a delivered output is recorded there and an unchanged re-run (same
    inputs, plan, format and `reuse_tag`, output bytes untouched) returns the recorded result
    without reading the inputs again (see `manifest`). `header`/`column_names` say how CSV
    inputs are read (`detectors.reading.resolve_header`), as for the schema the plan was built on.
    `profiled` (one per input) are the inputs as profiled: an input that differs before it is
    read, or whose size, mtime or inode (an object: size or ETag) change while it is read, blocks
    the delivery (the decisions were made on other data). Inputs may be objects (`s3://…`);
    `out_dir` is a local folder (`redaction.object_publishing` uploads what is published).
    `encoding` and `declared` (types) are the dataset's (`detectors.read_batches`).
    Rows in are the physical records the reader counted: rows read + quarantined must equal them,
    and rows read = rows out + filtered (else `RowBalanceError`). With `quarantine_limit`, more
    than that share of the records quarantined blocks the delivery (`on_quarantine: block`).
    """
    if fmt not in FORMATS:
        raise OutputFormatError(f"output format {fmt!r} is not supported; use one of {FORMATS}")
    _allocator()
    out_dir = Path(out_dir)
    final = out_dir / output_name(plan.delivery, fmt, part)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _output_error(final, exc) from None
    if profiled is not None:
        changed = [r for f, p in zip(profiled, inputs, strict=True) if (r := changed_since(f, p))]
        if changed:
            _discard(final)
            logger.warning("delivery %s blocked: %d input(s) changed since profiling",
                           plan.delivery, len(changed))  # fmt: skip
            return _result(plan, DeliveryOutcome.BLOCKED, 0, _Counts(), 0, None,
                           reasons=tuple(changed))  # fmt: skip
    stats_before = [_stat(as_location(p)) if profiled is not None else None for p in inputs]
    if any(c.free_text and not c.dropped for c in plan.columns):
        batch_size = min(batch_size, TEXT_BATCH_ROWS)
    fingerprint = None
    if manifest_dir is not None:
        fingerprint = manifest.fingerprint(
            plan,
            inputs,
            fmt,
            input_format,
            batch_size,
            reuse_tag,
            header,
            column_names,
            reading={
                "encoding": encoding,
                "quarantine_limit": quarantine_limit,
                "declared": declared.fingerprint() if declared else None,
            },
        )
        reused = manifest.reusable(Path(manifest_dir), final, fingerprint)
        if reused is not None:
            logger.info("delivery %s: %s unchanged since its last run, reused", plan.delivery,
                        final.name)  # fmt: skip
            return reused
    temp = out_dir / f".{final.stem}.tmp-{uuid.uuid4().hex[:12]}.{fmt}"
    quarantine = detectors.Quarantine()
    counts = _Counts()
    try:
        batches = (
            batch
            for path in inputs
            for batch in detectors.read_batches(
                as_location(path),
                fmt=input_format,
                batch_size=batch_size,
                quarantine=quarantine,
                header=header,
                column_names=column_names,
                encoding=encoding,
                declared=declared,
            )
        )
        verifier = OutputVerifier(plan, settings)
        meter = None
        if plan.quasi_identifiers:
            meter = RiskMeter(plan.quasi_identifiers, plan.sensitive)
        checks = _checks(verifier, meter)
        typed = _TypedPart(temp, plan) if fmt == "parquet" and typed_columns(plan) else None
        # The writer and the structured checks each have a thread: on two cores the Parquet
        # encoder and the checks' Arrow compute overlap with the transforms of the next batch.
        # Free text is analysed once per distinct text: the operator's second pass scans the
        # texts it changed, and verification then scans what was written, mostly the same texts.
        with (
            detectors.findings_cache(),
            typed if typed is not None else open_writer(temp, plan, fmt) as write,
            background(write) as submit_write,
            background(checks, name="teleprivacy-verify") as submit_check,
        ):
            for batch in prefetch(batches):
                counts.rows_read += batch.num_rows
                kept, filtered = filter_rows(plan, batch)
                counts.rows_filtered += filtered
                out = apply_plan(plan, kept)
                counts.rows_out += out.num_rows
                submit_write(out)
                submit_check(out)
                verifier.check_text(out)
                if progress is not None:
                    progress(counts.rows_read)
        if typed is not None:
            typed.settle()  # one file, typed as the whole part fits
        if quarantine_dir is not None and quarantine.count:
            quarantine.write_to(Path(quarantine_dir))
        rows_in = quarantine.records  # counted by the reader, not derived from what it read
        if rows_in != counts.rows_read + quarantine.count or (
            counts.rows_read != counts.rows_out + counts.rows_filtered
        ):
            raise RowBalanceError(
                f"delivery {plan.delivery!r}: the input holds {rows_in} records but "
                f"{counts.rows_read} were read and {quarantine.count} quarantined; "
                f"{counts.rows_out} out, {counts.rows_filtered} filtered"
            )
        if over := _over_quarantine_limit(quarantine, quarantine_limit):
            temp.unlink(missing_ok=True)
            _discard(final)
            return _result(plan, DeliveryOutcome.BLOCKED, rows_in, counts, quarantine.count,
                           None, reasons=(over,))  # fmt: skip
        moved = [
            f"input {as_location(p).name} changed while it was being delivered"
            for p, before in zip(inputs, stats_before, strict=True)
            if before is not None and _stat(as_location(p)) != before
        ]
        if moved:
            temp.unlink(missing_ok=True)
            _discard(final)
            return _result(plan, DeliveryOutcome.BLOCKED, rows_in, counts, quarantine.count,
                           None, reasons=tuple(moved))  # fmt: skip
        _check_written(temp, plan, fmt, counts.rows_out, final.name)
        residual = verifier.findings()
        if residual:
            temp.unlink(missing_ok=True)
            _discard(final)
            reasons = tuple(_residual_reason(plan, r) for r in residual)
            logger.warning("delivery %s blocked by verification: %d findings", plan.delivery,
                           len(residual))  # fmt: skip
            return _result(plan, DeliveryOutcome.BLOCKED, rows_in, counts, quarantine.count,
                           None, residual=residual, reasons=reasons)  # fmt: skip
        figures = meter.figures() if meter is not None else None
        if figures is not None and plan.min_k and figures.min_k < plan.min_k:
            gate = release_gate(meter, plan.min_k, plan.max_suppression)
            if gate.blocked:
                temp.unlink(missing_ok=True)
                _discard(final)
                logger.warning("delivery %s blocked by its release gate (min k %d < %d)",
                               plan.delivery, figures.min_k, plan.min_k)  # fmt: skip
                blocked = _result(
                    plan,
                    DeliveryOutcome.BLOCKED,
                    rows_in,
                    counts,
                    quarantine.count,
                    None,
                    reasons=(gate.reason,),
                    risk=figures,
                )
                return replace(blocked, gate_blocked=True)  # fmt: skip
            counts.rows_withheld = _withhold(temp, plan, fmt, gate)
            counts.rows_out -= counts.rows_withheld
            figures = gate.after
            _check_written(temp, plan, fmt, counts.rows_out, final.name)
        digest = detectors.file_sha256(temp)
        os.replace(temp, final)
    except BaseException:
        temp.unlink(missing_ok=True)
        if typed is not None:
            typed.spill.unlink(missing_ok=True)
        raise
    finally:
        quarantine.close()
    logger.info("delivery %s: %d rows in, %d out, %d quarantined, %d filtered", plan.delivery,
                rows_in, counts.rows_out, quarantine.count, counts.rows_filtered)  # fmt: skip
    result = _result(plan, DeliveryOutcome.DELIVERED, rows_in, counts, quarantine.count,
                     (final, digest), risk=figures)  # fmt: skip
    if fingerprint is not None:
        manifest.record(Path(manifest_dir), final.name, fingerprint, result)
    return result


def refuse_changed_inputs(
    delivery: str, profiled: Sequence[InputFingerprint], out_dir: Path
) -> DeliveryResult | None:
    """A BLOCKED result when any profiled input changed or vanished since profiling, else None.

    Checked before a plan is built on the input's schema: nothing is read, and outputs of an
    earlier run of the delivery in `out_dir` are removed (what was published no longer matches
    what the report will vouch for).
    """
    reasons = tuple(r for f in profiled if (r := changed_since(f, f.path)))
    if not reasons:
        return None
    out_dir = Path(out_dir)
    for fmt in FORMATS:
        for earlier in out_dir.glob(f"{delivery}*.{fmt}"):
            if earlier.name == output_name(delivery, fmt) or earlier.name.startswith(
                f"{delivery}-part"
            ):
                earlier.unlink(missing_ok=True)
    logger.warning("delivery %s blocked: %d input(s) changed since profiling", delivery,
                   len(reasons))  # fmt: skip
    return DeliveryResult(
        delivery=delivery, outcome=DeliveryOutcome.BLOCKED, rows_in=0, rows_out=0,
        rows_quarantined=0, rows_filtered=0, output_path=None, output_sha256=None, key_id=None,
        blocked_reasons=reasons,
    )  # fmt: skip


def combine_results(
    results: Sequence[DeliveryResult], root: Location | None = None
) -> DeliveryResult:
    """One result for a delivery written as several parts.

    Counts are summed. When every part was delivered, `output_path` is the single part's path or
    the folder holding the parts (`root`, else the first part's folder), and `output_sha256` the
    part's digest or the SHA-256 of the sorted `<sha256>  <file name>` lines of all parts, a
    name being the part's path below `root` (`day=2026-11-05/part-0.parquet`) when given. When
    any part was blocked the delivery is blocked as a whole and the parts that were written are
    deleted (fail closed).
    """
    if not results:
        raise OutputWriteError("combine_results needs at least one delivery result")
    first = results[0]
    if len(results) == 1:
        return first
    blocked = any(r.outcome is DeliveryOutcome.BLOCKED for r in results)
    path, digest = None, None
    if blocked:
        for r in results:
            if r.output_path:
                Path(r.output_path).unlink(missing_ok=True)
    else:
        paths = [as_location(r.output_path) for r in results if r.output_path]
        lines = sorted(
            f"{r.output_sha256}  {part_name(as_location(r.output_path or ''), root)}"
            for r in results
        )
        digest = hashlib.sha256("\n".join(lines).encode()).hexdigest()
        path = str(root) if root is not None else str(paths[0].parent) if paths else None
    return DeliveryResult(
        delivery=first.delivery,
        outcome=DeliveryOutcome.BLOCKED if blocked else DeliveryOutcome.DELIVERED,
        rows_in=sum(r.rows_in for r in results),
        rows_out=sum(r.rows_out for r in results),
        rows_quarantined=sum(r.rows_quarantined for r in results),
        rows_filtered=sum(r.rows_filtered for r in results),
        output_path=path,
        output_sha256=digest,
        key_id=first.key_id,
        schema=first.schema,
        residual=tuple(f for r in results for f in r.residual),
        gate_blocked=any(r.gate_blocked for r in results),
        gate_steps=first.gate_steps,
        risk=combine_figures([r.risk for r in results if r.risk is not None]),
        rows_withheld=sum(r.rows_withheld for r in results),
        blocked_reasons=tuple(reason for r in results for reason in r.blocked_reasons),
    )


def _result(
    plan: RedactionPlan,
    outcome: DeliveryOutcome,
    rows_in: int,
    counts: _Counts,
    quarantined: int,
    output: tuple[Path, str] | None,
    residual: tuple = (),
    reasons: tuple[str, ...] = (),
    risk: RiskFigures | None = None,
) -> DeliveryResult:
    return DeliveryResult(
        delivery=plan.delivery,
        outcome=outcome,
        rows_in=rows_in,
        rows_out=counts.rows_out,  # written before verification, even when then blocked
        rows_quarantined=quarantined,
        rows_filtered=counts.rows_filtered,
        output_path=str(output[0]) if output else None,
        output_sha256=output[1] if output else None,
        key_id=plan.key_id,
        schema=plan.field_outputs,
        residual=residual,
        blocked_reasons=reasons,
        risk=risk,
        rows_withheld=counts.rows_withheld,
    )


def _over_quarantine_limit(quarantine: detectors.Quarantine, limit: float | None) -> str:
    """Why the quarantined share of the records read blocks the delivery; "" when it does not."""
    if limit is None or not quarantine.records or quarantine.count <= limit * quarantine.records:
        return ""
    classes = ", ".join(f"{name} {n}" for name, n in quarantine.by_class.most_common())
    return (
        f"{quarantine.count} of {quarantine.records} input records quarantined "
        f"({quarantine.count / quarantine.records:.2%}), more than the quarantine threshold of "
        f"{limit:.2%} ({classes}); fix those records (see the dataset's quarantine list), or "
        "raise quarantine_threshold or set on_quarantine: review in the configuration"
    )


def _stat(path: Location) -> tuple[int, int, int, str] | None:
    """Size, mtime, inode and (an object's) ETag and version of `path`, None when it is gone:
    what changes when it is written."""
    try:
        state = file_state(path)
    except FileNotFoundError:
        return None
    return state.size, state.mtime_ns, state.inode, state.version


def _discard(final: Path) -> None:
    """A blocked delivery leaves no earlier output under its final name (fail closed)."""
    final.unlink(missing_ok=True)


def _residual_reason(plan: RedactionPlan, finding: ResidualFinding) -> str:
    """What verification found in one column, and how to fix it (never a value)."""
    reason = (
        f"column {finding.column!r}: {finding.count} {finding.entity_type} value(s) in clear "
        f"(e.g. {finding.masked_sample})"
    )
    planned = next((c for c in plan.columns if c.field == finding.column), None)
    if planned is not None and planned.operator == "keep":
        reason += (
            f"; the column was to pass in clear ({planned.verdict}). Declare it "
            f"(`declared_personal` on the dataset), leave it out of the delivery's `fields`, "
            f"or give its category a rule in the pack"
        )
    return reason


def tokens_out(planned: PlannedColumn) -> bool:
    """A column of tokens or ciphertexts: nearly one value per subscriber or row, so Parquet
    dictionary pages would be abandoned and min/max statistics say nothing; both are skipped
    (about a quarter of the write time on a 1M-row CDR)."""
    return planned.operator in ("pseudonymize", "encrypt_fpe") and not planned.free_text


def _check_written(temp: Path, plan: RedactionPlan, fmt: str, rows: int, name: str) -> None:
    """The written file holds exactly the `rows` handed to the writer (and kept by the gate)."""
    written = written_rows(temp, plan, fmt)
    if written != rows:
        raise OutputWriteError(
            f"delivery {plan.delivery!r}: {rows} rows were written to {name} but the file "
            f"holds {written}"
        )


def _checks(
    verifier: OutputVerifier, meter: RiskMeter | None
) -> Callable[[pa.RecordBatch], None]:
    """Verification of a written batch's structured columns, and its risk classes counted."""

    def check(batch: pa.RecordBatch) -> None:
        verifier.check_structured(batch)
        if meter is not None:
            meter.add(batch)

    return check


def _withhold(temp: Path, plan: RedactionPlan, fmt: str, gate: Gate) -> int:
    """Rewrite `temp` without the rows of the classes the release gate withholds (same order,
    same writer settings); the number of rows withheld."""
    staged = temp.with_name(temp.name.replace(".tmp-", ".gate-", 1))
    withheld = 0
    schema = pq.read_schema(temp) if fmt == "parquet" else None  # typed columns stay typed
    try:
        with open_writer(staged, plan, fmt, schema) as write:
            for batch in as_written(temp, plan, fmt):
                drop = withheld_rows(as_planned(batch, plan), gate.small_classes)
                withheld += int(drop.sum())
                write(batch.filter(pa.array(~drop)) if drop.any() else batch)
        os.replace(staged, temp)
    except BaseException:
        staged.unlink(missing_ok=True)
        raise
    if withheld != gate.suppressed_rows:
        raise OutputWriteError(
            f"delivery {plan.delivery!r}: the release gate meant to withhold "
            f"{gate.suppressed_rows} rows but found {withheld} in the written output"
        )
    return withheld


def typed_columns(plan: RedactionPlan) -> tuple[str, ...]:
    """Delivered string columns whose values keep their text: kept ones and times generalized
    to a level. Their Parquet type is decided from the values written (`column_types`); tokens,
    ciphertexts, masked, redacted, free-text and other generalized columns stay strings."""
    return tuple(
        c.field
        for c in plan.columns
        if not c.dropped
        and not c.free_text
        and pa.types.is_string(c.output_type)
        and (c.operator == "keep" or (c.operator == "generalize" and "level" in c.params))
    )


def typed_schema(plan: RedactionPlan, types: dict[str, ColumnType]) -> pa.Schema:
    """The plan's output schema with `types` in place of strings (field metadata kept)."""
    fields = []
    for f in plan.output_schema:
        kind = types.get(f.name)
        if kind is not None:
            # how `verify.read_output` writes it back as the text checked
            f = f.with_type(kind.arrow_type).with_metadata(
                {**(f.metadata or {}), **field_metadata(kind)}
            )
        fields.append(f)
    return pa.schema(fields, metadata=plan.output_schema.metadata)


def as_written(path: Path, plan: RedactionPlan, fmt: str) -> Iterator[pa.RecordBatch]:
    """The batches of an output file with the types it was written with."""
    if fmt != "parquet":
        yield from read_output(path, plan, fmt)
        return
    yield from parquet_batches(pq.ParquetFile(path), OUTPUT_BATCH)


class _TypedPart:
    """A Parquet part written typed as it streams (`typed_columns`, `column_types`).

    The first batch with rows decides each text column's type (a `TypeTracker` over it; a
    column blank in all of it stays text in this part); a later batch
    whose values do not all come back as their text from those types is written, with every
    batch after it, as text to `spill` beside the part. `settle` then merges both into the
    part with the types the whole part fits — the one rewrite, only when a late value did not
    fit. Verification, the risk measure and the release gate see the text either way."""

    def __init__(self, temp: Path, plan: RedactionPlan) -> None:
        self.temp, self.plan = temp, plan
        self.spill = temp.with_name(temp.name.replace(".tmp-", ".spill-", 1))
        self._files = ExitStack()
        self._types: dict[str, ColumnType] = {}
        self._schema: pa.Schema | None = None
        self._typed: Callable[[pa.RecordBatch], None] | None = None
        self._text: Callable[[pa.RecordBatch], None] | None = None

    def __enter__(self) -> Callable[[pa.RecordBatch], None]:
        return self.write

    def __exit__(self, kind: object, *rest: object) -> bool:
        with self._files:
            if self._typed is None and kind is None:  # no batch: an empty part, text schema
                self._files.enter_context(open_writer(self.temp, self.plan, "parquet"))
        return False

    def write(self, batch: pa.RecordBatch) -> None:
        if self._typed is None and not batch.num_rows:
            return  # a batch the row filters emptied decides nothing and holds nothing
        if self._typed is None:
            first = TypeTracker(typed_columns(self.plan))
            first.add(batch)
            self._types = first.types()
            self._schema = typed_schema(self.plan, self._types)
            self._typed = self._files.enter_context(
                open_writer(self.temp, self.plan, "parquet", self._schema)
            )
        if self._text is None:
            typed = self._typed_batch(batch)
            if typed is not None:
                self._typed(typed)
                return
            self._text = self._files.enter_context(open_writer(self.spill, self.plan, "parquet"))
        self._text(batch)

    def _typed_batch(self, batch: pa.RecordBatch) -> pa.RecordBatch | None:
        arrays = list(batch.columns)
        for i, name in enumerate(batch.schema.names):
            if name in self._types:
                parsed = self._types[name].parse_exact(batch.column(i))
                if parsed is None:
                    return None
                arrays[i] = parsed
        return pa.RecordBatch.from_arrays(arrays, schema=self._schema)

    def settle(self) -> None:
        """Merge the spilled text into the part, typed as every value of it fits."""
        if not self.spill.exists():
            return
        sources = (self.temp, self.spill)
        tracker = TypeTracker(typed_columns(self.plan))
        for source in sources:
            for batch in read_output(source, self.plan, "parquet"):
                tracker.add(batch)
        types = tracker.types()
        schema = typed_schema(self.plan, types)
        staged = self.temp.with_name(self.temp.name.replace(".tmp-", ".typed-", 1))
        try:
            with open_writer(staged, self.plan, "parquet", schema) as write:
                for source in sources:
                    for batch in read_output(source, self.plan, "parquet"):
                        arrays = [
                            types[name].parse(column) if name in types else column
                            for name, column in zip(batch.schema.names, batch.columns, strict=True)
                        ]
                        write(pa.RecordBatch.from_arrays(arrays, schema=schema))
            os.replace(staged, self.temp)
        finally:
            staged.unlink(missing_ok=True)
            self.spill.unlink(missing_ok=True)


def parquet_settings(plan: RedactionPlan, names: Sequence[str]) -> dict[str, Any]:
    """How every Parquet file of a delivery is written (parts, rewrites, partitions): zstd,
    dictionary pages and statistics for the columns among `names` that are not tokens."""
    coded = [c.field for c in plan.columns if not c.dropped and not tokens_out(c)]
    coded = [name for name in coded if name in names]
    return {
        "compression": PARQUET_COMPRESSION,
        "use_dictionary": coded,
        "write_statistics": coded,
        "dictionary_pagesize_limit": DICTIONARY_PAGE_BYTES,
    }


@contextmanager
def open_writer(
    path: Path, plan: RedactionPlan, fmt: str, schema: pa.Schema | None = None
) -> Iterator:
    """A `write(batch)` callable for one output file, closed on exit; an `OutputWriteError`
    naming the file and the system's reason when it cannot be created or written."""
    schema = schema or plan.output_schema
    try:
        if fmt == "parquet":
            writer = pq.ParquetWriter(path, schema, **parquet_settings(plan, schema.names))
        else:
            writer = pacsv.CSVWriter(path, schema)
    except OSError as exc:
        raise _output_error(path, exc) from None

    def write(batch: pa.RecordBatch) -> None:
        try:
            writer.write_batch(batch)
        except OSError as exc:
            raise _output_error(path, exc) from None

    try:
        yield write
    finally:
        try:
            writer.close()
        except OSError as exc:
            raise _output_error(path, exc) from None


def _output_error(path: Path, exc: OSError) -> OutputWriteError:
    """An `OutputWriteError` for a file that could not be created or written (disk full,
    read-only, not a folder), with the system's reason and the fix; never a data value.
    A temporary name is reported as the name the file was to be published under."""
    reason = os.strerror(exc.errno) if exc.errno else type(exc).__name__
    name = path.name
    if name.startswith(".") and ".tmp-" in name:  # .<stem>.tmp-<random>.<ext>
        name = f"{name[1:].split('.tmp-')[0]}{path.suffix}"
    return OutputWriteError(
        f"cannot write the output {name} in {path.parent} ({reason}); make sure the folder "
        "is writable and its disk has free space, or choose another output folder"
    )
