"""Line breaks inside a paragraph that start a new unit.

A Markdown paragraph's soft line break usually just wraps text, but exports also put a
metadata block (`作者：…` / `编辑：…`) or a run of speaker turns on consecutive lines with no
blank line between. A line that opens with a label shape (`某某：`, `作者 | …`) starts a new
block; other line breaks stay inside the paragraph.
"""
from __future__ import annotations

from dataclasses import replace

from ..readers.blocks import Block, BlockKind, Span, SpanKind
from ..script import to_simplified
from .speakers import label_of

_SPLITTABLE = (BlockKind.PARA, BlockKind.LIST_ITEM)


def _lines(block: Block) -> list[list[Span]]:
    lines: list[list[Span]] = [[]]
    for span in block.spans:
        if span.kind != SpanKind.TEXT or "\n" not in span.text:
            lines[-1].append(span)
            continue
        parts = span.text.split("\n")
        for k, part in enumerate(parts):
            if k:
                lines.append([])
            if part:
                lines[-1].append(replace(span, text=part))
    return lines


def _opens_unit(spans: list[Span], script: str) -> bool:
    text = "".join(s.text for s in spans if s.kind == SpanKind.TEXT).strip()
    if script == "traditional":
        text = to_simplified(text)
    return label_of(text) is not None or any(sep in text[:8] for sep in ("|", "｜"))


def split_lines(blocks: list[Block], script: str) -> list[Block]:
    out: list[Block] = []
    for block in blocks:
        if block.kind not in _SPLITTABLE or not any(
                s.kind == SpanKind.TEXT and "\n" in s.text for s in block.spans):
            out.append(block)
            continue
        lines = _lines(block)
        current: list[Span] = []
        for k, line in enumerate(lines):
            if k and current and _opens_unit(line, script):
                out.append(Block(block.kind, current, level=block.level, line=block.line))
                current = []
            elif k:
                current.append(Span("\n"))
            current.extend(line)
        if current:
            out.append(Block(block.kind, current, level=block.level, line=block.line))
    return out
