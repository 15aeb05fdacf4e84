"""Errors raised by `redaction/`. Messages name the field, file or setting — never a data value."""

from __future__ import annotations


class RedactionError(Exception):
    """Base of every error raised by the redaction package."""


class MissingKeyError(RedactionError):
    """A keyed operator needs a key and none was configured."""


class WeakKeyError(RedactionError):
    """The configured key is too short to be used."""


class KeySourceError(RedactionError):
    """The key source is malformed or its secret could not be loaded."""


class KeyScopeError(RedactionError):
    """A token scope was asked for without a recipient name, or of a key already scoped."""


class PlanError(RedactionError):
    """A decision cannot be turned into an operator (several problems are reported at once)."""


class UnknownOperatorError(PlanError):
    """A decision names an operator that is not registered."""


class InvalidParamsError(PlanError):
    """An operator's parameters are missing, unknown or out of range."""


class SchemaMismatchError(RedactionError):
    """The decisions and the input schema do not name the same columns."""


class DeliveryDeniedError(RedactionError):
    """A plan was requested for a delivery that policy denied."""


class InputSchemaError(RedactionError):
    """A batch read during delivery does not match the schema the plan was built for."""


class OutputFormatError(RedactionError):
    """The requested output format is not supported."""


class OutputWriteError(RedactionError):
    """The output could not be written; no final file was left behind."""


class RowBalanceError(RedactionError):
    """Rows in does not equal rows out + quarantined + filtered."""


class ReidentificationError(RedactionError):
    """Re-identification was refused (no legal basis, field not encrypted, or bad value)."""


class DictionaryError(RedactionError):
    """A delivery's `_dictionary.json` is unreadable or does not match its JSON Schema."""


class DictionaryNotFoundError(DictionaryError):
    """The folder given is not a delivery folder holding a data dictionary."""


class PartitionError(RedactionError):
    """A delivery's `partition_by` names no delivered column, or one whose values cannot be
    folder names (personal data, free text, too many distinct values)."""
