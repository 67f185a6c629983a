"""Markdown (as exported from WeChat articles) → blocks, using markdown-it-py's CommonMark parser."""
from __future__ import annotations

import re
from dataclasses import replace

from markdown_it import MarkdownIt
from markdown_it.token import Token

from .blocks import Block, BlockKind, Span, SpanKind, split_front_matter

# keep escapes visible (`\\*` marks a note); GFM pipe tables are common in READMEs
_PARSER = MarkdownIt("commonmark").disable("text_join").enable("table")
_TAG = re.compile(r"<[^>]*>")
_HAN = re.compile(r"[\u3400-\u9fff]")
MAX_NESTING = 8  # containers kept per line: a list level costs markdown-it 2 of its 20 levels


_CONTAINER = re.compile(r"[ \t]{0,3}(?:>|[-*+](?=[ \t])|\d{1,9}[.)](?=[ \t]))[ \t]?")


def _flatten(text: str) -> str:
    """Cap container nesting per line: markdown-it silently drops text nested deeper than its
    limit, and nothing a user wrote may vanish."""
    out = []
    for line in text.split("\n"):
        depth, pos = 0, 0
        while (m := _CONTAINER.match(line, pos)) and m.end() > pos:
            depth, pos = depth + 1, m.end()
        if depth > MAX_NESTING:
            keep = line[:pos]
            cut, count = 0, 0
            while count < depth - MAX_NESTING and (m := _CONTAINER.match(keep, cut)):
                cut, count = m.end(), count + 1
            line = line[cut:]
        out.append(line)
    return "\n".join(out)


def read_markdown(text: str) -> list[Block]:
    front, text = split_front_matter(text)
    text = _flatten(text)
    blocks: list[Block] = [front] if front else []
    depth = 0
    in_list_item = 0
    pending_kind = BlockKind.PARA
    pending_level = 0
    table: Block | None = None
    for tok in _PARSER.parse(text):
        if tok.nesting == 1:
            depth += 1
        elif tok.nesting == -1:
            depth -= 1
        if tok.type == "list_item_open":
            in_list_item += 1
        elif tok.type == "list_item_close":
            in_list_item -= 1
        elif tok.type == "heading_open":
            pending_kind, pending_level = BlockKind.HEADING, int(tok.tag[1:])
        elif tok.type == "paragraph_open":
            pending_kind, pending_level = (BlockKind.LIST_ITEM if in_list_item
                                           else BlockKind.PARA), 0
        elif tok.type == "hr":
            blocks.append(Block(BlockKind.RULE, [Span(tok.markup)], line=_line(tok)))
        elif tok.type == "html_block":
            blocks.append(_html_block(tok))
        elif tok.type in ("fence", "code_block"):
            blocks.append(Block(BlockKind.CODE, [Span(tok.content.rstrip("\n"))], line=_line(tok),
                                info=tok.info.strip()))
        elif tok.type == "table_open":
            table = Block(BlockKind.TABLE, line=_line(tok))
        elif tok.type == "table_close" and table is not None:
            blocks.append(table)
            table = None
        elif tok.type == "tr_open" and table is not None:
            table.rows.append([])
        elif tok.type == "inline" and table is not None:
            table.rows[-1].append(_inline(tok.children or []))
        elif tok.type == "inline" and pending_kind == BlockKind.PARA and _only_code(tok):
            # a paragraph that is one inline code span is a listing, kept verbatim
            code = " ".join(c.content for c in tok.children or [] if c.type == "code_inline")
            blocks.append(Block(BlockKind.CODE, [Span(code)], line=_line(tok)))
            pending_kind, pending_level = BlockKind.PARA, 0
        elif tok.type == "inline":
            spans = _inline(tok.children or [])
            kind = pending_kind
            if kind == BlockKind.PARA and spans and all(s.kind == SpanKind.IMAGE
                                                        or not s.text.strip() for s in spans):
                kind = BlockKind.IMAGE
            blocks.append(Block(kind, spans, level=pending_level, line=_line(tok)))
            pending_kind, pending_level = BlockKind.PARA, 0
    return blocks


def _only_code(tok: Token) -> bool:
    children = [c for c in tok.children or [] if not (c.type == "text" and not c.content.strip())]
    return bool(children) and all(c.type == "code_inline" for c in children)


def _html_block(tok: Token) -> Block:
    """Raw HTML is furniture unless it carries Chinese text: then its text is a paragraph
    (tags removed), so nothing written in the article is lost to a `<section>` wrapper."""
    raw = tok.content.strip()
    text = _TAG.sub("", raw).strip()
    if _HAN.search(text) and not raw.startswith("<!--"):  # a comment is never shown
        return Block(BlockKind.PARA, [Span(text)], line=_line(tok))
    return Block(BlockKind.HTML, [Span(raw)], line=_line(tok))


def _line(tok: Token) -> int:
    return tok.map[0] + 1 if tok.map else 0


def _inline(children: list[Token]) -> list[Span]:
    spans: list[Span] = []
    bold = italic = 0
    href: str | None = None
    for child in children:
        t = child.type
        if t == "strong_open":
            bold += 1
        elif t == "strong_close":
            bold = max(0, bold - 1)
        elif t == "em_open":
            italic += 1
        elif t == "em_close":
            italic = max(0, italic - 1)
        elif t == "link_open":
            href = str(child.attrs.get("href", "")) or None
        elif t == "link_close":
            href = None
        elif t == "image":
            # the alt text rides on the image span: not body text, but kept with the image
            spans.append(Span(child.content or "", kind=SpanKind.IMAGE,
                              href=str(child.attrs.get("src", "")) or None))
        elif t == "text_special" and child.info == "escape" and child.content == "*":
            spans.append(Span("*", kind=SpanKind.MARKER))
        elif t in ("text", "text_special", "code_inline", "html_inline"):
            content = child.content
            if t == "html_inline" and content.lower().startswith("<br"):
                content = ""
            if content:
                spans.append(Span(content, bold=bold > 0, href=href, italic=italic > 0,
                                  code=t == "code_inline"))
        elif t in ("softbreak", "hardbreak"):
            # a line break is kept as one: structure decides whether a new line starts a new
            # unit (a speaker label, a metadata line) or just continues the paragraph
            spans.append(Span("\n", bold=bold > 0, italic=italic > 0))
    return _literal_strong(spans)


def _literal_strong(spans: list[Span]) -> list[Span]:
    """Turn `**` pairs that CommonMark leaves literal into bold.

    CommonMark's flanking rules assume spaces around emphasis, so `。**以前` never closes a
    bold span in Chinese text; WeChat exports are full of these. Only an even number of
    leftover markers is treated as pairs, so a stray `**` stays visible as typed.
    """
    if sum(s.text.count("**") for s in spans if _literal(s)) % 2:
        return spans
    out: list[Span] = []
    toggled = False
    for span in spans:
        if not _literal(span) or "**" not in span.text:
            out.append(replace(span, bold=span.bold != toggled)
                       if span.kind == SpanKind.TEXT else span)
            continue
        for k, piece in enumerate(span.text.split("**")):
            if k:
                toggled = not toggled
            if piece:
                out.append(replace(span, text=piece, bold=span.bold != toggled))
    return out


def _literal(span: Span) -> bool:
    """Text where a left-over `**` is markup the parser missed (not a link's or code's)."""
    return span.kind == SpanKind.TEXT and not span.href and not span.code
