"""MAC addresses of customer devices: `00:1A:2B:3C:4D:5E`, `00-1a-...`, Cisco `001a.2b3c.4d5e`."""

from __future__ import annotations

from presidio_analyzer import Pattern

from detectors.entities import MAC_ADDRESS
from detectors.recognizers.base import ContextPatternRecognizer

_HEX = "[0-9A-Fa-f]"


class MacAddressRecognizer(ContextPatternRecognizer):
    """Six octets with one consistent separator, or three dotted quads; not all one digit.

    Multicast-bit addresses are kept (python-stdnum rejects them): people type device MACs
    such as `01:23:45:67:89:AB` in tickets, and missing one costs more than a spare redaction.
    """

    ENTITY = MAC_ADDRESS
    PATTERNS = (
        Pattern(
            "mac_octets",
            rf"(?<![\w:-]){_HEX}{{2}}([:-]){_HEX}{{2}}(?:\1{_HEX}{{2}}){{4}}(?![\w:-])",
            0.6,
        ),
        Pattern("mac_cisco", rf"(?<![\w.]){_HEX}{{4}}\.{_HEX}{{4}}\.{_HEX}{{4}}(?![\w.])", 0.6),
    )
    CONTEXT = ("mac", "device", "router", "modem", "adapter", "ata", "hardware", "phone")

    def validate_result(self, pattern_text: str) -> bool:
        hex_digits = "".join(ch for ch in pattern_text.lower() if ch not in ":-.")
        return len(set(hex_digits)) > 1
