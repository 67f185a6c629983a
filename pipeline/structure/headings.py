"""Title and section headings: which item is the document title, which start sections, the
number and title of each heading, and its level.

Heading styles seen in real exports, all handled by the same few rules:
- Markdown headings, with the number in the text (`### 01 标题`, `## 1.1 标题`, `## 第一章 标题`,
  `一、标题`) or alone (`**01**` as a setext heading, followed by title headings);
- WeChat pseudo-headings: a paragraph that is only a number (`**01**`, `***01***`, bare `01` in
  plain text) followed by short title lines (bold, or in plain text without a full stop);
- stacked headings: a `##` chapter and a `###` section with nothing between them are two
  sections (levels 1 and 2); same-level headings are one title only after a number-only
  heading or when the first ends mid-phrase (`，`).
The title is the first level-1/2 heading before the body, the front matter's title, or in plain
text the first short line; a copy of the title printed again is dropped (`duplicate-title`).
"""
from __future__ import annotations

import re

from ..readers.blocks import BlockKind
from .items import Context, DropKind, Item, Role
from .speakers import label_of

_NUM = r"[\d一二三四五六七八九十百零〇]{1,4}"
_CHAPTER = rf"第\s*{_NUM}\s*[章节部分篇讲回期课]"
NUMBER_ONLY = re.compile(
    rf"^\s*(?:part|chapter|section)?\s*(\d{{1,3}}(?:[.．]\d{{1,3}})*|[一二三四五六七八九十]{{1,3}}|{_CHAPTER})"
    r"\s*[.．、:：]?\s*$", re.I)
NUMBERED = [re.compile(p, re.I) for p in (
    rf"^\s*({_CHAPTER})\s*[.．、:：\-—]?\s*(.+)$",  # 第一章 标题
    r"^\s*(\d{1,3}(?:[.．]\d{1,3})+)[.．、]?\s+(.+)$",  # 1.1 标题
    r"^\s*(\d{1,3})\s*[.．、:：)）]\s*(\D.*)$",  # 1. 标题 / 1、标题
    r"^\s*(0\d)\s+(.+)$",  # 01 标题
    r"^\s*([一二三四五六七八九十]{1,3})\s*[、.．:：]\s*(.+)$",  # 一、标题
    r"^\s*[（(]([一二三四五六七八九十\d]{1,3})[)）]\s*(.+)$",  # （一）标题
    r"^\s*(?:part|chapter|section)\s+(\d{1,3}|[ivxlc]{1,6})\s*[.:：\-–—]?\s*(.+)$",  # Part 1: …
)]
_SENTENCE_END = re.compile(r"[。；;]$|[。！？!?][」”\"]?$")
_CONTINUES = re.compile(r"[，,、：:—-]$")
TITLE_MAX = 60  # characters: a longer line is a paragraph, not a title line
_SPACE = re.compile(r"[\s\W_]+")


def split_number(text: str) -> tuple[str | None, str | None, int]:
    """(number, title, where the title starts) of a heading's text."""
    m = NUMBER_ONLY.match(text)
    if m:
        return m.group(1).strip(), None, len(text)
    for pattern in NUMBERED:
        m = pattern.match(text)
        if m:
            return re.sub(r"\s+", "", m.group(1)), m.group(2).strip(), m.start(2)
    return None, text.strip(), 0


def same_text(a: str, b: str) -> bool:
    return bool(a) and _SPACE.sub("", a).lower() == _SPACE.sub("", b).lower()


_FULL_STOP = re.compile(r"[。；;.]$")
_SENTENCE_DONE = re.compile(r"[。！？!?…”」]$")


def _title_like(item: Item, plain: bool) -> bool:
    """A short line that can be (part of) a title: all bold in Markdown/DOCX; in plain text,
    short and without a full stop (a title may ask a question). Never a speaker's turn."""
    text = item.simple.strip()
    if not text or len(text) > TITLE_MAX or item.kind != BlockKind.PARA:
        return False
    if label_of(text) is not None and not text.endswith(("：", ":")):
        return False
    if plain:
        return not _FULL_STOP.search(text) and "。" not in text
    return item.chars.all_bold()


_LINE_END = re.compile(r"[。！？!?；;：:…—]$")
_QUESTION_END = re.compile(r"[？！?!][”」\"]?$")
BOLD_LINE_MAX = 40


def _bold_lines(ctx: Context, already: int = 0) -> None:
    """Short all-bold lines used as headings (`**自动驾驶有五级台阶**`): a bold line that does not
    end a sentence and is not a number, a label or the last thing on the page is a heading
    when the document uses at least two of them (one alone is emphasis); `already` counts
    bold headings found another way (after an empty heading)."""
    found = []
    free = [i for i, it in enumerate(ctx.items) if it.is_free()]
    for i in free[:-1]:
        item = ctx.items[i]
        text = item.simple.strip()
        # a question can be a heading too when it opens a section after a divider image
        after_image = i > 0 and ctx.items[i - 1].kind == BlockKind.IMAGE
        ends_ok = not _LINE_END.search(text) or (after_image and _QUESTION_END.search(text))
        if (item.role == Role.BODY and item.kind == BlockKind.PARA and not ctx.plain
                and 0 < len(text) <= BOLD_LINE_MAX and item.chars.all_bold()
                and ends_ok and not NUMBER_ONLY.match(text) and label_of(text) is None):
            found.append(item)
    if len(found) + already >= 2:
        for item in found:
            item.role = Role.HEADING


def _plain_lines(ctx: Context) -> None:
    """Plain text has no markup: a short line without end punctuation that comes after a
    finished sentence (or at the start) and before text is a heading, when the document has
    at least two such lines."""
    free = [i for i, it in enumerate(ctx.items) if it.is_free() and it.role == Role.BODY]
    found = []
    for i in free[:-1]:
        item = ctx.items[i]
        text = item.simple.strip()
        if not text or len(text) > BOLD_LINE_MAX or _LINE_END.search(text) \
                or NUMBER_ONLY.match(text) or label_of(text) is not None:
            continue
        before = ctx.items[i - 1] if i else None
        if before is not None and before.role in (Role.HEADING, Role.TITLE):
            continue  # a subtitle, not a heading of its own
        if before is not None and before.role == Role.BODY \
                and not _SENTENCE_DONE.search(before.simple.strip()):
            continue
        found.append(item)
    if len(found) >= 2:
        for item in found:
            item.role = Role.HEADING


def _empty_headings(ctx: Context) -> list[int]:
    """`### ` with nothing in it, then `**标题**` on the next line: editors that put the heading
    style on an empty line. The bold line is the heading, at the empty heading's level.
    Returns the levels used that way."""
    levels: list[int] = []
    free = [i for i, it in enumerate(ctx.items) if it.is_free()]
    for k, i in enumerate(free):
        item = ctx.items[i]
        if item.kind != BlockKind.HEADING or item.text.strip():
            continue
        item.set_dropped(DropKind.EMPTY_HEADING)
        nxt = ctx.items[free[k + 1]] if k + 1 < len(free) else None
        if nxt is not None and nxt.role == Role.BODY and _title_like(nxt, plain=False):
            nxt.role, nxt.md_level = Role.HEADING, item.md_level
            levels.append(item.md_level)
    return levels


def recognise(ctx: Context) -> None:
    """Mark title, headings (number, title part, glue, level) in one pass over the items."""
    items = ctx.items
    wrapped = _empty_headings(ctx)
    _title(ctx)
    md_levels = sorted({it.md_level for it in items if it.role == Role.HEADING and it.md_level})
    rank = {level: k + 1 for k, level in enumerate(md_levels)}
    # bold lines are the smallest headings: the level the editor's own bold headings have,
    # else one below every marked-up level
    bold_level = rank[max(wrapped)] if wrapped else len(rank) + 1
    _bold_lines(ctx, already=len(wrapped))
    if ctx.plain:
        _plain_lines(ctx)
    # with numbered paragraph headings (`**01**`), an unnumbered bold line is one level below
    numbered = any(it.role == Role.BODY and it.kind == BlockKind.PARA and len(it.simple) <= 12
                   and NUMBER_ONLY.match(it.simple) for it in items)
    rank[0] = bold_level + (1 if numbered and not wrapped else 0)
    pending_title = False  # after a number-only heading, until the body starts
    last: Item | None = None  # the last heading item, while no body has followed it
    for i, item in enumerate(items):
        if item.role in (Role.DROPPED, Role.METADATA, Role.TITLE):
            continue
        if item.role == Role.HEADING:
            number, title, start = split_number(item.simple)
            level = rank.get(item.md_level, 1)
            untitled = last is not None and last.title is None and not last.glue
            continues = last is not None and bool(last.title) and bool(
                _CONTINUES.search(last.title or ""))
            if (pending_title and (untitled or continues)) or (
                    continues and last is not None and last.md_level == item.md_level):
                item.glue, item.title, item.title_start = True, item.simple.strip(), 0
                item.level = last.level if last else level
            else:
                item.number, item.title, item.title_start = number, title, start
                item.level = level + (number.count(".") if number and len(md_levels) <= 1
                                      else 0)
                pending_title = title is None
            last = item
            continue
        if item.role == Role.BODY and item.kind == BlockKind.PARA:
            number_only = NUMBER_ONLY.match(item.simple)
            if number_only and len(item.simple) <= 12 and _followed_by_title(items, i, ctx.plain):
                item.role, item.number = Role.HEADING, number_only.group(1).strip()
                item.level = bold_level + item.number.count(".")
                item.title, item.title_start = None, len(item.text)
                pending_title, last = True, item
                continue
            # title lines as paragraphs: after a number given as a paragraph, or a number-only
            # heading still without a title (a heading title is never continued by a paragraph)
            if pending_title and last is not None and _title_like(item, ctx.plain) and (
                    (last.title is None and not last.glue)
                    or (last.kind == BlockKind.PARA and _CONTINUES.search(last.title or ""))):
                item.role, item.glue = Role.HEADING, True
                item.title, item.title_start, item.level = item.simple.strip(), 0, last.level
                last = item
                continue
        pending_title, last = False, None


def _followed_by_title(items: list[Item], i: int, plain: bool) -> bool:
    """A bare number is a heading when a title line or a heading comes right after it."""
    for item in items[i + 1:]:
        if item.role == Role.DROPPED:
            continue
        return item.role == Role.HEADING or _title_like(item, plain)
    return False


def _title(ctx: Context) -> None:
    """Pick the document title; drop copies of it printed again near the top."""
    items = ctx.items
    title_item: Item | None = None
    first_body = next((i for i, it in enumerate(items) if it.is_free()), None)
    if ctx.metadata.title is None:
        for it in items:
            if it.role == Role.HEADING and it.md_level <= 2:
                title_item = it
                break
            if it.is_free() and it.role == Role.BODY:
                break
        if title_item is None and first_body is not None and ctx.plain and all(
                items[j].kind == BlockKind.FRONT_MATTER for j in range(first_body)):
            first = items[first_body]
            if _title_like(first, plain=True) and first_body + 1 < len(items):
                title_item = first
        if title_item is not None:
            title_item.role = Role.TITLE
            ctx.metadata.title = title_item.text.strip()
    title = ctx.metadata.title
    if not title:
        return
    checked = 0
    for it in items:
        if it is title_item or not it.is_free():
            continue
        checked += 1
        if checked > 5:
            break
        if same_text(it.simple, title) or same_text(it.text, title):
            it.set_dropped(DropKind.DUPLICATE_TITLE)
