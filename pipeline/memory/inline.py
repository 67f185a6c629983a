"""Inline codes inside TMX `<seg>` and XLIFF `<source>/<target>`: what a reader sees, and the codes.

Formatting and placeholders arrive as elements (TMX `bpt/ept/it/ph/ut`, XLIFF 1.2 `g/x/bx/ex/bpt/
ept/ph/it`, XLIFF 2.0 `pc/ph/sc/ec/sm/em`). Matching must use the visible text, and the English
must never carry their raw markup, so each element is either a *code* (its content is native
markup: dropped from the text, kept as an `InlineCode` at its offset) or a *wrapper* (`g`, `pc`,
`hi`, `mrk`: its text is visible). Whitespace from pretty-printing is collapsed.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

CODE_ELEMENTS = frozenset({"bpt", "ept", "it", "ph", "ut", "x", "bx", "ex", "sc", "ec", "sm", "em",
                           "cp", "sub"})
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class InlineCode:
    """A code at a character offset of the visible text; `markup` is the element as written."""

    offset: int
    name: str
    markup: str


@dataclass(frozen=True, slots=True)
class InlineText:
    text: str
    codes: tuple[InlineCode, ...] = ()


def localname(el: etree._Element) -> str:
    tag = el.tag
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def read_inline(el: etree._Element | None) -> InlineText:
    """Visible text (whitespace collapsed, trimmed) and the codes of a segment element."""
    if el is None:
        return InlineText("")
    parts: list[str] = []
    codes: list[tuple[int, str, str]] = []

    def walk(node: etree._Element) -> None:
        if node.text:
            parts.append(node.text)
        for child in node:
            name = localname(child)
            if name in CODE_ELEMENTS:
                codes.append((len("".join(parts)), name,
                              etree.tostring(child, encoding=str, with_tail=False)))
            elif name:
                walk(child)
            if child.tail:
                parts.append(child.tail)

    walk(el)
    raw = "".join(parts)
    if not codes:  # the common case, done by one regex
        return InlineText(collapse_space(raw))
    # offsets were taken on the raw text; map them onto the collapsed, trimmed text
    text, mapped = _collapse(raw, [c[0] for c in codes])
    return InlineText(text, tuple(InlineCode(o, n, m) for o, (_, n, m) in zip(mapped, codes)))


def _collapse(raw: str, offsets: list[int]) -> tuple[str, list[int]]:
    out: list[str] = []
    index: list[int] = []  # index[i] = length of output before raw[i]
    space = False
    for ch in raw:
        index.append(len(out) + (1 if space and out else 0))  # a pending space counts
        if ch.isspace():
            space = True
            continue
        if space and out:
            out.append(" ")
        space = False
        out.append(ch)
    index.append(len(out))
    text = "".join(out)
    return text, [min(index[o], len(text)) for o in offsets]


def collapse_space(text: str) -> str:
    return _SPACE.sub(" ", text).strip()
