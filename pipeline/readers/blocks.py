"""The flat block list readers produce before structure is recognised.

Each reader only has to say "here is a heading / paragraph / list item / code block / table with
these bold and plain runs"; recognising titles, metadata, sections, speakers, notes and page
furniture is done once, in `pipeline.structure`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import Enum


class BlockKind(str, Enum):
    HEADING = "heading"
    PARA = "para"
    LIST_ITEM = "list_item"
    RULE = "rule"
    IMAGE = "image"
    HTML = "html"
    CODE = "code"  # verbatim; `info` holds the fence's language
    TABLE = "table"  # `rows` holds the cells
    FRONT_MATTER = "front_matter"  # raw YAML/TOML between the fences; `info` is yaml | toml
    OMITTED = "omitted"  # text the reader does not take as body (`info` says what it is)
    NOTE = "note"  # a note's text kept apart by the format (DOCX footnotes); `key` names it,
    # `info` says what it was (`footnote`, `endnote`)

    def __str__(self) -> str:
        return self.value


class SpanKind(str, Enum):
    TEXT = "text"
    MARKER = "marker"  # a footnote mark like `\\*`; `Span.note` names its note when known
    IMAGE = "image"

    def __str__(self) -> str:
        return self.value


@dataclass
class Span:
    """A run of inline content."""

    text: str
    bold: bool = False
    kind: SpanKind = SpanKind.TEXT
    href: str | None = None
    italic: bool = False
    code: bool = False  # inline code: verbatim, never translated
    note: str | None = None  # a MARKER's note key (the `Block.key` of the NOTE block it calls)


@dataclass
class Block:
    kind: BlockKind
    spans: list[Span] = field(default_factory=list)
    level: int = 0
    line: int = 0
    info: str = ""
    rows: list[list[list[Span]]] = field(default_factory=list)  # table cells (row 0: header)
    key: str = ""  # a NOTE block's key, as its MARKER spans give it (`footnote-2`)

    @property
    def text(self) -> str:
        if self.kind == BlockKind.TABLE:
            return "\n".join(" | ".join(row) for row in self.cell_texts())
        return _text(self.spans)

    def cell_texts(self) -> list[list[str]]:
        """A table's cells as plain text, row by row (empty for other blocks)."""
        return [[_text(c) for c in row] for row in self.rows]

    @property
    def links(self) -> list[str]:
        return [s.href for s in self.spans if s.href]

    @property
    def has_image(self) -> bool:
        return any(s.kind == SpanKind.IMAGE for s in self.spans)


def _text(spans: list[Span]) -> str:
    return "".join(s.text for s in spans if s.kind == SpanKind.TEXT)


_FENCES = {"---": "yaml", "+++": "toml"}


def split_front_matter(text: str) -> tuple[Block | None, str]:
    """Cut a YAML (`---`) or TOML (`+++`) front-matter block off the start of a text file.

    The lines it held are replaced by blank lines so line numbers in later blocks stay true.
    Only a fence on the very first line that is closed within the first 200 lines counts: a
    `---` rule further down is Markdown, not metadata.
    """
    head = text.lstrip("\ufeff")
    first, _, rest = head.partition("\n")
    kind = _FENCES.get(first.strip())
    if kind is None:
        return None, text
    lines = rest.split("\n", 200)
    for i, line in enumerate(lines[:200]):
        if line.strip() == first.strip():
            raw = "\n".join(lines[:i])
            if not re.search(r"^\s*[\w\-\u3400-\u9fff]+\s*[:=]", raw, re.M):
                return None, text  # two rules around a paragraph, not key: value pairs
            body = "\n" * (i + 2) + "\n".join(lines[i + 1:])
            return Block(BlockKind.FRONT_MATTER, [Span(raw)], line=1, info=kind), body
    return None, text
