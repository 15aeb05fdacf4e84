"""Presidio's own PhoneRecognizer, joined at the recall operating point (`recall_recognizers`).

It runs libphonenumber's matcher at leniency VALID over a fixed list of countries (US, which
covers Canada, GB, DE, FR, IL, IN, BR, plus `default_region`) and so finds national numbers of
those countries written with no phone word and no `+` (`020 7946 0958`, `0176 12345678`), which our
`PhoneRecognizer` reports only after a phone word. Its matches are kept when they hold 7 digits
or more (in street lines it also matches civic numbers: "1640 Powers Ferry Road"), are not
glued to a Latin word, a path or a decimal, and do not follow the words that introduce ids
("order", "uniqueid", "account", "box").
"""

from __future__ import annotations

import re

from presidio_analyzer import RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts
from presidio_analyzer.predefined_recognizers import PhoneRecognizer

from detectors.entities import PHONE_NUMBER
from detectors.recognizers.phone import PhoneRecognizer as OurPhoneRecognizer

# Presidio's list less CA: the US matcher finds and validates Canadian numbers already (one
# country code, +1; the same matches on the 16,990 realdata texts), and each region is a pass.
REGIONS = ("US", "GB", "DE", "FR", "IL", "IN", "BR")
_NANP = frozenset({"US", "CA"})
MIN_DIGITS = 7
# The matcher is pure Python and runs once per region: texts without 7 digits close together
# (each at most 3 characters from the next) are not given to it.
_GATE = re.compile(r"\d(?:\D{0,3}\d){6}")
_LATIN = r"A-Za-z\u00c0-\u024f"
# Glued to a Latin word, a path or a decimal; a digit or "+" before is the number's own prefix,
# which the matcher leaves out ("+44(0)161…" matched from "(0)").
_BAD_BEFORE = re.compile(rf"[{_LATIN}_./=]|(?<=[{_LATIN}])-")
_BAD_AFTER = re.compile(rf"[{_LATIN}_@]|\.\d|[-/][{_LATIN}0-9]")
_NOT_AFTER = re.compile(
    r"(?i:\b(?:" + "|".join(re.escape(w) for w in OurPhoneRecognizer.NEGATIVE_CONTEXT)
    + r"|acct|account|a/c|box|apt|suite|unit)\b[^\w\n]{0,3}(?:no\.?|number)?[^\w\n]{0,3}$)"
)


class PresidioPhoneRecognizer(PhoneRecognizer):
    """Presidio's PhoneRecognizer with the guards of the module doc."""

    def __init__(self, default_region: str = "US") -> None:
        known = default_region in REGIONS or default_region in _NANP
        regions = REGIONS if known else (*REGIONS, default_region)
        super().__init__(
            supported_entity=PHONE_NUMBER,
            supported_regions=regions,
            name="PresidioPhoneRecognizer",
        )

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        """Presidio's matches that pass the guards."""
        if not _GATE.search(text):
            return []
        return [
            r
            for r in super().analyze(text, entities, nlp_artifacts)
            if sum(c.isdigit() for c in text[r.start : r.end]) >= MIN_DIGITS
            and not (r.start and _BAD_BEFORE.search(text, r.start - 1, r.start))
            and not _BAD_AFTER.match(text, r.end)
            and not _NOT_AFTER.search(text, max(0, r.start - 20), r.start)
        ]
