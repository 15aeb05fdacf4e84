"""Every number the generator can emit is valid for `phonenumbers`, in every written format."""

from __future__ import annotations

import pyarrow as pa
import pytest
from hypothesis import given
from hypothesis import strategies as st

from detectors.validators import parse_phone, to_e164
from synthetic import phones
from synthetic.cdr import switch_format_table
from synthetic.company import COMPANY


def test_north_american_range_is_valid() -> None:
    """Lines 0101 and 0199 (the range ends) of every area code parse as valid numbers."""
    invalid = [
        (area, line)
        for area in phones.AREA_CODES
        for line in (phones.NA_LINES.start, phones.NA_LINES.stop - 1)
        if parse_phone(f"+1{area}555{line:04d}") is None
    ]
    assert invalid == []


@pytest.mark.parametrize(("prefix", "first", "last", "width"), phones.INTERNATIONAL_RANGES)
def test_international_range_is_valid(prefix: str, first: int, last: int, width: int) -> None:
    """Every tenth number of each drama range parses as valid."""
    for n in range(first, last + 1, 10):
        assert parse_phone(f"{prefix}{n:0{width}d}") is not None


_NUMBERS = st.one_of(
    st.builds(lambda a, line: f"+1{a}555{line:04d}", st.sampled_from(phones.AREA_CODES),
              st.sampled_from(phones.NA_LINES)),
    st.sampled_from(phones.international_pool()),
)


@given(_NUMBERS, st.integers(0, phones.TEXT_STYLES - 1))
def test_every_format_parses_back(e164: str, style: int) -> None:
    """Switch and human formats all normalise back to the same E.164 number."""
    written = [*phones.switch_formats(e164), phones.dialled_digits(e164),
               phones.text_format(e164, style)]
    assert {to_e164(w) for w in written} == {e164}


@given(st.lists(_NUMBERS, min_size=1, max_size=20))
def test_vectorised_formats_match_the_reference(numbers: list[str]) -> None:
    """The Arrow rendering used for CDRs equals `switch_formats`/`dialled_digits` per number."""
    table, dialled = switch_format_table(pa.array(numbers, pa.string()))
    count = len(numbers)
    for i, number in enumerate(numbers):
        assert tuple(table[f * count + i].as_py() for f in range(5)) == phones.switch_formats(
            number
        )
        assert dialled[i].as_py() == phones.dialled_digits(number)


def test_company_numbers_are_never_subscribers() -> None:
    """The support line (555-0100) is outside every subscriber range."""
    own = {to_e164(n) for n in COMPANY.support_numbers}
    assert None not in own
    assert all(not n.endswith("5550100") for n in phones.na_pool(phones.PREFERRED_AREA_CODES))
    assert own.isdisjoint(phones.international_pool())
