"""Invariants over every entity and every bundled pack: nothing an entity needs is missing.

Adding an entity touches several tables (docs/ARCHITECTURE.md, "Add an entity"); these tests
fail when one is forgotten, instead of the gate silently dropping or mis-tokenizing it.
"""

from __future__ import annotations

import pytest

import policy
from detectors.entities import ALL_ENTITIES
from detectors.entity_specs import specs
from policy.decisions import Verdict
from policy.taxonomy import default_transform
from redaction.operators.pseudonymize import NORMALISERS, PREFIXES

PACKS = sorted(policy.bundled_packs())


@pytest.mark.parametrize("pack", PACKS)
@pytest.mark.parametrize("entity", sorted(ALL_ENTITIES))
def test_every_entity_has_a_category_in_every_bundled_pack(pack: str, entity: str) -> None:
    """An entity a pack never mentions is dropped (fail closed): never by omission."""
    assert policy.load_pack(pack).category_for(entity) is not None


def _pseudonymized_by_default(entity: str) -> bool:
    categories = {policy.load_pack(p).category_for(entity) for p in PACKS}
    return any(c and default_transform(c).verdict is Verdict.PSEUDONYMIZE for c in categories)


KEYED = sorted(e for e in ALL_ENTITIES if _pseudonymized_by_default(e))


def test_some_entities_are_pseudonymized_by_default() -> None:
    assert {"PHONE_NUMBER", "EMAIL_ADDRESS", "PERSON", "TIME_ID"} <= set(KEYED)


@pytest.mark.parametrize("entity", KEYED)
def test_entities_pseudonymized_by_default_have_a_token_prefix_and_a_normaliser(
    entity: str,
) -> None:
    """Written two ways, one value is one token (`130 692 544`, `130-692-544`); its token says
    what it stands for (`SIN_…`)."""
    assert entity in PREFIXES
    assert entity in NORMALISERS


@pytest.mark.parametrize(
    ("entity", "written"),
    [
        ("IMEI", ("35-209900-176148-1", "352099001761481", "35 209900 176148 1")),
        ("CA_SIN", ("046 454 286", "046-454-286", "046454286")),
        ("PHONE_NUMBER", ("+1 514 555 0199", "(514) 555-0199", "514.555.0199")),
    ],
)
def test_one_value_written_several_ways_is_normalised_once(entity: str, written: tuple) -> None:
    assert len({NORMALISERS[entity](w) for w in written}) == 1


REGISTERED = {s.name: s for s in specs()}


def test_every_entity_is_registered_once() -> None:
    """The registry (`detectors.entity_specs`) names exactly the entity vocabulary."""
    assert set(REGISTERED) == ALL_ENTITIES


@pytest.mark.parametrize("entity", sorted(REGISTERED))
def test_a_registered_entity_is_tokenized_as_its_spec_says(entity: str) -> None:
    spec = REGISTERED[entity]
    assert PREFIXES.get(entity) == spec.token_prefix
    assert (entity in NORMALISERS) is (spec.normaliser is not None)


def test_the_sweep_checks_exactly_the_entities_registered_as_swept() -> None:
    """Every validated identifier is checked in every delivered cell, and nothing else is."""
    from detectors.sweep import DETECTED_ENTITIES

    assert {n for n, s in REGISTERED.items() if s.swept} == set(DETECTED_ENTITIES)


def test_the_generator_plants_exactly_the_entities_registered_as_generated(tmp_path) -> None:
    """Labelled synthetic data holds every entity marked `generated` (IMSI, ICCID and SIN
    have none yet: their detectors are checked on the realdata vectors instead)."""
    import json

    import synthetic

    found: set[str] = set()
    for kind in ("cdr", "billing", "tickets"):
        synthetic.generate(kind, 400, tmp_path / kind, seed=3)
        labels = json.loads((tmp_path / kind / "labels.json").read_text(encoding="utf-8"))
        found |= {e for listed in labels["columns"].values() for e in listed}
        found |= {span["entity_type"] for span in labels["spans"]}
    assert {n for n, s in REGISTERED.items() if s.generated} == found
    assert {n for n, s in REGISTERED.items() if not s.generated} == {
        "IMSI", "ICCID", "CA_SIN", "URL"
    }
