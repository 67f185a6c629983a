"""Classified items → Document, in one pass: sections, paragraphs with speakers, segments,
notes at their markers, code and tables, and the dropped list in reading order."""
from __future__ import annotations

import bisect
import re
from collections import deque

from ..model import (Document, Dropped, InlineSpan, Mark, Note, Paragraph, ParagraphKind,
                     Section, Segment)
from ..readers.blocks import BlockKind
from ..script import simplify_aligned
from ..spans import covers_all
from ..segment import sentence_spans
from .chars import CJK_PUNCT, HAN, Chars
from .items import Context, DropKind, Item, Role

_CJK_EDGE = re.compile(rf"[{HAN}{CJK_PUNCT}]")


def join_titles(parts: list[str]) -> str:
    """Title lines joined: nothing between Chinese, a space between Latin words."""
    out: list[str] = []
    for part in (p.strip() for p in parts):
        if out and part and not (_CJK_EDGE.match(out[-1][-1]) or _CJK_EDGE.match(part[0])):
            out.append(" ")
        out.append(part)
    return "".join(out)


def _title_spans(item: Item) -> list[InlineSpan]:
    """A heading's own formatting over its title (as `join_titles` trims it): links and code,
    and bold or italic over part of it; bold over the whole title is the heading's style."""
    text = item.text[item.title_start:]
    start = item.title_start + len(text) - len(text.lstrip())
    title = text.strip()
    return [s for s in item.chars.spans(start, start + len(title))
            if not (s.mark in (Mark.BOLD, Mark.ITALIC) and covers_all(title, s))]


def _called(chars: Chars) -> list[str]:
    """The note keys a heading's marks call, in reading order (its title is one segment)."""
    return [key for at in sorted(chars.calls) for key in chars.calls[at]]


class Assembler:
    def __init__(self, ctx: Context, path: str) -> None:
        self.ctx = ctx
        self.doc = Document(title=None, path=path, script=ctx.script, metadata=ctx.metadata)
        self.section = Section(id="0")
        self.doc.sections.append(self.section)
        self.speaker: str | None = None
        self.pending_label: tuple[str, str] | None = None  # (speaker, label) of a bare label
        self.pending_markers: deque[str] = deque()
        # keyed marks (DOCX footnote references): note key -> the segment that calls it; the
        # note's text comes later (after the body) and finds its segment by key, not by order
        self.calls: dict[str, Segment] = {}
        self.title_calls: list[str] = []  # keys called in the heading being assembled
        self.last_segment: Segment | None = None
        self.title_parts: list[str] | None = None
        self.title_spans: list[InlineSpan] = []

    # -- segments -----------------------------------------------------------------------
    def _simple(self, display: str) -> str:
        return simplify_aligned(display) if self.doc.script == "traditional" else display

    def segment(self, display: str, seg_id: str,
                spans: list[InlineSpan] | None = None) -> Segment:
        return Segment(id=seg_id, source=self._simple(display), display=display,
                       spans=list(spans or []))

    def _segments(self, chars: Chars, para_id: str, first: int = 1) -> list[Segment]:
        display = chars.text
        source = self._simple(display)
        segs: list[Segment] = []
        markers = chars.markers  # sorted
        for start, end in sentence_spans(source):
            a, b = start, end
            while a < b and source[a].isspace():
                a += 1
            while b > a and source[b - 1].isspace():
                b -= 1
            if a == b:
                continue
            seg = Segment(id=f"{para_id}.{first + len(segs)}", source=source[a:b],
                          display=display[a:b], spans=chars.spans(a, b))
            # a marker belongs to the sentence whose span (with its spacing) holds the
            # character it follows
            lo, hi = bisect.bisect_left(markers, start), bisect.bisect_left(markers, end)
            for m in markers[lo:hi]:
                if m in chars.calls:
                    self._call(chars.calls[m], seg)
                    continue
                seg.note_ids.append(f"n{len(self.doc.notes) + len(self.pending_markers) + 1}")
                self.pending_markers.append(seg.id)
            segs.append(seg)
        return segs

    def _call(self, keys: list[str], seg: Segment) -> None:
        for key in keys:
            self.calls.setdefault(key, seg)

    # -- items --------------------------------------------------------------------------
    def add(self, item: Item) -> None:
        if item.role in (Role.DROPPED, Role.METADATA):
            text = item.text.strip() or " ".join(
                f"{s.text} {s.href or ''}".strip() for s in item.block.spans if s.href or s.text)
            if item.kind == BlockKind.FRONT_MATTER:
                text = item.block.spans[0].text
            elif item.kind == BlockKind.OMITTED:
                text = f"{item.block.info}: {item.block.text}"
            self.doc.dropped.append(Dropped(str(item.drop or DropKind.METADATA), text, item.line))
        elif item.role == Role.TITLE:
            self.doc.title = self.segment(item.text, "title")
            self._call(_called(item.chars), self.doc.title)
        elif item.role == Role.HEADING:
            self.heading(item)
        elif item.role == Role.NOTE:
            self._finish_title()
            if item.block.key:
                self.note(item.chars, item.line, item.block.info, key=item.block.key)
            else:
                self.note(item.chars.drop_prefix(item.prefix), item.line,
                          item.text[:item.prefix].strip(" ：:"))
        elif item.role == Role.CODE:
            self._finish_title()
            self._append(Paragraph(id=self._next_para_id(), segments=[], kind=ParagraphKind.CODE,
                                   line=item.line, verbatim=item.block.spans[0].text
                                   if item.block.spans else "", language=item.block.info))
        elif item.role == Role.TABLE:
            self._finish_title()
            self.table(item)
        else:
            self.paragraph(item)

    def heading(self, item: Item) -> None:
        if item.glue and self.title_parts is not None:
            self.title_parts.append(item.text[item.title_start:])
            self.title_calls += _called(item.chars)
            return
        self._finish_title()
        self.section = Section(id=str(len(self.doc.sections)), number=item.number,
                               level=max(item.level, 1))
        self.doc.sections.append(self.section)
        self.title_parts = [item.text[item.title_start:]] if item.title else []
        self.title_spans = _title_spans(item) if item.title else []
        self.title_calls = _called(item.chars)
        self.speaker = None
        self.pending_label = None

    def _finish_title(self) -> None:
        if self.title_parts:
            # a title glued from several lines loses their formatting, never its text
            self.section.title = self.segment(join_titles(self.title_parts),
                                              f"{self.section.id}.t",
                                              self.title_spans if len(self.title_parts) == 1
                                              else [])
            self._call(self.title_calls, self.section.title)
        self.title_parts = None
        self.title_calls = []

    def _next_para_id(self) -> str:
        return f"{self.section.id}.{len(self.section.paragraphs) + 1}"

    def _append(self, para: Paragraph) -> None:
        self.section.paragraphs.append(para)

    def paragraph(self, item: Item) -> None:
        self._finish_title()
        chars = item.chars
        turn_start, label = False, None
        if item.speaker is not None:
            self.speaker, label, turn_start = item.speaker, item.label, True
            self.pending_label = None
            chars = chars.drop_prefix(item.prefix)
            if not chars.text:  # the label alone on its line: the next paragraph speaks
                self.pending_label = (item.speaker, item.label or item.speaker)
                self._add_speaker(item.speaker)
                return
            self._add_speaker(item.speaker)
        elif self.pending_label is not None:
            (self.speaker, label), turn_start = self.pending_label, True
            self.pending_label = None
        if not chars.text:
            return
        para_id = self._next_para_id()
        segs = self._segments(chars, para_id)
        if not segs:
            return
        kind = ParagraphKind.LIST_ITEM if item.kind == BlockKind.LIST_ITEM else ParagraphKind.BODY
        self._append(Paragraph(id=para_id, segments=segs, speaker=self.speaker,
                               turn_start=turn_start, kind=kind, line=item.line, label=label))
        self.last_segment = segs[-1]

    def _add_speaker(self, name: str) -> None:
        if name not in self.doc.speakers:
            self.doc.speakers.append(name)

    def table(self, item: Item) -> None:
        para_id = self._next_para_id()
        segs: list[Segment] = []
        cells: list[list[int]] = []
        for row in item.block.rows:
            counts = []
            for spans in row:
                cell = self._segments(Chars.from_spans(spans).normalised(), para_id,
                                      first=len(segs) + 1)
                segs.extend(cell)
                counts.append(len(cell))
            cells.append(counts)
        self._append(Paragraph(id=para_id, segments=segs, kind=ParagraphKind.TABLE,
                               line=item.line, cells=cells))

    def note(self, chars: Chars, line: int, label: str = "", key: str = "") -> None:
        """An editor's note: to the segment that calls it by `key` (DOCX), else to the next
        unkeyed mark, else to the text before it; with none of these it is listed as dropped.
        Keyed notes never reserve ids at their marks: a reader that keys its notes (DOCX)
        yields no unkeyed marks, so `n<count + 1>` is free."""
        if key:
            called = self.calls.pop(key, None)
            anchor = called.id if called is not None else None
            if called is not None:
                called.note_ids.append(f"n{len(self.doc.notes) + 1}")
        elif self.pending_markers:
            anchor = self.pending_markers.popleft()
        elif self.last_segment is not None:
            anchor = self.last_segment.id
            self.last_segment.note_ids.append(f"n{len(self.doc.notes) + 1}")
        else:
            anchor = None
        if anchor is None:
            self.doc.dropped.append(Dropped(str(DropKind.ORPHAN_NOTE),
                                            f"{label}：{chars.text}" if label else chars.text, line))
            return
        note_id = f"n{len(self.doc.notes) + 1}"
        self.doc.notes.append(Note(id=note_id, anchor=anchor,
                                   segment=self.segment(chars.text, note_id, chars.spans()),
                                   kind="editor", label=label))

    def finish(self) -> Document:
        self._finish_title()
        if self.doc.title is None and self.ctx.metadata.title:
            self.doc.title = self.segment(self.ctx.metadata.title, "title")
        # markers that never got their note text: keep the text intact, drop the dangling ids
        dangling = {f"n{len(self.doc.notes) + k + 1}" for k in range(len(self.pending_markers))}
        if dangling:
            for seg in self.doc.body_segments():
                seg.note_ids = [n for n in seg.note_ids if n not in dangling]
        self.doc.sections = [s for s in self.doc.sections
                             if s.paragraphs or s.title or s.number]
        return self.doc
