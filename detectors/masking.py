"""Masked samples for reports and logs: enough shape to recognise the kind, never the value."""

from __future__ import annotations

MASK_CHAR = "•"


def mask_value(value: object, entity_type: str | None = None) -> str:
    """Mask a value for display: keep a little shape, hide what identifies.

    Emails keep the first character and the top-level domain; numbers keep their separators and
    at most the last two digits; everything else keeps its first character and its length class.
    """
    text = "" if value is None else str(value)
    if not text:
        return ""
    if entity_type == "EMAIL_ADDRESS" or ("@" in text and " " not in text.strip()):
        local, _, domain = text.partition("@")
        tld = domain.rsplit(".", 1)[-1] if "." in domain else ""
        masked = f"{local[:1]}{MASK_CHAR * 3}@{MASK_CHAR * 3}"
        return f"{masked}.{tld}" if tld else masked
    digits = sum(ch.isdigit() for ch in text)
    if digits >= max(4, len(text) // 2):
        keep = 2 if digits >= 8 else 0
        out, seen = [], 0
        for ch in text:
            if ch.isdigit():
                seen += 1
                out.append(ch if seen > digits - keep else MASK_CHAR)
            else:
                out.append(ch if not ch.isalpha() else MASK_CHAR)
        return "".join(out)
    bucket = 4 if len(text) <= 4 else 8 if len(text) <= 8 else 12
    return text[:1] + MASK_CHAR * (bucket - 1)
