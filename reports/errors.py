"""Errors raised by `reports/`. Messages name the file, field or JSON path — never a data value."""

from __future__ import annotations


class ReportError(Exception):
    """Base for every report failure the user can fix."""


class ReportInputError(ReportError):
    """The builder's inputs do not fit together (e.g. a delivery result with no decision)."""


class ReportSchemaError(ReportError):
    """A built report does not validate against the shipped JSON Schema; nothing was written."""


class ReportWriteError(ReportError):
    """A report file could not be written to the output folder."""


class HistoryError(ReportError):
    """The run-history SQLite database could not be opened, read or written."""
