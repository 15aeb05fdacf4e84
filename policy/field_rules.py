"""The decision for one personal field: which rule applies and which transform carries it out.

Fail closed: a triple no rule covers is dropped; an entity type the pack never mentions is
dropped; a third party gets data in clear only from a rule naming a disclosure purpose; a field
with several entity types gets the strictest of their decisions.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from policy.decisions import Citation, FieldDecision, OperatingPoint, Verdict
from policy.operators import (
    CARD_ENTITY,
    CARD_FIRST_DIGITS,
    CARD_LAST_DIGITS,
    DROP,
    REDACT,
    OperatorName,
    Transform,
)
from policy.pack import PolicyPack, Purpose, RecipientClass, Rule
from policy.schema import WILDCARD

CONTENT_CATEGORY = "communication.content"


@dataclass(frozen=True)
class FieldContext:
    """What stays the same for every field of one delivery."""

    pack: PolicyPack
    recipient: RecipientClass
    purpose: Purpose
    citation: Citation  # the delivery's clause, for decisions no rule speaks to
    declared_personal: Collection[str] | None
    asked_purpose: str | None = None  # as the delivery names it: a slug or a data use

    def first_category(self, entity_types: tuple[str, ...]) -> str | None:
        return next((c for e in entity_types if (c := self.pack.category_for(e))), None)

    def declared(self, column: str, free_text: bool) -> bool:
        """Free text is never assumed personal by its name; else the optional list decides."""
        if self.declared_personal is None:
            return not free_text
        return column in self.declared_personal


@dataclass(frozen=True)
class _Choice:
    transform: Transform
    category: str | None
    rule: Rule | None
    reason: str
    citation: Citation


def decide_field(
    ctx: FieldContext, column: str, kind: str, entity_types: tuple[str, ...]
) -> tuple[FieldDecision, Rule | None]:
    """Decide a field holding personal data; also return the rule that decided it."""
    free_text = kind == "free_text"
    point = None
    if free_text:
        choice = _free_text(ctx)
        point = _operating_point(ctx, choice)
    else:
        choices = [_card_digits(ctx, entity, _structured(ctx, entity)) for entity in entity_types]
        choice = max(choices, key=lambda c: c.transform.verdict.strictness)
    transform = choice.transform
    reason = choice.reason if point is None else f"{choice.reason}; {_POINT_REASON[point]}"
    return FieldDecision(
        field=column,
        verdict=transform.verdict,
        category=choice.category,
        entity_types=entity_types,
        operator=str(transform.operator) if transform.operator else None,
        params=dict(transform.params),  # a copy: decisions never share the defaults table
        citation=choice.citation,
        reason=reason,
        declared=ctx.declared(column, free_text),
        free_text=free_text,
        operating_point=point,
    ), choice.rule


_SPAN_VERDICTS = frozenset({Verdict.PSEUDONYMIZE, Verdict.MASK, Verdict.REDACT})
_POINT_REASON = {
    OperatingPoint.RECALL: "spans found at the recall-first operating point (third-party "
    "recipient: a word masked too many rather than a name left in clear)",
    OperatingPoint.PRECISION: "spans found at the precision operating point (internal recipient)",
}


def _operating_point(ctx: FieldContext, choice: _Choice) -> OperatingPoint | None:
    """Recall first for what leaves for a third party; None when no spans are looked for."""
    if choice.transform.verdict not in _SPAN_VERDICTS:
        return None
    return OperatingPoint.RECALL if ctx.recipient.third_party else OperatingPoint.PRECISION


def _structured(ctx: FieldContext, entity: str) -> _Choice:
    category = ctx.pack.category_for(entity)
    if category is None:
        return _Choice(DROP, None, None, f"{entity} is personal data of a kind pack "
                       f"'{ctx.pack.name}' never mentions: dropped (fail closed)", ctx.citation)
    rule = ctx.pack.resolve(ctx.recipient.slug, ctx.purpose.slug, category)
    if rule is None:
        return _uncovered(ctx, category)
    if rule.verdict is Verdict.ALLOW and not _clear_allowed(ctx, rule):
        return _Choice(ctx.pack.default_transform(category), category, rule, _THIRD_PARTY,
                       rule.citation)
    if rule.verdict in (Verdict.ALLOW, Verdict.DENY):
        transform = Transform(rule.verdict, None)
    elif rule.operator is not None:
        transform = Transform(rule.verdict, rule.operator, rule.params)
    else:
        transform = ctx.pack.at_least(category, rule.verdict)
    return _Choice(transform, category, rule, _reason(rule, category), rule.citation)


def _card_digits(ctx: FieldContext, entity: str, choice: _Choice) -> _Choice:
    """A masked payment card shows its last 4 digits, and its first 6 (the issuer number) only
    to a recipient class the pack grants `card_first_six`; a rule's own digits stand (the
    loader refuses first digits for classes without the grant)."""
    transform = choice.transform
    if entity != CARD_ENTITY or transform.operator is not OperatorName.MASK:
        return choice
    granted = ctx.recipient.card_first_six is not None
    explicit = choice.rule is not None and choice.rule.operator is not None
    params = {
        "keep_first": CARD_FIRST_DIGITS if granted and not explicit else 0,
        "keep_last": CARD_LAST_DIGITS,
    }
    if explicit:
        params.update(transform.params)
    if params["keep_first"]:
        grant = ctx.recipient.card_first_six
        section = f" by § {grant.section}" if grant is not None else ""
        shown = (f"first {params['keep_first']} and last {params['keep_last']} digits "
                 f"(card_first_six granted{section})")
    else:
        shown = f"last {params['keep_last']} digits only"
    return _Choice(Transform(transform.verdict, transform.operator, params), choice.category,
                   choice.rule, f"{choice.reason}; the card shows its {shown}", choice.citation)


def _free_text(ctx: FieldContext) -> _Choice:
    """Prose: the rule for communication.content decides; operators apply to detected spans."""
    category = CONTENT_CATEGORY if CONTENT_CATEGORY in ctx.pack.categories else None
    if category is None:
        return _Choice(DROP, None, None, f"free text with personal data and pack "
                       f"'{ctx.pack.name}' has no {CONTENT_CATEGORY} category: dropped "
                       "(fail closed)", ctx.citation)
    rule = ctx.pack.resolve(ctx.recipient.slug, ctx.purpose.slug, category)
    if rule is None:
        return _uncovered(ctx, category)
    reason = _reason(rule, category)
    if rule.verdict in (Verdict.DENY, Verdict.DROP):
        transform = Transform(rule.verdict, None if rule.verdict is Verdict.DENY
                              else OperatorName.DROP)
    elif rule.verdict is Verdict.ALLOW and _clear_allowed(ctx, rule):
        transform = Transform(Verdict.ALLOW, None)
    elif rule.verdict is Verdict.PSEUDONYMIZE and rule.category != WILDCARD:
        transform = Transform(Verdict.PSEUDONYMIZE, rule.operator or OperatorName.PSEUDONYMIZE)
        reason = f"{reason}; personal data spans pseudonymized"
    else:
        transform = REDACT
        reason = f"{reason}; personal data spans redacted"
    return _Choice(transform, category, rule, reason, rule.citation)


_THIRD_PARTY = ("third parties get de-identified data unless a disclosure clause allows more: "
                "category default applied")


def _clear_allowed(ctx: FieldContext, rule: Rule) -> bool:
    """Clear data to a third party needs a rule naming a disclosure purpose."""
    if not ctx.recipient.third_party:
        return True
    return ctx.purpose.is_disclosure and rule.purpose != WILDCARD


def _uncovered(ctx: FieldContext, category: str) -> _Choice:
    return _Choice(DROP, category, None, f"no rule covers ({ctx.recipient.slug}, "
                   f"{ctx.purpose.slug}, {category}): dropped (fail closed)", ctx.citation)


def _reason(rule: Rule, category: str) -> str:
    if rule.note:
        return rule.note
    return (f"rules[{rule.index}] ({rule.recipient_class}, {rule.purpose}, {rule.category}) "
            f"gives {rule.verdict} for {category}")
