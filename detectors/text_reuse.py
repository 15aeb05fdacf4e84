"""NER results reused: a text's spaCy entities, remembered, stand in for running NER again.

A `Doc` rebuilt from remembered entities is what the pipeline would give: the same tokenizer,
the entities set exactly as NER set them (every label, not only those we report: recognizers read
ORG and FAC to veto names), and the pipeline's other components (our lemmas) run on it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from detectors.text_cache import Entities

if TYPE_CHECKING:
    from presidio_analyzer.nlp_engine import NlpArtifacts, SpacyNlpEngine
    from spacy.language import Language
    from spacy.tokens import Doc

NER_COMPONENT = "ner"


def entities_of(doc: Doc) -> Entities:
    """Every entity of `doc`, as character offsets and spaCy label."""
    return tuple((e.start_char, e.end_char, e.label_) for e in doc.ents)


def restored_artifacts(
    engine: SpacyNlpEngine, text: str, entities: Entities, language: str
) -> NlpArtifacts:
    """Presidio's NLP artifacts of `text` with `entities` instead of a NER run.

    Should an entity not fall on token boundaries (a pipeline changed under the same name), the
    text goes through the whole pipeline instead.
    """
    nlp = engine.get_nlp(language)
    doc = nlp.make_doc(text)
    spans = [doc.char_span(start, end, label=label) for start, end, label in entities]
    if any(span is None for span in spans):
        return engine.process_text(text, language)
    doc.ents = spans
    skipped = _ner_parts(nlp)
    for name, component in nlp.pipeline:
        if name not in skipped:
            doc = component(doc)
    # Presidio's own conversion, as `process_batch` applies it to each Doc it makes.
    return engine._doc_to_nlp_artifact(doc, language)


def _ner_parts(nlp: Language) -> frozenset[str]:
    """NER and the embedding layers it listens to: what a remembered entity list replaces."""
    return frozenset(
        {NER_COMPONENT}
        | {
            name
            for name, pipe in nlp.pipeline
            if NER_COMPONENT in (getattr(pipe, "listening_components", None) or ())
        }
    )
