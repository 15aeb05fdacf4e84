"""Labelled public text sets (`../shared/realdata`) as spans, and how detections are scored on them.

Each set is read at run time from the shared folder (much of it is copyleft: nothing is copied
into the repository) and turned into `LabelledText`s: a text plus labelled spans in our entity
vocabulary (`*_ENTITIES` tables below; labels outside our vocabulary are left out).

Scoring (`score_set`), per labelled entity type:
- **recall**: a labelled span is recalled when detected spans of an accepted type cover at least
  `MASKED_SHARE` (2/3) of its significant characters: digits for PHONE_NUMBER and CREDIT_CARD
  (an extension or a visible last four do not identify), letters and digits otherwise. Accepted
  types are the label's own, except that STREET_ADDRESS, LOCATION and POSTAL_CODE accept one
  another (Presidio has no street type: it tags addresses LOCATION);
- **precision**: a detected span is correct when it overlaps, by any amount, a labelled span that
  accepts its type; detected types the set never labels are counted apart (`unlabelled`);
- **left in clear**: a labelled span is left in clear when the spans a delivery masks, of *any*
  type, together cover less than `MASKED_SHARE` of its significant characters (the masked spans
  are the detected ones unless the caller says otherwise: our deliveries keep dates in clear and
  add the validated identifiers of the sweep).
"""

from __future__ import annotations

import csv
import json
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from detectors import entities as E
from detectors.errors import UnreadableFileError

MASKED_SHARE = 2 / 3
ADDRESS_FAMILY = frozenset({E.STREET_ADDRESS, E.LOCATION, E.POSTAL_CODE})
_DIGITS_ONLY = frozenset({E.PHONE_NUMBER, E.CREDIT_CARD})

# DataFog's labelled cases -> ours (SSN, ORGANIZATION, DE_VAT_ID are outside our vocabulary).
DATAFOG_ENTITIES: Mapping[str, str] = {
    "PERSON": E.PERSON,
    "LOCATION": E.LOCATION,
    "ADDRESS": E.STREET_ADDRESS,
    "ZIP_CODE": E.POSTAL_CODE,
    "EMAIL": E.EMAIL_ADDRESS,
    "PHONE": E.PHONE_NUMBER,
    "CREDIT_CARD": E.CREDIT_CARD,
    "IP_ADDRESS": E.IP_ADDRESS,
    "DE_IBAN": E.IBAN_CODE,
    "DATE": E.DATE_TIME,
}
# usaddress token labels -> ours; Recipient (people or firms), BuildingName, LandmarkName and
# NotAddress are left out. Consecutive tokens of one entity make one span.
USADDRESS_ENTITIES: Mapping[str, str] = {
    **dict.fromkeys(
        (
            "AddressNumber", "AddressNumberPrefix", "AddressNumberSuffix", "StreetName",
            "StreetNamePreDirectional", "StreetNamePreModifier", "StreetNamePreType",
            "StreetNamePostDirectional", "StreetNamePostModifier", "StreetNamePostType",
            "OccupancyType", "OccupancyIdentifier", "SubaddressType", "SubaddressIdentifier",
            "USPSBoxType", "USPSBoxID", "USPSBoxGroupType", "USPSBoxGroupID",
            "IntersectionSeparator", "CornerOf",
        ),
        E.STREET_ADDRESS,
    ),
    **dict.fromkeys(("PlaceName", "StateName", "CountryName"), E.LOCATION),
    **dict.fromkeys(("ZipCode", "ZipPlus4"), E.POSTAL_CODE),
}  # fmt: skip
# libpostal / pelias components -> ours; house/venue (a firm or a place name), category and
# near are left out. Components of one entity separated only by spaces/commas make one span.
LIBPOSTAL_ENTITIES: Mapping[str, str] = {
    **dict.fromkeys(
        ("house_number", "road", "unit", "level", "staircase", "entrance", "po_box"),
        E.STREET_ADDRESS,
    ),
    **dict.fromkeys(
        ("suburb", "city_district", "city", "island", "state_district", "state",
         "country_region", "country", "world_region"),
        E.LOCATION,
    ),
    "postcode": E.POSTAL_CODE,
}  # fmt: skip
PELIAS_ENTITIES: Mapping[str, str] = {
    "housenumber": E.STREET_ADDRESS,
    "street": E.STREET_ADDRESS,
    "unit": E.STREET_ADDRESS,
    "locality": E.LOCATION,
    "region": E.LOCATION,
    "dependency": E.LOCATION,
    "country": E.LOCATION,
    "postcode": E.POSTAL_CODE,
}

# Card rows: what upstream asserts a card to be, and what it asserts is not one.
_CARD_POSITIVE = frozenset({"brand", "valid", "luhn_valid"})
_CARD_NEGATIVE = frozenset({"invalid", "not_brand", "luhn_invalid"})
CARD_SENTENCE = "Please use {} for the bill."
# libphonenumber rows: numbers upstream parses or finds (kept when valid under the real numbering
# plans), and strings it refuses; leniency-only cases (matcher_valid/possible_only) are left out.
_PHONE_POSITIVE = frozenset(
    {"parses_to", "found_in_context", "matcher_strict_grouping", "matcher_exact_grouping"}
)
_PHONE_NEGATIVE = frozenset({"parse_error", "matcher_impossible"})
PHONE_SENTENCES = ("Phone: {}", "You can call me at {} after 5.", "Mon portable : {}")
_SEPARATOR_ONLY = re.compile(r"[\s,;]*")


@dataclass(frozen=True)
class Label:
    """A labelled span in our vocabulary."""

    start: int
    end: int
    entity_type: str


@dataclass(frozen=True)
class LabelledText:
    """One text and its labelled spans (none for a negative)."""

    text: str
    labels: tuple[Label, ...] = ()


class SpanLike(Protocol):
    start: int
    end: int
    entity_type: str


@dataclass(frozen=True)
class Detected:
    """A detected span as an engine reported it (after its own threshold)."""

    start: int
    end: int
    entity_type: str


@dataclass(frozen=True)
class EntityCounts:
    """One entity type in one set: labelled, recalled, detected, correct and left in clear."""

    entity_type: str
    labelled: int
    recalled: int
    predicted: int
    correct: int
    in_clear: int

    @property
    def recall(self) -> float:
        return self.recalled / self.labelled if self.labelled else 1.0

    @property
    def precision(self) -> float:
        return self.correct / self.predicted if self.predicted else 1.0

    @property
    def f2(self) -> float:
        p, r = self.precision, self.recall
        return 5 * p * r / (4 * p + r) if p + r else 0.0

    @property
    def in_clear_share(self) -> float:
        return self.in_clear / self.labelled if self.labelled else 0.0


@dataclass(frozen=True)
class SetScore:
    """One engine's scores on one set; `unlabelled` counts detections of unlabelled types."""

    name: str
    texts: int
    entities: tuple[EntityCounts, ...]
    unlabelled: Mapping[str, int] = field(default_factory=dict)

    @property
    def labelled(self) -> int:
        return sum(e.labelled for e in self.entities)

    @property
    def in_clear(self) -> int:
        return sum(e.in_clear for e in self.entities)

    def entity(self, entity_type: str) -> EntityCounts:
        for counts in self.entities:
            if counts.entity_type == entity_type:
                return counts
        known = ", ".join(c.entity_type for c in self.entities) or "none"
        raise KeyError(f"{self.name} labels no {entity_type!r}; labelled types: {known}")


def accepted_types(entity_type: str) -> frozenset[str]:
    """Detected types that count for a label of `entity_type` (the address family shares)."""
    return ADDRESS_FAMILY if entity_type in ADDRESS_FAMILY else frozenset({entity_type})


def covered_share(text: str, label: Label, spans: Iterable[SpanLike]) -> float:
    """Share of the label's significant characters inside the union of `spans` (0..1)."""
    keep = str.isdigit if label.entity_type in _DIGITS_ONLY else str.isalnum
    positions = [i for i in range(label.start, label.end) if keep(text[i])]
    if not positions:
        positions = list(range(label.start, label.end))
    if not positions:
        return 0.0
    covered = [False] * (label.end - label.start)
    for s in spans:
        for i in range(max(s.start, label.start), min(s.end, label.end)):
            covered[i - label.start] = True
    return sum(covered[i - label.start] for i in positions) / len(positions)


def is_masked(text: str, label: Label, spans: Iterable[SpanLike]) -> bool:
    """True when `spans` together cover at least `MASKED_SHARE` of the label (see module doc)."""
    return covered_share(text, label, spans) >= MASKED_SHARE - 1e-9


def score_set(
    name: str,
    items: Sequence[LabelledText],
    detected: Sequence[Sequence[SpanLike]],
    masked: Sequence[Sequence[SpanLike]] | None = None,
) -> SetScore:
    """Score one engine on a labelled set: `detected` spans per text (same order) give recall and
    precision; `masked` spans per text (what a delivery replaces; `detected` when None) give the
    values left in clear."""
    masked = detected if masked is None else masked
    if not len(items) == len(detected) == len(masked):
        raise ValueError(
            f"{name}: {len(detected)} detection lists and {len(masked)} masked lists for "
            f"{len(items)} texts; give one of each per text"
        )
    labelled_types = sorted({lb.entity_type for item in items for lb in item.labels})
    counts = {t: [0, 0, 0, 0, 0] for t in labelled_types}  # labelled, recalled, pred, ok, clear
    unlabelled: Counter[str] = Counter()
    for item, spans, hidden in zip(items, detected, masked, strict=True):
        for label in item.labels:
            row = counts[label.entity_type]
            accepted = accepted_types(label.entity_type)
            row[0] += 1
            row[1] += is_masked(item.text, label, [s for s in spans if s.entity_type in accepted])
            row[4] += not is_masked(item.text, label, hidden)
        for span in spans:
            if span.entity_type not in counts:
                unlabelled[span.entity_type] += 1
                continue
            row = counts[span.entity_type]
            row[2] += 1
            row[3] += any(
                span.entity_type in accepted_types(lb.entity_type)
                and span.start < lb.end
                and lb.start < span.end
                for lb in item.labels
            )
    return SetScore(
        name,
        len(items),
        tuple(EntityCounts(t, *counts[t]) for t in labelled_types),
        dict(sorted(unlabelled.items())),
    )


# --- the sets -------------------------------------------------------------------------------


def _read(path: Path) -> str:
    if not path.is_file():
        raise UnreadableFileError(
            f"{path} not found: the realdata set needs it; check ../shared/realdata "
            "(see its README.md) or leave this set out with --sets"
        )
    return path.read_text(encoding="utf-8")


def _jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in _read(path).splitlines() if line.strip()]


def _merged(text: str, parts: Iterable[tuple[int, int, str]]) -> tuple[Label, ...]:
    """Labels from (start, end, entity) parts; neighbours of one entity separated only by
    spaces, commas or semicolons become one span ("Anchor Point, AK")."""
    labels: list[Label] = []
    for start, end, entity in sorted(parts):
        last = labels[-1] if labels else None
        if (
            last
            and last.entity_type == entity
            and last.end <= start
            and _SEPARATOR_ONLY.fullmatch(text, last.end, start)
        ):
            labels[-1] = Label(last.start, end, entity)
        else:
            labels.append(Label(start, end, entity))
    return tuple(labels)


def load_generated_small(root: Path) -> list[LabelledText]:
    """presidio-research `generated_small.json` (entity names mapped as `score_pii_labeled`)."""
    # Imported here: evaluation_text loads the analyzer, and this module stays light enough for
    # a process that must build Presidio's default engine before ours is imported.
    from detectors.evaluation_text import PRESIDIO_RESEARCH_ENTITIES

    samples = json.loads(_read(root / "pii_labeled" / "presidio-research" / "generated_small.json"))
    return [
        LabelledText(
            s["full_text"],
            tuple(
                Label(sp["start_position"], sp["end_position"], ours)
                for sp in s["spans"]
                if (ours := PRESIDIO_RESEARCH_ENTITIES.get(sp["entity_type"]))
            ),
        )
        for s in samples
    ]


def load_datafog(root: Path) -> list[LabelledText]:
    """DataFog's labelled structured/unstructured/mixed cases, edge cases and negatives."""
    items = []
    for name in ("structured_pii", "unstructured_pii", "mixed_pii", "edge_cases", "negative_cases"):
        for case in json.loads(_read(root / "pii_labeled" / "datafog" / f"{name}.json")):
            if not case["input"].strip():
                continue
            labels = tuple(
                Label(e["start"], e["end"], ours)
                for e in case["expected_entities"]
                if (ours := DATAFOG_ENTITIES.get(e["type"]))
            )
            items.append(LabelledText(case["input"], labels))
    return items


def _span_records(path: Path) -> list[LabelledText]:
    return [
        LabelledText(r["text"], tuple(Label(s["start"], s["end"], s["label"]) for s in r["spans"]))
        for r in _jsonl(path)
    ]


def load_wnut17(root: Path) -> list[LabelledText]:
    """WNUT-17 test tweets and posts: PERSON and LOCATION."""
    return _span_records(root / "ner_en" / "wnut17_test.jsonl")


def load_europeana_fr(root: Path) -> list[LabelledText]:
    """French newspaper OCR (Europeana, BnF): PERSON and LOCATION."""
    return _span_records(root / "ner_fr" / "europeana_bnf_fr_2000.jsonl")


def load_usaddress(root: Path) -> list[LabelledText]:
    """usaddress hand-labelled US address strings, tokens grouped per entity."""
    items = []
    for r in _jsonl(root / "addresses" / "usaddress_labeled.jsonl"):
        parts = [
            (start, end, ours)
            for (start, end), label in zip(r["token_offsets"], r["labels"], strict=True)
            if (ours := USADDRESS_ENTITIES.get(label))
        ]
        items.append(LabelledText(r["text"], _merged(r["text"], parts)))
    return items


def _components(path: Path, key: str, table: Mapping[str, str]) -> list[LabelledText]:
    items = []
    for r in _jsonl(path):
        parts = [
            (c["start"], c["end"], ours)
            for c in r[key]
            if c["start"] is not None and (ours := table.get(c["label"]))
        ]
        items.append(LabelledText(r["text"], _merged(r["text"], parts)))
    return items


def load_libpostal(root: Path) -> list[LabelledText]:
    """libpostal parser test cases, 26 countries."""
    return _components(
        root / "addresses" / "libpostal_parser_tests.jsonl", "components", LIBPOSTAL_ENTITIES
    )


def load_pelias(root: Path) -> list[LabelledText]:
    """pelias parser test cases (first expected solution), 18 countries."""
    return _components(
        root / "addresses" / "pelias_parser_tests.jsonl", "expected", PELIAS_ENTITIES
    )


def load_probablepeople(root: Path) -> list[LabelledText]:
    """Names as written in US public records: a person's whole string is one PERSON span;
    corporation names are negatives."""
    items = []
    for r in _jsonl(root / "names" / "probablepeople_labeled.jsonl"):
        offsets = r["token_offsets"]
        labels = (
            (Label(offsets[0][0], offsets[-1][1], E.PERSON),)
            if r["kind"] == "person" and offsets
            else ()
        )
        items.append(LabelledText(r["text"], labels))
    return items


def _card_rows(root: Path) -> tuple[list[str], list[str]]:
    """Card numbers as written upstream: (positives, negatives), each distinct.

    Positives are Luhn-valid 12-19 digit numbers upstream asserts are cards (`brand`, `valid`,
    `luhn_valid`); negatives are Luhn-invalid rows it asserts are not. Rows that are only brand
    prefixes, or Luhn-valid numbers upstream refuses for brand rules, are in neither.
    """
    positives: dict[str, None] = {}
    negatives: dict[str, None] = {}
    for name in (
        "activemerchant_card_cases", "braintree_card_validator_cases",
        "dojox_creditcard_cases", "inacho_php_credit_card_validator_cases",
    ):  # fmt: skip
        for r in json.loads(_read(root / "cards" / f"{name}.json")):
            raw = str(r["raw"]).strip()
            if not raw or r.get("asserted") is False:
                continue
            if r["expect"] in _CARD_POSITIVE and r["luhn_valid"] and 12 <= r["length"] <= 19:
                positives[raw] = None
            elif r["expect"] in _CARD_NEGATIVE and not r["luhn_valid"]:
                negatives[raw] = None
    return list(positives), [n for n in negatives if n not in positives]


def _framed(values: Iterable[str], template: str, entity: str | None) -> list[LabelledText]:
    items = []
    for value in values:
        start = template.index("{}")
        labels = (Label(start, start + len(value), entity),) if entity else ()
        items.append(LabelledText(template.format(value), labels))
    return items


def load_cards_cell(root: Path) -> list[LabelledText]:
    """The card suites' numbers alone, as a cell of a column would hold them."""
    positives, negatives = _card_rows(root)
    return _framed(positives, "{}", E.CREDIT_CARD) + _framed(negatives, "{}", None)


def load_cards_text(root: Path) -> list[LabelledText]:
    """The same numbers inside a sentence (`CARD_SENTENCE`)."""
    positives, negatives = _card_rows(root)
    return _framed(positives, CARD_SENTENCE, E.CREDIT_CARD) + _framed(
        negatives, CARD_SENTENCE, None
    )


def load_phones_libphonenumber(root: Path) -> list[LabelledText]:
    """libphonenumber's written test numbers, each after a phone word (`PHONE_SENTENCES`, in
    turn): upstream parses them for a given region, which a text scanner is not told.

    Positives: rows upstream parses or finds that are valid under the real numbering plans;
    negatives: rows it refuses (`parse_error`, `matcher_impossible`: dates, short runs).
    """
    rows = _jsonl(root / "phones_written" / "libphonenumber_test_strings.jsonl")
    seen: set[str] = set()
    items = []
    for r in rows:
        text = r["text"].strip()
        if not text or text in seen:
            continue
        real = r.get("real_metadata") or {}
        if r["expect"] in _PHONE_POSITIVE and real.get("is_valid"):
            entity: str | None = E.PHONE_NUMBER
        elif r["expect"] in _PHONE_NEGATIVE:
            entity = None
        else:
            continue
        seen.add(text)
        template = PHONE_SENTENCES[len(items) % len(PHONE_SENTENCES)]
        items.extend(_framed([text], template, entity))
    return items


def _recognizers_text(root: Path, english: bool) -> list[LabelledText]:
    rows = _jsonl(root / "phones_written" / "recognizers_text_phone_specs.jsonl")
    return [
        LabelledText(
            r["text"], tuple(Label(s["start"], s["end"], E.PHONE_NUMBER) for s in r["spans"])
        )
        for r in rows
        if (r["lang"] == "English") == english
    ]


def load_phones_rt_en(root: Path) -> list[LabelledText]:
    """Recognizers-Text phone specs in English, with their negatives (SSNs, ids, dates)."""
    return _recognizers_text(root, english=True)


def load_phones_rt_other(root: Path) -> list[LabelledText]:
    """Recognizers-Text phone specs in the other 11 languages (mostly Chinese, Portuguese)."""
    return _recognizers_text(root, english=False)


def load_sms(root: Path) -> list[LabelledText]:
    """5,574 real SMS messages, unlabelled: every detection there is counted, none scored."""
    path = root / "support_text" / "sms_spam_collection" / "SMSSpamCollection"
    reader = csv.reader(_read(path).splitlines(), delimiter="\t", quoting=csv.QUOTE_NONE)
    rows = [row for row in reader if len(row) == 2]
    return [LabelledText(text) for label, text in rows[1:] if text.strip()]


SETS: Mapping[str, Callable[[Path], list[LabelledText]]] = {
    "pii_generated_small": load_generated_small,
    "pii_datafog": load_datafog,
    "ner_en_wnut17": load_wnut17,
    "ner_fr_europeana": load_europeana_fr,
    "addresses_usaddress": load_usaddress,
    "addresses_libpostal": load_libpostal,
    "addresses_pelias": load_pelias,
    "names_probablepeople": load_probablepeople,
    "cards_cell": load_cards_cell,
    "cards_text": load_cards_text,
    "phones_libphonenumber": load_phones_libphonenumber,
    "phones_rt_en": load_phones_rt_en,
    "phones_rt_other": load_phones_rt_other,
    "support_sms": load_sms,
}


def select_sets(names: Sequence[str] | None) -> list[str]:
    """Set names for `names`; a group prefix ("addresses", "cards", "phones") selects its sets.

    Raises `ValueError` listing the known names when one matches nothing.
    """
    if not names:
        return list(SETS)
    chosen: list[str] = []
    for name in names:
        matches = [s for s in SETS if s == name or s.startswith(name + "_")]
        if not matches:
            raise ValueError(f"unknown set {name!r}; known sets: {', '.join(SETS)}")
        chosen.extend(matches)
    return [s for s in SETS if s in chosen]
