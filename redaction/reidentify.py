"""Reverse format-preserving encryption for an authorised request, with an audit trail.

Only `encrypt_fpe` values can be reversed (HMAC pseudonyms cannot, by design). Each call needs a
non-empty legal basis and appends one JSON line to the audit log: time, field, count, legal basis
and key id — never the values.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from redaction.errors import ReidentificationError
from redaction.keys import Key
from redaction.operators.fpe import cipher_for


def reidentify(
    values: Sequence[str],
    key: Key,
    field: str,
    legal_basis: str,
    audit_log: Path,
) -> list[str]:
    """Decrypt FPE `values` of `field` (the tweak depends on it); audited, refused without basis."""
    if not legal_basis or not legal_basis.strip():
        raise ReidentificationError(
            "re-identification needs a legal basis (e.g. a warrant or court order reference); "
            "pass --legal-basis"
        )
    if not field.strip():
        raise ReidentificationError("re-identification needs the field the values come from")
    cipher = cipher_for(key, field)
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
    }
    audit_log = Path(audit_log)
    audit_log.parent.mkdir(parents=True, exist_ok=True)
    with audit_log.open("a", encoding="utf-8") as log:
        log.write(json.dumps(entry, sort_keys=True) + "\n")
    return out
