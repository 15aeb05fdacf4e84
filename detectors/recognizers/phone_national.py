"""Numbers written after a phone word, in any country's format (`0688 872 49 99`, `09-7625400`).

They need not parse for the default region: a run of 7-15 digits shaped like a number (groups,
brackets, `(0)`, `/`, an extension), in the same sentence as "phone", "call me", "tél.",
"portable", "appelez"... (`phone.PHONE_WORDS`), is reported at a low score.
"""

from __future__ import annotations

import re

from presidio_analyzer import Pattern, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from detectors.entities import PHONE_NUMBER
from detectors.recognizers.base import ContextPatternRecognizer
from detectors.recognizers.phone import (
    DECIMAL,
    LATIN_WORD_CHAR,
    phone_word_before,
    widen_tel_uri,
)
from detectors.validators import digits_only

# A first group (optionally "(+CC)", "+CC", "00CC"), then up to 7 more groups separated by spaces,
# dots, dashes or slashes (or nothing between brackets), then an optional extension.
_GROUP = r"\(?\d{1,12}\)?"
_FIRST = r"\(?(?:\+|00)?\d{1,15}\)?"
_SEP = r"(?:[ ./-]{1,3}|(?<=\))|(?=\())"
_EXTENSION = (
    r"(?:[ \t]?[,;]?[ \t]?(?:ext(?:ension|n)?\.?|xtn|x\.?|poste|#|доб\.?)[ \t:.]{0,2}\d{1,20}#?)"
)
_NUMBER = rf"{_FIRST}(?:{_SEP}{_GROUP}){{0,7}}"
# A date: three fields, no fourth after them ("12-34-56-78" is a number in pairs), day and month
# in range (checked by `_is_date`).
_DATE = re.compile(
    r"(?<![\d./-])(?:(?P<y>\d{4})[./-](?P<a>\d{1,2})[./-](?P<b>\d{1,2})"
    r"|(?P<c>\d{1,2})[./-](?P<d>\d{1,2})[./-]\d{2,4})(?![\d]|[./-]\d)"
)
_IP = re.compile(r"\d{1,3}(?:\.\d{1,3}){3}")
_EXTENSION_AT_END = re.compile(rf"{_EXTENSION}$", re.IGNORECASE)
_DASH_EXTENSION = re.compile(r"-\d{1,5}$")
_GROUP_START = re.compile(r"(?<=[\d)])\s+(?=[(]?\d)")  # cut points: spaces between groups


class NationalPhoneRecognizer(ContextPatternRecognizer):
    """7-15 digits shaped like a phone number, right after a phone word; not a date or an IP.

    When the run is longer ("(914)349-8600 04/21/2020"), its longest valid part up to a space
    between groups counts.
    """

    ENTITY = PHONE_NUMBER
    PATTERNS = (
        Pattern(
            "number_after_phone_word",
            rf"(?<![{LATIN_WORD_CHAR}+.@/=-]){_NUMBER}{_EXTENSION}?"
            rf"(?![{LATIN_WORD_CHAR}@]|[.,/-]\d|:\d)",
            0.1,
        ),
    )
    CONTEXT = ("phone",)  # _score uses phone.phone_word_before (whole words) instead
    NEGATIVE_CONTEXT = (
        "ticket", "order", "invoice", "ref", "case", "version", "firmware", "account", "acct",
        "compte", "commande", "facture", "ssn", "sin", "serial", "imei", "iccid", "pin",
        "passcode", "code", "card", "carte", "security", "license", "licence", "passport",
        "permis",
    )  # fmt: skip
    CONTEXT_WINDOW = 30
    CONTEXT_BOOST = 0.3

    def analyze(
        self,
        text: str,
        entities: list[str],
        nlp_artifacts: NlpArtifacts | None = None,
        regex_flags: int | None = None,
    ) -> list[RecognizerResult]:
        """Each match cut back at spaces to its longest valid part; then context."""
        results: list[RecognizerResult] = []
        for pattern, regex in self._compiled:
            for match in regex.finditer(text):
                start, end = match.span()
                cuts = [end] + [
                    start + m.start() for m in reversed(list(_GROUP_START.finditer(match[0])))
                ]
                end = next((c for c in cuts if self.validate_result(text[start:c])), None)
                if end is None:
                    continue
                score = self._score(text, start, end, pattern.score)
                if score is not None:
                    results.append(self._result(*widen_tel_uri(text, start, end), score, pattern))
        return self.remove_duplicates(results)

    def _score(
        self, text: str, start: int, end: int, base: float, required: bool | None = None
    ) -> float | None:
        """Raised by a phone word earlier in the same sentence (abbreviations do not end it);
        None without one: context is always required here."""
        if self._negative_re and self._negative_re.search(
            text, max(0, start - self.NEGATIVE_WINDOW), start
        ):
            return None
        if phone_word_before(text, start, self.CONTEXT_WINDOW):
            return min(1.0, base + self.CONTEXT_BOOST)
        return None

    def validate_result(self, pattern_text: str) -> bool:
        number = _EXTENSION_AT_END.sub("", pattern_text)
        digits = digits_only(number)
        if len(digits) > 15 and (short := _DASH_EXTENSION.sub("", number)) != number:
            number, digits = short, digits_only(short)  # "+86 20 61302222-8866": extension 8866
        return (
            7 <= len(digits) <= 15
            and number.count("(") == number.count(")")
            and not DECIMAL.fullmatch(number)
            and not any(_is_date(m) for m in _DATE.finditer(number))
            and not _IP.fullmatch(number)
        )


def _is_date(match: re.Match[str]) -> bool:
    """Whether a `_DATE` match can be a date: a month 1-12 and a day 1-31 in either order."""
    first, second = (match["a"], match["b"]) if match["y"] else (match["c"], match["d"])
    one, two = int(first), int(second)
    return (1 <= one <= 12 and 1 <= two <= 31) or (1 <= two <= 12 and 1 <= one <= 31)
