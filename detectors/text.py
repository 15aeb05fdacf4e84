"""Scan free-text columns (ticket bodies, notes) for personal data, batched through Presidio.

Findings hold row, column, offsets, entity type and score — never the text. The pipeline per
column: skip nulls/blanks (row numbers kept), analyse each distinct text once (spaCy `pipe` in
batches, then the pattern recognizers), drop NER noise, apply per-entity thresholds, drop the
company's own names/numbers (allow list), and resolve overlapping spans. Inside a
`text_cache.findings_cache()` block a text already analysed under the same settings is not
analysed again; many texts are shared out over the cores (`text_workers`).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from functools import partial

import pyarrow as pa
import pyarrow.compute as pc
from presidio_analyzer import RecognizerResult

from detectors import entities as E
from detectors.analyzer import build_analyzer
from detectors.findings import TextFinding
from detectors.names import gazetteer
from detectors.nlp import FRENCH, LANGUAGE, text_language
from detectors.recognizers import CREDIT_CARD_MASKED
from detectors.settings import DetectionSettings
from detectors.text_cache import Entities, Spans, active_cache
from detectors.text_reuse import entities_of, restored_artifacts
from detectors.text_workers import split_map
from detectors.validators import to_e164

logger = logging.getLogger(__name__)

# Overlap priority: checksum/format-specific types beat keyword-driven ones, which beat NER.
_SPECIFIC = frozenset(
    {
        E.EMAIL_ADDRESS, E.SIP_URI, E.CREDIT_CARD, CREDIT_CARD_MASKED, E.IBAN_CODE,
        E.IP_ADDRESS, E.MAC_ADDRESS, E.IMEI, E.IMSI, E.ICCID, E.PHONE_NUMBER, E.CA_SIN,
    }
)  # fmt: skip
_NER_RECOGNIZER = "SpacyRecognizer"
_PHONE_LIKE = frozenset({E.PHONE_NUMBER})
_HAS_DIGIT = re.compile(r"\d")
_AFTER_NUMBER = re.compile(r"\d[ \t]+$")
_TITLE_WORD = re.compile(r"(?<![^\W\d_])[A-ZÀ-ÖØ-ÞĀ-Ž][a-zß-öø-ÿā-ž'’-]")
# A DATE_TIME worth reporting names a month/day or has a date/time shape, not just "1234".
_DATE_SHAPE = re.compile(
    r"\d{1,4}[/.-]\d{1,2}(?:[/.-]\d{1,4})?|\d{1,2}:\d{2}|"
    r"(?i:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|mon|tue|wed|thu|fri|sat|sun|"
    r"today|yesterday|tomorrow|morning|afternoon|evening|night|week|month|year|ago|am\b|pm\b)"
)


def scan_texts(
    texts: Sequence[str | None],
    column: str,
    settings: DetectionSettings | None = None,
    row_offset: int = 0,
) -> list[TextFinding]:
    """Findings for every row of `texts`; row numbers are `row_offset + index`.

    Raises `ModelNotInstalledError` when the configured spaCy model is missing.
    """
    settings = settings or DetectionSettings()
    rows_by_text: dict[str, list[int]] = {}
    for index, text in enumerate(texts):
        if text is not None and text.strip():
            rows_by_text.setdefault(text, []).append(row_offset + index)
    if not rows_by_text:
        return []
    texts = list(rows_by_text)
    cache = active_cache()
    found = _analyse(texts, settings) if cache is None else cache.spans(texts, settings, _analyse)
    findings: list[TextFinding] = []
    for text, spans in zip(texts, found, strict=True):
        for row in rows_by_text[text]:
            findings.extend(TextFinding(row, column, *span) for span in spans)
    findings.sort(key=lambda f: (f.row, f.start, f.end))
    logger.debug(
        "scanned column %s: %d texts, %d distinct, %d findings",
        column, len(texts), len(rows_by_text), len(findings),
    )  # fmt: skip
    return findings


def scan_text_column(
    array: pa.Array | pa.ChunkedArray,
    column: str,
    settings: DetectionSettings | None = None,
    row_offset: int = 0,
) -> list[TextFinding]:
    """`scan_texts` over an Arrow column; non-string columns are cast to string first."""
    if not (pa.types.is_string(array.type) or pa.types.is_large_string(array.type)):
        array = pc.cast(array, pa.string())
    return scan_texts(array.to_pylist(), column, settings, row_offset)


def _analyse(texts: list[str], settings: DetectionSettings) -> list[Spans]:
    """The resolved spans of each text, in order.

    Each text goes to the pipeline of its language (`nlp.text_language`), batched per language;
    with only English configured, every text goes to the English one. Each language's pipeline
    is loaded here, then its texts are shared out over the cores when there are many
    (`text_workers.split_map`: forked children inherit the loaded pipeline). Inside a
    `findings_cache()` block, NER runs only on texts it has not seen (under any settings).
    """
    analyzer = build_analyzer(settings)
    cache = active_cache()
    by_language: dict[str, list[int]] = {LANGUAGE: list(range(len(texts)))}
    if len(analyzer.supported_languages) > 1:
        by_language = {}
        for index, text in enumerate(texts):
            by_language.setdefault(text_language(text), []).append(index)
    found: list[Spans] = [()] * len(texts)
    for language, indexes in by_language.items():
        analyzer.nlp_engine.get_nlp(language)
        group = [texts[i] for i in indexes]
        pipeline = (
            language,
            settings.spacy_model_fr if language == FRENCH else settings.spacy_model,
        )
        known = [None] * len(group) if cache is None else cache.entities(pipeline, group)
        work = partial(_spans_of, language=language, settings=settings)
        analysed = split_map(work, list(zip(group, known, strict=True)), [len(t) for t in group])
        for index, (spans, _) in zip(indexes, analysed, strict=True):
            found[index] = spans
        if cache is not None:
            new = [(t, e) for t, (_, e) in zip(group, analysed, strict=True) if e is not None]
            cache.remember_entities(pipeline, [t for t, _ in new], [e for _, e in new])
    return found


def _spans_of(
    items: list[tuple[str, Entities | None]], language: str, settings: DetectionSettings
) -> list[tuple[Spans, Entities | None]]:
    """Per text: its resolved spans, and the entities NER found when it ran on it.

    spaCy runs over the texts without remembered entities in batches (`nlp.pipe`), then
    Presidio's recognizers per text, then our filters, the allow list and overlap resolution.
    This is what `BatchAnalyzerEngine.analyze_iterator` does, without its per-value type checks.
    """
    analyzer = build_analyzer(settings)
    engine = analyzer.nlp_engine
    allow = _AllowList(settings)
    fresh = engine.process_batch(
        [text for text, known in items if known is None],
        language,
        batch_size=settings.text_batch_size,
    )
    found: list[tuple[Spans, Entities | None]] = []
    for text, known in items:
        if known is None:
            _, artifacts = next(fresh)
            entities: Entities | None = entities_of(artifacts.tokens)
        else:
            artifacts, entities = restored_artifacts(engine, text, known, language), None
        results = analyzer.analyze(text=text, language=language, nlp_artifacts=artifacts)
        spans = _resolve_overlaps(
            r for r in results if _keep(r, text, settings) and not allow.covers(r, text)
        )
        found.append(
            (tuple((r.start, r.end, r.entity_type, round(r.score, 4)) for r in spans), entities)
        )
    return found


def _from_ner(result: RecognizerResult) -> bool:
    metadata = result.recognition_metadata or {}
    return metadata.get(RecognizerResult.RECOGNIZER_NAME_KEY) == _NER_RECOGNIZER


def _keep(result: RecognizerResult, text: str, settings: DetectionSettings) -> bool:
    """Per-entity threshold, plus filters for the small NER model's usual mistakes.

    NER spans are cut at the first line break ("Hannah Moore\nMontréal" is a signature line
    and a city line, not one person), which is why `result` may be shortened here.
    """
    if result.score < settings.threshold(result.entity_type):
        return False
    if not _from_ner(result):
        return True
    span = text[result.start : result.end]
    if "\n" in span:
        result.end = result.start + len(span.split("\n", 1)[0].rstrip())
        span = text[result.start : result.end]
        if not span:
            return False
    if result.entity_type == E.PERSON and _AFTER_NUMBER.search(
        text, max(0, result.start - 12), result.start
    ):
        return False  # "403 Forbidden", "2602 Bloor": a name does not follow a bare number
    if result.entity_type in (E.PERSON, E.LOCATION):
        if settings.recall_first:  # also spaCy's "bonnie bennett", "rt @ jroe"; not "us"
            return not _HAS_DIGIT.search(span) and (
                bool(_TITLE_WORD.search(span)) or gazetteer().has_content_word(span)
            )
        # "voicemail PIN", "uniqueid 1700000000.1234": people and places have capitalised words.
        return not _HAS_DIGIT.search(span) and "@" not in span and bool(_TITLE_WORD.search(span))
    if result.entity_type == E.DATE_TIME:
        return bool(_DATE_SHAPE.search(span))
    return True


def _resolve_overlaps(results: Iterable[RecognizerResult]) -> list[RecognizerResult]:
    """Keep one finding per overlapping region.

    Order of preference: specific (checksum/format) types, then keyword-driven ones, then NER;
    within a tier the longer span, then the higher score. So an e-mail beats the URL Presidio
    finds on its domain, a SIP URI beats the phone number or e-mail inside it, and a street
    address beats the LOCATION spaCy finds inside it.
    """

    def rank(r: RecognizerResult) -> tuple[int, int, float]:
        tier = 2 if r.entity_type in _SPECIFIC else 0 if _from_ner(r) else 1
        return (tier, r.end - r.start, r.score)

    kept: list[RecognizerResult] = []
    for candidate in sorted(results, key=rank, reverse=True):
        if all(candidate.end <= k.start or candidate.start >= k.end for k in kept):
            kept.append(candidate)
    return sorted(kept, key=lambda r: r.start)


class _AllowList:
    """The company's own names, addresses and numbers (`settings.allow_list`); phones by E.164."""

    def __init__(self, settings: DetectionSettings) -> None:
        entries = [e.strip() for e in settings.allow_list if e.strip()]
        self._texts = {e.casefold() for e in entries}
        self._e164 = {n for n in (to_e164(e, settings.default_region) for e in entries) if n}
        self._region = settings.default_region
        self._pattern = (
            re.compile("|".join(re.escape(e) for e in sorted(entries, key=len, reverse=True)), re.I)
            if entries
            else None
        )

    def covers(self, result: RecognizerResult, text: str) -> bool:
        if self._pattern is None:
            return False
        span = text[result.start : result.end]
        if span.strip().casefold() in self._texts:
            return True
        if result.entity_type in _PHONE_LIKE and to_e164(span, self._region) in self._e164:
            return True
        # Inside an allowed phrase: spaCy tags "Northwind" within "Northwind Voice".
        return any(
            m.start() <= result.start and result.end <= m.end()
            for m in self._pattern.finditer(text)
        )
