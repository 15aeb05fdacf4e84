"""Load-time checks over a pack's rules: references, conflicts and unreachable rules."""

from __future__ import annotations

from collections.abc import Mapping, Sequence, Set
from itertools import product

from policy.errors import Problem
from policy.pack import Rule, most_specific
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
