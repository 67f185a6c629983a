"""Paragraph text with per-character formatting and note markers, kept aligned while the text
is normalised, simplified and split. Every operation is linear in the text's length: one
paragraph can be megabytes long."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..model import InlineSpan
from ..readers.blocks import Span, SpanKind
from ..spans import BOLD_BIT, from_styles, style_bits

CJK_PUNCT = r"\u3000-\u303f\uff00-\uffef"
HAN = r"\u3400-\u9fff\uf900-\ufaff"
_SPACE_BETWEEN_CJK = re.compile(rf"(?<=[{HAN}{CJK_PUNCT}])\s+(?=[{HAN}{CJK_PUNCT}])")
_RUNS = re.compile(r"\s{2,}")


@dataclass
class Chars:
    """`style` holds one int per character (`pipeline.spans.style_bits`: bold, italic, code,
    and the index of its link in `links`), so formatting survives every cut exactly."""

    text: str = ""
    style: list[int] = field(default_factory=list)
    markers: list[int] = field(default_factory=list)  # sorted: index of the char a mark follows
    links: list[str] = field(default_factory=list)  # addresses, indexed from `style`
    # keyed marks (a DOCX footnote reference names its note): char index -> note keys, in order
    calls: dict[int, list[str]] = field(default_factory=dict)

    @classmethod
    def from_spans(cls, spans: list[Span]) -> "Chars":
        pieces: list[str] = []
        style: list[int] = []
        markers: list[int] = []
        links: dict[str, int] = {}
        calls: dict[int, list[str]] = {}
        lead: list[str] = []  # keyed marks before any text: they call from the first character
        for span in spans:
            if span.kind == SpanKind.MARKER:
                if style:
                    markers.append(len(style) - 1)
                    if span.note:
                        calls.setdefault(len(style) - 1, []).append(span.note)
                elif span.note:
                    lead.append(span.note)
            elif span.kind == SpanKind.TEXT and span.text:
                if lead and not style:
                    markers.append(0)
                    calls[0] = lead
                pieces.append(span.text)
                link = links.setdefault(span.href, len(links)) if span.href else None
                style.extend([style_bits(span.bold, span.italic, span.code, link)]
                             * len(span.text))
        return cls("".join(pieces), style, sorted(set(markers)), list(links), calls)

    def spans(self, start: int = 0, end: int | None = None) -> list[InlineSpan]:
        """The formatting of text[start:end] as spans relative to `start`."""
        return from_styles(self.style, self.links, start, end)

    def keep(self, mask: list[bool]) -> "Chars":
        """The characters where `mask` is True; a marker on a removed character moves to the
        kept character before it (a keyed mark with none before it: to the first one, so the
        note it calls keeps its sentence)."""
        pieces: list[str] = []
        style: list[int] = []
        new_index: list[int] = []  # old index -> new index (-1: nothing kept yet)
        for i, keep in enumerate(mask):
            if keep:
                pieces.append(self.text[i])
                style.append(self.style[i])
            new_index.append(len(style) - 1)
        calls: dict[int, list[str]] = {}
        for m in sorted(self.calls):
            if style:
                calls.setdefault(max(new_index[m], 0), []).extend(self.calls[m])
        markers = sorted({new_index[m] for m in self.markers if new_index[m] >= 0} | set(calls))
        return Chars("".join(pieces), style, markers, self.links, calls)

    def normalised(self) -> "Chars":
        """Collapse whitespace, drop spaces between Chinese characters, trim."""
        text = self.text.translate({10: 32, 9: 32, 0xA0: 32, 13: 32})
        mask = [True] * len(text)
        for m in _RUNS.finditer(text):
            mask[m.start() + 1:m.end()] = [False] * (m.end() - m.start() - 1)
        for m in _SPACE_BETWEEN_CJK.finditer(text):
            mask[m.start():m.end()] = [False] * (m.end() - m.start())
        lead = len(text) - len(text.lstrip())
        trail = len(text.rstrip())
        mask[:lead] = [False] * lead
        mask[trail:] = [False] * (len(text) - trail)
        if all(mask):
            return Chars(text, self.style, self.markers, self.links, self.calls)
        return Chars(text, self.style, self.markers, self.links, self.calls).keep(mask)

    def drop_prefix(self, n: int) -> "Chars":
        return self.slice(n, len(self.text)).normalised()

    def slice(self, start: int, end: int) -> "Chars":
        return Chars(self.text[start:end], self.style[start:end],
                     [m - start for m in self.markers if start <= m < end], self.links,
                     {m - start: keys for m, keys in self.calls.items() if start <= m < end})

    def is_bold(self, i: int) -> bool:
        return bool(self.style[i] & BOLD_BIT)

    def all_bold(self, start: int = 0, end: int | None = None) -> bool:
        """True when every letter in [start, end) is bold (punctuation and spaces don't count)."""
        end = len(self.text) if end is None else end
        letters = [self.is_bold(i) for i in range(start, end) if self.text[i].isalnum()]
        return bool(letters) and all(letters)
