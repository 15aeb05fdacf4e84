"""The batched phone validator agrees with `parse_phone` one value at a time."""

from __future__ import annotations

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from detectors import DetectionSettings
from detectors.columns.phones import phones_valid
from detectors.validators import parse_phone

SETTINGS = DetectionSettings()
_nanp = st.builds(
    lambda npa, nxx, line, style: style.format(a=npa, b=f"{nxx:03d}", c=f"{line:04d}"),
    st.integers(200, 999),
    st.integers(0, 999),
    st.integers(0, 9999),
    st.sampled_from(
        [
            "+1{a}{b}{c}", "1{a}{b}{c}", "{a}{b}{c}", "({a}) {b}-{c}", "{a}-{b}-{c}",
            "tel:+1{a}{b}{c}",
        ]
    ),
)
_international = st.builds(
    lambda cc, rest, style: style.format(cc=cc, rest=rest),
    st.sampled_from(["44", "33", "49", "61", "81", "52"]),
    st.from_regex(r"[1-9][0-9]{7,10}", fullmatch=True),
    st.sampled_from(["+{cc}{rest}", "011{cc}{rest}", "00{cc}{rest}"]),
)


@pytest.mark.slow
@settings(max_examples=80, deadline=None)
@given(st.lists(st.one_of(_nanp, _international), min_size=1, max_size=20, unique=True))
def test_batched_validation_matches_one_by_one(values: list[str]) -> None:
    """Shared verdicts per NANP prefix and per international key change no verdict."""
    expected = [
        parse_phone(v.removeprefix("tel:"), SETTINGS.default_region) is not None for v in values
    ]
    assert phones_valid(pa.array(values), SETTINGS).tolist() == expected
