"""The Presidio analyzer we use: installed spaCy model, telecom recognizers, no downloads."""

from __future__ import annotations

from functools import lru_cache

from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
from presidio_analyzer.predefined_recognizers import SpacyRecognizer

from detectors.nlp import LANGUAGE, build_nlp_engine
from detectors.offline import configure_offline
from detectors.recognizers import telecom_recognizers
from detectors.settings import DetectionSettings


def build_analyzer(settings: DetectionSettings | None = None) -> AnalyzerEngine:
    """An `AnalyzerEngine` for `settings`, built once per distinct (frozen) settings value.

    Raises `ModelNotInstalledError` when `settings.spacy_model` is not installed.
    """
    return _build_analyzer(settings or DetectionSettings())


@lru_cache(maxsize=8)
def _build_analyzer(settings: DetectionSettings) -> AnalyzerEngine:
    configure_offline()
    nlp_engine = build_nlp_engine(settings.spacy_model)
    registry = RecognizerRegistry(supported_languages=[LANGUAGE])
    for recognizer in telecom_recognizers(settings):
        registry.add_recognizer(recognizer)
    registry.add_recognizer(
        SpacyRecognizer(
            supported_language=LANGUAGE, supported_entities=nlp_engine.get_supported_entities()
        )
    )
    return AnalyzerEngine(
        registry=registry, nlp_engine=nlp_engine, supported_languages=[LANGUAGE]
    )


def supported_entities(settings: DetectionSettings | None = None) -> list[str]:
    """Entity types the analyzer for `settings` can report, sorted."""
    return sorted(build_analyzer(settings).get_supported_entities(LANGUAGE))
