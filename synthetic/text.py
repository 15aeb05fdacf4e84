"""Free text assembled piece by piece, recording the exact offsets of every planted entity."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_SLOT = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True)
class Span:
    """A planted entity at `[start, end)` of one field's text."""

    start: int
    end: int
    entity_type: str


@dataclass(frozen=True)
class Value:
    """Text to put into a template slot; `entity_type` None means not personal."""

    text: str
    entity_type: str | None = None


@dataclass
class TextBuilder:
    """Appends literals and values; offsets are counted as we go, never searched for later."""

    parts: list[str] = field(default_factory=list)
    spans: list[Span] = field(default_factory=list)
    length: int = 0

    def literal(self, text: str) -> None:
        self.parts.append(text)
        self.length += len(text)

    def value(self, value: Value) -> None:
        if value.entity_type is not None and value.text:
            self.spans.append(Span(self.length, self.length + len(value.text), value.entity_type))
        self.literal(value.text)

    def template(self, template: str, values: dict[str, Value]) -> None:
        """Fill `{slot}`s of `template` from `values` (a missing slot is a programming error)."""
        pos = 0
        for match in _SLOT.finditer(template):
            self.literal(template[pos : match.start()])
            self.value(values[match.group(1)])
            pos = match.end()
        self.literal(template[pos:])

    def text(self) -> str:
        return "".join(self.parts)


def slots(template: str) -> set[str]:
    """The slot names a template uses."""
    return set(_SLOT.findall(template))
