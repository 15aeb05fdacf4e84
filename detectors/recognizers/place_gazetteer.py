"""Places the small spaCy model does not know: countries, US states, Canadian provinces and cities
of 15,000 people or more by name (`detectors.places`), as LOCATION.

Registered at the recall operating point only (`recall_recognizers`). spaCy's small models miss
most places in chats, tweets and address lines (realdata: LOCATION recall 0.33-0.72). A name of
the gazetteer counts when it is written capitalised or in capitals, and:
- a country, state or province: always, in lower case too unless the word is an ordinary or a
  person's name ("turkey", "jordan");
- a city of several words ("Zafferana Etnea", "Ústí nad Labem"): always;
- a city of one word: after a word that introduces a place ("in", "from", "near", "à"…), after
  a comma or a house number ("Agorabaan, Lelystad", "Calea Victoriei 54 Bucharest"), alone (a
  town field), or before a comma and a country or state ("Kaplice, Iceland"); never when it is
  an ordinary, company or street word ("Best", "Police", "Mobile": cities too). In capitals
  ("NICE", "GOD") or when it is also a person's name ("talked to Austin") only after a word that
  introduces nothing but places ("in", "from", "near"…; not "to", "at", "of").
Never inside a span spaCy reports (a place or a date already, or a person: "Palm Springs
Taylor"); a name spaCy calls an organisation or a nationality is claimed (not reported). A number
of 4-6 digits right after a country, state or province is its postcode (POSTAL_CODE: "Denmark
15838"), unless it is a year.
"""

from __future__ import annotations

import re

from presidio_analyzer import EntityRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from detectors.entities import LOCATION, POSTAL_CODE
from detectors.names import gazetteer
from detectors.places import PlaceGazetteer, place_key, places
from detectors.recognizers.base import found, reported_spans

SCORE = 0.6
_WORD = re.compile(r"(?<![\w@#/])[^\W\d_][^\W\d_'’.]*(?:['’][^\W\d_]+)*")
_JOINER = re.compile(r"[ \t]*[-‐–]?[ \t]*")  # between the words of one name
# Words that introduce a place (English and French); "of" for "University of X", "City of X".
_ONLY_PLACES = (
    r"in|from|near|outside|around|towards?|via|visit(?:ing|ed)?|across"
    r"|à|en|au|aux|dans|vers|depuis|près[ \t]+de"
)
_PLACE_ONLY_LEAD = re.compile(rf"(?i:\b(?:{_ONLY_PLACES}))[ \t]+\Z")
_PLACE_LEAD = re.compile(rf"(?i:\b(?:{_ONLY_PLACES}|of|to|at|a|de|d['’]))[ \t]+\Z")
# The town of an address line: after a comma or a house number ("Agorabaan, Lelystad",
# "Calea Victoriei 54 Bucharest").
_ADDRESS_BEFORE = re.compile(r"(?:,|\d[\w/-]*)[ \t]+\Z")
_THEN_REGION = re.compile(r"[ \t]*,?[ \t]*([^\W\d_][^\W\d_ \t]*(?:[ \t]+[^\W\d_]+){0,2})")
# A postcode written after the country ("Denmark 15838"), as address generators and some
# forms put it; a year is no postcode ("France 2019").
_CODE_AFTER = re.compile(r"[ \t]+(\d{4,6})(?![\w-])")
_YEAR = re.compile(r"(?:19|20)\d\d")
# Lower-case country names that are ordinary words or names.
_NOT_LOWER = frozenset(
    {"turkey", "china", "chad", "jordan", "guinea", "georgia", "japan", "niger", "reunion"}
)


class PlaceGazetteerRecognizer(EntityRecognizer):
    """Countries, regions and cities by name (see the module doc)."""

    def __init__(self) -> None:
        super().__init__(
            supported_entities=[LOCATION, POSTAL_CODE], name="PlaceGazetteerRecognizer", context=[]
        )

    def load(self) -> None:
        """Nothing: the gazetteer is read on the first text (`build_analyzer` reads it for the
        recall point before texts are shared out, so forked workers inherit it)."""

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        """Every place name of the gazetteer that passes the rules of the module doc."""
        gaz = places()
        words = [m.span() for m in _WORD.finditer(text)]
        taken = reported_spans(nlp_artifacts)
        results = []
        i = 0
        while i < len(words):
            place = _longest(text, words, i, gaz)
            if place is None:
                i += 1
                continue
            count, start, end = place
            region = gaz.is_region(text[start:end])
            if _counts(text, start, end, count, region) and not any(
                s < end and start < e for s, e in taken
            ):
                results.append(found(self, LOCATION, start, end, SCORE))
            code = _CODE_AFTER.match(text, end) if region else None
            if code and not _YEAR.fullmatch(code[1]):
                results.append(found(self, POSTAL_CODE, *code.span(1), SCORE))
            i += count
        return results


def _longest(
    text: str, words: list[tuple[int, int]], i: int, gaz: PlaceGazetteer
) -> tuple[int, int, int] | None:
    """The most words from `words[i]` on that name a place: (count, start, end)."""
    start = words[i][0]
    last = i
    while (
        last + 1 < len(words)
        and last - i + 1 < gaz.longest
        and _JOINER.fullmatch(text, words[last][1], words[last + 1][0])
    ):
        last += 1
    for j in range(last, i - 1, -1):
        end = words[j][1]
        if gaz.is_place(text[start:end]):
            return j - i + 1, start, end
    return None


def _counts(text: str, start: int, end: int, count: int, region: bool) -> bool:
    """Whether the place name at `start:end` (`count` words; a country, state or province when
    `region`) counts, by the rules of the module doc."""
    span = text[start:end]
    names = gazetteer()
    if region:
        if span[0].isupper():
            return not (count == 1 and _sentence_start(text, start) and names.is_common(span))
        key = place_key(span)
        return key not in _NOT_LOWER and not names.is_common(key) and not names.is_name(key)
    if not span[0].isupper():
        return False
    if count > 1:
        return True
    if names.is_common(span):
        return False
    before = text[max(0, start - 12) : start]
    if span.isupper() or names.is_name(span):  # "NICE", "GOD"; "talked to Austin"
        return _PLACE_ONLY_LEAD.search(before) is not None
    alone = text.strip(" \t\n,.") == span  # the whole text: a town field
    if alone or _PLACE_LEAD.search(before) or _ADDRESS_BEFORE.search(before):
        return True
    after = _THEN_REGION.match(text, end)
    if after is None:
        return False
    following = after[1].split()
    return any(places().is_region(" ".join(following[:n])) for n in range(1, len(following) + 1))


def _sentence_start(text: str, start: int) -> bool:
    before = text[:start].rstrip(" \t\"'“(")
    return not before or before[-1] in ".!?\n:"
