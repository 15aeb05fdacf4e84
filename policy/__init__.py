"""Policy packs, pipeline configuration and per-field delivery decisions with citations."""

from policy.citations import verify_citations
from policy.config import (
    DataFormat,
    DatasetKind,
    DatasetSpec,
    DeliverySpec,
    KeySource,
    OutputFormat,
    PipelineConfig,
    load_config,
)
from policy.decisions import (
    Citation,
    DeliveryDecision,
    DeliveryStatus,
    FieldDecision,
    FieldEvidence,
    OperatingPoint,
    RowFilter,
    TokenScope,
    Verdict,
)
from policy.errors import (
    ConfigError,
    DatasetFilesError,
    DeliveryFieldsError,
    PackError,
    PolicyError,
    Problem,
    UnknownNameError,
)
from policy.evaluation import evaluate_config, evaluate_delivery
from policy.loader import bundled_packs, load_pack
from policy.operators import CATEGORY_TRANSFORMS, OperatorName, default_transform
from policy.pack import Category, PolicyPack, Purpose, RecipientClass, Rule
from policy.table import format_decision_table

__all__ = [
    "CATEGORY_TRANSFORMS",
    "Category",
    "Citation",
    "ConfigError",
    "DataFormat",
    "DatasetFilesError",
    "DatasetKind",
    "DatasetSpec",
    "DeliveryDecision",
    "DeliveryFieldsError",
    "DeliverySpec",
    "DeliveryStatus",
    "FieldDecision",
    "FieldEvidence",
    "KeySource",
    "OperatingPoint",
    "OperatorName",
    "OutputFormat",
    "PackError",
    "PipelineConfig",
    "PolicyError",
    "PolicyPack",
    "Problem",
    "Purpose",
    "RecipientClass",
    "RowFilter",
    "Rule",
    "TokenScope",
    "UnknownNameError",
    "Verdict",
    "bundled_packs",
    "default_transform",
    "evaluate_config",
    "evaluate_delivery",
    "format_decision_table",
    "load_config",
    "load_pack",
    "verify_citations",
]
