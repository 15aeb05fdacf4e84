"""Columns of one plan share the memory of phone numbers: same tokens, less work."""

from __future__ import annotations

import pickle
import random

import pyarrow as pa
from conftest import CDR_SCHEMA, cdr_decision

from redaction import build_plan
from redaction.operators import FieldContext, get_operator
from redaction.operators.distinct import MemoryBank

NUMBERS = [f"+1514555{i:04d}" for i in range(300)] + [f"(604) 555-{i:04d}" for i in range(300)]


def _op(field, entities, key, memories=None):
    ctx = FieldContext(field, entities, pa.string(), key, memories)
    return get_operator("pseudonymize").build({}, ctx)


def _columns(seed: int, rows: int = 400) -> dict[str, list[str | None]]:
    pick = random.Random(seed).choice
    src = [pick([*NUMBERS, None, ""]) for _ in range(rows)]
    return {
        "src": src,
        "dst": [pick(NUMBERS) for _ in range(rows)],
        "clid": [f'"Jane Roe" <{n}>' if n else n for n in src],
        "lastdata": [f"SIP/trunk/{pick(NUMBERS)},60" for _ in range(rows)],
    }


ENTITIES = {"src": ("PHONE_NUMBER",), "dst": ("PHONE_NUMBER",),
            "clid": ("PERSON", "PHONE_NUMBER"), "lastdata": ("PHONE_NUMBER",)}  # fmt: skip


def test_shared_memory_gives_the_tokens_each_column_gives_alone(key):
    """Over batches and in any column order, sharing changes no token."""
    bank = MemoryBank()
    shared = {f: _op(f, e, key, bank) for f, e in ENTITIES.items()}
    alone = {f: _op(f, e, key) for f, e in ENTITIES.items()}
    for seed in range(6):
        batch = _columns(seed)
        order = list(batch)
        random.Random(seed).shuffle(order)
        for field in order:
            values = pa.array(batch[field], pa.string())
            assert shared[field](values).equals(alone[field](values)), field


def test_phone_columns_share_one_memory_and_dial_strings_keep_their_own(key):
    """src, dst and the numbers inside clid fill one memory, each number once; lastdata (dial
    strings no other column holds) keeps its own."""
    bank = MemoryBank()
    ops = {f: _op(f, e, key, bank) for f, e in ENTITIES.items()}
    batch = _columns(1)
    for field, op in ops.items():
        op(pa.array(batch[field], pa.string()))
    phones = ops["src"]._memos["PHONE_NUMBER"]
    assert ops["dst"]._memos["PHONE_NUMBER"] is phones
    assert ops["clid"]._memos["PHONE_NUMBER"] is phones
    assert ops["lastdata"]._memos["PHONE_NUMBER"] is not phones
    held = phones._memory[0].to_pylist()
    in_columns = {n for f in ("src", "dst") for n in batch[f] if n is not None}
    assert len(held) == len(set(held)) and set(held) == in_columns


def test_a_pickled_plan_shares_one_empty_memory_again(key):
    """Task workers get plans by pickle: the columns still share, and no value travels."""
    plan = build_plan(cdr_decision(row_filters=False), CDR_SCHEMA, key)
    ops = {c.field: c.op for c in plan.columns}
    ops["src"](pa.array(["5145550123"]))
    data = pickle.dumps(plan)
    assert b"5145550123" not in data
    copy = {c.field: c.op for c in pickle.loads(data).columns}
    assert copy["src"].memories is copy["clid"].memories is not None
    assert copy["src"].memories is not ops["src"].memories


def test_spellings_of_one_number_are_hashed_once_per_delivery(key, monkeypatch):
    """`(514) 555-0123` in src, `+15145550123` in dst and `15145550123` in a later batch are
    three raw values and one number: one HMAC, one token, the per-value tokenizer's."""
    from redaction.operators.pseudonymize import Pseudonymizer

    hashed: list[str] = []
    original = Pseudonymizer.hash_array

    def counting(self, entity, values):
        hashed.extend(values.drop_null().to_pylist())
        return original(self, entity, values)

    monkeypatch.setattr(Pseudonymizer, "hash_array", counting)
    bank = MemoryBank()
    src, dst = _op("src", ("PHONE_NUMBER",), key, bank), _op("dst", ("PHONE_NUMBER",), key, bank)
    first = src(pa.array(["(514) 555-0123", "+1 604 555 0199"] * 20))
    second = dst(pa.array(["+15145550123", "514.555.0123"] * 20))
    third = src(pa.array(["15145550123", None, ""] * 20))
    token = src.pseudonymizer.token("PHONE_NUMBER", "+15145550123")
    assert first[0].as_py() == second[0].as_py() == second[1].as_py() == third[0].as_py() == token
    assert third[1].as_py() is None and third[2].as_py() == ""
    assert sorted(hashed) == ["+15145550123", "+16045550199"]
