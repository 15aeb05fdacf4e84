"""scan_texts / scan_text_column: rows, nulls, duplicates, allow list, thresholds, overlaps."""

from __future__ import annotations

import pyarrow as pa

from detectors.findings import TextFinding
from detectors.settings import DetectionSettings
from detectors.text import scan_text_column, scan_texts

COMPANY_SETTINGS = DetectionSettings(
    allow_list=("Northwind Voice", "+1 514 555 0100", "support@example.net", "example.net")
)


def test_nulls_and_blanks_are_skipped_but_rows_keep_their_numbers() -> None:
    """Row numbers are positions in the input plus the offset, whatever was skipped before."""
    findings = scan_texts([None, "", "   ", "mail jane@example.com"], "body", row_offset=100)
    assert [(f.row, f.column, f.entity_type) for f in findings] == [
        (103, "body", "EMAIL_ADDRESS")
    ]


def test_identical_texts_get_identical_findings_per_row() -> None:
    """Duplicates are analysed once but reported for every row they occur in."""
    text = "call 514-555-0199"
    findings = scan_texts([text, "nothing here", text], "notes")
    assert [(f.row, f.start, f.end) for f in findings] == [(0, 5, 17), (2, 5, 17)]


def test_findings_hold_offsets_and_scores_never_text() -> None:
    """TextFinding carries no field that could hold the value."""
    (finding,) = scan_texts(["mail jane@example.com"], "body")
    assert finding == TextFinding(0, "body", 5, 21, "EMAIL_ADDRESS", finding.score)
    assert 0.0 < finding.score <= 1.0


def test_allow_list_suppresses_company_number_in_any_format() -> None:
    """The company's number is compared by E.164, so another spelling is suppressed too."""
    text = "I called 514-555-0100 and my own line is 514-555-0199"
    findings = scan_texts([text], "body", COMPANY_SETTINGS)
    assert [text[f.start : f.end] for f in findings] == ["514-555-0199"]


def test_allow_list_suppresses_company_names_and_addresses() -> None:
    """Names, e-mails and domains on the allow list are never reported."""
    text = "Dear Northwind Voice, I wrote to support@example.net and visited example.net"
    assert scan_texts([text], "body", COMPANY_SETTINGS) == []


def test_email_wins_over_url_on_its_domain() -> None:
    """Presidio's URL recognizer fires on the e-mail's domain; only the e-mail is kept."""
    findings = scan_texts(["write to jane.roe@example.com"], "body")
    assert [f.entity_type for f in findings] == ["EMAIL_ADDRESS"]


def test_sip_uri_wins_over_phone_and_email_inside_it() -> None:
    """A SIP URI holding a number or user@host is one SIP_URI finding."""
    text = "peer sip:+15145550199@pbx.example.org and sip:jane@example.org"
    findings = scan_texts([text], "body")
    assert [(f.entity_type, text[f.start : f.end]) for f in findings] == [
        ("SIP_URI", "sip:+15145550199@pbx.example.org"),
        ("SIP_URI", "sip:jane@example.org"),
    ]


def test_street_address_wins_over_ner_location_inside_it() -> None:
    """spaCy may tag the street name as a place; the whole street line is kept instead."""
    text = "I moved to 1234 Rue Sainte-Catherine O last week"
    types = {f.entity_type for f in scan_texts([text], "body")}
    assert "STREET_ADDRESS" in types
    assert "LOCATION" not in types


def test_per_entity_threshold_from_settings() -> None:
    """Raising one entity's threshold above its score hides only that entity."""
    strict = DetectionSettings(score_thresholds=(("PHONE_NUMBER", 1.0),))
    text = "call 514-555-0199 or jane@example.com"
    assert {f.entity_type for f in scan_texts([text], "body", strict)} == {"EMAIL_ADDRESS"}


def test_scan_text_column_matches_scan_texts_and_casts_non_strings() -> None:
    """Arrow columns (chunked or not, any type) scan like the equivalent Python list."""
    texts = ["mail jane@example.com", None, "call 514-555-0199"]
    chunked = pa.chunked_array([texts[:1], texts[1:]])
    assert scan_text_column(chunked, "body", row_offset=5) == scan_texts(texts, "body", None, 5)
    assert scan_text_column(pa.array([5145550199, None]), "n") == scan_texts(["5145550199"], "n")


def test_empty_input_returns_no_findings() -> None:
    """No texts, no work and no model load needed to answer."""
    assert scan_texts([], "body") == []
    assert scan_texts([None, ""], "body") == []
