"""Errors raised by `synthetic/`. Messages say what was given and how to fix it."""

from __future__ import annotations


class SyntheticError(Exception):
    """Base for every generator failure the caller can fix."""


class UnknownKindError(SyntheticError):
    """A dataset kind the generator does not produce."""


class InvalidSizeError(SyntheticError):
    """A row count or batch size below 1."""


class InvalidSeedError(SyntheticError):
    """A seed that is not a whole number."""


class OutputError(SyntheticError):
    """The output folder cannot be created or written, or already holds another kind."""
