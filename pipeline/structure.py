"""Blocks → Document: title, sections, speaker turns, editor's notes, dropped page furniture.

All readers share this, so a DOCX or plain-text transcript is understood exactly like the
WeChat Markdown export.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .model import Document, Dropped, Note, Paragraph, Section, Segment
from .readers.blocks import Block
from .script import simplify_aligned, to_simplified
from .segment import sentence_spans

_SECTION_NUMBER = re.compile(r"^\s*(\d{1,3})\s*$")
_SPEAKER = re.compile(r"^\s*([^\s：:，,。！？!?「」《》()（）\d][^：:，,。！？!?「」《》()（）]{1,11}?)\s*[：:]")
_NOTE = re.compile(r"^\s*(?:编者注|编注|注)\s*[：:]\s*")
_ACCOUNT_STATS = re.compile(r"^\s*\d+\s*篇原创内容\s*$")
_ACCOUNT_LINES = re.compile(r"点击关注|关注公众号|^\s*公众号\s*$|设为星标|^\s*[，,。、]\s*$")
_REPOST = re.compile(r"转载.*(?:请|联系|添加)|请添加微信|未经授权")
_RELATED = re.compile(r"^\s*(?:更多阅读|推荐阅读|往期推荐|相关阅读|延伸阅读)\s*$")
_CUBOX = re.compile(r"cubox", re.I)
_CJK_PUNCT = r"\u3000-\u303f\uff00-\uffef"
_HAN = r"\u3400-\u9fff\uf900-\ufaff"
_SPACE_BETWEEN_CJK = re.compile(rf"(?<=[{_HAN}{_CJK_PUNCT}])\s+(?=[{_HAN}{_CJK_PUNCT}])")


@dataclass
class _Chars:
    """Paragraph text with per-character bold flags and note markers, kept aligned while
    the text is normalised, simplified and split."""

    text: str = ""
    bold: list[bool] = field(default_factory=list)
    markers: set[int] = field(default_factory=set)  # index of the char a marker follows

    @classmethod
    def from_block(cls, block: Block) -> "_Chars":
        chars = cls()
        for span in block.spans:
            if span.kind == "marker":
                if chars.text:
                    chars.markers.add(len(chars.text) - 1)
            elif span.kind == "text":
                chars.text += span.text
                chars.bold.extend([span.bold] * len(span.text))
        return chars

    def keep(self, mask: list[bool]) -> "_Chars":
        out = _Chars()
        new_index: dict[int, int] = {}
        for i, (ch, keep) in enumerate(zip(self.text, mask)):
            if keep:
                new_index[i] = len(out.text)
                out.text += ch
                out.bold.append(self.bold[i])
            elif out.text:
                new_index[i] = len(out.text) - 1
        out.markers = {new_index[m] for m in self.markers if m in new_index}
        return out

    def normalised(self) -> "_Chars":
        """Collapse whitespace, drop spaces between Chinese characters, trim."""
        text = self.text.replace("\n", " ").replace("\t", " ").replace("\u00a0", " ")
        mask = [True] * len(text)
        for m in re.finditer(r"\s{2,}", text):
            for j in range(m.start() + 1, m.end()):
                mask[j] = False
        for m in _SPACE_BETWEEN_CJK.finditer(text):
            for j in range(m.start(), m.end()):
                mask[j] = False
        lead = len(text) - len(text.lstrip())
        trail = len(text.rstrip())
        for j in range(len(text)):
            if j < lead or j >= trail:
                mask[j] = False
        return _Chars(text, self.bold, self.markers).keep(mask)  # same length: aligned

    def drop_prefix(self, n: int) -> "_Chars":
        return self.keep([i >= n for i in range(len(self.text))]).normalised()


def _join_titles(parts: list[str]) -> str:
    out = ""
    for part in parts:
        part = part.strip()
        if out and part and not (re.match(rf"[{_HAN}{_CJK_PUNCT}]", out[-1])
                                 or re.match(rf"[{_HAN}{_CJK_PUNCT}]", part[0])):
            out += " "
        out += part
    return out


def _furniture(blocks: list[Block], script: str) -> dict[int, str]:
    """Indexes of blocks that are page furniture, with their kind (rules read Simplified)."""
    kinds: dict[int, str] = {}
    texts = [to_simplified(b.text) if script == "traditional" else b.text for b in blocks]
    for i, b in enumerate(blocks):
        text = texts[i].strip()
        if b.kind == "image" or (b.has_image and not text):
            kinds[i] = "image"
        elif b.kind == "rule":
            kinds[i] = "rule"
        elif b.kind == "html":
            kinds[i] = "line-break" if re.fullmatch(r"(?:<br\s*/?>\s*)+", text, re.I) else "html"
        elif _ACCOUNT_STATS.match(text):
            kinds[i] = "account-card"
            # the card is: bold account name, one-line description, stats, then prompts
            for back in (1, 2):
                j = i - back
                if j >= 0 and j not in kinds and len(texts[j]) <= 60 and blocks[j].kind == "para":
                    kinds[j] = "account-card"
            j = i + 1
            while j < len(blocks) and blocks[j].kind != "heading" and (
                    blocks[j].kind == "html" or len(texts[j].strip()) <= 3
                    or _ACCOUNT_LINES.search(texts[j])):
                kinds.setdefault(j, "account-card")
                j += 1
        elif _ACCOUNT_LINES.search(text) and len(text) <= 40:
            kinds.setdefault(i, "account-card")
        elif _REPOST.search(text) and len(text) <= 80:
            kinds[i] = "repost-notice"
        elif _RELATED.match(text):
            kinds[i] = "related-articles"
            j = i + 1
            while j < len(blocks) and blocks[j].kind != "heading" and (
                    _link_only(blocks[j]) or blocks[j].kind in ("image", "html", "rule")):
                kinds[j] = "related-articles" if _link_only(blocks[j]) else kinds.get(j, "image")
                j += 1
        elif _link_only(b) and any(_CUBOX.search(h or "") for h in b.links):
            kinds[i] = "cubox-link"
    return kinds


def _link_only(block: Block) -> bool:
    texts = [s for s in block.spans if s.kind == "text" and s.text.strip()]
    return bool(texts) and all(s.href for s in texts)


class _Builder:
    def __init__(self, path: str, script: str) -> None:
        self.doc = Document(title=None, path=path, script=script)
        self.section = Section(id="0")
        self.doc.sections.append(self.section)
        self.speaker: str | None = None
        self.pending_markers: list[str] = []
        self.last_segment: Segment | None = None
        self.title_parts: list[tuple[str, str]] | None = None  # (simplified, display)

    # -- segments -----------------------------------------------------------------------
    def _segments(self, chars: _Chars, para_id: str) -> list[Segment]:
        display = chars.text
        source = simplify_aligned(display) if self.doc.script == "traditional" else display
        segs: list[Segment] = []
        for start, end in sentence_spans(source):
            a, b = start, end
            while a < b and source[a].isspace():
                a += 1
            while b > a and source[b - 1].isspace():
                b -= 1
            if a == b:
                continue
            letters = [chars.bold[j] for j in range(a, b) if source[j].isalnum()]
            seg = Segment(id=f"{para_id}.{len(segs) + 1}", source=source[a:b], display=display[a:b],
                          emphasis=bool(letters) and sum(letters) * 2 >= len(letters))
            # a marker belongs to the sentence whose span (with its spacing) holds the character
            # it follows
            for _ in (m for m in chars.markers if start <= m < end):
                seg.note_ids.append(f"n{len(self.doc.notes) + len(self.pending_markers) + 1}")
                self.pending_markers.append(seg.id)
            segs.append(seg)
        return segs

    # -- blocks -------------------------------------------------------------------------
    def heading(self, block: Block, chars: _Chars) -> None:
        text = chars.text
        if self.doc.title is None and not self._has_body() and block.level <= 2:
            self.doc.title = self._title_segment(text, "title")
            return
        number = _SECTION_NUMBER.match(text)
        if number:
            self._finish_title()
            self.section = Section(id=str(len(self.doc.sections)), number=number.group(1))
            self.doc.sections.append(self.section)
            self.title_parts = []
            self.speaker = None
            return
        if self.title_parts is not None and not self.section.paragraphs:
            self.title_parts.append(text)
            return
        # an unnumbered heading starts an unnumbered section
        self._finish_title()
        self.section = Section(id=str(len(self.doc.sections)))
        self.doc.sections.append(self.section)
        self.title_parts = [text]
        self.speaker = None

    def _title_segment(self, display: str, seg_id: str) -> Segment:
        source = simplify_aligned(display) if self.doc.script == "traditional" else display
        return Segment(id=seg_id, source=source, display=display)

    def _finish_title(self) -> None:
        if self.title_parts:
            self.section.title = self._title_segment(_join_titles(self.title_parts),
                                                     f"{self.section.id}.t")
        self.title_parts = None

    def _has_body(self) -> bool:
        return any(s.paragraphs for s in self.doc.sections)

    def paragraph(self, block: Block, chars: _Chars) -> None:
        self._finish_title()
        if not chars.text:
            return
        simple = simplify_aligned(chars.text) if self.doc.script == "traditional" else chars.text
        note = _NOTE.match(simple)
        if note and block.kind == "para":
            self._note(chars.drop_prefix(note.end()), block.line)
            return
        turn_start = False
        label = _SPEAKER.match(simple)
        if label and block.kind == "para" and all(chars.bold[label.start(1):label.end(1)]):
            self.speaker = label.group(1).strip()
            if self.speaker not in self.doc.speakers:
                self.doc.speakers.append(self.speaker)
            chars = chars.drop_prefix(label.end())
            turn_start = True
            if not chars.text:
                return
        para_id = f"{self.section.id}.{len(self.section.paragraphs) + 1}"
        segs = self._segments(chars, para_id)
        if not segs:
            return
        self.section.paragraphs.append(Paragraph(
            id=para_id, segments=segs, speaker=self.speaker, turn_start=turn_start,
            kind=block.kind if block.kind == "list_item" else "body", line=block.line))
        self.last_segment = segs[-1]

    def _note(self, chars: _Chars, line: int) -> None:
        if self.pending_markers:
            anchor = self.pending_markers.pop(0)
        elif self.last_segment is not None:
            anchor = self.last_segment.id
            self.last_segment.note_ids.append(f"n{len(self.doc.notes) + 1}")
        else:
            self.doc.dropped.append(Dropped("orphan-note", chars.text, line))
            return
        note_id = f"n{len(self.doc.notes) + 1}"
        seg = self._title_segment(chars.text, note_id)
        self.doc.notes.append(Note(id=note_id, anchor=anchor, segment=seg, kind="editor"))

    def finish(self) -> Document:
        self._finish_title()
        # markers that never got their note text: keep the text intact, drop the dangling ids
        dangling = {f"n{len(self.doc.notes) + k + 1}" for k in range(len(self.pending_markers))}
        for seg in self.doc.body_segments():
            seg.note_ids = [n for n in seg.note_ids if n not in dangling]
        self.doc.sections = [s for s in self.doc.sections if s.paragraphs or s.title or s.number]
        return self.doc


def build_document(blocks: list[Block], *, path: str, script: str) -> Document:
    builder = _Builder(path, script)
    furniture = _furniture(blocks, script)
    for i, block in enumerate(blocks):
        if i in furniture:
            text = block.text.strip() or " ".join(h for h in (s.href for s in block.spans) if h)
            builder.doc.dropped.append(Dropped(furniture[i], text, block.line))
            continue
        chars = _Chars.from_block(block).normalised()
        if block.kind == "heading":
            builder.heading(block, chars)
        elif (builder.doc.title is not None and builder.doc.source_url is None
              and not builder._has_body() and block.links and len(chars.text) < 120
              and all(h.startswith("http") for h in block.links)):
            builder.doc.source_url = block.links[0]
            builder.doc.dropped.append(Dropped("source-line", chars.text, block.line))
        else:
            builder.paragraph(block, chars)
    return builder.finish()
