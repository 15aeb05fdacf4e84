"""Ids that hide a time (TIME_ID): Asterisk uniqueids, epoch numbers, dated ids.

Rounding call times to the hour is undone by a `uniqueid` that still holds the exact start, so
such columns are found and transformed with the time columns (issue 14, item 3).
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pytest

from detectors import DetectionSettings, profile_column, profile_dataset
from detectors.columns.registry import CLASSIFIERS
from detectors.reading import ASTERISK_CDR_CSV_COLUMNS

SETTINGS = DetectionSettings()


@pytest.mark.parametrize(
    ("value", "hinted", "expected"),
    [
        ("1767225616.42", False, True),  # Asterisk uniqueid: epoch seconds . sequence
        ("1270167992.0", False, True),  # the Asterisk test suite's own
        ("1335310195.513823", False, True),  # CEL event time with microseconds
        ("1767225616123", False, True),  # epoch milliseconds
        ("1767225616", True, True),  # bare epoch seconds in a uniqueid/epoch column
        ("1767225616", False, False),  # ... elsewhere as many digits as a phone number
        ("CALL-20260105T101500-0042", False, True),  # date and time of day inside an id
        ("20260105101500-0042", False, True),
        ("INV-2026-000123", False, False),  # a year is not a time of day
        ("5145550199", True, False),  # a phone number is no epoch of this century
        ("12.50", False, False),
        ("3000000000.1", False, False),  # beyond 2030
        ("2202000000012346", False, False),  # a 16-digit Mir card, not epoch microseconds
        ("PHONE_3f9a0c1b2d3e4f50", False, False),  # our own tokens never count
    ],
)
def test_time_id_values(value: str, hinted: bool, expected: bool) -> None:
    found = CLASSIFIERS["TIME_ID"].match_distinct(pa.array([value]), SETTINGS, hinted=hinted)
    assert bool(found[0]) is expected


@pytest.mark.parametrize(
    ("name", "values", "entity"),
    [
        ("uniqueid", [f"1767225600.{n}" for n in range(80)], "TIME_ID"),
        ("start_epoch", [1767225600 + 37 * n for n in range(80)], "TIME_ID"),  # integers
        ("event_ms", [str(1767225600000 + 997 * n) for n in range(80)], "TIME_ID"),
        ("call_ref", [f"CALL-20260105T10{n % 60:02d}00-{n:04d}" for n in range(80)], "TIME_ID"),
        # a column of plain timestamps is DATE_TIME (generalized), not an id
        ("start", [f"2026-01-05 10:{n % 60:02d}:00" for n in range(80)], "DATE_TIME"),
    ],
)
def test_time_id_columns(name: str, values: list, entity: str) -> None:
    profile = profile_column(name, pa.array(values), "t", SETTINGS)
    assert profile.entity_types == (entity,)


def test_ten_digit_numbers_without_a_time_name_are_not_time_ids() -> None:
    """Bare 10-digit numbers are phone numbers or counters unless the column says time."""
    values = [str(1767225600 + 37 * n) for n in range(80)]
    profile = profile_column("amount_cents", pa.array(values), "t", SETTINGS)
    assert "TIME_ID" not in profile.entity_types


def test_real_cdrs_and_cel_events(realdata: Path) -> None:
    """On CDRs we did not write: Asterisk's test-suite Master.csv and CEL files, Wazo's CELs."""
    cdr = realdata / "cdr"
    master = profile_dataset(
        "m", "cdr", [cdr / "asterisk/testsuite_samples/self_test_Master.csv"], header=False,
        column_names=ASTERISK_CDR_CSV_COLUMNS,
    )
    assert {f.column: f.entity_types for f in master.fields}["uniqueid"] == ("TIME_ID",)
    wazo = profile_dataset("w", "cdr", [cdr / "wazo/wazo_call_logd_raw_cels.csv"])
    found = {f.column: f.entity_types for f in wazo.fields}
    assert found["uniqueid"] == ("TIME_ID",) and found["linkedid"] == ("TIME_ID",)
    assert found["eventtime"] == ("DATE_TIME",)  # ISO times stay times
