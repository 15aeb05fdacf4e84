"""The real-data benchmark's scoring on hand-written spans, its sets, and its command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench import detect_realdata
from detectors.evaluation_realdata import (
    SETS,
    Detected,
    Label,
    LabelledText,
    covered_share,
    score_set,
    select_sets,
)

#          0         1         2         3         4
#          0123456789012345678901234567890123456789012345
TEXT_A = "Jane Roe, +1 202-555-0147 x12, 12 Main St Boston"
TEXT_B = "nothing here but 2024"
ITEMS = [
    LabelledText(
        TEXT_A,
        (
            Label(0, 8, "PERSON"),
            Label(10, 29, "PHONE_NUMBER"),
            Label(31, 41, "STREET_ADDRESS"),
            Label(42, 48, "LOCATION"),
        ),
    ),
    LabelledText(TEXT_B),  # a negative
]
DETECTED = [
    [
        Detected(5, 8, "PERSON"),  # "Roe": 3 of 7 letters, not masked
        Detected(10, 25, "PHONE_NUMBER"),  # the number without "x12": 11 of 13 digits
        Detected(31, 48, "LOCATION"),  # the street and the city as one LOCATION
    ],
    [Detected(17, 21, "DATE_TIME"), Detected(0, 7, "PERSON")],  # unlabelled type; a wrong PERSON
]


def test_coverage_counts_digits_for_numbers_and_letters_and_digits_otherwise() -> None:
    """A phone's separators and an extension's "x" do not count; a name's space does not."""
    phone, person = ITEMS[0].labels[1], ITEMS[0].labels[0]
    assert covered_share(TEXT_A, phone, DETECTED[0]) == pytest.approx(11 / 13)
    assert covered_share(TEXT_A, person, DETECTED[0]) == pytest.approx(3 / 7)


def test_score_set_on_a_tiny_example() -> None:
    """Recall by 2/3 coverage of an accepted type, precision by overlap, in clear by any type."""
    score = score_set("tiny", ITEMS, DETECTED)
    rows = {
        e.entity_type: (e.labelled, e.recalled, e.predicted, e.correct, e.in_clear)
        for e in score.entities
    }
    assert rows == {
        "LOCATION": (1, 1, 1, 1, 0),
        "PERSON": (1, 0, 2, 1, 1),  # "Roe" overlaps the name; "nothing" overlaps nothing
        "PHONE_NUMBER": (1, 1, 1, 1, 0),
        "STREET_ADDRESS": (1, 1, 0, 0, 0),  # masked by a LOCATION: the address family
    }
    assert score.unlabelled == {"DATE_TIME": 1}
    assert (score.labelled, score.in_clear) == (4, 1)
    person = score.entity("PERSON")
    assert (person.recall, person.precision) == (0.0, 0.5)
    assert person.f2 == 0.0


def test_score_set_refuses_a_detection_list_per_text_mismatch() -> None:
    """One detection list per text, in order; otherwise the error says how many of each."""
    with pytest.raises(ValueError, match="tiny: 1 detection lists and 1 masked lists for 2 texts"):
        score_set("tiny", ITEMS, DETECTED[:1])


def test_select_sets_by_name_or_group_prefix() -> None:
    """Group prefixes expand in the table's order; an unknown name lists the known ones."""
    assert select_sets(["phones", "cards_text"]) == [
        "cards_text", "phones_libphonenumber", "phones_rt_en", "phones_rt_other",
    ]  # fmt: skip
    with pytest.raises(ValueError, match="unknown set 'card'; known sets: pii_generated_small"):
        select_sets(["card"])


def test_benchmark_without_realdata_exits_2_with_the_reason(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Where ../shared/realdata is absent the command says so and where to point it."""
    missing = tmp_path / "realdata"
    assert detect_realdata.main(["--realdata", str(missing)]) == 2
    err = capsys.readouterr().err
    assert f"{missing} not found" in err
    assert "--realdata PATH" in err


def test_every_set_loads_with_labels_inside_their_texts(realdata: Path) -> None:
    """Each set reads from ../shared/realdata; every label is a non-empty span of its text."""
    for name, load in SETS.items():
        items = load(realdata)
        assert items, name
        for item in items:
            for label in item.labels:
                assert 0 <= label.start < label.end <= len(item.text), (name, label)


@pytest.mark.slow
def test_benchmark_runs_end_to_end_on_a_small_sample(
    realdata: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The three engines on 20 card texts: both operating points and Presidio side by side in
    the table, and their counts in the JSON."""
    out = tmp_path / "scores.json"
    args = [
        "--realdata",
        str(realdata),
        "--sets",
        "cards_text",
        "--limit",
        "20",
        "--json",
        str(out),
    ]
    assert detect_realdata.main(args) == 0
    table = capsys.readouterr().out
    assert "| cards_text | 20 | CREDIT_CARD |" in table
    assert "| ours R | ours P | ours F2 | ours_recall R | ours_recall P | ours_recall F2 |" in table
    scores = json.loads(out.read_text(encoding="utf-8"))["scores"]
    assert set(scores) == {"ours", "ours_recall", "presidio"}
