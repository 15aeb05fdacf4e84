"""IP addresses (v4/v6) and MAC addresses."""

from __future__ import annotations

import ipaddress

from detectors import entities
from detectors.columns.base import Shape, ValueClassifier
from detectors.settings import DetectionSettings

_OCTET = r"(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"


def _ipv6(value: str, settings: DetectionSettings) -> bool:
    try:
        return ipaddress.ip_address(value.strip().strip("[]")).version == 6
    except ValueError:
        return False


IP_ADDRESS = ValueClassifier(
    entities.IP_ADDRESS,
    shapes=(
        Shape(rf"^\s*{_OCTET}(?:\.{_OCTET}){{3}}\s*$"),
        Shape(r"^\s*\[?[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}\]?\s*$", validate=_ipv6),
    ),
    name_hint=r"(^|_)(ip|ipv4|ipv6|ip_addr|ip_address|network_addr|remote_addr|host_ip)(_|$)|_ip$",
)

_HEX2 = "[0-9A-Fa-f]{2}"
MAC_ADDRESS = ValueClassifier(
    entities.MAC_ADDRESS,
    shapes=(
        Shape(rf"^\s*(?:{_HEX2}:){{5}}{_HEX2}\s*$"),
        Shape(rf"^\s*(?:{_HEX2}-){{5}}{_HEX2}\s*$"),
        Shape(r"^\s*[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}\s*$"),
        Shape(r"^\s*[0-9A-Fa-f]{12}\s*$", needs_hint=True),
    ),
    name_hint=r"(^|_)(mac|mac_address|hwaddr|hw_addr|macaddr)(_|$)",
)
