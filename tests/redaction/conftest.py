"""Fixtures for redaction tests: a key, a tiny synthetic CDR file and a hand-built decision."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pytest

from policy.decisions import DeliveryDecision, DeliveryStatus, FieldDecision, RowFilter, Verdict
from redaction.keys import Key, key_from_text

KEY_TEXT = "test-key-0123456789abcdef0123456789abcdef"
# Reserved 555-01XX numbers, documentation IPs, example.com only.
CDR_CSV = (
    "accountcode,src,dst,clid,start,src_ip,consent,duration\n"
    'ACCT-000123,15145550123,+1 (514) 555-0199,"""Jane Roe"" <5145550123>",'
    "2026-01-05 13:45:12,203.0.113.77,yes,61\n"
    'ACCT-000124,514-555-0123,5145550100,"""Zoë Ñúñez"" <5145550100>",'
    "2026-01-05 14:05:00,203.0.113.9,no,7\n"
    "ACCT-000125,,5145550100,,2026-01-06 01:02:03,198.51.100.4,y,0\n"
)
F = FieldDecision


@pytest.fixture()
def key() -> Key:
    return key_from_text(KEY_TEXT)


@pytest.fixture()
def cdr_csv(tmp_path: Path) -> Path:
    path = tmp_path / "in" / "cdr.csv"
    path.parent.mkdir()
    path.write_text(CDR_CSV, encoding="utf-8")
    return path


def cdr_fields(**override: FieldDecision) -> tuple[FieldDecision, ...]:
    fields = {
        "accountcode": F("accountcode", Verdict.PSEUDONYMIZE, "identity.account",
                         ("ACCOUNT_NUMBER",), "pseudonymize"),
        "src": F("src", Verdict.PSEUDONYMIZE, "contact.phone", ("PHONE_NUMBER",), "pseudonymize"),
        "dst": F("dst", Verdict.PSEUDONYMIZE, "contact.phone", ("PHONE_NUMBER",), "encrypt_fpe"),
        "clid": F("clid", Verdict.PSEUDONYMIZE, "contact.phone", ("PERSON", "PHONE_NUMBER"),
                  "pseudonymize"),
        "start": F("start", Verdict.GENERALIZE, "call_records.time", ("DATE_TIME",),
                   "generalize", {"level": "hour"}),
        "src_ip": F("src_ip", Verdict.GENERALIZE, "network.ip", ("IP_ADDRESS",), "generalize",
                    {"prefix": 24}),
        "consent": F("consent", Verdict.ALLOW, None, (), None),
        "duration": F("duration", Verdict.ALLOW, None, (), None),
    }  # fmt: skip
    fields.update(override)
    return tuple(v for v in fields.values() if v is not None)


def cdr_decision(row_filters: bool = True, **override: FieldDecision) -> DeliveryDecision:
    return DeliveryDecision(
        delivery="cdr-quality", dataset="cdr", recipient="acme-analytics",
        recipient_class="analytics_vendor", purpose="service_quality", legal_basis=None,
        status=DeliveryStatus.PROCEED, fields=cdr_fields(**override),
        row_filters=(RowFilter("consent", "needs consent"),) if row_filters else (),
    )  # fmt: skip


CDR_SCHEMA = pa.schema(
    [(n, pa.string()) for n in
     ("accountcode", "src", "dst", "clid", "start", "src_ip", "consent", "duration")]
)  # fmt: skip
