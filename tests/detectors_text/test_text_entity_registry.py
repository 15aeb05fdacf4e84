"""The text recognizers report exactly the registered entities marked `in_text`."""

from __future__ import annotations

from detectors.analyzer import supported_entities
from detectors.entity_specs import specs
from detectors.recognizers import CREDIT_CARD_MASKED
from detectors.settings import DetectionSettings


def test_text_recognizers_report_the_entities_registered_for_text() -> None:
    for point in ("precision", "recall"):
        reported = set(supported_entities(DetectionSettings(operating_point=point)))
        assert reported - {CREDIT_CARD_MASKED} == {s.name for s in specs() if s.in_text}, point
