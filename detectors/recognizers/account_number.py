"""Customer account numbers: the configured id patterns, and digits right after "account"."""

from __future__ import annotations

from collections.abc import Sequence

from presidio_analyzer import Pattern

from detectors.entities import ACCOUNT_NUMBER
from detectors.recognizers.base import ContextPatternRecognizer
from detectors.settings import DEFAULT_ACCOUNT_PATTERNS

_LABELLED = (
    r"(?i:\b(?:account|acct|a/c|customer|client|sub-account)\b\.?\s*"
    r"(?:number|no\.?|num|id|#)?\s*[:#]?\s*)(?P<value>\d{5,12})(?![\w]|[.-]\d)"
)


class AccountNumberRecognizer(ContextPatternRecognizer):
    """`ACCT-10023456` style ids from `DetectionSettings.account_patterns`, plus
    `account #100234`; context "account"/"acct"/"customer" lifts the score."""

    ENTITY = ACCOUNT_NUMBER
    PATTERNS = (Pattern("account_labelled", _LABELLED, 0.5),)
    CONTEXT = ("account", "acct", "customer", "client", "compte")
    FLAGS = 0

    def __init__(self, account_patterns: Sequence[str] = DEFAULT_ACCOUNT_PATTERNS) -> None:
        self.PATTERNS = (  # instance-level: the configured patterns come from settings
            *type(self).PATTERNS,
            *(Pattern(f"account_setting_{i}", p, 0.5) for i, p in enumerate(account_patterns)),
        )
        super().__init__()
