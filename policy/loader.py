"""`load_pack`: read a pack file, check every item and reference, raise all problems at once."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from policy.decisions import Citation, Verdict
from policy.documents import read_document, validation_problems
from policy.errors import PackError, Problem, UnknownNameError
from policy.operators import OPERATOR_VERDICT, OperatorName, checked_params
from policy.pack import (
    DataUse,
    PackSource,
    PolicyPack,
    Purpose,
    RecipientClass,
    Requirement,
    Rule,
    leaf_keys,
    within,
)
from policy.rule_checks import card_digit_problems, rule_problems
from policy.schema import (
    TOP_LEVEL_KEYS,
    CitationSpec,
    PackHeader,
    PurposeRole,
    PurposeSpec,
    RecipientClassSpec,
    Requires,
    RuleSpec,
)
from policy.taxonomy import category_nodes, load_taxonomy, resolve

PACKS_DIR = Path(__file__).resolve().parent / "packs"
_MISSING_HINTS = {
    "citation": "add citation: {section: ..., quote: ...} quoting the clause verbatim",
    "data_use": "add data_use: <a key of policy/taxonomy.yaml's data_uses>, e.g. service.support",
}
M = TypeVar("M", bound=BaseModel)


def bundled_packs() -> tuple[str, ...]:
    """Names of the packs shipped in `policy/packs/`."""
    return tuple(sorted(p.stem for p in PACKS_DIR.glob("*.yaml")))


def pack_path(name_or_path: str | Path) -> Path:
    """A bundled pack's file for a bare name, else the path as given."""
    text = str(name_or_path)
    if isinstance(name_or_path, Path) or "/" in text or text.endswith((".yaml", ".yml")):
        return Path(name_or_path)
    path = PACKS_DIR / f"{text}.yaml"
    if not path.is_file():
        known = ", ".join(bundled_packs())
        raise UnknownNameError(
            f"no bundled policy pack '{text}'; bundled: {known}; or give the path to a pack file"
        )
    return path


def load_pack(name_or_path: str | Path) -> PolicyPack:
    """Load a bundled pack by name (`voipms`) or a pack file by path; raise `PackError`."""
    path = pack_path(name_or_path)
    doc, problems = read_document(path)
    if doc is None:
        raise PackError(str(path), problems)
    pack = _build(doc.data, path, doc.sha256, problems)
    if problems or pack is None:
        raise PackError(str(path), problems)
    return pack


def _validate(model: type[M], raw: Any, where: str, problems: list[Problem]) -> M | None:
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        problems.extend(validation_problems(exc, model, where, _MISSING_HINTS))
        return None


def _items(raw: Any, where: str, kind: type, problems: list[Problem]) -> Any:
    if raw is None:
        problems.append(Problem(where, "missing", "add it"))
        return kind()
    if not isinstance(raw, kind):
        expected = "a mapping" if kind is dict else "a list"
        problems.append(Problem(where, f"expected {expected}"))
        return kind()
    return raw


def _build(
    data: dict[str, Any], path: Path, sha256: str, problems: list[Problem]
) -> PolicyPack | None:
    for key in data:
        if key not in TOP_LEVEL_KEYS:
            hint = f"known keys: {', '.join(TOP_LEVEL_KEYS)}"
            problems.append(Problem(str(key), "unknown key", hint))
    header_raw = {k: data[k] for k in ("schema_version", "name", "version", "source") if k in data}
    header = _validate(PackHeader, header_raw, "", problems)
    seed = header.source.seed if header else ""

    def cite(spec: CitationSpec) -> Citation:
        return Citation(seed=spec.seed or seed, section=spec.section, quote=spec.quote)

    taxonomy = load_taxonomy()
    own = data.get("categories", {})  # optional: a pack may add categories to the taxonomy's
    nodes = category_nodes(_items(own, "categories", dict, problems), taxonomy.nodes, problems)
    categories = resolve(nodes)
    raw_purposes = _items(data.get("purposes"), "purposes", list, problems)
    purposes = _purposes(raw_purposes, cite, taxonomy.data_uses, problems)
    classes: dict[str, RecipientClass] = {}
    raw_classes = _items(data.get("recipient_classes"), "recipient_classes", dict, problems)
    for slug, raw in raw_classes.items():
        spec = _validate(RecipientClassSpec, raw, f"recipient_classes.{slug}", problems)
        if spec:
            classes[str(slug)] = RecipientClass(
                str(slug), spec.title, spec.third_party, spec.min_k, spec.max_suppression,
                shared_tokens=cite(spec.shared_tokens.citation) if spec.shared_tokens else None,
                card_first_six=cite(spec.card_first_six.citation) if spec.card_first_six else None,
                times_in_utc=spec.times_in_utc,
            )  # fmt: skip
    rules = _rules(_items(data.get("rules"), "rules", list, problems), cite, problems)
    known = {"category": set(categories), "purpose": set(purposes), "recipient_class": set(classes)}
    problems.extend(rule_problems(rules, known, leaf_keys(categories)))
    problems.extend(card_digit_problems(rules, classes, categories))
    if header is None or problems:
        return None
    return PolicyPack(
        name=header.name,
        version=header.version,
        sha256=sha256,
        path=path,
        source=PackSource(header.source.seed, header.source.title, header.source.date),
        categories=categories,
        purposes=purposes,
        recipient_classes=classes,
        rules=tuple(rules),
        data_uses=taxonomy.data_uses,
    )


def _requirement(spec: Requires) -> Requirement:
    return Requirement(spec.consent_column, spec.legal_basis)


def _purposes(
    raw: list[Any],
    cite: Callable[[CitationSpec], Citation],
    uses: Mapping[str, DataUse],
    problems: list[Problem],
) -> dict[str, Purpose]:
    purposes: dict[str, Purpose] = {}
    first: dict[str, int] = {}
    for i, item in enumerate(raw):
        where = f"purposes[{i}]"
        spec = _validate(PurposeSpec, item, where, problems)
        if spec is None:
            continue
        if spec.slug in first:
            problems.append(Problem(
                f"{where}.slug",
                f"duplicate purpose '{spec.slug}' (also purposes[{first[spec.slug]}])",
                "give each purpose one entry and list all its roles (use, disclosure)"))
            continue
        first[spec.slug] = i
        problems.extend(_data_use_problems(spec, uses, where))
        roles = frozenset(spec.roles)
        if PurposeRole.REFUSED in roles and len(roles) > 1:
            problems.append(Problem(f"{where}.roles", "a refused purpose has no other role",
                                    "use roles: [refused]"))
        if spec.disclosure_citation and PurposeRole.DISCLOSURE not in roles:
            problems.append(Problem(f"{where}.disclosure_citation",
                                    "given for a purpose without the disclosure role",
                                    "add disclosure to roles or remove it"))
        disclosure = spec.disclosure_citation
        purposes[spec.slug] = Purpose(
            slug=spec.slug,
            title=spec.title,
            data_use=spec.data_use,
            roles=roles,
            citation=cite(spec.citation),
            disclosure_citation=cite(disclosure) if disclosure else None,
            requires=_requirement(spec.requires),
        )
    return purposes


def _data_use_problems(spec: PurposeSpec, uses: Mapping[str, DataUse], where: str) -> list[Problem]:
    """A purpose serves a data use of the taxonomy; a slug that is itself a data use serves that
    use (or one below it), so a delivery naming it means the same under every pack."""
    if spec.data_use not in uses:
        return [Problem(f"{where}.data_use", f"unknown data use '{spec.data_use}'",
                        f"use one of policy/taxonomy.yaml's data_uses: {', '.join(uses)}")]
    if spec.slug in uses and not within(spec.data_use, spec.slug):
        return [Problem(f"{where}.data_use",
                        f"purpose '{spec.slug}' is named after data use '{spec.slug}' but serves "
                        f"'{spec.data_use}'", f"serve '{spec.slug}' or a use below it, or rename "
                        "the purpose")]  # fmt: skip
    return []


def _rules(
    raw: list[Any], cite: Callable[[CitationSpec], Citation], problems: list[Problem]
) -> list[Rule]:
    rules = []
    for i, item in enumerate(raw):
        where = f"rules[{i}]"
        spec = _validate(RuleSpec, item, where, problems)
        if spec is None:
            continue
        params: dict[str, Any] = {}
        if spec.operator is not None:
            if spec.verdict is Verdict.DENY:
                problems.append(Problem(
                    f"{where}.operator", f"verdict {spec.verdict} takes no operator",
                    "remove operator"))
            elif OPERATOR_VERDICT[spec.operator] is not spec.verdict:
                problems.append(Problem(
                    f"{where}.operator",
                    f"operator {spec.operator} does not carry out verdict {spec.verdict}",
                    f"use verdict {OPERATOR_VERDICT[spec.operator]} or another operator"))
            else:
                params = checked_params(spec.operator, spec.params, f"{where}.params", problems)
        elif spec.params is not None:
            problems.append(Problem(f"{where}.params", "params without an operator",
                                    "name the operator the params belong to"))
        # `allow` is carried out by keep: naming it changes nothing, so it is not an outcome
        operator = None if spec.operator is OperatorName.KEEP else spec.operator
        rules.append(Rule(
            index=i,
            recipient_class=spec.recipient_class,
            purpose=spec.purpose,
            category=spec.category,
            verdict=spec.verdict,
            operator=operator,
            params=params,
            requires=_requirement(spec.requires),
            citation=cite(spec.citation),
            note=spec.note,
        ))
    return rules
