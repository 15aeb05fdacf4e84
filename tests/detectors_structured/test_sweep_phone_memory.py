"""The sweep remembers phone verdicts across batches: same answers, each candidate parsed once."""

from __future__ import annotations

import pyarrow as pa

from detectors import sweep
from detectors.columns.phones import phones_valid
from detectors.settings import DetectionSettings

NUMBERS = ["+44 20 7946 0123", "011 33 1 42 68 53 00", "+1 514 555 0123", "+99 123 456 789",
           "(604) 555-0199", "12345678"]  # fmt: skip


def test_remembered_verdicts_are_the_validators_and_known_numbers_are_not_parsed_again(
    monkeypatch,
):
    """A second batch with the same numbers and a new one parses only the new one."""
    settings = DetectionSettings()
    monkeypatch.setattr(sweep, "_PHONE_VERDICTS", {})
    parsed: list[str] = []

    def counting(candidates: pa.Array, settings: DetectionSettings):
        parsed.extend(candidates.to_pylist())
        return phones_valid(candidates, settings)

    monkeypatch.setattr(sweep, "phones_valid", counting)
    first = pa.array(NUMBERS)
    expected = phones_valid(first, settings).tolist()
    assert sweep._remembered_phones(first, settings).tolist() == expected
    second = pa.array([*reversed(NUMBERS), "+33 1 42 68 53 01"])
    again = sweep._remembered_phones(second, settings).tolist()
    assert again == phones_valid(second, settings).tolist()
    assert parsed == [*NUMBERS, "+33 1 42 68 53 01"]


def test_the_memory_is_bounded(monkeypatch):
    """Past its bound the memory starts over rather than growing."""
    monkeypatch.setattr(sweep, "_PHONE_VERDICTS", {})
    monkeypatch.setattr(sweep, "PHONE_VERDICTS_MAX", 4)
    settings = DetectionSettings()
    sweep._remembered_phones(pa.array(NUMBERS[:3]), settings)
    sweep._remembered_phones(pa.array(NUMBERS[3:]), settings)
    assert len(sweep._PHONE_VERDICTS) <= 4


def test_verdicts_are_kept_per_default_region(monkeypatch):
    """A national number valid in one default region is not taken as valid in another."""
    monkeypatch.setattr(sweep, "_PHONE_VERDICTS", {})
    number = pa.array(["020 7946 0123"])
    for region in ("GB", "US", "GB"):
        settings = DetectionSettings(default_region=region)
        assert (
            sweep._remembered_phones(number, settings).tolist()
            == phones_valid(number, settings).tolist()
        )
