"""A column of street addresses is a structured STREET_ADDRESS column, whatever its spelling.

Values are invented for these tests in the ways billing exports write street lines: lower and
upper case, unusual USPS types, French types before the name, units, PO boxes, rural routes.
"""

from __future__ import annotations

from itertools import cycle, islice
from pathlib import Path

import pyarrow as pa
import pytest

import synthetic
from detectors.findings import FieldKind, FieldProfile
from detectors.profiling import profile_column, profile_dataset
from detectors.settings import DetectionSettings

_STREET_LINES = (
    "88 Pine Summit Turnpike", "4410 willow radial", "17 HERON ESTATES", "230 Maple Plains",
    "9 cedar pines dr apt 4", "1200 Lakeside Views", "56 quarry path sw", "71 Sparrow Meadow",
    "15 Juniper Island", "402 Ashford Mount", "6 birchwood xing", "3 GLENROCK KNLS",
    "1234 rue Sainte-Catherine Ouest", "800 boul. René-Lévesque O, bureau 300",
    "22 impasse des Lilas", "600 croissant des Érables", "7 rang Saint-Joseph",
    "PO Box 1234", "p.o. box 77", "C.P. 123", "Case postale 456", "RR 2 Box 15",
    "HC 68 Box 23A", "123A Birch Ln", "12-1/2 Elm St", "1234-B Oak Avenue",
    "3313 hwy. 31", "20283 State Road 7", "9912 S. Avenue H", "1723 N Sheffield Unit 2B",
    "Apt 1B 626 E Kilbourn Ave", "2602 Bloor St W", "55 Harbour Crescent", "1400 Spruce Close",
    "5-1234 rue Notre-Dame O", "310 n maple ave # 12", "77 Elm St NE, Unit 3B",
    "18 Wren Cv", "940 Falcon Trce", "21 Osprey Bnd",
)  # fmt: skip


def _column(values: tuple[str, ...], rows: int = 200) -> pa.Array:
    """`rows` cells cycling through `values`, each with its own civic number or box number."""
    return pa.array(list(islice(cycle(values), rows)))


def _street_evidence(profile: FieldProfile) -> float:
    rates = {e.entity_type: e.match_rate for e in profile.entities}
    return rates.get("STREET_ADDRESS", 0.0)


@pytest.mark.parametrize("name", ["street", "line1", "address", "billing_address_line1"])
def test_street_column_is_structured_street_address(name: str) -> None:
    """A street/line1/address column of odd spellings is STRUCTURED with STREET_ADDRESS first."""
    profile = profile_column(name, _column(_STREET_LINES), "billing", DetectionSettings())
    assert profile.kind is FieldKind.STRUCTURED
    assert profile.entities[0].entity_type == "STREET_ADDRESS"
    assert _street_evidence(profile) >= 0.95


def test_unnamed_column_of_street_lines_is_structured() -> None:
    """Without a telling name, the values alone make the column a street column."""
    profile = profile_column("col_7", _column(_STREET_LINES), "billing", DetectionSettings())
    assert profile.kind is FieldKind.STRUCTURED
    assert profile.entities[0].entity_type == "STREET_ADDRESS"
    assert _street_evidence(profile) >= 0.95


def test_street_column_keeps_spellings_no_shape_knows() -> None:
    """In a street column, a civic number and words count even without a street type."""
    odd = ("5429 woodlawn", "120 South Main", "303 11th", "30 N. LaSalle", "7 Quarry")
    profile = profile_column("line1", _column(_STREET_LINES + odd), "billing", DetectionSettings())
    assert profile.kind is FieldKind.STRUCTURED
    assert _street_evidence(profile) >= 0.95


def test_generated_billing_street_column(tmp_path: Path) -> None:
    """The `street` column of a generated billing export is a structured street column."""
    generated = synthetic.generate("billing", 2000, tmp_path)
    profile = profile_dataset("billing", "billing", [generated.data_path])
    street = next(f for f in profile.fields if f.column == "street")
    assert street.kind is FieldKind.STRUCTURED
    assert street.entities[0].entity_type == "STREET_ADDRESS"
    assert _street_evidence(street) >= 0.95


@pytest.mark.parametrize(
    "values",
    [
        ("100 Minutes Plan", "Unlimited 50", "2 Day Pass", "3 Month Bundle", "Data 10 GB"),
        ("2 way calling does not work", "router reboots 3 times a day", "paid 45.50 by card"),
    ],
    ids=["plan names", "short notes"],
)
def test_lookalikes_are_not_street_columns(values: tuple[str, ...]) -> None:
    """Plan names and notes with numbers and type words are not street addresses."""
    profile = profile_column("col_3", _column(values), "billing", DetectionSettings())
    assert _street_evidence(profile) < 0.3
