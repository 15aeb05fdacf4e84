"""The configuration's `detection:` section as detector settings (no Prefect import, so `check`
and the pre-flight checks use it without loading the flow machinery)."""

from __future__ import annotations

import policy
from detectors.settings import DetectionSettings


def detection_settings(config: policy.PipelineConfig) -> DetectionSettings:
    """The configuration's `detection:` section as detector settings."""
    tuned = config.detection
    extra = {"account_patterns": tuple(tuned.account_patterns)} if tuned.account_patterns else {}
    return DetectionSettings(
        allow_list=tuple(tuned.allow_list), default_region=tuned.default_region, **extra
    )
