"""Characters no output can hold, removed once at the reading boundary and reported.

XML 1.0 (DOCX, TMX, XLIFF) cannot carry C0 control characters other than tab and newline, lone
surrogates or U+FFFE/U+FFFF; a UTF-8 file can hold them all. Word exports its manual line break
as `\\v`. Cleaning the text here, before any stage sees it, means every writer gets text it can
write (not 2 of 8 outputs and a crash), and `Document.dropped` says which characters went where.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .model import Dropped

if TYPE_CHECKING:  # readers import this module
    from .readers.blocks import Block

DROPPED_KIND = "control-character"
# \v (Word's manual line break) and \f (page break) still separate lines; the rest goes.
MAPPED = {"\v": "\n", "\f": "\n"}
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


@dataclass
class Removal:
    """One kind of character: how often it was met and the first line it was met on."""

    char: str
    count: int = 0
    line: int = 0

    def describe(self) -> str:
        what = f"U+{ord(self.char):04X}"
        done = "replaced by a line break" if self.char in MAPPED else "removed"
        return f"{what} ×{self.count} {done}"


@dataclass
class Sanitizer:
    """Collects what was removed across the calls for one document."""

    removals: dict[str, Removal] = field(default_factory=dict)

    def text(self, text: str, first_line: int = 1, *, count_lines: bool = True) -> str:
        """`text` with illegal characters mapped or removed; lines are counted from
        `first_line` (a block's line when the text is one block)."""
        if _ILLEGAL.search(text) is None:  # the common case costs one scan
            return text
        pos, line = 0, first_line
        for match in _ILLEGAL.finditer(text):
            if count_lines:
                line += text.count("\n", pos, match.start())
                pos = match.start()
            ch = match.group()
            removal = self.removals.setdefault(ch, Removal(ch, line=line))
            removal.count += 1
        return _ILLEGAL.sub(lambda m: MAPPED.get(m.group(), ""), text)

    def blocks(self, blocks: list[Block]) -> None:
        """Clean every span of every block in place (DOCX: lines are paragraph numbers)."""
        for block in blocks:
            for span in block.spans:
                span.text = self.text(span.text, block.line, count_lines=False)

    def dropped(self) -> list[Dropped]:
        """One `Dropped` per character kind, in order of first appearance."""
        return [Dropped(DROPPED_KIND, r.describe(), r.line)
                for r in sorted(self.removals.values(), key=lambda r: (r.line, r.char))]
