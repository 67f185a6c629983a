"""Markdown editions: the English edition and the parallel text, with `[^n]` footnotes.

The parallel text is paired paragraphs (Chinese, then English) rather than a table: a table
row cannot hold a multi-paragraph turn, and pipes and footnotes in cells are fragile in GFM.
"""
from __future__ import annotations

import re

from ..model import Document, Paragraph, Segment
from .common import (REVIEW_MARK, footnote_numbers, footnote_order, needs_review, source_text,
                     speaker_label, target_text)

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|#])")


def escape(text: str) -> str:
    """Escape Markdown syntax so source text never turns into markup."""
    return _MD_SPECIAL.sub(r"\\\1", text)


def _refs(seg: Segment, numbers: dict[str, int]) -> str:
    return "".join(f"[^{numbers[n]}]" for n in seg.note_ids if n in numbers)


def _paragraph(doc: Document, para: Paragraph, lang: str, numbers: dict[str, int],
               script: str = "simplified", marks: bool = False) -> str:
    """One paragraph; consecutive emphasised sentences share one bold span. `marks` puts the
    review mark after English an editor should check (parallel text only)."""
    joiner = " " if lang == "en" else ""
    groups: list[tuple[bool, list[str]]] = []
    for seg in para.segments:
        text = escape(target_text(seg) if lang == "en" else source_text(seg, script, doc.script)) \
            + _refs(seg, numbers) + (f" {REVIEW_MARK}" if marks and needs_review(seg) else "")
        if groups and groups[-1][0] == seg.emphasis:
            groups[-1][1].append(text)
        else:
            groups.append((seg.emphasis, [text]))
    # CommonMark cannot close `**` between Chinese punctuation and a letter (`。**以前`), so a
    # bold group is set off by a space in Chinese too
    line = (" " if lang == "en" or len(groups) > 1 else "").join(
        f"**{joiner.join(t)}**" if bold else joiner.join(t) for bold, t in groups)
    label = speaker_label(doc, para.speaker, lang, script) if para.turn_start else None
    if label:
        # `**张鹏**：` as the source writes it: `**张鹏：**正文` would not parse as bold
        line = (f"**{escape(label)}:** {line}" if lang == "en"
                else f"**{escape(label)}**：{line}")
    if para.kind == "list_item":
        line = f"- {line}"
    return line


def _section_heading(number: str | None, title: str | None) -> str | None:
    if number is None and title is None:
        return None
    return "## " + " · ".join(x for x in (number, escape(title) if title else None) if x)


def _footnotes(doc: Document, numbers: dict[str, int], langs: tuple[str, ...],
               script: str = "simplified") -> list[str]:
    lines = []
    for note in footnote_order(doc):
        parts = []
        if "en" in langs:
            parts.append(escape(target_text(note.segment)))
        if "zh" in langs and note.kind == "editor":
            parts.append(escape(source_text(note.segment, script, doc.script)))
        label = "Editor's note" if note.kind == "editor" else "Translator's note"
        lines.append(f"[^{numbers[note.id]}]: *{label}:* " + " / ".join(parts))
    return lines


def english_markdown(doc: Document) -> str:
    numbers = footnote_numbers(doc)
    out: list[str] = []
    if doc.title:
        out += [f"# {escape(target_text(doc.title))}{_refs(doc.title, numbers)}", ""]
    if doc.source_url:
        out += [f"Source: <{doc.source_url}>", ""]
    for section in doc.sections:
        heading = _section_heading(section.number, target_text(section.title)
                                   if section.title else None)
        if heading:
            out += [heading, ""]
        previous_list = False
        for para in section.paragraphs:
            is_list = para.kind == "list_item"
            if previous_list and not is_list:
                out.append("")
            out.append(_paragraph(doc, para, "en", numbers))
            if not is_list:
                out.append("")
            previous_list = is_list
        if previous_list:
            out.append("")
    out += _footnotes(doc, numbers, ("en",))
    return "\n".join(out).rstrip() + "\n"


def parallel_markdown(doc: Document, script: str = "simplified") -> str:
    numbers = footnote_numbers(doc)
    out: list[str] = []
    if doc.title:
        out += [f"# {escape(source_text(doc.title, script, doc.script))}", "",
                f"# {escape(target_text(doc.title))}", ""]
    if doc.source_url:
        out += [f"Source: <{doc.source_url}>", ""]
    for section in doc.sections:
        zh = _section_heading(section.number,
                              source_text(section.title, script, doc.script) if section.title else None)
        if zh:
            en = _section_heading(None, target_text(section.title)) if section.title else None
            out += [zh + (f" / {en[3:]}" if en else ""), ""]
        for para in section.paragraphs:
            out += [f"> {_paragraph(doc, para, 'zh', numbers, script)}", ">",
                    f"> {_paragraph(doc, para, 'en', numbers, marks=True)}", ""]
    out += _footnotes(doc, numbers, ("en", "zh"), script)
    return "\n".join(out).rstrip() + "\n"
