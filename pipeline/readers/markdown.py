"""Markdown (as exported from WeChat articles) → blocks, using markdown-it-py's CommonMark parser."""
from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.token import Token

from .blocks import Block, Span

_PARSER = MarkdownIt("commonmark").disable("text_join")  # keep escapes visible: `\\*` marks a note
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
    text = _flatten(text)
    blocks: list[Block] = []
    depth = 0
    in_list_item = 0
    pending_kind = "para"
    pending_level = 0
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
            pending_kind, pending_level = "heading", int(tok.tag[1:])
        elif tok.type == "paragraph_open":
            pending_kind, pending_level = ("list_item" if in_list_item else "para"), 0
        elif tok.type == "hr":
            blocks.append(Block("rule", [Span(tok.markup)], line=_line(tok)))
        elif tok.type == "html_block":
            blocks.append(Block("html", [Span(tok.content.strip())], line=_line(tok)))
        elif tok.type in ("fence", "code_block"):
            blocks.append(Block("para", [Span(tok.content.strip())], line=_line(tok)))
        elif tok.type == "inline":
            spans = _inline(tok.children or [])
            kind = pending_kind
            if kind == "para" and spans and all(s.kind == "image" or not s.text.strip()
                                                for s in spans):
                kind = "image"
            blocks.append(Block(kind, spans, level=pending_level, line=_line(tok)))
            pending_kind, pending_level = "para", 0
    return blocks


def _line(tok: Token) -> int:
    return tok.map[0] + 1 if tok.map else 0


def _inline(children: list[Token]) -> list[Span]:
    spans: list[Span] = []
    bold = 0
    href: str | None = None
    for child in children:
        t = child.type
        if t == "strong_open":
            bold += 1
        elif t == "strong_close":
            bold = max(0, bold - 1)
        elif t == "link_open":
            href = str(child.attrs.get("href", "")) or None
        elif t == "link_close":
            href = None
        elif t == "image":
            spans.append(Span("", kind="image", href=str(child.attrs.get("src", "")) or None))
        elif t == "text_special" and child.info == "escape" and child.content == "*":
            spans.append(Span("*", kind="marker"))
        elif t in ("text", "text_special", "code_inline", "html_inline"):
            content = child.content
            if t == "html_inline" and content.lower().startswith("<br"):
                content = ""
            if content:
                spans.append(Span(content, bold=bold > 0, href=href))
        elif t in ("softbreak", "hardbreak"):
            spans.append(Span("\n" if t == "hardbreak" else " ", bold=bold > 0))
    return _literal_strong(spans)


def _literal_strong(spans: list[Span]) -> list[Span]:
    """Turn `**` pairs that CommonMark leaves literal into bold.

    CommonMark's flanking rules assume spaces around emphasis, so `。**以前` never closes a
    bold span in Chinese text; WeChat exports are full of these. Only an even number of
    leftover markers is treated as pairs, so a stray `**` stays visible as typed.
    """
    if sum(s.text.count("**") for s in spans if s.kind == "text" and not s.href) % 2:
        return spans
    out: list[Span] = []
    toggled = False
    for span in spans:
        if span.kind != "text" or span.href or "**" not in span.text:
            out.append(Span(span.text, span.bold != toggled, span.kind, span.href)
                       if span.kind == "text" else span)
            continue
        for k, piece in enumerate(span.text.split("**")):
            if k:
                toggled = not toggled
            if piece:
                out.append(Span(piece, span.bold != toggled, span.kind, span.href))
    return out
