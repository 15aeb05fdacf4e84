"""The policy pack file format (schema_version 1), checked item by item with pydantic."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator
from pydantic_core import PydanticCustomError

from policy.decisions import Verdict
from policy.operators import OperatorName
from policy.roles import Role

WILDCARD = "*"

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$")]
SlugOrAny = Annotated[str, StringConstraints(pattern=r"^(\*|[a-z][a-z0-9_]*)$")]
CategoryOrAny = Annotated[
    str, StringConstraints(pattern=r"^(\*|[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*)$")
]
DottedKey = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$")]
Text = Annotated[str, StringConstraints(min_length=1)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SourceSpec(_Strict):
    seed: Text  # file name of the policy text, e.g. 003_d865ffb7cb5e7536.txt
    title: Text
    date: Text


class CitationSpec(_Strict):
    section: Text
    quote: Text  # verbatim substring of the seed file
    seed: str | None = None  # defaults to the pack's source.seed


class TransformSpec(_Strict):
    """A transform a category supports: an operator and its params, as a rule writes them."""

    operator: OperatorName
    params: dict[str, Any] | None = None


class CategorySpec(_Strict):
    """A category of the taxonomy; in a pack, a new category or a taxonomy one's title/role."""

    title: Text | None = None  # required for a category the taxonomy does not hold
    entities: list[str] = Field(default_factory=list)  # entity types; leaves only
    role: Role | None = None  # default: the nearest ancestor's, else other
    # least strict first; default: the nearest ancestor's, else redact then drop
    transforms: list[OperatorName | TransformSpec] | None = None


class DataUseSpec(_Strict):
    title: Text


class TaxonomyHeader(_Strict):
    """`policy/taxonomy.yaml` beside its `categories` and `data_uses` (checked item by item)."""

    schema_version: Literal[1]


TAXONOMY_KEYS = ("schema_version", "categories", "data_uses")


class PurposeRole(StrEnum):
    USE = "use"  # the provider may use data for it internally
    DISCLOSURE = "disclosure"  # a basis for handing data to third parties
    REFUSED = "refused"  # the policy refuses it: deliveries for it are denied


class Requires(_Strict):
    consent_column: Slug | None = None  # rows kept only where this column is truthy
    legal_basis: bool = False  # the delivery must name its warrant or legal process


class PurposeSpec(_Strict):
    slug: Slug
    title: Text
    data_use: DottedKey  # a key of the taxonomy's data_uses, e.g. marketing.communications
    roles: list[PurposeRole] = Field(default_factory=lambda: [PurposeRole.USE], min_length=1)
    citation: CitationSpec
    disclosure_citation: CitationSpec | None = None  # when the disclosure clause differs
    requires: Requires = Requires()


class GrantSpec(_Strict):
    """An option a recipient class is granted, with the clause that grants it."""

    citation: CitationSpec


class RecipientClassSpec(_Strict):
    title: Text
    third_party: bool
    # release gate: every delivered row shares its quasi-identifiers with at least min_k - 1
    # others, after suppressing at most max_suppression of the rows (else the delivery blocks)
    min_k: int | None = Field(default=None, ge=2)
    max_suppression: float = Field(default=0.01, ge=0.0, le=0.5)
    # deliveries to this class may set `token_scope: shared` (tokens equal across recipients)
    shared_tokens: GrantSpec | None = None
    # masked payment cards keep their first six digits (issuer number) beside the last four
    card_first_six: GrantSpec | None = None
    # times delivered in UTC: a time zone (America/Montreal) tells where a caller is
    times_in_utc: bool = False

    @field_validator("shared_tokens", "card_first_six", mode="before")
    @classmethod
    def _grant_needs_a_clause(cls, value: Any) -> Any:
        if isinstance(value, bool):
            raise PydanticCustomError(
                "grant",
                "a grant names the clause that allows it: write {citation: {section: ..., "
                "quote: ...}} instead of true/false (leave the key out to withhold it)",
            )
        return value


class RuleSpec(_Strict):
    recipient_class: SlugOrAny
    purpose: SlugOrAny
    category: CategoryOrAny
    verdict: Verdict
    operator: OperatorName | None = None
    params: dict[str, Any] | None = None  # checked with the operator's model (`params_model`)
    requires: Requires = Requires()
    citation: CitationSpec
    note: str = ""  # why, in a sentence; shown as the decision's reason


class PackHeader(_Strict):
    schema_version: Literal[1]
    name: Slug
    version: Text
    source: SourceSpec


TOP_LEVEL_KEYS = ("schema_version", "name", "version", "source", "categories", "purposes",
                  "recipient_classes", "rules")
