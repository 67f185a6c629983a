"""Blocks → Document: title, metadata, sections, speaker turns, notes, code, tables and the
page furniture that is dropped (and listed).

All readers share this, so a DOCX, a plain-text transcript and a WeChat Markdown export are
understood alike. Each concern is one small recogniser that classifies items; they run in a
fixed order (earlier ones claim items later ones then skip), and `assemble` builds the
Document. A new layout is a new rule in the recogniser it concerns, with its own test.
"""
from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import Callable, Iterator

from ..model import Document
from ..readers.blocks import Block
from . import code, frontmatter, furniture, header, headings, notes, speakers, toc
from .assemble import Assembler
from .items import Context, make_item
from .lines import split_lines

# order matters: code is never furniture; furniture is never metadata; metadata lines are
# never headings or speakers; notes are never speakers; a contents list is never sections
RECOGNISERS: tuple[Callable[[Context], None], ...] = (
    frontmatter.recognise, code.recognise, furniture.recognise, header.recognise,
    notes.recognise, toc.recognise, headings.recognise, speakers.recognise,
)


@contextmanager
def no_gc_pauses() -> Iterator[None]:
    """Reading creates millions of small objects (tokens, spans, segments) and no cycles; the
    cyclic collector would rescan all of them again and again, so a long paragraph's read time
    grew faster than its size (100k note marks: 14× the time for 10× the input). Paused while
    reading, restored after."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def classify(blocks: list[Block], *, script: str, plain: bool = False) -> Context:
    ctx = Context(items=[make_item(b, script) for b in split_lines(blocks, script)],
                  script=script, plain=plain)
    for recognise in RECOGNISERS:
        recognise(ctx)
    return ctx


def build_document(blocks: list[Block], *, path: str, script: str,
                   plain: bool = False) -> Document:
    with no_gc_pauses():
        ctx = classify(blocks, script=script, plain=plain)
        assembler = Assembler(ctx, path)
        for item in ctx.items:
            assembler.add(item)
        return assembler.finish()
