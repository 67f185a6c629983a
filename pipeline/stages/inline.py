"""Formatting carried from the Chinese into the English.

A span over the whole sentence (a bold question) is certain: it covers the whole English. A
span over part of it (a bold clause, a link on two words) has to be found in the English:

- from a translation memory that carries inline tags (TMX `<bpt>/<ept>`, XLIFF `<g>`), as the
  translator placed them;
- through MT, as tag placeholders around the clause (`translate.protect_tagged`), read back
  where the model put them; a model that drops, doubles or reverses a tag loses only that
  span's placement; an instruction model gets `<b>…</b>`-style tags instead (`markup`);
- otherwise estimated (`_estimated`): by anchors (Latin words, numbers and glossary terms of
  the span found in the English) widened to whole clauses, else the clauses at the same
  relative place, else the whole sentence. Every estimate is flagged `inline-uncertain:<mark>`,
  so an editor checks it: formatting is never silently misplaced.

Inline code is different: it is never translated. It travels as a keep-as-is placeholder and is
found verbatim in the English.
"""
from __future__ import annotations

import re
from typing import Iterable

from ..glossary.matcher import find_english
from ..model import InlineSpan, Mark, Segment, TermHit
from ..placeholders import tidy
from ..spans import covers_all, normalise, trim, whole

FLAG_UNCERTAIN = "inline-uncertain"  # + ":<mark>": placed by a fallback, check it
_ANCHOR = re.compile(r"[A-Za-z0-9][A-Za-z0-9.+\-_/@]*[A-Za-z0-9+]|[A-Za-z0-9]")
CODE_TERM = "inline-code"  # the term id of a code span sent as a keep-as-is placeholder


def tagged(seg: Segment) -> list[InlineSpan]:
    """The spans MT must place with tags: bold, italic and links over part of the sentence."""
    return [s for s in seg.spans
            if s.mark != Mark.CODE and not covers_all(seg.source, s)]


def code_terms(seg: Segment) -> list[TermHit]:
    """Inline code as keep-as-is terms (the code is its own English), with the glossary hits
    that fall outside code: a term inside code is code, not a term."""
    codes = [s for s in seg.spans if s.mark == Mark.CODE]
    if not codes:
        return list(seg.terms)
    out = [TermHit(CODE_TERM, seg.source[s.start:s.end], seg.source[s.start:s.end], s.start,
                   s.end) for s in codes]
    out += [h for h in seg.terms if not any(h.start < c.end and h.end > c.start for c in codes)]
    return sorted(out, key=lambda h: h.start)


def memory_spans(seg: Segment, unit_source: str, source_spans: Iterable[InlineSpan],
                 target_spans: Iterable[InlineSpan]) -> list[InlineSpan] | None:
    """A memory unit's English formatting, when its Chinese formatting is the segment's (the
    same marks over the same words; the unit's Chinese may differ in spacing or script, so
    each side is read in its own text); None when it says nothing about this segment's
    formatting, and the spans are placed as for MT output. A unit whose Chinese is formatted
    and whose English is not is the translator's choice: no spans, nothing estimated."""
    source_spans, target_spans = list(source_spans), list(target_spans)
    if not source_spans:  # a memory that never carried formatting says nothing about it
        return None
    if unit_source != seg.source:  # a Traditional memory for a Simplified text, say
        from ..script import simplify_aligned

        unit_source = simplify_aligned(unit_source)
    mine = sorted((seg.source[s.start:s.end].strip(), s.mark, s.href) for s in seg.spans)
    theirs = sorted((unit_source[s.start:s.end].strip(), s.mark, s.href) for s in source_spans)
    return list(target_spans) if mine == theirs else None


def place(seg: Segment, target: str,
          found: Iterable[tuple[int, bool, int]] = (),
          known: list[InlineSpan] | None = None) -> tuple[list[InlineSpan], list[str]]:
    """The English spans for `seg.spans`, and flags for any placed by a fallback.

    `found` lists tags read back from MT output: (index into `tagged(seg)`, opening?, offset).
    `known` are spans a memory gave for exactly this target; they are taken as they are.
    """
    if not seg.spans or not target:
        return [], []
    if known is not None:
        return normalise(known, len(target)), []
    opened: dict[int, list[int]] = {}
    closed: dict[int, list[int]] = {}
    for k, opening, at in found:
        (opened if opening else closed).setdefault(k, []).append(at)
    parts = tagged(seg)
    out: list[InlineSpan] = []
    flags: list[str] = []
    for span in seg.spans:
        if span.mark == Mark.CODE:
            placed = _verbatim(seg.source[span.start:span.end], target)
        elif covers_all(seg.source, span):
            out.append(whole(target, span))
            continue
        else:
            k = parts.index(span)
            a, b = opened.get(k, []), closed.get(k, [])
            placed = (trim(target, InlineSpan(a[0], b[0], span.mark, span.href))
                      if len(a) == 1 and len(b) == 1 and a[0] < b[0] else None)
        if placed is None:
            placed = _estimated(seg, span, target)
            flags.append(f"{FLAG_UNCERTAIN}:{span.mark.value}")
        out.append(placed)
    return normalise(out, len(target)), sorted(set(flags))


_ZH_BREAK = set("，。；：！？、,;:!?")
_EN_BREAK = re.compile(r"[,;:.!?—–()](?:[\"”’)\]]*)\s+|\s+[—–]\s+")


def _estimated(seg: Segment, span: InlineSpan, target: str) -> InlineSpan:
    """Where a span with no tags probably is: between its anchors, widened to whole clauses
    when the Chinese span is made of whole clauses; else, for whole clauses, the English
    clauses at the same relative place; else the whole sentence."""
    source = seg.source
    lead = source[:span.start].rstrip()
    tail = source[span.end:].strip()
    starts_clause = not lead or lead[-1] in _ZH_BREAK
    ends_clause = not tail or tail[0] in _ZH_BREAK or all(not c.isalnum() for c in tail)
    bounds = sorted({0, len(target)} | {m.end() for m in _EN_BREAK.finditer(target)})
    anchored = _anchored(seg, span, target)
    if anchored is not None:
        start, end = anchored.start, anchored.end
        if starts_clause:
            start = 0 if not lead else max(b for b in bounds if b <= start)
        if ends_clause and not any(c.isalnum() for c in tail):  # to the end of the sentence
            end = len(target) - (len(target) - len(target.rstrip(" .!?;:,")) if tail else 0)
        elif ends_clause:
            end = min((m.start() for m in _EN_BREAK.finditer(target, end)), default=len(target))
        return trim(target, InlineSpan(start, end, span.mark, span.href)) or anchored
    if starts_clause and ends_clause and len(bounds) > 2:
        def near(fraction: float) -> int:
            return min(bounds, key=lambda b: abs(b - fraction * len(target)))

        start = near(span.start / max(1, len(source)))
        end = near(span.end / max(1, len(source)))
        if 0 < end - start < len(target):
            stretch = target[start:end].rstrip(" ,;:—–")
            placed = trim(target, InlineSpan(start, start + len(stretch), span.mark, span.href))
            if placed is not None:
                return placed
    return whole(target, span)


def _verbatim(code: str, target: str) -> InlineSpan | None:
    at = target.find(code)
    return InlineSpan(at, at + len(code), Mark.CODE) if at >= 0 and code else None


def _anchored(seg: Segment, span: InlineSpan, target: str) -> InlineSpan | None:
    """The stretch of English between the first and last anchor of the span's Chinese: its
    Latin words and numbers, and the English of glossary terms inside it. None when an anchor
    is missing or found twice, or when it also occurs outside the span (it would not say where
    the span is)."""
    text = seg.source[span.start:span.end]
    outside = seg.source[:span.start] + " " + seg.source[span.end:]
    edges: list[tuple[int, int]] = []
    for word in dict.fromkeys(m.group() for m in _ANCHOR.finditer(text)):
        if re.search(rf"(?<![A-Za-z0-9]){re.escape(word)}(?![A-Za-z0-9])", outside):
            return None
        where = [m.span() for m in re.finditer(
            rf"(?<![A-Za-z0-9]){re.escape(word)}(?![A-Za-z0-9])", target)]
        if len(where) != 1:
            return None
        edges.append(where[0])
    for hit in seg.terms:
        if span.start <= hit.start and hit.end <= span.end:
            if hit.source in outside:
                return None
            where = find_english(target, hit.target)
            if len(where) != 1:
                return None
            edges.append(where[0])
    if not edges:
        return None
    return trim(target, InlineSpan(min(a for a, _ in edges), max(b for _, b in edges),
                                   span.mark, span.href))


def shift_after_edit(spans: list[InlineSpan], start: int, end: int,
                     length: int) -> list[InlineSpan]:
    """Spans after text[start:end] was replaced by `length` characters (a repaired term)."""
    delta = length - (end - start)
    out = []
    for s in spans:
        a = s.start if s.start <= start else max(start, s.start + delta)
        b = s.end if s.end <= start else max(start + length if s.end < end else s.end + delta, a)
        out.append(InlineSpan(a, b, s.mark, s.href))
    return normalise(out)


# -- markup for engines that read instructions (the local LLM) -----------------------------
# An instruction model keeps HTML-like tags around the words they belong to far better than
# opaque placeholders; the k-th tag pair of a mark in the reply is the k-th span of that mark.
_TAG_NAMES = {Mark.BOLD: "b", Mark.ITALIC: "i", Mark.LINK: "a", Mark.CODE: "code"}
_MARK_OF = {name: mark for mark, name in _TAG_NAMES.items()}
_REPLY_TAG = re.compile(r"<(/?)(b|i|a|code)>", re.IGNORECASE)
TAG_RULE = ("- Keep each inline tag (<b>…</b>, <i>…</i>, <a>…</a>, <code>…</code>) around the "
            "English words that translate the tagged Chinese; copy what is inside <code> "
            "unchanged.")


def _sent(seg: Segment) -> list[InlineSpan]:
    """The spans an instruction model is asked to carry: partial formatting, and code."""
    return sorted(tagged(seg) + [s for s in seg.spans if s.mark == Mark.CODE],
                  key=lambda s: (s.start, -s.end))


def markup(seg: Segment) -> str:
    """The segment's Chinese with `<b>…</b>`-style tags around its partial formatting."""
    spans = _sent(seg)
    if not spans:
        return seg.source
    events = sorted([(s.start, 1, f"<{_TAG_NAMES[s.mark]}>") for s in spans]
                    + [(s.end, 0, f"</{_TAG_NAMES[s.mark]}>") for s in spans],
                    key=lambda e: (e[0], e[1]))
    out, last = [], 0
    for at, _, tag in events:
        out.append(seg.source[last:at])
        out.append(tag)
        last = at
    out.append(seg.source[last:])
    return "".join(out)


def unmarkup(seg: Segment, reply: str) -> tuple[str, list[tuple[int, bool, int]]]:
    """The reply without tags, and where each came back, as `place` takes them (index into
    `tagged(seg)`, opening?, offset); code spans are found verbatim, so their tags only go."""
    parts = tagged(seg)
    order: dict[Mark, list[int]] = {}
    for k, span in enumerate(parts):
        order.setdefault(span.mark, []).append(k)
    seen: dict[tuple[Mark, bool], int] = {}
    out: list[str] = []
    found: list[tuple[int, bool, int]] = []
    last, length = 0, 0
    for m in _REPLY_TAG.finditer(reply):
        piece = reply[last:m.start()]
        out.append(piece)
        length += len(piece)
        last = m.end()
        mark, opening = _MARK_OF[m.group(2).lower()], not m.group(1)
        n = seen.get((mark, opening), 0)
        seen[(mark, opening)] = n + 1
        if mark != Mark.CODE and n < len(order.get(mark, [])):
            found.append((order[mark][n], opening, length))
    out.append(reply[last:])
    if not found:
        return "".join(out), []
    text, moved = tidy("".join(out), [at for _, _, at in found])
    return text, [(k, opening, at) for (k, opening, _), at in zip(found, moved)]
