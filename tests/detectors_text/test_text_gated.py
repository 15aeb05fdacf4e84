"""Presidio's e-mail and URL recognizers behind gates: the same results, texts without a trace
of a match skipped. Texts written for this test."""

from __future__ import annotations

import pytest
from presidio_analyzer.predefined_recognizers import EmailRecognizer, UrlRecognizer

from detectors.offline import configure_offline
from detectors.recognizers.email_gated import GatedEmailRecognizer
from detectors.recognizers.url_gated import GatedUrlRecognizer

TEXTS = [
    "write to jane.roe@example.com or see https://example.org/help?x=1",
    "our site is www.example.co.uk, 'http://portal.example.net/a' and shop.example.store",
    "no link here. None at all! e.g. nothing",
    "Ends with a dot.And a glued word",
    "mail me at roe@localhost",
    "",
]


@pytest.mark.parametrize(
    ("original", "gated"),
    [(EmailRecognizer, GatedEmailRecognizer), (UrlRecognizer, GatedUrlRecognizer)],
)
def test_gated_recognizers_find_what_presidios_find(original: type, gated: type) -> None:
    configure_offline()
    plain, behind = original(), gated()
    assert behind.name == plain.name  # results keep the recognizer's name
    entity = plain.supported_entities
    for text in TEXTS:
        expected = sorted((r.start, r.end, r.entity_type, r.score)
                          for r in plain.analyze(text, entity))  # fmt: skip
        got = sorted((r.start, r.end, r.entity_type, r.score) for r in behind.analyze(text, entity))
        assert got == expected, text
    assert any(plain.analyze(t, entity) for t in TEXTS)  # the texts do hold matches
