"""Shared machinery for our pattern recognizers: patterns + validation + nearby context words.

Presidio's `PatternRecognizer` lifts a validated match to score 1.0 and leaves context to the
lemma enhancer, which looks five tokens back. Telecom entities need finer control: a PIN counts
only with "pin"/"voicemail" right before it; a 15-digit Luhn number is an IMEI only near "imei".
Subclasses are data: `ENTITY`, `PATTERNS`, `CONTEXT` and optionally `validate_result`.
"""

from __future__ import annotations

import re
from types import ModuleType
from typing import ClassVar

from presidio_analyzer import EntityRecognizer, Pattern, PatternRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from detectors.nlp import NER_ENTITY_MAPPING

_SENTENCE_END = re.compile(r"[.!?]\s|\n")
VALUE_GROUP = "value"  # a pattern may mark the entity inside a larger match: (?P<value>...)


class ContextPatternRecognizer(PatternRecognizer):
    """A pattern recognizer whose score depends on validation and on words just before the match.

    Score: the pattern's score, plus `CONTEXT_BOOST` when one of `CONTEXT` occurs within
    `CONTEXT_WINDOW` characters before (or `CONTEXT_AFTER` after) the match. With
    `CONTEXT_REQUIRED`, matches without context are dropped (only those of the patterns named
    in `CONTEXT_REQUIRED_FOR`, when given); with `NEGATIVE_CONTEXT` words (e.g. "order") right
    before, they are dropped. `validate_result` returning False drops a match.
    """

    ENTITY: ClassVar[str]
    PATTERNS: ClassVar[tuple[Pattern, ...]]
    CONTEXT: ClassVar[tuple[str, ...]] = ()
    NEGATIVE_CONTEXT: ClassVar[tuple[str, ...]] = ()
    CONTEXT_REQUIRED: ClassVar[bool] = False
    # names of the patterns that need context when CONTEXT_REQUIRED is False: a formatted SIN
    # stands alone, nine bare digits do not
    CONTEXT_REQUIRED_FOR: ClassVar[frozenset[str]] = frozenset()
    # context words must end at a word end too: "sin" is not "since", "nas" is not "nasty"
    CONTEXT_WHOLE_WORDS: ClassVar[bool] = False
    CONTEXT_WINDOW: ClassVar[int] = 40
    CONTEXT_AFTER: ClassVar[int] = 0
    NEGATIVE_WINDOW: ClassVar[int] = 20
    CONTEXT_BOOST: ClassVar[float] = 0.35
    CONTEXT_IN_SENTENCE: ClassVar[bool] = False  # ignore context words before a sentence end
    FLAGS: ClassVar[int] = re.IGNORECASE
    # The module that compiles `PATTERNS`: `re`, or `regex` where its matcher is much faster on
    # long alternations (street types). Their one difference that matters here: `regex`'s `\w`
    # is Unicode's word class, so "½" and superscript digits are not word characters.
    ENGINE: ClassVar[ModuleType] = re

    def __init__(self) -> None:
        super().__init__(
            supported_entity=self.ENTITY,
            name=type(self).__name__,
            patterns=[Pattern(p.name, p.regex, p.score) for p in self.PATTERNS],
            context=list(self.CONTEXT),
            global_regex_flags=self.FLAGS,
        )
        self._compiled = [(p, self.ENGINE.compile(p.regex, self.FLAGS)) for p in self.patterns]
        self._context_re = _words_regex(self.CONTEXT, self.CONTEXT_WHOLE_WORDS)
        self._negative_re = _words_regex(self.NEGATIVE_CONTEXT)

    def analyze(
        self,
        text: str,
        entities: list[str],
        nlp_artifacts: NlpArtifacts | None = None,
        regex_flags: int | None = None,
    ) -> list[RecognizerResult]:
        """Find, validate and score matches; context is applied here, not by Presidio."""
        results: list[RecognizerResult] = []
        for pattern, regex in self._compiled:
            for match in regex.finditer(text):
                group = VALUE_GROUP if VALUE_GROUP in regex.groupindex else 0
                start, end = match.span(group)
                if start >= end or self.validate_result(text[start:end]) is False:
                    continue
                required = self.CONTEXT_REQUIRED or pattern.name in self.CONTEXT_REQUIRED_FOR
                score = self._score(text, start, end, pattern.score, required)
                if score is not None:
                    results.append(self._result(start, end, score, pattern))
        return self.remove_duplicates(results)

    def _score(
        self, text: str, start: int, end: int, base: float, required: bool | None = None
    ) -> float | None:
        """`base` raised by context, or None to drop the match; `required` defaults to
        `CONTEXT_REQUIRED`."""
        required = self.CONTEXT_REQUIRED if required is None else required
        if self._negative_re and self._negative_re.search(
            text, max(0, start - self.NEGATIVE_WINDOW), start
        ):
            return None
        window_start = max(0, start - self.CONTEXT_WINDOW)
        if self.CONTEXT_IN_SENTENCE:
            ends = [m.end() for m in _SENTENCE_END.finditer(text, window_start, start)]
            window_start = ends[-1] if ends else window_start
        before = self._context_re and self._context_re.search(text, window_start, start)
        after = (
            self._context_re
            and self.CONTEXT_AFTER
            and self._context_re.search(text, end, end + self.CONTEXT_AFTER)
        )
        if before or after:
            return min(1.0, base + self.CONTEXT_BOOST)
        return None if required else base

    def _result(self, start: int, end: int, score: float, pattern: Pattern) -> RecognizerResult:
        explanation = self.build_regex_explanation(
            self.name, pattern.name, pattern.regex, score, None, self.FLAGS
        )
        return RecognizerResult(
            entity_type=self.ENTITY,
            start=start,
            end=end,
            score=score,
            analysis_explanation=explanation,
            recognition_metadata={
                RecognizerResult.RECOGNIZER_NAME_KEY: self.name,
                RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
                # Our context is already applied: Presidio's enhancer must not add it twice.
                RecognizerResult.IS_SCORE_ENHANCED_BY_CONTEXT_KEY: True,
            },
        )


def _words_regex(words: tuple[str, ...], whole: bool = False) -> re.Pattern[str] | None:
    """Words as prefixes at a word start ("call" matches "called"), or as whole words when
    `whole`; case-insensitive."""
    if not words:
        return None
    alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    end = r"(?![^\W_])" if whole else ""
    return re.compile(rf"(?<![^\W_])(?:{alternatives}){end}", re.IGNORECASE)


class TextGate:
    """Mixin for a Presidio pattern recognizer: `analyze` returns nothing at once for a text that
    fails `passes`, a condition every match of its patterns meets (so results are the same)."""

    def passes(self, text: str) -> bool:
        raise NotImplementedError

    def analyze(
        self,
        text: str,
        entities: list[str],
        nlp_artifacts: NlpArtifacts | None = None,
        regex_flags: int | None = None,
    ) -> list[RecognizerResult]:
        if not self.passes(text):
            return []
        return super().analyze(text, entities, nlp_artifacts, regex_flags)  # type: ignore[misc]


def found(
    recognizer: EntityRecognizer, entity: str, start: int, end: int, score: float
) -> RecognizerResult:
    """A result of `recognizer` with its name and id in the metadata, as Presidio's analyzer and
    `detectors.text` read them (for recognizers that do not build results from a `Pattern`)."""
    return RecognizerResult(
        entity, start, end, score,
        recognition_metadata={
            RecognizerResult.RECOGNIZER_NAME_KEY: recognizer.name,
            RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: recognizer.id,
        },
    )  # fmt: skip


def reported_spans(nlp_artifacts: NlpArtifacts | None) -> list[tuple[int, int]]:
    """The character spans of the entities spaCy found that we report (a person, a place, a
    date: `nlp.NER_ENTITY_MAPPING`); organisations and the like are not among them."""
    doc = getattr(nlp_artifacts, "tokens", None)
    ents = doc.ents if doc is not None else ()
    return [(e.start_char, e.end_char) for e in ents if e.label_ in NER_ENTITY_MAPPING]
