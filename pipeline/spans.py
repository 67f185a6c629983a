"""Inline spans: the arithmetic every reader, stage and writer shares.

Formatting is modelled as the author made it: a bold clause is a span over that clause, not a
flag on its sentence. Spans are built from per-character marks (`from_styles`), kept tidy
(`normalise`), moved when text is cut (`clip`), and cut back into runs for writers (`runs`), so
that the Markdown, DOCX and HTML writers agree on where every mark starts and ends.
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Iterable, Sequence

from .model import InlineSpan, Mark

# per-character style bits (readers and `structure.chars` keep one int per character)
BOLD_BIT, ITALIC_BIT, CODE_BIT = 1, 2, 4
LINK_SHIFT = 3  # bits above: 1 + the index of the character's link in a table of addresses
_BITS = ((Mark.BOLD, BOLD_BIT), (Mark.ITALIC, ITALIC_BIT), (Mark.CODE, CODE_BIT))


def style_bits(bold: bool = False, italic: bool = False, code: bool = False,
               link: int | None = None) -> int:
    """One character's style as an int: mark bits, plus the link's table index + 1."""
    bits = (BOLD_BIT if bold else 0) | (ITALIC_BIT if italic else 0) | (CODE_BIT if code else 0)
    return bits | ((link + 1) << LINK_SHIFT if link is not None else 0)


def from_styles(styles: Sequence[int], links: Sequence[str], start: int = 0,
                end: int | None = None) -> list[InlineSpan]:
    """Spans over styles[start:end], with offsets relative to `start`. Linear in the length;
    text with no formatting at all (most text) is answered by one scan."""
    end = len(styles) if end is None else end
    if not any(styles[start:end]):
        return []
    out: list[InlineSpan] = []
    for mark, bit in _BITS:
        run_start: int | None = None
        for i in range(start, end + 1):
            on = i < end and bool(styles[i] & bit)
            if on and run_start is None:
                run_start = i
            elif not on and run_start is not None:
                out.append(InlineSpan(run_start - start, i - start, mark))
                run_start = None
    run_start, current = None, 0
    for i in range(start, end + 1):
        link = styles[i] >> LINK_SHIFT if i < end else 0
        if link != current:
            if current:
                out.append(InlineSpan(run_start - start, i - start, Mark.LINK,  # type: ignore[operator]
                                      links[current - 1]))
            run_start, current = i, link
    return normalise(out)


def normalise(spans: Iterable[InlineSpan], length: int | None = None) -> list[InlineSpan]:
    """Sorted, without empty spans, clipped to `length`, and with touching or overlapping spans
    of the same mark (and address) merged into one."""
    out: list[InlineSpan] = []
    for span in sorted(spans, key=lambda s: (s.mark.value, s.href or "", s.start, s.end)):
        start, end = span.start, span.end if length is None else min(span.end, length)
        start = max(0, start)
        if end <= start:
            continue
        last = out[-1] if out else None
        if last and last.mark == span.mark and last.href == span.href and start <= last.end:
            out[-1] = InlineSpan(last.start, max(last.end, end), span.mark, span.href)
        else:
            out.append(InlineSpan(start, end, span.mark, span.href))
    return sorted(out)


def shift(spans: Iterable[InlineSpan], by: int) -> list[InlineSpan]:
    return [InlineSpan(s.start + by, s.end + by, s.mark, s.href) for s in spans]


def covers_all(text: str, span: InlineSpan) -> bool:
    """True when the span holds every letter and digit of `text` (punctuation and spaces
    outside it do not count): a wholly bold sentence, whatever its full stop."""
    return not any(ch.isalnum() for ch in text[:span.start] + text[span.end:])


def whole(text: str, span: InlineSpan) -> InlineSpan:
    """The same mark over the whole text, trimmed of outer spaces."""
    start = len(text) - len(text.lstrip())
    return InlineSpan(start, len(text.rstrip()), span.mark, span.href)


def trim(text: str, span: InlineSpan) -> InlineSpan | None:
    """The span without spaces at its edges (a tag placed before a space); None if empty."""
    start, end = span.start, span.end
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return InlineSpan(start, end, span.mark, span.href) if end > start else None


@dataclass(frozen=True)
class Run:
    """A stretch of text with one set of marks: what writers emit as one run or element.
    `start`/`end` index the segment text, so note marks and review marks can be placed."""

    text: str
    start: int
    end: int
    marks: frozenset[Mark]
    href: str | None = None

    @property
    def bold(self) -> bool:
        return Mark.BOLD in self.marks

    @property
    def italic(self) -> bool:
        return Mark.ITALIC in self.marks

    @property
    def code(self) -> bool:
        return Mark.CODE in self.marks


def runs(text: str, spans: Sequence[InlineSpan], cuts: Iterable[int] = ()) -> list[Run]:
    """`text` cut at every span edge and at `cuts` (where a note mark goes), each run with the
    marks that hold over it. Spans reaching past the text are clipped; unformatted text is one
    run (or one per cut)."""
    n = len(text)
    edges = {0, n}
    edges.update(p for p in cuts if 0 <= p <= n)
    live = [s for s in spans if s.start < n and s.end > s.start]
    for s in live:
        edges.add(max(0, s.start))
        edges.add(min(n, s.end))
    points = sorted(edges)
    out: list[Run] = []
    for a, b in zip(points, points[1:]):
        on = [s for s in live if s.start <= a and s.end >= b]
        href = next((s.href for s in on if s.mark == Mark.LINK), None)
        out.append(Run(text[a:b], a, b, frozenset(s.mark for s in on), href))
    return out or [Run("", 0, 0, frozenset())]


def _punct(ch: str) -> bool:
    return unicodedata.category(ch)[0] in "PS"


def tighten(text: str, spans: Sequence[InlineSpan], before: str = "",
            after: str = "") -> list[InlineSpan]:
    """Bold and italic spans moved off the edges Markdown cannot open or close at.

    CommonMark opens `**` only if the next character is not a space, and, when it is
    punctuation, only if a space or punctuation precedes (so `说**“数据”**很` stays literal); it
    closes likewise mirrored. A span that would fail gives up the punctuation or spaces at that
    edge (`说“**数据**”很` looks the same). `before`/`after` are the characters printed around
    `text` ("" when unknown: taken as a letter, the strict case). Links and code keep their
    exact extent."""
    out: list[InlineSpan] = []
    for s in spans:
        start, end = s.start, min(s.end, len(text))
        if s.mark in (Mark.BOLD, Mark.ITALIC):
            def prev(i: int) -> str:
                return text[i - 1] if i > 0 else (before or "a")

            def nxt(i: int) -> str:
                return text[i] if i < len(text) else (after or "a")

            while start < end and (text[start].isspace() or (
                    _punct(text[start]) and not (prev(start).isspace() or _punct(prev(start))))):
                start += 1
            while end > start and (text[end - 1].isspace() or (
                    _punct(text[end - 1]) and not (nxt(end).isspace() or _punct(nxt(end))))):
                end -= 1
        if end > start:
            out.append(InlineSpan(start, end, s.mark, s.href))
    return out
