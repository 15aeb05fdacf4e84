"""Lower-case first names after the words that introduce a person: "talked to john", "hi mike",
"ask carlos", "my wife sarah roe", "merci julie".

Registered at the recall operating point only (`recall_recognizers`): people write names in lower
case in chats and tweets, and the precision point reports a lower-case name only after "my name
is" (`person_gazetteer`). The name is a Census or French first name (`detectors.names`) that is
not also an ordinary word, a month or a day, maybe followed by a lower-case surname.
"""

from __future__ import annotations

import re

from presidio_analyzer import Pattern, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from detectors.entities import PERSON
from detectors.names import gazetteer, words
from detectors.recognizers.base import ContextPatternRecognizer
from detectors.recognizers.person_context import raise_uncased

_LOWER = r"[a-zß-öø-ÿ]+(?:[-'’][a-zß-öø-ÿ]+)*"
_WORD = re.compile(rf"(?<![^\W\d_@#])(?P<value>{_LOWER})(?![^\W\d_])")
# What comes right before a name in chats and tickets: contact verbs, greetings, relatives and
# the prepositions that follow "spoke", "came", "went" (English and French).
_LEAD = re.compile(
    r"(?i:\b(?:(?:talk(?:ed)?|speak|spoke|speaking|chat(?:ted)?|met|meet|meeting|call(?:ed)?"
    r"|text(?:ed)?|e-?mail(?:ed)?|ask(?:ed)?|tell|told|thank(?:s|ed)?|thx|hi|hey|hello|dear"
    r"|with|from|to|by|for|and|or|cc|my[ \t]+(?:wife|husband|son|daughter|friend|partner|mom"
    r"|mum|dad|brother|sister|boss|colleague|roommate|tenant|landlord)"
    r"|avec|à|et|merci|bonjour|salut|parlé|appelé|demandé|(?:mon|ma)[ \t]+(?:femme|mari|fils"
    r"|fille|ami|amie|frère|soeur|sœur|collègue))))[ \t]+$"
)
_CALENDAR = words(
    "january february march april may june july august september october november december "
    "monday tuesday wednesday thursday friday saturday sunday"
)


class PersonLowerRecognizer(ContextPatternRecognizer):
    """A lower-case first name right after a lead word (see the module doc)."""

    ENTITY = PERSON
    PATTERNS = (Pattern("lower_after_word", _WORD.pattern, 0.6),)
    FLAGS = 0

    def analyze(
        self,
        text: str,
        entities: list[str],
        nlp_artifacts: NlpArtifacts | None = None,
        regex_flags: int | None = None,
    ) -> list[RecognizerResult]:
        """Names found; scored above spaCy's uncased spans (`raise_uncased`)."""
        names = gazetteer()
        pattern, regex = self._compiled[0]
        results = []
        for match in regex.finditer(text):
            word = match.group("value")
            if word in _CALENDAR or not names.is_first_name(word) or names.is_common(word):
                continue
            if not _LEAD.search(text, max(0, match.start() - 40), match.start()):
                continue
            end = match.end()
            after = regex.match(text, end + 1) if text[end : end + 1] == " " else None
            if (
                after
                and names.is_surname(after.group("value"))
                and not names.is_common(after.group("value"))
            ):
                end = after.end()
            results.append(self._result(match.start(), end, pattern.score, pattern))
        return raise_uncased(results, text)
