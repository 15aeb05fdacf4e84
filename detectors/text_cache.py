"""Findings of free-text scans, remembered for one run so that no text is analysed twice.

A run profiles each text column, transforms the delivered texts, scans the transformed ones once
more and verifies what it wrote. Without this cache spaCy's NER and the recognizers ran on a
ticket when it was profiled, again when it was delivered, and on its redacted form twice (the
operator's second pass, then verification). Inside a `findings_cache()` block, `scan_texts`
runs NER and each recognizer once per distinct text and answers repeats from memory; the
answers are the same, because a scan depends only on the text and the settings.

What is kept: per (scope, keyed BLAKE2b-128 digest of the text), the resolved spans (offsets,
entity type, score) under one detection settings, spaCy's entities under one pipeline, or the
recognizers' raw results (the same plus the recognizer's name), never the text. Only in this
process's memory: the cache refuses to be pickled, so it never reaches a Prefect result, a Dask
worker or a file; it is emptied when the outermost block exits, and it holds at most
`max_entries` texts, dropping the least recently used.
"""

from __future__ import annotations

import hashlib
import secrets
import struct
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator, Sequence
from contextlib import contextmanager

from detectors.settings import DetectionSettings

Span = tuple[int, int, str, float]  # start, end, entity type, score
Spans = tuple[Span, ...]
Entity = tuple[int, int, str]  # start and end character, spaCy label
Entities = tuple[Entity, ...]
# A recognizer's result after context enhancement, before any threshold or overlap rule: start,
# end, entity type, score (exact), recognizer name.
RawResult = tuple[int, int, str, float, str]
RawResults = tuple[RawResult, ...]
# ~230 bytes a spans or entities entry, key and order included; a raw-results entry holds ~20
# bytes more per result. A delivery's text batch (16,384 rows) of two columns makes up to ~200,000
# entries (inputs and transformed texts: their spans per operating point, entities and raw
# results); the least recently used go first, which are the inputs' once their transformed texts
# are made: the verification that follows asks for the transformed texts, the most recent
# (reasoned from the order of the stages, not measured at this size).
DEFAULT_MAX_ENTRIES = 150_000
_MAX_SCOPES = 64  # distinct scopes remembered before the cache starts afresh
# Values are packed: 12 bytes a span, 10 an entity, labels by number (a tuple costs ~150 bytes).
_SPAN = struct.Struct("<IIHH")  # start, end, label number, score in ten-thousandths
_ENTITY = struct.Struct("<IIH")  # start, end, label number
_RAW = struct.Struct("<IIHdH")  # start, end, label number, score, recognizer name number


class FindingsCache:
    """A bounded, thread-safe LRU map from (scope, text digest) to what was found in the text.

    Three kinds of scope share it: detection settings (the text's resolved spans, `spans`), a
    spaCy pipeline (its entities, `entities`/`remember_entities`: NER once per text even when
    the same text is analysed under other settings, such as another operating point), and a
    set of recognizers (their raw results, `raw`/`remember_raw`: each recognizer runs once per
    text, whichever operating point asks; the spans of a point are derived from them).
    """

    def __init__(self, max_entries: int = DEFAULT_MAX_ENTRIES) -> None:
        if max_entries < 1:
            raise ValueError(f"max_entries: {max_entries} must be at least 1")
        self.max_entries = max_entries
        self.hits = 0
        self.misses = 0
        self._entries: OrderedDict[bytes, bytes] = OrderedDict()
        self._labels: list[str] = []
        self._label_numbers: dict[str, int] = {}
        self._scopes: dict[Hashable, bytes] = {}
        self._next_scope = 0  # never reused: a key made before a reset cannot name another scope
        self._secret = secrets.token_bytes(16)  # digests mean nothing outside this cache
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._entries)

    def __reduce__(self) -> tuple:
        raise TypeError("FindingsCache stays in the process that built it; it cannot be pickled")

    def spans(
        self,
        texts: Sequence[str],
        settings: DetectionSettings,
        analyse: Callable[[list[str], DetectionSettings], Sequence[Spans]],
    ) -> list[Spans]:
        """The spans of each of `texts`: remembered ones, and `analyse(missing, settings)` for
        the rest (called once, with the texts not seen under `settings`, in order)."""
        keys, found = self._get(settings, texts, self._unpack_spans)
        missing = [i for i, spans in enumerate(found) if spans is None]
        if missing:
            analysed = analyse([texts[i] for i in missing], settings)
            for i, spans in zip(missing, analysed, strict=True):
                found[i] = spans
            self._put([keys[i] for i in missing], [self._pack_spans(s) for s in analysed])
        with self._lock:
            self.misses += len(missing)
            self.hits += len(texts) - len(missing)
        return found  # type: ignore[return-value]  # every None was filled above

    def entities(self, pipeline: Hashable, texts: Sequence[str]) -> list[Entities | None]:
        """The entities `pipeline` found in each text before, or None where it has not run."""
        return self._get(("ner", pipeline), texts, self._unpack_entities)[1]

    def remember_entities(
        self, pipeline: Hashable, texts: Sequence[str], entities: Sequence[Entities]
    ) -> None:
        """Remember the entities `pipeline` found in each of `texts`."""
        keys = [self._key(self._scope(("ner", pipeline)), text) for text in texts]
        self._put(keys, [self._pack_entities(e) for e in entities])

    def raw(self, scope: Hashable, texts: Sequence[str]) -> list[tuple[bool, RawResults] | None]:
        """Per text, the raw recognizer results remembered under `scope` and whether the
        recall-only recognizers ran too; None where no recognizer ran on it yet."""
        return self._get(("raw", scope), texts, self._unpack_raw)[1]

    def remember_raw(
        self,
        scope: Hashable,
        texts: Sequence[str],
        entries: Sequence[tuple[bool, RawResults]],
    ) -> None:
        """Remember each text's raw results (and whether the recall-only recognizers ran)."""
        keys = [self._key(self._scope(("raw", scope)), text) for text in texts]
        self._put(keys, [self._pack_raw(entry) for entry in entries])

    def _get(
        self, scope: Hashable, texts: Sequence[str], unpack: Callable[[bytes], tuple]
    ) -> tuple[list[bytes], list]:
        prefix = self._scope(scope)
        keys = [self._key(prefix, text) for text in texts]
        packed = []
        with self._lock:
            for key in keys:
                value = self._entries.get(key)
                if value is not None:
                    self._entries.move_to_end(key)
                packed.append(value)
        return keys, [None if value is None else unpack(value) for value in packed]

    def _put(self, keys: Sequence[bytes], values: Sequence[bytes]) -> None:
        with self._lock:
            for key, value in zip(keys, values, strict=True):
                self._entries[key] = value
                self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def _pack_spans(self, spans: Spans) -> bytes:
        return b"".join(
            _SPAN.pack(start, end, self._number(label), round(score * 10_000))
            for start, end, label, score in spans
        )

    def _unpack_spans(self, packed: bytes) -> Spans:
        labels = self._labels
        return tuple(
            (start, end, labels[label], score / 10_000)
            for start, end, label, score in _SPAN.iter_unpack(packed)
        )

    def _pack_entities(self, entities: Entities) -> bytes:
        return b"".join(_ENTITY.pack(s, e, self._number(label)) for s, e, label in entities)

    def _unpack_entities(self, packed: bytes) -> Entities:
        labels = self._labels
        return tuple((s, e, labels[label]) for s, e, label in _ENTITY.iter_unpack(packed))

    def _pack_raw(self, entry: tuple[bool, RawResults]) -> bytes:
        with_recall, results = entry
        return bytes([with_recall]) + b"".join(
            _RAW.pack(start, end, self._number(label), score, self._number(recognizer))
            for start, end, label, score, recognizer in results
        )

    def _unpack_raw(self, packed: bytes) -> tuple[bool, RawResults]:
        labels = self._labels
        return bool(packed[0]), tuple(
            (start, end, labels[label], score, labels[recognizer])
            for start, end, label, score, recognizer in _RAW.iter_unpack(packed[1:])
        )

    def _number(self, label: str) -> int:
        number = self._label_numbers.get(label)
        if number is None:
            with self._lock:
                number = self._label_numbers.setdefault(label, len(self._labels))
                if number == len(self._labels):
                    self._labels.append(label)
        return number

    def _scope(self, scope: Hashable) -> bytes:
        with self._lock:
            prefix = self._scopes.get(scope)
            if prefix is None:
                if len(self._scopes) >= _MAX_SCOPES:
                    self._scopes.clear()
                    self._entries.clear()
                self._next_scope += 1
                prefix = self._next_scope.to_bytes(8, "big")
                self._scopes[scope] = prefix
            return prefix

    def _key(self, scope: bytes, text: str) -> bytes:
        data = text.encode("utf-8", "surrogatepass")
        return hashlib.blake2b(data, digest_size=16, key=self._secret, person=scope).digest()


_active: FindingsCache | None = None
_depth = 0
_guard = threading.Lock()


@contextmanager
def findings_cache(max_entries: int = DEFAULT_MAX_ENTRIES) -> Iterator[FindingsCache]:
    """Scans inside the block share one `FindingsCache`.

    Blocks nest and may be entered from several threads (a flow around its Prefect tasks, a
    delivery inside the flow): all share the outermost cache, which is dropped when the last
    block exits. `max_entries` applies when this block creates the cache.
    """
    global _active, _depth
    with _guard:
        if _active is None:
            _active = FindingsCache(max_entries)
        _depth += 1
        cache = _active
    try:
        yield cache
    finally:
        with _guard:
            _depth -= 1
            if _depth == 0:
                _active = None


def active_cache() -> FindingsCache | None:
    """The cache of the enclosing `findings_cache()` block, if any."""
    return _active
