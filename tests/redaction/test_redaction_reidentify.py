"""Re-identification: FPE only, needs a legal basis and the token scope, leaves an audit line
without values."""

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


def _encrypt(values: list[str], field: str, recipient: str | None = None) -> list[str]:
    key = KEY if recipient is None else KEY.for_recipient(recipient)
    op = get_operator("encrypt_fpe").build({}, FieldContext(field, (), pa.string(), key))
    return op(pa.array(values)).to_pylist()


def test_round_trip_with_audit_line(tmp_path: Path):
    """Encrypted values come back; the audit line has count, basis, key id and scope, not
    values."""
    plain = ["+1 (514) 555-0123", "ACCT-00012345"]
    log = tmp_path / "audit" / "reidentify.jsonl"
    encrypted = _encrypt(plain, "dst", "acme-analytics")
    found = reidentify(encrypted, KEY, "dst", "warrant 2026-117", log, recipient="acme-analytics")
    assert found == plain
    entry = json.loads(log.read_text(encoding="utf-8"))
    assert {k: entry[k] for k in ("field", "count", "legal_basis", "key_id", "token_scope",
                                  "recipient")} == {
        "field": "dst", "count": 2, "legal_basis": "warrant 2026-117", "key_id": KEY.key_id,
        "token_scope": "recipient", "recipient": "acme-analytics",
    }  # fmt: skip
    assert "555" not in log.read_text(encoding="utf-8")


def test_shared_scope_round_trip(tmp_path: Path):
    """Values of a token_scope: shared delivery are reversed with no recipient."""
    log = tmp_path / "a.jsonl"
    encrypted = _encrypt(["5145550123"], "dst")
    assert reidentify(encrypted, KEY, "dst", "case 1", log, recipient=None) == ["5145550123"]
    entry = json.loads(log.read_text(encoding="utf-8"))
    assert (entry["token_scope"], entry["recipient"]) == ("shared", None)


@pytest.mark.parametrize(
    ("delivered_to", "asked_for"),
    [
        ("acme-analytics", "globex-analytics"),  # another recipient's scope
        ("acme-analytics", None),  # the shared scope
        (None, "acme-analytics"),  # a shared delivery asked as a recipient's
    ],
)
def test_the_wrong_scope_does_not_give_the_plain_value(
    tmp_path: Path, delivered_to: str | None, asked_for: str | None
):
    """Ciphertexts are per scope: another scope decrypts to other digits (hence no default)."""
    encrypted = _encrypt(["5145550123"], "dst", delivered_to)
    found = reidentify(encrypted, KEY, "dst", "case 1", tmp_path / "a.jsonl", recipient=asked_for)
    assert found != ["5145550123"]


def test_recipient_is_normalised(tmp_path: Path):
    """Case and spacing of the recipient's name do not change its scope."""
    encrypted = _encrypt(["5145550123"], "dst", "Acme  Analytics")
    found = reidentify(encrypted, KEY, "dst", "case 1", tmp_path / "a.jsonl",
                       recipient="acme analytics")  # fmt: skip
    assert found == ["5145550123"]


def test_blank_recipient_is_refused(tmp_path: Path):
    """A blank recipient is neither a scope nor the shared scope: refused, nothing logged."""
    with pytest.raises(ReidentificationError, match="needs the recipient the values were"):
        reidentify(["5145550123"], KEY, "dst", "case 1", tmp_path / "a.jsonl", recipient=" ")
    assert not (tmp_path / "a.jsonl").exists()


@pytest.mark.parametrize("basis", ["", "   "])
def test_refuses_an_empty_legal_basis(tmp_path: Path, basis: str):
    """No legal basis, no re-identification and no audit line."""
    with pytest.raises(ReidentificationError, match="needs a legal basis"):
        reidentify(["5145550123"], KEY, "dst", basis, tmp_path / "a.jsonl", recipient="r")
    assert not (tmp_path / "a.jsonl").exists()


def test_wrong_field_does_not_give_the_plain_value(tmp_path: Path):
    """The tweak is per field: decrypting under another field name gives another number."""
    (encrypted,) = _encrypt(["5145550123"], "src")
    found = reidentify([encrypted], KEY, "dst", "case 1", tmp_path / "a.jsonl", recipient=None)
    assert found != ["5145550123"]


def test_rejects_values_that_cannot_be_fpe_output(tmp_path: Path):
    """Too few digits: refused by position, without echoing the value."""
    with pytest.raises(ReidentificationError, match="value #1 for field 'dst'") as err:
        reidentify(["PHONE_0123"], KEY, "dst", "case 1", tmp_path / "a.jsonl", recipient="r")
    assert "PHONE_0123" not in str(err.value)
