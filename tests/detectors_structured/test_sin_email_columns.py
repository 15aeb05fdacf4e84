"""CA_SIN and obfuscated e-mails in columns, and the tables the new entity must be in.

Synthetic values only: Luhn-valid 9-digit numbers generated for this test (046 454 286 is the
published test SIN) and addresses at example.com / exemple.fr.
"""

from __future__ import annotations

import pyarrow as pa
import pytest

from detectors import DetectionSettings, classify_values, profile_column
from policy import load_pack
from redaction.keys import key_from_text
from redaction.operators import FieldContext, get_operator

SETTINGS = DetectionSettings()
# Luhn-valid, not one repeated digit: SINs when formatted or in a SIN column.
VALID = ["046454286", "130692544", "592451959", "986830784", "667033849", "683626998",
         "239662992", "638829234", "961426186", "868958372", "697149763", "713274652"]  # fmt: skip
SPACED = [f"{v[:3]} {v[3:6]} {v[6:]}" for v in VALID]
DASHED = [f"{v[:3]}-{v[3:6]}-{v[6:]}" for v in VALID]


def _classify(values: list[str | None], entity: str, column: str) -> list[bool]:
    array = pa.array(values, pa.string())
    return classify_values(array, entity, SETTINGS, column=column).to_pylist()


@pytest.mark.parametrize(
    ("values", "column"),
    [
        (SPACED, "sin"),  # NNN NNN NNN
        (DASHED, "sin"),  # NNN-NNN-NNN
        (VALID, "sin"),  # bare, the column name says SIN
        (VALID, "social_insurance_number"),  # bare, long name
        (VALID, "NAS"),  # bare, French abbreviation
        (SPACED, "col7"),  # formatted needs no name
    ],
)
def test_sin_column_is_ca_sin(values: list[str], column: str) -> None:
    """Every cell is CA_SIN, and the profile's primary entity is CA_SIN."""
    assert all(_classify(values, "CA_SIN", column))
    profile = profile_column(column, pa.array(values), "t", SETTINGS)
    assert profile.primary_entity == "CA_SIN"


@pytest.mark.parametrize(
    ("cell", "column", "expected"),
    [
        ("046 454 286", "sin", True),  # the published test SIN
        ("046 454 287", "sin", False),  # Luhn fails
        ("111 111 111", "sin", False),  # one repeated digit
        ("046454286", "quantity", False),  # bare without a SIN name
        ("0464542861", "sin", False),  # 10 digits
        ("SIN_3f9a0c1b2d3e4f50", "sin", False),  # our pseudonym token
        ("••• ••• •86", "sin", False),  # our mask
        (None, "sin", False),
    ],
)
def test_sin_cells(cell: str | None, column: str, expected: bool) -> None:
    """Cell by cell: checksum, shape, column name, our own outputs."""
    assert _classify([cell], "CA_SIN", column) == [expected]


def test_bare_luhn_numbers_in_a_quantity_column_are_not_sins() -> None:
    """Nine Luhn-valid digits are a SIN only where the column name says so."""
    assert not any(_classify(VALID, "CA_SIN", "quantity"))
    profile = profile_column("quantity", pa.array(VALID), "t", SETTINGS)
    assert "CA_SIN" not in {e.entity_type for e in profile.entities}


def test_radius_nas_columns_are_not_sins() -> None:
    """RADIUS `NAS-Port` is a network access server's port, not a numéro d'assurance sociale."""
    assert not any(_classify(VALID, "CA_SIN", "NAS-Port"))


OBFUSCATED = [
    "john dot doe at example dot com",
    "jdoe [at] example [dot] com",
    "jdoe(at)example(dot)com",
    "jdoe AT example DOT com",
    "jean point dupont arobase exemple point fr",
    "jean.dupont arobase exemple.fr",
]


@pytest.mark.parametrize("column", ["email", "contact"])
@pytest.mark.parametrize("cell", OBFUSCATED)
def test_obfuscated_email_cell_is_an_email(cell: str, column: str) -> None:
    """Each written form is EMAIL_ADDRESS, with or without an e-mail column name."""
    assert _classify([cell], "EMAIL_ADDRESS", column) == [True]


@pytest.mark.parametrize(
    "cell",
    [
        "meet me at noon",  # prose
        "I'm at home",  # prose
        "at the office",  # prose
        "jdoe [at] example [dot] notatld",  # not a top-level domain
        "visit us at www.example.com",  # plain "at" with a plain web address
    ],
)
def test_prose_cells_are_not_emails(cell: str) -> None:
    """Ordinary "at" and "dot" in a contact column are not addresses."""
    assert _classify([cell], "EMAIL_ADDRESS", "contact") == [False]


def test_contact_column_of_obfuscated_emails_profiles_as_email() -> None:
    """A column written entirely against harvesters is an e-mail column, not free text."""
    values = [f"user{i} [at] example [dot] com" for i in range(40)] + OBFUSCATED
    profile = profile_column("contact", pa.array(values), "t", SETTINGS)
    assert profile.primary_entity == "EMAIL_ADDRESS"


def test_pseudonymize_gives_one_token_to_a_sin_however_written() -> None:
    """`130 692 544`, `130-692-544` and `130692544` share one SIN token."""
    key = key_from_text("test-key-0123456789abcdef0123456789abcdef")
    op = get_operator("pseudonymize").build({}, FieldContext("sin", ("CA_SIN",), pa.string(), key))
    out = op(pa.array(["130 692 544", "130-692-544", "130692544", None])).to_pylist()
    assert len(set(out[:3])) == 1 and out[0].startswith("SIN_") and out[3] is None


@pytest.mark.parametrize("name", ["voipms", "legacysip"])
def test_bundled_packs_map_ca_sin(name: str) -> None:
    """Both packs load and give CA_SIN a category under identity."""
    assert load_pack(name).category_for("CA_SIN") == "identity.account"
