"""Dates of birth in text: a date right after "DOB", "date of birth", "born", "né(e) le"…

A date alone is kept in clear in free text (a call date identifies nobody by itself); one
introduced as a birth date is personal data, and a generalized `birth_date` column would be
undone by the same date left in the ticket beside it.
"""

from __future__ import annotations

from presidio_analyzer import Pattern

from detectors.entities import DATE_OF_BIRTH
from detectors.recognizers.base import ContextPatternRecognizer

_LEAD = (
    r"(?i:\b(?:d\.?o\.?b\.?|date\s+of\s+birth|birth\s?date|birthday|born(?:\s+on)?|"
    r"n[ée]e?\s+le|date\s+de\s+naissance)"
    r"(?:\s+(?:is|was|of|:)\b|\s*[:=#-])*\s*)"
)
_MONTHS = (
    r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec|janv|févr|fevr|mars|avr|mai|juin|"
    r"juil|août|aout|déc)[a-zéû]*\.?"
)
_DATE = (
    r"(?:\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}|"
    rf"\d{{1,2}}(?:er)?\s+(?i:{_MONTHS})\s+\d{{4}}|(?i:{_MONTHS})\s+\d{{1,2}},?\s+\d{{4}})"
)


class DateOfBirthRecognizer(ContextPatternRecognizer):
    """The context is part of the pattern (`DOB 1985-03-12`, `née le 3 mars 1990`)."""

    ENTITY = DATE_OF_BIRTH
    PATTERNS = (Pattern("date_after_birth_word", _LEAD + rf"(?P<value>{_DATE})(?!\d)", 1.0),)
    FLAGS = 0
