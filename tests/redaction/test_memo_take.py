"""Results taken from a memory chunk by chunk (`distinct._taken`) against Arrow's chunked take."""

from __future__ import annotations

import itertools

import numpy as np
import pyarrow as pa
from hypothesis import given
from hypothesis import strategies as st

from redaction.operators.distinct import _take_through, _taken


@given(
    st.lists(st.integers(1, 7), min_size=1, max_size=5),  # chunk lengths
    st.lists(st.integers(0, 10_000), min_size=1, max_size=40),  # slots, into the memory
    st.lists(st.one_of(st.none(), st.integers(0, 100)), max_size=30),  # a batch's indices
)
def test_taken_then_composed_is_the_chunked_take(
    lengths: list[int], raw_slots: list[int], raw_indices: list[int | None]
) -> None:
    """Each slot's result lands where the batch's indices ask for it; nulls stay null."""
    values = [f"TOKEN_{i:016x}" for i in range(sum(lengths))]
    starts = np.cumsum([0, *lengths])
    results = pa.chunked_array(
        [pa.array(values[a:b]) for a, b in itertools.pairwise(starts)]
    )
    slots = np.array([s % len(values) for s in raw_slots], dtype=np.int64)
    indices = pa.array([None if i is None else i % len(slots) for i in raw_indices], pa.int32())
    local, order = _taken(results, slots)
    expected = results.take(pa.array(slots)).combine_chunks().take(indices)
    assert _take_through(local, order, indices).equals(expected)
