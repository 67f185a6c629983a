"""Inline codes inside TMX `<seg>` and XLIFF `<source>/<target>`: what a reader sees, and the codes.

Formatting and placeholders arrive as elements (TMX `bpt/ept/it/ph/ut`, XLIFF 1.2 `g/x/bx/ex/bpt/
ept/ph/it`, XLIFF 2.0 `pc/ph/sc/ec/sm/em`). Matching must use the visible text, and the English
must never carry their raw markup, so each element is either a *code* (its content is native
markup: dropped from the text, kept as an `InlineCode` at its offset) or a *wrapper* (`g`, `pc`,
`hi`, `mrk`: its text is visible). Whitespace from pretty-printing is collapsed.

Formatting is neither: a code pair or a wrapper that means bold, italic, a link or inline code
(`formatting.py` says which) becomes a span over the visible text, so a memory hit can put the
bold on the clause the translator tagged. Only the codes that are not formatting stay codes.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

from ..model import InlineSpan, Mark
from ..spans import normalise, trim
from .formatting import href_of, mark_of_type, native_marks

CODE_ELEMENTS = frozenset({"bpt", "ept", "it", "ph", "ut", "x", "bx", "ex", "sc", "ec", "sm", "em",
                           "cp", "sub"})
WRAPPERS = frozenset({"g", "pc", "hi"})  # wrappers that may say their text is formatted
_OPENERS = frozenset({"bpt", "bx", "sc"})
_CLOSERS = frozenset({"ept", "ex", "ec"})
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class InlineCode:
    """A code at a character offset of the visible text; `markup` is the element as written."""

    offset: int
    name: str
    markup: str


@dataclass(frozen=True, slots=True)
class InlineText:
    """What a reader sees of a segment: its text, its formatting as spans over that text, and
    the codes that are not formatting (placeholders, line breaks, unknown tags)."""

    text: str
    codes: tuple[InlineCode, ...] = ()
    spans: tuple[InlineSpan, ...] = ()


def localname(el: etree._Element) -> str:
    tag = el.tag
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def read_inline(el: etree._Element | None) -> InlineText:
    """Visible text (whitespace collapsed, trimmed), its formatting as spans, and the codes
    that are not formatting, of a segment element."""
    if el is None:
        return InlineText("")
    parts: list[str] = []
    codes: list[tuple[int, str, etree._Element]] = []
    wrapped: list[tuple[int, int, etree._Element]] = []  # raw offsets of wrapper elements
    size = 0  # length of "".join(parts), kept as we go

    def add(text: str | None) -> None:
        nonlocal size
        if text:
            parts.append(text)
            size += len(text)

    def walk(node: etree._Element) -> None:
        add(node.text)
        for child in node:
            name = localname(child)
            if name in CODE_ELEMENTS:
                codes.append((size, name, child))
            elif name:
                start = size
                walk(child)
                if name in WRAPPERS:
                    wrapped.append((start, size, child))
            add(child.tail)

    walk(el)
    raw = "".join(parts)
    if not codes and not wrapped:  # the common case, done by one regex
        return InlineText(collapse_space(raw))
    raw_spans, kept = pair_formatting(codes, wrapped, size)
    # offsets were taken on the raw text; map them onto the collapsed, trimmed text
    text, mapped = _collapse(raw, [c[0] for c in kept] + [o for s in raw_spans
                                                         for o in (s.start, s.end)])
    inline = tuple(InlineCode(o, n, etree.tostring(e, encoding=str, with_tail=False))
                   for o, (_, n, e) in zip(mapped, kept))
    edges = mapped[len(kept):]
    # merged before trimming: a <g> split in two around another tag is one span again
    merged = normalise((InlineSpan(a, b, s.mark, s.href)
                        for s, a, b in zip(raw_spans, edges[::2], edges[1::2])), len(text))
    spans = [trim(text, s) for s in merged]
    return InlineText(text, inline, tuple(normalise(s for s in spans if s)))


def pair_formatting(codes: list[tuple[int, str, etree._Element]],
                    wrapped: list[tuple[int, int, etree._Element]],
                    size: int) -> tuple[list[InlineSpan], list[tuple[int, str, etree._Element]]]:
    """Formatting spans (raw offsets) from paired codes, isolated codes and wrappers, and the
    codes left over: those that are not bitext formatting, or whose partner is missing.

    A pair is an opener (TMX `bpt i`, XLIFF 1.2 `bpt id`/`bx rid`, 2.0 `sc id`) and the first
    later closer with the same key (`ept i`, `ept id`/`ex rid`, `ec startRef`). An isolated
    code (TMX `it pos=begin|end`, 1.2 `it pos=open|close`, 2.0 `sc/ec isolated="yes"`) is
    formatting that began or goes on outside the segment: it runs to the segment's edge."""
    spans: list[InlineSpan] = []
    used: set[int] = set()
    opened: dict[str, int] = {}
    for n, (offset, name, el) in enumerate(codes):
        pos = (el.get("pos") or "").lower()
        isolated = el.get("isolated") == "yes" or name == "it"
        if isolated and (name == "sc" or pos in ("begin", "open")):
            marks = formatting_of(el)
            spans += [InlineSpan(offset, size, m, h) for m, h in marks]
        elif isolated and (name == "ec" or pos in ("end", "close")):
            marks = formatting_of(el)
            spans += [InlineSpan(0, offset, m, h) for m, h in marks]
        elif name in _OPENERS:
            opened[el.get("rid") or el.get("i") or el.get("id") or ""] = n
            continue
        elif name in _CLOSERS:
            key = el.get("rid") or el.get("i") or el.get("startRef") or el.get("id") or ""
            start = opened.pop(key, None)
            if start is None:
                continue
            marks = formatting_of(codes[start][2])
            spans += [InlineSpan(codes[start][0], offset, m, h) for m, h in marks]
            if marks:
                used.add(start)
        else:
            continue
        if marks:
            used.add(n)
    for start, end, el in wrapped:
        spans += [InlineSpan(start, end, m, h) for m, h in formatting_of(el)]
    return spans, [c for n, c in enumerate(codes) if n not in used]


def formatting_of(el: etree._Element) -> list[tuple[Mark, str | None]]:
    """The marks an opening code or a wrapper stands for: its type if it names one (2.0
    `subType`, 1.2 `ctype`, TMX `type`), else its native markup (the code's content, or
    2.0's `originalData` it refers to). A link needs its address in the native markup."""
    native = _native(el)
    for attr in ("subType", "ctype", "type"):
        mark = mark_of_type(el.get(attr))
        if mark is Mark.LINK:
            href = href_of(native)
            return [(mark, href)] if href else []
        if mark is not None:
            return [(mark, None)]
    return native_marks(native) if native else []


def _native(el: etree._Element) -> str:
    """The native markup an opening code stands for: its own text (TMX, XLIFF 1.2), or the
    `<data>` of the unit's `originalData` it refers to (XLIFF 2.0 `dataRef`/`dataRefStart`)."""
    if localname(el) not in WRAPPERS and (el.text or len(el)):
        return "".join(el.itertext())
    ref = el.get("dataRef") or el.get("dataRefStart")
    if not ref:
        return ""
    unit = el.getparent()
    while unit is not None and localname(unit) != "unit":
        unit = unit.getparent()
    if unit is None:
        return ""
    for data in unit.iter("{*}data"):
        if data.get("id") == ref:
            return "".join(data.itertext())
    return ""


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
