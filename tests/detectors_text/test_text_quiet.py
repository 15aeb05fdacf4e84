"""Quiet by default: spaCy labels we do not use are ignored at the source, not warned about."""

from __future__ import annotations

import logging

import pytest

import detectors


@pytest.mark.slow
def test_unmapped_ner_labels_log_no_warning(caplog: pytest.LogCaptureFixture) -> None:
    """ORG, NORP, CARDINAL, MONEY… in a ticket: no 'Entity … is not mapped' warning per span."""
    text = (
        "Acme Corp billed 3 lines for 40 dollars; the French team at Globex sent 2 invoices "
        "to Jane Roe in Montreal during the Olympics."
    )
    with caplog.at_level(logging.WARNING):
        findings = detectors.scan_texts([text], "body")
    assert any(f.entity_type == "PERSON" for f in findings)  # names still found
    assert [r.getMessage() for r in caplog.records if "not mapped" in r.getMessage()] == []
