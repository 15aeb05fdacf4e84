"""Structured billing columns hold valid, well-formed values of their labelled kind."""

from __future__ import annotations

import re

from test_ground_truth_spans import CHECKS


def test_structured_values_validate(rows, labels) -> None:
    """Each non-empty value in a labelled billing column passes that entity's validator."""
    columns = labels["billing"]["columns"]
    for row in rows["billing"]:
        for column, entity_types in columns.items():
            if column == "notes" or not row[column] or not entity_types:
                continue
            (entity,) = entity_types
            if entity in CHECKS:
                assert CHECKS[entity](row[column]), (column, entity)
        assert re.fullmatch(r"\d+\.\d\d", row["amount"])
        assert row["mailing_opt_in"] in {"true", "false"}
        assert row["third_party_consent"] in {"true", "false"}
        assert row["currency"] in {"CAD", "USD"} and row["country"] in {"CA", "US"}


def test_card_and_iban_variety(rows) -> None:
    """Cards come in several brands and styles; IBANs are empty for many rows."""
    cards = [r["card_number"] for r in rows["billing"]]
    assert {c[0] for c in cards} >= {"2", "3", "4", "5", "6"}
    assert any(" " in c for c in cards) and any("-" in c for c in cards)
    assert any(c.isdigit() for c in cards)
    ibans = [r["iban"] for r in rows["billing"]]
    assert 0.3 * len(ibans) < sum(1 for i in ibans if not i) < len(ibans)


def test_customers_join_cdr_accounts(rows) -> None:
    """With one seed, CDR account codes are billing customer ids (first subscribers shared)."""
    accounts = {r["accountcode"] for r in rows["cdr"]}
    customers = {r["customer_id"] for r in rows["billing"]}
    assert accounts <= customers


def test_about_a_third_of_customers_agreed_to_third_parties(rows) -> None:
    """The consent column a consent delivery filters on: about 30% true, one answer a customer."""
    answers: dict[str, set[str]] = {}
    for row in rows["billing"]:
        answers.setdefault(row["customer_id"], set()).add(row["third_party_consent"])
    assert all(len(a) == 1 for a in answers.values())
    share = sum(a == {"true"} for a in answers.values()) / len(answers)
    assert 0.15 < share < 0.45
