"""E-mail addresses written against harvesters: `jdoe [at] example [dot] com`, `arobase`."""

from __future__ import annotations

from presidio_analyzer import Pattern

from detectors.columns.contact import OBFUSCATED_EMAIL, deobfuscate_email
from detectors.entities import EMAIL_ADDRESS
from detectors.recognizers.base import ContextPatternRecognizer

# Starts at a word start, ends where the top-level domain ends (not before `.more` or `@`).
_BEFORE = r"(?<![\w.%+@-])"
_AFTER = r"(?![\w@-]|\.[a-z0-9])"


class ObfuscatedEmailRecognizer(ContextPatternRecognizer):
    """`john dot doe at example dot com`, `jdoe(at)example(dot)com`, `jdoe AT example DOT com`,
    `jean point dupont arobase exemple point fr`: reported as EMAIL_ADDRESS, like plain ones.

    The pattern ends in a real top-level domain, and `deobfuscate_email` wants a deliberate
    at (bracketed, "arobase", upper-case AT) or a worded dot, so "meet at noon" and "visit us at
    www.example.com" stay prose.
    """

    ENTITY = EMAIL_ADDRESS
    PATTERNS = (Pattern("email_obfuscated", rf"{_BEFORE}{OBFUSCATED_EMAIL}{_AFTER}", 0.75),)

    def validate_result(self, pattern_text: str) -> bool:
        return deobfuscate_email(pattern_text) is not None
