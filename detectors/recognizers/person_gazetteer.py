"""People found by their names: a Census first name next to capitalised words, record-style names.

The name lists are `detectors.names` (US Census 1990 names plus French first names). Shapes:
- `first_then_name` (0.6): a first name, then 1-3 capitalised or upper-case words, initials or
  particles ("Guillaume Caron", "Étienne-Georges Desrochers", "Emmanuel DESOLES de LOU"); in
  upper case ("JANE ROE") only known names, since shouting is not a name ("JANE WANTS");
- `first_alone` (0.55): a capitalised first name on its own ("Him and Alan can…");
- `record` (0.6): `SURNAME, FIRST [M]` as records write it ("RUSH, WILLIE H", "ROE, Jane"), the
  surname in upper case or a known one ("Roe, Jane");
- `whole_text` (0.6, one surname alone 0.55): a text that is nothing but a name ("VALERY",
  "Ms. Jane A. Roe", "leonard allen gail"): a contact cell;
- `lower_after_lead` (0.6): a lower-case first name after "my name is", "je m'appelle"…

Words that are also ordinary words ("Will", "Grace", "May", "Street") never count as names;
names next to a street or company word are a street's or a company's ("Avenue Aristide Briand",
"Elizabeth Meyer School"); a name that spaCy tagged as a place (standing alone, or an
organisation) is left to spaCy.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from presidio_analyzer import Pattern, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from detectors.entities import PERSON
from detectors.names import NameGazetteer, fold, gazetteer, words
from detectors.recognizers.base import ContextPatternRecognizer
from detectors.recognizers.city_region import CA_PROVINCES, US_STATES
from detectors.recognizers.person_context import raise_uncased

_UP = "A-ZÀ-ÖØ-ÞĀĂĄĆĈĊČĎĐĒĖĘĚĜĞĠĢĤĦĨĪĮİĴĶĹĻĽĿŁŃŅŇŊŌŎŐŒŔŖŘŚŜŞŠŢŤŦŨŪŬŮŰŲŴŶŸŹŻŽ"
# A capitalised word ("Étienne-Georges", "O'Brien", "McDonald") or an upper-case one ("DESOLES").
_CAP = rf"[{_UP}](?:[a-zß-öø-ÿā-ž]|['’][{_UP}])[^\W\d_]*(?:[-'’][^\W\d_]+)*"
_UPPER = rf"[{_UP}](?:['’]?[{_UP}])+(?:-[{_UP}]{{2,}})*"
_LOWER = r"[a-zß-öø-ÿā-ž]+(?:[-'’][a-zß-öø-ÿā-ž]+)*"
_TOKEN = re.compile(
    rf"(?<![^\W\d_])(?:(?P<cap>{_CAP})|(?P<upper>{_UPPER})|(?P<initial>[{_UP}]\.?)"
    rf"|(?P<lower>{_LOWER}))(?![^\W\d_])"
)
_PARTICLES = words(
    "da de del della des di do dos du la le van von der den ten ter bin ibn al st ste mc mac "
    "dela"
)  # fmt: skip
_SUFFIXES = words("jr sr ii iii iv md phd esq dds rn cpa")
_TITLES = words("mr mrs ms mx miss dr drs prof rev sir mme mlle m me monsieur madame mademoiselle")
_BLANK = re.compile(r"[ \t]+")
_COMMA = re.compile(r"[ \t]*,[ \t]*")
_WHOLE_MAX_CHARS = 60
_WHOLE_MAX_TOKENS = 6
_WHOLE_SEPARATOR = re.compile(r"[ \t,&()'\"‘’“”.]*")
_LEAD = re.compile(
    r"(?i:\b(?:my[ \t]+name[ \t]+is|my[ \t]+name['’]s|name[ \t]+is|i[ \t]+am|i['’]m|this[ \t]+is"
    r"|je[ \t]+m['’][ \t]*appelle|mon[ \t]+nom[ \t]+(?:est|c['’]est)"
    r"|(?:account|card)[ \t]*holder(?:[ \t]+name)?[ \t]*(?:is|:)|name[ \t]*:|nom[ \t]*:))"
    r"[ \t]+$"
)
_HAS_TITLE_CASE = re.compile(rf"(?<![^\W\d_])[{_UP}][a-zß-öø-ÿā-ž]")
_CONNECTORS = frozenset({"and", "et", "y", "und"})
_REGION_CODES = frozenset(CA_PROVINCES.split("|")) | frozenset(US_STATES.split("|"))
# spaCy labels that make a capitalised first name something else: a place, or a company.
_PLACE_LABELS = frozenset({"GPE", "LOC", "FAC", "LOCATION"})
_THING_LABELS = _PLACE_LABELS | {"ORG", "NORP", "PRODUCT", "EVENT", "WORK_OF_ART", "LANGUAGE"}


class PersonGazetteerRecognizer(ContextPatternRecognizer):
    """Names told apart by the Census name lists, capitalisation and record layout."""

    ENTITY = PERSON
    # The shapes, by name, with their scores; the matching is done in code (see the module doc).
    PATTERNS = (
        Pattern("first_then_name", _CAP, 0.6),
        Pattern("first_alone", _CAP, 0.55),
        Pattern("record", _CAP, 0.6),
        Pattern("whole_text", _CAP, 0.6),
        Pattern("surname_alone", _CAP, 0.55),
        Pattern("lower_after_lead", _LOWER, 0.6),
    )
    FLAGS = 0

    def analyze(
        self,
        text: str,
        entities: list[str],
        nlp_artifacts: NlpArtifacts | None = None,
        regex_flags: int | None = None,
    ) -> list[RecognizerResult]:
        """Names in `text`; spaCy's entities in `nlp_artifacts`, when given, veto places."""
        names = gazetteer()
        tokens = [(m.start(), m.end(), m.lastgroup or "") for m in _TOKEN.finditer(text)]
        things = _ner_spans(nlp_artifacts, _THING_LABELS)
        places = [s for s in things if s[2] in _PLACE_LABELS]
        patterns = {p.name: p for p in self.patterns}
        results = [
            self._result(start, end, patterns[shape].score, patterns[shape])
            for start, end, shape in _find(text, tokens, names, places, things)
        ]
        return raise_uncased(self.remove_duplicates(results), text)


def _find(
    text: str,
    tokens: list[tuple[int, int, str]],
    names: NameGazetteer,
    places: list[tuple[int, int, str]],
    things: list[tuple[int, int, str]],
) -> Iterator[tuple[int, int, str]]:
    """(start, end, shape) of every name found in `text`."""
    whole = _whole_text(text, tokens, names)
    if whole:
        yield whole
        return
    yield from (r for r in _records(text, tokens, names) if not _overlaps(r[:2], places))
    yield from _after_lead(text, tokens, names)
    for i, (start, end, kind) in enumerate(tokens):
        if kind not in ("cap", "upper") or not _first_name(text[start:end], names):
            continue
        first, last = i, i
        while last + 1 < len(tokens) and _follows(text, tokens, last, names):
            last += 1
        while tokens[last][2] not in ("cap", "upper"):  # end on a name, not "de" or "H."
            last -= 1
        if last + 1 < len(tokens) and _joined(text, tokens[last], tokens[last + 1]):
            s, e, _ = tokens[last + 1]
            if names.is_company_word(text[s:e]):
                continue  # "Elizabeth Meyer School", "Jean Coutu Inc", "Victoria Street"
        if _after_street_word(text, tokens, first, names):
            continue  # "Avenue Aristide Briand", "Rue Roland Garros"
        span = (tokens[first][0], tokens[last][1])
        if last > i:
            if not _overlaps(span, places):
                yield (*span, "first_then_name")
        elif kind == "cap" and not _overlaps(span, things):
            yield (*span, "first_alone")


def _after_street_word(
    text: str, tokens: list[tuple[int, int, str]], i: int, names: NameGazetteer
) -> bool:
    """Whether token i follows a street word, maybe with particles ("Rue de la", "Strada
    Doctor")."""
    j = i - 1
    while j >= 0 and j >= i - 3 and _joined(text, tokens[j], tokens[j + 1]):
        s, e, kind = tokens[j]
        word = text[s:e]
        if names.is_street_word(word):
            return True
        if not (fold(word) in _PARTICLES or kind in ("cap", "upper")):
            return False
        j -= 1
    return False


def _first_name(word: str, names: NameGazetteer) -> bool:
    """A first name, or a hyphenated one whose first part is ("Jean-François")."""
    return names.is_first_name(word) or ("-" in word and names.is_first_name(word.split("-", 1)[0]))


def _follows(text: str, tokens: list[tuple[int, int, str]], i: int, names: NameGazetteer) -> bool:
    """Whether token i+1 continues the name that token i is part of."""
    if not _joined(text, tokens[i], tokens[i + 1]):
        return False
    s, e, kind = tokens[i + 1]
    word = text[s:e]
    if kind == "upper" and not _HAS_TITLE_CASE.search(text, tokens[i][0], tokens[i][1]):
        return names.is_name(word)  # "JANE ROE", not "JANE WANTS"
    if kind in ("cap", "upper"):
        return not names.is_common(word)
    if kind == "initial":
        return True
    return kind == "lower" and word in _PARTICLES and i + 2 < len(tokens)


def _joined(text: str, left: tuple[int, int, str], right: tuple[int, int, str]) -> bool:
    return bool(_BLANK.fullmatch(text, left[1], right[0]))


def _records(
    text: str, tokens: list[tuple[int, int, str]], names: NameGazetteer
) -> Iterator[tuple[int, int, str]]:
    """`SURNAME [SURNAME] [JR], FIRST [M]`: surnames in upper case or known ones."""
    for i in range(len(tokens) - 1):
        if not _COMMA.fullmatch(text, tokens[i][1], tokens[i + 1][0]):
            continue
        s, e, kind = tokens[i + 1]
        if kind not in ("cap", "upper") or not _first_name(text[s:e], names):
            continue
        left = i
        if fold(text[tokens[left][0] : tokens[left][1]]) in _SUFFIXES and left > 0:
            left -= 1
        if left > 0 and _joined(text, tokens[left - 1], tokens[left]):
            left -= 1
        words = [text[a:b] for a, b, k in tokens[left : i + 1] if fold(text[a:b]) not in _SUFFIXES]
        kinds = {k for _, _, k in tokens[left : i + 2]}
        # records write the surname in upper case: "ROE, Jane", "ROE, JANE A"
        upper = all(k == "upper" for _, _, k in tokens[left : i + 1])
        known = upper or all(names.is_surname(w) for w in words)
        if not words or not known or any(names.is_common(w) for w in words):
            continue
        if kinds - {"cap", "upper"}:
            continue
        end = e
        if (
            i + 2 < len(tokens)
            and _joined(text, tokens[i + 1], tokens[i + 2])
            and tokens[i + 2][2] in ("initial", "cap", "upper")
        ):
            end = tokens[i + 2][1]
        yield tokens[left][0], end, "record"


def _after_lead(
    text: str, tokens: list[tuple[int, int, str]], names: NameGazetteer
) -> Iterator[tuple[int, int, str]]:
    """A lower-case first name (and surname) right after "my name is", "je m'appelle"…"""
    for i, (start, end, kind) in enumerate(tokens):
        if kind != "lower" or not names.is_first_name(text[start:end]):
            continue
        if not _LEAD.search(text, max(0, start - 40), start):
            continue
        if i + 1 < len(tokens) and _joined(text, tokens[i], tokens[i + 1]):
            s, e, k = tokens[i + 1]
            if k == "lower" and names.is_surname(text[s:e]):
                end = e
        yield start, end, "lower_after_lead"


def _whole_text(
    text: str, tokens: list[tuple[int, int, str]], names: NameGazetteer
) -> tuple[int, int, str] | None:
    """The whole text when it is only a name: titles, initials, particles, "and" and name words
    ("Mr. and Mrs. Max Roe", "ROE, JANE A", "leonard allen gail")."""
    body = text.strip()
    if not tokens or len(body) > _WHOLE_MAX_CHARS or len(tokens) > _WHOLE_MAX_TOKENS + 2:
        return None
    if any(c.isdigit() or c == "@" for c in body):
        return None
    position = len(text) - len(text.lstrip())
    words: list[tuple[str, str]] = []  # (word, kind)
    for index, (start, end, kind) in enumerate(tokens):
        if not _WHOLE_SEPARATOR.fullmatch(text, position, start):
            return None
        position = end
        word = text[start:end]
        key = fold(word)
        if kind == "initial" or key in _TITLES or key in _SUFFIXES:
            continue
        if key in _PARTICLES and words and index + 1 < len(tokens):
            continue
        if key in _CONNECTORS and 0 < index < len(tokens) - 1:
            continue  # "Mr. and Mrs. Roe", "Jane et Paul Roe"
        if names.is_common(word):
            return None
        words.append((word, kind))
    if not words or len(words) > _WHOLE_MAX_TOKENS or text[position:].strip(" \t\r\n.,)'\""):
        return None
    if len(words) > 1 and words[-1][1] == "upper" and words[-1][0] in _REGION_CODES:
        return None  # "LaSalle Montreal QC": a place
    kinds = {kind for _, kind in words}
    if "lower" in kinds and len(kinds) > 1:
        return None  # "Hello there": a lower-case word among capitalised ones
    firsts = sum(_first_name(w, names) for w, _ in words)
    known = sum(names.is_name(w) for w, _ in words)
    if kinds == {"lower"} and known < len(words) and not _first_name(words[0][0], names):
        return None  # lower case: every word a known name, or a first name first
    start = len(text) - len(text.lstrip())
    end = len(text.rstrip(" \t\r\n,"))
    if "," in text[start:end] and not (body.isupper() or _records_only(text, tokens, names)):
        return None  # "Broadway, Manhattan": a comma between names is a record's
    if firsts or (len(words) > 1 and known):
        return start, end, "whole_text"
    if len(words) == 1 and known:
        return start, end, "surname_alone"
    return None


def _records_only(text: str, tokens: list[tuple[int, int, str]], names: NameGazetteer) -> bool:
    """Whether every comma inside the text is a record's: a first name, an initial or a suffix
    right after it ("Roe, Jane", "Roe, J. Ryan", "Jane Roe, MD")."""
    for i in range(len(tokens) - 1):
        if "," in text[tokens[i][1] : tokens[i + 1][0]]:
            s, e, kind = tokens[i + 1]
            word = text[s:e]
            if not (kind == "initial" or fold(word) in _SUFFIXES or _first_name(word, names)):
                return False
    return True


def _ner_spans(nlp_artifacts: NlpArtifacts | None, labels: frozenset[str]) -> list[tuple]:
    """spaCy's entities with `labels` (all of the model's labels, not only those we report)."""
    doc = getattr(nlp_artifacts, "tokens", None)
    if doc is None or not hasattr(doc, "ents"):
        return []
    return [(e.start_char, e.end_char, e.label_) for e in doc.ents if e.label_ in labels]


def _overlaps(span: tuple[int, int], others: list[tuple[int, int, str]]) -> bool:
    return any(span[0] < e and s < span[1] for s, e, _ in others)
