"""Seeded random streams keyed by purpose and block, so output never depends on batch sizes."""

from __future__ import annotations

import random

import numpy as np

BLOCK_ROWS = 32_768
"""Rows drawn from one random stream; fixed so that `batch_rows` only changes how we write."""


def numpy_stream(seed: int, purpose: str, block: int = 0) -> np.random.Generator:
    """A numpy generator for one purpose and block of rows."""
    key = [seed & 0xFFFFFFFF, seed >> 32 & 0xFFFFFFFF, *purpose.encode(), block]
    return np.random.default_rng(np.random.SeedSequence(key))


def python_stream(seed: int, purpose: str, index: int = 0) -> random.Random:
    """A `random.Random` for per-row generation (billing, tickets) and per-person details."""
    return random.Random(f"{seed}:{purpose}:{index}")


def blocks(rows: int) -> list[tuple[int, int, int]]:
    """(block number, first row, row count) covering `rows` rows."""
    return [
        (b, start, min(BLOCK_ROWS, rows - start))
        for b, start in enumerate(range(0, rows, BLOCK_ROWS))
    ]
