"""Every column classifier by entity type, and how overlapping entities are resolved."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from detectors import entities
from detectors.columns.base import ValueClassifier
from detectors.errors import SettingsError
from detectors.live_mapping import LiveMapping


def _classifiers() -> dict[str, ValueClassifier]:
    from detectors.entity_specs import specs  # the registry imports the classifiers

    return {s.name: s.column for s in specs() if s.column is not None}


# Every registered entity's column classifier (`detectors.entity_specs`), read live: an entity
# registered later is profiled too.
CLASSIFIERS: Mapping[str, ValueClassifier] = LiveMapping(_classifiers)

# Long digit strings can pass several checks at once (an IMEI is also 15 Luhn-valid digits):
# within a group only the entity with the highest match rate is kept.
EXCLUSIVE_GROUPS: tuple[frozenset[str], ...] = (
    frozenset({entities.CREDIT_CARD, entities.IMEI, entities.IMSI, entities.ICCID}),
)
# On equal match rates the more specific check wins: a card's issuer range, length and Luhn
# say more than an IMEI's Luhn alone (a 15-digit JCB `1800…` passes both).
_PRECEDENCE = (entities.CREDIT_CARD, entities.ICCID, entities.IMSI, entities.IMEI)
# A more specific entity found in a column hides the general one it implies.
SUBSUMES: Mapping[str, frozenset[str]] = MappingProxyType(
    {
        entities.DATE_OF_BIRTH: frozenset({entities.DATE_TIME, entities.TIME_ID}),
        entities.BILLING_DATE: frozenset({entities.DATE_TIME, entities.TIME_ID}),
        # a column of timestamps is DATE_TIME even where its values also read as a dated id
        entities.DATE_TIME: frozenset({entities.TIME_ID}),
        entities.CARD_EXPIRY: frozenset({entities.DATE_TIME}),
        entities.SIP_URI: frozenset({entities.EMAIL_ADDRESS}),
    }
)


def get_classifier(entity_type: str) -> ValueClassifier:
    """The classifier for `entity_type`; an unknown name lists the known ones."""
    try:
        return CLASSIFIERS[entity_type]
    except KeyError:
        known = ", ".join(sorted(CLASSIFIERS))
        raise SettingsError(
            f"no column classifier for entity type {entity_type!r}; known: {known}"
        ) from None


def resolve(rates: Mapping[str, float]) -> dict[str, float]:
    """Drop entities hidden by a more specific one or beaten within an exclusive group."""
    kept = dict(rates)
    for specific, hidden in SUBSUMES.items():
        if specific in kept:
            for entity in hidden:
                kept.pop(entity, None)
    for group in EXCLUSIVE_GROUPS:
        present = [e for e in group if e in kept]
        if len(present) > 1:
            best = max(present, key=lambda e: (kept[e], -_PRECEDENCE.index(e)))
            for entity in present:
                if entity != best:
                    del kept[entity]
    return kept
