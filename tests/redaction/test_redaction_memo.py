"""ArrowMemo: values seen in an earlier batch are not computed again; memory stays bounded."""

from __future__ import annotations

import pickle

import pyarrow as pa

from redaction.operators.distinct import ArrowMemo, MemoryBank


class Counting:
    """A compute function that records how many values it was given."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    def __call__(self, values: pa.Array) -> pa.Array:
        self.seen.extend(values.to_pylist())
        return pa.array([f"T({v})" for v in values.to_pylist()])


def test_known_values_come_from_memory_and_nulls_stay_null():
    """The second batch computes only its one new value; results match cell by cell."""
    memo, compute = ArrowMemo(limit=10), Counting()
    assert memo.map(pa.array(["a", "b", None, "a"]), compute).to_pylist() == [
        "T(a)", "T(b)", None, "T(a)"
    ]  # fmt: skip
    assert memo.map(pa.array(["b", "c", "a", None]), compute).to_pylist() == [
        "T(b)", "T(c)", "T(a)", None
    ]  # fmt: skip
    assert compute.seen == ["a", "b", "c"]


def test_memory_never_exceeds_its_limit():
    """Past the limit new values are computed every time, not remembered."""
    memo, compute = ArrowMemo(limit=2), Counting()
    memo.map(pa.array(["a", "b", "c"]), compute)
    memo.map(pa.array(["a", "b", "c"]), compute)
    assert len(memo) == 2
    assert compute.seen == ["a", "b", "c", "c"]


def test_memory_never_exceeds_its_byte_budget():
    """Long values fill the byte budget before the count limit: memory is bounded either way."""
    memo, compute = ArrowMemo(limit=1_000, max_bytes=20_000), Counting()
    long_values = pa.array([f"{i:04d}" + "x" * 200 for i in range(300)])
    memo.map(long_values, compute)
    memo.map(long_values, compute)
    assert 0 < len(memo) < 300
    assert memo._memory[0].nbytes + memo._memory[1].nbytes <= 20_000
    assert len(compute.seen) == 600 - len(memo)


def test_nearly_unique_column_keeps_nothing():
    """Call ids are new in every batch: remembering them would only cost memory."""
    memo, compute = ArrowMemo(limit=100_000), Counting()
    ids = pa.array([f"call-{i}" for i in range(2_000)])
    memo.map(ids, compute)
    assert len(memo) == 0
    assert memo.map(ids.slice(0, 5), compute).to_pylist() == [f"T(call-{i})" for i in range(5)]


def test_pickled_memo_carries_no_values():
    """Memories hold raw values: a pickled operator (Dask, Prefect) must not ship them."""
    memo = ArrowMemo(limit=10)
    memo.map(pa.array(["5145550123"]), Counting())
    copy = pickle.loads(pickle.dumps(memo))
    assert len(copy) == 0 and b"5145550123" not in pickle.dumps(memo)


def test_threads_sharing_one_memo_always_get_their_own_values_results():
    """Several files of one delivery run at once on one plan: no token for another value."""
    from concurrent.futures import ThreadPoolExecutor

    memo = ArrowMemo(limit=5_000)

    def compute(values: pa.Array) -> pa.Array:
        return pa.array([f"T({v})" for v in values.to_pylist()])

    def batch(seed: int) -> bool:
        values = [f"v{(seed * 7919 + i * 31) % 3_000}" for i in range(1_200)]
        return memo.map(pa.array(values), compute).to_pylist() == [f"T({v})" for v in values]

    with ThreadPoolExecutor(8) as pool:
        assert all(pool.map(batch, range(64)))
    assert len(memo) <= 5_000


def test_threads_adding_the_same_values_keep_each_key_once():
    """Columns sharing a memory learn the same new numbers at once: each key is kept once."""
    from concurrent.futures import ThreadPoolExecutor

    memo = ArrowMemo(limit=50_000, judge_first_batch=False)

    def batch(seed: int) -> None:
        memo.map(pa.array([f"v{(seed * 97 + i) % 4_000}" for i in range(2_000)]), Counting())

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(batch, range(48)))
    keys = memo._memory[0].to_pylist()
    assert len(keys) == len(set(keys)) == 4_000


def test_a_shared_memory_is_not_given_up_on_one_columns_first_batch():
    """A nearly distinct first batch turns off a column's own memory, not a shared one."""
    memo, compute = ArrowMemo(limit=100_000, judge_first_batch=False), Counting()
    ids = pa.array([f"+1514555{i:04d}" for i in range(2_000)])
    memo.map(ids, compute)
    memo.map(ids, compute)
    assert len(memo) == 2_000 and len(compute.seen) == 2_000


def test_bank_gives_one_memory_per_scope_and_name_and_pickles_empty():
    bank = MemoryBank()
    assert bank.memo(b"k1", "PHONE_NUMBER") is bank.memo(b"k1", "PHONE_NUMBER")
    assert bank.memo(b"k1", "PHONE_NUMBER") is not bank.memo(b"k2", "PHONE_NUMBER")
    assert bank.memo(b"k1", "PHONE_NUMBER") is not bank.memo(b"k1", "phone_parse")
    bank.memo(b"k1", "PHONE_NUMBER").map(pa.array(["5145550123"]), Counting())
    assert b"5145550123" not in pickle.dumps(bank)
    assert len(pickle.loads(pickle.dumps(bank)).memo(b"k1", "PHONE_NUMBER")) == 0


def test_a_growing_memory_is_kept_in_few_chunks_and_answers_every_batch():
    """Each batch adds to the memory without copying all of it; over many batches the memory
    stays in a few chunks (each larger than the next) and every cell gets its own result."""
    memo, compute = ArrowMemo(limit=100_000, judge_first_batch=False), Counting()
    for batch in range(40):
        values = [f"v{(batch * 37 + i) % 3_000}" for i in range(300)] + [None]
        assert memo.map(pa.array(values), compute).to_pylist() == [
            None if v is None else f"T({v})" for v in values
        ]
    sizes = [len(chunk) for chunk in memo._memory[0].chunks]
    assert sizes == sorted(sizes, reverse=True) and len(sizes) <= 12
    assert len(compute.seen) == len(set(compute.seen)) == len(memo) > 1_000
