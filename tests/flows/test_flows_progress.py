"""Progress lines: rows, rate and ETA, throttled, with no data in them."""

from __future__ import annotations

from flows.progress import Progress


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_line_gives_rows_rate_share_and_time_left():
    """Half of 2M rows in 10 s: 100k rows/s, 50 %, ten more seconds."""
    clock = Clock()
    progress = Progress("deliver cdr-quality part 0", print, expected_rows=2_000_000, clock=clock)
    assert progress.line(1_000_000, 110.0) == (
        "deliver cdr-quality part 0: 1,000,000 rows, 100,000 rows/s, 50% done, about 0m10s left"
    )


def test_without_an_expected_count_only_rows_and_rate():
    """A file the profile did not count still reports its pace."""
    progress = Progress("deliver x", print, clock=Clock())
    assert progress.line(5_000, 110.0) == "deliver x: 5,000 rows, 500 rows/s"


def test_logs_at_most_every_interval():
    """Batches arrive many times a second; the terminal gets a line every 10 s."""
    clock, lines = Clock(), []
    progress = Progress("deliver x", lines.append, expected_rows=10_000, clock=clock)
    for step in range(1, 31):
        clock.now = 100.0 + step
        progress(step * 100)
    assert len(lines) == 3 and lines[0].startswith("deliver x: 1,000 rows")
