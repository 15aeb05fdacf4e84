"""Postal addresses in text: street lines with any USPS or Canada Post street type, French types
before the name, numbered routes, units, PO boxes and rural routes (STREET_ADDRESS), and the
city, state and ZIP that follow them (LOCATION, POSTAL_CODE: found by their place after a street,
even in lower case or unknown to spaCy).

Street types and the other vocabularies are data in `detectors.street_types`.
"""

from __future__ import annotations

import re

import regex as regex_engine
from presidio_analyzer import Pattern, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from detectors import street_types as T
from detectors.entities import LOCATION, POSTAL_CODE, STREET_ADDRESS
from detectors.names import gazetteer
from detectors.recognizers.base import ContextPatternRecognizer

_UP = "A-ZÀ-ÖØ-ÞĀ-Ž"  # with Latin Extended-A ("Żorska", "Łąkowa"; its lower case slips in too)
_END = r"(?![\w'’-])"  # a word ends here
_WS = r"[ \t]+"

# Words that never continue a street name ("2 kids at 12 Oak St" is not "2 Kids … St").
_STOP_WORDS = (
    "an", "the", "and", "or", "but", "if", "of", "to", "in", "on", "at", "for", "from",
    "by", "with", "as", "is", "are", "was", "be", "am", "i'm", "me", "my", "you", "your",
    "ur", "we", "our", "it", "its", "this", "that", "then", "so", "not", "no", "et", "ou",
    "à", "au", "aux", "en", "dans", "sur", "pour", "par", "avec", "mon", "ma", "mes", "je",
    "vous", "les", "per", "now", "did", "do", "does", "done", "get", "got", "go", "goes",
    "going", "went", "come", "came", "have", "had", "has", "give", "take", "make", "want",
    "need", "know", "think", "see", "say", "tell", "ask", "call", "text", "txt", "reply", "send",
    "stop", "pls", "please", "thanks", "thx", "lol", "im", "ill", "dont", "cant", "wont",
    "just", "also", "only", "very", "really", "soon", "today",
    "tomorrow", "tonight", "here", "there", "what", "when", "where", "who", "why", "how",
    "yes", "ok", "okay", "hi", "hey", "hello", "dear", "can", "would", "could", "more",
    "u",
)  # fmt: skip
# Words that do not follow a civic number: quantities ("40 Minutes Walk", "5 mile drive") and
# what a message says next ("2 go 2 …"). Checked on the first word after the number.
_NOT_AFTER_NUMBER = frozenset(
    {
        "minute", "minutes", "min", "mins", "hour", "hours", "hr", "hrs", "sec", "secs",
        "second", "seconds", "day", "days", "week", "weeks", "wk", "wks", "month", "months",
        "year", "years", "yr", "yrs", "time", "times", "mile", "miles", "mi", "km", "kms",
        "kilometers", "kilometres", "meter", "meters", "metre", "metres", "m", "ft", "feet",
        "foot", "inch", "inches", "yard", "yards", "kg", "lb", "lbs", "pound", "pounds",
        "dollar", "dollars", "bucks", "cent", "cents", "euro", "euros", "pence", "p", "gb",
        "mb", "percent", "pct", "people", "person", "persons", "ppl", "guys", "kids",
        "children", "adults", "tickets", "ticket", "cars", "blocks", "items", "pieces", "texts",
        "messages", "calls", "lines", "numbers", "x", "am", "pm", "o'clock", "i", "u", "go",
        "get", "got", "win", "won", "buy", "call", "text", "txt", "reply", "send", "see",
        "meet", "have", "has", "had", "do", "can", "will", "free", "new", "more", "less",
        "best", "big", "heures", "jours", "ans", "mois", "fois", "lane", "lanes",
        "way", "ways",
    }
)  # fmt: skip
_STOP = rf"(?:(?i:{T.alternation(_STOP_WORDS)})|a|i){_END}"  # "A Street" is a street, "I" not
_NAME_WORD = rf"(?!{_STOP})[^\W_][\w'’.&-]*"  # any case: "main", "MAIN", "5th", "o'neil"
_CAP_WORD = rf"(?!{_STOP})[{_UP}\d][\w'’.&-]*"  # "Main", "MAIN", "5th", "Sainte-Catherine"

# Civic numbers: "123", "123A", "1234-B", "12-1/2", "16½", "5-1234" (unit-civic), "1 bis".
# The leading `\d` lets the regex engine skip quickly to digits.
_CIVIC = (
    r"\d(?<![\w,.$€£¥#/:+-]\d)\d{0,5}(?:-\d{1,6})?"
    r"(?:[ \t-]?1/2|½|-?[A-OQ-Za-oq-z](?![\w'’]))?"  # not "20p" (pence)
    rf"(?:{_WS}(?:bis|ter){_END})?"
)
_UNIT_WORD = rf"(?i:{T.alternation(T.UNIT_DESIGNATORS + T.PO_BOXES)})"
_UNIT_ID = r"(?:\d[\w-]{0,7}|[A-Za-z]-?\d[\w-]{0,6}|[A-Za-z])(?![\w'’])"
_USEP = r"(?:[ \t]*,[ \t]*|[ \t]+)"
_FLOOR = r"(?i:floor|fl|flr|étage)\.?"
_ORDINAL_WORDS = "first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|ground"
_NLSEP = r"(?:[ \t]*,?[ \t]*\n[ \t]*)"  # a unit on the next line of an address block
# After a unit word: its number ("Apt 5", "Suite200", "Ste. B", "Apt No. 456"), a letter only
# when separated ("rooms" is no "Room S").
_UNIT_AFTER_WORD = rf"(?:(?=\d)|{_END}\.?[ \t]*(?:#|(?i:no|n[o°º])\.?)?[ \t]*){_UNIT_ID}"
_UNIT_ONE = (
    rf"(?:{_USEP}|{_NLSEP})(?:#[ \t]*)?{_UNIT_WORD}{_UNIT_AFTER_WORD}"
    rf"|{_USEP}#[ \t]*{_UNIT_ID}"
    rf"|{_USEP}\d{{1,3}}(?i:st|nd|rd|th|e|er|ème)?[ \t]+{_FLOOR}{_END}"
    rf"|{_USEP}(?i:{_ORDINAL_WORDS})[ \t]+{_FLOOR}{_END}"
)
_UNIT = rf"(?:{_UNIT_ONE}){{0,3}}"
# A unit written before the civic number ("Apt 1B 626 E Kilbourn Ave", "10th floor 312 …").
_STRONG_UNIT_WORD = rf"(?i:{T.alternation(T.STRONG_UNIT_DESIGNATORS)})"
_LEAD_UNIT = re.compile(
    rf"(?<![\w-])(?:{_UNIT_WORD}{_UNIT_AFTER_WORD}|{_STRONG_UNIT_WORD}\.?[ \t]*#?"
    rf"|\d{{1,2}}(?i:st|nd|rd|th){_WS}{_FLOOR})[ \t]*,?[ \t]+\Z"
)

# Directionals as written; "No", "So" (Nord-Ouest, Sud-Ouest) only in upper case.
_DIR_LOWER = ("n", "s", "e", "w", "ne", "nw", "se", "sw", "north", "south", "east", "west")
_DIR_WORDS = [w for d in T.DIRECTIONALS for w in {d, d if len(d) == 2 else d.capitalize()}]
_DIR_WORDS += list(_DIR_LOWER)
_DIR = rf"(?:[NSns]\.[ \t]?[EWew]\.|(?:{T.alternation(_DIR_WORDS)})\.?){_END}"
_POST_DIR = rf"(?:{_USEP}{_DIR})"

# What follows a street line: city, state or province, ZIP or postal code, country. A city is
# one to four words, maybe comma-separated ("Rochester, New York").
_SEP = r"(?:[ \t]*[,;]?[ \t]*\n[ \t]*|[ \t]*[,;][ \t]*|[ \t]+)"  # one line break at most
_LINE_SEP = r"(?:[ \t]*[,;][ \t]*|[ \t]+)"
_NOT_CITY_WORDS = (
    *_STOP_WORDS,
    "i", "u", "call", "text", "txt", "reply", "send", "since", "until", "till", "before",
    "after", "about", "please", "thanks", "le", "la",
)  # fmt: skip
# The commonest street types: a city or a typeless street name does not contain them ("42 Water
# Street New Shoreham" is a street, then a city).
_COMMON_TYPES = (
    "STREET", "AVENUE", "AVE", "ROAD", "RD", "BOULEVARD", "BLVD", "DRIVE", "DR", "LANE", "LN",
    "COURT", "CT", "PLACE", "PL", "TERRACE", "HIGHWAY", "HWY", "PARKWAY", "PKWY", "CIRCLE",
    "WAY", "RUE", "CHEMIN",
)  # fmt: skip
_NOT_CITY = rf"(?i:{T.alternation(_NOT_CITY_WORDS + _COMMON_TYPES)}){_END}"
US_STATES = "|".join(T.US_STATE_CODES)
_CA_CODES = "|".join(T.CA_PROVINCE_CODES)
_STATE_UP = rf"(?:{US_STATES}|{_CA_CODES}|[A-Z]\.[ \t]?[A-Z]\.)"
_STATE_NAME = rf"(?i:{T.alternation(T.US_STATE_NAMES + T.CA_PROVINCE_NAMES)})"
_STATE_LOW = rf"(?i:{US_STATES}|{_CA_CODES})"  # any case, but only before a ZIP
_ZIP = (  # US ZIP, ZIP+4; Canadian postal code; UK postcode
    r"(?:\d{5}(?:[ \t]?[-–—][ \t]?\d{4}|\d{4})?"
    r"|(?i:[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z][ -]?\d[ABCEGHJ-NPRSTV-Z]\d)"
    r"|[A-Z]{1,2}\d[A-Z\d]?[ \t]?\d[A-Z]{2})(?![\w-])"
)
# A city word is no state code ("Maple Falls, WA 98266": the city ends before WA).
_CITY_WORD = rf"(?!{_NOT_CITY}|{_STATE_UP}{_END}|{_STATE_LOW}{_LINE_SEP}{_ZIP})[^\W\d_][\w'’.-]*"
_CITY_WORDS = (
    rf"(?:{_CITY_WORD}(?:{_LINE_SEP}{_CITY_WORD}){{0,3}}?)"  # shortest: a state may follow
)
_COUNTRY = r"(?:US|U\.S\.A\.|(?i:usa|united[ \t]+states(?:[ \t]+of[ \t]+america)?|canada))"
# Lookaheads only need to see that a state or a code follows, past a few words of city.
_SOME_WORDS = (
    rf"(?:[ \t]*[,;]?[ \t]*(?!(?i:{T.alternation(_COMMON_TYPES)})\.?{_END})[^\W\d_][\w'’.-]*)"
    r"{0,4}?"
)
_TAIL_AHEAD = (
    rf"{_SOME_WORDS}{_SEP}(?:\(?(?:{_STATE_UP}|{_STATE_NAME})\)?{_END}|{_STATE_LOW}{_SEP}{_ZIP}"
    rf"|{_ZIP})"
)
# The same, its parts named: the recognizer reports the city and state as LOCATION, the code as
# POSTAL_CODE (each kept when another recognizer claims the rest: a ZIP+4 read as a phone).
_TAIL = re.compile(
    rf"(?:{_SEP}(?P<city>{_CITY_WORDS}))?{_SEP}"
    rf"(?:(?P<state>\(?(?:(?P<code>{_STATE_UP})|{_STATE_NAME})\)?){_END}(?:{_SEP}(?P<zip>{_ZIP}))?"
    rf"|(?P<state_low>{_STATE_LOW}){_SEP}(?P<zip_low>{_ZIP})|(?P<zip_only>{_ZIP}))"
    rf"(?:{_SEP}(?P<country>{_COUNTRY}){_END})?"
)
# The evidence a street without a type needs: a state with its ZIP, or after a comma.
_TAIL_STATE = (
    rf"{_SOME_WORDS}(?:{_LINE_SEP}(?:{_STATE_UP}|{_STATE_NAME}|{_STATE_LOW}){_LINE_SEP}{_ZIP}"
    rf"|[ \t]*,[ \t]*\(?(?:{_STATE_UP}|{_STATE_NAME})\)?{_END})"
)

_TEXT_TYPES = T.street_types(text_safe=True)
_STRONG = sorted(w for w in _TEXT_TYPES if w not in T.WEAK_WORDS)
_WEAK = sorted(w for w in _TEXT_TYPES if w in T.WEAK_WORDS)
# In lower case only full names and the commonest abbreviations ("4 bugis vill" is no village).
_LOWER_ABBREVIATIONS = (
    "ST", "STR", "AVE", "AV", "RD", "BLVD", "DR", "LN", "CT", "CRT", "PL", "PKWY", "HWY", "CIR",
    "TERR", "SQ", "TRL", "EXPY", "FWY", "TPKE", "CRES", "PLZ", "BOUL",
)  # fmt: skip
_STRONG_ANY_CASE = [w for w in _STRONG if w in T.USPS_SUFFIXES or w in T.CANADA_POST_EN]
_STRONG_ANY_CASE += list(_LOWER_ABBREVIATIONS)
_STRONG_CASED = [w for w in T.cased(set(_STRONG) - set(_STRONG_ANY_CASE)) if not w.islower()]
_STRONG_TYPE = (
    rf"(?:(?i:{T.alternation(_STRONG_ANY_CASE)})|{T.alternation(_STRONG_CASED)})\.?{_END}"
)
_WEAK_TYPE = rf"(?i:{T.alternation(_WEAK)}){_END}"
_WEAK_TYPE_CAP = rf"(?:{T.alternation(w for w in T.cased(_WEAK) if not w.islower())}){_END}"

_NUMBER = rf"{_CIVIC}(?:{_WS}\d{{1,6}}(?![\w'’]))?"  # "95 230 Wit Rd": unit, civic
_HEAD = rf"{_NUMBER}[ \t]*,?{_WS}"
_NAMES = rf"(?:{_NAME_WORD}{_WS}){{1,6}}"
_CAP_NAMES = rf"(?:{_CAP_WORD}{_WS}){{1,6}}"
_LINE_END = rf"{_POST_DIR}?{_UNIT}"

# English order: number, name, type. A known type is enough in any case; a type that is also
# an everyday word ("Path", "Summit", "Meadow") needs a capitalised name, or in lower case a
# directional, a unit or a city/state tail ("a 5 mile drive" is no address).
_EN = (
    rf"{_NAMES}{_STRONG_TYPE}|{_CAP_NAMES}{_WEAK_TYPE_CAP}"
    rf"|{_NAMES}{_WEAK_TYPE}(?=(?:{_POST_DIR}|{_UNIT_ONE}|{_TAIL_AHEAD}))"
)
# Numbered routes and lettered avenues: "3313 Hwy. 31", "20283 State Road 7", "9912 S. Avenue H".
_ROUTES_ANY_CASE = ("HIGHWAY", "HWY", "ROUTE", "RTE", "COUNTY ROAD", "STATE ROAD", "STATE ROUTE")
_ROUTE_WORDS = [w for w in T.cased(T.NUMBERED_ROUTES) if not w.islower()]
_ROUTE = (
    rf"(?:{_NAME_WORD}{_WS}){{0,2}}"
    rf"(?:{T.alternation(_ROUTE_WORDS + [w.lower() for w in _ROUTES_ANY_CASE])})\.?[ \t]*#?[ \t]*"
    rf"(?:\d{{1,5}}[A-Za-z]?|(?<=[ \t#])[A-Za-z]){_END}(?:{_WS}(?i:and|&){_WS}\d{{1,5}}{_END})?"
    rf"|(?:{_NAME_WORD}{_WS}){{0,2}}(?i:broadway){_END}"
)
# No street type, but a unit or a state after the name: "223 W Jackson 512, Chicago, IL 60606",
# "1723 N Sheffield Unit 2B" (a bare "#" is no evidence: "Order 123 Item # 5").
_UNIT_DESIGNATED = (
    rf"(?:{_USEP}|{_NLSEP})(?:(?:#[ \t]*)?{_STRONG_UNIT_WORD}{_UNIT_AFTER_WORD}"
    rf"|\d{{1,3}}(?i:st|nd|rd|th)[ \t]+{_FLOOR}{_END})"
)
_TYPELESS_WORD = rf"(?!(?i:{T.alternation(_COMMON_TYPES)})\.?{_END}){_NAME_WORD}"
_TYPELESS = (
    rf"{_TYPELESS_WORD}(?:{_WS}{_TYPELESS_WORD}){{0,3}}(?=(?:{_UNIT_DESIGNATED}|{_TAIL_STATE}))"
)
# French order: number, type, name ("1234 rue Sainte-Catherine Ouest", "800 boul. René-Lévesque").
_FR_FULL = [*T.CANADA_POST_FR, *T.FRANCE_TYPES]
_FR_ABBR = [a for abbrs in T.CANADA_POST_FR.values() for a in abbrs if a not in T.TEXT_AMBIGUOUS]
_FR_TYPE = rf"(?i:{T.alternation(_FR_FULL)}|(?:{T.alternation(_FR_ABBR)})\.?){_END}"
_FR_PARTICLE = r"(?:(?i:de[ \t]+la|de[ \t]+l['’]|des|du|de|d['’]|la|le|l['’])[ \t]*)?"
_FR_NAME = rf"{_CAP_WORD}(?:[ \t]+{_CAP_WORD}){{0,3}}"
_FR = rf"{_FR_TYPE}{_WS}{_FR_PARTICLE}{_FR_NAME}"

# Number first, then a one-word street of another language: "1 Hämeenkatu", "12 Storgatan".
_EU_WORD = rf"[{_UP}][\w'’-]*?(?i:{T.alternation(T.EUROPEAN_SUFFIXES)}){_END}"


# A typeless street is tried first (its unit or state makes it longer), and never after a
# comma: in "1506, Chicago, IL" the number is a suite's.
def _street(*kinds: str) -> str:
    return rf"{_NUMBER}(?:{_WS}{_TYPELESS}|[ \t]*,?{_WS}(?:{'|'.join(kinds)})){_LINE_END}"


STREET_EN = _street(_ROUTE, _EN, _EU_WORD)
STREET_FR = rf"{_HEAD}{_FR}{_LINE_END}"
STREET = _street(_ROUTE, _EN, _FR, _EU_WORD)

# PO boxes ("PO Box 12", "C.P. 123", "Case postale 45"), rural and military routes.
_BOX_ANY_CASE = [b for b in T.PO_BOXES if b not in ("C.P.", "B.P.", "DRAWER")]
_BOX_PREFIX = (
    r"(?:(?i:dept|department|file|msc|drawer|lock[ \t]?box|ref\.?[ \t]*no|mail[ \t]+code|attn"
    r"|customer|bin)\.?[ \t]*#?[ \t]*[\w-]{1,16}[ \t]*,?[ \t]+)?"
)
_BOX_NUMBER = r"[ \t]*(?:#|(?i:no|n[o°º])\.?)?[ \t]*\d{1,7}(?:-\d{1,5})?[A-Za-z]?(?![\w'’])"
_RURAL = T.alternation(T.RURAL_ROUTES)
PO_BOX = (
    rf"(?<![\w-])(?:{_BOX_PREFIX}(?:(?i:{T.alternation(_BOX_ANY_CASE)})|C\.[ \t]?P\."
    rf"|B\.[ \t]?P\.|Drawer|DRAWER|Box|BOX)\.?{_BOX_NUMBER}"
    rf"|(?:(?i:{_RURAL})\.?[ \t]*(?:#[ \t]*)?(?:\d{{1,4}}[A-Za-z]{{0,2}}(?![\w'’]))?"
    rf"[ \t]*,?[ \t]*)+(?i:box|bx)\.?{_BOX_NUMBER}"
    rf"|(?:RR|R\.R\.)[ \t]*#?[ \t]*\d{{1,3}}(?![\w'’]))"
    rf"{_UNIT}"
)
_BOX_GATE = (
    r"(?i:box|\bbx\b|\bpob|drawer|c\.[ \t]?p\.|postale|b\.[ \t]?p\.|postfach|apartado|caixa)"
    r"|RR|R\.R\."
)

# Street lines without a number, as in most UK and many US forms: "Castle Street", "Bow St",
# "Rue Henri Barbusse". Only unambiguous types, with capitalised names.
_BARE_EN_TYPES = (
    "STREET", "AVENUE", "AVE", "ROAD", "RD", "BOULEVARD", "BLVD", "LANE", "LN", "DRIVE",
    "PARKWAY", "PKWY", "HIGHWAY", "HWY", "CRESCENT", "CRES", "TERRACE", "TURNPIKE", "TPKE",
    "EXPRESSWAY", "EXPY", "FREEWAY", "FWY", "BROADWAY",
)  # fmt: skip
_BARE_EN_TYPE = (
    rf"(?:{T.alternation(w for w in T.cased(_BARE_EN_TYPES) if not w.islower())}"
    rf"|(?:St|ST|Dr|DR)(?!\.?{_WS}[{_UP}][a-z]))\.?{_END}"
)
_BARE_WORD = rf"(?!{_STOP})(?:[{_UP}][\w'’.&-]*|\d{{1,3}}(?i:st|nd|rd|th))"
_FR_BARE_TYPES = (
    "RUE", "BOULEVARD", "BOUL.", "CHEMIN", "IMPASSE", "ALLÉE", "MONTÉE", "RUELLE", "QUAI",
    "RANG", "CROISSANT",
)  # fmt: skip
_FR_PARTICLE_TYPES = (
    "AVENUE", "PLACE", "ROUTE", "PROMENADE", "ESPLANADE", "TERRASSE", "SQUARE", "PASSAGE",
    "CÔTE", "CARRÉ", "CITÉ", "PARC", "SENTIER", "JARDIN", "JARDINS",
)  # fmt: skip
_FR_BARE = (
    rf"(?:(?:{T.alternation(w.capitalize() for w in _FR_BARE_TYPES)})"
    rf"{_WS}{_FR_PARTICLE}"
    rf"|(?:{T.alternation(w for w in T.cased(_FR_PARTICLE_TYPES) if not w.islower())}){_WS}"
    r"(?:de[ \t]+la|de[ \t]+l['’]|des|du|de|d['’])[ \t]*)"
    rf"{_FR_NAME}"
)
# Numbered roads without a civic number: "Highway 27 South", "County Road 12".
_BARE_ROUTES = (
    "HIGHWAY", "HWY", "ROUTE", "RTE", "COUNTY ROAD", "COUNTY RD", "STATE ROAD", "STATE ROUTE",
    "STATE HIGHWAY", "US HIGHWAY", "US ROUTE", "INTERSTATE", "FM", "FARM ROAD", "AUTOROUTE",
)  # fmt: skip
_BARE_ROUTE = (
    rf"(?:{T.alternation(w for w in T.cased(_BARE_ROUTES) if not w.islower())})\.?[ \t]*#?[ \t]*"
    rf"\d{{1,5}}[A-Za-z]?{_END}"
)
STREET_BARE = (
    rf"(?<![\w'’.-])(?:(?:{_BARE_WORD}{_WS}){{1,3}}{_BARE_EN_TYPE}|{_FR_BARE}|{_BARE_ROUTE})"
    rf"{_LINE_END}"
)
_BARE_GATE_WORDS = T.cased(_BARE_EN_TYPES + _FR_BARE_TYPES + _FR_PARTICLE_TYPES + _BARE_ROUTES)
_BARE_GATE = (
    rf"(?:{T.alternation(w for w in _BARE_GATE_WORDS if not w.islower())}|St|ST|Dr|DR){_END}"
)

# Other European orders: "Rua Padre Cruz 31", "Calle Principal 20", "Nassaustraat 123",
# "Henrik Walters plass 3", "Eduard Sueß Gasse 9".
_RO_PARTICLE = r"(?:de|del|de[ \t]+la|de[ \t]+los|de[ \t]+las|da|do|dos|das|di|della|dei|delle|a)"
# Name words start with a letter: a number after the name is the house's ("Rua das Flores 17,
# 1200-195 Lisboa": 1200-195 is the postcode).
_RO_WORD = rf"(?!{_STOP})[{_UP}][\w'’.&-]*"
_RO_NAME = rf"{_RO_WORD}(?:[ \t]+(?:{_RO_PARTICLE}[ \t]+)?{_RO_WORD}){{0,4}}"
_RO_LOWER = ("aleja", "ulica", "calle", "rua", "carrer", "avenida", "strada", "piazza", "viale")
_RO_TYPES = T.alternation(
    [w for w in T.cased(T.ROMANCE_PREFIX_TYPES) if not w.islower() or "." in w] + list(_RO_LOWER)
)
_HOUSE_AFTER = (
    r"[ \t]*,?[ \t]*(?:n[ºo°r]\.?[ \t]*)?"
    r"(?:\d{1,5}[A-Za-z]?(?:[/-]\d{1,4}[A-Za-z]?)?|(?i:s/n|s\.n\.|sn)(?![\w/]))"
)
_EU_SUFFIX = T.alternation(T.EUROPEAN_SUFFIXES)
_EU_FUSED = T.alternation(T.EUROPEAN_SUFFIXES + T.EUROPEAN_FUSED_SUFFIXES)
_EU_QUALIFIER = rf"(?:(?:{T.alternation(T.EUROPEAN_QUALIFIERS)}){_WS})?"
STREET_NAME_FIRST = (
    rf"(?<![\w'’-])(?:(?:{_RO_TYPES}){_WS}(?:{_RO_PARTICLE}[ \t]+|d['’])?{_RO_NAME}"
    rf"|{_EU_QUALIFIER}[{_UP}][\w'’-]*?(?i:{_EU_FUSED})"
    rf"|(?:{_NAME_WORD}[ \t-]+){{1,3}}(?i:{_EU_SUFFIX})"
    rf"|(?:[{_UP}][\w'’-]*[ \t]+)?[{_UP}][\w'’-]*s[ \t]+gate)"  # Norwegian: "Karl Johans gate 22"
    rf"{_HOUSE_AFTER}(?![\w'’]){_UNIT}"
)
_NAME_FIRST_GATE = (
    rf"(?<![\w'’-])(?:{_RO_TYPES}){_WS}|(?i:{_EU_FUSED})[ \t]*,?[ \t]*\d|s[ \t]+gate[ \t]+\d"
)

# European lines with no type word, counted when nothing but a comma or the end follows their
# house number: German and Dutch prepositional names ("Am Markt 11", "An der Alster 42"), and
# Czech, Slovak, Polish, Croatian adjectival names ("Vinohradská 1511/230", "Floriańska 22").
_LINE_CLOSE = r"(?=[ \t]*(?:[,;\n]|$))"
_TITLE_WORD = rf"(?!{_STOP})[{_UP}][a-zß-öø-ÿā-ž][\w'’.-]*"  # "Markt", not "I" ("Am I 18, Mom?")
_PREPOSITION = T.alternation(T.EUROPEAN_PREPOSITIONS)
_SLAVIC = T.alternation(T.SLAVIC_STREET_ENDINGS)
STREET_EUROPEAN = (
    rf"(?<![\w'’-])(?:(?:{_PREPOSITION}){_WS}{_TITLE_WORD}(?:{_WS}{_CAP_WORD}){{0,2}}?"
    rf"|{_EU_QUALIFIER}[{_UP}][^\W\d_]{{2,}}?(?:{_SLAVIC})(?:{_WS}[^\W\d_]+)?)"
    rf"{_HOUSE_AFTER}(?![\w'’]){_LINE_CLOSE}"
)
_EUROPEAN_GATE = rf"(?<![\w'’-])(?:{_PREPOSITION}){_WS}|(?:{_SLAVIC})[ \t]*,?[ \t]*\d"

_EU_ZIP = (
    r"(?:\d{4}-\d{3}|\d{4}[ \t]?[A-Z]{2}|\d{2}-\d{3}|\d{3}[ \t]\d{2}|[A-Z]{1,2}-\d{4,5}|\d{4,6})"
    r"(?![\w-])"
)

# Intersections: two streets joined by "&", "and", "at", "@" or "/", one of them with a type
# ("Elm St at 5th St", "main st & side ave", "NW 3rd & Elm St", "corner of King St and Bay").
_X_TYPED = rf"(?:{_DIR}{_WS})?(?:{_NAME_WORD}{_WS}){{1,3}}?(?:{_STRONG_TYPE})(?:{_WS}{_DIR})?"
_X_UNTYPED = rf"(?:{_DIR}{_WS})?{_NAME_WORD}(?:{_WS}{_NAME_WORD})?"
_X_JOIN = rf"{_WS}(?:&|@|/|(?i:and|at){_END}){_WS}"
_X_AND = rf"{_WS}(?:&|/|(?i:and){_END}){_WS}"  # "at" after a word is English ("meet at main st")
INTERSECTION = (
    rf"(?<![\w'’-])(?:{_X_TYPED}{_X_JOIN}(?:{_X_TYPED}|{_X_UNTYPED}(?![ \t]+[^\W\d_]))"
    rf"|{_X_UNTYPED}{_X_AND}{_X_TYPED})(?![\w'’-])"
)
_INTERSECTION_GATE = r"[ \t](?:&|@|/|(?i:and|at))[ \t]"

# A street with no type word, its house number after it, then a comma, a postcode and a city
# ("Esplanade 9, 24103 Kiel"). Without the postcode the line is too often something else
# ("Flight 370, Malaysia Airlines").
STREET_BEFORE_CITY = (
    rf"(?<![\w'’-])(?!{_STOP}){_EU_QUALIFIER}[{_UP}][\w'’-]+(?:[ \t]+[{_UP}][\w'’-]+){{0,2}}"
    rf"[ \t]+\d{{1,5}}[A-Za-z]?(?:/\d{{1,4}}[A-Za-z]?)?(?![\w'’-])"
    rf"(?=[ \t]*,[ \t]*{_EU_ZIP}[ \t]+[{_UP}][\w'’-]+(?:[ \t-]+[{_UP}][\w'’-]+){{0,2}}"
    r"[ \t]*(?:[,;\n]|$))"
)
_BEFORE_CITY_GATE = r"\d[ \t]*,[ \t]*\d"

# European street names alone, with no house number: a fused type no English word ends with
# ("Goethestraße", "Tulpenplein", "Drottninggatan"), or a Romance/Romanian/Slavic type first
# and a capitalised name ("Rua Augusta", "Bulevardul Unirii", "Calle de Alcalá").
_EU_BARE_SUFFIX = T.alternation(T.EUROPEAN_BARE_SUFFIXES)
_EU_TYPE_WORD = rf"(?:{T.alternation(T.EUROPEAN_TYPE_WORDS)})"
_RO_BARE = T.alternation(w for w in T.cased(T.ROMANCE_BARE_TYPES) if not w.islower())
STREET_EU_BARE = (
    rf"(?<![\w'’.-])(?:{_EU_QUALIFIER}[{_UP}][\w'’-]{{2,}}?(?i:{_EU_BARE_SUFFIX})"
    rf"|{_EU_QUALIFIER}(?!{_STOP})[{_UP}][\w'’]+[ \t-]{_EU_TYPE_WORD}"
    rf"|(?:{_RO_BARE}){_WS}(?:{_RO_PARTICLE}[ \t]+|d['’])?{_RO_NAME})(?![\w'’-]){_UNIT}"
)
# A French type first and a person's name, with no number ("Avenue Victor Hugo", "Place Jean
# Jaurès"): counted when a word of the name is a known first name or surname.
_FR_NAMED_TYPES = (
    "AVENUE", "BOULEVARD", "PLACE", "QUAI", "COURS", "SQUARE", "ESPLANADE", "PROMENADE", "CITÉ",
    "ALLÉE", "IMPASSE", "PASSAGE", "RUE", "VILLA", "PARVIS", "CHEMIN",
)  # fmt: skip
_PERSON_WORD = rf"[{_UP}][a-zà-öø-ÿ]+(?:-[{_UP}][a-zà-öø-ÿ]+)?"
STREET_FR_NAMED = (
    rf"(?<![\w'’.-])(?:{T.alternation(w.capitalize() for w in _FR_NAMED_TYPES)}){_WS}"
    rf"(?P<person>{_PERSON_WORD}(?:{_WS}{_PERSON_WORD}){{1,2}})(?![\w'’-]){_UNIT}"
)
_CAPITAL_BEFORE = re.compile(rf"[{_UP}][\w'’.-]*[ \t]+\Z")
_FR_NAMED_GATE = rf"(?:{T.alternation(w.capitalize() for w in _FR_NAMED_TYPES)}){_WS}[{_UP}]"
_EU_BARE_GATE = (
    rf"(?i:{_EU_BARE_SUFFIX})(?![\w'’-])|[ \t-]{_EU_TYPE_WORD}(?![\w'’-])"
    rf"|(?<![\w'’-])(?:{_RO_BARE}){_WS}"
)

# Latin American grid addresses: "Calle 72 # 10-34", "Cra 18#41-12 B", "Carrera 15 No. 93-60".
_LATAM_TYPE = rf"(?:{T.alternation(w for w in T.cased(T.LATAM_GRID_TYPES) if not w.islower())})"
STREET_LATAM = (
    rf"(?<![\w'’.-]){_LATAM_TYPE}[ \t]*\d{{1,3}}[ \t]?[A-Z]?(?:[ \t]+(?i:bis|sur|este))?"
    r"[ \t]*(?:#|(?i:no|n[°º])\.?)[ \t]*\d{1,3}[ \t]?[A-Z]?[ \t]*-[ \t]*\d{1,3}"
    r"(?:[ \t]?[A-Z](?![\w'’]))?(?![\w'’-])"
)
_LATAM_GATE = r"\d[ \t]*(?:#|(?i:no|n[°º])\.?)[ \t]*\d{1,3}[ \t]?[A-Z]?[ \t]*-[ \t]*\d"

# Russian and Ukrainian street lines: a type before or after the name, then the house, building
# and flat ("ул. Лесная д. 10 кв. 4", "Речная наб., 34", "пр-т Мира, 5").
_CY_UP = "А-ЯЁІЇЄҐ"
_CY_WORD = rf"[{_CY_UP}][а-яёіїєґА-ЯЁІЇЄҐ'’-]*"
_CY_TYPE = rf"(?i:{T.alternation(T.CYRILLIC_STREET_TYPES)})(?![а-яё])"
_CY_HOUSE = (
    rf"(?:[ \t]*,?[ \t]*(?:(?i:{T.alternation(T.CYRILLIC_HOUSE_WORDS)})[ \t]*)?"
    r"\d{1,4}(?:[/-]\d{1,3})?[а-яА-Я]?(?![\w'’]))"
)
STREET_CYRILLIC = (
    rf"(?<![\w'’-])(?:{_CY_TYPE}[ \t]*{_CY_WORD}(?:[ \t]+{_CY_WORD})?"
    rf"|{_CY_WORD}(?:[ \t]+{_CY_WORD})?[ \t]+{_CY_TYPE})"
    rf"(?:{_CY_HOUSE}{{1,4}})?"
)
_CYRILLIC_GATE = rf"{_CY_TYPE}"

# After a European street line: a postcode and a city ("1017 GC Amsterdam", "00-238 Warszawa",
# "111 51 Stockholm", "1200-030 Lisboa", "191186 Санкт-Петербург"), or a city alone after a comma
# ("…, Brno"). The groups
# are named as in `_TAIL`; the ones a European tail never has are empty.
_EU_CITY = (
    rf"(?!{_NOT_CITY})[{_UP}А-ЯЁІЇЄҐ][\w'’.-]*"
    rf"(?:[ \t-]+(?!{_NOT_CITY})[{_UP}А-ЯЁІЇЄҐ][\w'’.-]*){{0,2}}"
    r"(?:[ \t]+\d{1,2}(?![\w'’-]))?"
)
_NO_US_GROUPS = "".join(
    f"(?P<{g}>(?!))?" for g in ("state", "state_low", "code", "zip", "zip_low", "country")
)
_EU_TAIL = re.compile(
    rf"(?:[ \t]*[,;]?[ \t]*(?P<zip_only>{_EU_ZIP})(?:[ \t]*,?[ \t]*(?P<city>{_EU_CITY}))?"
    rf"|[ \t]*,[ \t]*(?P<city_only>{_EU_CITY}){_LINE_CLOSE}){_NO_US_GROUPS}"
)
_EUROPEAN_PATTERNS = frozenset(
    {
        "street_name_first", "street_european", "street_eu_bare", "street_fr_named",
        "street_before_city", "street_latam", "street_cyrillic",
    }
)  # fmt: skip

# A number right after a box word is the box's, not a civic number ("PO Box 4471, Maple Falls").
_BOX_BEFORE = re.compile(
    r"(?i:\bbox|\bbx|\bpob|drawer|c\.[ \t]?p\.|postale|postfach)[ \t]*(?:#|no\.?)?[ \t]*\Z"
)

_BREAK = re.compile(r"[,;\n]")
# A place right after a street line is surer than spaCy's guess around it (0.85), which would
# otherwise swallow it ("West Shore Road, Warwick" as one LOCATION).
_TAIL_SCORE = 0.9

# Each pattern runs only on texts where its cheap gate finds something.
_GATES: dict[str, re.Pattern[str]] = {
    "po_box": re.compile(_BOX_GATE),
    "street_bare": re.compile(_BARE_GATE),
    "street_name_first": re.compile(_NAME_FIRST_GATE),
    "street_european": re.compile(_EUROPEAN_GATE),
    "street_eu_bare": re.compile(_EU_BARE_GATE),
    "street_fr_named": re.compile(_FR_NAMED_GATE),
    "street_before_city": re.compile(_BEFORE_CITY_GATE),
    "intersection": re.compile(_INTERSECTION_GATE),
    "street_latam": re.compile(_LATAM_GATE),
    "street_cyrillic": re.compile(_CYRILLIC_GATE),
}
_AFTER_CIVIC = re.compile(r"[^ \t,]+[ \t]*,?[ \t]+([^\W_][\w'’]*)")
# "1 ST WEEK", "3 RD floor": an ordinal written apart is no street name and type.
_SPLIT_ORDINAL = re.compile(r"(?<![\w.])(\d+)[ \t]+(st|nd|rd|th)\.?(?![\w'’])", re.IGNORECASE)


class StreetAddressRecognizer(ContextPatternRecognizer):
    """`1234 Main St`, `88 Pine Summit Turnpike`, `55 5th Ave, Suite 200`, `1234 rue
    Sainte-Catherine O, app. 5`, `PO Box 12`, `C.P. 123`, `Castle Street`, `Nassaustraat 123`,
    and the city, state and ZIP that follow (`…, Springfield, IL 62701`) as LOCATION and
    POSTAL_CODE."""

    ENTITY = STREET_ADDRESS
    PATTERNS = (
        Pattern("street", STREET, 0.7),
        Pattern("po_box", PO_BOX, 0.7),
        Pattern("street_bare", STREET_BARE, 0.65),
        Pattern("street_name_first", STREET_NAME_FIRST, 0.7),
        Pattern("street_european", STREET_EUROPEAN, 0.65),
        Pattern("street_eu_bare", STREET_EU_BARE, 0.6),
        Pattern("street_fr_named", STREET_FR_NAMED, 0.6),
        Pattern("street_before_city", STREET_BEFORE_CITY, 0.6),
        Pattern("intersection", INTERSECTION, 0.6),
        Pattern("street_latam", STREET_LATAM, 0.7),
        Pattern("street_cyrillic", STREET_CYRILLIC, 0.65),
    )
    CONTEXT = (
        "address", "live", "lives", "located", "moved", "ship", "billing", "mailing", "deliver",
        "adresse", "habite", "domicile", "at",
    )  # fmt: skip
    CONTEXT_BOOST = 0.3
    FLAGS = 0
    # 1.5x faster than `re`; on the 16,990 realdata texts and generated tickets the matches are
    # the same but for "6th ½ St" (see `ContextPatternRecognizer.ENGINE`)
    ENGINE = regex_engine

    def __init__(self) -> None:
        super().__init__()
        self.supported_entities = [STREET_ADDRESS, LOCATION, POSTAL_CODE]

    def analyze(
        self,
        text: str,
        entities: list[str],
        nlp_artifacts: NlpArtifacts | None = None,
        regex_flags: int | None = None,
    ) -> list[RecognizerResult]:
        """Matches of each pattern whose gate finds a trace in `text`: the street line (a unit
        written before the civic number joined to it) and the parts of the tail after it, scored
        with context as the base class does."""
        results: list[RecognizerResult] = []
        for pattern, regex in self._compiled:
            gate = _GATES.get(pattern.name)
            if gate is not None and not gate.search(text):
                continue
            done = 0  # the end of the last address: its ZIP starts no street
            for match in regex.finditer(text):
                start, end = match.span()
                if start < done or not self.validate_result(text[start:end]):
                    continue
                if pattern.name == "street" and _BOX_BEFORE.search(text, max(0, start - 20), start):
                    continue
                if pattern.name == "street_fr_named" and (
                    _CAPITAL_BEFORE.search(text, max(0, start - 40), start)
                    or not _names_a_person(match["person"])
                ):
                    continue  # "Marquette Avenue Northwest": English order, type after the name
                lead = _LEAD_UNIT.search(text, max(0, start - 40), start)
                start = lead.start() if lead else start
                tail = None
                if pattern.name in _EUROPEAN_PATTERNS:
                    tail = _EU_TAIL.match(text, end)
                tail = tail or _TAIL.match(text, end)
                done = tail.end() if tail else end
                score = self._score(text, start, done, pattern.score)
                if score is None:
                    continue
                # Without a comma, where the street ends and the city starts is a guess: the
                # city stays in the street's span.
                city = _city(tail)
                joined = city is not None and not _BREAK.search(text, end, city[0])
                if joined:
                    end = city[1]
                results.append(self._result(start, end, score, pattern))
                surer = max(score, _TAIL_SCORE)
                results.extend(
                    self._typed(entity, span, surer, pattern)
                    for entity, span in _tail_spans(tail, with_city=not joined)
                )
        return self.remove_duplicates(results)

    def _typed(
        self, entity: str, span: tuple[int, int], score: float, pattern: Pattern
    ) -> RecognizerResult:
        result = self._result(span[0], span[1], score, pattern)
        result.entity_type = entity
        return result

    def validate_result(self, pattern_text: str) -> bool:
        """A civic number followed by a quantity or a verb ("40 Minutes Walk") is no address, nor
        is an ordinal written apart ("1 ST WEEK")."""
        if any(_ordinal(int(m[1])) == m[2].lower() for m in _SPLIT_ORDINAL.finditer(pattern_text)):
            return False
        if not pattern_text[:1].isdigit():
            return True
        word = _AFTER_CIVIC.match(pattern_text)
        return word is None or word.group(1).casefold() not in _NOT_AFTER_NUMBER


def _tail_spans(
    match: re.Match[str] | None, with_city: bool = True
) -> list[tuple[str, tuple[int, int]]]:
    """What follows a street line, as (entity, span): the city with its state or province
    (LOCATION; a state code alone is no place name), the ZIP or postal code (POSTAL_CODE), the
    country (LOCATION). Without `with_city`, the city is left out (the street span holds it)."""
    if match is None:
        return []
    spans = []
    state = next((g for g in ("state", "state_low") if match.start(g) >= 0), None)
    city = _city(match)
    if with_city and city is not None:
        spans.append((LOCATION, (city[0], match.end(state) if state else city[1])))
    elif state == "state" and match.start("code") < 0:
        spans.append((LOCATION, match.span("state")))
    spans += [
        (POSTAL_CODE, match.span(g)) for g in ("zip", "zip_low", "zip_only") if match.start(g) >= 0
    ]
    if match.start("country") >= 0:
        spans.append((LOCATION, match.span("country")))
    return spans


def _names_a_person(words: str) -> bool:
    """Whether one of `words` is a known first name or surname (`detectors.names`) and none
    makes them a company's or a street's ("Baptist Church", "St Louis")."""
    names = gazetteer()
    parts = re.split(r"[ \t-]+", words)
    if any(names.is_company_word(word) for word in parts):
        return False
    return any(names.is_name(word) for word in parts)


def _city(match: re.Match[str] | None) -> tuple[int, int] | None:
    """The span of the city in a tail (`_TAIL` or `_EU_TAIL`), if it names one."""
    if match is None:
        return None
    for group in ("city", "city_only"):
        if group in match.re.groupindex and match.start(group) >= 0:
            return match.span(group)
    return None


def _ordinal(number: int) -> str:
    """The English ordinal suffix of `number`: st, nd, rd or th."""
    if number % 100 in (11, 12, 13):
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
