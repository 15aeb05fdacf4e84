"""Laws the operators must keep for any input (hypothesis)."""

from __future__ import annotations

import pyarrow as pa
from hypothesis import example, given, settings
from hypothesis import strategies as st

from redaction.keys import key_from_text
from redaction.operators import FieldContext, get_operator
from redaction.operators.fpe import cipher_for
from redaction.operators.generalize import IPV6_NETWORK_DONE
from redaction.operators.mask import mask_text

KEY_TEXT = "property-key-0123456789abcdef0123456789"
KEYS = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789", min_size=32, max_size=48)
# NANP numbers in the reserved 555-01XX fictional range, each written in one of several formats.
LINE = st.integers(min_value=100, max_value=199).map(lambda n: f"0{n}")  # 0100..0199
AREA = st.sampled_from(["514", "212", "415", "604"])
FORMATS = ["{a}555{l}", "1{a}555{l}", "+1{a}555{l}", "({a}) 555-{l}", "+1 {a}-555-{l}",
           "{a}.555.{l}", "1-{a}-555-{l}"]  # fmt: skip


def token(key_text: str, entity: str, value: str) -> str:
    ctx = FieldContext("f", (entity,), pa.string(), key_from_text(key_text))
    return get_operator("pseudonymize").build({}, ctx)(pa.array([value])).to_pylist()[0]


@settings(max_examples=25, deadline=None)
@given(KEYS, KEYS, st.text(min_size=1, max_size=30).filter(str.strip))
def test_pseudonyms_deterministic_per_key_and_different_across_keys(k1, k2, value):
    """Same key, same token; another key, another token."""
    assert token(k1, "PERSON", value) == token(k1, "PERSON", value)
    if k1.strip() != k2.strip():
        assert token(k1, "PERSON", value) != token(k2, "PERSON", value)


@settings(max_examples=25, deadline=None)
@given(KEYS, AREA, LINE, st.sampled_from(FORMATS), st.sampled_from(FORMATS))
def test_one_phone_one_token_in_any_format(key, area, line, f1, f2):
    """Two spellings of one number give one token."""
    a, b = f1.format(a=area, l=line), f2.format(a=area, l=line)
    assert token(key, "PHONE_NUMBER", a) == token(key, "PHONE_NUMBER", b)


@settings(max_examples=30, deadline=None)
@given(KEYS, st.text(alphabet="0123456789 -+()", min_size=6, max_size=30), st.text(min_size=1))
def test_fpe_round_trips_and_keeps_format(key, value, field):
    """Decrypt(encrypt(x)) == x; non-digits stay in place; length is kept."""
    cipher = cipher_for(key_from_text(key), field)
    encrypted = cipher.encrypt(value)
    digits = sum(ch.isdigit() for ch in value)
    if not 6 <= digits <= 56:
        assert encrypted is None
        return
    assert encrypted is not None and len(encrypted) == len(value)
    assert [c for c in encrypted if not c.isdigit()] == [c for c in value if not c.isdigit()]
    assert cipher.decrypt(encrypted) == value


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=40), st.integers(0, 6), st.integers(0, 4))
def test_masking_keeps_length_and_is_idempotent(value, first, last):
    """Length never changes and masking twice is masking once."""
    once = mask_text(value, first, last)
    assert len(once) == len(value) and mask_text(once, first, last) == once


@settings(max_examples=30, deadline=None)
@given(st.lists(st.one_of(st.none(), st.text(min_size=1, max_size=20)), max_size=8))
def test_redaction_output_never_contains_its_input(values):
    """No redacted cell contains the (non-trivial) value it replaced."""
    ctx = FieldContext("f", ("PHONE_NUMBER",), pa.string())
    out = get_operator("redact").build({}, ctx)(pa.array(values, pa.string())).to_pylist()
    for before, after in zip(values, out, strict=True):
        if before is None:
            assert after is None
        elif before not in "<PHONE_NUMBER>":
            assert before not in after


# Cells as switches and people write them, with the characters where RE2 and Python disagree:
# Unicode digits and spaces, vertical tab, file separators, NBSP, non-ASCII letters.
ODD_CHARS = ["\u0663", "\u00a0", "\u2003", "\x0b", "\x1c", "\x85", "é", "İ", "ß"]
CELL_CHARS = st.sampled_from([*"0123456789 +-().<>\"'@:/,;abcXYZ_\t\n", *ODD_CHARS])
CELLS = st.one_of(
    st.text(CELL_CHARS, max_size=28),
    st.builds(lambda a, n, f: f.format(a=a, l=n), AREA, LINE, st.sampled_from(FORMATS)),
    st.builds(lambda p, a, n: f'"{p}" <{a}555{n}>', st.text(CELL_CHARS, max_size=12), AREA, LINE),
    st.builds(lambda a, n: f"<{a}555{n}>", AREA, LINE),
    st.none(),
)
COLUMN_ENTITIES = [("PHONE_NUMBER",), ("EMAIL_ADDRESS",), ("SIP_URI",), ("ACCOUNT_NUMBER",),
                   ("PERSON",), ("PERSON", "PHONE_NUMBER")]  # fmt: skip


@settings(max_examples=200, deadline=None)
@given(st.lists(CELLS, min_size=1, max_size=40), st.sampled_from(COLUMN_ENTITIES))
@example(["\x0b<5145550100>", '"Ann\u00a0" <5145550100>'], ("PERSON", "PHONE_NUMBER"))  # \s differs
@example(["0\u0663", "514\x0b555\x0b0100", " +1 514 555 0100 "], ("PHONE_NUMBER",))  # \d, \s
@example(["(514) 555-0100", "+44 20 7946 0151", "12345", "Ann", "\u00a05145550100"],
         ("PERSON", "PHONE_NUMBER"))  # bare caller ids: phone-shaped, short, names  # fmt: skip
@example(
    [None, "011 44 20 7946 0958", '"A" <1>', "0044 20 7946 0958", "+999 1234567", None],
    ("PERSON", "PHONE_NUMBER"),
)  # bare ones parsed by libphonenumber, among split ones
def test_column_wise_tokens_equal_per_value_tokens(cells, column_entities):
    """Normalising column-wise first gives each cell exactly the token the per-value path gives,
    so a number has one token in CDR columns, caller ids and free text alike."""
    from redaction.operators.pseudonymize import Pseudonymizer

    key = key_from_text("property-key-0123456789abcdef0123456789")
    ctx = FieldContext("f", column_entities, pa.string(), key)
    op = get_operator("pseudonymize").build({}, ctx)
    reference = Pseudonymizer(key.derive("pseudonymize"))
    if len(column_entities) == 2:
        expected = [None if c is None else reference.caller_id(c) for c in cells]
    else:
        tokenize = reference.tokenizer(column_entities[0])
        expected = [None if c is None else tokenize(c) for c in cells]
    column = pa.array(cells, pa.string())
    assert op(column).to_pylist() == expected
    assert op(column.slice(1)).to_pylist() == expected[1:]  # the next batch, from memory


# Channel names as Asterisk writes them and near misses: other technologies, case, sequences of
# other lengths or all decimal, peers with `-`, `@`, `/` and the characters RE2 and Python see
# differently.
CHANNELS = st.one_of(
    st.builds(
        lambda tech, peer, sequence, leg: f"{tech}/{peer}-{sequence}{leg}",
        st.sampled_from(["SIP", "PJSIP", "Local", "IAX2", "DAHDI", "sip", "Console", ""]),
        st.text(st.sampled_from([*"aZ09-_.@+/ ", *ODD_CHARS]), min_size=0, max_size=10),
        st.text(st.sampled_from([*"0123456789abcdefA"]), min_size=3, max_size=9),
        st.sampled_from(["", "", ";1", ";2", ";3", "\n"]),
    ),
    CELLS,
)


@settings(max_examples=200, deadline=None)
@given(st.lists(CHANNELS, min_size=1, max_size=40), st.sampled_from(["channel", "notes"]))
@example(["SIP/ACCT-1-0000002a", "SIP/ACCT-1-96566089", "Local/1@a-b-1545;1", "DAHDI/1-1"],
         "channel")  # fmt: skip
def test_channel_columns_split_exactly_as_the_per_value_path(cells, field):
    """A channel column's cells get, column-wise, exactly what `Pseudonymizer.channel` gives
    each (peer tokenized, technology and sequence kept, anything else whole); another column
    tokenizes the same cells whole."""
    from redaction.operators.pseudonymize import Pseudonymizer

    key = key_from_text("property-key-0123456789abcdef0123456789")
    ctx = FieldContext(field, ("ACCOUNT_NUMBER",), pa.string(), key)
    op = get_operator("pseudonymize").build({}, ctx)
    reference = Pseudonymizer(key.derive("pseudonymize"))
    if field == "channel":
        expected = [None if c is None else reference.channel("ACCOUNT_NUMBER", c) for c in cells]
    else:
        tokenize = reference.tokenizer("ACCOUNT_NUMBER")
        expected = [None if c is None else tokenize(c) for c in cells]
    column = pa.array(cells, pa.string())
    assert op(column).to_pylist() == expected
    assert op(column.slice(1)).to_pylist() == expected[1:]  # the next batch, from memory
    assert not any(op.violations(op(column)).to_pylist())


# Timestamps as switches write them, near misses of that shape, and other cells.
TIMESTAMPS = st.one_of(
    st.datetimes().map(lambda d: d.strftime("%Y-%m-%d %H:%M:%S")),
    st.datetimes().map(lambda d: d.strftime("%Y-%m-%dT%H:%M:%S")),
    st.datetimes().map(lambda d: d.strftime("%Y-%m-%d %H:%M:%S.%f+02:00")),
    st.datetimes().map(lambda d: d.strftime("%Y-%m-%d")),
    st.text(st.sampled_from([*"0123456789-: T", "\u0663", "é"]), max_size=22),
    st.none(),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(TIMESTAMPS, min_size=1, max_size=30), st.sampled_from(["minute", "hour", "day",
                                                                        "month"]))  # fmt: skip
@example(["2026-01-05 13:45:12", "", None, "2026-01-05 1\u0663:45:12"], "day")
def test_timestamps_rewritten_in_place_equal_the_regex_path(cells, level):
    """The in-place rewrite of `YYYY-MM-DD HH:MM:SS` cells gives what the general RE2 path does."""
    from redaction.operators.generalize import TimeLevel

    op = TimeLevel(level, pa.string())
    column = pa.array(cells, pa.string())
    for part in (column, column.slice(1)):
        assert op(part).to_pylist() == op._rewrite(part).to_pylist()


IP_CELLS = st.one_of(
    st.ip_addresses(v=4).map(str),
    st.ip_addresses(v=6).map(str),
    st.tuples(*[st.integers(0, 300)] * 4).map(lambda t: ".".join(map(str, t))),
    st.text(st.sampled_from([*"0123456789. :abcdef", "\u0663"]), max_size=16),
    st.none(),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(IP_CELLS, min_size=1, max_size=30), st.sampled_from([8, 16, 24, 32]))
@example(["198.51.100.7", "010.1.2.3", " 1.2.3.4", "", None, "2001:db8::1"], 24)
def test_ip_networks_built_from_bytes_equal_the_per_value_networks(cells, prefix):
    """Dotted quads generalized column-wise give exactly what `ipaddress` gives per value."""
    from redaction.operators.generalize import IpPrefix, _keep_blank

    op = IpPrefix(prefix)
    reference = _keep_blank(op.network)
    expected = [None if c is None else reference(c) for c in cells]
    column = pa.array(cells, pa.string())
    assert op(column).to_pylist() == expected
    assert op(column.slice(1)).to_pylist() == expected[1:]
    # a long column of these few values (peers repeat): networks per distinct value, then taken
    many = pa.array([cells[i % len(cells)] for i in range(5_000)], pa.string())
    assert op(many).to_pylist() == [expected[i % len(cells)] for i in range(5_000)]


@settings(max_examples=50, deadline=None)
@given(st.lists(st.one_of(st.text(min_size=1, max_size=20).filter(str.strip), st.none()),
                max_size=12), st.sampled_from(["PHONE_NUMBER", "PERSON", None]))  # fmt: skip
def test_hashed_column_equals_per_value_tokens_across_chunks(values, entity):
    """`hash_array` (one buffer per chunk) gives each cell the per-value token; nulls stay."""
    import redaction.operators.pseudonymize as module
    from redaction.operators.pseudonymize import Pseudonymizer

    pseudonymizer = Pseudonymizer(key_from_text(KEY_TEXT).derive("pseudonymize"))
    hasher = pseudonymizer.hasher(entity)
    chunk, module._TOKENS_PER_CHUNK = module._TOKENS_PER_CHUNK, 3  # several chunks per column
    try:
        out = pseudonymizer.hash_array(entity, pa.array(values, pa.string()))
    finally:
        module._TOKENS_PER_CHUNK = chunk
    assert out.to_pylist() == [None if v is None else hasher(v) for v in values]


@settings(max_examples=200, deadline=None)
@given(st.lists(CELLS, min_size=1, max_size=30))
@example(['"Jane Roe " <5145550100>', '"" <5145550100>', '"Ann" <>', '"A"<5145550100>',
          ' "A" <1>', '"A" <1> ', '"A  B" <(514) 555-0100>', None])  # fmt: skip
@example(["<5145550100>", "<>", " <1>", "<1> ", '"A" <1><2>', "<1>x<2>", "A <1>", "5145550100"])
def test_usual_caller_id_split_equals_the_general_pattern(cells):
    """The fast pattern for `"Name" <number>` and `<number>` cells gives the groups the general
    one gives, and every cell the general one splits is split."""
    import pyarrow.compute as pc

    from redaction.operators import canonical

    column = pa.array(cells, pa.string())
    matched, names, numbers = canonical.split_caller_ids(column)
    general = pc.extract_regex(column, canonical.CALLER_ID)
    for i, cell in enumerate(cells):
        if matched[i].as_py():
            assert general[i].is_valid
            assert names[i].as_py() == general[i]["name"].as_py()
            assert numbers[i].as_py() == general[i]["number"].as_py()
        elif cell is not None and general[i].is_valid:  # only other Unicode spaces keep a cell out
            assert canonical.false_if_null(
                pc.match_substring_regex(pa.array([cell]), canonical._OTHER_WHITESPACE)
            )[0].as_py()


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(["011", "00", "0011", "0111", "01", "000", "+", ""]),
       st.text("0123456789", min_size=4, max_size=14))  # fmt: skip
def test_dialling_prefix_shares_the_parse_of_the_plus_form(prefix, digits):
    """`011…`/`00…` are given libphonenumber as `+…`, exactly as `parse_phone` does itself."""
    from detectors.validators import to_e164
    from redaction.operators.pseudonymize import _dialled_as_plus

    canonical = prefix + digits
    assert to_e164(_dialled_as_plus(canonical), "US") == to_e164(canonical, "US")


@settings(max_examples=300, deadline=None)
@given(st.ip_addresses(), st.sampled_from([0, 8, 16, 20, 24, 32]))
def test_ip_network_is_the_standard_library_network_address(address, prefix):
    """`IpPrefix.network` gives what `ipaddress.ip_network(...).network_address` gives."""
    import ipaddress

    from redaction.operators.generalize import IPV6_PREFIX, IpPrefix

    bits = prefix if address.version == 4 else IPV6_PREFIX
    expected = str(ipaddress.ip_network(f"{address}/{bits}", strict=False).network_address)
    assert IpPrefix(prefix).network(str(address)) == expected


@settings(max_examples=300, deadline=None)
@given(st.ip_addresses(v=6), st.sampled_from([8, 16, 24]))
def test_every_ipv6_network_has_the_shape_verification_accepts(address, prefix):
    """What the rule writes for an IPv6 address is accepted on RE2 alone (no second parse)."""
    import re

    from redaction.operators.generalize import IpPrefix

    assert re.fullmatch(IPV6_NETWORK_DONE, IpPrefix(prefix).network(str(address)))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.from_regex(IPV6_NETWORK_DONE, fullmatch=True), min_size=1, max_size=8),
       st.sampled_from([8, 16, 24]))  # fmt: skip
def test_cells_of_the_accepted_ipv6_shape_are_left_unchanged_by_the_rule(cells, prefix):
    """Verification accepts only what generalizing again would not change: never a host."""
    from redaction.operators.generalize import IpPrefix

    op = IpPrefix(prefix)
    column = pa.array(cells, pa.string())
    assert op(column).to_pylist() == cells
    assert not op.violations(column).to_pylist().count(True)
