"""Same seed → same bytes; other seed → other data; batch sizes never change the output."""

from __future__ import annotations

from pathlib import Path

import pytest

import synthetic
from synthetic.randomness import BLOCK_ROWS

# Rows per kind: CDRs cross a random-stream block boundary, the others stay small.
ROWS = {"cdr": BLOCK_ROWS + 150, "billing": 120, "tickets": 120}


def _bytes(dataset: synthetic.GeneratedDataset) -> tuple[bytes, bytes]:
    return dataset.data_path.read_bytes(), dataset.labels_path.read_bytes()


@pytest.mark.parametrize("kind", sorted(ROWS))
def test_same_seed_same_bytes_across_batch_sizes(tmp_path: Path, kind: str) -> None:
    """Two runs with one seed are byte-identical even when batch_rows differs (37 vs 1000)."""
    first = synthetic.generate(kind, ROWS[kind], tmp_path / "a", seed=11, batch_rows=37)
    second = synthetic.generate(kind, ROWS[kind], tmp_path / "b", seed=11, batch_rows=1000)
    assert _bytes(first) == _bytes(second)


@pytest.mark.parametrize("kind", sorted(ROWS))
def test_other_seed_other_data(tmp_path: Path, kind: str) -> None:
    """A different seed gives different data."""
    first = synthetic.generate(kind, 50, tmp_path / "a", seed=1)
    second = synthetic.generate(kind, 50, tmp_path / "b", seed=2)
    assert first.data_path.read_bytes() != second.data_path.read_bytes()


def test_rerun_replaces_files_in_place(tmp_path: Path) -> None:
    """Generating twice into one folder leaves the same files and no temporary ones."""
    first = synthetic.generate("billing", 30, tmp_path, seed=3)
    before = _bytes(first)
    synthetic.generate("billing", 30, tmp_path, seed=3)
    assert _bytes(first) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["billing.csv", "labels.json"]
