"""Redaction: keys, operators, plans, atomic verified delivery, and audited re-identification.

`redaction/` never imports Prefect; `flows/` injects what needs it (e.g. the Secret loader).
"""

from redaction.delivery import combine_results, deliver, output_name, refuse_changed_inputs
from redaction.errors import (
    DeliveryDeniedError,
    InvalidParamsError,
    MissingKeyError,
    RedactionError,
    UnknownOperatorError,
)
from redaction.keys import DEFAULT_KEY_ENV, Key, load_key
from redaction.layout import settle_types
from redaction.operators import known_operators
from redaction.partitions import PartitionKey, partition, partition_keys
from redaction.plan import RedactionPlan, apply_plan, build_plan, filter_rows
from redaction.reidentify import reidentify
from redaction.results import DeliveryOutcome, DeliveryResult, FieldOutput, ResidualFinding
from redaction.verify import verify_output

__all__ = [
    "DEFAULT_KEY_ENV", "DeliveryDeniedError", "DeliveryOutcome", "DeliveryResult", "FieldOutput",
    "InvalidParamsError", "Key", "MissingKeyError", "PartitionKey", "RedactionError",
    "RedactionPlan", "ResidualFinding", "UnknownOperatorError", "apply_plan", "build_plan",
    "combine_results", "deliver", "filter_rows", "known_operators", "load_key", "output_name",
    "partition", "partition_keys", "refuse_changed_inputs", "reidentify", "settle_types",
    "verify_output"
]  # fmt: skip
