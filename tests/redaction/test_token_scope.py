"""Token scope: tokens are made with a key derived with the recipient's name, so two recipients
cannot join their deliveries while one recipient's deliveries still join; `shared` opts in."""

from __future__ import annotations

import dataclasses
import pickle
from pathlib import Path

import pyarrow as pa
import pytest
from conftest import CDR_SCHEMA, KEY_TEXT, cdr_decision
from hypothesis import given, settings
from hypothesis import strategies as st

from policy.decisions import (
    DeliveryDecision,
    DeliveryStatus,
    FieldDecision,
    OperatingPoint,
    TokenScope,
    Verdict,
)
from redaction import apply_plan, build_plan
from redaction.errors import KeyScopeError
from redaction.keys import Key, key_from_text
from redaction.manifest import fingerprint
from redaction.operators import FieldContext, get_operator
from redaction.operators.distinct import MemoryBank
from redaction.operators.pseudonymize import Pseudonymizer

KEY = key_from_text(KEY_TEXT)
CDR = pa.RecordBatch.from_pylist(
    [
        {"accountcode": "ACCT-000123", "src": "15145550123", "dst": "+1 (514) 555-0199",
         "clid": '"Jane Roe" <5145550123>', "start": "2026-01-05 13:45:12",
         "src_ip": "203.0.113.77", "consent": "yes", "duration": "61"},
        {"accountcode": "ACCT-000124", "src": "514-555-0100", "dst": "5145550123",
         "clid": '"Zoë Ñúñez" <5145550100>', "start": "2026-01-05 14:05:00",
         "src_ip": "203.0.113.9", "consent": "yes", "duration": "7"},
    ],
    schema=CDR_SCHEMA,
)  # fmt: skip
KEYED = ("accountcode", "src", "dst", "clid")  # pseudonymized, and dst encrypted (FPE)
BILLING_SCHEMA = pa.schema([("phone", pa.string()), ("notes", pa.string())])
BILLING = pa.RecordBatch.from_pylist(
    [{"phone": "(514) 555-0123", "notes": "x"}, {"phone": "+1 514 555 0100", "notes": "y"}],
    schema=BILLING_SCHEMA,
)


def _cdr(recipient: str, scope: TokenScope = TokenScope.RECIPIENT) -> dict[str, list]:
    decision = dataclasses.replace(
        cdr_decision(row_filters=False), recipient=recipient, token_scope=scope
    )
    out = apply_plan(build_plan(decision, CDR_SCHEMA, KEY), CDR)
    return {name: out.column(name).to_pylist() for name in KEYED}


def _billing_decision(recipient: str) -> DeliveryDecision:
    """A second delivery (another dataset) to `recipient`: phones, and notes as free text."""
    fields = (
        FieldDecision("phone", Verdict.PSEUDONYMIZE, "contact.phone", ("PHONE_NUMBER",),
                      "pseudonymize"),
        FieldDecision("notes", Verdict.PSEUDONYMIZE, "communication.content", ("PHONE_NUMBER",),
                      "pseudonymize", free_text=True, operating_point=OperatingPoint.RECALL),
    )  # fmt: skip
    return DeliveryDecision(
        delivery="billing-quality", dataset="billing", recipient=recipient,
        recipient_class="analytics_vendor", purpose="service_quality", legal_basis=None,
        status=DeliveryStatus.PROCEED, fields=fields,
    )  # fmt: skip


def test_two_recipients_get_different_tokens_for_the_same_values() -> None:
    """Every keyed column (tokens, caller ids, FPE ciphertexts) differs between recipients."""
    acme, globex = _cdr("acme-analytics"), _cdr("globex-analytics")
    for name in KEYED:
        assert set(acme[name]).isdisjoint(globex[name]), name


def test_one_recipients_deliveries_join() -> None:
    """CDR and billing delivered to one vendor: a number has one token in both."""
    cdr = _cdr("acme-analytics")
    plan = build_plan(_billing_decision("acme-analytics"), BILLING_SCHEMA, KEY)
    phones = apply_plan(plan, BILLING).column("phone").to_pylist()
    assert phones == [cdr["src"][0], cdr["src"][1]]  # +15145550123, +15145550100
    other = build_plan(_billing_decision("globex-analytics"), BILLING_SCHEMA, KEY)
    assert set(apply_plan(other, BILLING).column("phone").to_pylist()).isdisjoint(cdr["src"])


def test_free_text_tokens_use_the_recipients_scope() -> None:
    """Spans pseudonymized in prose get the token the structured columns of the same
    recipient give, and another recipient's prose gets other ones."""
    acme = build_plan(_billing_decision("acme-analytics"), BILLING_SCHEMA, KEY)
    globex = build_plan(_billing_decision("globex-analytics"), BILLING_SCHEMA, KEY)
    token = acme.column("notes").op.pseudonymizer.token("PHONE_NUMBER", "(514) 555-0123")
    assert token == apply_plan(acme, BILLING).column("phone")[0].as_py()
    assert token != globex.column("notes").op.pseudonymizer.token("PHONE_NUMBER", "5145550123")


def test_shared_scope_gives_equal_tokens_made_with_the_unscoped_key() -> None:
    """Two recipients on the shared scope get equal tokens: the master key's sub-key."""
    acme = _cdr("acme-analytics", TokenScope.SHARED)
    assert acme == _cdr("globex-analytics", TokenScope.SHARED)
    reference = Pseudonymizer(KEY.derive("pseudonymize"))
    assert acme["src"][0] == reference.token("PHONE_NUMBER", "15145550123")
    assert set(acme["src"]).isdisjoint(_cdr("acme-analytics")["src"])


def test_plan_records_scope_and_master_key_id() -> None:
    """The plan names its scope and recipient; key_id stays the master key's fingerprint."""
    plan = build_plan(cdr_decision(), CDR_SCHEMA, KEY)
    assert (plan.token_scope, plan.recipient, plan.key_id) == (
        TokenScope.RECIPIENT, "acme-analytics", KEY.key_id)
    assert "test-key" not in repr(plan) and KEY_TEXT not in repr(pickle.loads(pickle.dumps(plan)))


def test_a_reused_delivery_never_crosses_scopes(cdr_csv: Path) -> None:
    """The manifest fingerprint changes with the recipient and the scope, so a delivery made
    for one recipient is never reused (hard-linked) for another."""

    def prints(recipient: str, scope: TokenScope) -> str:
        decision = dataclasses.replace(cdr_decision(), recipient=recipient, token_scope=scope)
        return fingerprint(build_plan(decision, CDR_SCHEMA, KEY), [cdr_csv], "parquet", None,
                           1000, "tag")  # fmt: skip

    found = {prints(r, s) for r in ("acme", "globex") for s in TokenScope}
    assert len(found) == 4


def test_a_shared_memory_bank_keeps_recipients_apart() -> None:
    """Memories are named by the sub-key they hold tokens of: even one bank shared by two
    recipients' columns never hands one recipient's token to the other."""
    bank = MemoryBank()
    numbers = pa.array(["5145550123", "5145550100"] * 600)  # > 1,000 cells: memory is used

    def column(key: Key) -> list[str]:
        ctx = FieldContext("src", ("PHONE_NUMBER",), pa.string(), key, bank)
        op = get_operator("pseudonymize").build({}, ctx)
        op(numbers)  # fills the shared memory
        return op(numbers).to_pylist()[:2]  # answered from it

    acme, globex = column(KEY.for_recipient("acme")), column(KEY.for_recipient("globex"))
    assert set(acme).isdisjoint(globex)
    assert acme == column(KEY.for_recipient("acme"))  # the same scope finds its own memory


@settings(max_examples=100, deadline=None)
@given(
    st.text(min_size=1, max_size=20).filter(str.strip),
    st.text(min_size=1, max_size=12).filter(str.strip),
    st.text(min_size=1, max_size=12).filter(str.strip),
)
def test_tokens_deterministic_per_recipient_and_different_across(value, one, other) -> None:
    """Same key, recipient and value: same token, from a key built afresh; recipients whose
    names differ (after case folding and whitespace) get different tokens."""

    def token(recipient: str) -> str:
        key = key_from_text(KEY_TEXT).for_recipient(recipient)
        return Pseudonymizer(key.derive("pseudonymize")).token("PERSON", value)

    assert token(one) == token(one)
    if " ".join(one.split()).casefold() != " ".join(other.split()).casefold():
        assert token(one) != token(other)
    else:
        assert token(one) == token(other)


def test_scoped_key_repr_and_refusals() -> None:
    """A scoped key shows its recipient, never bytes; scoping twice or a blank name is refused."""
    scoped = KEY.for_recipient("  Acme   Analytics ")
    assert repr(scoped) == f"Key(key_id={KEY.key_id!r}, recipient='acme analytics')"
    assert scoped.derive("pseudonymize") not in (KEY.derive("pseudonymize"), scoped._material)
    with pytest.raises(KeyScopeError, match="already scoped to recipient 'acme analytics'"):
        scoped.for_recipient("globex")
    with pytest.raises(KeyScopeError, match="needs the recipient's name"):
        KEY.for_recipient("   ")


@pytest.mark.slow
def test_end_to_end_scopes_and_masked_cards(tmp_path: Path) -> None:
    """Generated CDR and billing, profiled, decided by the voipms pack and delivered: one
    analytics vendor joins its CDR and billing on phone tokens, another vendor's tokens join
    with neither, and the cards they receive show their last 4 digits only."""
    import re

    import pyarrow.parquet as pq

    import detectors
    import policy
    import redaction
    from detectors.validators import digits_only
    from redaction.risk import climb_ladder

    synthetic = pytest.importorskip("synthetic")
    pack = policy.load_pack("voipms")

    profiled: dict[str, tuple] = {}

    def deliver(kind: str, recipient: str, fields: list[str]) -> pa.Table:
        if kind not in profiled:  # subscriber i is the same person in CDR and billing
            data = synthetic.generate(kind, 200, tmp_path / "in" / kind, seed=5)
            profiled[kind] = data, detectors.profile_dataset(kind, kind, [data.data_path])
        data, profile = profiled[kind]
        spec = policy.DeliverySpec(
            name=f"{kind}-{recipient}", dataset=kind, recipient=recipient,
            recipient_class="analytics_vendor", purpose="service_quality", fields=fields,
        )  # fmt: skip
        decision = policy.evaluate_delivery(pack, spec, profile.fields, kind)
        assert decision.token_scope is TokenScope.RECIPIENT
        schema = next(detectors.read_batches(data.data_path)).schema
        out = tmp_path / "out" / recipient

        def run(decision: DeliveryDecision) -> list[redaction.DeliveryResult]:
            plan = redaction.build_plan(decision, schema, KEY)
            return [redaction.deliver(plan, [data.data_path], out)]

        (result,) = climb_ladder(decision, run)
        assert result.outcome is redaction.DeliveryOutcome.DELIVERED, result.blocked_reasons
        return pq.read_table(result.output_path)

    billing_fields = ["customer_id", "phone", "card_number"]
    cdr = deliver("cdr", "acme-analytics", ["src", "dst", "duration"])
    acme = deliver("billing", "acme-analytics", billing_fields)
    globex = deliver("billing", "globex-analytics", billing_fields)
    cdr_phones = set(cdr.column("src").to_pylist()) - {None, ""}
    assert cdr_phones and cdr_phones <= set(acme.column("phone").to_pylist())  # they join
    for name in ("customer_id", "phone"):
        assert set(acme.column(name).to_pylist()).isdisjoint(globex.column(name).to_pylist())
    assert set(globex.column("phone").to_pylist()).isdisjoint(cdr_phones)
    source = detectors.read_batches(tmp_path / "in" / "billing" / "billing.csv")
    plain = [v for batch in source for v in batch.column("card_number").to_pylist()]
    for table in (acme, globex):
        for masked, card in zip(table.column("card_number").to_pylist(), plain, strict=True):
            assert re.fullmatch(r"[•\s-]*\d{4}", masked), "only the last 4 digits show"
            assert masked[-4:] == digits_only(card)[-4:] and len(masked) == len(card)
