"""Fast shape checks of verification against their RE2 references: the byte-level token check
(`pseudonymize.all_tokens`) and `not_matching` once per distinct value."""

from __future__ import annotations

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from redaction.keys import key_from_text
from redaction.operators.distinct import _not_matching, not_matching
from redaction.operators.generalize import _TS_DONE
from redaction.operators.pseudonymize import TOKEN_RE2, Pseudonymize, Pseudonymizer, all_tokens

# Bytes near the token alphabet, so that drawn cells often almost look like tokens.
_NEAR = st.sampled_from(list("AZMP09af_gG-é \n"))
_CELL = st.one_of(
    st.text(_NEAR, max_size=24),
    st.builds(
        lambda p, h: f"{p}_{h}",
        st.text(_NEAR, min_size=1, max_size=6),
        st.text(_NEAR, min_size=16, max_size=16),
    ),
    st.builds(
        lambda p, h: f"{p}_{h}",
        st.sampled_from(["PHONE", "SIP", "A1"]),
        st.text("0123456789abcdef", min_size=16, max_size=16),
    ),
)


@settings(max_examples=400)
@given(st.lists(st.one_of(st.none(), _CELL), min_size=1, max_size=6), st.integers(0, 3))
def test_all_tokens_only_says_what_re2_says(cells: list[str | None], start: int) -> None:
    """True only when RE2 finds no non-blank cell off the token shape (slices included)."""
    array = pa.array(cells, pa.string()).slice(min(start, len(cells) - 1))
    if all_tokens(array):
        assert not any(not_matching(array, TOKEN_RE2).to_pylist())


def test_all_tokens_accepts_real_tokens() -> None:
    """A column of the pseudonymizer's own tokens passes without RE2 (nulls aside)."""
    pseudonymizer = Pseudonymizer(key_from_text("k" * 32).derive("pseudonymize"))
    tokens = pseudonymizer.hash_array("PHONE_NUMBER", pa.array(["+15145550100", None, "+1555"]))
    assert all_tokens(tokens)
    assert all_tokens(tokens.slice(1))


@pytest.mark.parametrize(
    "cell",
    [
        "phone_0123456789abcdef",  # lower-case prefix
        "PHONE_0123456789abcdeF",  # upper-case hex
        "PHONE-0123456789abcdef",  # no underscore
        "1HONE_0123456789abcdef",  # prefix starts with a digit
        "PHO_E_0123456789abcdef",  # underscore inside the prefix
        "PHONÉ_0123456789abcde",  # non-ASCII byte of the same width
    ],
)
def test_all_tokens_rejects_cells_off_the_shape(cell: str) -> None:
    """One cell off the shape makes the fast check give way to RE2, which flags it."""
    array = pa.array(["PHONE_0123456789abcdef", cell])
    assert not all_tokens(array)
    op = Pseudonymize(Pseudonymizer(b"k" * 32), "PHONE_NUMBER")
    assert op.violations(array).to_pylist() == [False, True]


_TIMES = st.sampled_from(
    [
        "2026-01-01 03:00:00",  # generalized to the hour
        "2026-01-01 03:15:00",  # not generalized
        "",
        "  ",
        "2026-01-01",
        "x",
        "2026-01-01T04:00:00",
    ]
)


@settings(max_examples=60)
@given(st.lists(st.one_of(st.none(), _TIMES), min_size=1, max_size=12), st.integers(0, 40))
def test_not_matching_per_distinct_value_is_per_cell(cells: list[str | None], start: int) -> None:
    """A long column of repeated cells (matched once per distinct value) gets the answer of
    matching every cell."""
    column = pa.array((cells * (6000 // len(cells) + 1))[:6000], pa.string()).slice(start)
    pattern = _TS_DONE["hour"]
    assert not_matching(column, pattern).equals(_not_matching(column, pattern))
