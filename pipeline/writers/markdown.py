"""Markdown editions: the English edition and the parallel text, with `[^n]` footnotes.

The parallel text is paired paragraphs (Chinese, then English) rather than a table: a table
row cannot hold a multi-paragraph turn, and pipes and footnotes in cells are fragile in GFM.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from ..model import Document, Mark, Paragraph, ParagraphKind, Segment
from ..spans import Run
from ..textio import atomic_write_text
from .common import (ORIGINAL_TITLE, REVIEW_MARK, footnote_numbers, footnote_order, needs_review, note_label,
                     note_term, source_line, source_text, speaker_label, joined_runs,
                     target_text, translation_statement, original_title)

if TYPE_CHECKING:
    from ..run import Options
    from ..stages.review import Review

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|#])")


def escape(text: str) -> str:
    """Escape Markdown syntax so source text never turns into markup."""
    return _MD_SPECIAL.sub(r"\\\1", text)


_SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


_DELIMITERS = {Mark.BOLD: "**", Mark.ITALIC: "*"}
Opened = tuple  # (Mark.LINK, href) or (Mark.BOLD/ITALIC, None): one open Markdown construct


def _key(mark: Mark, href: str | None) -> Opened:
    return (mark, href if mark == Mark.LINK else None)


def _wanted(run: Run) -> set[Opened]:
    out = {_key(m, None) for m in run.marks if m in _DELIMITERS}
    if run.href:
        out.add(_key(Mark.LINK, run.href))
    return out


def _inline_code(text: str) -> str:
    """Inline code in a backtick fence longer than any run inside it."""
    fence = "`" * (max((len(r) for r in re.findall(r"`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def formatted(pieces: list[tuple[Run, list[str]]], ref: Callable[[list[str]], str]) -> str:
    """Runs as Markdown: links, bold and italic opened where they start and closed where they
    end, nested as their extents nest (`*Read this in [English](…)*`); a construct that must
    close while a later one is still open closes that one too and reopens it after. A note
    reference inside a bold phrase stays inside it; `ref` renders the marks after a run."""
    texts = [run for run, _ in pieces]
    # how long each construct stays on from each run: the longer one opens first (outermost)
    reach: list[dict[Opened, int]] = [{} for _ in texts]
    following: dict[Opened, int] = {}
    for i in range(len(texts) - 1, -1, -1):
        wanted = _wanted(texts[i]) if texts[i].text else set(following)
        following = {k: following.get(k, 0) + 1 for k in wanted}
        reach[i] = following
    out: list[str] = []
    stack: list[Opened] = []

    def open_(item: Opened) -> None:
        out.append("[" if item[0] == Mark.LINK else _DELIMITERS[item[0]])
        stack.append(item)

    def close_top() -> Opened:
        item = stack.pop()
        out.append(f"]({_url(item[1])})" if item[0] == Mark.LINK else _DELIMITERS[item[0]])
        return item

    for i, (run, ids) in enumerate(pieces):
        if run.text:
            wanted = _wanted(run)
            if any(item not in wanted for item in stack):
                depth = min(k for k, item in enumerate(stack) if item not in wanted)
                reopen = [item for item in stack[depth:] if item in wanted]
                while len(stack) > depth:
                    close_top()
                for item in reopen:
                    open_(item)
            for item in sorted(wanted - set(stack), key=lambda k: -reach[i].get(k, 0)):
                open_(item)
            out.append(_inline_code(run.text) if run.code else escape(run.text))
        out.append(ref(ids) if ids else "")
    while stack:
        close_top()
    return "".join(out)


def _url(href: str) -> str:
    """A link destination Markdown reads back whole (spaces and parentheses would end it)."""
    return f"<{href}>" if re.search(r"[\s()<>]", href) else href


def _english(doc: Document, seg: Segment, numbers: dict[str, int]) -> str:
    """The English, formatted, with each `[^n]` right after the term its note explains."""
    return _line(doc, [seg], "en", numbers)


def _chinese(doc: Document, seg: Segment, numbers: dict[str, int], script: str) -> str:
    """The Chinese with its note numbers after the terms, as plain superscript digits: a second
    `[^n]` reference would make pandoc print every note twice (GFM and markdown-it merge them
    instead), so only the English side links to the note."""
    return _line(doc, [seg], "zh", numbers, script)


def _line(doc: Document, segs: list[Segment], lang: str, numbers: dict[str, int],
          script: str = "simplified", marks: bool = False) -> str:
    """Segments as one formatted Markdown line: English joined by spaces with `[^n]` links,
    Chinese joined directly with superscript note numbers; `marks` adds the review mark."""
    # only lines that carry marks look their notes up (a document may have thousands)
    notes = {n.id: n for n in doc.notes} if any(s.note_ids for s in segs) else {}
    if lang == "en":
        return formatted(
            joined_runs([(s, target_text(s)) for s in segs], notes, numbers, "en", " ",
                        lambda s: f" {REVIEW_MARK}" if marks and needs_review(s) else ""),
            lambda ids: "".join(f"[^{numbers[n]}]" for n in ids))
    return formatted(
        joined_runs([(s, source_text(s, script, doc.script)) for s in segs], notes, numbers,
                    "zh"),
        lambda ids: "⁽" + ",".join(str(numbers[n]) for n in ids).translate(_SUPERSCRIPT) + "⁾")


def _paragraph(doc: Document, para: Paragraph, lang: str, numbers: dict[str, int],
               script: str = "simplified", marks: bool = False) -> str:
    """One paragraph, its formatting as the spans say. `marks` puts the review mark after
    English an editor should check (parallel text only)."""
    line = _line(doc, para.segments, lang, numbers, script, marks)
    label = speaker_label(doc, para.speaker, lang, script) if para.turn_start else None
    if label:
        # `**张鹏**：` as the source writes it: `**张鹏：**正文` would not parse as bold
        line = (f"**{escape(label)}:** {line}" if lang == "en"
                else f"**{escape(label)}**：{line}")
    if para.kind == "list_item":
        line = f"- {line}"
    return line


def _code(para: Paragraph) -> list[str]:
    """A code block, verbatim, in a fence longer than any backtick run inside it."""
    fence = "`" * max(3, max((len(r) for r in re.findall(r"`+", para.verbatim)), default=0) + 1)
    return [f"{fence}{para.language}", para.verbatim, fence]


def _table(para: Paragraph, render: Callable[[list[Segment]], str]) -> list[str]:
    """A GFM table: first row the header; each cell's segments rendered with their formatting
    (`|` is escaped with the text, so no cell splits)."""
    rows = [[render(cell) for cell in row] for row in para.table_rows()]
    if not rows:
        return []
    width = max(len(r) for r in rows)
    rows = [r + [""] * (width - len(r)) for r in rows]
    out = ["| " + " | ".join(rows[0]) + " |", "|" + "---|" * width]
    return out + ["| " + " | ".join(r) + " |" for r in rows[1:]]


def _block(doc: Document, para: Paragraph, lang: str, numbers: dict[str, int],
           script: str = "simplified") -> list[str]:
    """Code and tables, which are not sentences in a paragraph."""
    if para.kind == ParagraphKind.CODE:
        return _code(para)
    return _table(para, lambda cell: _line(doc, cell, lang, numbers, script))


def _section_heading(number: str | None, title: str | None, level: int = 1) -> str | None:
    """`## 01 · Title`; a level-2 section is `###`, and so on (Markdown stops at six).
    `title` is Markdown already (`_line`: escaped, with its links and code)."""
    if number is None and title is None:
        return None
    return "#" * min(6, 1 + level) + " " + " · ".join(x for x in (number, title) if x)


def _front_matter(doc: Document) -> list[str]:
    """The block under the title: original title, source and metadata, and what the English
    is. One paragraph, lines joined by hard breaks (`\\` at a line's end: CommonMark)."""
    lines = []
    title = original_title(doc)
    if title:
        lines.append(f"*{ORIGINAL_TITLE}:* {escape(title)}")
    source = source_line(doc)
    if source:
        lines.append(source)
    lines.append(f"*{escape(translation_statement(doc))}*")
    return ["\\\n".join(lines), ""]


def _footnotes(doc: Document, numbers: dict[str, int], langs: tuple[str, ...],
               script: str = "simplified") -> list[str]:
    lines = []
    for note in footnote_order(doc):
        parts = []
        if "en" in langs:
            term = note_term(note, "zh" in langs)
            parts.append((f"**{escape(term)}**: " if term else "")
                         + _line(doc, [note.segment], "en", numbers))
        if "zh" in langs and note.kind == "editor":
            parts.append(_line(doc, [note.segment], "zh", numbers, script))
        lines.append(f"[^{numbers[note.id]}]: *{note_label(note)}:* " + " / ".join(parts))
    return lines


def english_markdown(doc: Document) -> str:
    numbers = footnote_numbers(doc)
    out: list[str] = []
    if doc.title:
        out += [f"# {_english(doc, doc.title, numbers)}", ""]
    out += _front_matter(doc)
    for section in doc.sections:
        heading = _section_heading(section.number, _line(doc, [section.title], "en", numbers)
                                   if section.title else None, section.level)
        if heading:
            out += [heading, ""]
        previous_list = False
        for para in section.paragraphs:
            if para.kind in (ParagraphKind.CODE, ParagraphKind.TABLE):
                out += ([""] if previous_list else []) + _block(doc, para, "en", numbers) + [""]
                previous_list = False
                continue
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
        # one H1 holding both titles: two would give the page two titles in every renderer
        out += [f"# {_chinese(doc, doc.title, numbers, script)}"
                f" / {_english(doc, doc.title, numbers)}", ""]
    out += _front_matter(doc)
    for section in doc.sections:
        zh = _section_heading(section.number, _line(doc, [section.title], "zh", numbers, script)
                              if section.title else None, section.level)
        if zh:
            en = _line(doc, [section.title], "en", numbers) if section.title else None
            out += [zh + (f" / {en}" if en else ""), ""]
        for para in section.paragraphs:
            if para.kind == ParagraphKind.CODE:
                out += _code(para) + [""]
                continue
            if para.kind == ParagraphKind.TABLE:
                out += (_block(doc, para, "zh", numbers, script) + [""]
                        + _block(doc, para, "en", numbers) + [""])
                continue
            out += [f"> {_paragraph(doc, para, 'zh', numbers, script)}", ">",
                    f"> {_paragraph(doc, para, 'en', numbers, marks=True)}", ""]
    out += _footnotes(doc, numbers, ("en", "zh"), script)
    return "\n".join(out).rstrip() + "\n"


def write_english(doc: Document, path: Path, review: Review, options: Options) -> None:
    atomic_write_text(path, english_markdown(doc))


def write_parallel(doc: Document, path: Path, review: Review, options: Options) -> None:
    atomic_write_text(path, parallel_markdown(doc, options.source_script or doc.script))
