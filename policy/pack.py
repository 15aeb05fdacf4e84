"""A loaded policy pack: categories, purposes, recipient classes and rules, ready to evaluate.

Categories are the shared taxonomy's (`policy/taxonomy.yaml`) plus any the pack adds; purposes
each serve a data use of the taxonomy, and a delivery may name either (`PolicyPack.purpose`).

Rule specificity: an exact recipient class beats `*`; then an exact purpose beats `*`; then a
longer category prefix beats a shorter one, and any prefix beats `*`. The comparison is in that
order (lexicographic), so two different rules can only tie when their keys are identical, which
the loader rejects as a conflict (different outcome) or as unreachable (same outcome).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from policy.decisions import Citation, Verdict
from policy.errors import UnknownNameError
from policy.operators import DROP, REDACT, OperatorName, Transform
from policy.roles import Role
from policy.schema import WILDCARD, PurposeRole

T = TypeVar("T")

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
    role: Role = Role.OTHER  # its own `role:`, else the nearest ancestor's, else other
    # supported transforms, least strict first, always ending in redact/drop (`with_tail`)
    transforms: tuple[Transform, ...] = (REDACT, DROP)


@dataclass(frozen=True)
class DataUse:
    key: str  # dotted, e.g. marketing.communications
    title: str


def with_tail(transforms: tuple[Transform, ...]) -> tuple[Transform, ...]:
    """`transforms` followed by redact and drop where they are stricter than all of them."""
    strictest = max((t.verdict.strictness for t in transforms), default=-1)
    return transforms + tuple(t for t in (REDACT, DROP) if t.verdict.strictness > strictest)


def strict_enough(transforms: Iterable[Transform], verdict: Verdict) -> Transform:
    """The first of `transforms` at least as strict as `verdict`; drop when none is."""
    return next((t for t in transforms if t.verdict.strictness >= verdict.strictness), DROP)


def nearest(items: Mapping[str, T], key: str | None) -> T | None:
    """The item of `key` or of its longest dotted prefix in `items`; None when none is."""
    key = key or ""
    while key:
        if key in items:
            return items[key]
        key = key.rpartition(".")[0]
    return None


def within(key: str, ancestor: str) -> bool:
    """`key` is `ancestor` or below it (`marketing.communications` is within `marketing`)."""
    return key == ancestor or key.startswith(ancestor + ".")


@dataclass(frozen=True)
class Requirement:
    """What a purpose or rule needs before data flows: a consent column, a legal basis."""

    consent_column: str | None = None
    legal_basis: bool = False


@dataclass(frozen=True)
class Purpose:
    slug: str
    title: str
    data_use: str  # a key of the taxonomy's data uses
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
    times_in_utc: bool = False  # zoned times are delivered as UTC (the zone names a region)


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
    categories: Mapping[str, Category]  # the taxonomy's and the pack's own
    purposes: Mapping[str, Purpose]
    recipient_classes: Mapping[str, RecipientClass]
    rules: tuple[Rule, ...]
    data_uses: Mapping[str, DataUse]  # the taxonomy's

    def category_for(self, entity_type: str) -> str | None:
        """The leaf category holding `entity_type`, or None when the pack never mentions it."""
        for category in self.categories.values():
            if entity_type in category.entity_types:
                return category.key
        return None

    def role_for(self, category: str | None) -> Role:
        """The role of `category` (or of its nearest declared ancestor); other when unknown."""
        found = nearest(self.categories, category)
        return found.role if found is not None else Role.OTHER

    def transforms_for(self, category: str) -> tuple[Transform, ...]:
        """Supported transforms of `category` (or its nearest declared ancestor), least strict
        first, always ending in redact/drop."""
        found = nearest(self.categories, category)
        return found.transforms if found is not None else (REDACT, DROP)

    def default_transform(self, category: str) -> Transform:
        """What a third party gets of `category` when no disclosure clause allows more."""
        return self.transforms_for(category)[0]

    def at_least(self, category: str, verdict: Verdict) -> Transform:
        """The least strict transform of `category` that is at least as strict as `verdict`."""
        return strict_enough(self.transforms_for(category), verdict)

    def purpose(self, name: str) -> Purpose:
        """The purpose named by its slug, or the one purpose serving data use `name`
        (`marketing` names the pack's purpose under `marketing.*`): one name, one meaning,
        whatever the pack. `UnknownNameError` when neither or several fit."""
        if name in self.purposes:
            return self.purposes[name]
        serving = self.serving(name)
        if len(serving) == 1:
            return serving[0]
        known = ", ".join(self.purposes)
        if serving:
            slugs = ", ".join(p.slug for p in serving)
            raise UnknownNameError(
                f"data use '{name}' is served by several purposes of pack '{self.name}' "
                f"({slugs}); name one of them"
            )
        if name in self.data_uses:
            raise UnknownNameError(
                f"no purpose of pack '{self.name}' serves data use '{name}'; known: {known}"
            )
        raise UnknownNameError(
            f"'{name}' is not a purpose of pack '{self.name}'; known: {known}; or a data use "
            "of policy/taxonomy.yaml"
        )

    def serving(self, data_use: str) -> tuple[Purpose, ...]:
        """The purposes whose data use is `data_use` or below it."""
        if data_use not in self.data_uses:
            return ()
        return tuple(p for p in self.purposes.values() if within(p.data_use, data_use))

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
