"""Payment card numbers of every brand, in every common grouping, checked by issuer and Luhn."""

from __future__ import annotations

import re

from presidio_analyzer import Pattern, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from detectors.entities import CREDIT_CARD
from detectors.recognizers.base import ContextPatternRecognizer
from detectors.validators import card_brand_valid, digits_only

# Not inside a word, after "+" (a phone), or glued to a masked part; not followed by more digits.
_BEFORE = r"(?<![\w*•+.-])"
_AFTER = r"(?![\w*•]|[.-]\d)"
_LAST_GROUP = re.compile(r"[ -]\d+$")


class CreditCardRecognizer(ContextPatternRecognizer):
    """12-19 digits, plain or grouped with spaces or dashes: 4-4-4-4, Amex 4-6-5 and 3-4-4-4,
    Diners 4-6-4, 4-4-4-4-3 (19 digits), 4-4-4 (12-digit Maestro), 4-4-4-3 (15-digit JCB).

    The shape only proposes; `validators.card_brand_valid` decides: the issuer range must issue
    that length (Visa, Mastercard 51-55 and 2221-2720, Amex, Diners, Discover, JCB 3528-3589 and
    15-digit 1800/2131, UnionPay, Mir, Maestro 12-19, ...) and Luhn must pass. So a 15-digit IMEI
    (TAC 35...) or a Luhn-valid order number outside every issuer range is not a card. A
    grouped run that is no card may still end with one more group ("4111 1111 1111 1111 09/27"):
    without its last group, a card of 14+ digits counts.
    """

    ENTITY = CREDIT_CARD
    PATTERNS = (
        Pattern("card_grouped", _BEFORE + r"\d{3,6}(?:[ -]\d{2,9}){1,5}" + _AFTER, 0.9),
        Pattern("card_plain", _BEFORE + r"\d{14,19}" + _AFTER, 0.9),
        # 12-13 digits: fewer digits, more chance a plain id passes; still above the threshold.
        Pattern("card_plain_short", _BEFORE + r"\d{12,13}" + _AFTER, 0.6),
        # digits spaced at random, as typed into a form ("601 1 1 1  1 1 1 1   1 1 1 1 1 7"):
        # issuer, length and Luhn decide, as for every shape
        Pattern("card_spaced", _BEFORE + r"\d{1,4}(?: {1,3}\d{1,4}){5,18}" + _AFTER, 0.6),
    )
    CONTEXT = (
        "card", "credit", "debit", "visa", "mastercard", "amex", "discover", "jcb", "diners",
        "maestro", "unionpay", "mir", "cc", "payment", "paid", "charge", "carte",
    )  # fmt: skip
    CONTEXT_BOOST = 0.1

    def analyze(
        self,
        text: str,
        entities: list[str],
        nlp_artifacts: NlpArtifacts | None = None,
        regex_flags: int | None = None,
    ) -> list[RecognizerResult]:
        """Matches that are cards, or whose grouped run without its last group is one."""
        results: list[RecognizerResult] = []
        for pattern, regex in self._compiled:
            for match in regex.finditer(text):
                start, end = match.span()
                if not self.validate_result(match[0]):
                    last = _LAST_GROUP.search(match[0])
                    end = start + last.start() if last else start
                    if len(digits_only(text[start:end])) < 14 or not self.validate_result(
                        text[start:end]
                    ):
                        continue
                score = self._score(text, start, end, pattern.score)
                if score is not None:
                    results.append(self._result(start, end, score, pattern))
        return self.remove_duplicates(results)

    def validate_result(self, pattern_text: str) -> bool:
        return 12 <= len(digits_only(pattern_text)) <= 19 and card_brand_valid(pattern_text)
