"""Header lines that describe the article: `作者 | 某某 编辑 | 某某`, `SOURCE: https://…`,
`主持人：…`, `嘉宾：…`, `时间：…`, a WeChat byline (`原创 作者 账号 2024年…`), and the link
line an export puts under the title. They become Document.metadata and are listed in
`dropped` (kind `metadata`, `byline` or `source-line`), never translated as body text.

Only the top of the document (before the first section heading or speaker turn) is read as
a header, plus `原文链接`-style lines anywhere: `时间：` inside a turn is a sentence.
"""
from __future__ import annotations

import copy
import re

from ..readers.blocks import BlockKind, SpanKind
from ..script import to_simplified
from .fields import EXTRA_KEYS, KEYS, assign
from .items import Context, DropKind, Item

HEADER_SCAN = 25  # free items from the top that may be header lines
_KEY = r"(?:[A-Za-z][A-Za-z_]{0,19}|[\u3400-\u9fff]{1,6})"
# a value runs to the next `key |` (any key shape: the line is then checked key by key), or to
# the next known key with a colon (`作者：某某 编辑：某某`; an unknown word before a colon is
# part of the value: `时间：2024年 上午：10点`)
_KNOWN = "|".join(sorted((re.escape(k) for k in (*KEYS, *EXTRA_KEYS)), key=len, reverse=True))
_PAIR = re.compile(rf"(?:^|(?<=\s))({_KEY})\s*(?:[|｜:：丨/]\s*)(.*?)"
                   rf"(?=\s+{_KEY}\s*[|｜丨]|\s+(?i:{_KNOWN})\s*[:：]|$)")
_BYLINE = re.compile(r"^\s*(?:原创|原創)\s+\S")
_TIME = re.compile(r"\d{1,2}:\d{2}")
_SNAKE_KEY = re.compile(r"^[a-z]+(?:_[a-z]+)+$")  # `date_saved`: an export's field, never prose
_ORIGINAL = re.compile(r"original|原文|source|来源|出处", re.I)
# a WeChat repost names the account it comes from and the author
_REPOSTED = re.compile(r"^\s*以下文章来源于\s*(?P<pub>[^，,]+?)\s*[，,]\s*作者\s*(?P<author>.+?)\s*$")
_DATE = re.compile(r"\d{4}\s*[年\-/.]\s*\d{1,2}\s*[月\-/.]\s*\d{1,2}\s*日?")
_ANYWHERE = {k for k, f in KEYS.items() if f.value == "source_url" and not k.isascii()}
_URL_ONLY = re.compile(r"^\s*<?https?://\S+>?\s*$")
_SENTENCE_END = re.compile(r"[。！？]|[.!?](?:\s|$)")  # a link inside a sentence is body text


def recognise(ctx: Context) -> None:
    free = ctx.free()
    seen = 0
    text_seen = False
    for i in free:
        item = ctx.items[i]
        if item.kind == BlockKind.HEADING and text_seen:
            break  # a section after body text: the header is over
        text_seen = text_seen or (item.kind == BlockKind.PARA and len(item.simple) > 60)
        seen += 1
        if seen > HEADER_SCAN:
            break
        if item.kind not in (BlockKind.PARA, BlockKind.LIST_ITEM) or len(item.simple) > 120:
            continue
        if (_metadata_line(ctx, item) or _byline(ctx, item) or _reposted(ctx, item)
                or _source_line(ctx, item)):
            continue
    for i in ctx.free():  # `原文链接：https://…` at the end of an article
        item = ctx.items[i]
        if item.kind == BlockKind.PARA and len(item.simple) <= 300:
            m = _PAIR.match(item.simple)
            if m and m.group(1) in _ANYWHERE and "http" in item.text:
                _metadata_line(ctx, item)


def _metadata_line(ctx: Context, item: Item) -> bool:
    """`key：value` or `key | value key | value` where every key is a metadata key. Read from
    the text as written: normalising removes the space that separates `张三 编辑`."""
    raw = " ".join(item.block.text.split())
    simple = to_simplified(raw) if ctx.script == "traditional" else raw
    if len(simple) != len(raw):
        raw = simple
    pairs = list(_PAIR.finditer(simple))
    if not pairs or pairs[0].start() != 0:
        return False
    if not all((m.group(1).lower() in KEYS) or _extra_key(m.group(1)) for m in pairs):
        return False
    if any(len(m.group(2)) > 60 or re.search("[。！？]", m.group(2)) for m in pairs):
        return False  # a value that long, or with a full stop, is a sentence
    # values are read from the display text (same offsets): names stay as written; a line is
    # metadata only if every pair is (`Source: 某次演讲` under an image is a caption)
    trial = copy.deepcopy(ctx.metadata)
    if not all([assign(trial, m.group(1), raw[m.start(2):m.end(2)]) for m in pairs]):
        return False
    ctx.metadata = trial
    item.set_dropped(DropKind.METADATA)
    return True


def _extra_key(key: str) -> bool:
    return key.lower() in EXTRA_KEYS or bool(_SNAKE_KEY.match(key))


def _byline(ctx: Context, item: Item) -> bool:
    """`原创 张三 极客公园 2024年09月20日 10:00 北京`: the WeChat article byline (account, date,
    time, place), with or without the `原创` mark."""
    raw = " ".join(item.block.text.split())  # as written: the spaces separate the fields
    date = _DATE.search(raw)
    dated = date is not None and _TIME.search(raw) is not None and "。" not in raw
    if not (_BYLINE.match(raw) or dated) or len(raw) > 80:
        return False
    if date and ctx.metadata.date is None:
        ctx.metadata.date = date.group(0)
    ctx.metadata.extra.setdefault("byline", raw)
    item.set_dropped(DropKind.BYLINE)
    return True


def _reposted(ctx: Context, item: Item) -> bool:
    m = _REPOSTED.match(item.simple)
    if m is None:
        return False
    ctx.metadata.publisher = ctx.metadata.publisher or item.text[m.start("pub"):m.end("pub")]
    ctx.metadata.author = ctx.metadata.author or item.text[m.start("author"):m.end("author")]
    item.set_dropped(DropKind.BYLINE)
    return True


def _source_line(ctx: Context, item: Item) -> bool:
    """A short link line before the body (`[mp.weixin.qq.com](https://…)账号名`, or a bare
    URL) is where the article came from."""
    links = [h for h in item.block.links if h.startswith("http")]
    bare = _URL_ONLY.match(item.text)
    if not (links or bare) or len(item.text) >= 120 or _SENTENCE_END.search(item.simple):
        return False  # a line that ends a sentence is body text that happens to hold a link
    if links and len(links) != len(item.block.links):
        return False
    url = links[0] if links else item.text.strip(" <>")
    # a reader app's own link comes first in some exports; the one that says "original" wins
    if ctx.metadata.source_url is None or (_ORIGINAL.search(item.text)
                                           and not _ORIGINAL.search(ctx.source_line)):
        ctx.metadata.source_url, ctx.source_line = url, item.text
    if links and ctx.metadata.publisher is None:
        ctx.metadata.publisher = _account(ctx, item)
    item.set_dropped(DropKind.SOURCE_LINE)
    return True


_HAN_NAME = re.compile(r"^[\u3400-\u9fff]+$")


def _account(ctx: Context, item: Item) -> str | None:
    """The account that published the article, from the byline text a WeChat export puts
    after the article link (`[mp.weixin.qq.com](…)张小珺 腾讯科技`). WeChat writes the author
    field, then the account; with no separate author the author field repeats the account
    (`Founder Park Founder Park`). Read by behaviour, in order of certainty: a name written
    twice; the name the account card (bold, already dropped as furniture) gives, ending the
    line; Chinese names separated by spaces, where the last one is the account. Anything
    else (`John Smith Founder Park` with no card) is ambiguous and left unread."""
    tail = " ".join(" ".join(s.text for s in item.block.spans
                             if s.kind == SpanKind.TEXT and not s.href).split())
    words = tail.split()
    if not words or _ORIGINAL.search(tail) or _SENTENCE_END.search(tail):
        return None
    half = len(words) // 2
    if len(words) % 2 == 0 and words[:half] == words[half:]:
        return " ".join(words[:half])
    for name in _card_names(ctx):
        if tail == name or tail.endswith(" " + name):
            return name
    if all(_HAN_NAME.match(w) for w in words):
        return words[-1]
    return None


def _card_names(ctx: Context) -> list[str]:
    """Names on the WeChat account cards: wholly bold short lines furniture dropped as part of
    a card."""
    return [" ".join(it.block.text.split()) for it in ctx.items
            if it.drop == DropKind.ACCOUNT_CARD and it.kind == BlockKind.PARA
            and it.chars.all_bold() and 0 < len(it.simple) <= 30]
