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
    TaxonomyError,
    UnknownNameError,
)
from policy.evaluation import evaluate_config, evaluate_configured, evaluate_delivery
from policy.loader import bundled_packs, load_pack
from policy.operators import OperatorName
from policy.pack import Category, DataUse, PolicyPack, Purpose, RecipientClass, Rule
from policy.table import format_decision_table
from policy.taxonomy import Taxonomy, default_transform, load_taxonomy

__all__ = [
    "Category",
    "Citation",
    "ConfigError",
    "DataFormat",
    "DataUse",
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
    "Taxonomy",
    "TaxonomyError",
    "TokenScope",
    "UnknownNameError",
    "Verdict",
    "bundled_packs",
    "default_transform",
    "evaluate_config",
    "evaluate_configured",
    "evaluate_delivery",
    "format_decision_table",
    "load_config",
    "load_pack",
    "load_taxonomy",
    "verify_citations",
]
