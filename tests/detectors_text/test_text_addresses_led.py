"""Addresses announced by a lead word, units alone and postcodes after a country (recall point).

Cases written for these tests, in the shapes of address generators and of tickets."""

from __future__ import annotations

import pytest

from detectors.recognizers.address_lead import AddressLeadRecognizer
from detectors.recognizers.place_gazetteer import PlaceGazetteerRecognizer
from detectors.settings import DetectionSettings
from detectors.text import scan_texts


def _led(text: str) -> list[str]:
    return [text[r.start : r.end] for r in AddressLeadRecognizer().analyze(text, [])]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # street names of any country, lower case, no street type: the lead says it
        ("she gave me her address: 12 dlouhá třída 7, hranice", ["12 dlouhá třída 7, hranice"]),
        ("Mark Roe lives at 31 Kaare 5, Tõrva", ["31 Kaare 5, Tõrva"]),
        ("Please ship to 9 Korvapuusti 14\nLohja\n Finland 08100 for the spare SIM",
         ["9 Korvapuusti 14\nLohja\n Finland 08100"]),  # across lines, up to "for"
        ("What is your address? it is 7 Ostrava Lane 3 SUCHDOL Chile",
         ["7 Ostrava Lane 3 SUCHDOL Chile"]),
        ("Mon adresse est 4 impasse des Tilleuls, 69003 Lyon. Merci", [
            "impasse des Tilleuls", "4 impasse des Tilleuls, 69003 Lyon"]),  # the longer wins
        ("ship it to 5 Elm Rd, call me at 555-0142", ["5 Elm Rd"]),  # stops at "call"
        ("the office moved to 2 Harbour View Apt. 12 yesterday", ["Apt. 12",
                                                                   "2 Harbour View Apt. 12"]),
    ],
)
def test_addresses_after_a_lead(text: str, expected: list[str]) -> None:
    assert _led(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "my address changed 3 weeks ago",  # a word between the lead and the number
        "send STOP to 87077 to opt out",  # "send to" is no address lead; a number alone
        "The suite 2 plan costs more",  # "suite" in lower case is no unit
        "billing address: 4111 1111 1111 1111",  # numbers only: no address
    ],
)
def test_no_address_without_lead_and_words(text: str) -> None:
    assert _led(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("il habite rue de Bretonneux depuis mai", ["rue de Bretonneux"]),
        ("un café boulevard Saint-Malo, près du square des Lilas", ["boulevard Saint-Malo",
                                                                    "square des Lilas"]),
        ("rendez-vous place Kléber à midi", ["place Kléber"]),
        ("à la place de Jean, un cours de Français", []),  # everyday "place de", "cours de"
    ],
)
def test_french_streets_named_without_a_number(text: str, expected: list[str]) -> None:
    assert _led(text) == expected


def test_postcode_after_a_country_but_not_a_year() -> None:
    recognizer = PlaceGazetteerRecognizer()
    text = "Kaplice 1 ??? Iceland 80392; we moved to France 2019"
    found = [(text[r.start : r.end], r.entity_type) for r in recognizer.analyze(text, [])]
    assert ("80392", "POSTAL_CODE") in found
    assert ("2019", "POSTAL_CODE") not in found


@pytest.mark.slow
def test_a_led_address_is_masked_whole_at_the_recall_point_only() -> None:
    text = "Mark Roe lives at 31 Kaare 5, Tõrva since May"
    recall = scan_texts([text], "body", DetectionSettings(operating_point="recall"))
    spans = [(text[f.start : f.end], f.entity_type) for f in recall]
    assert ("31 Kaare 5, Tõrva", "STREET_ADDRESS") in spans
    precision = scan_texts([text], "body")
    assert "31 Kaare 5, Tõrva" not in [text[f.start : f.end] for f in precision]
