"""Postal addresses in free text: every street type class, units, PO boxes, civic suffixes.

Street names and numbers are invented for these tests; the types come from USPS Publication 28
and Canada Post's street type tables (`detectors.street_types`).
"""

from __future__ import annotations

import re

import pytest

from detectors import scan_texts
from detectors.street_types import (
    CANADA_POST_FR,
    NUMBERED_ROUTES,
    PO_BOXES,
    RURAL_ROUTES,
    UNIT_DESIGNATORS,
    USPS_SUFFIXES,
    alternation,
    street_types,
)


def addresses(text: str) -> list[str]:
    """The substrings `scan_texts` reports as STREET_ADDRESS in `text`."""
    return [span for span, entity in findings(text) if entity == "STREET_ADDRESS"]


def findings(text: str) -> list[tuple[str, str]]:
    """(substring, entity type) of every finding of `scan_texts` in `text`."""
    return [(text[f.start : f.end], f.entity_type) for f in scan_texts([text], "body")]


FOUND = [
    # (text, the address span reported)
    # USPS types the recognizer used to miss, capitalised as people write them
    ("Ship it to 88 Pine Summit Turnpike please", "88 Pine Summit Turnpike"),
    ("new address: 4410 Willow Radial", "4410 Willow Radial"),
    ("We moved to 17 Heron Estates last May", "17 Heron Estates"),
    ("Technician went to 230 Maple Plains today", "230 Maple Plains"),
    ("Deliver the router to 9 Cedar Pines", "9 Cedar Pines"),
    ("Billing address is 1200 Lakeside Views", "1200 Lakeside Views"),
    ("she lives at 56 Quarry Path", "56 Quarry Path"),
    ("the modem is at 71 Sparrow Meadow", "71 Sparrow Meadow"),
    ("cottage at 15 Juniper Island", "15 Juniper Island"),
    ("office at 402 Ashford Mount", "402 Ashford Mount"),
    ("mail it to 3 GLENROCK KNLS", "3 GLENROCK KNLS"),  # standard abbreviation, upper case
    ("Customer at 6 Birchwood Xing called", "6 Birchwood Xing"),  # XING = Crossing
    # lower case, as typed in a hurry
    ("send the sim to 88 pine summit tpke", "88 pine summit tpke"),
    ("i live at 310 n maple ave apt 4", "310 n maple ave apt 4"),
    ("my address is 42 quarry path sw", "42 quarry path sw"),  # everyday word + directional
    # Canadian English types
    ("Moved to 2602 Bloor St W last week", "2602 Bloor St W"),
    ("address 55 Harbour Crescent", "55 Harbour Crescent"),
    ("at 1400 Spruce Close", "1400 Spruce Close"),
    ("ship to 300 Oak Ridge Pkwy", "300 Oak Ridge Pkwy"),
    # French types before the name
    ("J'habite au 1234 rue Sainte-Catherine Ouest depuis mai", "1234 rue Sainte-Catherine Ouest"),
    ("envoyez au 800 boul. René-Lévesque O", "800 boul. René-Lévesque O"),
    ("adresse : 45 chemin de la Côte-des-Neiges", "45 chemin de la Côte-des-Neiges"),
    ("livraison au 12, montée du Moulin", "12, montée du Moulin"),
    ("ferme au 7 rang Saint-Joseph", "7 rang Saint-Joseph"),
    ("bureau au 3 côte de la Fabrique", "3 côte de la Fabrique"),
    ("chez moi, 22 impasse des Lilas", "22 impasse des Lilas"),
    ("au 600 croissant des Érables", "600 croissant des Érables"),
    ("au 150 allée des Pins", "150 allée des Pins"),
    ("au 80 promenade du Portage", "80 promenade du Portage"),
    ("au 9 place d'Youville", "9 place d'Youville"),
    ("au 31 terrasse Dufferin", "31 terrasse Dufferin"),
    ("au 4500 route Marie-Victorin", "4500 route Marie-Victorin"),
    # units after the street, and before it
    ("office at 55 5th Ave Suite 200", "55 5th Ave Suite 200"),
    ("at 77 Elm St NE, Unit 3B", "77 Elm St NE, Unit 3B"),
    ("at 12 Oak St # 12", "12 Oak St # 12"),
    ("au 1500 rue Peel, bureau 300", "1500 rue Peel, bureau 300"),
    ("au 6 rue Laurier app. 4", "6 rue Laurier app. 4"),
    ("at Apt 1B 626 E Kilbourn Ave", "Apt 1B 626 E Kilbourn Ave"),
    ("Suite 5, 1200 Birch Blvd", "Suite 5, 1200 Birch Blvd"),
    # PO boxes and rural routes
    ("remit to PO Box 1234", "PO Box 1234"),
    ("mail to P.O. Box 77 please", "P.O. Box 77"),
    ("écrivez à C.P. 123", "C.P. 123"),
    ("écrivez à la Case postale 456", "Case postale 456"),
    ("farm at RR 2 Box 15", "RR 2 Box 15"),
    # civic numbers with suffixes
    ("at 123A Birch Ln", "123A Birch Ln"),
    ("at 12-1/2 Elm St", "12-1/2 Elm St"),
    ("at 1234-B Oak Avenue", "1234-B Oak Avenue"),
    ("au 5-1234 rue Notre-Dame O", "5-1234 rue Notre-Dame O"),  # unit-civic, Québec style
    # numbered routes
    ("farm at 3313 Hwy. 31", "3313 Hwy. 31"),
]


@pytest.mark.parametrize(("text", "span"), FOUND, ids=[span for _, span in FOUND])
def test_address_found(text: str, span: str) -> None:
    """Each street type class, unit, PO box and civic suffix is reported as one address span."""
    assert span in addresses(text)


TAILS = [
    # (text, the street line, then what follows it: city with its state or province, the code)
    (
        "Please update my address to 12 main st, springfield, il 62701.",
        [
            ("12 main st", "STREET_ADDRESS"),
            ("springfield, il", "LOCATION"),
            ("62701", "POSTAL_CODE"),
        ],
    ),  # lower case: spaCy sees no place here
    (
        "ship to 1234 rue Saint-Denis, Montréal (Québec) H2X 3K8",
        [
            ("1234 rue Saint-Denis", "STREET_ADDRESS"),
            ("Montréal (Québec)", "LOCATION"),
            ("H2X 3K8", "POSTAL_CODE"),
        ],
    ),
    (
        "remit to PO Box 4471, Maple Falls, WA 98266-1234 USA",
        [
            ("PO Box 4471", "STREET_ADDRESS"),
            ("Maple Falls, WA", "LOCATION"),
            ("98266-1234", "POSTAL_CODE"),
            ("USA", "LOCATION"),
        ],
    ),
]


@pytest.mark.parametrize(("text", "expected"), TAILS, ids=[t[1][0][0] for t in TAILS])
def test_city_state_and_code_after_a_street(text: str, expected: list[tuple[str, str]]) -> None:
    """The city (with its state) and the code after a street line are reported with their own
    types, even in lower case where spaCy sees no place."""
    found = findings(text)
    assert [item for item in expected if item in found] == expected


NOT_ADDRESSES = [
    "the main path of the project is clear",  # a type word in prose
    "it was a long drive home",  # idem
    "it was a 5 mile drive",  # a number, a quantity, a type word
    "I waited 40 Minutes on hold",  # number + capitalised words, no type
    "Your bill is 45.50 this month, paid by card",  # an amount
    "paid $120 Lake View fees",  # an amount is no civic number
    "2 way calling does not work",  # "way" after a number
    "the router reboots 3 times a day",  # a quantity
    "We offer 12 Plans to choose from",  # no type
    "Win 2 free tickets to the park",  # spam phrasing
    "tried 3 different lanes of the highway",  # everyday words only
    "Go to Settings and press 2 to continue",  # a menu
    "HOPE U HAD A GOOD DAY, 2 STOP TXT STOP",  # shouting SMS
    "NICE 2 CATCH UP BUT WE AVE 2 FIND MORE TIME MORE OFTEN OH WELL",  # idem, "OH" no state
    "HEY MATE! DID U AVE GOOD HOLIDAY?",  # "AVE" after a verb
    "Your statement shows 800 un-redeemed S. I. M. points",  # initials are no state
    "Just 20p per min, call now",  # pence, not a civic number
    "COMIN 2 BRISTOL 1 ST WEEK IN APRIL",  # an ordinal written apart
]


@pytest.mark.parametrize("text", NOT_ADDRESSES)
def test_not_an_address(text: str) -> None:
    """Prose with type words, amounts and quantities is not reported as an address."""
    assert addresses(text) == []


def test_tables_hold_the_publications_types() -> None:
    """USPS C1 primary names and Canada Post's French types are data, with their abbreviations."""
    assert {"TURNPIKE", "RADIAL", "SUMMIT", "PLAINS", "ESTATES", "VIEWS"} <= set(USPS_SUFFIXES)
    assert USPS_SUFFIXES["TURNPIKE"][0] == "TPKE"
    assert {"RUE", "CHEMIN", "MONTÉE", "CÔTE", "RANG", "IMPASSE"} <= set(CANADA_POST_FR)
    assert CANADA_POST_FR["BOULEVARD"][0] == "BOUL"


@pytest.mark.parametrize(
    "words",
    [sorted(street_types()), RURAL_ROUTES, PO_BOXES, NUMBERED_ROUTES, UNIT_DESIGNATORS],
    ids=["street types", "rural routes", "PO boxes", "numbered routes", "units"],
)
def test_alternation_matches_each_word_and_no_unlisted_prefix(words: tuple[str, ...]) -> None:
    """The compact (trie) alternation the patterns embed accepts exactly the listed words."""
    regex = re.compile(rf"(?:{alternation(words)})\Z")
    listed = set(words)
    assert all(regex.match(word) for word in words)
    prefixes = {w[:cut] for w in words for cut in range(1, len(w))} - listed
    assert not [p for p in prefixes if not p.endswith((" ", ".")) and regex.match(p)]
