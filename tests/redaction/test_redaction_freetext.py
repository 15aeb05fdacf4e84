"""Free text: spans replaced through presidio-anonymizer with our own pseudonymizer."""

from __future__ import annotations

import pyarrow as pa
import pytest

from redaction.keys import key_from_text
from redaction.operators import FieldContext, get_operator
from redaction.operators.freetext import FreeText, left_in_clear
from redaction.operators.pseudonymize import Pseudonymizer

KEY = key_from_text("test-key-0123456789abcdef0123456789abcdef")
BODY = "Hi, this is Jane Roe. Call me at (514) 555-0123 or jane.roe@example.com, PIN 4821."


@pytest.mark.parametrize(
    ("entity", "span", "kept"),
    [
        ("DATE_TIME", "last Monday", True),  # worded dates stay readable
        ("DATE_TIME", "4821", False),  # bare digits may be a PIN: replaced
        ("PHONE_NUMBER", "514-555-0123", False),  # identifiers never stay
    ],
)
def test_left_in_clear(entity, span, kept):
    """Only worded dates stay in clear."""
    assert left_in_clear(entity, span) is kept


def test_spans_use_our_operator_without_scanning(monkeypatch):
    """Given spans, phones get the structured column's token and cards the placeholder."""
    from detectors.findings import TextFinding

    op = FreeText("body", Pseudonymizer(KEY.derive("pseudonymize")))
    text = "call 514-555-0123 card 4111111111111111"
    findings = [TextFinding(0, "body", 5, 17, "PHONE_NUMBER", 0.9),
                TextFinding(0, "body", 23, 39, "CREDIT_CARD", 1.0)]  # fmt: skip
    column = get_operator("pseudonymize").build(
        {}, FieldContext("src", ("PHONE_NUMBER",), pa.string(), KEY)
    )
    phone = column(pa.array(["+15145550123"])).to_pylist()[0]
    assert op.transform(text, findings) == f"call {phone} card <CREDIT_CARD>"
    assert op.transform("nothing", []) == "nothing"


@pytest.mark.slow
def test_ticket_body_shares_tokens_with_columns_and_redacts_the_rest():
    """Scanned with detectors: same phone token as `src`; distinct texts transformed once."""
    op = FreeText("body", Pseudonymizer(KEY.derive("pseudonymize")))
    out = op(pa.array([BODY, None, "", BODY])).to_pylist()
    column = get_operator("pseudonymize").build(
        {}, FieldContext("src", ("PHONE_NUMBER",), pa.string(), KEY)
    )
    phone = column(pa.array(["5145550123"])).to_pylist()[0]
    assert out[0] == out[3] and out[1:3] == [None, ""]
    assert phone in out[0] and "555-0123" not in out[0] and "jane.roe" not in out[0]
    assert "Jane Roe" not in out[0] and "4821" not in out[0]


@pytest.mark.slow
def test_redact_verdict_replaces_every_span_with_placeholders():
    """Without a pseudonymizer every span becomes <ENTITY>."""
    out = FreeText("body", None)(pa.array([BODY])).to_pylist()[0]
    assert "<PHONE_NUMBER>" in out and "<EMAIL_ADDRESS>" in out and "555-0123" not in out


@pytest.mark.slow
def test_allow_listed_company_numbers_stay_readable():
    """The provider's own support line is not customer data: it stays; the customer's goes."""
    from detectors.settings import DetectionSettings

    settings = DetectionSettings(allow_list=("+1 416 555 0100", "Northwind Voice"))
    op = FreeText("body", Pseudonymizer(KEY.derive("pseudonymize")), settings)
    text = "I called Northwind Voice support at +1 416 555 0100; call me back at (514) 555-0123."
    out = op(pa.array([text])).to_pylist()[0]
    assert "+1 416 555 0100" in out and "Northwind Voice" in out
    assert "555-0123" not in out and "PHONE_" in out
