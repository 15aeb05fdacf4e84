"""The Presidio analyzer we use: installed spaCy models, telecom recognizers, no downloads."""

from __future__ import annotations

import logging
from functools import lru_cache

from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
from presidio_analyzer.predefined_recognizers import SpacyRecognizer

from detectors.nlp import FRENCH, LANGUAGE, build_nlp_engine, pipeline_installed
from detectors.offline import configure_offline
from detectors.places import places
from detectors.recognizers import telecom_recognizers
from detectors.recognizers.person_surname import load_frequencies
from detectors.settings import SPACY_MODEL_FR_ENV, DetectionSettings

logger = logging.getLogger(__name__)


def build_analyzer(settings: DetectionSettings | None = None) -> AnalyzerEngine:
    """An `AnalyzerEngine` for `settings`, built once per distinct (frozen) settings value.

    It analyses English and, when `settings.spacy_model_fr` is installed, French (see
    `analyzer_languages`). Raises `ModelNotInstalledError` when `settings.spacy_model` is not
    installed.
    """
    return _build_analyzer(settings or DetectionSettings())


def analyzer_languages(settings: DetectionSettings | None = None) -> tuple[str, ...]:
    """The languages the analyzer for `settings` routes texts to: English, plus French when a
    French pipeline is configured and installed."""
    return tuple(build_analyzer(settings).supported_languages)


@lru_cache(maxsize=8)
def _build_analyzer(settings: DetectionSettings) -> AnalyzerEngine:
    configure_offline()
    french = settings.spacy_model_fr
    if french and not pipeline_installed(french):
        logger.warning(
            "French texts are analysed with the English pipeline: spaCy pipeline %r is not "
            "installed (setting %s / DetectionSettings.spacy_model_fr); install it "
            "(requirements/model.txt) or set %s= to silence this",
            french, SPACY_MODEL_FR_ENV, SPACY_MODEL_FR_ENV,
        )  # fmt: skip
        french = ""
    nlp_engine = build_nlp_engine(settings.spacy_model, french or None)
    languages = [LANGUAGE, FRENCH] if french else [LANGUAGE]
    registry = RecognizerRegistry(supported_languages=languages)
    for language in languages:
        # Our recognizers read both languages (their context words are English and French);
        # Presidio picks recognizers by language, so each language gets its own instances.
        for recognizer in telecom_recognizers(settings):
            recognizer.supported_language = language
            registry.add_recognizer(recognizer)
        registry.add_recognizer(
            SpacyRecognizer(
                supported_language=language,
                supported_entities=nlp_engine.get_supported_entities(),
            )
        )
    if settings.recall_first:  # read here, once: forked workers inherit them (text_workers)
        places()
        load_frequencies()
    return AnalyzerEngine(registry=registry, nlp_engine=nlp_engine, supported_languages=languages)


def supported_entities(settings: DetectionSettings | None = None) -> list[str]:
    """Entity types the analyzer for `settings` can report, sorted."""
    return sorted(build_analyzer(settings).get_supported_entities(LANGUAGE))
