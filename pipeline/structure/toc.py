"""Contents lists: a `目录` heading followed by the list of the headings that come later (as
links to in-page anchors or as plain items). They are dropped (kind `toc`), never sections.

Recognised by behaviour: an entry is a contents entry when it names a later heading or links
to an anchor in the page; a `目录` line followed by ordinary text is left alone.
"""
from __future__ import annotations

import re

from ..readers.blocks import BlockKind
from .items import Context, DropKind, Item

_TOC_WORD = re.compile(r"^(?:本文)?(?:目录|目錄|contents|tableofcontents)$", re.I)  # noise removed
_NUMBERING = re.compile(r"^\s*(?:第.{1,3}[章节部分]|[\d.]+|[一二三四五六七八九十]+[、.]?|part\s*\d+)\s*[.、:：]?\s*",
                        re.I)
_NOISE = re.compile(r"[\s\W_]+")


def _key(text: str) -> str:
    return _NOISE.sub("", _NUMBERING.sub("", text)).lower()


def _anchor_links(item: Item) -> bool:
    return bool(item.block.links) and all(h.startswith("#") for h in item.block.links)


def recognise(ctx: Context) -> None:
    items = ctx.items
    where: dict[str, list[int]] = {}  # heading-like text -> where it occurs
    for k, it in enumerate(items):
        if it.kind == BlockKind.HEADING or (it.kind == BlockKind.PARA and len(it.simple) <= 60):
            where.setdefault(_key(it.simple), []).append(k)
    for i in ctx.free():
        start = items[i]
        if not _TOC_WORD.match(_NOISE.sub("", start.simple)) or not start.is_free():
            continue
        entries: list[Item] = []
        j = i + 1
        while j < len(items):
            item = items[j]
            if not item.is_free() or item.kind not in (BlockKind.LIST_ITEM, BlockKind.PARA):
                break
            key = _key(item.simple)
            # the heading it names comes later (the entry itself is one occurrence)
            named = bool(key) and any(k > j for k in where.get(key, ()))
            if not (_anchor_links(item) or named):
                break
            entries.append(item)
            j += 1
        if len(entries) >= 2:
            start.set_dropped(DropKind.TOC)
            for item in entries:
                item.set_dropped(DropKind.TOC)
