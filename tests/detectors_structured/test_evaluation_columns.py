"""Column evaluation: counts, correct/incorrect/false PII columns and the markdown table."""

from __future__ import annotations

from pathlib import Path

import pytest

from detectors import DatasetProfile, EntityEvidence, FieldKind, FieldProfile, UnreadableFileError
from detectors.evaluation_columns import evaluate_columns, evaluate_dataset


def _field(column: str, *entities: str, kind: FieldKind = FieldKind.STRUCTURED) -> FieldProfile:
    evidence = tuple(EntityEvidence(e, 1.0, 1.0) for e in entities)
    return FieldProfile("d", column, kind, "string", 10, 0.0, evidence)


PROFILE = DatasetProfile(
    dataset="d",
    kind="cdr",
    files=("d.csv",),
    rows_read=10,
    fields=(
        _field("src", "PHONE_NUMBER"),  # right
        _field("clid", "PHONE_NUMBER"),  # PERSON missed
        _field("duration", "PHONE_NUMBER"),  # false personal column
        _field("notes", kind=FieldKind.FREE_TEXT),  # free text recognised
        _field("extra"),  # not in the labels
    ),
)
LABELS = {
    "columns": {
        "src": ["PHONE_NUMBER"], "clid": ["PERSON", "PHONE_NUMBER"], "duration": [], "notes": [],
    },
    "free_text_columns": ["notes"],
}


def test_scores_by_column_and_entity() -> None:
    """Columns are right only with exactly the labelled types; entities count per column."""
    scores = evaluate_columns(PROFILE, LABELS)
    assert scores.pii_correct == ("src",)
    assert [c.column for c in scores.pii_incorrect] == ["clid"]
    assert [c.column for c in scores.false_pii] == ["duration"]
    assert [c.correct for c in scores.free_text] == [True]
    assert scores.unlabelled == ("extra",)
    phone = {s.entity_type: s for s in scores.entities}["PHONE_NUMBER"]
    assert (phone.true_positives, phone.false_positives, phone.false_negatives) == (2, 1, 0)
    person = {s.entity_type: s for s in scores.entities}["PERSON"]
    assert (person.precision, person.recall, person.f2) == (1.0, 0.0, 0.0)
    assert not scores.all_correct


def test_format_table_lists_wrong_columns() -> None:
    """The markdown table has one row per entity and the columns that were not right."""
    table = evaluate_columns(PROFILE, LABELS).format_table()
    assert table.startswith(
        "**d**: 1 of 2 personal columns correct, 1 false personal columns, free text 1/1"
    )
    assert "| PHONE_NUMBER | 2 | 1 | 0 | 0.67 | 1.00 | 0.91 |" in table
    assert "| clid | PERSON, PHONE_NUMBER | PHONE_NUMBER |" in table
    assert "| duration | structured | PHONE_NUMBER |" in table


def test_evaluate_generated_cdr(tmp_path: Path) -> None:
    """A generated CDR scores perfectly: every personal column right, none false."""
    synthetic = pytest.importorskip("synthetic")
    synthetic.generate("cdr", 500, tmp_path, seed=3)
    scores = evaluate_dataset(tmp_path, "cdr")
    assert scores.all_correct, scores.format_table()


def test_missing_labels_file(tmp_path: Path) -> None:
    """A directory without labels.json is an UnreadableFileError naming the file."""
    with pytest.raises(UnreadableFileError) as err:
        evaluate_dataset(tmp_path, "cdr")
    assert str(err.value) == (
        f"{tmp_path / 'labels.json'}: missing or not JSON; expected the labels.json written by "
        "synthetic.generate"
    )
