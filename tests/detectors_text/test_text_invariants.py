"""Laws that hold for any input: offsets in bounds, no overlaps, batching changes nothing."""

from __future__ import annotations

import importlib
import inspect
import itertools
import pkgutil

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from presidio_analyzer import EntityRecognizer

import detectors.recognizers as recognizers_pkg
from detectors.entities import ALL_ENTITIES
from detectors.recognizers import CREDIT_CARD_MASKED, telecom_recognizers
from detectors.settings import DetectionSettings
from detectors.text import scan_texts

# Fragments that exercise many recognizers at once; hypothesis joins them in any order.
FRAGMENTS = [
    "call", "514-555-0199", "+1 (514) 555-0199", "jane@example.com", "sip:jane@example.org",
    "4111 1111 1111 1111", "IMEI", "490154203237518", "PIN", "4821", "password is", "Hunter2!",
    "1234 Main St", "Montréal, QC", "H3B 2Y5", "192.0.2.10", "2001:db8::1", "Jane Roe", "\n",
    "Thanks,", "ACCT-10023456", "1700000000.1234", "**** 1234", ".", ",", " ",
    "SIN", "046 454 286", "130692544", "jdoe [at] example [dot] com", "at", "dot", "com",
]
texts = st.lists(st.sampled_from(FRAGMENTS), max_size=12).map(" ".join)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(st.none(), texts), max_size=5), st.integers(0, 1000))
def test_findings_are_in_bounds_disjoint_and_independent_of_batching(
    rows: list[str | None], offset: int
) -> None:
    """Each finding lies in its row's text, findings of a row never overlap, and scanning the
    rows together gives what scanning each alone gives."""
    together = scan_texts(rows, "body", row_offset=offset)
    alone = [
        f
        for i, text in enumerate(rows)
        for f in scan_texts([text], "body", row_offset=offset + i)
    ]
    assert together == alone
    by_row: dict[int, list[tuple[int, int]]] = {}
    for f in together:
        text = rows[f.row - offset]
        assert text is not None and 0 <= f.start < f.end <= len(text)
        by_row.setdefault(f.row, []).append((f.start, f.end))
    for spans in by_row.values():
        spans.sort()
        assert all(a[1] <= b[0] for a, b in itertools.pairwise(spans))


def test_one_recognizer_per_module_and_every_entity_in_the_vocabulary() -> None:
    """Each recognizer module defines one recognizer class; each emits a known entity type."""
    for info in pkgutil.iter_modules(recognizers_pkg.__path__):
        if info.name == "base":
            continue
        module = importlib.import_module(f"detectors.recognizers.{info.name}")
        classes = [
            c
            for _, c in inspect.getmembers(module, inspect.isclass)
            if issubclass(c, EntityRecognizer) and c.__module__ == module.__name__
        ]
        assert len(classes) == 1, info.name
    for recognizer in telecom_recognizers(DetectionSettings()):
        for entity in recognizer.supported_entities:
            assert entity in ALL_ENTITIES | {CREDIT_CARD_MASKED}, entity
