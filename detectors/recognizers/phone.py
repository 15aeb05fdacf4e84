"""Phone numbers as people write them across the world, found with libphonenumber's matcher."""

from __future__ import annotations

import re

import phonenumbers
from phonenumbers import Leniency, PhoneNumberMatcher
from presidio_analyzer import Pattern, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from detectors.entities import PHONE_NUMBER
from detectors.recognizers.base import ContextPatternRecognizer

# Cheap gate before the (pure Python) matcher: 7 digits, each at most 3 characters from the next
# (any characters: full-width brackets and dashes too).
_CANDIDATE = r"\d(?:\D{0,3}\d){6}"
# Not inside a word, an id ("ORD-"), a decimal, an e-mail or a URL path; not followed by a word,
# an e-mail, more digits after a dot/comma/dash (uniqueids such as 1700000000.1234) or "-A".
# Latin letters only: Chinese or Japanese text runs words and numbers together ("号是+1 541…").
LATIN_WORD_CHAR = r"0-9A-Za-z\u00c0-\u024f_"
_BAD_BEFORE = re.compile(rf"[{LATIN_WORD_CHAR}+.@/=-]")
_BAD_AFTER = re.compile(rf"[{LATIN_WORD_CHAR}@]|[.,/-][^\W_]")
# International dialling prefixes written instead of "+": 00 (most of the world), 011 (North
# America), 0011 (Australia). Rewritten to "+" (same length) before matching.
_IDD = re.compile(r"(?<![\w+)])(?<!\d[ ./-])(?:0011|011|00)[ .-]?(?=[1-9])")  # a number's start
# North-American grouping with brackets or separators: a phone even when the area code is unused.
_NANP_SHAPE = re.compile(
    r"(?:\+?1[ .-]?)?(?:\(\d{3}\)[ .-]?|\d{3}([ .-]))\d{3}(?(1)\1|[ .-])\d{4}\b"
)
# Words that say "a phone number follows": English and French, and the common word in a few
# other languages. Whole words ("tel" must not match "tell" or "telecom"), except in Chinese and
# Japanese, which do not separate words.
PHONE_WORDS = re.compile(
    r"(?<![^\W_])(?:tel|tél|telephone|téléphone|phones?|cell(?:phone|ular)?|mobile|mob|"
    r"portable|fax|whatsapp|call(?:ed|ing)?|ring|dial|text(?:ed)?|sms|reach(?:ed)? me|"
    r"appel(?:ez|er|le|lez)?|rappel(?:ez|er|le|lez)?|joindre|number is|numéro|num|"
    r"contact(?: me)?|callback|voicemail|"
    r"telefon[eo]?|teléfono|telefoon|celular|cellulare|handy|móvil|ligue|llame)(?![^\W_])"
    r"|电话|電話|手机|手機|传真|फोन|फ़ोन",
    re.IGNORECASE,
)

# A sentence ends at ". " — except after the abbreviations "Tel. ", "Tél. ", "Ph. ", "Mob. ".
_SENTENCE_END = re.compile(r"(?<!\btel)(?<!\btél)(?<!\bph)(?<!\bmob)[.!?]\s|\n", re.IGNORECASE)

DECIMAL = re.compile(r"\d+[.,]\d+")  # "69866.18" is an amount, not a number in two groups
_TEL_PARAMS = re.compile(r"(?:;[\w.+-]+(?:=[\w.+-]*)?)+")

_VALID_SCORE = 0.5
_POSSIBLE_SCORE = 0.4


class PhoneRecognizer(ContextPatternRecognizer):
    """Numbers libphonenumber's `PhoneNumberMatcher` finds, over the regions plausible for the
    text: `default_region` plus the region of every `+CC` number in it.

    A match counts when it is a valid number; or a possible one (right length for its country)
    written with `+`/`00`/`011`, in North-American grouping (`(898)666-3621`), with an extension,
    or after a phone word. Extensions (`x`, `ext.`, `#`) and trunk prefixes (`+41 (0)44…`) are
    part of the match. Ids ("order", "uniqueid") and numbers glued to words are not.
    """

    ENTITY = PHONE_NUMBER
    PATTERNS = (Pattern("digit_run", _CANDIDATE, _VALID_SCORE),)  # the gate; matches come below
    CONTEXT = ("phone",)  # PHONE_WORDS below does the work
    # Ids that happen to parse as numbers.
    NEGATIVE_CONTEXT = ("order", "invoice", "ticket #", "ref", "uniqueid", "timestamp", "epoch")
    NEGATIVE_WINDOW = 12

    def __init__(self, default_region: str = "US") -> None:
        self.default_region = default_region
        super().__init__()
        self._gate = re.compile(_CANDIDATE)

    def analyze(
        self,
        text: str,
        entities: list[str],
        nlp_artifacts: NlpArtifacts | None = None,
        regex_flags: int | None = None,
    ) -> list[RecognizerResult]:
        """Matches over the default region and each `+CC` region found, first one wins."""
        if not self._gate.search(text):
            return []
        work, prefix_starts = _plus_for_idd(text)
        regions = [self.default_region]
        spans: dict[tuple[int, int], float] = {}
        for region in regions:  # grows while +CC numbers reveal other countries
            for match in PhoneNumberMatcher(work, region, leniency=Leniency.POSSIBLE):
                start = prefix_starts.get(match.start, match.start)
                international = start != match.start or match.raw_string.lstrip("(").startswith("+")
                if international:
                    cc_region = phonenumbers.region_code_for_country_code(match.number.country_code)
                    if cc_region not in ("ZZ", "001") and cc_region not in regions:
                        regions.append(cc_region)
                score = self._score_match(text, start, match, international)
                if score is not None and not any(s < match.end and start < e for (s, e) in spans):
                    spans[widen_tel_uri(text, start, match.end)] = score
        pattern = self.patterns[0]
        return [self._result(s, e, score, pattern) for (s, e), score in sorted(spans.items())]

    def _score_match(
        self, text: str, start: int, match: phonenumbers.PhoneNumberMatch, international: bool
    ) -> float | None:
        end = match.end
        # "ORD-5145550199" is an id; "#Name#-(123) 456-7890" and "OFFICE-1(516)733-3989" are
        # numbers: a dash before a number written in groups does not glue it to a word.
        if start > 0 and text[start] != "(" and _BAD_BEFORE.match(text, start - 1):
            grouped = not match.raw_string.isdigit()
            if not (text[start - 1] == "-" and grouped):
                return None
        if _BAD_AFTER.match(text, end) or DECIMAL.fullmatch(match.raw_string):
            return None
        if self._negative_re and self._negative_re.search(
            text, max(0, start - self.NEGATIVE_WINDOW), start
        ):
            return None
        context = phone_word_before(text, start, self.CONTEXT_WINDOW)
        if phonenumbers.is_valid_number(match.number):
            base = _VALID_SCORE
        elif len(str(match.number.national_number)) < 7:
            return None  # short codes and amounts ("£1250") are possible numbers somewhere
        elif (
            international
            or context
            or match.number.extension
            or _NANP_SHAPE.match(match.raw_string)
        ):
            base = _POSSIBLE_SCORE
        else:
            return None
        return min(1.0, base + self.CONTEXT_BOOST) if context else base


def widen_tel_uri(text: str, start: int, end: int) -> tuple[int, int]:
    """The whole `tel:` URI (RFC 3966) around a number found in one: `tel:` and `;params`."""
    if text[max(0, start - 4) : start].lower() != "tel:":
        return start, end
    params = _TEL_PARAMS.match(text, end)
    return start - 4, params.end() if params else end


def phone_word_before(text: str, start: int, window: int) -> bool:
    """A phone word (`PHONE_WORDS`) within `window` characters before `start`, in its sentence."""
    window_start = max(0, start - window)
    ends = [m.end() for m in _SENTENCE_END.finditer(text, window_start, start)]
    return bool(PHONE_WORDS.search(text, ends[-1] if ends else window_start, start))


def _plus_for_idd(text: str) -> tuple[str, dict[int, int]]:
    """`text` with each international prefix (and its separator) replaced by spaces and a `+`,
    so offsets do not move; and, for each such `+`, where its prefix started."""
    starts: dict[int, int] = {}

    def plus(match: re.Match[str]) -> str:
        starts[match.end() - 1] = match.start()
        return " " * (len(match.group()) - 1) + "+"

    return _IDD.sub(plus, text), starts
