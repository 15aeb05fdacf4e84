"""Street lines: civic number + street name + street type, English and Québec French forms."""

from __future__ import annotations

from presidio_analyzer import Pattern

from detectors.entities import STREET_ADDRESS
from detectors.recognizers.base import ContextPatternRecognizer

_NUMBER = r"(?<![\w,.-])(?:\d{1,5}[- ])?\d{1,6}[A-Za-z]?"  # "1234", "5-1234", "12B"
# A capitalised name word ("Sainte-Catherine", "O'Connor"), not the unit that may follow.
_WORD = r"(?!(?:Apt|Apartment|Suite|Ste|Unit|App|Appt|Bureau|Room)\b)[A-ZÀ-Ý][\w'’.-]*"
_NAME = rf"(?:(?:\d{{1,3}}(?:st|nd|rd|th)|{_WORD})\s+){{1,4}}"  # "Main ", "5th ", "Saint Laurent "
_EN_TYPE = (
    r"(?:Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Drive|Dr|Lane|Ln|Way|Court|Ct|Place|Pl"
    r"|Terrace|Ter|Crescent|Cres|Highway|Hwy|Parkway|Pkwy|Circle|Cir|Square|Sq|Trail|Row|Allée)\.?"
)
_FR_TYPE = (
    r"(?:[Rr]ue|[Bb]oul\.?|[Bb]oulevard|[Aa]v\.|[Aa]venue|[Cc]hemin|[Cc]h\.|[Rr]oute|[Rr]ang"
    r"|[Mm]ontée|[Cc]ôte)"
)
_FR_PARTICLE = r"(?:(?:de la|de|du|des|la|le|l'|d')\s*)?"
_FR_NAME = rf"{_WORD}(?:[ -]{_WORD}){{0,3}}"
_DIRECTION = r"(?:\s+(?:N|S|E|W|NE|NW|SE|SW|North|South|East|West|O|Ouest|Est|Nord|Sud)\b\.?)?"
_UNIT = r"(?:,?\s+(?:Apt|Apartment|Suite|Ste|Unit|App|Appt|Bureau|Room|#)\.?\s*#?\s*\d+[A-Za-z]?)?"


# Street name then number, as in Dutch, German and Nordic addresses: "Nassaustraat 123".
_EU_SUFFIX = (
    r"(?:straat|strasse|straße|gasse|weg|laan|plein|gracht|gade|vej|väg|vägen|gatan|utca"
    r"|ulica|allee|platz|damm)"
)
STREET_EU = rf"(?<![\w-])[A-ZÀ-Ý][\w'’-]*{_EU_SUFFIX}\s+\d{{1,4}}[a-zA-Z]?(?!\w){_UNIT}"
STREET_EN = rf"{_NUMBER}\s+{_NAME}{_EN_TYPE}(?!\w){_DIRECTION}{_UNIT}"
STREET_FR = rf"{_NUMBER},?\s+{_FR_TYPE}\s+{_FR_PARTICLE}{_FR_NAME}{_DIRECTION}{_UNIT}"


class StreetAddressRecognizer(ContextPatternRecognizer):
    """`1234 Main St`, `55 5th Avenue, Suite 200`, `1234 Rue Sainte-Catherine O, Apt 5`,
    `800 boul. René-Lévesque`, `Nassaustraat 123`. Case matters: street names are capitalised."""

    ENTITY = STREET_ADDRESS
    PATTERNS = (
        Pattern("street_en", STREET_EN, 0.6),
        Pattern("street_fr", STREET_FR, 0.6),
        Pattern("street_eu", STREET_EU, 0.6),
    )
    CONTEXT = ("address", "live", "lives", "located", "moved", "ship", "billing", "adresse", "at")
    CONTEXT_BOOST = 0.3
    FLAGS = 0
