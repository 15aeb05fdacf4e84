"""The sweep reads worded e-mails (`jo at example dot com`) wherever a cell could hold one, and
skips that pass only for leaves without an `a`. Synthetic addresses at example.com."""

from __future__ import annotations

import pyarrow as pa
import pytest

from detectors import sweep

WORDED = [
    "JO DOT ROE AT EXAMPLE DOT COM",
    "jo.roe [at] example [dot] com",
    "jo arobase example point fr",
]


@pytest.mark.parametrize("cell", WORDED)
def test_a_worded_email_among_numbers_is_found(cell: str) -> None:
    cells = [f"1767225{i:03d}.{i}" for i in range(3_000)]
    cells[2_345] = cell
    hits = sweep.sweep_values(pa.array(cells), column="uniqueid")
    assert set(hits) == {"EMAIL_ADDRESS"}
    assert hits["EMAIL_ADDRESS"].rows.nonzero()[0].tolist() == [2_345]


def test_a_slice_is_read_from_its_own_bytes() -> None:
    column = pa.array(["at home", "1767225630.1", "2026-01-01 00:00:00", "", "A"])
    assert sweep._holds_a(column)
    assert not sweep._holds_a(column.slice(1, 3))
    assert sweep._holds_a(column.slice(4))
    assert not sweep._holds_a(column.slice(3, 1))
    assert not sweep._holds_a(pa.array([], pa.string()))
    assert sweep._holds_a(pa.array(["x"], pa.large_string()))  # not read: the pass decides
