"""Reading YAML documents and turning pydantic errors into `Problem`s with YAML paths."""

from __future__ import annotations

import hashlib
import types
import typing
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from policy.errors import Problem

# libyaml's safe loader when built in: ~10x faster than the pure-Python one on pack files.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class Document:
    """A parsed YAML mapping with the SHA-256 of the bytes it came from."""

    path: Path
    data: dict[str, Any]
    sha256: str


def read_document(path: Path) -> tuple[Document | None, list[Problem]]:
    """Parse `path` as a YAML mapping; problems carry the line number of a syntax error."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return None, [Problem("", f"cannot read file ({exc.strerror})", "check the path")]
    try:
        data = yaml.load(raw, Loader=_LOADER)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = exc.problem or "invalid YAML"
        return None, [Problem("", f"{line}YAML syntax error: {problem}", "fix the YAML syntax")]
    except yaml.YAMLError:
        return None, [Problem("", "YAML syntax error", "fix the YAML syntax")]
    if not isinstance(data, dict):
        found = "an empty file" if data is None else f"a {type(data).__name__}"
        return None, [Problem("", f"expected a mapping at the top level, found {found}")]
    return Document(path, data, hashlib.sha256(raw).hexdigest()), []


def yaml_path(loc: Sequence[str | int]) -> str:
    """`('rules', 3, 'citation')` → `rules[3].citation`; dotted keys are bracket-quoted."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif "." in part or "*" in part:
            out += f"['{part}']"
        else:
            out += f".{part}" if out else part
    return out


def join_path(prefix: str, where: str) -> str:
    if not where:
        return prefix
    if not prefix:
        return where
    return prefix + where if where.startswith("[") else f"{prefix}.{where}"


def _model_at(model: type[BaseModel], loc: Sequence[str | int]) -> type[BaseModel] | None:
    """The model class that holds the last key of `loc`, for listing its known keys."""
    current: Any = model
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return None
        info = current.model_fields.get(part)
        if info is None:
            return None
        current = _inner_model(info.annotation)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _inner_model(annotation: Any) -> Any:
    """Unwrap `list[X]`, `dict[str, X]`, `X | None` down to a model class when there is one."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    origin = typing.get_origin(annotation)
    if origin in (list, tuple, dict, typing.Union, types.UnionType):
        for arg in typing.get_args(annotation):
            found = _inner_model(arg)
            if found is not None:
                return found
    return None


def validation_problems(
    exc: ValidationError,
    model: type[BaseModel],
    prefix: str = "",
    missing_hints: Mapping[str, str] | None = None,
) -> list[Problem]:
    """One `Problem` per pydantic error; unknown keys list the known ones."""
    hints = missing_hints or {}
    problems = []
    for err in exc.errors(include_url=False, include_input=False):
        loc = [p for p in err["loc"] if isinstance(p, str | int)]
        where = join_path(prefix, yaml_path(loc))
        kind = err["type"]
        if kind == "extra_forbidden":
            owner = _model_at(model, loc)
            known = ", ".join(f.alias or n for n, f in owner.model_fields.items()) if owner else ""
            problems.append(Problem(where, "unknown key", f"known keys: {known}" if known else ""))
        elif kind == "missing":
            last = str(loc[-1]) if loc else ""
            problems.append(Problem(where, "missing", hints.get(last, "add it")))
        else:
            problems.append(Problem(where, err["msg"]))
    return problems
