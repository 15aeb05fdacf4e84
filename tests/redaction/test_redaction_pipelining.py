"""prefetch/background: order kept, errors surface where the caller can handle them."""

from __future__ import annotations

import threading

import pytest

from redaction.pipelining import background, prefetch


def test_prefetch_keeps_order_and_reads_ahead_in_another_thread():
    """Items arrive in order; they were produced off the caller's thread."""
    producers: set[str] = set()

    def items():
        for i in range(50):
            producers.add(threading.current_thread().name)
            yield i

    assert list(prefetch(items())) == list(range(50))
    assert producers == {"teleprivacy-read"}


def test_prefetch_reraises_the_readers_error_after_the_items_before_it():
    """An unreadable file fails the delivery with its own error, not a hang."""

    def items():
        yield 1
        raise ValueError("row 7 of cdr.csv: expected 18 fields")

    got = []
    with pytest.raises(ValueError, match=r"row 7 of cdr\.csv"):
        for item in prefetch(items()):
            got.append(item)
    assert got == [1]


def test_prefetch_stops_its_reader_when_the_consumer_stops_early():
    """A transform error mid-file leaves no reader thread running."""
    before = threading.active_count()
    for item in prefetch(iter(range(10_000))):
        if item == 3:
            break
    assert threading.active_count() == before


def test_background_consumes_everything_in_order_before_leaving():
    """Every submitted batch is written, in order, by the time the block ends."""
    written: list[int] = []
    with background(written.append) as submit:
        for i in range(100):
            submit(i)
    assert written == list(range(100))


def test_background_raises_the_writers_error_and_stops_writing():
    """A full disk surfaces as the writer's error; nothing after it is written."""
    written: list[int] = []

    def write(item: int) -> None:
        if item == 2:
            raise OSError("No space left on device")
        written.append(item)

    with pytest.raises(OSError, match="No space left"), background(write) as submit:
        for i in range(20):
            submit(i)
    assert written == [0, 1]
