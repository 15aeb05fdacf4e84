"""Phone numbers with letters on the keypad (`1-800-FLOWERS`, `0800 ZAP 123`, `1866 go-radio`)
and `tel:` URIs (RFC 3966) whatever the number inside (`tel:7042;phone-context=example.com`).

libphonenumber's matcher skips numbers written with letters; its parser reads them (letters
mapped to keypad digits when there are at least three). A run of digit and letter groups is cut
at group ends to its part that parses as a valid number: for the default region,
or, after a phone word (`phone.PHONE_WORDS`), for any region. Letters in lower case count only
after a phone word ("call 1866 go-radio"); three letters at least ("2 PM" is no number), at
most seven digits before them, and the number must be of a kind sold with words on it (toll-free,
premium, shared-cost, personal, UAN).
"""

from __future__ import annotations

import re
from functools import lru_cache

import phonenumbers
from presidio_analyzer import Pattern, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from detectors.entities import PHONE_NUMBER
from detectors.recognizers.base import ContextPatternRecognizer
from detectors.recognizers.phone import LATIN_WORD_CHAR, phone_word_before

# A prefix ("+1", "1-", "00", "(0)"), a first group of digits, then groups of digits or letters
# joined by one space, dot or dash. Letters must follow a group of three digits or more.
_LETTERS = re.compile(r"[A-Za-z]")
_VANITY = re.compile(
    rf"(?<![{LATIN_WORD_CHAR}+.@/=$£€¥-])(?:\+|00|011)?(?:\d[ -]?)?\(?\d{{3,4}}\)?"
    r"(?:[ .-]?(?:[A-Za-z]{2,10}|\d{1,4}))+"
    rf"(?![{LATIN_WORD_CHAR}@])"
)
_GROUP_END = re.compile(r"(?<=[\dA-Za-z])(?=[ .-])")
_LOWER_WORD = re.compile(r"[ .-][a-z]")
_IDD = re.compile(r"^(?:0011|011|00)(?=[1-9])")  # an international prefix, read as "+"
# A whole tel: URI, its number and parameters ("tel:863-1234;phone-context=+1-914-555").
_TEL_URI = re.compile(
    r"(?<![\w.-])tel:[+]?[\d().-]*\d[\d().-]*(?:;[\w.+%-]+(?:=[\w.+%-]*)?)*", re.IGNORECASE
)
_VALID_SCORE = 0.5
# Numbers sold with words on them: toll-free, premium, shared-cost, personal and universal access
# numbers. A geographic or mobile number with letters after it is a number and a word ("9208
# COUNTY LINE RD", "call 0906… now").
_VANITY_TYPES = frozenset(
    {
        phonenumbers.PhoneNumberType.TOLL_FREE,
        phonenumbers.PhoneNumberType.PREMIUM_RATE,
        phonenumbers.PhoneNumberType.SHARED_COST,
        phonenumbers.PhoneNumberType.PERSONAL_NUMBER,
        phonenumbers.PhoneNumberType.UAN,
    }
)
# For a region not given, the number is written with its trunk prefix or country code ("0800 DDA
# 005"): it starts with 0, 1 or +, its letters are capitals, and it has ten digits at least once
# the letters are read ("with 100 FREE texts" is a short number somewhere; "numéro … 1.000
# francs" an amount).
_MIN_FOREIGN_DIGITS = 10
# Letters stand for the last digits: at most 7 digits before the first letter.
_MAX_DIGITS_BEFORE_LETTERS = 7
_MIN_LETTERS = 3  # libphonenumber reads letters as digits from three on


class VanityPhoneRecognizer(ContextPatternRecognizer):
    """Numbers written with keypad letters, valid once the letters are read as digits; and
    every `tel:` URI."""

    ENTITY = PHONE_NUMBER
    PATTERNS = (
        Pattern("vanity", _VANITY.pattern, _VALID_SCORE),
        Pattern("tel_uri", _TEL_URI.pattern, 0.6),
    )
    CONTEXT = ("phone",)  # phone.phone_word_before does the work
    NEGATIVE_CONTEXT = ("order", "invoice", "ref", "ticket #", "serial", "model")
    CONTEXT_BOOST = 0.35
    FLAGS = 0

    def __init__(self, default_region: str = "US") -> None:
        self.default_region = default_region
        super().__init__()

    def analyze(
        self,
        text: str,
        entities: list[str],
        nlp_artifacts: NlpArtifacts | None = None,
        regex_flags: int | None = None,
    ) -> list[RecognizerResult]:
        """Vanity runs cut back to a valid number; tel: URIs as they stand."""
        results: list[RecognizerResult] = []
        lower = text.lower()
        if "tel:" in lower:
            pattern = self.patterns[1]
            for match in _TEL_URI.finditer(text):
                results.append(self._result(*match.span(), pattern.score, pattern))
        if _LETTERS.search(text) is None:
            return results
        pattern = self.patterns[0]
        for match in _VANITY.finditer(text):
            start = match.start()
            if self._negative_re and self._negative_re.search(
                text, max(0, start - self.NEGATIVE_WINDOW), start
            ):
                continue
            context = phone_word_before(text, start, self.CONTEXT_WINDOW)
            end = self._valid_end(match[0], context)
            if end is None:
                continue
            score = min(1.0, _VALID_SCORE + self.CONTEXT_BOOST) if context else _VALID_SCORE
            results.append(self._result(start, start + end, score, pattern))
        return self.remove_duplicates(results)

    def _valid_end(self, run: str, context: bool) -> int | None:
        """Where the number in `run` ends: cut at a group end, three letters at least (upper
        case unless `context`). First the shortest part valid for the default region (the
        parser ignores a word too many: "1-800-FIX-MYTV for"); then, after a phone word, the
        longest part valid for some region (capitals only). A run whose letters start in upper
        case ends before a word in lower case ("0800 ZAP 123 now")."""
        first = _LETTERS.search(run)
        if first is None or sum(c.isdigit() for c in run[: first.start()]) > (
            _MAX_DIGITS_BEFORE_LETTERS
        ):
            return None
        if first[0].isupper():
            lower = _LOWER_WORD.search(run)
            run = run[: lower.start()] if lower else run
        cuts = [m.start() for m in _GROUP_END.finditer(run)] + [len(run)]
        cuts = [c for c in cuts if len(_LETTERS.findall(run[:c])) >= _MIN_LETTERS]
        if not cuts or (not context and any(c.islower() for c in run[: cuts[-1]])):
            return None
        for cut in cuts:
            if _valid(_IDD.sub("+", run[:cut]), self.default_region, any_region=False):
                return cut
        foreign = context and run[0] in "01+(" and not any(c.islower() for c in run)
        if foreign and len(_digits_of(run)) >= _MIN_FOREIGN_DIGITS:
            for cut in reversed(cuts):
                part = run[:cut]
                if len(_digits_of(part)) >= _MIN_FOREIGN_DIGITS and _valid(
                    part, self.default_region, any_region=True
                ):
                    return cut
        return None


def _digits_of(number: str) -> str:
    """The digits of `number`, letters read on the keypad."""
    return phonenumbers.convert_alpha_characters_in_number(re.sub(r"[^\dA-Za-z]", "", number))


@lru_cache(maxsize=4096)
def _valid(number: str, region: str, any_region: bool) -> bool:
    """Whether `number` parses as a valid number for `region`, or, with `any_region`, for some
    region (a national number's country is not written)."""
    regions = [region]
    if any_region:
        regions += sorted(phonenumbers.SUPPORTED_REGIONS - {region})
    for candidate in regions:
        try:
            parsed = phonenumbers.parse(number, candidate)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(parsed):
            return phonenumbers.number_type(parsed) in _VANITY_TYPES
        if number.startswith("+"):
            return False  # the country is written: no other region reads it otherwise
    return False
