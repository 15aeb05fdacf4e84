"""Load-time checks over a pack's rules: references, conflicts, unreachable rules, card digits."""

from __future__ import annotations

from collections.abc import Mapping, Sequence, Set
from itertools import product

from policy.errors import Problem
from policy.operators import CARD_ENTITY, CARD_FIRST_DIGITS, CARD_LAST_DIGITS, OperatorName
from policy.pack import Category, RecipientClass, Rule, most_specific
from policy.schema import WILDCARD

_FIELDS = ("recipient_class", "purpose", "category")


def rule_problems(
    rules: Sequence[Rule], known: Mapping[str, Set[str]], leaves: Sequence[str]
) -> list[Problem]:
    """Unknown references, equally specific conflicts, duplicates and fully shadowed rules."""
    problems = _reference_problems(rules, known)
    if problems:
        return problems  # reachability over unknown names would only repeat them
    kept, same_key = _same_key_problems(rules)
    problems.extend(same_key)
    problems.extend(_shadowed(kept, known, leaves))
    return problems


def _reference_problems(rules: Sequence[Rule], known: Mapping[str, Set[str]]) -> list[Problem]:
    problems = []
    labels = {"category": "category", "purpose": "purpose", "recipient_class": "recipient class"}
    for rule in rules:
        for name in _FIELDS:
            value = getattr(rule, name)
            if value != WILDCARD and value not in known[name]:
                problems.append(Problem(
                    f"rules[{rule.index}].{name}", f"unknown {labels[name]} '{value}'",
                    f"declare it or use one of: {', '.join(sorted(known[name]))}, *"))
    return problems


def _same_key_problems(rules: Sequence[Rule]) -> tuple[list[Rule], list[Problem]]:
    """Rules with identical keys tie on specificity: same outcome is dead, different is a clash."""
    first: dict[tuple[str, str, str], Rule] = {}
    problems = []
    for rule in rules:
        other = first.get(rule.key)
        if other is None:
            first[rule.key] = rule
        elif other.outcome == rule.outcome:
            problems.append(Problem(
                f"rules[{rule.index}]",
                f"unreachable: duplicates rules[{other.index}] (same recipient_class, purpose, "
                "category and outcome)", "delete one of them"))
        else:
            problems.append(Problem(
                f"rules[{rule.index}]",
                f"conflicts with rules[{other.index}]: same recipient_class, purpose and "
                "category but a different outcome",
                "keep one rule per recipient_class, purpose and category"))
    return list(first.values()), problems


def _shadowed(
    rules: Sequence[Rule], known: Mapping[str, Set[str]], leaves: Sequence[str]
) -> list[Problem]:
    """Rules that never win for any (recipient class, purpose, leaf category or whole delivery)."""
    winners: set[int] = set()
    categories: list[str | None] = [*leaves, None]
    for cls, purpose, category in product(
        sorted(known["recipient_class"]), sorted(known["purpose"]), categories
    ):
        best = most_specific(rules, cls, purpose, category)
        if best is not None:
            winners.add(best.index)
    return [
        Problem(f"rules[{rule.index}]",
                "unreachable: more specific rules cover every case it matches",
                "delete it or narrow the rules that shadow it")
        for rule in rules if rule.index not in winners
    ]


def card_digit_problems(
    rules: Sequence[Rule],
    classes: Mapping[str, RecipientClass],
    categories: Mapping[str, Category],
) -> list[Problem]:
    """Mask rules that would show more of a payment card than the recipient class may see:
    the first digits only where the class is granted `card_first_six`, never more than the
    first 6 and last 4 (PCI DSS)."""
    card = next((c.key for c in categories.values() if CARD_ENTITY in c.entity_types), None)
    if card is None:
        return []
    problems = []
    for rule in rules:
        covers = rule.category == WILDCARD or card == rule.category or card.startswith(
            rule.category + "."
        )
        if rule.operator is not OperatorName.MASK or not covers:
            continue
        first, last = rule.params.get("keep_first", 0), rule.params.get("keep_last", 0)
        where = f"rules[{rule.index}].params"
        if first > CARD_FIRST_DIGITS or last > CARD_LAST_DIGITS:
            problems.append(Problem(
                where, f"masked payment cards ({card}) show at most the first "
                f"{CARD_FIRST_DIGITS} and last {CARD_LAST_DIGITS} digits (PCI DSS)",
                "lower keep_first/keep_last, or narrow the rule's category"))
        if not first:
            continue
        granted = classes.get(rule.recipient_class)
        if granted is not None and granted.card_first_six is not None:
            continue
        if rule.recipient_class != WILDCARD and granted is None:
            continue  # an unknown class is reported with the references
        who = ("'*' (every recipient class)" if rule.recipient_class == WILDCARD
               else f"recipient class '{rule.recipient_class}'")
        problems.append(Problem(
            f"{where}.keep_first",
            f"masked payment cards ({card}) keep their first digits only for recipient classes "
            f"granted card_first_six, and {who} is not",
            f"remove keep_first (the last {CARD_LAST_DIGITS} digits only), or add "
            "card_first_six: {citation: {section: ..., quote: ...}} to the recipient class "
            "quoting the clause that allows it"))
    return problems
