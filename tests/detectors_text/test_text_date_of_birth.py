"""A date introduced as a birth date is DATE_OF_BIRTH in text, and free-text redaction removes it;
other dates stay DATE_TIME (left in clear on purpose)."""

from __future__ import annotations

import pyarrow as pa
import pytest

import detectors

pytestmark = pytest.mark.slow


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("Verified caller with DOB 1979-07-21.", "1979-07-21"),
        ("date of birth: 21/07/1979, account in good standing", "21/07/1979"),
        ("She was born on July 21, 1979 in Laval.", "July 21, 1979"),
        ("Cliente née le 21 juillet 1979.", "21 juillet 1979"),
    ],
)
def test_birth_dates_are_found(text: str, date: str) -> None:
    found = [(text[f.start : f.end], f.entity_type) for f in detectors.scan_texts([text], "n")]
    assert (date, "DATE_OF_BIRTH") in found


def test_other_dates_are_not_birth_dates() -> None:
    text = "The outage on 2026-11-05 was fixed on 2026-11-06."
    found = {f.entity_type for f in detectors.scan_texts([text], "n")}
    assert "DATE_OF_BIRTH" not in found


def test_free_text_redaction_removes_a_birth_date() -> None:
    from redaction.operators.freetext import FreeText

    (out,) = FreeText("notes", None)(pa.array(["Verified caller with DOB 1979-07-21."]))
    assert "1979-07-21" not in out.as_py()
