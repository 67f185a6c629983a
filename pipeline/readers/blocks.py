"""The flat block list readers produce before structure is recognised.

Each reader only has to say "here is a heading / paragraph / list item with these bold and plain
runs"; recognising sections, speakers, notes and page furniture is done once, in `structure`.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Span:
    """A run of inline content. `kind` is text, marker (a footnote mark like `\\*`) or image."""

    text: str
    bold: bool = False
    kind: str = "text"
    href: str | None = None


@dataclass
class Block:
    kind: str  # heading | para | list_item | rule | image | html
    spans: list[Span] = field(default_factory=list)
    level: int = 0
    line: int = 0

    @property
    def text(self) -> str:
        return "".join(s.text for s in self.spans if s.kind == "text")

    @property
    def links(self) -> list[str]:
        return [s.href for s in self.spans if s.href]

    @property
    def has_image(self) -> bool:
        return any(s.kind == "image" for s in self.spans)
