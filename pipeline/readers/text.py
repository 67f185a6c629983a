"""Plain text → blocks: paragraphs are separated by blank lines, nothing else is markup."""
from __future__ import annotations

from .blocks import Block, Span


def read_text(text: str) -> list[Block]:
    blocks: list[Block] = []
    buf: list[str] = []
    start = 0
    for number, line in enumerate(text.split("\n") + [""], start=1):
        if line.strip():
            if not buf:
                start = number
            buf.append(line.strip())
        elif buf:
            blocks.append(Block("para", [Span(" ".join(buf) if _latin(buf) else "".join(buf))],
                                line=start))
            buf = []
    return blocks


def _latin(lines: list[str]) -> bool:
    """Join wrapped English lines with a space, wrapped Chinese lines with nothing."""
    return all(ord(line[-1]) < 0x2E80 for line in lines[:-1]) if len(lines) > 1 else False
