"""Whatever address follows the words that announce one: "my address is 46 velký průhon 426,
opocnice", "lives at 87 Jakobi 69, Laane", "please return to 39 79 Argyll Road Noorderwijk", a unit
written alone ("Apt. 018", "Suite 246"), and a French street named without its number ("rue de
Siam", "boulevard Saint-Germain").

Registered at the recall operating point only (`recall_recognizers`). The street recognizer
knows street types, house numbers and the tails of many countries, but not every country's
street names ("Jakobi", "Ibirapita"), lower-case lines or other scripts; after "address",
"lives at", "return to"… an address is what comes, whatever its words. The span starts at the
first civic number within a few words of the lead and runs, across commas and line breaks, to
the sentence's end or to the first word that goes on with the sentence ("for", "in", "please",
"and", a verb or a pronoun), at most `MAX_WORDS` words; it must hold a word besides numbers.
"""

from __future__ import annotations

import re

from presidio_analyzer import EntityRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from detectors import street_types as T
from detectors.entities import STREET_ADDRESS
from detectors.names import words
from detectors.recognizers.base import found

SCORE = 0.6
MAX_WORDS = 14
_LEAD = re.compile(
    r"(?i:\b(?:(?:billing|mailing|shipping|home|postal|street|new|old|my|his|her|their|our|your"
    r"|the)[ \t]+)?address(?:es)?\b|\b(?:lives?|living|located|resides?|residing|reside)[ \t]+"
    r"(?:at|on)\b|\b(?:moved|moving|move|return(?:ed)?|ship(?:ped)?|deliver(?:ed)?|mail(?:ed)?"
    r"|forward(?:ed)?)[ \t]+(?:it[ \t]+|them[ \t]+|this[ \t]+)?to\b|\badresse\b|\bhabite[ \t]+"
    r"(?:au|à|a)\b|\bdomicili(?:é|ée|e)[ \t]+(?:au|à|a)\b)"
)
# Between the lead and the number: ":", "is", "with", "? it is", "est" (no other word).
_GAP = re.compile(
    r"[ \t]*[:=?,–-]?(?:[ \t]+(?i:is|was|with|now|it[ \t]+is|it['’]s|est|c['’]est|:))*[ \t]*"
    r"(?=\d)"
)
_CIVIC = re.compile(r"\d{1,6}[A-Za-z]?(?![\d:/.,]\d)(?![\w@])")
_TOKEN = re.compile(r"[^\s,]+")
# Words that go on with the sentence: the address ended before them.
_GOES_ON = words(
    """for in if when please thanks thank because but so and or to on at with from by via until
    after before then the this that these those my your our their his her its is are was were
    will would can could should shall may might must have has had do does did be been being i
    we you he she they it me us them call phone tel mobile desk email e-mail fax cell pour dans
    si quand merci mais et ou avec sur le la les mon ma mes votre vos notre nos est sont je nous
    vous il elle ils elles since till during yesterday today tonight tomorrow last next ago now
    soon already still again also as about like than where which who whose while though
    although not no yes ok okay asap depuis hier demain maintenant"""
)
_UNIT_ALONE = re.compile(  # "apt. 614" in any case; "Suite 246" capitalised ("suite 2 plan")
    rf"(?<![\w])(?:(?i:{T.alternation(('APARTMENT', 'APT', 'APPARTEMENT'))})"
    r"|Suite|SUITE|Ste|STE)\.?"
    r"[ \t]*(?:#|(?i:no)\.?)?[ \t]*\d{1,5}[A-Za-z]?(?![\w@])"
)


# A French street named without its number ("rue de Siam", "boulevard Saint-Germain", "faubourg
# de Paris"): the type, a particle, capitalised words. "place" and "cours" are everyday words
# ("à la place de Jean", "cours de Français"): "place" only without "de", "cours" not at all;
# the types that are English words too count in lower case only ("Place Your Order Now").
_FR_NAME_WORD = r"[A-ZÀ-ÖØ-Þ][\w'’-]*"
_FR_STREET_NAME = re.compile(
    r"(?<![\w'’-])(?:(?:(?i:rue|boulevard|faubourg|quai|impasse|allée|chemin|ruelle|venelle)"
    r"|avenue|square|esplanade)[ \t]+(?:(?:de[ \t]+la|de[ \t]+l['’]|des|du|de|d['’])[ \t]*)?"
    rf"|place[ \t]+(?:(?:des|du)[ \t]+)?)"
    rf"{_FR_NAME_WORD}(?:[ \t]+(?:(?:de|des|du|la|le|d['’]|l['’])[ \t]*)?{_FR_NAME_WORD}){{0,2}}"
)


class AddressLeadRecognizer(EntityRecognizer):
    """The address after an address lead, and units alone (see the module doc)."""

    def __init__(self) -> None:
        super().__init__(
            supported_entities=[STREET_ADDRESS], name="AddressLeadRecognizer", context=[]
        )

    def load(self) -> None:
        """Nothing to load."""

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        """Each led address and each unit written alone."""
        spans = [m.span() for m in _UNIT_ALONE.finditer(text)]
        spans += [m.span() for m in _FR_STREET_NAME.finditer(text)]
        for lead in _LEAD.finditer(text):
            gap = _GAP.match(text, lead.end())
            if gap is None or not _CIVIC.match(text, gap.end()):
                continue
            end = _address_end(text, gap.end())
            if end is not None:
                spans.append((gap.end(), end))
        return [found(self, STREET_ADDRESS, s, e, SCORE) for s, e in dict.fromkeys(spans)]


def _address_end(text: str, start: int) -> int | None:
    """Where the address starting at `start` ends, or None when it holds no word."""
    end = start
    worded = False
    for count, token in enumerate(_TOKEN.finditer(text, start)):
        if count >= MAX_WORDS or "\n\n" in text[end : token.start()]:
            break
        word = token[0]
        if not any(c.isalnum() for c in word):
            continue  # separators: "-", "|", "•"
        bare = word.strip("()[]\"'“”").rstrip(".;:!?")
        if bare.lower() in _GOES_ON or "@" in word or sum(c.isdigit() for c in word) >= 7:
            break
        if any(c.isalpha() for c in bare) and bare.lower() != "nan":
            worded = True
        end = token.start() + len(word.rstrip(".;:!?)\"”"))
        if word.endswith((".", "!", "?", ";")) and not _ABBREVIATION.fullmatch(word):
            break
    return end if worded and end > start else None


_ABBREVIATION = re.compile(r"(?i:[a-z]{1,4}\.|\d+\.)")  # "St.", "Apt.", "N.", "45."
