"""Free text assembled piece by piece, recording the exact offsets of every planted entity."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
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

    def template(self, template: str, values: Mapping[str, Value]) -> None:
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


class LazyValues(Mapping[str, Value]):
    """Slot values made on first use, so a text only draws randomness for the slots it has."""

    def __init__(self, factories: Mapping[str, Callable[[], Value]]) -> None:
        self._factories = factories
        self._made: dict[str, Value] = {}

    def __getitem__(self, slot: str) -> Value:
        if slot not in self._made:
            self._made[slot] = self._factories[slot]()
        return self._made[slot]

    def __iter__(self) -> Iterator[str]:
        return iter(self._factories)

    def __len__(self) -> int:
        return len(self._factories)
