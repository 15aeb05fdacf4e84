"""Errors raised by `policy/`. Messages name the file and YAML path — never a data value."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a YAML document: where, what, and how to fix it."""

    where: str  # YAML path, e.g. rules[3].citation; "" for the whole document
    message: str
    hint: str = ""

    def render(self, source: str) -> str:
        """`source: where: message; hint` — the line a user reads."""
        parts = [source, self.where, self.message] if self.where else [source, self.message]
        line = ": ".join(parts)
        return f"{line}; {self.hint}" if self.hint else line


class PolicyError(Exception):
    """Base for every policy failure the user can fix."""


class DocumentError(PolicyError):
    """A YAML document (pack or config) with problems, all collected and reported at once."""

    def __init__(self, source: str, problems: Sequence[Problem]) -> None:
        self.source = source
        self.problems = tuple(problems)
        super().__init__("\n".join(p.render(source) for p in self.problems))

    def __reduce__(self) -> tuple[type[DocumentError], tuple[str, tuple[Problem, ...]]]:
        return (type(self), (self.source, self.problems))


class PackError(DocumentError):
    """A policy pack that cannot be loaded: bad YAML, schema, references or rule conflicts."""


class TaxonomyError(DocumentError):
    """The shared taxonomy (`policy/taxonomy.yaml`) cannot be loaded."""


class ConfigError(DocumentError):
    """A pipeline configuration that cannot be loaded or does not fit its policy pack."""


class UnknownNameError(PolicyError, KeyError):
    """A purpose, recipient class or bundled pack name that does not exist."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""


class DatasetFilesError(PolicyError):
    """A dataset path or glob that matches no file."""


class DeliveryFieldsError(PolicyError):
    """A delivery names fields the dataset does not have."""
