"""The spaCy pipeline behind Presidio: the configured model, only what NER needs, no download."""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache

import spacy
from presidio_analyzer.nlp_engine import NerModelConfiguration, SpacyNlpEngine
from spacy.language import Language
from spacy.tokens import Doc

from detectors.errors import ModelNotInstalledError
from detectors.names import words
from detectors.settings import DEFAULT_SPACY_MODEL, SPACY_MODEL_ENV

LANGUAGE = "en"
FRENCH = "fr"
# NER and whatever embedding layer it listens to; tagger/parser/lemmatizer only cost time.
NER_COMPONENT = "ner"
NOT_FOR_NER = (
    "tagger", "morphologizer", "parser", "senter", "attribute_ruler", "lemmatizer",
    "trainable_lemmatizer",
)  # fmt: skip
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


# Cheap language routing: words that are frequent in one language and rare in the other.
# Shared words ("a", "on", "an", "son", "pour"…) are in neither set.
_FRENCH_WORDS = words(
    "le la les de des du et est je vous pour une pas que qui dans sur avec mon ma mes nous il "
    "elle au aux ce cette sont ai bonjour merci mais ou votre vos leur très été être avez suis "
    "depuis plus aussi fait peut à où était avait ont sa ses ces lui dont ne se en par sans chez "
    "nos notre tous tout toute"
)  # fmt: skip
_ENGLISH_WORDS = words(
    "the and is to of you for in my i it with this that be are have not please thanks was we "
    "your can at from will would has hi hello there they our me if do but all been out up when "
    "what just get got still does any some since after again work works call calls keeps line "
    "number phone"
)  # fmt: skip
_WORDS = re.compile(r"[^\W\d_]+")
# "l'adresse", "j'ai", "qu'il": elided French articles and pronouns.
_ELISION = re.compile(r"(?<![^\W\d_])(?i:[jldmnstc]|qu)['’](?=[^\W\d_])")
# "de", "la", "des" between capitalised words ("Chemin de la Côte-des-Neiges", "Jean de la
# Fontaine") are part of a name and say nothing about the language of the text around it.
_PARTICLES = frozenset({"de", "des", "du", "la", "le", "les"})
_PARTICLE_RUN = r"(?:(?:de|des|du|la|le|les)[ \t-]+)*"
_AFTER_NAME = re.compile(rf"[A-ZÀ-ÖØ-Þ][^\W\d_]*[ \t-]+{_PARTICLE_RUN}$")
_BEFORE_NAME = re.compile(rf"[ \t-]+{_PARTICLE_RUN}[A-ZÀ-ÖØ-Þ]")


def text_language(text: str) -> str:
    """`FRENCH` when French function words (and elisions such as "j'ai") outnumber English
    ones, two at least, else `LANGUAGE` (English): a word count, microseconds a ticket."""
    french = len(_ELISION.findall(text))
    english = 0
    for match in _WORDS.finditer(text):
        word = match.group().lower()
        if word in _FRENCH_WORDS:
            if (
                word in _PARTICLES
                and _BEFORE_NAME.match(text, match.end())
                and _AFTER_NAME.search(text, max(0, match.start() - 40), match.start())
            ):
                continue
            french += 1
        elif word in _ENGLISH_WORDS:
            english += 1
    return FRENCH if french >= 2 and french > english else LANGUAGE


class _Pipelines(dict[str, Language]):
    """Pipelines by language; those not used yet are loaded on first use (French)."""

    def __init__(self, loaded: Mapping[str, Language], lazy: Mapping[str, str]) -> None:
        super().__init__(loaded)
        self._lazy = dict(lazy)

    def __missing__(self, language: str) -> Language:
        if language not in self._lazy:
            raise KeyError(language)
        self[language] = load_pipeline(self._lazy.pop(language))
        return self[language]

    def languages(self) -> list[str]:
        return [*self, *self._lazy]


class PreloadedSpacyNlpEngine(SpacyNlpEngine):
    """A Presidio spaCy engine around already loaded pipelines (Presidio's own would download).

    `lazy` names pipelines loaded on first use: a French model costs nothing to a run
    whose texts are all English.
    """

    def __init__(
        self, nlp: Language, model_name: str, lazy: Mapping[str, str] | None = None
    ) -> None:
        lazy = dict(lazy or {})
        super().__init__(
            models=[
                {"lang_code": code, "model_name": name}
                for code, name in {LANGUAGE: model_name, **lazy}.items()
            ],
            ner_model_configuration=NerModelConfiguration(
                model_to_presidio_entity_mapping=dict(NER_ENTITY_MAPPING),
                labels_to_ignore=list(NER_LABELS_IGNORED),
            ),
        )
        self.nlp = _Pipelines({LANGUAGE: nlp}, lazy)

    def load(self) -> None:
        """Nothing to do: the pipeline was loaded by `load_pipeline`."""

    def get_supported_languages(self) -> list[str]:
        """Every configured language, loaded or not."""
        return self.nlp.languages()


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
    # Components NER never listens to are not even loaded: the French lemmatizer's tables
    # alone cost ~200 MiB of peak memory.
    nlp = spacy.load(model_name, exclude=list(NOT_FOR_NER))
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


def build_nlp_engine(model_name: str, french_model: str | None = None) -> PreloadedSpacyNlpEngine:
    """A Presidio NLP engine over `model_name` (English), sharing the cached pipeline, and over
    `french_model` for French text when given (loaded when the first French text comes)."""
    lazy = {FRENCH: french_model} if french_model else {}
    return PreloadedSpacyNlpEngine(load_pipeline(model_name), model_name, lazy)


def pipeline_installed(model_name: str) -> bool:
    """Whether the spaCy pipeline package `model_name` is installed (nothing is loaded)."""
    return bool(spacy.util.is_package(model_name))
