"""Overlap reading, transforming and writing: Arrow's CSV parser and Parquet writer release the
GIL, so on two cores the next batch is parsed and the last one written while Python transforms
the current one. Each stage holds at most `depth` batches, so memory stays bounded by batch.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import TypeVar

T = TypeVar("T")
_DONE = object()
_POLL_SECONDS = 0.1


class _Failure:
    def __init__(self, error: BaseException) -> None:
        self.error = error


def prefetch(items: Iterable[T], depth: int = 2) -> Iterator[T]:
    """`items`, produced by a background thread up to `depth` ahead; its errors re-raised here."""
    handoff: queue.Queue[object] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def offer(item: object) -> bool:
        while not stop.is_set():
            try:
                handoff.put(item, timeout=_POLL_SECONDS)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for item in items:
                if not offer(item):
                    return
        except BaseException as error:  # handed to the consumer, which re-raises it
            offer(_Failure(error))
            return
        offer(_DONE)

    thread = threading.Thread(target=produce, name="teleprivacy-read", daemon=True)
    thread.start()
    try:
        while True:
            item = handoff.get()
            if item is _DONE:
                return
            if isinstance(item, _Failure):
                raise item.error
            yield item  # type: ignore[misc]
    finally:
        stop.set()
        thread.join()


@contextmanager
def background(
    consume: Callable[[T], None], depth: int = 2, name: str = "teleprivacy-write"
) -> Iterator[Callable[[T], None]]:
    """A `submit(item)` that runs `consume(item)` in order on a background thread (`name`).

    Leaving the block waits for every submitted item; the first error `consume` raised is raised
    from `submit` or on leaving, and nothing after it is consumed.
    """
    handoff: queue.Queue[object] = queue.Queue(maxsize=depth)
    failures: list[BaseException] = []

    def run() -> None:
        while True:
            item = handoff.get()
            if item is _DONE:
                return
            if failures:
                continue  # drain without consuming after a failure
            try:
                consume(item)  # type: ignore[arg-type]
            except BaseException as error:
                failures.append(error)

    thread = threading.Thread(target=run, name=name, daemon=True)
    thread.start()

    def submit(item: T) -> None:
        if failures:
            raise failures[0]
        handoff.put(item)

    try:
        yield submit
    finally:
        handoff.put(_DONE)
        thread.join()
    if failures:
        raise failures[0]
