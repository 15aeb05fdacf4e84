"""A read-only mapping computed afresh on each access: registries that can grow while a process
runs (`detectors.entity_specs`) are seen through it as they are now."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Generic, TypeVar

V = TypeVar("V")


class LiveMapping(Mapping[str, V], Generic[V]):
    """The mapping `current()` returns, asked again on every lookup (small registries only)."""

    def __init__(self, current: Callable[[], dict[str, V]]) -> None:
        self._current = current

    def __getitem__(self, name: str) -> V:
        return self._current()[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._current())

    def __len__(self) -> int:
        return len(self._current())
