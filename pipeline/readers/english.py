"""The English side of `bitext align`: any supported file → blocks of English sentences.

The Chinese side goes through `read_document` (sections, speakers, notes); English needs none of
the Chinese page-furniture rules, only what alignment follows: headings, paragraphs, list items
and code, each with its sentences. Code is kept apart so it is paired verbatim, never split.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

from ..errors import BitextError
from ..model import Dropped
from ..segment import ABBREVIATIONS
from ..textio import decode, read_bytes
from .blocks import Block

_SPACE = re.compile(r"\s+")
MARKDOWN = (".md", ".markdown")
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


@dataclass
class EnglishBlock:
    kind: BlockKind
    text: str
    sentences: list[str]
    level: int = 0
    line: int = 0


@dataclass
class EnglishText:
    path: str
    blocks: list[EnglishBlock] = field(default_factory=list)
    dropped: list[Dropped] = field(default_factory=list)

    def sentences(self) -> list[str]:
        return [s for b in self.blocks for s in b.sentences]


def code_lines(text: str) -> set[int]:
    """1-based first lines of fenced and indented code in Markdown: the block reader turns code
    into plain paragraphs, and alignment must know which ones they were. Parsed with the
    Markdown reader's own parser and nesting cap, so the line numbers agree with its blocks."""
    from .markdown import _PARSER, _flatten

    return {tok.map[0] + 1 for tok in _PARSER.parse(_flatten(text))
            if tok.type in ("fence", "code_block") and tok.map}


def file_blocks(path: Path) -> tuple[list[Block], set[int]]:
    """Blocks of any supported file with the same readers `read_document` uses, plus the lines
    where code starts (Markdown only: DOCX and text have no code markup)."""
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
        return read_docx(data, str(path)), set()
    text = decode(data, str(path))
    code = code_lines(text) if suffix in MARKDOWN else set()
    return TEXT_READERS[suffix](text), code


def file_code_lines(path: Path) -> set[int]:
    """Code lines of a Markdown file (empty for other formats): the Chinese side needs them too,
    since `read_document` keeps code as paragraphs."""
    if path.suffix.lower() not in MARKDOWN:
        return set()
    return code_lines(decode(read_bytes(path), str(path)))


def read_english(path: Path | str) -> EnglishText:
    path = Path(path)
    blocks, code = file_blocks(path)
    out = EnglishText(path=str(path))
    for block in blocks:
        raw = block.text
        text = _SPACE.sub(" ", raw).strip()
        if block.kind in ("image", "rule", "html", "front_matter", "omitted") or not text:
            if text or block.kind != "para":
                out.dropped.append(Dropped(str(block.kind), text or " ".join(block.links),
                                           block.line))
            continue
        if block.kind == "code" or (block.line in code and block.kind == "para"):
            out.blocks.append(EnglishBlock(BlockKind.CODE, raw.strip(), [raw.strip()],
                                           line=block.line))
            continue
        kind = {"heading": BlockKind.HEADING, "list_item": BlockKind.LIST_ITEM}.get(
            block.kind, BlockKind.PARA)
        sentences = [text] if kind is BlockKind.HEADING else split_english(text)
        out.blocks.append(EnglishBlock(kind, text, sentences, level=block.level, line=block.line))
    if not out.blocks:
        raise BitextError("no English text found", path=str(path), hint="is this the right file?")
    return out
