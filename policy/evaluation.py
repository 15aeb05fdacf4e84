"""Evaluate deliveries against a pack: one `FieldDecision` per field, fail closed.

Order of questions for a delivery: is the purpose refused? does a whole-delivery rule (category
`*`) deny it? then per field: minimisation, personal or not, which rule, which transform; then
requirements (legal basis, consent column) of the purpose and of every rule used.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, replace

from policy.config import DatasetKind, DeliverySpec, PipelineConfig, shared_scope_problem
from policy.decisions import (
    Citation,
    DeliveryDecision,
    DeliveryStatus,
    FieldDecision,
    FieldEvidence,
    RowFilter,
    TokenScope,
    Verdict,
)
from policy.errors import DeliveryFieldsError, UnknownNameError
from policy.field_rules import CONTENT_CATEGORY, FieldContext, decide_field
from policy.pack import PolicyPack, Requirement, Rule
from policy.roles import Role, named_quasi_identifier

NOT_NEEDED = "not needed by the recipient"
NOT_PERSONAL = "no personal data detected"
UNSEEN_PROSE = ("free text: the profiling sample found no personal data, but prose leaving for a "
                "third party is scanned in full all the same (fail closed)")


@dataclass(frozen=True)
class _Blocks:
    reasons: list[str]
    hints: list[str]


def evaluate_delivery(
    pack: PolicyPack,
    delivery: DeliverySpec,
    profiles: Sequence[FieldEvidence],
    dataset_kind: DatasetKind | str,
    declared_personal: Collection[str] | None = None,
    quasi_identifiers: Collection[str] | None = None,
    sensitive: Collection[str] | None = None,
) -> DeliveryDecision:
    """Decide every field of `delivery`; DENIED with reasons and unblock hints when refused.

    `quasi_identifiers` and `sensitive` are the dataset's own declarations (`DatasetSpec`),
    added to the columns the taxonomy's roles and the column names mark."""
    _check_kind(dataset_kind)
    purpose = pack.purpose(delivery.purpose)
    recipient = pack.recipient_class(delivery.recipient_class)
    columns = [p.column for p in profiles]
    _check_fields(delivery, columns)
    whole = pack.resolve(recipient.slug, purpose.slug, None)
    citation = purpose.basis_citation if recipient.third_party else purpose.citation
    ctx = FieldContext(pack, recipient, purpose, citation, declared_personal, delivery.purpose)
    decided = [_decide(ctx, delivery, profile) for profile in profiles]
    fields = tuple(d for d, _ in decided)
    blocks = _Blocks([], [])
    citation = _refusal(ctx, whole, fields, blocks) or citation
    used = [r for d, r in decided if r is not None and d.verdict is not Verdict.DROP]
    requirements = [purpose.requires, *(r.requires for r in ([whole] if whole else []) + used)]
    row_filters = _requirements(requirements, delivery, columns, citation, blocks)
    _shared_tokens(pack, delivery, blocks)
    return DeliveryDecision(
        delivery=delivery.name,
        dataset=delivery.dataset,
        recipient=delivery.recipient,
        recipient_class=recipient.slug,
        purpose=purpose.slug,
        legal_basis=delivery.legal_basis,
        status=DeliveryStatus.DENIED if blocks.reasons else DeliveryStatus.PROCEED,
        fields=fields,
        row_filters=row_filters,
        denial_reasons=tuple(blocks.reasons),
        unblock_hints=tuple(blocks.hints),
        citation=citation,
        quasi_identifiers=_with_role(pack, fields, Role.QUASI_IDENTIFIER, quasi_identifiers),
        sensitive=_with_role(pack, fields, Role.SENSITIVE, sensitive),
        min_k=recipient.min_k,
        max_suppression=recipient.max_suppression,
        token_scope=delivery.token_scope,
        times_in_utc=recipient.times_in_utc,
    )


def _with_role(
    pack: PolicyPack,
    fields: Sequence[FieldDecision],
    role: Role,
    declared: Collection[str] | None,
) -> tuple[str, ...]:
    """Delivered structured columns with `role`: by category, by name (quasi-identifiers
    without personal entities), or declared by the dataset."""
    chosen = []
    for f in fields:
        if f.verdict in (Verdict.DROP, Verdict.DENY) or f.free_text:
            continue
        if f.category is not None:
            found = pack.role_for(f.category) is role
        else:
            found = role is Role.QUASI_IDENTIFIER and named_quasi_identifier(f.field)
        if found or f.field in (declared or ()):
            chosen.append(f.field)
    return tuple(chosen)


def evaluate_config(
    pack: PolicyPack,
    config: PipelineConfig,
    profiles_by_dataset: Mapping[str, Sequence[FieldEvidence]],
) -> list[DeliveryDecision]:
    """`evaluate_configured` for every delivery of `config`, in config order."""
    decisions = []
    for delivery in config.deliveries:
        if delivery.dataset not in profiles_by_dataset:
            raise UnknownNameError(
                f"no field profiles for dataset '{delivery.dataset}' (delivery "
                f"'{delivery.name}'); profile every dataset before evaluating"
            )
        fields = profiles_by_dataset[delivery.dataset]
        decisions.append(evaluate_configured(pack, config, delivery, fields))
    return decisions


def evaluate_configured(
    pack: PolicyPack,
    config: PipelineConfig,
    delivery: DeliverySpec,
    fields: Sequence[FieldEvidence],
) -> DeliveryDecision:
    """`evaluate_delivery` of one delivery of `config` with its dataset's declarations
    (personal fields, quasi-identifiers, sensitive fields): what `check`, `scan` and `run`
    all decide with."""
    dataset = config.dataset(delivery.dataset)
    return evaluate_delivery(
        pack, delivery, fields, dataset.kind, dataset.declared_personal,
        dataset.quasi_identifiers, dataset.sensitive,
    )  # fmt: skip


def _check_kind(kind: DatasetKind | str) -> None:
    """Rules do not vary by dataset kind yet; an unknown kind is still a caller's mistake."""
    if kind not in {k.value for k in DatasetKind}:
        known = ", ".join(k.value for k in DatasetKind)
        raise UnknownNameError(f"unknown dataset kind '{kind}'; known: {known}")


def _check_fields(delivery: DeliverySpec, columns: Sequence[str]) -> None:
    if delivery.fields is None:
        return
    missing = [f for f in delivery.fields if f not in columns]
    if missing:
        raise DeliveryFieldsError(
            f"delivery '{delivery.name}': fields not in dataset '{delivery.dataset}': "
            f"{', '.join(missing)}; its fields are: {', '.join(columns)}"
        )


def _refusal(
    ctx: FieldContext, whole: Rule | None, fields: Sequence[FieldDecision], blocks: _Blocks
) -> Citation | None:
    """Record why the policy refuses the delivery; return the refusing clause, if any."""
    purpose, recipient = ctx.purpose, ctx.recipient.slug
    if purpose.refused:
        blocks.reasons.append(f"purpose {_named(ctx)} is refused by pack '{ctx.pack.name}'")
        blocks.hints.append("the policy refuses this purpose; choose a purpose it permits")
        return purpose.citation
    if whole is not None and whole.verdict is Verdict.DENY:
        blocks.reasons.append(
            f"recipient class '{recipient}' may not receive data for purpose "
            f"{_named(ctx)} (rules[{whole.index}]: {whole.note or 'refused'})"
        )
        blocks.hints.append(_deny_hint(ctx.pack, recipient))
        return whole.citation
    denied = [f for f in fields if f.verdict is Verdict.DENY]
    for decision in denied:
        blocks.reasons.append(f"field '{decision.field}': {decision.reason}")
    if denied:
        blocks.hints.append(_deny_hint(ctx.pack, recipient))
        return denied[0].citation
    return None


def _named(ctx: FieldContext) -> str:
    """The purpose as the delivery names it, and the pack's purpose when it named a data use."""
    slug, asked = ctx.purpose.slug, ctx.asked_purpose
    return f"'{slug}'" if asked in (None, slug) else f"'{asked}' (pack purpose '{slug}')"


def _deny_hint(pack: PolicyPack, recipient_class: str) -> str:
    if "consent" in pack.purposes:
        return (f"the policy refuses it for '{recipient_class}': deliver for purpose 'consent' "
                "to customers who agreed, or to another recipient class")
    return f"the policy refuses it for '{recipient_class}': deliver to another recipient class"


def _decide(
    ctx: FieldContext, delivery: DeliverySpec, profile: FieldEvidence
) -> tuple[FieldDecision, Rule | None]:
    entity_types = tuple(profile.entity_types)
    if delivery.fields is not None and profile.column not in delivery.fields:
        free_text = bool(entity_types) and str(profile.kind) == "free_text"
        category = CONTENT_CATEGORY if free_text else ctx.first_category(entity_types)
        return FieldDecision(
            field=profile.column, verdict=Verdict.DROP, category=category,
            entity_types=entity_types, operator="drop", citation=ctx.citation, reason=NOT_NEEDED,
        ), None
    if not entity_types and _unseen_prose_leaves(ctx, str(profile.kind)):
        decision, rule = decide_field(ctx, profile.column, "free_text", ())
        return replace(decision, reason=f"{UNSEEN_PROSE}; {decision.reason}"), rule
    if not entity_types:
        return FieldDecision(
            field=profile.column, verdict=Verdict.ALLOW, category=None, entity_types=(),
            operator=None, citation=ctx.citation, reason=NOT_PERSONAL,
        ), None
    return decide_field(ctx, profile.column, str(profile.kind), entity_types)


def _unseen_prose_leaves(ctx: FieldContext, kind: str) -> bool:
    """Prose whose sample showed no personal data still leaves for a third party only scanned:
    a sample that found nothing proves nothing about the rows it did not read."""
    return kind == "free_text" and ctx.recipient.third_party


def _shared_tokens(pack: PolicyPack, delivery: DeliverySpec, blocks: _Blocks) -> None:
    """`token_scope: shared` where the pack does not grant it: denied (fail closed). A loaded
    configuration already refuses it; this covers a `DeliverySpec` built another way."""
    if delivery.token_scope is not TokenScope.SHARED:
        return
    problem = shared_scope_problem(pack, delivery.recipient_class, delivery.name)
    if problem is not None:
        blocks.reasons.append(problem[0])
        blocks.hints.append(problem[1])


def _requirements(
    requirements: Sequence[Requirement],
    delivery: DeliverySpec,
    columns: Sequence[str],
    citation: Citation,
    blocks: _Blocks,
) -> tuple[RowFilter, ...]:
    if any(r.legal_basis for r in requirements) and not delivery.legal_basis:
        blocks.reasons.append(
            f"purpose '{delivery.purpose}' for '{delivery.recipient_class}' needs a legal basis "
            "and the delivery names none"
        )
        blocks.hints.append("add legal_basis: <warrant or process reference>")
    filters = []
    for column in dict.fromkeys(r.consent_column for r in requirements if r.consent_column):
        if column in columns:
            filters.append(RowFilter(
                column=column, citation=citation,
                reason=f"purpose '{delivery.purpose}' needs consent: keep rows where "
                       f"'{column}' is true",
            ))
        else:
            blocks.reasons.append(
                f"purpose '{delivery.purpose}' needs consent column '{column}', which dataset "
                f"'{delivery.dataset}' lacks"
            )
            blocks.hints.append(
                f"add a '{column}' column holding each customer's consent to dataset "
                f"'{delivery.dataset}', or choose a purpose without consent"
            )
    return tuple(filters)
