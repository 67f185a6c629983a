"""The English side of `bitext align`: any supported file → blocks of English sentences.

The Chinese side goes through `read_document` (sections, speakers, notes); English needs none of
the Chinese page-furniture rules, only what alignment follows: headings, paragraphs, list items,
tables (sentences per cell) and code, each with its sentences. Code is kept apart so it is
paired verbatim, never split; the block readers already mark it (`BlockKind.CODE`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

from ..errors import BitextError
from ..model import Dropped, InlineSpan
from ..segment import ABBREVIATIONS
from ..textio import decode, read_bytes
from .blocks import Block

_SPACE = re.compile(r"\s+")
# a sentence ends at . ! ? (with closing quotes/brackets) before a space and a capital, a quote
# or a bracket; Chinese rules (segment.py) keep "2.0. Next" whole because of "v1. 2"
_END = re.compile(r"[.!?]+[\"'”’)\]]*(?=\s+[\"“'‘(\[`A-Z0-9])")
_INITIALS = re.compile(r"(?:[A-Za-z]\.)*[A-Za-z]")  # e.g / U.S / J
_WORD_BEFORE = re.compile(r"([A-Za-z][A-Za-z.]*)\.$")


def split_english(text: str) -> list[str]:
    """English sentences; an abbreviation (e.g., Dr.) or an initial does not end one."""
    out: list[str] = []
    start = 0
    for m in _END.finditer(text):
        piece = text[start:m.end()]
        word = _WORD_BEFORE.search(text[:m.start() + 1])
        if word and m.group(0).startswith(".") and (
                word.group(1).lower().rstrip(".") in ABBREVIATIONS
                or _INITIALS.fullmatch(word.group(1))):
            continue
        if piece.strip():
            out.append(piece.strip())
            start = m.end()
    if text[start:].strip():
        out.append(text[start:].strip())
    return out


class BlockKind(str, Enum):
    HEADING = "heading"
    PARA = "para"
    LIST_ITEM = "list_item"
    CODE = "code"
    TABLE = "table"


@dataclass
class EnglishBlock:
    kind: BlockKind
    text: str
    sentences: list[str]
    level: int = 0
    line: int = 0
    cells: list[list[int]] = field(default_factory=list)  # table: sentences per cell, per row
    spans: list[list[InlineSpan]] = field(default_factory=list)  # per sentence: its formatting

    def sentence_spans(self, k: int) -> list[InlineSpan]:
        return self.spans[k] if k < len(self.spans) else []


@dataclass
class EnglishText:
    path: str
    blocks: list[EnglishBlock] = field(default_factory=list)
    dropped: list[Dropped] = field(default_factory=list)

    def sentences(self) -> list[str]:
        return [s for b in self.blocks for s in b.sentences]


def file_blocks(path: Path) -> list[Block]:
    """Blocks of any supported file with the same readers `read_document` uses."""
    from . import SUPPORTED, TEXT_READERS

    data = read_bytes(path)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED:
        raise BitextError(f"unsupported file type '{suffix or '(none)'}'", path=str(path),
                          hint=f"supported: {', '.join(SUPPORTED)}")
    if suffix == ".docx":
        from .docx import read_docx

        if not data:
            raise BitextError("file is empty", path=str(path), hint="give a DOCX with text in it")
        return read_docx(data, str(path))
    return TEXT_READERS[suffix](decode(data, str(path)))


def table_block(block: Block) -> EnglishBlock:
    """A table as the Chinese side holds it: each cell's sentences in reading order, with the
    count per cell, so cells can be paired by their place in the grid."""
    sentences: list[str] = []
    cells: list[list[int]] = []
    for row in block.cell_texts():
        counts = []
        for cell in row:
            found = split_english(_SPACE.sub(" ", cell).strip())
            sentences.extend(found)
            counts.append(len(found))
        cells.append(counts)
    return EnglishBlock(BlockKind.TABLE, block.text, sentences, line=block.line, cells=cells)


def header_lines(blocks: list[Block]) -> dict[int, str]:
    """Blocks the Chinese side's own header rules read as metadata (`Author: …`, a byline, the
    source link under the title), by index, with their drop kind: the Chinese reader keeps those
    out of the body, so the English ones must stay out too, listed, never aligned as text."""
    from ..structure import code, header
    from ..structure.items import Context, DropKind, Role, make_item

    ctx = Context(items=[make_item(b, "simplified") for b in blocks], script="simplified",
                  plain=False)
    code.recognise(ctx)
    header.recognise(ctx)
    return {i: str(item.drop or DropKind.METADATA) for i, item in enumerate(ctx.items)
            if item.role in (Role.METADATA, Role.DROPPED) and item.kind != "omitted"}


def _sentence_spans(block: Block, text: str, sentences: list[str]) -> list[list[InlineSpan]]:
    """Each sentence's bold, italic, links and code, over the sentence (empty when the
    formatted text does not line up with the plain one)."""
    from ..structure.chars import Chars

    chars = Chars.from_spans(block.spans)
    if chars.text != text:
        chars = chars.normalised()
    if chars.text != text or not any(chars.style):
        return []
    out, pos = [], 0
    for sentence in sentences:
        at = text.find(sentence, pos)
        if at < 0:
            return []
        out.append(chars.spans(at, at + len(sentence)))
        pos = at + len(sentence)
    return out


def read_english(path: Path | str) -> EnglishText:
    path = Path(path)
    out = EnglishText(path=str(path))
    blocks = file_blocks(path)
    metadata = header_lines(blocks)
    for index, block in enumerate(blocks):
        raw = block.text
        text = _SPACE.sub(" ", raw).strip()
        if index in metadata:
            out.dropped.append(Dropped(metadata[index], text, block.line))
            continue
        # notes (DOCX footnotes) are not running text to pair: listed, as the Chinese side's
        # notes are reported unpaired
        if block.kind in ("image", "rule", "html", "front_matter", "omitted", "note") or not text:
            if text or block.kind != "para":
                out.dropped.append(Dropped(str(block.kind), text or " ".join(block.links),
                                           block.line))
            continue
        if block.kind == BlockKind.CODE:
            out.blocks.append(EnglishBlock(BlockKind.CODE, raw.strip(), [raw.strip()],
                                           line=block.line))
            continue
        if block.kind == BlockKind.TABLE:
            out.blocks.append(table_block(block))
            continue
        kind = {"heading": BlockKind.HEADING, "list_item": BlockKind.LIST_ITEM}.get(
            block.kind, BlockKind.PARA)
        sentences = [text] if kind is BlockKind.HEADING else split_english(text)
        out.blocks.append(EnglishBlock(kind, text, sentences, level=block.level, line=block.line,
                                       spans=_sentence_spans(block, text, sentences)))
    if not out.blocks:
        raise BitextError("no English text found", path=str(path), hint="is this the right file?")
    return out
