"""Reverse format-preserving encryption for an authorised request, with an audit trail.

Only `encrypt_fpe` values can be reversed (HMAC pseudonyms cannot, by design). Each call needs a
non-empty legal basis and appends one JSON line to the audit log: time, field, count, legal basis,
key id and token scope — never the values.

Ciphertexts are made with the key of the delivery's token scope (`Key.for_recipient`): the caller
names the recipient the values were delivered to, or `None` for a `token_scope: shared`
delivery. FF3-1 decrypts under any key, so the wrong scope gives other digits, not an error:
the scope is a required argument, never a default.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from policy.decisions import TokenScope
from redaction.errors import ReidentificationError
from redaction.keys import Key
from redaction.operators.fpe import cipher_for


def reidentify(
    values: Sequence[str],
    key: Key,
    field: str,
    legal_basis: str,
    audit_log: Path,
    *,
    recipient: str | None,
) -> list[str]:
    """Decrypt FPE `values` of `field` (the tweak depends on it) delivered to `recipient` (None:
    a shared-scope delivery); audited, refused without basis."""
    if not legal_basis or not legal_basis.strip():
        raise ReidentificationError(
            "re-identification needs a legal basis (e.g. a warrant or court order reference); "
            "pass --legal-basis"
        )
    if not field.strip():
        raise ReidentificationError("re-identification needs the field the values come from")
    if recipient is not None and not recipient.strip():
        raise ReidentificationError(
            "re-identification needs the recipient the values were delivered to (tokens are "
            "scoped per recipient), or no recipient for a token_scope: shared delivery"
        )
    scoped = key.for_recipient(recipient) if recipient is not None else key
    cipher = cipher_for(scoped, field)
    out = []
    for index, value in enumerate(values):
        plain = cipher.decrypt(value)
        if plain is None:
            raise ReidentificationError(
                f"value #{index + 1} for field {field!r} has fewer than 6 or more than 56 digits, "
                "so it is not an encrypt_fpe output"
            )
        out.append(plain)
    entry = {
        "time": datetime.now(UTC).isoformat(timespec="seconds"),
        "action": "reidentify",
        "field": field,
        "count": len(out),
        "legal_basis": legal_basis.strip(),
        "key_id": key.key_id,
        "token_scope": str(TokenScope.SHARED if recipient is None else TokenScope.RECIPIENT),
        "recipient": scoped.recipient,
    }
    audit_log = Path(audit_log)
    audit_log.parent.mkdir(parents=True, exist_ok=True)
    with audit_log.open("a", encoding="utf-8") as log:
        log.write(json.dumps(entry, sort_keys=True) + "\n")
    return out
