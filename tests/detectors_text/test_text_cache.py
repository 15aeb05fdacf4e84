"""The findings cache and the forked workers: same findings, NER once, bounded, never pickled."""

from __future__ import annotations

import logging
import os
import pickle

import pytest

from detectors import text_workers
from detectors.settings import DetectionSettings
from detectors.text import scan_texts
from detectors.text_cache import FindingsCache, active_cache, findings_cache

# Written for these tests: names, places, phones, e-mails, a card, an address, plain prose.
TEXTS = [
    "Hi, this is Jane Roe from Montreal. Call me back at (514) 555-0123 please.",
    "My e-mail is jane.roe@example.com and my card 4111 1111 1111 1111 was declined.",
    "Account holder is Étienne-Georges Desrochers, 1200 rue Sainte-Catherine Ouest.",
    "The line drops every evening since Tuesday, no caller id shown.",
    "Please ask Marc Tran to call +1 416 555 0199 before noon.",
    "voicemail pin is 4821, my IP is 203.0.113.77, thanks",
    "Nothing personal in this one, just a question about the plan.",
    "Harold Thornbury moved to 55 Elm Street, Springfield; new number 613-555-0142.",
    "Bonjour, je m'appelle Guillaume Caron et j'habite à Rimouski, appelez-moi au 418 555 0147.",
]
PRECISION = DetectionSettings()
RECALL = PRECISION.at("recall")


@pytest.fixture()
def one_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(text_workers.PROCESSES_ENV, "1")


@pytest.fixture()
def forked(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Two processes for any batch of two texts or more; the children made are recorded."""
    monkeypatch.setenv(text_workers.PROCESSES_ENV, "2")
    monkeypatch.setattr(text_workers, "MIN_TEXTS_PER_PROCESS", 1)
    made: list[object] = []

    class Recorded(text_workers._Child):
        def __init__(self, *args: object) -> None:
            super().__init__(*args)  # type: ignore[arg-type]
            made.append(self)

    monkeypatch.setattr(text_workers, "_Child", Recorded)
    return made


@pytest.mark.slow
@pytest.mark.parametrize("settings", [PRECISION, RECALL], ids=["precision", "recall"])
def test_cache_and_processes_give_the_same_findings(
    settings: DetectionSettings, monkeypatch: pytest.MonkeyPatch, forked: list[object]
) -> None:
    """Findings with the cache (spans reused, or NER reused under other settings) and with the
    texts shared out over two processes equal the plain single-process scan."""
    texts = [*TEXTS, None, TEXTS[0]]  # a null and a repeat keep their rows
    monkeypatch.setenv(text_workers.PROCESSES_ENV, "1")
    plain = scan_texts(texts, "body", settings)
    with findings_cache():
        scan_texts(texts, "body", RECALL if settings is PRECISION else PRECISION)  # NER reused
        assert scan_texts(texts, "body", settings) == plain
        assert scan_texts(texts, "body", settings) == plain  # spans reused
    assert not forked
    monkeypatch.setenv(text_workers.PROCESSES_ENV, "2")
    assert scan_texts(texts, "body", settings) == plain
    assert forked  # the second share really went to a child
    assert any(f.entity_type == "PERSON" for f in plain)  # NER's findings are part of it


@pytest.mark.slow
def test_ner_runs_once_per_text_across_settings(
    one_process: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Inside one cache, the pipeline sees each distinct text once, whatever the settings."""
    from spacy.language import Language

    seen: list[str] = []
    real_pipe = Language.pipe

    def counting_pipe(self: Language, texts, **kwargs):  # type: ignore[no-untyped-def]
        def tap(items):  # type: ignore[no-untyped-def]
            for text in items:
                seen.append(text)
                yield text

        return real_pipe(self, tap(texts), **kwargs)

    monkeypatch.setattr(Language, "pipe", counting_pipe)
    with findings_cache() as cache:
        for settings in (PRECISION, RECALL, PRECISION, RECALL):
            scan_texts(TEXTS, "body", settings)
        assert cache.hits == 2 * len(TEXTS)
    assert sorted(seen) == sorted(TEXTS)


def test_cache_never_holds_more_than_its_bound() -> None:
    """Least recently used texts go first; a text dropped is analysed again when it returns."""
    cache = FindingsCache(max_entries=3)
    analysed: list[str] = []

    def analyse(texts: list[str], settings: DetectionSettings) -> list[tuple]:
        analysed.extend(texts)
        return [((0, len(t), "PERSON", 0.85),) for t in texts]

    for batch in (["a", "b"], ["c", "a"], ["d", "e", "f", "g"], ["a"], ["g"]):
        cache.spans(batch, PRECISION, analyse)
        assert len(cache) <= 3
    assert analysed == ["a", "b", "c", "d", "e", "f", "g", "a"]  # "g" was still there
    assert cache.spans(["g"], RECALL, analyse) == [((0, 1, "PERSON", 0.85),)]  # other settings
    assert analysed[-1] == "g"
    cache.remember_entities(("en", "model"), list("vwxyz"), [((0, 1, "ORG"),)] * 5)
    assert len(cache) == 3
    assert cache.entities(("en", "model"), ["x", "y", "z"]) == [((0, 1, "ORG"),)] * 3
    with pytest.raises(ValueError, match="max_entries: 0 must be at least 1"):
        FindingsCache(0)


@pytest.mark.slow
def test_scan_texts_respects_the_bound(one_process: None) -> None:
    """With the real analyzer, the cache stays within its bound however many texts pass."""
    with findings_cache(max_entries=5) as cache:
        for start in range(0, len(TEXTS), 3):
            scan_texts(TEXTS[start : start + 3], "body", RECALL)
            assert len(cache) <= 5


def test_cache_holds_no_text_and_cannot_be_pickled() -> None:
    """Keys are keyed digests and values offsets and labels; pickling is refused."""
    cache = FindingsCache()
    text = "call Jane Roe at 514-555-0123"
    cache.spans([text], PRECISION, lambda ts, s: [((5, 13, "PERSON", 0.85),)] * len(ts))
    stored = repr(list(cache._entries.items()))
    assert "Jane" not in stored and "555" not in stored
    with pytest.raises(TypeError, match="cannot be pickled"):
        pickle.dumps(cache)


def test_blocks_nest_and_share_the_outermost_cache() -> None:
    """A delivery's block inside a flow's uses the flow's cache; it is gone after the last exit."""
    assert active_cache() is None
    with findings_cache() as outer:
        with findings_cache() as inner:
            assert inner is outer is active_cache()
        assert active_cache() is outer
    assert active_cache() is None


def _square_unless_child(parent: int, items: list[int]) -> list[int]:
    if os.getpid() != parent:
        raise RuntimeError("a failure in the child only")
    return [i * i for i in items]


def _exit_in_child(parent: int, items: list[int]) -> list[int]:
    if os.getpid() != parent:
        os._exit(7)  # killed without an answer
    return [i * i for i in items]


@pytest.mark.parametrize("work", [_square_unless_child, _exit_in_child])
def test_a_failed_child_share_is_computed_here(
    work, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:  # type: ignore[no-untyped-def]
    """A child that raises or dies without answering costs time, never results."""
    monkeypatch.setattr(text_workers, "MIN_TEXTS_PER_PROCESS", 1)
    parent = os.getpid()
    with caplog.at_level(logging.WARNING, logger="detectors.text_workers"):
        out = text_workers.split_map(lambda items: work(parent, items), range(10), processes=3)
    assert out == [i * i for i in range(10)]
    assert "failed" in caplog.text and "its share is analysed here" in caplog.text


def test_children_answer_in_order(monkeypatch: pytest.MonkeyPatch) -> None:
    """Shares computed by three processes come back in the order of the items."""
    monkeypatch.setattr(text_workers, "MIN_TEXTS_PER_PROCESS", 1)
    items = list(range(50))
    out = text_workers.split_map(lambda xs: [(x, os.getpid()) for x in xs], items, processes=3)
    assert [x for x, _ in out] == items
    assert len({pid for _, pid in out}) == 3


@pytest.mark.parametrize(
    ("weights", "count", "expected"),
    [
        ([1] * 6, 2, [[0, 1, 2], [3, 4, 5]]),  # equal weights: equal halves
        ([10, 1, 1, 1, 1, 1], 2, [[0], [1, 2, 3, 4, 5]]),  # one long text is a share alone
        ([1, 1, 1], 5, [[0], [1], [2]]),  # never an empty share
    ],
)
def test_shares_are_contiguous_and_weighted(
    weights: list[int], count: int, expected: list[list[int]]
) -> None:
    """Shares keep the items' order and weigh about the same."""
    assert text_workers._shares(list(range(len(weights))), weights, count) == expected


def test_process_count_follows_the_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    """TELEPRIVACY_TEXT_PROCESSES caps the processes; 1 keeps everything in this process."""
    monkeypatch.setenv(text_workers.PROCESSES_ENV, "1")
    assert text_workers.process_count() == 1
    monkeypatch.setenv(text_workers.PROCESSES_ENV, "3")
    assert text_workers.process_count() == 3
    monkeypatch.delenv(text_workers.PROCESSES_ENV)
    assert 1 <= text_workers.process_count() <= text_workers.MAX_PROCESSES
