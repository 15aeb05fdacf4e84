"""User handles (`@jroe`, `@ Maronti`, Reddit's `u/jroe`) as PERSON: an account name identifies
its holder.

Registered at the recall operating point only (`recall_recognizers`). The handle is a letter or
`_` then letters, digits or `_` (30 at most), right after an `@` that does not end a word (so not
the `@` of an e-mail or a SIP URI), with one space at most between them, as tokenised text writes
it (`RT @ jroe :`). Not a handle: a word that is an ordinary word or a stop word ("@ home",
"@the prompts": `@` for "at"), a domain (`@ sms.example.net`), a lower-case word after a spaced
`@` unless a `:` follows it or it opens a retweet or the text ("r @ home", "@ one gbp"). Over-
masking a company's handle is accepted at this operating point.
"""

from __future__ import annotations

import re

from presidio_analyzer import Pattern, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from detectors.entities import PERSON
from detectors.names import gazetteer
from detectors.recognizers.base import ContextPatternRecognizer

_HANDLE = (
    r"(?<![\w@.+/:-])@(?P<space>[ \t]?)(?P<value>[A-Za-z_][A-Za-z0-9_]{1,29})"
    r"(?![\w@]|[.-][A-Za-z0-9])"
)
# Reddit user names: "u/jroe", "/u/jroe", "u / jroe" as tokenised text writes it.
_REDDIT = r"(?<![\w/@.-])/?u[ \t]?/[ \t]?(?P<value>[A-Za-z0-9_-]{3,20})(?![\w@/]|[.-][A-Za-z0-9])"
# A spaced lower-case handle counts where handles are listed: "RT @ jroe", "@ a @ b", or ": …"
_OPENS = re.compile(r"(?:^|\bRT|@[A-Za-z0-9_]+|[\n:])[ \t]*$", re.IGNORECASE)
_COLON_AFTER = re.compile(r"[ \t]*:")


class HandleRecognizer(ContextPatternRecognizer):
    """`@` followed by an account name (see the module doc)."""

    ENTITY = PERSON
    PATTERNS = (Pattern("handle", _HANDLE, 0.5), Pattern("reddit_user", _REDDIT, 0.5))
    FLAGS = 0

    def analyze(
        self,
        text: str,
        entities: list[str],
        nlp_artifacts: NlpArtifacts | None = None,
        regex_flags: int | None = None,
    ) -> list[RecognizerResult]:
        """Every handle in `text`, the `@` included."""
        names = gazetteer()
        pattern, regex = self._compiled[0]
        reddit_pattern, reddit = self._compiled[1]
        results = [
            self._result(m.start(), m.end(), reddit_pattern.score, reddit_pattern)
            for m in reddit.finditer(text)
            if "/" in text
        ]
        for match in regex.finditer(text):
            word = match.group("value")
            if names.is_common(word.strip("_")):
                continue
            if (
                match.group("space")
                and word.islower()
                and not (
                    _COLON_AFTER.match(text, match.end())
                    or _OPENS.search(text, max(0, match.start() - 40), match.start())
                )
            ):
                continue
            results.append(self._result(match.start(), match.end(), pattern.score, pattern))
        return results
