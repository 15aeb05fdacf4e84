"""Adding an entity is one registration (`detectors.entity_specs.register`) plus its category in
the taxonomy: a toy entity is then profiled, decided, pseudonymized with its own tokens and
verified, end to end, with no other table touched."""

from __future__ import annotations

import re
from pathlib import Path

import pyarrow.parquet as pq
import pytest
import yaml

import detectors
import policy
from detectors.columns.base import Shape, ValueClassifier
from detectors.entity_specs import EntitySpec, Normaliser, register, unregister
from policy.loader import pack_path
from redaction import build_plan, deliver, verify_output
from redaction.keys import key_from_text
from redaction.results import DeliveryOutcome

TOY = "LOYALTY_ID"
CSV = "customer,loyalty,minutes\n" + "".join(
    f"c{i},{'loy' if i % 2 else 'LOY'}-{100000 + i % 40},{i}\n" for i in range(200)
)


@pytest.fixture()
def toy():
    """A loyalty-card number registered for one test, removed after it."""
    register(EntitySpec(
        TOY,
        column=ValueClassifier(TOY, shapes=(Shape(r"(?i)^\s*LOY-[0-9]{6}\s*$"),),
                               name_hint=r"loyalty"),
        token_prefix="LOYAL",
        normaliser=Normaliser.UPPER,  # loy-100001 and LOY-100001 are one card, one token
        in_text=False,
        generated=False,
    ))  # fmt: skip
    yield TOY
    unregister(TOY)


def _pack(tmp_path: Path, mapped: bool) -> policy.PolicyPack:
    """The voipms pack, with (or without) a category for the toy entity."""
    doc = yaml.safe_load(pack_path("voipms").read_text(encoding="utf-8"))
    if mapped:
        doc["categories"] = {
            "identity.loyalty": {"title": "Loyalty card number", "entities": [TOY],
                                 "transforms": ["pseudonymize"]},
        }
    path = tmp_path / "pack.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    return policy.load_pack(path)


def _deliver(tmp_path: Path, pack: policy.PolicyPack):
    source = tmp_path / "loyalty.csv"
    source.write_text(CSV, encoding="utf-8")
    profile = detectors.profile_dataset("billing", "billing", [source])
    spec = policy.DeliverySpec(
        name="loyalty-quality", dataset="billing", recipient="acme-analytics",
        recipient_class="analytics_vendor", purpose="service_quality",
    )  # fmt: skip
    decision = policy.evaluate_delivery(pack, spec, profile.fields, "billing")
    schema = detectors.read_schema(source)
    plan = build_plan(decision, schema, key_from_text("toy-entity-key-0123456789abcdef0123"))
    return profile, decision, plan, deliver(plan, [source], tmp_path / "out")


def test_a_registered_entity_is_found_decided_tokenized_and_verified(tmp_path: Path, toy: str):
    profile, decision, plan, result = _deliver(tmp_path, _pack(tmp_path, mapped=True))
    found = {f.column: [e.entity_type for e in f.entities] for f in profile.fields}
    assert found["loyalty"] == [toy]  # profiled by its column classifier
    field = next(f for f in decision.fields if f.field == "loyalty")
    assert (field.category, str(field.verdict)) == ("identity.loyalty", "pseudonymize")
    assert result.outcome is DeliveryOutcome.DELIVERED
    tokens = pq.read_table(result.output_path).column("loyalty").to_pylist()
    assert all(re.fullmatch(r"LOYAL_[0-9a-f]{16}", t) for t in tokens)
    assert len(set(tokens)) == 40  # the case does not make another card
    assert verify_output(Path(result.output_path), plan) == ()


def test_an_entity_the_taxonomy_does_not_map_is_not_delivered_in_clear(
    tmp_path: Path, toy: str
):
    """Registered but given no category: the gate does not know what it may do with it, so the
    column does not leave in clear (fail closed)."""
    _, decision, _, result = _deliver(tmp_path, _pack(tmp_path, mapped=False))
    field = next(f for f in decision.fields if f.field == "loyalty")
    assert str(field.verdict) in ("drop", "redact", "deny")
    if result.output_path:
        table = pq.read_table(result.output_path)
        assert "loyalty" not in table.column_names or not any(
            v and "LOY-" in v.upper() for v in table.column("loyalty").to_pylist()
        )
