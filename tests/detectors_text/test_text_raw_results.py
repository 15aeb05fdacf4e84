"""Each recognizer runs once per text: spans derived from remembered raw results are the spans
Presidio's own `AnalyzerEngine.analyze` gives, at either operating point, in either order."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from detectors import text as text_module
from detectors import text_workers
from detectors.analyzer import build_analyzer
from detectors.nlp import text_language
from detectors.settings import DetectionSettings
from detectors.text import scan_texts
from detectors.text_cache import findings_cache

PRECISION = DetectionSettings()
RECALL = PRECISION.at("recall")
# Written for these tests: every kind of span, overlaps (a phone inside a SIP URI, a place inside
# a street line), lower-case names and handles (recall point only), our own tokens and
# placeholders as a delivery writes them, and French.
WRITTEN = [
    "Hi, this is Jane Roe from Montreal. Call me back at (514) 555-0123 please.",
    "talked to john about @jroe's line, he said call 020 7946 0958 after 5",
    "SIP trunk sip:+15145550123@pbx.example.net rejects calls since 10/02/2024.",
    "Harold Thornbury moved to 55 Elm Street, Springfield IL 62704; new number 613-555-0142.",
    "Card 4111 1111 1111 1111 exp 04/27, IMEI 490154203237518, MAC 00:1a:2b:3c:4d:5e.",
    "Ticket from <PERSON_0a1b2c3d4e5f6a7b> re <PHONE_NUMBER_9f8e7d6c5b4a3210>, <CREDIT_CARD>.",
    "Zorbulon and Pete wrote from SW1A 1AA; u/jroe says hi; acct ACCT-12345678",
    "Bonjour, je m'appelle Guillaume Caron et j'habite à Rimouski, appelez-moi au 418 555 0147.",
    "meet at main st & side ave, 1-800-FLOWERS, tel:+1-514-555-0199;ext=22",
    "",
]


def _presidio_spans(texts: list[str], settings: DetectionSettings) -> list[tuple]:
    """The spans as Presidio's `analyze` gives them, through our filters: the reference."""
    analyzer = build_analyzer(settings)
    allow = text_module._AllowList(settings)
    out = []
    for text in texts:
        results = analyzer.analyze(text=text, language=text_language(text))
        kept = text_module._resolve_overlaps(
            r for r in results if text_module._keep(r, text, settings) and not allow.covers(r, text)
        )
        out.append(tuple((r.start, r.end, r.entity_type, round(r.score, 4)) for r in kept))
    return out


def _tickets(tmp_path: Path, count: int) -> list[str]:
    import synthetic

    synthetic.generate("tickets", count, tmp_path, seed=11)
    rows = [json.loads(line) for line in (tmp_path / "tickets.jsonl").read_text().splitlines()]
    return sorted({row[c] for row in rows for c in ("subject", "body") if (row[c] or "").strip()})


@pytest.mark.slow
def test_derived_spans_equal_presidio_analyze(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Across ~200 texts: each point alone, precision then recall (recall-only recognizers run
    on top of remembered ones), recall then precision (derived, nothing runs) all give the
    spans Presidio's `analyze` gives."""
    monkeypatch.setenv(text_workers.PROCESSES_ENV, "1")
    texts = [t for t in [*WRITTEN, *_tickets(tmp_path, 120)] if t.strip()]
    reference = {s: _presidio_spans(texts, s) for s in (PRECISION, RECALL)}
    assert reference[PRECISION] != reference[RECALL]  # the points really differ on these texts

    def spans(settings: DetectionSettings) -> list[tuple]:
        return list(text_module._analyse(texts, settings))

    assert spans(PRECISION) == reference[PRECISION]
    assert spans(RECALL) == reference[RECALL]
    for first, second in ((PRECISION, RECALL), (RECALL, PRECISION)):
        with findings_cache():
            assert spans(first) == reference[first]
            assert spans(second) == reference[second]


@pytest.mark.slow
def test_recognizers_run_once_per_text_across_points(monkeypatch: pytest.MonkeyPatch) -> None:
    """Inside one cache, precision then recall: the precision recognizers see each text once,
    the recall-only ones once; recall then precision: nothing runs the second time."""
    monkeypatch.setenv(text_workers.PROCESSES_ENV, "1")
    texts = [t for t in WRITTEN if t.strip()]
    calls: list[str] = []
    real = text_module._raw_results

    def counting(analyzer, recognizers, text, entities, artifacts):  # type: ignore[no-untyped-def]
        calls.extend(r.name for r in recognizers)
        return real(analyzer, recognizers, text, entities, artifacts)

    monkeypatch.setattr(text_module, "_raw_results", counting)
    recall_only = text_module._recall_only()
    with findings_cache():
        scan_texts(texts, "body", PRECISION)
        assert calls and not recall_only & set(calls)
        precision_calls = len(calls)
        calls.clear()
        scan_texts(texts, "body", RECALL)
        assert set(calls) == recall_only
        assert len(calls) == len(recall_only) * len(texts)
    calls.clear()
    with findings_cache():
        scan_texts(texts, "body", RECALL)
        assert len(calls) == precision_calls + len(recall_only) * len(texts)
        calls.clear()
        scan_texts(texts, "body", PRECISION)
        assert not calls
