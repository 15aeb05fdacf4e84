"""Passwords written in tickets: the token after "password is", "pwd:", "mot de passe"."""

from __future__ import annotations

from presidio_analyzer import Pattern

from detectors.entities import PASSWORD
from detectors.recognizers.base import ContextPatternRecognizer

# "password is", "pwd:", "pass: ...": the bare words "pass"/"secret" need a ':' or '='.
_LEAD = (
    r"(?i:\b(?:(?:password|passwd|pwd|passphrase|mot\s+de\s+passe)\b"
    r"(?:\s+(?:is|was|to|set|reset|changed|now|temporarily|temp|new))*\s*[:=]?"
    r"|(?:pass|secret)\s*[:=])\s*)"
)
# 4-64 visible characters, not ending in . , ; : ? ) or a quote; a final '!' is kept ("hunter2!").
_TOKEN = r"[\"'“]?(?P<value>[^\s\"'“”<>.,;:!?(][^\s\"'“”<>]{2,62}[^\s\"'“”<>.,;:?)])"


class PasswordRecognizer(ContextPatternRecognizer):
    """Only the token after the keyword is reported, never the keyword itself."""

    ENTITY = PASSWORD
    PATTERNS = (Pattern("password_after_keyword", _LEAD + _TOKEN, 0.8),)
    FLAGS = 0

    def validate_result(self, pattern_text: str) -> bool:
        """Not a plain lower-case word ("password was reset yesterday")."""
        return not (pattern_text.isalpha() and pattern_text.islower())
