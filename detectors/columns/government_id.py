"""Government-issued identifiers: the Canadian social insurance number (CA_SIN)."""

from __future__ import annotations

from detectors import entities
from detectors.columns.base import Shape, ValueClassifier
from detectors.settings import DetectionSettings
from detectors.validators import sin_valid


def _sin(value: str, settings: DetectionSettings) -> bool:
    return sin_valid(value)


CA_SIN = ValueClassifier(
    entities.CA_SIN,
    shapes=(
        # written as on the card: 046 454 286, 046-454-286 (one separator throughout)
        Shape(r"^\s*(?:[0-9]{3} [0-9]{3} [0-9]{3}|[0-9]{3}-[0-9]{3}-[0-9]{3})\s*$", validate=_sin),
        # nine bare digits pass Luhn one time in ten: a SIN only where the name says so
        Shape(r"^\s*[0-9]{9}\s*$", validate=_sin, needs_hint=True),
    ),
    # NAS: numéro d'assurance sociale
    name_hint=r"(^|_)(sin|nas)(_|$)|social_insurance|assurance_sociale",
    # RADIUS accounting's NAS-IP-Address, NAS-Port, NAS-Identifier: a network access server
    name_exclude=r"(^|_)nas_(ip|ipv6|ip_address|ipv6_address|port|port_id|port_type|identifier)",
)
