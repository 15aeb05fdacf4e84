"""`classify_values`: positive and negative cells per entity, including our own outputs."""

from __future__ import annotations

import pyarrow as pa
import pytest

from detectors import SettingsError, classify_values

CASES = [
    # (entity, cell, expected)
    ("PHONE_NUMBER", "+15145550123", True),  # E.164
    ("PHONE_NUMBER", "(514) 555-0123", True),  # national format
    ("PHONE_NUMBER", "15145550123", True),  # Asterisk src without the plus
    ("PHONE_NUMBER", '"Jane Roe" <5145550123>', True),  # caller id
    ("PHONE_NUMBER", "SIP/trunk/15145550123,60", True),  # Dial() data
    ("PHONE_NUMBER", "011442079460123", True),  # international dialled digits
    ("PHONE_NUMBER", "0000000000", False),  # zeros
    ("PHONE_NUMBER", "1767225600.42", False),  # Asterisk uniqueid (epoch-based)
    ("PHONE_NUMBER", "1270167992.0", False),  # uniqueid that reads as +1 270 167 9920
    ("PHONE_NUMBER", "PHONE_3f9a0c1b2d3e4f50", False),  # pseudonym token
    ("PHONE_NUMBER", "PHONE_0123456789012345", False),  # pseudonym token of hex digits only
    ("PHONE_NUMBER", "••••••••99", False),  # masked value
    ("PHONE_NUMBER", "+1 514 •••-••23", False),  # partly masked value
    ("PHONE_NUMBER", "sip:+15145550123@pbx.example.net", False),  # a SIP URI, not a phone
    ("PHONE_NUMBER", "SIP/ACCT-10023456-0000a1b2", False),  # channel with an account id
    ("EMAIL_ADDRESS", "jane.roe@example.com", True),
    ("EMAIL_ADDRESS", "sip:jane@example.com", False),  # SIP URI
    ("EMAIL_ADDRESS", "j•••@•••.com", False),  # masked
    ("SIP_URI", "sip:+15145550123@pbx.example.net", True),
    ("SIP_URI", "sips:15145550123@[2001:db8::1]", True),
    ("SIP_URI", "SIP/trunk-voip-0a1b2c3d", False),  # Asterisk channel, not a URI
    ("CREDIT_CARD", "4111 1111 1111 1111", True),  # Visa test number
    ("CREDIT_CARD", "2221000000000009", True),  # 2-series Mastercard
    ("CREDIT_CARD", "4111 1111 1111 1112", False),  # Luhn fails
    ("CREDIT_CARD", "•••• •••• •••• 1111", False),  # masked
    ("CREDIT_CARD", "a14159733ae22ce59f51625df2bd1c06", False),  # encrypted card (hex)
    ("IBAN_CODE", "FR14 2004 1010 0505 0001 3M02 606", True),
    ("IBAN_CODE", "FR14 2004 1010 0505 0001 3M02 607", False),  # checksum fails
    ("IP_ADDRESS", "203.0.113.7", True),
    ("IP_ADDRESS", "2001:db8:1f::a", True),
    ("IP_ADDRESS", "12:30:45", False),  # a time
    ("IP_ADDRESS", "256.1.1.1", False),
    ("MAC_ADDRESS", "00:1A:2B:3C:4D:5E", True),
    ("IMEI", "490154203237518", True),
    ("IMEI", "490154203237519", False),  # Luhn fails
    ("ACCOUNT_NUMBER", "ACCT-10023456", True),  # default account pattern
    ("ACCOUNT_NUMBER", "SIP/ACCT-10023456-0000a1b2", True),  # account in a channel name
    ("ACCOUNT_NUMBER", "ACCOUNT_3f9a0c1b2d3e4f50", False),  # pseudonym token
    ("POSTAL_CODE", "H3B 2Y5", True),  # Canadian postal code
    ("POSTAL_CODE", "10001", False),  # a 5-digit number needs a zip-like column name
    ("STREET_ADDRESS", "1234 Rue Sainte-Catherine O, Apt 5", True),
    ("STREET_ADDRESS", "8726 Elm St Suite 477", True),
    ("STREET_ADDRESS", "100 Minutes Plan", False),
    ("PERSON", '"Jane Roe" <5145550123>', True),  # display name in caller id
    ("PERSON", "Jane Roe", False),  # a bare name needs a name-like column
    ("PERSON", '"Rate Card Test 5" <1234>', False),  # digits: not a name
    ("DATE_TIME", "2026-01-01 10:00:00", True),
    ("DATE_TIME", "20071101-114011", True),  # jBilling mediation timestamp
    ("DATE_TIME", "1335310195.513823", False),  # epoch: uniqueid-like, not a date here
    ("CARD_EXPIRY", "09/27", True),
    ("CARD_EXPIRY", "2027-09", False),  # a billing period unless the column says expiry
]


@pytest.mark.parametrize(("entity", "cell", "expected"), CASES)
def test_cell(entity: str, cell: str, expected: bool) -> None:
    """One cell, one entity: the table documents what counts."""
    assert classify_values(pa.array([cell, None]), entity).to_pylist() == [expected, False]


@pytest.mark.parametrize(
    ("entity", "column", "cell"),
    [
        ("POSTAL_CODE", "zip", "10001"),  # ZIP code in a zip column
        ("PERSON", "first_name", "Jane"),  # bare name in a name column
        ("CARD_EXPIRY", "card_expiry", "2027-09"),  # year-month in an expiry column
        ("DATE_OF_BIRTH", "birth_date", "1972-07-17"),  # date in a birth column
        ("PHONE_NUMBER", "dst", "450-123-1234"),  # possible but unassigned number, in `dst`
        ("PHONE_NUMBER", "phone_number", "321-1234"),  # local-only number in a phone column
    ],
)
def test_column_name_enables_weak_shapes(entity: str, column: str, cell: str) -> None:
    """Shapes too common to stand alone count when the column name hints the entity."""
    assert classify_values(pa.array([cell]), entity, column=column).to_pylist() == [True]
    assert classify_values(pa.array([cell]), entity, column="col7").to_pylist() == [False]


def test_phone_hint_ignores_ip_columns() -> None:
    """`src_ip` holds addresses: the `src` hint does not make dotted numbers phones."""
    ips = pa.array(["203.0.113.7", "10.0.0.1"])
    assert classify_values(ips, "PHONE_NUMBER", column="src_ip").to_pylist() == [False, False]


def test_integer_phones_and_timestamps() -> None:
    """Integer columns are checked as text; timestamp columns are DATE_TIME throughout."""
    assert classify_values(pa.array([5145550123, 42]), "PHONE_NUMBER").to_pylist() == [True, False]
    stamps = pa.array([0, None], pa.timestamp("s"))
    assert classify_values(stamps, "DATE_TIME").to_pylist() == [True, False]


def test_repeated_values_map_back_to_rows() -> None:
    """Verdicts on distinct values are mapped back to every row, chunked input included."""
    chunked = pa.chunked_array([["+15145550123", "x"], ["x", "+15145550123"]])
    assert classify_values(chunked, "PHONE_NUMBER").to_pylist() == [True, False, False, True]


def test_unknown_entity_lists_known_ones() -> None:
    """An unknown entity type names the known classifiers."""
    with pytest.raises(SettingsError, match="no column classifier for entity type 'PHON'; known: "):
        classify_values(pa.array(["x"]), "PHON")
