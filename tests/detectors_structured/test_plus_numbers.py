"""`plus_numbers_valid` against libphonenumber itself: on numbers generated for every calling
code, every verdict it gives is the library's, and a valid number's E.164 is its `+` form; the
pseudonymizer's column-wise parse equals its per-value one. Synthetic numbers only (mutations of
libphonenumber's own example numbers and random digits)."""

from __future__ import annotations

import csv
import random
from pathlib import Path

import numpy as np
import phonenumbers
import pyarrow as pa
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from phonenumbers import COUNTRY_CODE_TO_REGION_CODE, PhoneNumberType

from detectors.columns.plus_numbers import INVALID, UNDECIDED, VALID, plus_numbers_valid
from redaction.operators.pseudonymize import _e164_or_digits, _parse_phones

TYPES = [t for t in vars(PhoneNumberType).values() if isinstance(t, int)]


def _library(value: str) -> bool:
    try:
        return phonenumbers.is_valid_number(phonenumbers.parse(value, "US"))
    except phonenumbers.NumberParseException:
        return False


def _examples(code: int, regions: tuple[str, ...]) -> set[str]:
    """National significant numbers of the library's example numbers for `code`."""
    found = set()
    for region in regions:
        if region == "001":
            numbers = [phonenumbers.example_number_for_non_geo_entity(code)]
        else:
            numbers = [phonenumbers.example_number_for_type(region, t) for t in TYPES]
        found |= {phonenumbers.national_significant_number(n) for n in numbers if n is not None}
    return found


def _generated() -> list[str]:
    """Per calling code: its example numbers, each with digits changed, one dropped, one added,
    a leading 0 and its first digit cut; and random digit strings of 1-14 digits."""
    rng = random.Random(7)
    values = set()
    for code, regions in COUNTRY_CODE_TO_REGION_CODE.items():
        for national in _examples(code, regions):
            values.add(f"+{code}{national}")
            for _ in range(6):
                digits = list(national)
                digits[rng.randrange(len(digits))] = str(rng.randrange(10))
                values.add(f"+{code}{''.join(digits)}")
            values |= {f"+{code}{national[:-1]}", f"+{code}{national}{rng.randrange(10)}",
                       f"+{code}0{national}", f"+{code}{national[1:]}"}  # fmt: skip
        for _ in range(20):
            values.add(f"+{code}{rng.randrange(10 ** rng.randrange(1, 15))}")
    return sorted(values)


def test_every_verdict_is_libphonenumbers_on_every_calling_code() -> None:
    values = _generated()
    verdict = plus_numbers_valid(pa.array(values), least=1)
    decided = verdict != UNDECIDED
    wrong = [v for v, got in zip(values, verdict, strict=True)
             if got != UNDECIDED and (got == VALID) != _library(v)]  # fmt: skip
    assert not wrong, wrong[:10]
    assert decided.mean() > 0.85  # the rules cover most numbers, or they would save nothing
    assert (verdict == VALID).sum() > 1_000 and (verdict == INVALID).sum() > 1_000
    for value in np.array(values)[verdict == VALID][::25]:  # a valid number's E.164 is itself
        assert phonenumbers.format_number(
            phonenumbers.parse(value, "US"), phonenumbers.PhoneNumberFormat.E164
        ) == value


def test_numbers_the_rules_cannot_decide_are_left_to_the_library() -> None:
    values = ["+61183112345678", "+610412345678", "+2801234567", "+1", "+44", "1234567",
              "+0123456789", "+3312345678901234567890", "+33 1 99 00 19 24", ""]  # fmt: skip
    verdict = plus_numbers_valid(pa.array(values), least=1)
    assert (verdict == UNDECIDED).all(), dict(zip(values, verdict, strict=True))


def test_libphonenumbers_example_numbers(realdata: Path) -> None:
    path = realdata / "phone_validation" / "libphonenumber_example_numbers.csv"
    if not path.exists():
        pytest.skip(f"{path} is absent: libphonenumber's example numbers are not here")
    with path.open(encoding="utf-8") as handle:
        rows = [row for row in csv.DictReader(handle) if row["e164"]]
    values = [row["e164"] for row in rows]
    verdict = plus_numbers_valid(pa.array(values), least=1)
    for row, got in zip(rows, verdict, strict=True):
        if got != UNDECIDED:
            assert (got == VALID) == _library(row["e164"]), row["e164"]
    assert (verdict == VALID).mean() > 0.9


DIGITS = st.text("0123456789", min_size=1, max_size=18)
PREFIXES = st.sampled_from(["+", "011", "00", ""])
CODES = st.sampled_from(sorted(COUNTRY_CODE_TO_REGION_CODE))
FORMS = st.one_of(
    st.builds(lambda prefix, digits: prefix + digits, PREFIXES, DIGITS),
    st.builds(lambda code, digits: f"+{code}{digits}", CODES, DIGITS),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(FORMS, min_size=1, max_size=20))
@example(["+33199001924", "01133199001924", "0033199001924", "+61412345678", "+15145550123",
          "4412345", "+2801234567", "011", "00", "+", "0113319900192"])  # fmt: skip
def test_column_parse_equals_the_per_value_parse(forms: list[str]) -> None:
    """`_parse_phones` (column-wise, the rules first) gives what `_e164_or_digits` gives."""
    got = _parse_phones(pa.array(forms, pa.string())).to_pylist()
    assert got == [_e164_or_digits(f) for f in forms]


def test_nulls_stay_null() -> None:
    assert _parse_phones(pa.array(["+33199001924", None])).to_pylist() == ["+33199001924", None]


@pytest.mark.parametrize("region", ["US", "FR", "GB", "AU"])
def test_the_sweeps_verdicts_are_parse_phones_in_any_default_region(region: str) -> None:
    """`phones_valid` decides `+…` keys by the rules: the same as `parse_phone` whatever the
    default region (it plays no part in reading a number written with its calling code)."""
    from detectors import DetectionSettings
    from detectors.columns.phones import phones_valid
    from detectors.validators import parse_phone

    values = [v for v in _generated()[::7] if not v.startswith("+1")]
    values += ["0033199001924", "01161412345678", "+44 20 7946 0958", "+610412345678"]
    settings = DetectionSettings(default_region=region)
    expected = [parse_phone(v, region) is not None for v in values]
    assert phones_valid(pa.array(values), settings).tolist() == expected


def test_a_calling_code_with_few_numbers_is_left_to_the_library() -> None:
    """Below `least` numbers a code's patterns would cost more than the library's own check."""
    values = ["+33199001924", "+33612345678"] + [f"+6141234{i:04d}" for i in range(20)]
    verdict = plus_numbers_valid(pa.array(values), least=16)
    assert (verdict[:2] == UNDECIDED).all() and (verdict[2:] != UNDECIDED).all()
