"""Run a per-value Python function once per distinct value of an Arrow array, then map back.

Identifiers in telecom exports repeat a lot (KNOWN.md: 1.44M rows/s on distinct values against
168k values/s per row for HMAC), so every per-value operator goes through `map_distinct`.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

STRING = pa.string()
MEMO_MAX = 500_000  # distinct values remembered per memory across batches, at most…
MEMO_BYTES = 24 << 20  # …and at most this many bytes of values and results (long values)
NULL = pa.null()


def as_array(values: pa.Array | pa.ChunkedArray) -> pa.Array:
    """A single contiguous array from an array or chunked array."""
    if isinstance(values, pa.ChunkedArray):
        return values.combine_chunks() if values.num_chunks else pa.array([], values.type)
    return values


def as_text(values: pa.Array) -> pa.Array:
    """String view of an array (dictionary decoded, numbers/booleans cast to their text)."""
    if pa.types.is_dictionary(values.type):
        values = values.dictionary_decode()
    if pa.types.is_large_string(values.type) or pa.types.is_string_view(values.type):
        return pc.cast(values, pa.string())
    if pa.types.is_string(values.type):
        return values
    return pc.cast(values, pa.string())


def changed_by(op: Callable[[pa.Array], pa.Array], values: pa.Array) -> pa.Array:
    """True where applying `op` again would change a cell: it was not transformed (null-aware)."""
    values = as_array(values)
    again = op(values)
    same = pc.fill_null(pc.equal(pc.cast(again, values.type), values), False)
    both_null = pc.and_(pc.is_null(values), pc.is_null(again))
    return pc.invert(pc.or_(same, both_null))


def not_matching(values: pa.Array, pattern: str) -> pa.Array:
    """True where a non-null, non-blank cell does not fully match `pattern` (RE2).

    A column whose first cells repeat a lot (generalized times, networks) is matched once per
    distinct value: encoding it costs a quarter of matching every cell."""
    text = as_text(as_array(values))
    if repeats(text):
        encoded = pc.dictionary_encode(text)
        return pc.fill_null(_not_matching(encoded.dictionary, pattern).take(encoded.indices), False)
    return _not_matching(text, pattern)


_SAMPLE = 1024  # first cells looked at to tell a column of few distinct values


def repeats(text: pa.Array) -> bool:
    """A long column whose first `_SAMPLE` cells are at most a quarter distinct values: work
    per distinct value, then a take, costs less than work per cell."""
    if len(text) <= 4 * _SAMPLE:
        return False
    return pc.count_distinct(text.slice(0, _SAMPLE)).as_py() <= _SAMPLE // 4


def _not_matching(text: pa.Array, pattern: str) -> pa.Array:
    matched = pc.match_substring_regex(text, pattern)
    if pc.all(pc.fill_null(matched, True)).as_py():  # the usual case: blanks need no look
        return pc.fill_null(pc.invert(matched), False)
    blank = pc.equal(pc.utf8_trim_whitespace(text), "")
    return pc.fill_null(pc.invert(pc.or_(matched, blank)), False)


def map_distinct(
    values: pa.Array | pa.ChunkedArray,
    fn: Callable[[str], object],
    out_type: pa.DataType = STRING,
) -> pa.Array:
    """`fn` applied to each distinct non-null value (as text); nulls stay null."""
    text = as_text(as_array(values))
    encoded = pc.dictionary_encode(text)
    mapped = pa.array([fn(v) for v in encoded.dictionary.to_pylist()], out_type)
    return mapped.take(encoded.indices)


def _slots_in(keys: pa.ChunkedArray, distinct: pa.Array) -> np.ndarray:
    """For each value of `distinct`, its index in `keys` (distinct too), or -1.

    The hash table is built over the batch's distinct values (once for all of the memory's
    chunks) and probed with the memory's keys: building is the costly half of `index_in`, and a
    batch holds fewer values than the memory.
    """
    found = pc.fill_null(pc.index_in(keys, value_set=distinct), -1).to_numpy()
    slot = np.full(len(distinct), -1, dtype=np.int64)
    hit = np.flatnonzero(found >= 0)
    slot[found[hit]] = hit
    return slot


def _appended(chunks: list[pa.Array], new: pa.Array) -> list[pa.Array]:
    """`chunks` with `new` after them, merged so that each chunk is larger than the next: a
    value is copied O(log n) times over a memory's life, not once per batch, and a memory
    holds O(log n) chunks."""
    chunks = [*chunks, new]
    while len(chunks) > 1 and len(chunks[-2]) <= len(chunks[-1]):
        chunks[-2:] = [pa.concat_arrays(chunks[-2:])]
    return chunks


def spread(results: pa.Array, where: np.ndarray) -> pa.Array:
    """`results` (one per true cell of `where`, in order) placed back at those cells; null at
    the others."""
    return results.take(pa.array(np.cumsum(where) - 1, mask=~where))


def _take_through(values: pa.Array, order: np.ndarray, indices: pa.Array) -> pa.Array:
    """`values.take(order).take(indices)` with one string copy: the indices are composed first."""
    codes = pc.fill_null(indices, 0).to_numpy(zero_copy_only=False)
    nulls = indices.is_null().to_numpy(zero_copy_only=False) if indices.null_count else None
    return values.take(pa.array(order[codes], mask=nulls))


def _taken(results: pa.ChunkedArray, slots: np.ndarray) -> tuple[pa.Array, np.ndarray]:
    """`results` at `slots`, taken chunk by chunk (a take across the chunks of a string array
    is ~5x slower than from one chunk): (the values, grouped by chunk; where each slot's value
    is among them). `_take_through` composes that order with the batch's indices."""
    if results.num_chunks == 1:
        return results.chunk(0).take(pa.array(slots)), np.arange(len(slots))
    lengths = [len(chunk) for chunk in results.chunks]
    starts = np.cumsum([0, *lengths[:-1]])
    chunk_of = np.searchsorted(starts, slots, side="right") - 1
    by_chunk = np.argsort(chunk_of, kind="stable")
    bounds = np.searchsorted(chunk_of[by_chunk], np.arange(len(lengths) + 1))
    parts = [
        results.chunk(k).take(pa.array(slots[by_chunk[low:high]] - starts[k]))
        for k, (low, high) in enumerate(itertools.pairwise(bounds))
        if high > low
    ]
    order = np.empty(len(slots), dtype=np.int64)
    order[by_chunk] = np.arange(len(slots))
    values = pa.concat_arrays(parts) if parts else results.chunk(0).slice(0, 0)
    return values, order


class ArrowMemo:
    """Results for values seen in earlier batches, kept as Arrow arrays.

    A batch's known values are found column-wise (`pc.index_in`); only its new distinct values
    are computed, so a subscriber seen in batch 1 costs no Python work in batch 900. Holds at most
    `limit` values and `max_bytes` of keys and results. Unless `judge_first_batch` is false (a
    shared memory), a column whose first batch is nearly all distinct (call ids, channels) keeps
    nothing: every batch would be new. Raw values stay in this process: never pickled.

    Safe to share between threads (columns of one plan share memories, and one plan may deliver
    several files at once): each call reads one snapshot of (keys, results); additions are made
    under a lock and skip keys another thread added since that snapshot, so keys stay distinct
    and always match their results.
    """

    def __init__(
        self,
        limit: int,
        out_type: pa.DataType = STRING,
        max_bytes: int = MEMO_BYTES,
        judge_first_batch: bool = True,
    ) -> None:
        self.limit = limit
        self.out_type = out_type
        self.max_bytes = max_bytes
        self.judge_first_batch = judge_first_batch
        # keys and results, in chunks of decreasing size (`_appended`)
        self._memory: tuple[pa.ChunkedArray, pa.ChunkedArray] | None = None
        self._unique: bool | None = None if judge_first_batch else False
        self._adding = threading.Lock()

    def __getstate__(self) -> dict[str, object]:
        return {"limit": self.limit, "out_type": self.out_type, "max_bytes": self.max_bytes,
                "judge_first_batch": self.judge_first_batch}  # fmt: skip

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__init__(**state)  # type: ignore[misc, arg-type]

    @property
    def unique(self) -> bool:
        """The first batch was nearly all distinct values, so nothing is remembered."""
        return bool(self._unique)

    def __len__(self) -> int:
        memory = self._memory
        return 0 if memory is None else len(memory[0])

    def map(
        self, values: pa.Array | pa.ChunkedArray, compute: Callable[[pa.Array], pa.Array]
    ) -> pa.Array:
        """`compute` (distinct non-null texts → results, same order) for each cell; nulls stay.
        In a column judged nearly all distinct (`unique`) `compute` gets every non-null cell, a
        rare repeat included: results per value are the same, and nothing is encoded."""
        text = as_text(as_array(values))
        if self._unique is None and len(text) >= 1000:
            self._unique = pc.count_distinct(text).as_py() > 0.99 * len(text)
        if self._unique:  # call ids, channels: no value to share, so no encoding either
            if not text.null_count:
                return pc.cast(compute(text), self.out_type)
            fresh = pc.cast(compute(text.drop_null()), self.out_type)
            return spread(fresh, text.is_valid().to_numpy(zero_copy_only=False))
        encoded = pc.dictionary_encode(text)
        distinct = encoded.dictionary
        memory = self._memory
        if memory is None or not len(distinct):
            fresh = pc.cast(compute(distinct), self.out_type)
            self._remember(distinct, fresh, memory)
            return fresh.take(encoded.indices)
        keys, results = memory
        slot = _slots_in(keys, distinct)  # memory index per distinct value, -1 when new
        new = slot < 0
        if not new.any():
            local, order = _taken(results, slot)
            return _take_through(local, order, encoded.indices)
        new_values = distinct.filter(pa.array(new))
        fresh = pc.cast(compute(new_values), self.out_type)
        self._remember(new_values, fresh, memory)
        # One array of results per distinct value: the remembered ones this batch holds (not
        # the whole memory), then the fresh ones.
        known = np.flatnonzero(~new)
        local, local_order = _taken(results, slot[known])
        order = np.empty(len(distinct), dtype=np.int64)
        order[known] = local_order
        order[new] = len(local) + np.arange(len(new_values))
        return _take_through(pa.concat_arrays([local, fresh]), order, encoded.indices)

    def _remember(
        self,
        keys: pa.Array,
        results: pa.Array,
        seen: tuple[pa.Array, pa.Array] | None,
    ) -> None:
        """Add `keys` (new against the snapshot `seen`) and their results, within the bounds."""
        with self._adding:
            memory = self._memory
            if memory is not None and memory is not seen:  # another thread added meanwhile
                added = as_array(memory[0].slice(0 if seen is None else len(seen[0])))
                fresh = pc.invert(pc.is_in(keys, value_set=added))
                keys, results = keys.filter(fresh), results.filter(fresh)
            held = 0 if memory is None else len(memory[0])
            held_bytes = 0 if memory is None else memory[0].nbytes + memory[1].nbytes
            room = self.limit - held
            if room <= 0 or not len(keys) or held_bytes >= self.max_bytes:
                return
            per_value = (keys.nbytes + results.nbytes) / len(keys)
            room = min(room, int((self.max_bytes - held_bytes) / per_value))
            keys, results = keys.slice(0, room), results.slice(0, room)
            if memory is None:
                self._memory = (pa.chunked_array([keys]), pa.chunked_array([results]))
            else:
                self._memory = (
                    pa.chunked_array(_appended(memory[0].chunks, keys), keys.type),
                    pa.chunked_array(_appended(memory[1].chunks, results), results.type),
                )


class MemoryBank:
    """The memories one plan's columns share, by scope and name: a phone number in `src`, `dst`
    and inside `clid` is looked up and tokenized once. Holds raw values; never pickled."""

    def __init__(self) -> None:
        self._memos: dict[tuple[bytes, str], ArrowMemo] = {}
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"MemoryBank({len(self._memos)} memories)"

    def __getstate__(self) -> dict[str, object]:
        return {"empty": True}  # not a false value, so that unpickling calls __setstate__

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__init__()  # type: ignore[misc]

    def memo(self, scope: bytes, name: str) -> ArrowMemo:
        """The memory `name` within `scope` (e.g. a key fingerprint), made on first use."""
        with self._lock:
            if (scope, name) not in self._memos:
                # Shared: one column's nearly distinct first batch does not decide for the others.
                self._memos[scope, name] = ArrowMemo(MEMO_MAX, judge_first_batch=False)
            return self._memos[scope, name]
