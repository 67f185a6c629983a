"""Plain text → blocks. A line break ends a paragraph unless the text is hard-wrapped.

Copy-pasted interviews put each turn, metadata line and heading on its own line, often with
no blank lines at all, so a single line break is respected. Hard-wrapped text (lines cut at
a fixed width, mid-sentence) is the exception: a line that reaches the wrap width and does not
end a sentence continues on the next line.
"""
from __future__ import annotations

from .blocks import Block, BlockKind, Span, split_front_matter

_ENDS = "。！？!?…」』”\"）)：:；;"
_MIN_WRAP = 30  # narrower "wrap widths" are just short lines


def _width(line: str) -> int:
    """Display columns: a Han character is two, as in the editors that hard-wrap text."""
    return sum(2 if ord(ch) >= 0x2E80 else 1 for ch in line)


def _wrap_width(lines: list[str]) -> int | None:
    """The width the text was wrapped at, if it was: many lines end within a few columns of
    the longest ones. None when line lengths are spread out (one paragraph per line)."""
    widths = sorted(_width(line) for line in lines if line.strip())
    if len(widths) < 4:
        return None
    top = widths[int(len(widths) * 0.9)]
    near = sum(1 for w in widths if w >= top - 4)
    if top >= _MIN_WRAP and near * 3 >= len(widths):
        return top - 4
    return None


def read_text(text: str) -> list[Block]:
    front, text = split_front_matter(text)
    blocks: list[Block] = [front] if front else []
    lines = [line.strip() for line in text.split("\n")]
    wrap = _wrap_width(lines)
    buf: list[str] = []
    start = 0
    for number, line in enumerate(lines + [""], start=1):
        if line:
            if not buf:
                start = number
            buf.append(line)
            if wrap is not None and _width(line) >= wrap and line[-1] not in _ENDS:
                continue  # hard-wrapped: the sentence goes on
        if buf:
            blocks.append(Block(BlockKind.PARA, [Span(_join(buf))], line=start))
            buf = []
    return blocks


def _join(lines: list[str]) -> str:
    """Join wrapped English lines with a space, wrapped Chinese lines with nothing."""
    pieces = [lines[0]]
    for before, line in zip(lines, lines[1:]):
        pieces.append(("" if ord(before[-1]) >= 0x2E80 or ord(line[0]) >= 0x2E80 else " ") + line)
    return "".join(pieces)
