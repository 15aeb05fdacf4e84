"""Recognizers against externally written vectors: libphonenumber examples, python-stdnum tests."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest

from detectors.recognizers.imei import ImeiRecognizer
from detectors.recognizers.imsi import ImsiRecognizer
from detectors.recognizers.mac_address import MacAddressRecognizer
from detectors.recognizers.phone import PhoneRecognizer
from detectors.validators import digits_only


def _exact(recognizer: object, text: str, value: str, entity: str) -> bool:
    results = recognizer.analyze(text, [entity])  # type: ignore[attr-defined]
    return any(text[r.start : r.end] == value for r in results)


def test_libphonenumber_example_numbers_are_found_in_e164_and_international_form(
    realdata: Path,
) -> None:
    """Every region's example numbers, written `+CC ...`, are found whole (measured 99.3%)."""
    path = realdata / "phone_validation" / "libphonenumber_example_numbers.csv"
    with path.open(encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle) if r["is_valid"] == "True"]
    recognizer = PhoneRecognizer("US")
    for form in ("e164", "international"):
        found = sum(
            _exact(recognizer, f"call {r[form]}", r[form], "PHONE_NUMBER") for r in rows
        )
        assert found / len(rows) >= 0.98, (form, found, len(rows))


def _vectors(realdata: Path, module: str) -> list[dict[str, object]]:
    path = realdata / "phone_validation" / "stdnum_validation_vectors.jsonl"
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    return [r for r in rows if r["module"] == module and r["kind"] == "validate"]


@pytest.mark.parametrize(
    ("module", "recognizer", "digits"),
    [
        ("stdnum.imei", ImeiRecognizer(), 15),  # IMEISV (16 digits) is out of scope
        ("stdnum.imsi", ImsiRecognizer(), 15),
    ],
)
def test_stdnum_vectors_agree_with_validate_result(
    realdata: Path, module: str, recognizer: ImeiRecognizer | ImsiRecognizer, digits: int
) -> None:
    """Where the vector has our length, our checksum/MCC check agrees with python-stdnum."""
    vectors = [v for v in _vectors(realdata, module) if len(digits_only(str(v["input"]))) == digits]
    assert vectors
    for v in vectors:
        assert recognizer.validate_result(str(v["input"])) == v["expected_valid"], v["input"]


_SIX_OCTETS = re.compile(r"[0-9a-fA-F]{2}(?:[:-][0-9a-fA-F]{2}){5}")


def test_stdnum_mac_vectors_agree_with_the_recognizer(realdata: Path) -> None:
    """Valid MACs are found in text; malformed and short ones are not.

    stdnum also rejects multicast addresses (low bit of the first octet set); we keep them on
    purpose (see MacAddressRecognizer), so those vectors are left out.
    """
    recognizer = MacAddressRecognizer()
    for v in _vectors(realdata, "stdnum.mac"):
        value = str(v["input"])
        if _SIX_OCTETS.fullmatch(value) and int(value[:2], 16) & 1:
            continue  # multicast: deliberately reported
        assert _exact(recognizer, f"mac {value} seen", value, "MAC_ADDRESS") == v["expected_valid"]
