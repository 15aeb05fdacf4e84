"""The public `generate()` contract: files, errors, labels layout, row counts."""

from __future__ import annotations

from pathlib import Path

import pytest
from synthetic_files import SIZES, read_header

import synthetic
from detectors.entities import ALL_ENTITIES


@pytest.mark.parametrize(
    ("kind", "rows", "batch_rows", "error", "message"),
    [
        # an unknown kind names the known ones
        ("voicemail", 10, 100, synthetic.UnknownKindError,
         "unknown dataset kind 'voicemail': expected one of cdr, billing, tickets"),
        # zero rows
        ("cdr", 0, 100, synthetic.InvalidSizeError, "rows must be a whole number >= 1, got 0"),
        # negative rows
        ("tickets", -5, 100, synthetic.InvalidSizeError,
         "rows must be a whole number >= 1, got -5"),
        # batch size below one
        ("billing", 10, 0, synthetic.InvalidSizeError,
         "batch_rows must be a whole number >= 1, got 0"),
        # a fractional row count
        ("cdr", 2.5, 100, synthetic.InvalidSizeError, "rows must be a whole number >= 1, got 2.5"),
    ],
)
def test_bad_arguments_raise_a_synthetic_error(
    tmp_path: Path, kind: str, rows: int, batch_rows: int, error: type, message: str
) -> None:
    """Bad arguments raise a `SyntheticError` subclass with an exact message, writing nothing."""
    with pytest.raises(error) as caught:
        synthetic.generate(kind, rows, tmp_path / "out", batch_rows=batch_rows)
    assert isinstance(caught.value, synthetic.SyntheticError)
    assert str(caught.value) == message
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("kind", sorted(SIZES))
def test_files_and_row_counts(generated, labels, rows, kind: str) -> None:
    """Each kind writes its data file and labels.json, nothing else, with the asked row count."""
    dataset = generated[kind]
    assert dataset.kind == kind
    assert dataset.rows == SIZES[kind] == len(rows[kind]) == labels[kind]["rows"]
    assert dataset.data_path.name == synthetic.KINDS[kind]
    assert sorted(p.name for p in dataset.data_path.parent.iterdir()) == sorted(
        [dataset.data_path.name, "labels.json"]
    )
    assert labels[kind]["files"] == [dataset.data_path.name]
    assert labels[kind]["kind"] == kind and labels[kind]["seed"] == 7


@pytest.mark.parametrize("kind", sorted(SIZES))
def test_every_column_is_labelled_with_known_entities(generated, labels, kind: str) -> None:
    """Labelled columns are exactly the file's columns; every label is in the vocabulary."""
    header = read_header(generated[kind].data_path)
    assert list(labels[kind]["columns"]) == header
    used = {e for types in labels[kind]["columns"].values() for e in types}
    used |= {span["entity_type"] for span in labels[kind]["spans"]}
    assert used <= ALL_ENTITIES
    assert set(labels[kind]["free_text_columns"]) <= set(header)


def test_one_row_is_enough(tmp_path: Path) -> None:
    """The smallest dataset still has a header and one row per kind."""
    for kind in synthetic.KINDS:
        dataset = synthetic.generate(kind, 1, tmp_path / kind)
        lines = dataset.data_path.read_text(encoding="utf-8").splitlines()
        assert len(lines) == (1 if kind == "tickets" else 2)


def test_company_is_public_contact_data() -> None:
    """The provider's own identity uses reserved domains and 555-0100 numbers."""
    company = synthetic.COMPANY
    assert company.name == "Northwind Voice"
    assert all(e.endswith("@example.net") for e in company.support_emails)
    assert all(n.replace("-", " ").endswith("555 0100") for n in company.support_numbers)
    with pytest.raises(AttributeError):
        company.name = "x"  # type: ignore[misc]


def test_one_kind_per_folder(tmp_path: Path) -> None:
    """A folder that holds another kind is refused, since labels.json describes one kind."""
    synthetic.generate("billing", 3, tmp_path)
    with pytest.raises(synthetic.OutputError) as caught:
        synthetic.generate("cdr", 3, tmp_path)
    assert str(caught.value) == (
        f"{tmp_path} already holds billing.csv; labels.json describes one kind,"
        " so write each kind to its own folder"
    )


def test_unwritable_folder_is_an_output_error(tmp_path: Path) -> None:
    """An output 'folder' that is a file gives an OutputError naming it."""
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    with pytest.raises(synthetic.OutputError, match=r"^cannot create output folder .*/file/out: "):
        synthetic.generate("cdr", 3, blocker / "out")


def test_numpy_integers_are_accepted(tmp_path: Path) -> None:
    """Row counts computed with numpy work like Python ints."""
    import numpy as np

    dataset = synthetic.generate("cdr", np.int64(3), tmp_path, batch_rows=np.int32(2))
    assert dataset.rows == 3 and type(dataset.rows) is int


def test_seed_must_be_whole(tmp_path: Path) -> None:
    """A non-integer seed is refused before anything is written."""
    with pytest.raises(synthetic.InvalidSeedError) as caught:
        synthetic.generate("cdr", 3, tmp_path / "out", seed="7")  # type: ignore[arg-type]
    assert str(caught.value) == "seed must be a whole number, got '7'"
    assert not (tmp_path / "out").exists()
