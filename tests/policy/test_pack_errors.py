"""Bad packs fail to load with every problem named: file, YAML path, problem and fix."""

from __future__ import annotations

import pickle
from pathlib import Path
from typing import Any

import pytest
from policy_fakes import NO_SALE, QUALITY, mini_pack, write_yaml

from policy import PackError, load_pack, load_taxonomy, verify_citations

CITE = {"section": "6", "quote": NO_SALE}
CATEGORIES = ", ".join(sorted(load_taxonomy().categories))


def _rule(cls: str = "*", purpose: str = "*", category: str = "*", verdict: str = "pseudonymize",
          **extra: Any) -> dict[str, Any]:
    return {"recipient_class": cls, "purpose": purpose, "category": category, "verdict": verdict,
            "citation": CITE, **extra}


def _errors(tmp_path: Path, data: dict[str, Any]) -> list[str]:
    path = write_yaml(tmp_path / "pack.yaml", data)
    with pytest.raises(PackError) as err:
        load_pack(path)
    return str(err.value).replace(f"{path}: ", "").splitlines()


def test_minimal_pack_loads(tmp_path: Path) -> None:
    """The fixture pack itself is valid, so each case below fails for its one reason."""
    assert load_pack(write_yaml(tmp_path / "pack.yaml", mini_pack())).name == "mini"


PURPOSE = {"slug": "service_quality", "title": "Q", "data_use": "service.improvement",
           "citation": {"section": "3", "quote": QUALITY}}


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        # a rule naming a category the pack does not declare
        ({"rules": [_rule(category="contact.fax")]},
         [f"rules[0].category: unknown category 'contact.fax'; declare it or use one of: "
          f"{CATEGORIES}, *"]),
        # a rule without its clause
        ({"rules": [{k: v for k, v in _rule().items() if k != "citation"}]},
         ["rules[0].citation: missing; add citation: {section: ..., quote: ...} quoting the "
          "clause verbatim"]),
        # the same purpose twice instead of one purpose with two roles
        ({"purposes": [PURPOSE, PURPOSE]},
         ["purposes[1].slug: duplicate purpose 'service_quality' (also purposes[0]); give each "
          "purpose one entry and list all its roles (use, disclosure)"]),
        # the same rule twice: the second can never be chosen
        ({"rules": [_rule(), _rule()]},
         ["rules[1]: unreachable: duplicates rules[0] (same recipient_class, purpose, category "
          "and outcome); delete one of them"]),
        # two equally specific rules with different outcomes
        ({"rules": [_rule(), _rule(verdict="redact")]},
         ["rules[1]: conflicts with rules[0]: same recipient_class, purpose and category but a "
          "different outcome; keep one rule per recipient_class, purpose and category"]),
        # a parent-category rule every leaf of which has a more specific rule
        ({"rules": [_rule(category="call_records"),
                    _rule(category="call_records.time", verdict="drop"),
                    _rule(category="call_records.id", verdict="drop")]},
         ["rules[0]: unreachable: more specific rules cover every case it matches; delete it or "
          "narrow the rules that shadow it"]),
        # an unknown key anywhere is rejected with the known keys
        ({"rules": [_rule(colour="red")]},
         ["rules[0].colour: unknown key; known keys: recipient_class, purpose, category, verdict, "
          "operator, params, requires, citation, note"]),
        # operator that does not carry out the verdict, and params that do not fit
        ({"rules": [_rule(operator="mask", params={"keep_last": 4}),
                     _rule(cls="internal", verdict="generalize", operator="generalize",
                           params={"prefix": 24, "level": "hour"})]},
         ["rules[0].operator: operator mask does not carry out verdict pseudonymize; use verdict "
          "mask or another operator",
          "rules[1].params: generalize takes exactly one of level, prefix, to, bands, got "
          "level, prefix"]),
        # params outside the operator's one model: the same checks a plan makes
        ({"rules": [_rule(verdict="generalize", operator="generalize", params={"to": "planet"}),
                    _rule(category="contact", verdict="mask", operator="mask",
                          params={"keep_last": 4, "salt": 1}),
                    _rule(category="network", operator="pseudonymize", params={"to": "year"})]},
         ["rules[0].params.to: to must be one of year, five_years, area_code, first_part, "
          "first_char",
          "rules[1].params.salt: unknown key; known keys: keep_first, keep_last",
          "rules[2].params: pseudonymize takes no params; remove params"]),
        # a purpose without a data use, one the taxonomy lacks, and a slug naming another use
        ({"purposes": [PURPOSE, {**PURPOSE, "slug": "q1", "data_use": None},
                       {**PURPOSE, "slug": "q2", "data_use": "service.quality"},
                       {**PURPOSE, "slug": "marketing"}]},
         ["purposes[1].data_use: Input should be a valid string",
          "purposes[2].data_use: unknown data use 'service.quality'; use one of "
          f"policy/taxonomy.yaml's data_uses: {', '.join(load_taxonomy().data_uses)}",
          "purposes[3].data_use: purpose 'marketing' is named after data use 'marketing' but "
          "serves 'service.improvement'; serve 'marketing' or a use below it, or rename the "
          "purpose"]),
        # an entity type in two categories, and a category whose parent is missing
        # a pack adding categories: an entity type the taxonomy maps, a missing parent, a
        # child of a taxonomy leaf, a new category without a title; taxonomy entity types
        # are not the pack's to change
        ({"categories": {"contact.fax": {"title": "Fax", "entities": ["PHONE_NUMBER"]},
                         "health.record": {"title": "Health record"},
                         "contact.phone.mobile": {"title": "Mobile"},
                         "contact.pager": {"entities": ["PAGER_NUMBER"]},
                         "contact.email": {"title": "E", "entities": ["EMAIL_ADDRESS"]}}},
         ["categories['contact.pager'].title: missing; add it",
          "categories['contact.email']: entity types and transforms of a taxonomy category are "
          "set in policy/taxonomy.yaml; give it only a title or a role here, or add a new "
          "category for other entity types",
          "categories['contact.fax'].entities: PHONE_NUMBER is already in "
          "categories['contact.phone']; map each entity type to one category",
          "categories['health.record']: parent category 'health' is not declared; "
          "add categories['health']",
          "categories['contact.phone.mobile']: category 'contact.phone' lists entity types, so "
          "it stays a leaf; add the category beside it instead"]),
        # wrong schema version and an unknown top-level key, both reported
        ({"schema_version": 2, "extras": 1},
         ["extras: unknown key; known keys: schema_version, name, version, source, categories, "
          "purposes, recipient_classes, rules",
          "schema_version: Input should be 1"]),
    ],
)
def test_bad_pack(tmp_path: Path, changes: dict[str, Any], expected: list[str]) -> None:
    """Each broken pack reports exactly these problems, in order."""
    assert _errors(tmp_path, mini_pack(**changes)) == expected


def test_yaml_syntax_error_names_the_line(tmp_path: Path) -> None:
    """A YAML syntax error says where it is."""
    path = tmp_path / "pack.yaml"
    path.write_text("name: x\nrules: [\n", encoding="utf-8")
    with pytest.raises(PackError) as err:
        load_pack(path)
    assert str(err.value).startswith(f"{path}: line 3, column 1: YAML syntax error: ")


def test_all_problems_are_collected_and_picklable(tmp_path: Path) -> None:
    """Problems from several sections come back together; the error survives pickling."""
    data = mini_pack(rules=[_rule(category="nope"), _rule(purpose="nope")],
                     purposes=[PURPOSE, PURPOSE])
    path = write_yaml(tmp_path / "pack.yaml", data)
    with pytest.raises(PackError) as err:
        load_pack(path)
    assert len(err.value.problems) == 3
    clone = pickle.loads(pickle.dumps(err.value))
    assert str(clone) == str(err.value)
    assert clone.problems == err.value.problems


def test_verify_citations_reports_paraphrases(tmp_path: Path, seeds_dir: Path) -> None:
    """A quote with a straight apostrophe where the seed has a typographic one is not verbatim."""
    data = mini_pack()
    data["rules"][0]["citation"] = {"section": "6", "quote": "customer's privacy"}
    path = write_yaml(tmp_path / "pack.yaml", data)
    assert verify_citations(load_pack(path), seeds_dir) == [
        f"{path}: rules[0].citation: quote is not verbatim in 003_d865ffb7cb5e7536.txt; copy it "
        "exactly (typographic apostrophes, double spaces)"
    ]
    data["rules"][0]["citation"] = {"section": "1", "quote": "customer’s privacy"}
    assert verify_citations(load_pack(write_yaml(path, data)), seeds_dir) == []
