"""Bad packs fail to load with every problem named: file, YAML path, problem and fix."""

from __future__ import annotations

import pickle
from pathlib import Path
from typing import Any

import pytest
from policy_fakes import NO_SALE, QUALITY, mini_pack, write_yaml

from policy import PackError, load_pack, verify_citations

CITE = {"section": "6", "quote": NO_SALE}


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


PURPOSE = {"slug": "service_quality", "title": "Q", "citation": {"section": "3", "quote": QUALITY}}


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        # a rule naming a category the pack does not declare
        ({"rules": [_rule(category="contact.fax")]},
         ["rules[0].category: unknown category 'contact.fax'; declare it or use one of: "
          "contact, contact.email, contact.phone, *"]),
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
        ({"rules": [_rule(category="contact"), _rule(category="contact.phone", verdict="drop"),
                    _rule(category="contact.email", verdict="drop")]},
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
          "rules[1].params: generalize takes exactly one of level, prefix, to"]),
        # an entity type in two categories, and a category whose parent is missing
        ({"categories": {"contact": {"title": "C"},
                         "contact.phone": {"title": "P", "entities": ["PHONE_NUMBER"]},
                         "contact.email": {"title": "E", "entities": ["PHONE_NUMBER"]},
                         "network.ip": {"title": "I", "entities": ["IP_ADDRESS"]}}},
         ["categories['contact.email'].entities: PHONE_NUMBER is already in "
          "categories['contact.phone']; map each entity type to one category",
          "categories['network.ip']: parent category 'network' is not declared; "
          "add categories['network']"]),
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
