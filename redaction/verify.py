"""Scan a delivery's output for personal data the plan says must not be there in clear.

`OutputVerifier` checks the batches a delivery writes, as it writes them; `verify_output` re-reads
a written file. Both check the same way, and both read **every cell of every delivered column**.

Every column, whatever its operator, is swept for validated identifiers (`detectors.sweep`:
e-mail, phone, card, IBAN, IP, SIN, SIP URI, IMEI, ICCID, MAC; nested values, binary and
numbers included). A hit in a column kept in clear is a residual unless the decision itself
lets that entity out (a pack rule allowing e-mails to a debt collector): a column passed through
because its sample held nothing personal fails closed instead of trusting the sample. Columns
whose rule transforms an entity are swept for the *other* entities (a generalized IP network is
still an IP; an FPE-encrypted number is shaped like one).

Besides, per column, by operator:
- `pseudonymize`, `redact`, `mask`: every cell must have the operator's output shape (a token,
  the placeholder, a fully masked value); cells that do not are residuals, labelled with the
  entity `detectors.classify_values` finds in them (else the field's first entity type).
  Cells of our own output shape are not classified: a token's hex may hold a digit run that a
  phone matcher accepts, and a token cannot hold the value it replaced;
- `generalize`: every cell must already be generalized (applying the rule again changes nothing,
  or the cell has the rule's output shape);
- free-text columns: `detectors.scan_texts` on each distinct text; a span that is not one of our
  tokens or `<ENTITY>` placeholders (and not a worded DATE_TIME) is a residual.
A dropped column that is present in the output is a residual too.

The sweep of a structured column remembers the cells it found clean (`_CleanCells`): a cell
repeated in a later batch (an account code, a /24 network, a disposition) is not swept again,
which is the same answer for it (the sweep reads a cell and its column's name only). Columns
whose cells hardly repeat (call ids, channels) keep no memory.
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

import detectors
from detectors.reading import parquet_batches
from detectors.settings import DetectionSettings
from detectors.sweep import sweep_values
from policy.decisions import Verdict
from policy.operators import OperatorName
from redaction.column_types import as_source_text
from redaction.errors import OutputFormatError, OutputWriteError
from redaction.operators.distinct import as_array, as_text
from redaction.operators.freetext import left_in_clear
from redaction.plan import PlannedColumn, RedactionPlan, column_pool
from redaction.results import ResidualFinding

_OP = OperatorName
CLASSIFIED_OPERATORS = frozenset({_OP.PSEUDONYMIZE, _OP.REDACT, _OP.MASK})
# Outputs that still look like the entity they transform: swept for the other entities only.
SHAPED_LIKE_INPUT = frozenset({_OP.GENERALIZE, _OP.ENCRYPT_FPE})
UNCHECKED_OPERATORS = frozenset({_OP.KEEP, _OP.ENCRYPT_FPE, _OP.DROP})
_OWN_OUTPUT = re.compile(r"[A-Z][A-Z0-9]*_[0-9a-f]{16}|<[A-Z][A-Z_]*>")
OUTPUT_BATCH = 65_536


class _Tally:
    """Counts and one masked sample per (column, entity type)."""

    def __init__(self) -> None:
        self.counts: Counter[tuple[str, str]] = Counter()
        self.samples: dict[tuple[str, str], str] = {}
        self._lock = threading.Lock()  # structured and free-text checks run in two threads

    def add(self, column: str, entity: str, count: int, sample: object) -> None:
        if count <= 0:
            return
        masked = detectors.mask_value(sample, entity)
        with self._lock:
            self.counts[column, entity] += count
            self.samples.setdefault((column, entity), masked)

    def add_masked(self, column: str, entity: str, count: int, masked: str) -> None:
        """Like `add`, for a sample that is already masked."""
        if count <= 0:
            return
        with self._lock:
            self.counts[column, entity] += count
            self.samples.setdefault((column, entity), masked)

    def findings(self) -> tuple[ResidualFinding, ...]:
        return tuple(
            ResidualFinding(column, entity, count, self.samples[column, entity])
            for (column, entity), count in sorted(self.counts.items())
        )


class OutputVerifier:
    """Checks output batches as they are written and collects the residuals.

    A delivery checks the very batches it hands to the writer: structured columns in the writer's
    thread (Arrow compute, beside the Parquet encoder), free-text columns in the thread that
    transforms them (the one spaCy pipeline is never used from two threads). `written_rows`
    then proves the file holds those batches. `verify_output` re-reads a finished file instead.
    """

    def __init__(self, plan: RedactionPlan, settings: DetectionSettings | None = None) -> None:
        self._settings = settings
        self._by_name = {c.field: c for c in plan.columns}
        self._tally = _Tally()
        self._clean = {c.field: _CleanCells() for c in plan.columns if not c.free_text}

    def check(self, batch: pa.RecordBatch, pool: ThreadPoolExecutor | None = None) -> None:
        """Every column of `batch`: structured ones (side by side on `pool`), then free text."""
        self.check_structured(batch, pool)
        self.check_text(batch)

    def check_structured(
        self, batch: pa.RecordBatch, pool: ThreadPoolExecutor | None = None
    ) -> None:
        """Columns the plan drops, each structured column's output shape, and the sweep."""
        checked = []
        for name in batch.schema.names:
            planned = self._by_name.get(name)
            if planned is None or planned.dropped:
                sample = next((v for v in batch.column(name).to_pylist() if v is not None), "")
                self._tally.add(name, "DROPPED_COLUMN", batch.num_rows, sample)
            elif not planned.free_text:
                values = as_array(batch.column(name))
                shaped = _needs_check(planned)
                shape = pool.submit(_violations, planned, values) if pool and shaped else None
                checked.append((planned, values, shaped, shape))
        for planned, values, shaped, shape in checked:
            if shaped:
                bad = shape.result() if shape else _violations(planned, values)
                _check_structured(planned, values, self._settings, self._tally, bad)
            _sweep(planned, values, self._settings, self._tally, self._clean[planned.field])

    def check_text(self, batch: pa.RecordBatch) -> None:
        """Free-text columns: spans that are not our tokens or placeholders, and the sweep."""
        for name in batch.schema.names:
            planned = self._by_name.get(name)
            if planned is not None and planned.free_text:
                values = as_array(batch.column(name))
                if _needs_check(planned):
                    _check_text(planned, values, self._settings, self._tally)
                _sweep(planned, values, self._settings, self._tally)

    def findings(self) -> tuple[ResidualFinding, ...]:
        return self._tally.findings()


def verify_output(
    path: Path,
    plan: RedactionPlan,
    settings: DetectionSettings | None = None,
    fmt: str | None = None,
) -> tuple[ResidualFinding, ...]:
    """Residual personal data in the output at `path` (Parquet or CSV), per column and entity."""
    verifier = OutputVerifier(plan, settings)
    pool = column_pool()
    for batch in read_output(Path(path), plan, fmt):
        verifier.check(batch, pool)
    return verifier.findings()


def written_rows(path: Path, plan: RedactionPlan, fmt: str | None = None) -> int:
    """Rows in the output file at `path`, once its columns are shown to be the plan's.

    Parquet answers from its footer; a CSV is read back. Raises `OutputWriteError` when the file
    holds other columns than the plan's output schema.
    """
    path = Path(path)
    if output_format(path, fmt) == "parquet":
        metadata = pq.read_metadata(path)
        names, rows = metadata.schema.to_arrow_schema().names, metadata.num_rows
    else:
        reader = pacsv.open_csv(path, convert_options=_csv_types(plan))
        names, rows = reader.schema.names, sum(b.num_rows for b in reader)
    if names != plan.output_schema.names:
        raise OutputWriteError(
            f"{path.name}: holds the columns {names}, not the plan's {plan.output_schema.names}"
        )
    return rows


def _violations(planned: PlannedColumn, values: pa.Array) -> np.ndarray:
    return _numpy(planned.op.violations(values))


def _check_structured(
    planned: PlannedColumn,
    values: pa.Array,
    settings: DetectionSettings | None,
    tally: _Tally,
    bad: np.ndarray,
) -> None:
    if not bad.any():
        return
    values = values.filter(pa.array(bad))
    unlabelled = np.ones(len(values), dtype=bool)
    if planned.operator in CLASSIFIED_OPERATORS and _is_text(values.type):
        for entity in planned.entity_types:
            found = detectors.classify_values(values, entity, settings, column=planned.field)
            hits = _numpy(found) & unlabelled
            _add_hits(tally, planned.field, entity, hits, values)
            unlabelled &= ~hits
    label = planned.entity_types[0] if planned.entity_types else "UNTRANSFORMED"
    _add_hits(tally, planned.field, label, unlabelled, values)


def _sweep(
    planned: PlannedColumn,
    values: pa.Array,
    settings: DetectionSettings | None,
    tally: _Tally,
    clean: _CleanCells | None = None,
) -> None:
    """Validated identifiers anywhere in the column's cells (see the module docstring); with
    `clean`, the cells it holds are known clean and the rest are added to it when clean.

    Columns whose every cell must have a token, placeholder or mask shape are already checked
    completely by that shape, and are not swept again."""
    if planned.operator in CLASSIFIED_OPERATORS and not planned.free_text:
        return
    # What the decision itself lets out in clear (a pack rule allowing this entity to this
    # recipient) or shapes like its input is not a leak; anything else found is.
    decided = planned.operator in SHAPED_LIKE_INPUT or planned.verdict is Verdict.ALLOW
    skip = frozenset(planned.entity_types) if decided else frozenset()
    unseen = clean.unseen(values) if clean is not None else values
    hits = sweep_values(unseen, settings, column=planned.field, skip=skip)
    for hit in hits.values():
        tally.add_masked(planned.field, hit.entity_type, hit.count, hit.masked_sample)
    if clean is not None and not hits:
        clean.add(unseen)


class _CleanCells:
    """Distinct cells of one column the sweep found clean, up to `LIMIT`; off for a column whose
    first batch hardly repeats a cell (more than `UNIQUE_SHARE` distinct), where it saves
    nothing."""

    LIMIT = 1 << 17
    UNIQUE_SHARE = 0.5

    def __init__(self) -> None:
        self._seen: pa.Array | None = None
        self._on: bool | None = None

    def unseen(self, values: pa.Array) -> pa.Array:
        """The cells of `values` not known clean (every cell while nothing is known)."""
        if not self._on or self._seen is None or not len(values):
            return values
        return values.filter(pc.invert(pc.is_in(values, value_set=self._seen)))

    def add(self, swept: pa.Array) -> None:
        """Remember the distinct cells of `swept` (all found clean)."""
        if self._on is False or not len(swept):
            return
        distinct = pc.unique(swept.drop_null())
        if self._on is None:
            self._on = len(distinct) <= self.UNIQUE_SHARE * len(swept)
            if not self._on:
                return
        if self._seen is not None and len(self._seen) + len(distinct) > self.LIMIT:
            return
        merged = distinct if self._seen is None else pa.concat_arrays([self._seen, distinct])
        self._seen = merged


def _check_text(
    planned: PlannedColumn,
    values: pa.Array,
    settings: DetectionSettings | None,
    tally: _Tally,
) -> None:
    encoded = pc.dictionary_encode(as_text(values))
    texts: list[str] = encoded.dictionary.to_pylist()
    if not texts:
        return
    rows_per_text = np.bincount(
        encoded.indices.drop_null().to_numpy(zero_copy_only=False), minlength=len(texts)
    )
    for finding in detectors.scan_texts(texts, planned.field, settings):
        text = texts[finding.row]
        span = text[finding.start : finding.end]
        if left_in_clear(finding.entity_type, span) or _is_own(text, finding.start, finding.end):
            continue
        tally.add(planned.field, finding.entity_type, int(rows_per_text[finding.row]), span)


def _is_own(text: str, start: int, end: int) -> bool:
    """The span overlaps one of our tokens or placeholders."""
    return any(m.start() < end and start < m.end() for m in _OWN_OUTPUT.finditer(text))


def _add_hits(tally: _Tally, column: str, entity: str, hits: np.ndarray, values: pa.Array) -> None:
    count = int(hits.sum())
    if count:
        tally.add(column, entity, count, values[int(np.argmax(hits))].as_py())


def _numpy(mask: pa.Array | pa.ChunkedArray) -> np.ndarray:
    mask = as_array(mask)
    return pc.fill_null(mask, False).to_numpy(zero_copy_only=False).astype(bool)


def _is_text(kind: pa.DataType) -> bool:
    return pa.types.is_string(kind) or pa.types.is_large_string(kind)


def _needs_check(planned: PlannedColumn | None) -> bool:
    """A column whose values verification reads: checked ones and any the plan does not keep
    (Parquet is columnar, so columns allowed in clear are not even decoded)."""
    if planned is None or planned.dropped:
        return True
    return planned.operator not in UNCHECKED_OPERATORS and planned.verdict is not Verdict.ALLOW


def output_format(path: Path, fmt: str | None = None) -> str:
    """`parquet` or `csv`, from `fmt` or the file's last suffix."""
    found = fmt or path.suffix.lower().lstrip(".")
    if found not in ("parquet", "csv"):
        raise OutputFormatError(
            f"{path.name}: output format {found!r} is not supported; use parquet or csv"
        )
    return found


def read_output(path: Path, plan: RedactionPlan, fmt: str | None) -> Iterator[pa.RecordBatch]:
    """The batches of an output file as the plan's output schema types them."""
    if output_format(path, fmt) == "parquet":
        for batch in parquet_batches(pq.ParquetFile(path), OUTPUT_BATCH):
            yield as_planned(batch, plan)
        return
    yield from pacsv.open_csv(path, convert_options=_csv_types(plan))


def as_planned(batch: pa.RecordBatch, plan: RedactionPlan) -> pa.RecordBatch:
    """A batch whose text columns were delivered typed (`redaction.column_types`: ints,
    decimals, times) with those columns as the text the plan's checks read."""
    planned = plan.output_schema
    if batch.schema.names != planned.names or all(
        f.type == planned.field(i).type or not _is_text(planned.field(i).type)
        for i, f in enumerate(batch.schema)
    ):
        return batch
    arrays = [
        as_source_text(column, batch.schema.field(i))
        if _is_text(planned.field(i).type) and column.type != planned.field(i).type
        else column
        for i, column in enumerate(batch.columns)
    ]
    return pa.RecordBatch.from_arrays(arrays, names=batch.schema.names)


def _csv_types(plan: RedactionPlan) -> pacsv.ConvertOptions:
    types = {f.name: f.type for f in plan.output_schema}
    return pacsv.ConvertOptions(
        column_types=types, strings_can_be_null=True, quoted_strings_can_be_null=False
    )
