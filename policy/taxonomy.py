"""The taxonomy every pack shares (`policy/taxonomy.yaml`), loaded and checked once.

Categories carry their entity types, their role in re-identification and the transforms a rule's
verdict becomes when it names no operator; role and transforms are inherited from the nearest
ancestor that gives them. Data uses are what purposes serve: every pack purpose names one, so a
configuration's purpose means the same under every pack. A pack may add categories of its own
and give a taxonomy category its own title or role (`category_nodes`), nothing else.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from itertools import pairwise
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from policy.decisions import Verdict
from policy.documents import read_document, validation_problems
from policy.errors import Problem, TaxonomyError
from policy.operators import (
    OPERATOR_VERDICT,
    OperatorName,
    Transform,
    checked_params,
)
from policy.pack import Category, DataUse, nearest, strict_enough, with_tail
from policy.roles import Role
from policy.schema import (
    TAXONOMY_KEYS,
    CategorySpec,
    DataUseSpec,
    TaxonomyHeader,
    TransformSpec,
)

TAXONOMY_PATH = Path(__file__).resolve().parent / "taxonomy.yaml"
KEY = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$")
_ENTITY = re.compile(r"^[A-Z][A-Z0-9_]*$")
M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class CategoryNode:
    """A category as declared: its own role and transforms (None: inherited)."""

    key: str
    title: str
    entity_types: tuple[str, ...]
    role: Role | None
    transforms: tuple[Transform, ...] | None


@dataclass(frozen=True)
class Taxonomy:
    """The loaded taxonomy. Build it with `load_taxonomy`."""

    path: Path
    sha256: str
    nodes: Mapping[str, CategoryNode]  # as declared, for packs to extend
    categories: Mapping[str, Category]  # roles and transforms resolved
    data_uses: Mapping[str, DataUse]


@functools.cache
def load_taxonomy(path: Path = TAXONOMY_PATH) -> Taxonomy:
    """Load and check the taxonomy once per process; `TaxonomyError` lists every problem."""
    doc, problems = read_document(path)
    if doc is None:
        raise TaxonomyError(str(path), problems)
    data = doc.data
    for key in data:
        if key not in TAXONOMY_KEYS:
            hint = f"known keys: {', '.join(TAXONOMY_KEYS)}"
            problems.append(Problem(str(key), "unknown key", hint))
    _validate(TaxonomyHeader, {k: data[k] for k in ("schema_version",) if k in data}, "", problems)
    nodes = category_nodes(_mapping(data, "categories", problems), {}, problems)
    uses = _data_uses(_mapping(data, "data_uses", problems), problems)
    if problems:
        raise TaxonomyError(str(path), problems)
    return Taxonomy(path, doc.sha256, nodes, resolve(nodes), uses)


def category_nodes(
    raw: Mapping[Any, Any], base: Mapping[str, CategoryNode], problems: list[Problem]
) -> dict[str, CategoryNode]:
    """`base` with the categories of `raw` (a `categories:` mapping) checked and added: new keys
    need a title and a declared parent, entity types on leaves only and in one category each;
    a key of `base` may take a new title or role, nothing else."""
    merged = dict(base)
    added: list[str] = []
    for key, item in raw.items():
        key = str(key)
        where = f"categories['{key}']"
        if not KEY.match(key):
            problems.append(Problem(where, "category keys are dotted lowercase words",
                                    "e.g. contact.phone"))
            continue
        spec = _validate(CategorySpec, item, where, problems)
        if spec is None:
            continue
        if key in base:
            if spec.entities or spec.transforms is not None:
                problems.append(Problem(
                    where, "entity types and transforms of a taxonomy category are set in "
                    "policy/taxonomy.yaml", "give it only a title or a role here, or add a new "
                    "category for other entity types"))
            old = base[key]
            merged[key] = replace(old, title=spec.title or old.title, role=spec.role or old.role)
            continue
        if spec.title is None:
            problems.append(Problem(f"{where}.title", "missing", "add it"))
            continue
        transforms = _transforms(spec, where, problems)
        merged[key] = CategoryNode(key, spec.title, tuple(spec.entities), spec.role, transforms)
        added.append(key)
    owner = {e: n.key for n in base.values() for e in n.entity_types}
    for key in added:
        _check_added(merged, base, owner, key, problems)
    return merged


def _check_added(
    merged: Mapping[str, CategoryNode],
    base: Mapping[str, CategoryNode],
    owner: dict[str, str],
    key: str,
    problems: list[Problem],
) -> None:
    where = f"categories['{key}']"
    parent = key.rpartition(".")[0]
    if parent and parent not in merged:
        problems.append(Problem(where, f"parent category '{parent}' is not declared",
                                f"add categories['{parent}']"))
    elif parent in base and base[parent].entity_types:
        problems.append(Problem(where, f"category '{parent}' lists entity types, so it stays a "
                                "leaf", "add the category beside it instead"))
    node = merged[key]
    if node.entity_types and any(o.startswith(key + ".") for o in merged):
        problems.append(Problem(f"{where}.entities", "only leaf categories list entity types",
                                "move them to a child category"))
    for entity in node.entity_types:
        if not _ENTITY.match(entity):
            problems.append(Problem(f"{where}.entities", f"'{entity}' is not an entity type",
                                    "use the UPPER_SNAKE names of detectors/entities.py"))
        elif entity in owner:
            problems.append(Problem(
                f"{where}.entities", f"{entity} is already in categories['{owner[entity]}']",
                "map each entity type to one category"))
        else:
            owner[entity] = key


def _transforms(
    spec: CategorySpec, where: str, problems: list[Problem]
) -> tuple[Transform, ...] | None:
    if spec.transforms is None:
        return None
    found: list[Transform] = []
    for i, item in enumerate(spec.transforms):
        at = f"{where}.transforms[{i}]"
        operator, raw = (item.operator, item.params) if isinstance(item, TransformSpec) else (
            OperatorName(item), None)
        if operator is OperatorName.KEEP:
            problems.append(Problem(at, "a default transform never keeps data in clear",
                                    "use pseudonymize, encrypt_fpe, generalize, mask or redact"))
            continue
        before = len(problems)
        params = checked_params(operator, raw, f"{at}.params", problems)
        if len(problems) > before:
            continue
        found.append(Transform(OPERATOR_VERDICT[operator], operator, params))
    if any(b.verdict.strictness <= a.verdict.strictness for a, b in pairwise(found)):
        problems.append(Problem(f"{where}.transforms", "not least strict first",
                                "order them by verdict: pseudonymize, generalize, mask, redact, "
                                "drop; one per verdict"))
    return tuple(found)


def resolve(nodes: Mapping[str, CategoryNode]) -> dict[str, Category]:
    """Categories with role and transforms inherited from the nearest ancestor giving them."""
    out = {}
    for key, node in nodes.items():
        lineage = list(_lineage(nodes, key))
        role = next((n.role for n in lineage if n.role is not None), Role.OTHER)
        transforms = next((n.transforms for n in lineage if n.transforms is not None), ())
        out[key] = Category(key, node.title, node.entity_types, role, with_tail(transforms))
    return out


def _lineage(nodes: Mapping[str, CategoryNode], key: str) -> Iterator[CategoryNode]:
    while key:
        if key in nodes:
            yield nodes[key]
        key = key.rpartition(".")[0]


def _data_uses(raw: Mapping[Any, Any], problems: list[Problem]) -> dict[str, DataUse]:
    uses = {}
    for key, item in raw.items():
        key = str(key)
        where = f"data_uses['{key}']"
        if not KEY.match(key):
            problems.append(Problem(where, "data use keys are dotted lowercase words",
                                    "e.g. marketing.communications"))
            continue
        parent = key.rpartition(".")[0]
        if parent and parent not in raw:
            problems.append(Problem(where, f"parent data use '{parent}' is not declared",
                                    f"add data_uses['{parent}']"))
        spec = _validate(DataUseSpec, item, where, problems)
        if spec is not None:
            uses[key] = DataUse(key, spec.title)
    return uses


def _mapping(data: Mapping[str, Any], key: str, problems: list[Problem]) -> Mapping[Any, Any]:
    raw = data.get(key)
    if not isinstance(raw, dict):
        problems.append(Problem(key, "missing" if raw is None else "expected a mapping"))
        return {}
    return raw


def _validate(model: type[M], raw: Any, where: str, problems: list[Problem]) -> M | None:
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        problems.extend(validation_problems(exc, model, where))
        return None


# The bundled taxonomy's defaults, for code and tests that ask without a pack.
def transforms_for(category: str) -> tuple[Transform, ...]:
    """Supported transforms of `category` in the bundled taxonomy, least strict first, always
    ending in redact/drop (a category it does not hold: redact, drop)."""
    found = nearest(load_taxonomy().categories, category)
    return found.transforms if found is not None else with_tail(())


def default_transform(category: str) -> Transform:
    return transforms_for(category)[0]


def at_least(category: str, verdict: Verdict) -> Transform:
    """The least strict transform of `category` that is at least as strict as `verdict`."""
    return strict_enough(transforms_for(category), verdict)


def default_role(category: str | None) -> Role:
    """The role of `category` (or its nearest ancestor) in the bundled taxonomy; other when
    it holds neither."""
    found = nearest(load_taxonomy().categories, category)
    return found.role if found is not None else Role.OTHER
