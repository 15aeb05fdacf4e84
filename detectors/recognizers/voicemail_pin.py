"""Voicemail PINs / passcodes: 3-8 digits, only right after "pin", "voicemail" or "passcode"."""

from __future__ import annotations

from presidio_analyzer import Pattern

from detectors.entities import VOICEMAIL_PIN
from detectors.recognizers.base import ContextPatternRecognizer

_LEAD = (
    r"(?i:\b(?:voice\s?mail|vm|pin|passcode|pass\s+code|access\s+code|security\s+code)\b"
    r"(?:\s+(?:pin|password|code|number|is|was|to|set|reset|changed|now|new|of|as)\b|\s*[:=#-])*"
    # then at most a short clause without digits or a sentence end: "PIN, the old one was 4507"
    r"[^\d.!?\n]{0,30}?)"
)


class VoicemailPinRecognizer(ContextPatternRecognizer):
    """The context is part of the pattern (`PIN is 4821`, `voicemail passcode: 90210`): a
    bare 4-digit number is usually a year, an extension or an amount."""

    ENTITY = VOICEMAIL_PIN
    PATTERNS = (Pattern("pin_after_keyword", _LEAD + r"(?P<value>\d{3,8})(?![\w]|[.,/:-]\d)", 0.8),)
    FLAGS = 0
