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
from dataclasses import replace
from functools import cache, partial
from typing import TYPE_CHECKING

import pyarrow as pa
import pyarrow.compute as pc
from presidio_analyzer import EntityRecognizer, RecognizerResult

from detectors import entities as E
from detectors.analyzer import build_analyzer
from detectors.findings import TextFinding
from detectors.names import gazetteer
from detectors.nlp import FRENCH, LANGUAGE, text_language
from detectors.recognizers import CREDIT_CARD_MASKED, recall_recognizers
from detectors.settings import PRECISION, RECALL, DetectionSettings
from detectors.text_cache import Entities, RawResults, Spans, active_cache
from detectors.text_reuse import entities_of, restored_artifacts
from detectors.text_workers import split_map
from detectors.validators import to_e164

if TYPE_CHECKING:
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import NlpArtifacts

logger = logging.getLogger(__name__)

# Overlap priority: checksum/format-specific types beat keyword-driven ones, which beat NER.
_SPECIFIC = frozenset(
    {
        E.EMAIL_ADDRESS, E.SIP_URI, E.CREDIT_CARD, CREDIT_CARD_MASKED, E.IBAN_CODE,
        E.IP_ADDRESS, E.MAC_ADDRESS, E.IMEI, E.IMSI, E.ICCID, E.PHONE_NUMBER, E.CA_SIN,
    }
)  # fmt: skip
_NER_RECOGNIZER = "SpacyRecognizer"
_NAME_KEY = RecognizerResult.RECOGNIZER_NAME_KEY
_ID_KEY = RecognizerResult.RECOGNIZER_IDENTIFIER_KEY
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
    (`text_workers.split_map`: forked children inherit the loaded pipelines). Inside a
    `findings_cache()` block, NER runs only on texts it has not seen (under any settings), and
    each recognizer only on texts it has not seen: a text whose recognizers all ran already,
    under either operating point, has its spans derived from their remembered raw results.
    """
    analyzer = build_analyzer(settings)
    cache = active_cache()
    by_language: dict[str, list[int]] = {LANGUAGE: list(range(len(texts)))}
    if len(analyzer.supported_languages) > 1:
        by_language = {}
        for index, text in enumerate(texts):
            by_language.setdefault(text_language(text), []).append(index)
    found: list[Spans] = [()] * len(texts)
    allow = _AllowList(settings)
    for language, indexes in by_language.items():
        group = [texts[i] for i in indexes]
        scope = (_recognizer_scope(settings), language)
        raw = [None] * len(group) if cache is None else cache.raw(scope, group)
        todo, ran = [], []
        for index, text, known in zip(indexes, group, raw, strict=True):
            if known is not None and (known[0] or not settings.recall_first):
                found[index] = _derive(known[1], text, settings, allow)
            else:
                todo.append(index)
                ran.append(known)
        if not todo:
            continue
        analyzer.nlp_engine.get_nlp(language)
        group = [texts[i] for i in todo]
        pipeline = (
            language,
            settings.spacy_model_fr if language == FRENCH else settings.spacy_model,
        )
        known = [None] * len(group) if cache is None else cache.entities(pipeline, group)
        work = partial(_spans_of, language=language, settings=settings)
        analysed = split_map(
            work, list(zip(group, known, ran, strict=True)), [len(t) for t in group]
        )
        for index, (spans, _, _) in zip(todo, analysed, strict=True):
            found[index] = spans
        if cache is not None:
            new = [(t, e) for t, (_, e, _) in zip(group, analysed, strict=True) if e is not None]
            cache.remember_entities(pipeline, [t for t, _ in new], [e for _, e in new])
            cache.remember_raw(scope, group, [entry for _, _, entry in analysed])
    return found


def _recognizer_scope(settings: DetectionSettings) -> DetectionSettings:
    """What the recognizers' raw results depend on: `settings` without the fields applied after
    them (operating point, thresholds, allow list) or not about detection (batch sizes)."""
    return replace(
        settings,
        operating_point=PRECISION,
        score_thresholds=(),
        default_threshold=0.5,
        allow_list=(),
        sample_rows=1,
        text_batch_size=1,
    )


def _spans_of(
    items: list[tuple[str, Entities | None, tuple[bool, RawResults] | None]],
    language: str,
    settings: DetectionSettings,
) -> list[tuple[Spans, Entities | None, tuple[bool, RawResults]]]:
    """Per text: its resolved spans, the entities NER found when it ran on it, and the raw
    results of every recognizer that ran on it so far (and whether the recall-only ones did).

    spaCy runs over the texts without remembered entities in batches (`nlp.pipe`), then the
    recognizers that have not run on the text yet (a text already analysed at the precision
    point gets only the recall point's own recognizers), then our filters, the allow list and
    overlap resolution. This is what `AnalyzerEngine.analyze` does, split so that each
    recognizer's results can be reused by the other operating point.
    """
    analyzer = build_analyzer(settings)
    engine = analyzer.nlp_engine
    allow = _AllowList(settings)
    recognizers = analyzer.registry.get_recognizers(language=language, all_fields=True)
    order = {r.name: position for position, r in enumerate(recognizers)}
    supported = analyzer.get_supported_entities(language)
    fresh = engine.process_batch(
        [text for text, known, _ in items if known is None],
        language,
        batch_size=settings.text_batch_size,
    )
    found: list[tuple[Spans, Entities | None, tuple[bool, RawResults]]] = []
    for text, known, raw in items:
        if known is None:
            _, artifacts = next(fresh)
            entities: Entities | None = entities_of(artifacts.tokens)
        else:
            artifacts, entities = restored_artifacts(engine, text, known, language), None
        ran = () if raw is None else raw[1]
        missing = (
            recognizers if raw is None else [r for r in recognizers if r.name in _recall_only()]
        )
        results = sorted(
            (*ran, *_raw_results(analyzer, missing, text, supported, artifacts)),
            key=lambda r: order[r[4]],
        )  # Presidio's order: results by recognizer, as registered (ties in dedup keep it)
        entry = (settings.recall_first, tuple(results))
        found.append((_derive(entry[1], text, settings, allow), entities, entry))
    return found


def _raw_results(
    analyzer: AnalyzerEngine,
    recognizers: Sequence[EntityRecognizer],
    text: str,
    entities: list[str],
    artifacts: NlpArtifacts,
) -> RawResults:
    """What `recognizers` find in `text`, scored with context as `AnalyzerEngine.analyze`
    scores them (per result: it does not depend on other recognizers' results)."""
    results: list[RecognizerResult] = []
    for recognizer in recognizers:
        if not recognizer.is_loaded:
            recognizer.load()
            recognizer.is_loaded = True
        for result in recognizer.analyze(text=text, entities=entities, nlp_artifacts=artifacts):
            metadata = result.recognition_metadata or {}
            metadata.setdefault(_ID_KEY, recognizer.id)
            metadata.setdefault(_NAME_KEY, recognizer.name)
            result.recognition_metadata = metadata
            results.append(result)
    # Presidio's enhancer deep-copies every result it is given and changes only those of
    # recognizers with context words (none of ours overrides `enhance_using_context`).
    with_context = [r for r in recognizers if r.context]
    ids = {r.id for r in with_context}
    plain = [r for r in results if r.recognition_metadata[_ID_KEY] not in ids]
    enhanced = analyzer._enhance_using_context(
        text, [r for r in results if r.recognition_metadata[_ID_KEY] in ids], artifacts,
        with_context, None,
    )  # fmt: skip
    return tuple(
        (r.start, r.end, r.entity_type, r.score, r.recognition_metadata[_NAME_KEY])
        for r in (*plain, *enhanced)
    )


def _derive(
    raw: RawResults, text: str, settings: DetectionSettings, allow: _AllowList
) -> Spans:
    """The resolved spans at `settings`' operating point from the recognizers' raw results:
    what `AnalyzerEngine.analyze` keeps (no zero scores, no result inside another of its type
    scoring as high), then thresholds, NER filters, the allow list and overlap resolution."""
    recall = settings.recall_first
    results = EntityRecognizer.remove_duplicates(
        [
            RecognizerResult(entity, start, end, score, recognition_metadata={_NAME_KEY: name})
            for start, end, entity, score, name in raw
            if recall or name not in _recall_only()
        ]
    )
    spans = _resolve_overlaps(
        r for r in results if _keep(r, text, settings) and not allow.covers(r, text)
    )
    return tuple((r.start, r.end, r.entity_type, round(r.score, 4)) for r in spans)


@cache
def _recall_only() -> frozenset[str]:
    """Names of the recognizers only the recall operating point runs."""
    return frozenset(r.name for r in recall_recognizers(DetectionSettings(operating_point=RECALL)))


def _from_ner(result: RecognizerResult) -> bool:
    metadata = result.recognition_metadata or {}
    return metadata.get(_NAME_KEY) == _NER_RECOGNIZER


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
    if (
        result.entity_type == E.PERSON
        and _AFTER_NUMBER.search(text, max(0, result.start - 12), result.start)
        and not (settings.recall_first and _listed_person(span))
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


def _listed_person(span: str) -> bool:
    """A first name and more, no street or company word: a person in a numbered list ("24
    Ernest Lemoine, 2 mois"), not a street ("12 Victoria Street") nor a status ("403
    Forbidden")."""
    names = gazetteer()
    words = span.split()
    return (
        len(words) >= 2
        and names.is_first_name(words[0])
        and not any(names.is_company_word(w) or names.is_street_word(w) for w in words)
    )


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
