"""A loaded policy pack: categories, purposes, recipient classes and rules, ready to evaluate.

Rule specificity: an exact recipient class beats `*`; then an exact purpose beats `*`; then a
longer category prefix beats a shorter one, and any prefix beats `*`. The comparison is in that
order (lexicographic), so two different rules can only tie when their keys are identical, which
the loader rejects as a conflict (different outcome) or as unreachable (same outcome).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from policy.decisions import Citation, Verdict
from policy.errors import UnknownNameError
from policy.operators import OperatorName
from policy.roles import Role, default_role
from policy.schema import WILDCARD, PurposeRole

Specificity = tuple[int, int, int]


@dataclass(frozen=True)
class PackSource:
    seed: str
    title: str
    date: str


@dataclass(frozen=True)
class Category:
    key: str  # dotted, e.g. contact.phone
    title: str
    entity_types: tuple[str, ...]
    role: Role = Role.OTHER  # the pack's `role:`, else `policy.roles.default_role` of the key


@dataclass(frozen=True)
class Requirement:
    """What a purpose or rule needs before data flows: a consent column, a legal basis."""

    consent_column: str | None = None
    legal_basis: bool = False


@dataclass(frozen=True)
class Purpose:
    slug: str
    title: str
    roles: frozenset[PurposeRole]
    citation: Citation
    disclosure_citation: Citation | None
    requires: Requirement

    @property
    def refused(self) -> bool:
        return PurposeRole.REFUSED in self.roles

    @property
    def is_disclosure(self) -> bool:
        return PurposeRole.DISCLOSURE in self.roles

    @property
    def basis_citation(self) -> Citation:
        """The clause that lets data go to third parties for this purpose, or the main one."""
        return self.disclosure_citation or self.citation


@dataclass(frozen=True)
class RecipientClass:
    slug: str
    title: str
    third_party: bool
    min_k: int | None = None  # release gate on delivered quasi-identifiers (`redaction.risk`)
    max_suppression: float = 0.01  # share of rows that may be withheld to reach min_k
    # grants, each with its clause (None: not granted): `token_scope: shared` may be chosen;
    # masked cards keep the first six digits
    shared_tokens: Citation | None = None
    card_first_six: Citation | None = None


@dataclass(frozen=True)
class Rule:
    index: int  # position in the pack's `rules` list, for messages
    recipient_class: str
    purpose: str
    category: str
    verdict: Verdict
    operator: OperatorName | None
    params: Mapping[str, object]
    requires: Requirement
    citation: Citation
    note: str

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.recipient_class, self.purpose, self.category)

    @property
    def outcome(self) -> tuple[object, ...]:
        return (self.verdict, self.operator, tuple(sorted(self.params.items())), self.requires)

    @property
    def specificity(self) -> Specificity:
        depth = 0 if self.category == WILDCARD else self.category.count(".") + 1
        return (int(self.recipient_class != WILDCARD), int(self.purpose != WILDCARD), depth)

    def matches(self, recipient_class: str, purpose: str, category: str | None) -> bool:
        """Whether the rule applies; `category=None` asks about the delivery as a whole."""
        if self.recipient_class not in (WILDCARD, recipient_class):
            return False
        if self.purpose not in (WILDCARD, purpose):
            return False
        if category is None:
            return self.category == WILDCARD
        return self.category == WILDCARD or category == self.category or category.startswith(
            self.category + "."
        )


def most_specific(
    rules: Iterable[Rule], recipient_class: str, purpose: str, category: str | None
) -> Rule | None:
    """The matching rule with the highest specificity, or None when none matches."""
    best: Rule | None = None
    for rule in rules:
        if rule.matches(recipient_class, purpose, category) and (
            best is None or rule.specificity > best.specificity
        ):
            best = rule
    return best


def leaf_keys(keys: Iterable[str]) -> tuple[str, ...]:
    """Category keys no other key extends, sorted."""
    keys = set(keys)
    return tuple(sorted(k for k in keys if not any(o.startswith(k + ".") for o in keys)))


@dataclass(frozen=True)
class PolicyPack:
    """A validated pack. Build it with `policy.load_pack`."""

    name: str
    version: str
    sha256: str
    path: Path
    source: PackSource
    categories: Mapping[str, Category]
    purposes: Mapping[str, Purpose]
    recipient_classes: Mapping[str, RecipientClass]
    rules: tuple[Rule, ...]

    def category_for(self, entity_type: str) -> str | None:
        """The leaf category holding `entity_type`, or None when the pack never mentions it."""
        for category in self.categories.values():
            if entity_type in category.entity_types:
                return category.key
        return None

    def role_for(self, category: str | None) -> Role:
        """The role of `category` in this pack (its own `role:` or the default by key)."""
        found = self.categories.get(category or "")
        return found.role if found is not None else default_role(category)

    def purpose(self, slug: str) -> Purpose:
        if slug not in self.purposes:
            known = ", ".join(self.purposes)
            raise UnknownNameError(
                f"'{slug}' is not a purpose of pack '{self.name}'; known: {known}"
            )
        return self.purposes[slug]

    def recipient_class(self, slug: str) -> RecipientClass:
        if slug not in self.recipient_classes:
            known = ", ".join(self.recipient_classes)
            raise UnknownNameError(
                f"'{slug}' is not a recipient class of pack '{self.name}'; known: {known}"
            )
        return self.recipient_classes[slug]

    def resolve(self, recipient_class: str, purpose: str, category: str | None) -> Rule | None:
        """The most specific matching rule; `category=None` asks about the whole delivery."""
        return most_specific(self.rules, recipient_class, purpose, category)
