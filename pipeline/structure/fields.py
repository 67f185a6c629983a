"""Metadata field names as front matter and header lines spell them, and how a value is
stored. One table for both, so `作者：` in a header and `author:` in YAML land in one place."""
from __future__ import annotations

import re
from enum import Enum

from ..model import Metadata


class Field(str, Enum):
    TITLE = "title"
    SOURCE = "source_url"
    DATE = "date"
    AUTHOR = "author"
    PUBLISHER = "publisher"
    HOST = "host"
    GUESTS = "guests"


# key (lower case, Simplified) -> field; anything else a header line names goes to `extra`
KEYS: dict[str, Field] = {
    "title": Field.TITLE, "标题": Field.TITLE,
    "url": Field.SOURCE, "link": Field.SOURCE, "source": Field.SOURCE, "source_url": Field.SOURCE,
    "original": Field.SOURCE, "canonical": Field.SOURCE, "permalink": Field.SOURCE,
    "原文链接": Field.SOURCE, "原文地址": Field.SOURCE, "原文": Field.SOURCE, "链接": Field.SOURCE,
    "来源": Field.SOURCE, "出处": Field.SOURCE, "转载自": Field.SOURCE,
    "date": Field.DATE, "time": Field.DATE, "published": Field.DATE, "date_published": Field.DATE, "pubdate": Field.DATE,
    "时间": Field.DATE, "日期": Field.DATE, "发布时间": Field.DATE, "发布日期": Field.DATE,
    "author": Field.AUTHOR, "authors": Field.AUTHOR, "by": Field.AUTHOR, "作者": Field.AUTHOR,
    "文": Field.AUTHOR, "撰文": Field.AUTHOR, "采写": Field.AUTHOR,
    "publisher": Field.PUBLISHER, "account": Field.PUBLISHER, "site": Field.PUBLISHER,
    "公众号": Field.PUBLISHER, "发布": Field.PUBLISHER,
    "host": Field.HOST, "主持人": Field.HOST, "主持": Field.HOST, "采访": Field.HOST,
    "采访人": Field.HOST, "访谈人": Field.HOST, "对话人": Field.HOST, "interviewer": Field.HOST,
    "guest": Field.GUESTS, "guests": Field.GUESTS, "嘉宾": Field.GUESTS, "受访者": Field.GUESTS,
    "受访人": Field.GUESTS, "访谈嘉宾": Field.GUESTS, "对谈嘉宾": Field.GUESTS,
    "分享嘉宾": Field.GUESTS, "圆桌嘉宾": Field.GUESTS,
    "访谈": Field.HOST, "对谈": Field.HOST, "对话": Field.HOST,  # who conducted it
}
# header-only keys that go to `extra` (front matter keeps every key it has)
EXTRA_KEYS = {"编辑", "责编", "责任编辑", "编译", "翻译", "译者", "整理", "文字整理", "校对",
              "排版", "地点", "题图", "图片", "图片来源", "图源", "封面", "设计", "出品", "监制", "策划", "视觉", "美编",
              "editor", "translator", "location", "tags", "categories", "layout"}
_URL = re.compile(r"https?://\S+")
_NAME_SPLIT = re.compile(r"\s*[、，,;；/×]\s*|\s+(?:和|与|and|x|X)\s+")
_DESCRIPTION = re.compile(r"[（(][^）)]*[）)]|[|｜].*$")


def assign(meta: Metadata, key: str, value: str) -> bool:
    """Store `value` under the field `key` names; False when the key is not a metadata key
    (the caller then treats the line as text)."""
    name = key.strip().lower()
    value = value.strip()
    field = KEYS.get(name)
    if field is None:
        if name in EXTRA_KEYS and value:
            meta.extra.setdefault(key.strip(), value)
            return True
        return False
    if not value:
        return field != Field.SOURCE
    if field == Field.SOURCE:
        url = _URL.search(value)
        if url:
            meta.source_url = meta.source_url or url.group(0).rstrip(")）>」")
        elif name in ("来源", "出处", "转载自"):
            meta.publisher = meta.publisher or value  # `来源：某公众号` names a publication
        else:
            return False
    elif field == Field.GUESTS:
        meta.guests.extend(n for n in names(value) if n not in meta.guests)
    elif field == Field.HOST:
        # one name, or as written when several conduct it (`penny，Cage`, `张小珺 x 张鹏`)
        found = names(value)
        meta.host = meta.host or (found[0] if len(found) == 1 else value)
    else:
        attr = field.value
        if getattr(meta, attr) is None:
            setattr(meta, attr, value)
    return True


def names(value: str) -> list[str]:
    """`李广密（拾象创始人）、张小珺` → [李广密, 张小珺]: people, without their descriptions."""
    return [n for n in (p.strip() for p in _NAME_SPLIT.split(_DESCRIPTION.sub("", value))) if n]
