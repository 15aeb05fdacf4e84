"""Small fakes shared by the policy tests: field evidence, deliveries and a minimal pack."""

from __future__ import annotations

import copy
import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from policy import DeliverySpec, PolicyPack, load_pack

VOIPMS_SEED = "003_d865ffb7cb5e7536.txt"
QUALITY = "To improve the quality of Voip.ms products and services."
NO_SALE = (
    "Voip.ms will not sell, transfer or reveal your personal information to third parties "
    "without your agreement."
)


@dataclass(frozen=True)
class Field:
    """Satisfies `policy.FieldEvidence` without importing detectors."""

    column: str
    kind: str = "structured"
    entity_types: tuple[str, ...] = ()


def personal(column: str, *entities: str) -> Field:
    return Field(column, "structured", entities)


def prose(column: str, *entities: str) -> Field:
    return Field(column, "free_text", entities)


def delivery(recipient_class: str, purpose: str, dataset: str = "ds", **extra: Any) -> DeliverySpec:
    return DeliverySpec(
        name="d", dataset=dataset, recipient="r", recipient_class=recipient_class,
        purpose=purpose, **extra,
    )


MINI_PACK: dict[str, Any] = {
    "schema_version": 1,
    "name": "mini",
    "version": "1",
    "source": {"seed": VOIPMS_SEED, "title": "Voip.ms", "date": "2009-05-01"},
    "recipient_classes": {
        "internal": {"title": "Staff", "third_party": False},
        "analytics_vendor": {"title": "Analytics", "third_party": True},
    },
    "purposes": [
        {"slug": "service_quality", "title": "Quality", "data_use": "service.improvement",
         "citation": {"section": "3 (8)", "quote": QUALITY}},
    ],
    "rules": [
        {"recipient_class": "*", "purpose": "service_quality", "category": "contact",
         "verdict": "allow", "citation": {"section": "6", "quote": NO_SALE}},
    ],
}


def mini_pack(**changes: Any) -> dict[str, Any]:
    """A deep copy of MINI_PACK with top-level keys replaced."""
    data = copy.deepcopy(MINI_PACK)
    data.update(changes)
    return data


def write_yaml(path: Path, data: dict[str, Any]) -> Path:
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


@functools.cache
def bundled(name: str) -> PolicyPack:
    """A bundled pack, loaded once per test session (packs are immutable)."""
    return load_pack(name)
