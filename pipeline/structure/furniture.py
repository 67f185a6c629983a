"""Page furniture: what the publishing platform wrapped around the article.

Images, rules and raw HTML; the WeChat account card, repost notices, "more reading" link
lists, calls to action (scan the code, sign up, join the group) and the page tail the export
copies from the reader UI. Each dropped item is listed in `dropped` with its kind.

The rules look at behaviour: a card is a short name line, an optional one-line description
and an `N篇原创内容` stats line; a page tail is the run of short UI lines after the first UI
prompt near the end; a link list is a run of link-only paragraphs after a "read more" line.
"""
from __future__ import annotations

import re

from ..readers.blocks import BlockKind, SpanKind
from .items import Context, DropKind, Item, Role

_ACCOUNT_STATS = re.compile(r"^\s*\d+\s*篇原创内容\s*$")
_ACCOUNT_LINES = re.compile(r"点击关注|关注公众号|^\s*公众号\s*$|设为星标|^\s*[，,。、]\s*$")
_REPOST = re.compile(r"转载.*(?:请|联系|添加)|请添加微信|未经授权|禁止.{0,4}转载|独家授权")
_RELATED = re.compile(r"^\s*(?:更多阅读|推荐阅读|往期推荐|相关阅读|延伸阅读|往期回顾|热门文章)\s*[:：]?\s*$")
_CUBOX = re.compile(r"cubox", re.I)
# prompts of the WeChat reader UI that exports copy after the article
_TAIL_START = re.compile(r"预览时标签不可点|微信扫一扫|继续滑动看下一个|向上滑动看下一个|轻触阅读原文"
                         r"|喜欢此内容的人还喜欢|^\s*阅读原文\s*$|^\s*Scan to Follow\s*$", re.I)
_TAIL_MAX = 60  # UI lines are short; a long paragraph after a prompt is article text
# a call to action: scan a code, sign up, join a group
_CALL_TO_ACTION = re.compile(r"扫码|扫描.{0,6}二维码|长按.{0,6}(?:二维码|识别)|识别二维码|点击.{0,4}(?:报名|预约)"
                             r"|(?:报名|预约)(?:通道|链接|直播)|加入.{0,8}(?:社群|交流群|读者群)"
                             r"|添加.{0,6}(?:小助手|微信)")
_CTA_MAX = 300
_TAGS = re.compile(r"^\s*(?:#[^\s#]+\s*)+$")  # `#Omnivore #AI`: hashtags, not a heading


def recognise(ctx: Context) -> None:
    items = ctx.items
    lists: list[int] = []
    for i, item in enumerate(items):
        if not item.is_free():
            continue
        text = item.simple.strip()
        if item.kind == BlockKind.IMAGE or (item.block.has_image and not text):
            item.set_dropped(DropKind.IMAGE)
        elif item.kind == BlockKind.RULE:
            item.set_dropped(DropKind.RULE)
        elif item.kind == BlockKind.HTML:
            item.set_dropped(DropKind.LINE_BREAK if re.fullmatch(r"(?:<br\s*/?>\s*)+", text, re.I)
                             else DropKind.HTML)
        elif _ACCOUNT_STATS.match(text):
            _account_card(items, i)
        elif _ACCOUNT_LINES.search(text) and len(text) <= 40:
            item.set_dropped(DropKind.ACCOUNT_CARD)
        elif _REPOST.search(text) and len(text) <= 80:
            item.set_dropped(DropKind.REPOST_NOTICE)
        elif _RELATED.match(text):
            lists.append(i)  # after the other rules: a card or notice inside stays what it is
        elif _link_only(item) and any(_CUBOX.search(h or "") for h in item.block.links):
            item.set_dropped(DropKind.CUBOX_LINK)
        elif _CALL_TO_ACTION.search(text) and len(text) <= _CTA_MAX:
            item.set_dropped(DropKind.AD)
        elif item.kind == BlockKind.PARA and _TAGS.match(text):
            item.set_dropped(DropKind.TAG)
        elif item.kind == BlockKind.PARA and text and not any(ch.isalnum() for ch in text):
            item.set_dropped(DropKind.RULE)  # `-`, `***`, `……` alone on a line: a separator
    for i in lists:
        _link_list(items, i)
    _page_tail(items)


_MARKUP = re.compile(r"!?\[[^\]]*\]\([^)]*\)|https?://\S+")


def _visible_len(text: str) -> int:
    """Length without image syntax and URLs an exporter left as literal text."""
    return len(_MARKUP.sub("", text).strip())


def _short_plain(item: Item, limit: int) -> bool:
    return item.is_free() and item.kind == BlockKind.PARA and 0 < len(item.simple) <= limit


def _account_card(items: list[Item], i: int) -> None:
    """The card is: account name (bold, alone), an optional one-line description, the stats
    line, then prompts. Only a bold name line proves a card: without it nothing above the
    stats line is taken, so a speaker's last turn before a card with no description stays."""
    items[i].set_dropped(DropKind.ACCOUNT_CARD)
    above = [j for j in (i - 1, i - 2) if j >= 0]
    if above and _short_plain(items[above[0]], 60) and items[above[0]].chars.all_bold():
        items[above[0]].set_dropped(DropKind.ACCOUNT_CARD)
    elif (len(above) == 2 and _short_plain(items[above[0]], 60)
          and _short_plain(items[above[1]], 30) and items[above[1]].chars.all_bold()):
        items[above[0]].set_dropped(DropKind.ACCOUNT_CARD)
        items[above[1]].set_dropped(DropKind.ACCOUNT_CARD)
    j = i + 1
    while j < len(items) and items[j].kind != BlockKind.HEADING and items[j].is_free() and (
            items[j].kind == BlockKind.HTML or len(items[j].simple.strip()) <= 3
            or _ACCOUNT_LINES.search(items[j].simple)):
        if items[j].kind != BlockKind.HTML:  # `<br />` is listed as what it is, below
            items[j].set_dropped(DropKind.ACCOUNT_CARD)
        j += 1


def _link_only(item: Item) -> bool:
    texts = [s for s in item.block.spans if s.kind == SpanKind.TEXT and s.text.strip()]
    return bool(texts) and all(s.href for s in texts)


_LIST_LINE_MAX = 60


def _link_list(items: list[Item], i: int) -> None:
    """`推荐阅读` and what follows it: links, their cover images and their short titles, until a
    heading or a paragraph long enough to be text again."""
    items[i].set_dropped(DropKind.RELATED)
    j = i + 1
    while j < len(items) and items[j].kind != BlockKind.HEADING and (
            not items[j].is_free() or _link_only(items[j])
            or items[j].kind in (BlockKind.IMAGE, BlockKind.HTML, BlockKind.RULE)
            or 0 < _visible_len(items[j].simple) <= _LIST_LINE_MAX):
        if items[j].is_free():
            items[j].set_dropped(DropKind.IMAGE if items[j].kind == BlockKind.IMAGE
                                 else DropKind.RULE if items[j].kind == BlockKind.RULE
                                 else DropKind.RELATED)
        j += 1


def _page_tail(items: list[Item]) -> None:
    """From the first reader-UI prompt in the last part of the page, the short lines that
    follow are UI too (`知道了`, `赞`, `在看`, `分享`); a long paragraph ends the tail."""
    start = max(0, len(items) - 60)
    for i in range(start, len(items)):
        if items[i].is_free() and _TAIL_START.search(items[i].simple) \
                and _visible_len(items[i].simple) <= _TAIL_MAX:
            for item in items[i:]:
                if item.role == Role.DROPPED or not item.is_free():
                    continue
                if _visible_len(item.simple) > _TAIL_MAX and item.kind != BlockKind.HTML:
                    break
                item.set_dropped(DropKind.PAGE_TAIL)
            return
