"""Re-identification risk of what a delivery writes: k-anonymity and l-diversity, streamed.

A row's *equivalence class* is the set of delivered rows with the same values in every
quasi-identifier (postal area, birth year, call hour, plan…); its size is the row's k. A
recipient who knows those attributes of a person (from another source) narrows them down to k
rows: k = 1 singles the person out. `RiskMeter` counts class sizes over every delivered batch
(Arrow `group_by`, partial counts merged when they grow), so the figures are those of the full
output, not a sample, in memory bounded by the number of distinct classes.

l-diversity of a sensitive column: the fewest distinct values it takes within one class. l = 1
means everyone in some class shares the value, so knowing the class reveals it.

What k-anonymity does not measure: attributes the recipient already holds beyond the declared
quasi-identifiers, linkage through pseudonyms across deliveries, and inference from aggregates.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from policy.decisions import DeliveryDecision, FieldDecision, Verdict

if TYPE_CHECKING:
    from redaction.results import DeliveryResult

COUNT = "__k"
# Rows per k band in the report's chart: [low, high) per band, high None for open-ended.
K_BANDS: tuple[tuple[str, int, int | None], ...] = (
    ("1", 1, 2),
    ("2-4", 2, 5),
    ("5-9", 5, 10),
    ("10-49", 10, 50),
    ("50+", 50, None),
)
_MERGE_ROWS = 1_000_000  # partial class counts held before they are merged


@dataclass(frozen=True)
class Diversity:
    """l-diversity of one sensitive column: the fewest distinct values within one class."""

    column: str
    min_l: int
    classes_below_2: int  # classes in which every row has the same value


@dataclass(frozen=True)
class RiskFigures:
    """k-anonymity of a delivery over its quasi-identifiers, over every delivered row."""

    quasi_identifiers: tuple[str, ...]
    rows: int
    classes: int
    min_k: int  # 0 when nothing was delivered
    rows_below_5: int
    rows_below_10: int
    unique_rows: int  # rows alone in their class (k = 1)
    k_bands: tuple[tuple[str, int], ...]  # rows per band of K_BANDS
    diversity: tuple[Diversity, ...] = ()
    conservative: bool = False  # combined from parts measured apart (`combine_figures`)

    def share(self, rows: int) -> float:
        return rows / self.rows if self.rows else 0.0

    @property
    def share_below_5(self) -> float:
        return self.share(self.rows_below_5)

    @property
    def share_below_10(self) -> float:
        return self.share(self.rows_below_10)

    @property
    def unique_share(self) -> float:
        return self.share(self.unique_rows)


class RiskMeter:
    """Counts equivalence classes over the batches of one delivery (`add`), then `figures()`.

    Columns are compared by their delivered values (nulls are one value). Nested, binary or
    other types that Arrow cannot group are compared by their text.
    """

    def __init__(self, quasi_identifiers: Sequence[str], sensitive: Sequence[str] = ()) -> None:
        if not quasi_identifiers:
            raise ValueError("a risk meter needs at least one quasi-identifier")
        self.quasi_identifiers = tuple(quasi_identifiers)
        self.sensitive = tuple(s for s in sensitive if s not in self.quasi_identifiers)
        self._counts = _Partials(self.quasi_identifiers, COUNT)
        self._pairs = {s: _Partials((*self.quasi_identifiers, s), None) for s in self.sensitive}

    def add(self, batch: pa.RecordBatch | pa.Table) -> None:
        """Count the classes of one batch of delivered rows."""
        if not batch.num_rows:
            return
        keys = {name: _groupable(batch.column(name)) for name in self.quasi_identifiers}
        table = pa.table(keys)
        counted = table.group_by(list(keys)).aggregate([([], "count_all")])
        self._counts.add(counted.select([*keys, "count_all"]).rename_columns([*keys, COUNT]))
        for column, partials in self._pairs.items():
            pairs = table.append_column(column, _groupable(batch.column(column)))
            partials.add(pairs.group_by(pairs.column_names).aggregate([]))

    def class_sizes(self) -> pa.Table:
        """One row per equivalence class: the quasi-identifier values and the class size."""
        return self._counts.merged()

    def figures(self) -> RiskFigures:
        diversity = tuple(self._diversity(s) for s in self.sensitive)
        return _figures(self.quasi_identifiers, self.class_sizes(), diversity)

    def _diversity(self, column: str) -> Diversity:
        pairs = self._pairs[column].merged()
        if not pairs.num_rows:
            return Diversity(column, 0, 0)
        per_class = pairs.group_by(list(self.quasi_identifiers)).aggregate([([], "count_all")])
        values = per_class.column("count_all").to_numpy()
        return Diversity(column, int(values.min()), int((values < 2).sum()))


class _Partials:
    """Grouped partial tables, merged (summing `count`, or as distinct rows) when they grow."""

    def __init__(self, keys: tuple[str, ...], count: str | None) -> None:
        self.keys = list(keys)
        self.count = count
        self._parts: list[pa.Table] = []
        self._rows = 0

    def add(self, part: pa.Table) -> None:
        self._parts.append(part)
        self._rows += part.num_rows
        if self._rows > _MERGE_ROWS and len(self._parts) > 1:
            self.merged()

    def merged(self) -> pa.Table:
        """The parts as one grouped table; kept as the only part, so asking again is free."""
        if not self._parts:
            fields = [pa.field(k, pa.string()) for k in self.keys]
            if self.count:
                fields.append(pa.field(self.count, pa.int64()))
            return pa.schema(fields).empty_table()
        table = pa.concat_tables(self._parts, promote_options="permissive")
        if len(self._parts) == 1:
            return table
        if self.count is None:
            table = table.group_by(self.keys).aggregate([])
        else:
            summed = table.group_by(self.keys).aggregate([(self.count, "sum")])
            table = summed.select([*self.keys, f"{self.count}_sum"]).rename_columns(
                [*self.keys, self.count]
            )
        self._parts, self._rows = [table], table.num_rows
        return table


def _groupable(values: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    """`values` as a type Arrow's hash grouping accepts: as they are, else as text."""
    kind = values.type
    if pa.types.is_dictionary(kind):
        values = pc.cast(values, kind.value_type)
        kind = values.type
    if (
        pa.types.is_integer(kind)
        or pa.types.is_floating(kind)
        or pa.types.is_boolean(kind)
        or pa.types.is_string(kind)
        or pa.types.is_large_string(kind)
        or pa.types.is_decimal(kind)
        or pa.types.is_temporal(kind)
        or pa.types.is_binary(kind)
        or pa.types.is_large_binary(kind)
    ):
        return values
    return pa.array([None if v is None else str(v) for v in values.to_pylist()], pa.string())


@dataclass(frozen=True)
class Gate:
    """What the release gate decided: rows to withhold (classes below min_k), or why not."""

    min_k: int
    small_classes: pa.Table  # quasi-identifier values of the classes to withhold
    suppressed_rows: int
    after: RiskFigures | None  # the figures without the withheld rows; None when blocked
    reason: str = ""  # why the delivery is blocked; "" when it may be released

    @property
    def blocked(self) -> bool:
        return bool(self.reason)


def release_gate(meter: RiskMeter, min_k: int, max_suppression: float) -> Gate:
    """Withhold the rows of classes smaller than `min_k` when they are at most
    `max_suppression` of the rows; else block, naming the quasi-identifiers and the k reached."""
    figures = meter.figures()
    sizes = meter.class_sizes()
    small = pc.less(sizes.column(COUNT), min_k) if sizes.num_rows else pa.array([], pa.bool_())
    small_classes = sizes.filter(small).drop_columns([COUNT])
    withheld = int(pc.sum(sizes.column(COUNT).filter(small)).as_py() or 0) if sizes.num_rows else 0
    if withheld == 0:
        return Gate(min_k, small_classes, 0, figures)
    allowed = int(max_suppression * figures.rows)
    if withheld > allowed:
        return Gate(min_k, small_classes, withheld, None, reason=(
            f"re-identification risk: {figures.share(withheld):.1%} of the rows ({withheld} of "
            f"{figures.rows}) share their quasi-identifiers ({', '.join(figures.quasi_identifiers)}"
            f") with fewer than {min_k - 1} others (min k {figures.min_k}, unique rows "
            f"{figures.unique_rows}); the recipient class needs k >= {min_k} after withholding "
            f"at most {max_suppression:.1%}; generalize these columns further (coarser time, "
            "postal area, birth year band, amount bands) or leave one out of the delivery"
        ))  # fmt: skip
    return Gate(min_k, small_classes, withheld, _without(figures, sizes.filter(pc.invert(small))))


def _without(figures: RiskFigures, kept: pa.Table) -> RiskFigures:
    """`figures` recomputed over the classes in `kept` (diversity is kept as measured)."""
    return _figures(figures.quasi_identifiers, kept, figures.diversity)


def _figures(
    quasi_identifiers: tuple[str, ...], sizes: pa.Table, diversity: tuple[Diversity, ...]
) -> RiskFigures:
    k = sizes.column(COUNT).to_numpy() if sizes.num_rows else np.zeros(0, dtype=np.int64)
    return RiskFigures(
        quasi_identifiers=quasi_identifiers,
        rows=int(k.sum()),
        classes=len(k),
        min_k=int(k.min()) if len(k) else 0,
        rows_below_5=int(k[k < 5].sum()),
        rows_below_10=int(k[k < 10].sum()),
        unique_rows=int(k[k == 1].sum()),
        k_bands=tuple(
            (label, int(k[(k >= low) & ((k < high) if high else True)].sum()))
            for label, low, high in K_BANDS
        ),
        diversity=diversity,
    )


def withheld_rows(batch: pa.RecordBatch, small_classes: pa.Table) -> np.ndarray:
    """True for the rows of `batch` whose quasi-identifiers are one of `small_classes`."""
    names = small_classes.column_names
    if not small_classes.num_rows or not batch.num_rows:
        return np.zeros(batch.num_rows, dtype=bool)
    keys = pa.table({n: _joinable(_groupable(batch.column(n))) for n in names})
    keys = keys.append_column("__row", pa.array(np.arange(batch.num_rows)))
    wanted = pa.table({n: _joinable(small_classes.column(n)) for n in names})
    hits = keys.join(wanted, names, join_type="left semi").column("__row").to_numpy()
    mask = np.zeros(batch.num_rows, dtype=bool)
    mask[hits] = True
    return mask


_NULL_KEY = "\x00null"


def _joinable(values: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    """Hash joins never match nulls: compare every key as text, null as a marker no text has."""
    return pc.fill_null(pc.cast(values, pa.string()), _NULL_KEY)


def combine_figures(parts: Sequence[RiskFigures]) -> RiskFigures | None:
    """Figures for a delivery written as several parts, each measured on its own.

    Conservative: classes are counted within each part, and a class split across parts is
    larger in the whole delivery, so the whole's min k is at least the one given here and its
    rows below 5 or 10 at most these.
    """
    if not parts:
        return None
    if len(parts) == 1:
        return parts[0]
    bands = {label: 0 for label, _, _ in K_BANDS}
    for part in parts:
        for label, rows in part.k_bands:
            bands[label] += rows
    diversity: dict[str, Diversity] = {}
    for part in parts:
        for d in part.diversity:
            seen = diversity.get(d.column)
            diversity[d.column] = (
                d if seen is None else Diversity(
                    d.column, min(seen.min_l, d.min_l), seen.classes_below_2 + d.classes_below_2
                )
            )  # fmt: skip
    delivered = [p for p in parts if p.rows]
    return RiskFigures(
        quasi_identifiers=parts[0].quasi_identifiers,
        rows=sum(p.rows for p in parts),
        classes=sum(p.classes for p in parts),
        min_k=min((p.min_k for p in delivered), default=0),
        rows_below_5=sum(p.rows_below_5 for p in parts),
        rows_below_10=sum(p.rows_below_10 for p in parts),
        unique_rows=sum(p.unique_rows for p in parts),
        k_bands=tuple(bands.items()),
        diversity=tuple(diversity.values()),
        conservative=True,
    )


# The generalization ladder: coarser steps of the rules a quasi-identifier's generalization uses.
LADDER: tuple[tuple[str, tuple[object, ...]], ...] = (
    ("level", ("minute", "hour", "day", "month")),  # call and invoice times
    ("prefix", (32, 24, 16, 8)),  # IPv4 networks (IPv6 stays /48)
    ("to", ("first_part", "first_char")),  # postal code: FSA/ZIP3 → province/ZIP region
    ("to", ("year", "five_years")),  # birth dates
)
# Amounts a quasi-identifier holds in clear (`amount`, `total`, `rate` by name) are banded on the
# first step; each later step keeps every other edge (0-10-25-50… → 0-25-100…).
AMOUNT_BANDS = (0, 10, 25, 50, 100, 250, 500, 1000)
AMOUNT_NAMES = re.compile(r"(?i)(?:^|_)(?:amount|total|price|rate|balance|charge|cost)(?:_|$)")
GATE_REASON = "generalized by the release gate: the delivery fell short of the recipient's min k"


def coarser(decision: DeliveryDecision) -> tuple[DeliveryDecision, tuple[str, ...]] | None:
    """`decision` with every generalized quasi-identifier one ladder step coarser, and what
    changed (`start: hour → day`); None when no quasi-identifier can be coarsened further."""
    fields, steps = [], []
    for f in decision.fields:
        step = _step(f) if f.field in decision.quasi_identifiers else None
        if step is None:
            fields.append(f)
        else:
            fields.append(step[0])
            steps.append(step[1])
    if not steps:
        return None
    return replace(decision, fields=tuple(fields)), tuple(steps)


def _step(f: FieldDecision) -> tuple[FieldDecision, str] | None:
    """One field one step coarser, and the step said; None at the top of its ladder."""
    if f.verdict is Verdict.ALLOW and AMOUNT_NAMES.search(f.field):
        params = {"bands": list(AMOUNT_BANDS)}
        return replace(f, verdict=Verdict.GENERALIZE, operator="generalize", params=params,
                       reason=f"{f.reason}; {GATE_REASON}"), \
            f"{f.field}: in clear → bands {_edges(AMOUNT_BANDS)}"  # fmt: skip
    if f.verdict is not Verdict.GENERALIZE:
        return None
    params = dict(f.params)
    if "bands" in params:
        edges = tuple(params["bands"])
        wider = (*edges[:-1:2], edges[-1])
        if len(wider) < 2 or wider == edges:
            return None
        params["bands"] = list(wider)
        return replace(f, params=params), f"{f.field}: bands {_edges(edges)} → {_edges(wider)}"
    for rule, ladder in LADDER:
        if rule in params and params[rule] in ladder:
            at = ladder.index(params[rule])
            if at + 1 < len(ladder):
                params[rule] = ladder[at + 1]
                return replace(f, params=params), \
                    f"{f.field}: {rule} {f.params[rule]} → {ladder[at + 1]}"  # fmt: skip
    return None


def _edges(edges: Sequence[object]) -> str:
    return "-".join(str(e) for e in edges)


def climb_ladder(
    decision: DeliveryDecision,
    deliver: Callable[[DeliveryDecision], list[DeliveryResult]],
) -> list[DeliveryResult]:
    """`deliver(decision)`, and while the release gate blocks it, again one ladder step
    coarser (`coarser`), removing what the blocked attempt wrote; the results of the last
    attempt, with the steps taken (`DeliveryResult.gate_steps`)."""
    results, steps = deliver(decision), ()
    while any(r.gate_blocked for r in results):
        step = coarser(decision)
        if step is None:
            break
        for done in results:
            if done.output_path:
                Path(done.output_path).unlink(missing_ok=True)
        decision, steps = step[0], steps + step[1]
        results = deliver(decision)
    return [replace(r, gate_steps=steps) for r in results] if steps else results
