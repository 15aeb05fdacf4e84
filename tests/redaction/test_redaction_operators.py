"""Operators one by one, on the edge cases that break redaction in real exports."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pytest

from redaction.errors import InvalidParamsError, MissingKeyError, UnknownOperatorError
from redaction.keys import key_from_text
from redaction.operators import FieldContext, get_operator, known_operators

KEY = key_from_text("test-key-0123456789abcdef0123456789abcdef")
STRING = pa.string()


def build(name, params=None, entity=None, kind=STRING, key=KEY, field="f", entities=None):
    ctx = FieldContext(field, entities or ((entity,) if entity else ()), kind, key)
    return get_operator(name).build(params or {}, ctx)


def run(op, values, kind=STRING):
    return op(pa.array(values, kind)).to_pylist()


def test_unknown_operator_lists_the_known_ones():
    """The message names every registered operator."""
    with pytest.raises(UnknownOperatorError) as err:
        get_operator("scramble")
    assert str(err.value) == (
        "unknown operator 'scramble'; known operators: " + ", ".join(known_operators())
    )


# --- redact ---------------------------------------------------------------------------------
def test_redact_strings_get_typed_placeholder_nulls_stay():
    """Strings → <ENTITY>; null stays null; non-ASCII and empty are replaced too."""
    op = build("redact", entity="PHONE_NUMBER")
    assert run(op, ["514-555-0123", None, "Zoë", ""]) == [
        "<PHONE_NUMBER>",
        None,
        "<PHONE_NUMBER>",
        "<PHONE_NUMBER>",
    ]


def test_redact_non_strings_become_null_of_the_same_type():
    """An int column stays int64, all null."""
    op = build("redact", entity="ACCOUNT_NUMBER", kind=pa.int64())
    out = op(pa.array([1, None, 3], pa.int64()))
    assert out.type == pa.int64() and out.to_pylist() == [None, None, None]


# --- mask -----------------------------------------------------------------------------------
SIX_FOUR = {"keep_first": 6, "keep_last": 4}


@pytest.mark.parametrize(
    ("entity", "params", "value", "expected"),
    [
        ("CREDIT_CARD", {}, "4111111111111111", "••••••••••••1111"),  # default: last 4 only
        ("CREDIT_CARD", SIX_FOUR, "4111111111111111", "411111••••••1111"),  # PCI cap 6/4
        ("CREDIT_CARD", SIX_FOUR, "4111-1111-1111-1111", "4111-11••-••••-1111"),  # separators
        ("CREDIT_CARD", SIX_FOUR, "411111••••••1111", "411111••••••1111"),  # already masked
        ("CREDIT_CARD", {}, "411111••••••1111", "••••••••••••1111"),  # 6/4 → last 4: masked more
        ("CREDIT_CARD", {}, "XXXX-XXXX-XXXX-1111", "XXXX-XXXX-XXXX-1111"),  # legacy mask kept
        ("CREDIT_CARD", {}, "•••••••••••••••1234567890", "•••••••••••••••••••••7890"),  # slots
        ("PHONE_NUMBER", {}, "+1 (514) 555-0123", "+• (•••) •••-••23"),  # last 2 only
        (None, {"keep_first": 1, "keep_last": 0}, "Zoë Ñúñez", "Z•• •••••"),  # non-ASCII letters
        (None, {"keep_first": 2, "keep_last": 2}, "abc", "•••"),  # too short: all masked
        (None, {"keep_last": 2}, "", ""),  # empty stays empty
    ],
)
def test_mask_cases(entity, params, value, expected):
    """Masking keeps length and separators and never shows more than allowed."""
    out = run(build("mask", params, entity=entity), [value])[0]
    assert out == expected and len(out) == len(value)


def test_mask_int_column_becomes_masked_strings():
    """Mixed types: an int column is masked as text; nulls stay null."""
    op = build("mask", {"keep_last": 2}, entity="ACCOUNT_NUMBER", kind=pa.int64())
    assert op(pa.array([123456, None], pa.int64())).to_pylist() == ["••••56", None]


@pytest.mark.parametrize(
    ("entity", "params", "message"),
    [
        ("CREDIT_CARD", {"keep_first": 8}, "at most the first 6 and last 4"),  # PCI cap
        ("PHONE_NUMBER", {"keep_last": 4}, "at most the first 0 and last 2"),  # phone cap
        (None, {"keep_first": "2"}, "keep_first must be an integer 0..12"),  # wrong type
    ],
)
def test_mask_params_checked_at_build(entity, params, message):
    """Bad mask params fail when the plan is built, naming the field."""
    with pytest.raises(InvalidParamsError, match=message):
        build("mask", params, entity=entity)


# --- generalize -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("params", "values", "expected"),
    [
        ({"level": "hour"}, ["2026-01-05 13:45:12", "2026-01-05T13:45:12Z"],
         ["2026-01-05 13:00:00", "2026-01-05T13:00:00Z"]),  # shape kept, still parseable
        ({"level": "day"}, ["2026-01-05 13:45:12", "2026-01-05"],
         ["2026-01-05 00:00:00", "2026-01-05"]),  # a date stays a date
        ({"level": "hour"}, ["not a time", "", None], [None, "", None]),  # unparsable → null
        ({"prefix": 24}, ["203.0.113.77", "2001:db8:1:2::5", "999.1.1.1"],
         ["203.0.113.0", "2001:db8:1::", None]),  # IPv4 /24, IPv6 /48, invalid → null
        ({"to": "year"}, ["1980-04-12", "12/04/1980"], ["1980", None]),  # ISO birth dates
        ({"to": "area_code"}, ["514-555-0123", "+44 20 7946 0958"], ["+1-514", "+44-20"]),
        ({"to": "first_part"}, ["H3B 2Y5", "h3b2y5", "10001-1234", "1000"],
         ["H3B", "H3B", "100", None]),  # FSA, ZIP3, not a postal code
        ({"to": "first_char"}, ["H3B 2Y5", "10001", "n/a"], ["H", "1", None]),  # province, region
        ({"to": "five_years"}, ["1983-04-12", "1980", "born 1983"],
         ["1980-1984", "1980-1984", None]),
        ({"bands": [0, 10, 50, 100]}, ["5", "10", "49.99", "250", "-3", "n/a"],
         ["0-10", "10-50", "10-50", "100+", "<0", None]),
    ],
)  # fmt: skip
def test_generalize_string_cases(params, values, expected):
    """Each rule on strings; what does not parse becomes null, never passes through."""
    assert run(build("generalize", params), values) == expected


@pytest.mark.parametrize(
    ("prefix", "cells", "expected"),
    [
        (24, ["198.51.100.0", "198.51.100.7", "2001:db8::1", "2001:db8::", None, "", "010.1.2.0"],
         [False, True, True, False, False, False, True]),
        (16, ["198.51.0.0", "198.51.100.0", "10.0.0.0"], [False, True, False]),
        (8, ["10.0.0.0", "10.1.0.0"], [False, True]),
        (20, ["198.51.96.0", "198.51.100.0"], [False, True]),
    ],
)  # fmt: skip
def test_generalized_ip_verification_flags_cells_the_rule_would_change(prefix, cells, expected):
    """Networks of the output shape pass; hosts, IPv6 hosts and non-canonical quads do not."""
    op = build("generalize", {"prefix": prefix}, entity="IP_ADDRESS")
    assert op.violations(pa.array(cells, STRING)).to_pylist() == expected


def test_generalize_keeps_temporal_types():
    """Timestamps stay timestamps (floored); dates give an int year."""
    ts = pa.array([dt.datetime(2026, 1, 5, 13, 45, 12), None], pa.timestamp("us"))
    op = build("generalize", {"level": "hour"}, kind=ts.type)
    assert op.output_type == ts.type
    assert op(ts).to_pylist() == [dt.datetime(2026, 1, 5, 13), None]
    dates = pa.array([dt.date(1980, 4, 12)], pa.date32())
    assert build("generalize", {"to": "year"}, kind=pa.date32())(dates).to_pylist() == [1980]
    five = build("generalize", {"to": "five_years"}, kind=pa.date32())
    assert five(dates).to_pylist() == ["1980-1984"]  # a band is text, whatever the input type


def test_generalize_amount_bands_on_floats():
    """Numeric amounts are banded too."""
    op = build("generalize", {"bands": [0, 10]}, kind=pa.float64())
    assert op(pa.array([3.5, 12.0, None])).to_pylist() == ["0-10", "10+", None]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({}, "exactly one of level, prefix, to, bands, got none"),
        ({"level": "hour", "prefix": 24}, "got level, prefix"),
        ({"level": "week"}, "level must be one of minute, hour, day, month"),
        ({"prefix": 40}, "IPv4 prefix length 8..32"),
        ({"to": "planet"}, "to must be one of year, five_years, area_code, first_part, first_char"),
        ({"bands": [10, 0]}, "at least two increasing numbers"),
    ],
)
def test_generalize_params_checked_at_build(params, message):
    """Bad generalize params fail at plan time."""
    with pytest.raises(InvalidParamsError, match=message):
        build("generalize", params)


# --- pseudonymize ---------------------------------------------------------------------------
def test_pseudonymize_formats_of_one_phone_share_a_token():
    """E.164 normalisation: every way of writing one number gives one token."""
    op = build("pseudonymize", entity="PHONE_NUMBER")
    out = run(op, ["15145550123", "+1 (514) 555-0123", "514.555.0123", None, ""])
    assert len(set(out[:3])) == 1 and out[0].startswith("PHONE_") and len(out[0]) == 22
    assert out[3:] == [None, ""]


@pytest.mark.parametrize(
    ("entity", "a", "b", "prefix"),
    [
        ("EMAIL_ADDRESS", " Jane.Roe@Example.com", "jane.roe@example.com", "EMAIL_"),
        ("ACCOUNT_NUMBER", "acct-000123", "ACCT-000123 ", "ACCT_"),
        ("PERSON", "Zoë  Ñúñez", "zoë ñúñez", "PERSON_"),
        ("IP_ADDRESS", "2001:DB8::0001", "2001:db8::1", "IP_"),
    ],
)
def test_pseudonymize_normalises_per_entity(entity, a, b, prefix):
    """Case/space variants of one identifier get one token with the entity's prefix."""
    out = run(build("pseudonymize", entity=entity), [a, b])
    assert out[0] == out[1] and out[0].startswith(prefix)


def test_caller_id_parts_get_the_tokens_of_their_columns():
    """clid `"Name" <number>`: the number's token equals the src column's token."""
    clid = build("pseudonymize", field="clid", entities=("PERSON", "PHONE_NUMBER"))
    src = build("pseudonymize", entity="PHONE_NUMBER", field="src")
    person = build("pseudonymize", entity="PERSON")
    values = ['"Jane Roe" <5145550123>', "5145550123", '"" <5145550123>', '"Jane Roe" <>']
    out = run(clid, values)
    phone, name = run(src, ["+15145550123"])[0], run(person, ["Jane Roe"])[0]
    assert out == [f'"{name}" <{phone}>', phone, f'"" <{phone}>', f'"{name}" <>']
    assert not any(clid.violations(pa.array(out)).to_pylist())


def test_channel_names_keep_technology_and_sequence_and_share_the_account_token():
    """`SIP/ACCT-…-0000002a` in a channel column: the peer gets the accountcode column's token,
    the technology and the switch's call sequence stay; what is no channel name is tokenized
    whole; the output passes the column's shape check, a peer left in clear does not."""
    channel = build("pseudonymize", entity="ACCOUNT_NUMBER", field="dstchannel")
    account = run(build("pseudonymize", entity="ACCOUNT_NUMBER", field="accountcode"),
                  ["ACCT-000123", "ACCT-55", "x@from-internal", "DAHDI/1-1"])  # fmt: skip
    values = ["SIP/ACCT-000123-0000002a", "PJSIP/acct-000123-7f3e9b01", "DAHDI/1-1", None, "",
              "Local/x@from-internal-1545;2", "SIP/ACCT-55-0000002a",
              "SIP/ACCT-55-00000029"]  # fmt: skip
    out = run(channel, values)
    assert out == [f"SIP/{account[0]}-0000002a", f"PJSIP/{account[0]}-7f3e9b01", account[3],
                   None, "", f"Local/{account[2]}-1545;2", f"SIP/{account[1]}-0000002a",
                   f"SIP/{account[1]}-00000029"]  # fmt: skip
    assert not any(channel.violations(pa.array(out)).to_pylist())
    clear = pa.array([out[0], "SIP/ACCT-000123-0000002a", "SIP/ACCT_0123456789abcdef-0000002a9"])
    assert channel.violations(clear).to_pylist() == [False, True, True]


def test_a_pickled_channel_operator_still_splits_channel_names():
    """Worker processes get the operator pickled: it still keeps technology and sequence."""
    import pickle

    channel = build("pseudonymize", entity="ACCOUNT_NUMBER", field="channel")
    values = ["SIP/ACCT-000123-0000002a", "DAHDI/1-1"]
    assert run(pickle.loads(pickle.dumps(channel)), values) == run(channel, values)
    assert run(channel, values)[0].endswith("-0000002a")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("device", "SIP/ACCT-96566089"),  # not a channel column: the digits are the account's
        ("channel", "SIP/ACCT-96566089"),  # 8 decimal digits, not from 0: an account's, maybe
        ("channel", "Local/100-0000002a;1"),  # a Local channel names exten@context
        ("channel", "IAX2/peer-1234"),  # IAX2 numbers calls in decimal
        ("channel", "SIP/carrier-w2/15145550123,60,tT"),  # a dial string
        ("channel", "sip/acct-1-0000002a"),  # not a technology as Asterisk writes it
        ("channel", "SIP/ACCT-1-0000002a\n"),  # a line break after it
    ],
)
def test_values_that_are_no_channel_name_are_tokenized_whole(field, value):
    """Nothing of these is kept: one token for the whole value."""
    (out,) = run(build("pseudonymize", entity="ACCOUNT_NUMBER", field=field), [value])
    assert out.startswith("ACCT_") and len(out) == 21


def test_pseudonymize_int_column_and_missing_key():
    """Ints are tokenised as text; a keyed operator without a key fails at build time."""
    op = build("pseudonymize", entity="ACCOUNT_NUMBER", kind=pa.int64())
    assert run(op, [123, None], pa.int64())[0].startswith("ACCT_")
    with pytest.raises(MissingKeyError, match="field 'f': pseudonymize needs a key"):
        build("pseudonymize", entity="PHONE_NUMBER", key=None)


# --- encrypt_fpe ----------------------------------------------------------------------------
def test_fpe_keeps_format_and_short_values_fail_closed():
    """Separators and length stay; fewer than 6 digits cannot be encrypted → null."""
    op = build("encrypt_fpe", entity="PHONE_NUMBER", field="dst")
    out = run(op, ["+1 (514) 555-0123", "12345", None, ""])
    assert len(out[0]) == 17 and out[0][0] == "+" and out[0][2:4] == " (" and out[0][7:9] == ") "
    assert out[0] != "+1 (514) 555-0123"
    assert out[1:] == [None, None, ""]


def test_fpe_tweak_depends_on_the_field():
    """The same number encrypts differently in two fields."""
    a = run(build("encrypt_fpe", field="src"), ["5145550123"])
    b = run(build("encrypt_fpe", field="dst"), ["5145550123"])
    assert a != b


def test_token_is_hmac_sha256_of_prefix_and_normalised_value():
    """The fast path equals the textbook HMAC-SHA-256 (hmac module) of `PREFIX:normalised`."""
    import hashlib
    import hmac

    from redaction.operators.pseudonymize import KEY_LABEL

    (out,) = run(build("pseudonymize", entity="PHONE_NUMBER"), ["(514) 555-0123"])
    expected = hmac.new(KEY.derive(KEY_LABEL), b"PHONE:+15145550123", hashlib.sha256)
    assert out == "PHONE_" + expected.hexdigest()[:16]
