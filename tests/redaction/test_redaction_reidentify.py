"""Re-identification: FPE only, needs a legal basis, leaves an audit line without values."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pytest

from redaction import reidentify
from redaction.errors import ReidentificationError
from redaction.keys import key_from_text
from redaction.operators import FieldContext, get_operator

KEY = key_from_text("test-key-0123456789abcdef0123456789abcdef")


def _encrypt(values: list[str], field: str) -> list[str]:
    op = get_operator("encrypt_fpe").build({}, FieldContext(field, (), pa.string(), KEY))
    return op(pa.array(values)).to_pylist()


def test_round_trip_with_audit_line(tmp_path: Path):
    """Encrypted values come back; the audit line has count, basis and key id, not values."""
    plain = ["+1 (514) 555-0123", "ACCT-00012345"]
    log = tmp_path / "audit" / "reidentify.jsonl"
    assert reidentify(_encrypt(plain, "dst"), KEY, "dst", "warrant 2026-117", log) == plain
    entry = json.loads(log.read_text(encoding="utf-8"))
    assert {k: entry[k] for k in ("field", "count", "legal_basis", "key_id")} == {
        "field": "dst", "count": 2, "legal_basis": "warrant 2026-117", "key_id": KEY.key_id,
    }  # fmt: skip
    assert "555" not in log.read_text(encoding="utf-8")


@pytest.mark.parametrize("basis", ["", "   "])
def test_refuses_an_empty_legal_basis(tmp_path: Path, basis: str):
    """No legal basis, no re-identification and no audit line."""
    with pytest.raises(ReidentificationError, match="needs a legal basis"):
        reidentify(["5145550123"], KEY, "dst", basis, tmp_path / "a.jsonl")
    assert not (tmp_path / "a.jsonl").exists()


def test_wrong_field_does_not_give_the_plain_value(tmp_path: Path):
    """The tweak is per field: decrypting under another field name gives another number."""
    (encrypted,) = _encrypt(["5145550123"], "src")
    assert reidentify([encrypted], KEY, "dst", "case 1", tmp_path / "a.jsonl") != ["5145550123"]


def test_rejects_values_that_cannot_be_fpe_output(tmp_path: Path):
    """Too few digits: refused by position, without echoing the value."""
    with pytest.raises(ReidentificationError, match="value #1 for field 'dst'") as err:
        reidentify(["PHONE_0123"], KEY, "dst", "case 1", tmp_path / "a.jsonl")
    assert "PHONE_0123" not in str(err.value)
