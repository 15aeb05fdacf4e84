"""Presidio's URL recognizer, not run on texts that cannot hold a URL.

Its patterns list every top-level domain and Python's `re` tries them at every position of every
text (~0.6 ms a ticket). Every one holds `[a-z0-9.-]{1,253}[.]<top-level domain>`: a letter,
digit, "." or "-", then a dot, then a letter. A text without that has no match, and its results
are the same.
"""

from __future__ import annotations

import re

from presidio_analyzer.predefined_recognizers import UrlRecognizer

from detectors.recognizers.base import TextGate

_URL_GATE = re.compile(r"[A-Za-z0-9.\-]\.[A-Za-z]")


class GatedUrlRecognizer(TextGate, UrlRecognizer):
    """Presidio's `UrlRecognizer` (same name in results), skipped on texts without a dot
    between a domain character and a letter."""

    def __init__(self) -> None:
        super().__init__(name="UrlRecognizer")

    def passes(self, text: str) -> bool:
        return _URL_GATE.search(text) is not None
