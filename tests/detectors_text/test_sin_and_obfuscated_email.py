"""Canadian SINs and e-mails written against harvesters, found in free text by `scan_texts`.

Synthetic values only: 046 454 286 is the test SIN Service Canada publishes, 130 692 544 is a
Luhn-valid number starting with 1, and every address is at example.com / exemple.fr.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from detectors import scan_texts
from detectors.recognizers.ca_sin import CaSinRecognizer
from detectors.validators import digits_only


def found(text: str, entity: str) -> list[str]:
    """The substrings reported as `entity` in `text` by `scan_texts` with default settings."""
    return [text[f.start : f.end] for f in scan_texts([text], "body") if f.entity_type == entity]


SIN_POSITIVES = [
    # (text, expected substring)
    ("My SIN is 046454286, please update it", "046454286"),  # bare, "SIN" before
    ("Social insurance number: 130692544.", "130692544"),  # bare, "social insurance"
    ("Mon NAS est 130692544 merci", "130692544"),  # bare, French abbreviation
    ("Voici mon numéro d'assurance sociale : 046454286", "046454286"),  # bare, French words
    ("130692544 is my SIN for the credit check", "130692544"),  # bare, context after
    ("please file it under 046 454 286 today", "046 454 286"),  # spaced, no context needed
    ("reference 130-692-544 on the form", "130-692-544"),  # dashed, no context needed
    ("SIN: 046-454-286", "046-454-286"),  # dashed with context
]


@pytest.mark.parametrize(("text", "expected"), SIN_POSITIVES)
def test_sin_is_found(text: str, expected: str) -> None:
    """Formatted SINs, and bare 9-digit ones next to a SIN word, are CA_SIN."""
    assert found(text, "CA_SIN") == [expected]


def test_presidio_ca_sin_vectors_agree(realdata: Path) -> None:
    """Presidio's own CA_SIN cases: we report what it scores as reportable (>= 0.5), and no
    more, except SINs starting with 0 or 8, which Presidio refuses and we keep on purpose
    (test numbers such as 046 454 286 are written like real ones)."""
    path = realdata / "presidio_recognizer_cases.json"
    cases = [c for c in json.loads(path.read_text(encoding="utf-8"))["cases"]
             if c["entity"] == "CA_SIN"]  # fmt: skip
    assert cases
    recognizer = CaSinRecognizer()
    for case in cases:
        text = case["text"]
        ranges = (case.get("extra_params") or {}).get("expected_score_ranges") or []
        reportable = case["expected_len"] == 1 and all(high >= 0.5 for _, high in ranges)
        ours = [r for r in recognizer.analyze(text, ["CA_SIN"]) if r.score >= 0.5]
        deliberate = digits_only(text)[:1] in ("0", "8") and len(ours) == 1
        assert bool(ours) == reportable or deliberate, text


SIN_NEGATIVES = [
    # (text) — nothing reported as CA_SIN
    "order 046454286 shipped yesterday",  # bare, Luhn-valid, no SIN context
    "since 2019 the meter read 130692544",  # "since" is not the word "SIN"
    "My SIN is 046454287, please update it",  # context, but Luhn fails
    "please file it under 046 454 287 today",  # spaced, Luhn fails
    "SIN 111 111 111",  # one repeated digit
    "My SIN is 0464542861 now",  # 10 digits
    "The SIN was sent. Later the tracking id 046454286 came",  # context in another sentence
    "call 514 555 0199 tonight",  # a phone number in 3-3-4 groups
    "Prague office +420 900 123 456",  # an international number in 3-3-3 groups
    "RADIUS NAS-Port 130692544 reset",  # a network access server's port, not a NAS
]


@pytest.mark.parametrize("text", SIN_NEGATIVES)
def test_sin_is_not_found(text: str) -> None:
    """Unformatted numbers without context and Luhn failures are not SINs."""
    assert found(text, "CA_SIN") == []


EMAIL_POSITIVES = [
    # (text, expected substring)
    ("write to john dot doe at example dot com today", "john dot doe at example dot com"),
    ("contact: jdoe [at] example [dot] com", "jdoe [at] example [dot] com"),  # brackets
    ("mail jdoe(at)example(dot)com please", "jdoe(at)example(dot)com"),  # no spaces
    ("reach jdoe AT example DOT com", "jdoe AT example DOT com"),  # upper-case words
    ("jdoe {at} example.co.uk for invoices", "jdoe {at} example.co.uk"),  # braces, 2 labels
    (
        "écrivez à jean point dupont arobase exemple point fr",
        "jean point dupont arobase exemple point fr",
    ),  # French words
    ("courriel : jean.dupont arobase exemple.fr", "jean.dupont arobase exemple.fr"),  # arobase
    ("my address is jdoe@example dot com", "jdoe@example dot com"),  # @ with a worded dot
    ("Copyright Jane Roe <jane.roe AT example.org>", "jane.roe AT example.org"),  # AT, dots
]


@pytest.mark.parametrize(("text", "expected"), EMAIL_POSITIVES)
def test_obfuscated_email_is_found(text: str, expected: str) -> None:
    """Each way of writing an address against harvesters is one EMAIL_ADDRESS span."""
    assert found(text, "EMAIL_ADDRESS") == [expected]


EMAIL_NEGATIVES = [
    # (text) — nothing reported as EMAIL_ADDRESS
    "meet me at noon",  # "at" without a domain
    "I'm at home",  # "at" without a domain
    "visit us at www.example.com for the manual",  # plain "at" and a plain web address
    "jdoe [at] example [dot] invalidtld",  # not a top-level domain
    "we are at the office dot com style startup",  # "at" then two words
    "the error is at line 10.5 of the log",  # numbers, not a domain
    "come by our room at some point so we can talk",  # "point" and "so" (Somalia) in prose
]


@pytest.mark.parametrize("text", EMAIL_NEGATIVES)
def test_prose_is_not_an_obfuscated_email(text: str) -> None:
    """Ordinary uses of "at" and "dot" are not addresses."""
    assert found(text, "EMAIL_ADDRESS") == []


def test_plain_email_is_still_one_span() -> None:
    """An ordinary address stays one EMAIL_ADDRESS span (Presidio's recognizer)."""
    assert found("mail jane.roe@example.com now", "EMAIL_ADDRESS") == ["jane.roe@example.com"]
