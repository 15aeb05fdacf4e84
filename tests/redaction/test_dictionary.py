"""The data dictionary: what each delivered column is, in `_dictionary.json`, `_README.md` and the
Parquet field metadata, published with the parts or not at all, and never holding a value."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from conftest import CDR_CSV, CDR_SCHEMA, F, cdr_decision
from jsonschema import Draft202012Validator

import policy
from policy.decisions import Verdict
from redaction import build_plan, deliver
from redaction.dictionary import (
    DESCRIPTION_KEY,
    DICTIONARY_FILE,
    DOCUMENTS,
    README_FILE,
    Transformation,
    build_dictionary,
    dictionary_json,
    dictionary_schema,
    format_dictionary,
    read_dictionary,
    write_dictionary,
)
from redaction.errors import DictionaryError, DictionaryNotFoundError, OutputWriteError
from redaction.publish import folder_sha256, publishing
from redaction.results import DeliveryOutcome

NAME = "cdr-quality"
SCOPE = "in every column and every delivery to acme-analytics made with key {key_id}"


@pytest.fixture()
def pack() -> policy.PolicyPack:
    return policy.load_pack("voipms")


def _decision():
    """The conftest CDR delivery, with `consent` left out (a dropped column)."""
    return cdr_decision(
        consent=F("consent", Verdict.DROP, None, (), "drop", reason="not needed by the recipient")
    )


def _published(tmp_path: Path, key, pack, inputs: int = 2):
    """Stage `inputs` parts and their dictionary, then publish them together."""
    decision = _decision()
    plan = build_plan(decision, CDR_SCHEMA, key)
    sources = []
    for i in range(inputs):
        source = tmp_path / "in" / f"cdr-{i}.csv"
        source.parent.mkdir(exist_ok=True)
        source.write_text(CDR_CSV.replace("ACCT-000125", f"ACCT-00{i}"), encoding="utf-8")
        sources.append(source)
    with publishing(tmp_path / "out" / "deliveries", NAME) as stage:
        parts = [deliver(plan, [s], stage.folder, part=i) for i, s in enumerate(sources)]
        documents = write_dictionary(stage.folder, build_dictionary(plan, decision, pack, parts))
        result = stage.settle(parts, documents=documents)
    return plan, result, tmp_path / "out" / "deliveries" / NAME


@pytest.mark.parametrize(
    ("column", "transformation", "token_format", "detail"),
    [
        # a token per subscriber, joinable across the recipient's deliveries
        ("src", Transformation.PSEUDONYMIZED, "PHONE_<16 hex>",
         "PHONE_<16 hex> tokens, keyed HMAC-SHA-256 of the number as E.164; equal values have "
         f"equal tokens {SCOPE}; other recipients get other tokens"),
        # caller ids: a name token and the phone token src/dst give the number
        ("clid", Transformation.PSEUDONYMIZED, '"PERSON_<16 hex>" <PHONE_<16 hex>>',
         '"PERSON_<16 hex>" <PHONE_<16 hex>>: the name and the number of each caller id '
         "tokenized apart, the number as E.164 (its token is the one phone columns give it); "
         f"equal values have equal tokens {SCOPE}; other recipients get other tokens"),
        # FPE: reversible by the key holder, not joinable across fields
        ("dst", Transformation.ENCRYPTED, None,
         "FF3-1 format-preserving encryption of the digits (AES-256, a tweak per field): other "
         "characters stay in place, values with fewer than 6 digits become null, the same number "
         "encrypts differently in each field and for each recipient; only the key holder can "
         "reverse it, with a legal basis (teleprivacy reidentify)"),
        # a text time cut to the hour (a timestamp in Parquet when every value reads as one)
        ("start", Transformation.GENERALIZED, None, "times truncated to the hour"),
        ("src_ip", Transformation.GENERALIZED, None,
         "IPv4 addresses replaced by their /24 network, IPv6 by their /48"),
        # not personal: passed through
        ("duration", Transformation.KEPT, None,
         "as in the source (no personal data was found in it)"),
    ],
)  # fmt: skip
def test_each_column_says_what_was_done_to_it(
    column, transformation, token_format, detail, key, pack
):
    """Transformation, token format and the sentence a recipient reads, per operator."""
    plan = build_plan(_decision(), CDR_SCHEMA, key)
    dictionary = build_dictionary(plan, _decision(), pack, [])
    entry = next(c for c in dictionary.columns if c.name == column)
    assert (entry.transformation, entry.token_format) == (transformation, token_format)
    assert entry.detail == detail.format(key_id=key.key_id)
    assert entry.join_scope == ("recipient" if token_format else None)


def test_a_channel_column_says_what_is_kept_of_each_name(key, pack):
    """A channel column's entry names the kept technology and call sequence, and the token its
    peer shares with the account column."""
    channel = F("channel", Verdict.PSEUDONYMIZE, "identity.account", ("ACCOUNT_NUMBER",),
                "pseudonymize")  # fmt: skip
    decision = cdr_decision(channel=channel)
    plan = build_plan(decision, CDR_SCHEMA.append(pa.field("channel", pa.string())), key)
    entry = next(c for c in build_dictionary(plan, decision, pack, []).columns
                 if c.name == "channel")  # fmt: skip
    assert entry.token_format == "<technology>/ACCT_<16 hex>-<call sequence>"
    assert entry.detail.startswith(
        "<technology>/ACCT_<16 hex>-<call sequence>: the peer of each Asterisk channel name "
        "tokenized (keyed HMAC-SHA-256; its token is the one an account column gives the same "
        "account), the technology and the switch's call sequence kept"
    )


def test_dropped_columns_are_listed_apart_with_their_reason(key, pack):
    """A dropped column is not among the delivered ones; its reason and verdict are given."""
    plan = build_plan(_decision(), CDR_SCHEMA, key)
    dictionary = build_dictionary(plan, _decision(), pack, [])
    assert [c.name for c in dictionary.dropped] == ["consent"]
    assert (dictionary.dropped[0].verdict, dictionary.dropped[0].reason) == (
        "drop", "not needed by the recipient"
    )  # fmt: skip
    assert "consent" not in [c.name for c in dictionary.columns]


def test_parquet_fields_carry_the_dictionary_description(tmp_path: Path, key, pack):
    """`pq.read_schema(part).field(c).metadata` explains each column as the dictionary does, with
    the type the dictionary states."""
    _, _, folder = _published(tmp_path, key, pack, inputs=1)
    body = read_dictionary(folder)
    schema = pq.read_schema(folder / body["parts"][0]["file"])
    assert schema.names == [c["name"] for c in body["columns"]]
    for column in body["columns"]:
        field = schema.field(column["name"])
        assert field.metadata[DESCRIPTION_KEY].decode() == column["description"]
        assert str(field.type) == column["arrow_type"]


def test_dictionary_is_published_with_the_parts(tmp_path: Path, key, pack):
    """Parts and documents appear together; the folder digest still covers exactly the parts,
    and the dictionary lists each part with its rows and digest."""
    _, result, folder = _published(tmp_path, key, pack)
    assert result.outcome is DeliveryOutcome.DELIVERED
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [f"{NAME}-part0000.parquet", f"{NAME}-part0001.parquet", *DOCUMENTS]
    )
    assert result.output_sha256 == folder_sha256(folder)
    body = read_dictionary(folder)
    Draft202012Validator(dictionary_schema()).validate(body)
    assert [(p["file"], p["rows"]) for p in body["parts"]] == [
        (f"{NAME}-part0000.parquet", 2), (f"{NAME}-part0001.parquet", 2)
    ]  # fmt: skip
    assert body["rows"] == {"read": 6, "delivered": 4, "quarantined": 0,
                            "removed_by_row_filters": 2, "withheld_by_release_gate": 0}  # fmt: skip
    assert body["row_filters"][0]["column"] == "consent"
    assert (body["key_id"], body["token_scope"], body["policy"]) == (
        key.key_id, "recipient", {"name": "voipms", "version": "1.0.0"}
    )  # fmt: skip
    assert body["purpose"]["citation"]["section"] == "3. Use of personal information (8)"


def test_documents_not_declared_block_publishing(tmp_path: Path, key, pack):
    """The staged folder must hold exactly the parts and the declared documents: a dictionary
    staged without being declared is a stray file, and nothing is published."""
    decision = _decision()
    plan = build_plan(decision, CDR_SCHEMA, key)
    source = tmp_path / "cdr.csv"
    source.write_text(CDR_CSV, encoding="utf-8")
    with publishing(tmp_path / "out", NAME) as stage:
        parts = [deliver(plan, [source], stage.folder, part=0)]
        write_dictionary(stage.folder, build_dictionary(plan, decision, pack, parts))
        with pytest.raises(OutputWriteError, match="the staging folder holds"):
            stage.settle(parts)
    assert not (tmp_path / "out" / NAME).exists()


def test_a_withdrawn_delivery_counts_its_parts_not_its_documents(tmp_path: Path, key, pack):
    """Withdrawing an earlier run says how many parts it removed; the dictionary goes with them."""
    _published(tmp_path, key, pack)
    with publishing(tmp_path / "out" / "deliveries", NAME) as stage:
        assert stage.withdraw() == 2
    assert not (tmp_path / "out" / "deliveries" / NAME).exists()


def test_documents_hold_no_input_value(tmp_path: Path, key, pack):
    """Names, types, rules and counts only: no cell of the input appears in either document."""
    _, _, folder = _published(tmp_path, key, pack)
    text = "".join((folder / name).read_text(encoding="utf-8") for name in DOCUMENTS)
    cells = {c.strip('"') for line in CDR_CSV.splitlines()[1:] for c in line.split(",")}
    leaked = [c for c in cells if len(c) >= 5 and c in text]
    assert leaked == []


def test_readme_and_table_render_every_column(tmp_path: Path, key, pack):
    """The human renderings name every delivered and dropped column."""
    _, _, folder = _published(tmp_path, key, pack, inputs=1)
    body = read_dictionary(folder)
    readme = (folder / README_FILE).read_text(encoding="utf-8")
    table = format_dictionary(body)
    for column in [*body["columns"], *body["dropped_columns"]]:
        assert f"`{column['name']}`" in readme
        assert any(line.startswith(column["name"]) for line in table.splitlines())
    assert readme.startswith(f"# {NAME}: data dictionary\n")
    # Angle brackets are escaped: Markdown would take `<16 hex>` for an HTML tag and hide it.
    assert "PHONE_\\<16 hex\\> tokens" in readme and "<16 hex>" not in readme


def test_dictionary_json_round_trips(tmp_path: Path, key, pack):
    """What is written is what `dictionary_json` builds, read back unchanged."""
    decision = _decision()
    plan = build_plan(decision, CDR_SCHEMA, key)
    dictionary = build_dictionary(plan, decision, pack, [])
    tmp_path.joinpath("d").mkdir()
    # A dictionary without parts does not validate: it is never written.
    with pytest.raises(DictionaryError, match=r"\$\.parts fails 'minItems'"):
        write_dictionary(tmp_path / "d", dictionary)
    assert list((tmp_path / "d").iterdir()) == []
    _, _, folder = _published(tmp_path, key, pack, inputs=1)
    body = read_dictionary(folder)
    assert json.loads((folder / DICTIONARY_FILE).read_text("utf-8")) == body
    # Types are read back from the written Parquet, where kept and generalized text columns
    # take the type their values read as losslessly (`redaction.column_types`).
    planned = dictionary_json(dictionary)["columns"]
    written = pq.read_schema(next(folder.glob("*.parquet")))
    assert [c["arrow_type"] for c in body["columns"]] == [str(f.type) for f in written]
    assert [{**c, "arrow_type": ""} for c in body["columns"]] == [
        {**c, "arrow_type": ""} for c in planned
    ]


@pytest.mark.parametrize(
    ("make", "message"),
    [
        # nothing there
        (lambda d: d / "gone",
         "{d}/gone does not exist; give a delivery folder such as out/deliveries/<delivery>"),
        # a file, such as a part
        (lambda d: (d / "part.parquet", (d / "part.parquet").write_bytes(b"PAR1"))[0],
         "{d}/part.parquet is a file, not a folder; give a delivery folder such as "
         "out/deliveries/<delivery>"),
        # a folder without a dictionary: the deliveries root, or one from an earlier version
        (lambda d: d,
         "no data dictionary in {d}: _dictionary.json is missing; give a delivery folder "
         "published by `teleprivacy run` (out/deliveries/<delivery>), or run the delivery again "
         "to write one"),
        # damaged
        (lambda d: (d, (d / DICTIONARY_FILE).write_text("{", encoding="utf-8"))[0],
         "{d}/_dictionary.json is not valid JSON (line 1); run the delivery again"),
        # JSON, but not a dictionary
        (lambda d: (d, (d / DICTIONARY_FILE).write_text('{"schema_version": "1.0"}'))[0],
         "{d}/_dictionary.json does not match dictionary.schema.json: $ lacks delivery, "
         "dataset, recipient, recipient_class, purpose, allowed_by, legal_basis, policy, key_id, "
         "token_scope, format, rows, row_filters, release_gate, parts, columns, "
         "dropped_columns; it was not written by this version of teleprivacy, or was edited"),
    ],
)  # fmt: skip
def test_reading_a_folder_without_a_dictionary_says_why(make, message, tmp_path: Path):
    """Each way a folder can lack a dictionary has its own message naming the folder."""
    with pytest.raises(DictionaryError) as err:
        read_dictionary(make(tmp_path))
    assert str(err.value) == message.format(d=tmp_path)
    missing = "missing" in message or "exist" in message or "not a folder" in message
    assert isinstance(err.value, DictionaryNotFoundError) == missing


def test_types_are_those_a_reader_gets(tmp_path: Path, key, pack):
    """Typed columns are stated as the Parquet part holds them: seconds become milliseconds
    (Parquet has no seconds unit), integers stay integers, generalized times stay timestamps."""
    import pyarrow as pa

    source = tmp_path / "cdr.parquet"
    pq.write_table(
        pa.table({
            "start": pa.array([1_767_620_712, 1_767_621_900], pa.timestamp("s")),
            "duration": pa.array([61, 7], pa.int64()),
        }),
        source,
    )  # fmt: skip
    decision = cdr_decision(
        row_filters=False, accountcode=None, src=None, dst=None, clid=None, src_ip=None,
        consent=None,
    )  # fmt: skip
    plan = build_plan(decision, pq.read_schema(source), key)
    with publishing(tmp_path / "out", NAME) as stage:
        parts = [deliver(plan, [source], stage.folder, part=0)]
        documents = write_dictionary(stage.folder, build_dictionary(plan, decision, pack, parts))
        stage.settle(parts, documents=documents)
    body = read_dictionary(tmp_path / "out" / NAME)
    types = {c["name"]: c["arrow_type"] for c in body["columns"]}
    assert types == {"start": "timestamp[ms]", "duration": "int64"}
    assert body["columns"][0]["detail"] == "truncated to the hour"
    schema = pq.read_schema(tmp_path / "out" / NAME / body["parts"][0]["file"])
    assert {f.name: str(f.type) for f in schema} == types
