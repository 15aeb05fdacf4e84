"""A name alone in running text ("supporter of Corbyn", "Cavani has the highest…"): a capitalised
word in the middle of a sentence that is a known surname or first name (`detectors.names`) and
that the text's language rarely uses as an ordinary word.

Registered at the recall operating point only (`recall_recognizers`). "Rarely" is a Zipf
frequency below `MAX_ZIPF` in `wordfreq`'s word lists (code Apache-2.0, data CC BY-SA 4.0; read
at run time, not copied): ordinary words that are also surnames ("Suite" 4.2, "Orange" 4.6,
"Cost" 5.2) are common, most surnames are not ("Corbyn" 3.3, "Kirchhoff" 2.1). Names as common as
words ("Trump" 4.9, "Smith" 4.9) are left to spaCy and to the lead words of `person_context`.
Not at the start of a sentence or a line (unless a first name acts: "Crystal will join the
call", "Omar a dit"), not in capitals, not next to another capitalised word (a title, a company
or a place: "Daily Edge", "New Haven"), not inside a span spaCy reports (a
person, place or date; a name spaCy calls an organisation is claimed).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache

from presidio_analyzer import EntityRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from detectors.entities import PERSON
from detectors.names import fold, gazetteer
from detectors.recognizers.base import found, reported_spans

SCORE = 0.5
MAX_ZIPF = 3.8
_UPPER = "A-ZÀ-ÖØ-ÞĀ-Ž"
_LOWER = "a-zß-öø-ÿā-ž"
_WORD = re.compile(
    rf"(?<![\w@#/.'’-])[{_UPPER}][{_LOWER}]+(?:[-'’][{_UPPER}][{_LOWER}]+)?(?![\w@/-])"
)
_CAPITALISED_NEIGHBOUR = re.compile(rf"[{_UPPER}][\w'’-]*")
# What a person does right after their name opens a sentence (English and French).
_ACTS = re.compile(
    r"[ \t]+(?:will|would|can|could|should|has|had|is|was|says|said|called|emailed|approved"
    r"|asked|wants|wanted|needs|needed|joined|left|sent|paid|reported|requested|confirmed"
    r"|mentioned|wrote|told|thinks|thought|agreed|signed|phoned|texted|replied|answered|moved"
    r"|a[ \t]+(?:dit|appelé|écrit|signé|payé|demandé)|est[ \t]+(?:venu|venue|parti|partie))\b"
)
_SENTENCE_START = re.compile(r"(?:\A|[.!?:;\n\"“(\[*>-])[ \t]*\Z")


@cache
def _zipf() -> Callable[[str, str], float]:
    from wordfreq import zipf_frequency

    return zipf_frequency


def load_frequencies() -> None:
    """Read the English word list now (~0.2 s), so that forked workers inherit it."""
    _zipf()("the", "en")


class PersonSurnameRecognizer(EntityRecognizer):
    """A known name alone mid-sentence that is no ordinary word (see the module doc)."""

    def __init__(self) -> None:
        super().__init__(supported_entities=[PERSON], name="PersonSurnameRecognizer", context=[])

    def load(self) -> None:
        """Nothing: wordfreq's list is read on the first lookup."""

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        """Every lone name of the module doc."""
        names = gazetteer()
        taken = reported_spans(nlp_artifacts)
        zipf = _zipf()
        language = self.supported_language if self.supported_language in ("en", "fr") else "en"
        results = []
        for match in _WORD.finditer(text):
            start, end = match.span()
            word = match[0]
            if not names.is_name(word) or names.is_common(word) or names.is_company_word(word):
                continue
            if any(s < end and start < e for s, e in taken):
                continue
            if _SENTENCE_START.search(text, max(0, start - 4), start):
                lone = names.is_first_name(word) and bool(_ACTS.match(text, end))
            else:
                lone = not _capitalised_around(text, start, end) and (
                    zipf(fold(word), language) < MAX_ZIPF
                )
            if lone:
                results.append(found(self, PERSON, start, end, SCORE))
        return results


def _capitalised_around(text: str, start: int, end: int) -> bool:
    """Whether a capitalised word is right before or after (one blank apart)."""
    before = text[max(0, start - 30) : start]
    if before.endswith((" ", "\t")):
        words = before.split()
        previous = words[-1] if words else ""
        if _CAPITALISED_NEIGHBOUR.fullmatch(previous):
            return True
    after = text[end : end + 30]
    if after.startswith((" ", "\t")):
        words = after.split()
        if words and _CAPITALISED_NEIGHBOUR.match(words[0]):
            return True
    return False
