"""The spaCy pipeline behind Presidio: the configured model, only what NER needs, no download."""

from __future__ import annotations

from functools import lru_cache

import spacy
from presidio_analyzer.nlp_engine import NerModelConfiguration, SpacyNlpEngine
from spacy.language import Language
from spacy.tokens import Doc

from detectors.errors import ModelNotInstalledError
from detectors.settings import DEFAULT_SPACY_MODEL, SPACY_MODEL_ENV

LANGUAGE = "en"
# NER and whatever embedding layer it listens to; tagger/parser/lemmatizer only cost time.
NER_COMPONENT = "ner"
# spaCy labels we report, mapped to our vocabulary; everything else (ORG, CARDINAL...) is dropped.
NER_ENTITY_MAPPING = {
    "PERSON": "PERSON",
    "PER": "PERSON",
    "GPE": "LOCATION",
    "LOC": "LOCATION",
    "DATE": "DATE_TIME",
    "TIME": "DATE_TIME",
}
# Every other label spaCy's English and French pipelines emit: ignored at the source, so Presidio
# neither keeps them nor warns about each one ("Entity ORG is not mapped…", thousands per run).
NER_LABELS_IGNORED = (
    "CARDINAL", "EVENT", "FAC", "LANGUAGE", "LAW", "MISC", "MONEY", "NORP", "ORDINAL", "ORG",
    "PERCENT", "PRODUCT", "QUANTITY", "WORK_OF_ART",
)  # fmt: skip


@Language.component("teleprivacy_lower_lemma")
def _lower_lemma(doc: Doc) -> Doc:
    """Lower-cased tokens as lemmas: Presidio's context words still match without a lemmatizer."""
    for token in doc:
        token.lemma_ = token.lower_
    return doc


class PreloadedSpacyNlpEngine(SpacyNlpEngine):
    """A Presidio spaCy engine around an already loaded pipeline (Presidio's own would download)."""

    def __init__(self, nlp: Language, model_name: str) -> None:
        super().__init__(
            models=[{"lang_code": LANGUAGE, "model_name": model_name}],
            ner_model_configuration=NerModelConfiguration(
                model_to_presidio_entity_mapping=dict(NER_ENTITY_MAPPING),
                labels_to_ignore=list(NER_LABELS_IGNORED),
            ),
        )
        self.nlp = {LANGUAGE: nlp}

    def load(self) -> None:
        """Nothing to do: the pipeline was loaded by `load_pipeline`."""


@lru_cache(maxsize=4)
def load_pipeline(model_name: str) -> Language:
    """Load an installed spaCy pipeline keeping only `ner` and any embedding layer it listens to.

    Raises `ModelNotInstalledError` (naming the setting) instead of downloading.
    """
    if not spacy.util.is_package(model_name):
        raise ModelNotInstalledError(
            f"spaCy pipeline {model_name!r} is not installed (setting {SPACY_MODEL_ENV} / "
            f"DetectionSettings.spacy_model); install its package or set "
            f"{SPACY_MODEL_ENV}={DEFAULT_SPACY_MODEL}"
        )
    nlp = spacy.load(model_name)
    keep = {NER_COMPONENT} | {
        name
        for name, pipe in nlp.pipeline
        if NER_COMPONENT in (getattr(pipe, "listening_components", None) or ())
    }
    for name in list(nlp.pipe_names):
        if name not in keep:
            nlp.remove_pipe(name)
    nlp.add_pipe("teleprivacy_lower_lemma", last=True)
    return nlp


def build_nlp_engine(model_name: str) -> PreloadedSpacyNlpEngine:
    """A Presidio NLP engine over `model_name`, sharing the cached pipeline."""
    return PreloadedSpacyNlpEngine(load_pipeline(model_name), model_name)
