"""Capitalised names joined to a person's name ("Zorbulon and Pete", "Olivier et Marie Roux",
"Costa v Walker"): the name the model or the gazetteer did not know takes its neighbour's type.

Registered at the recall operating point only (`recall_recognizers`). An anchor is a PERSON span
of spaCy (`nlp_artifacts`) that holds a known first name or surname ("Wisdom and Discipline" are
no people even if spaCy says so), or a capitalised first name of the gazetteer; its neighbour,
across "and", "&", "or", "et", "ou", "y", "und", "v", "vs", is one or two capitalised words that
are not ordinary, stop, company or street words (`detectors.names`), not inside a place, date or
person spaCy found, and not followed by a company or street word ("Smith & Wesson Inc").
"""

from __future__ import annotations

import re

from presidio_analyzer import Pattern, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from detectors.entities import PERSON
from detectors.names import NameGazetteer, gazetteer
from detectors.recognizers.base import ContextPatternRecognizer

_UPPER = "A-ZÀ-ÖØ-ÞĀ-Ž"
_LOWER = "a-zß-öø-ÿā-ž"
_WORD = rf"[{_UPPER}][{_LOWER}]+(?:[-'’][{_UPPER}]?[{_LOWER}]+)*"
_JOIN = r"[ \t]+(?:and|&|or|et|ou|y|und|v\.?|vs\.?)[ \t]+"
_PARTICLE = r"(?:(?:de|d['’]|von|van|da|di|del)[ \t]*)?"
_RIGHT = re.compile(rf"{_JOIN}{_PARTICLE}(?P<value>{_WORD}(?:[ \t]+{_WORD})?)(?![\w@])")
_LEFT = re.compile(rf"(?<![\w@#/])(?P<value>{_WORD}(?:[ \t]+{_WORD})?){_JOIN}{_PARTICLE}\Z")
_ANCHOR_WORD = re.compile(rf"(?<![\w@#/]){_WORD}(?![\w@])")
_NEXT_WORD = re.compile(r"[ \t]+([^\W\d_]+)")
_PERSON_LABELS = frozenset({"PERSON", "PER"})
# spaCy labels we report under a type of ours: a place or a date next to a name stays one.
# Organisations are not reported: a name spaCy calls one ("Zorbulon") is claimed.
_REPORTED_LABELS = _PERSON_LABELS | {"GPE", "LOC", "FAC", "DATE", "TIME"}


class PersonCoordinatedRecognizer(ContextPatternRecognizer):
    """A capitalised name joined by a conjunction to a person's name (see the module doc)."""

    ENTITY = PERSON
    PATTERNS = (Pattern("coordinated_name", _RIGHT.pattern, 0.55),)
    FLAGS = 0

    def analyze(
        self,
        text: str,
        entities: list[str],
        nlp_artifacts: NlpArtifacts | None = None,
        regex_flags: int | None = None,
    ) -> list[RecognizerResult]:
        """The neighbours of each anchor, left and right."""
        names = gazetteer()
        doc = getattr(nlp_artifacts, "tokens", None)
        ents = [(e.start_char, e.end_char, e.label_) for e in doc.ents] if doc is not None else []
        taken = [(s, e) for s, e, label in ents if label in _REPORTED_LABELS]
        anchors = [
            (s, e)
            for s, e, label in ents
            if label in _PERSON_LABELS and any(names.is_name(w) for w in text[s:e].split())
        ]
        anchors += [
            m.span()
            for m in _ANCHOR_WORD.finditer(text)
            if names.is_first_name(m[0]) and not names.is_common(m[0])
        ]
        pattern = self.patterns[0]
        found: dict[tuple[int, int], None] = {}
        for start, end in anchors:
            right = _RIGHT.match(text, end)
            if right and _is_new_name(text, right.span("value"), names, taken):
                found[right.span("value")] = None
            left = _LEFT.search(text, max(0, start - 60), start)
            if left and _is_new_name(text, left.span("value"), names, taken):
                found[left.span("value")] = None
        return [self._result(s, e, pattern.score, pattern) for s, e in found]


def _is_new_name(
    text: str, span: tuple[int, int], names: NameGazetteer, taken: list[tuple[int, int]]
) -> bool:
    """Whether the words at `span` may be a name nothing else claims."""
    start, end = span
    if any(s < end and start < e for s, e in taken):
        return False
    words = text[start:end].split()
    if any(names.is_common(w) or names.is_company_word(w) for w in words):
        return False
    after = _NEXT_WORD.match(text, end)
    return not (after and names.is_company_word(after.group(1)))
