"""Detection: read inputs in batches, profile columns, scan free text, classify values.

The text side (`detectors.text`, `detectors.analyzer`) loads Presidio and spaCy, so it is wrapped
here and imported only when first called: `import detectors` stays light.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from detectors.columns import classify_values
from detectors.declared_types import DeclaredTypeError, DeclaredTypes, parse_type
from detectors.errors import (
    DetectorError,
    ModelNotInstalledError,
    SettingsError,
    UnreadableFileError,
    UnsupportedFormatError,
)
from detectors.evaluation_columns import evaluate_dataset
from detectors.findings import (
    DatasetProfile,
    EntityEvidence,
    FieldKind,
    FieldProfile,
    QuarantinedRow,
    TextFinding,
)
from detectors.inventory import (
    dataset_sha256,
    format_profile_table,
    profile_as_json,
    read_schema,
)
from detectors.masking import mask_value
from detectors.profiling import profile_column, profile_dataset
from detectors.quarantine import Quarantine
from detectors.reading import (
    ASTERISK_CDR_CSV_COLUMNS,
    ASTERISK_CDR_CSV_NEW_COLUMNS,
    file_sha256,
    read_batches,
)
from detectors.settings import DetectionSettings
from detectors.text_cache import findings_cache

if TYPE_CHECKING:
    from pathlib import Path

    import pyarrow as pa
    from presidio_analyzer import AnalyzerEngine

    from detectors.evaluation_text import SpanScores


def scan_texts(
    texts: Sequence[str | None],
    column: str,
    settings: DetectionSettings | None = None,
    row_offset: int = 0,
) -> list[TextFinding]:
    """Find entity spans in free texts (see `detectors.text.scan_texts`)."""
    from detectors.text import scan_texts as _scan_texts

    return _scan_texts(texts, column, settings=settings, row_offset=row_offset)


def scan_text_column(
    array: pa.Array | pa.ChunkedArray,
    column: str,
    settings: DetectionSettings | None = None,
    row_offset: int = 0,
) -> list[TextFinding]:
    """Find entity spans in a text column (see `detectors.text.scan_text_column`)."""
    from detectors.text import scan_text_column as _scan_text_column

    return _scan_text_column(array, column, settings=settings, row_offset=row_offset)


def evaluate_tickets(data_dir: Path, settings: DetectionSettings | None = None) -> SpanScores:
    """Score text detection against generated ticket labels (see `detectors.evaluation_text`)."""
    from detectors.evaluation_text import evaluate_tickets as _evaluate_tickets

    return _evaluate_tickets(data_dir, settings)


def build_analyzer(settings: DetectionSettings | None = None) -> AnalyzerEngine:
    """The Presidio analyzer with telecom recognizers (see `detectors.analyzer.build_analyzer`)."""
    from detectors.analyzer import build_analyzer as _build_analyzer

    return _build_analyzer(settings)


__all__ = [
    "ASTERISK_CDR_CSV_COLUMNS",
    "ASTERISK_CDR_CSV_NEW_COLUMNS",
    "DatasetProfile",
    "DeclaredTypeError",
    "DeclaredTypes",
    "DetectionSettings",
    "DetectorError",
    "EntityEvidence",
    "FieldKind",
    "FieldProfile",
    "ModelNotInstalledError",
    "Quarantine",
    "QuarantinedRow",
    "SettingsError",
    "TextFinding",
    "UnreadableFileError",
    "UnsupportedFormatError",
    "build_analyzer",
    "classify_values",
    "dataset_sha256",
    "evaluate_dataset",
    "evaluate_tickets",
    "file_sha256",
    "findings_cache",
    "format_profile_table",
    "mask_value",
    "parse_type",
    "profile_as_json",
    "profile_column",
    "profile_dataset",
    "read_batches",
    "read_schema",
    "scan_text_column",
    "scan_texts",
]
