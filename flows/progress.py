"""Progress of a long step on the terminal: rows done, rate and time left, never values."""

from __future__ import annotations

import time
from collections.abc import Callable


def _duration(seconds: float) -> str:
    seconds = max(0, int(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}h{minutes:02d}m" if hours else f"{minutes}m{secs:02d}s"


class Progress:
    """A `progress(rows_done)` callback that logs a line at most every `every` seconds.

    `expected_rows` (from the profile's row count) gives the share done and the ETA; without it
    only rows and rate are shown.
    """

    def __init__(
        self,
        label: str,
        log: Callable[[str], None],
        expected_rows: int | None = None,
        every: float = 10.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.label, self.log, self.expected, self.every, self.clock = (
            label, log, expected_rows, every, clock,
        )  # fmt: skip
        self.started = self.last = clock()

    def __call__(self, rows_done: int) -> None:
        now = self.clock()
        if now - self.last >= self.every:
            self.last = now
            self.log(self.line(rows_done, now))

    def line(self, rows_done: int, now: float) -> str:
        elapsed = max(now - self.started, 1e-9)
        rate = rows_done / elapsed
        text = f"{self.label}: {rows_done:,} rows, {rate:,.0f} rows/s"
        if self.expected and rows_done <= self.expected:
            share = rows_done / self.expected
            left = (self.expected - rows_done) / rate if rate else 0.0
            text += f", {share:.0%} done, about {_duration(left)} left"
        return text
