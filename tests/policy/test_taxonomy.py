"""The shared taxonomy (`policy/taxonomy.yaml`): it loads, forms trees, and checks itself."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml
from policy_fakes import bundled

from detectors.entities import ALL_ENTITIES
from policy import TaxonomyError, Verdict, bundled_packs, load_taxonomy
from policy.taxonomy import TAXONOMY_PATH


def test_every_key_has_its_parent() -> None:
    """Categories and data uses form trees: each parent is declared."""
    taxonomy = load_taxonomy()
    for keys in (taxonomy.categories, taxonomy.data_uses):
        for key in keys:
            parent = key.rpartition(".")[0]
            assert not parent or parent in keys, key


def test_every_entity_has_one_leaf_category() -> None:
    """Each entity type detectors know sits on exactly one leaf of the taxonomy."""
    categories = load_taxonomy().categories
    owners = [c.key for c in categories.values() for _ in c.entity_types]
    assert sorted(e for c in categories.values() for e in c.entity_types) == sorted(ALL_ENTITIES)
    assert all(not any(o.startswith(key + ".") for o in categories) for key in owners)


def test_defaults_are_least_strict_first_and_never_keep_in_clear() -> None:
    """Every category's transforms grow stricter and end in redact/drop."""
    for category in load_taxonomy().categories.values():
        strictness = [t.verdict.strictness for t in category.transforms]
        assert strictness == sorted(set(strictness)), category.key
        assert category.transforms[-1].verdict is Verdict.DROP, category.key
        assert all(t.verdict is not Verdict.ALLOW for t in category.transforms), category.key


@pytest.mark.parametrize("name", bundled_packs())
def test_bundled_packs_hold_the_taxonomy_unchanged(name: str) -> None:
    """A bundled pack adds no category and changes none: one taxonomy for all."""
    assert dict(bundled(name).categories) == dict(load_taxonomy().categories)


def _raw() -> dict[str, Any]:
    return yaml.safe_load(TAXONOMY_PATH.read_text(encoding="utf-8"))


def _errors(tmp_path: Path, data: dict[str, Any]) -> list[str]:
    path = tmp_path / "taxonomy.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    with pytest.raises(TaxonomyError) as err:
        load_taxonomy(path)
    return str(err.value).replace(f"{path}: ", "").splitlines()


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        # a default that keeps data in clear, and defaults out of order
        (lambda d: d["categories"]["contact.email"].update(transforms=["keep", "redact",
                                                                       "pseudonymize"]),
         ["categories['contact.email'].transforms[0]: a default transform never keeps data in "
          "clear; use pseudonymize, encrypt_fpe, generalize, mask or redact",
          "categories['contact.email'].transforms: not least strict first; order them by "
          "verdict: pseudonymize, generalize, mask, redact, drop; one per verdict"]),
        # params the operator's model refuses
        (lambda d: d["categories"]["network.ip"].update(
            transforms=[{"operator": "generalize", "params": {"prefix": 99}}]),
         ["categories['network.ip'].transforms[0].params.prefix: prefix is an IPv4 prefix "
          "length 8..32 (e.g. 24)"]),
        # a data use whose parent is missing, and an unknown top-level key
        (lambda d: d.update(extra=1) or d["data_uses"].update({"research.trials": {"title": "T"}}),
         ["extra: unknown key; known keys: schema_version, categories, data_uses",
          "data_uses['research.trials']: parent data use 'research' is not declared; add "
          "data_uses['research']"]),
    ],
)  # fmt: skip
def test_bad_taxonomy(tmp_path: Path, change: Any, expected: list[str]) -> None:
    """Each broken taxonomy reports exactly these problems."""
    data = copy.deepcopy(_raw())
    change(data)
    assert _errors(tmp_path, data) == expected
