"""The Arrow allocator a delivery sets for its process (`delivery._allocator`)."""

from __future__ import annotations

import pyarrow as pa
import pytest

from redaction import delivery


@pytest.fixture
def fresh_process(monkeypatch: pytest.MonkeyPatch):
    """The allocator not yet chosen; the test's default pool restored afterwards."""
    before = pa.default_memory_pool()
    monkeypatch.setattr(delivery, "_ALLOCATOR_SET", False)
    yield monkeypatch
    pa.set_memory_pool(before)


def test_delivery_allocates_from_jemalloc(fresh_process: pytest.MonkeyPatch) -> None:
    """Without a pool chosen in the environment, Arrow allocates from jemalloc afterwards."""
    if "jemalloc" not in pa.supported_memory_backends():
        pytest.skip("this pyarrow build has no jemalloc")
    fresh_process.delenv("ARROW_DEFAULT_MEMORY_POOL", raising=False)
    delivery._allocator()
    assert pa.default_memory_pool().backend_name == "jemalloc"


def test_a_pool_chosen_in_the_environment_is_kept(fresh_process: pytest.MonkeyPatch) -> None:
    """`ARROW_DEFAULT_MEMORY_POOL` set by the operator wins: the default pool is left alone."""
    fresh_process.setenv("ARROW_DEFAULT_MEMORY_POOL", "system")
    pa.set_memory_pool(pa.system_memory_pool())
    delivery._allocator()
    assert pa.default_memory_pool().backend_name == "system"
