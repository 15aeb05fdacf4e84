"""Analyse many texts on every core: forked children each take a share, this process the first.

spaCy and our recognizers are Python-bound (the GIL), so threads do not help; `nlp.pipe
(n_process=…)` would move only NER (less than half of a scan) and ship every `Doc` back as bytes.
A child forked from this process instead already holds the loaded pipelines and the texts: no
model is loaded again, no text is pickled or written anywhere, and what comes back through a
pipe is spans (offsets, entity types, scores). The model's pages are shared copy-on-write.

A child that fails (an exception, a signal, a short answer) is logged by type only and its share
is analysed here instead: the result never depends on the children. Below
`MIN_TEXTS_PER_PROCESS` texts a share, or with one usable core, or where `fork` does not exist,
everything runs in this process. `TELEPRIVACY_TEXT_PROCESSES` caps the processes (1: none).
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import os
import pickle
import select
import signal
import time
from collections.abc import Callable, Sequence
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")

PROCESSES_ENV = "TELEPRIVACY_TEXT_PROCESSES"
MAX_PROCESSES = 4
# A fork costs ~10–30 ms and a text ~5–10 ms: below this many texts a share, one process wins.
MIN_TEXTS_PER_PROCESS = 64
STUCK_CHILD_SECONDS = 60.0

logger = logging.getLogger(__name__)


def process_count() -> int:
    """Processes to share a large batch of texts: the usable cores (at most `MAX_PROCESSES`),
    or `TELEPRIVACY_TEXT_PROCESSES` when set."""
    configured = os.environ.get(PROCESSES_ENV, "").strip()
    if configured.isdigit() and int(configured) >= 1:
        return int(configured)
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, MAX_PROCESSES))


def split_map(
    work: Callable[[list[T]], list[R]],
    items: Sequence[T],
    weights: Sequence[int] | None = None,
    processes: int | None = None,
) -> list[R]:
    """`work(items)`, computed in contiguous shares of about equal weight (one per process).

    `work` must return one result per item, in order, and be deterministic: results are the
    same whichever process computes a share. The results must be picklable; `items` are not
    pickled (the children inherit them).
    """
    items = list(items)
    wanted = process_count() if processes is None else processes
    count = min(wanted, len(items) // MIN_TEXTS_PER_PROCESS)
    if count < 2 or not hasattr(os, "fork"):
        return work(items)
    shares = _shares(items, weights, count)
    children = [_Child(work, share) for share in shares[1:]]
    try:
        started = time.monotonic()
        results = work(shares[0])
        # Shares weigh about the same: a child still silent long after this one is stuck.
        timeout = 4 * (time.monotonic() - started) + STUCK_CHILD_SECONDS
        for child, share in zip(children, shares[1:], strict=True):
            results.extend(child.result(lambda share=share: work(share), timeout))
    finally:
        for child in children:
            child.stop()
    return results


def _shares(items: list[T], weights: Sequence[int] | None, count: int) -> list[list[T]]:
    """`items` cut into `count` contiguous, non-empty runs of about equal total weight."""
    weights = [1] * len(items) if weights is None else [max(1, w) for w in weights]
    total = sum(weights)
    cuts, running, target = [], 0, 1
    for index, weight in enumerate(weights):
        running += weight
        if len(cuts) < count - 1 and running >= total * target / count:
            cuts.append(index + 1)
            target += 1
    bounds = [0, *cuts, len(items)]
    return [items[a:b] for a, b in itertools.pairwise(bounds) if b > a]


class _Child:
    """One forked child computing `work(share)`; its answer comes back through a pipe."""

    def __init__(self, work: Callable[[list[T]], list[R]], share: list[T]) -> None:
        self._expected = len(share)
        self._pid = 0
        self._read = -1
        self.reason = ""
        try:
            read, write = os.pipe()
        except OSError as error:
            self.reason = type(error).__name__
            return
        try:
            self._pid = os.fork()
        except OSError as error:  # no memory or process slots left: analysed here instead
            os.close(read)
            os.close(write)
            self.reason = type(error).__name__
            return
        if self._pid == 0:
            _answer(work, share, read, write)  # never returns
        os.close(write)
        self._read = read

    def result(self, fallback: Callable[[], list[R]], timeout: float) -> list[R]:
        """The child's results, or `fallback()` when it gave none within `timeout` seconds
        (a child that hangs is killed), failed, or gave too few."""
        if self._read >= 0:
            try:
                ready, _, _ = select.select([self._read], [], [], timeout)
                if not ready:
                    self.reason = f"no answer in {timeout:.0f} s"
                else:
                    with os.fdopen(self._read, "rb") as pipe:
                        self._read = -1
                        ok, value = pickle.load(pipe)
                    if ok and isinstance(value, list) and len(value) == self._expected:
                        self._reap()
                        return value
                    self.reason = value if not ok else "a short answer"
            except (EOFError, OSError, pickle.UnpicklingError) as error:
                self.reason = type(error).__name__
        self.stop()
        logger.warning("a text analysis child process failed (%s); its share is analysed here",
                       self.reason)  # fmt: skip
        return fallback()

    def stop(self) -> None:
        """Close the pipe; kill the child if it still runs, and reap it."""
        if self._read >= 0:
            os.close(self._read)
            self._read = -1
        if self._pid > 0:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self._pid, signal.SIGKILL)
            self._reap()

    def _reap(self) -> None:
        if self._pid > 0:
            with contextlib.suppress(ChildProcessError):
                os.waitpid(self._pid, 0)
            self._pid = 0


def _answer(work: Callable[[list[T]], list[R]], share: list[T], read: int, write: int) -> None:
    """In the child: compute, send `(True, results)` or `(False, error type)`, and exit at once
    (no atexit handler, no flush of the parent's buffers, no finalizer runs twice)."""
    status = 1
    try:
        os.close(read)
        logging.disable(logging.CRITICAL)  # the parent's handlers (Prefect's API) are not ours
        with contextlib.suppress(ValueError):
            signal.signal(signal.SIGINT, signal.SIG_DFL)  # Ctrl-C ends the child outright
        try:
            answer: tuple[bool, object] = (True, work(share))
        except BaseException as error:  # the parent analyses the share instead
            answer = (False, type(error).__name__)
        with os.fdopen(write, "wb") as pipe:
            pickle.dump(answer, pipe, protocol=pickle.HIGHEST_PROTOCOL)
        status = 0
    finally:
        os._exit(status)
