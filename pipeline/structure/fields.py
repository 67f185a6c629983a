"""Metadata field names as front matter and header lines spell them, and how a value is
stored. One table for both, so `作者：` in a header and `author:` in YAML land in one place."""
from __future__ import annotations

import re
from enum import Enum

from ..model import Metadata
from ..script import simplify_aligned


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
# ways to reach someone: a kind of field that a byline writes glued to the name it belongs to
# (`作者|某某邮箱|x@y.com`, `作者：某某 微信：abc`); never part of the name. Stored in `extra`.
CONTACT_KEYS = {"email", "e-mail", "mail", "邮箱", "电邮", "邮件", "微信", "微信号", "wechat",
                "weixin", "电话", "手机", "tel", "phone", "twitter", "微博", "weibo", "telegram",
                "qq", "联系方式"}
EXTRA_KEYS |= CONTACT_KEYS
_URL = re.compile(r"https?://\S+")
_NAME_SPLIT = re.compile(r"\s*[、，,;；/×]\s*|\s+(?:和|与|and|x|X)\s+")
_DESCRIPTION = re.compile(r"[（(][^）)]*[）)]|[|｜].*$")
_LATIN_CONTACTS = "|".join(sorted((re.escape(k) for k in CONTACT_KEYS if k.isascii()), key=len,
                                  reverse=True))
_HAN_CONTACTS = "|".join(sorted((k for k in CONTACT_KEYS if not k.isascii()), key=len,
                                reverse=True))
# a contact label and its separator: a Han label may follow the name with no space at all; a
# Latin one must not continue a word (`Hotmail` is no `mail`)
_CONTACT = re.compile(rf"(?:(?<![A-Za-z])(?i:{_LATIN_CONTACTS})|{_HAN_CONTACTS})\s*[|｜丨:：]\s*")
_EMAIL = re.compile(r"[\s|｜丨/,，;；]*(?P<address>[\w.+-]+@[\w-]+(?:\.[\w-]+)+)")
# fields that name people or an account: the ones a byline glues contacts to
_PERSONAL = (Field.AUTHOR, Field.HOST, Field.GUESTS, Field.PUBLISHER)


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
    if field in _PERSONAL:
        value = split_contacts(meta, value)
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


def split_contacts(meta: Metadata, value: str) -> str:
    """`Jessica郵箱|jz@pingwest.com` → `Jessica`, with `邮箱: jz@pingwest.com` in `meta.extra`:
    the "label：value" pairs a name is followed by inside one field, and a bare e-mail address
    (`某某｜jz@x.com`), go to `extra`; what precedes them is the value. Labels are matched in
    Simplified, values kept as written."""
    simple = simplify_aligned(value)
    labels = [m for m in _CONTACT.finditer(simple) if m.start() > 0]
    if labels:
        for m, after in zip(labels, labels[1:] + [None]):
            end = after.start() if after else len(value)
            contact = value[m.end():end].strip()
            if contact:
                label = simple[m.start():m.end()].rstrip(" |｜丨:：")
                meta.extra.setdefault(label.lower() if label.isascii() else label, contact)
        value = value[:labels[0].start()].rstrip(" |｜丨/,，;；")
    email = _EMAIL.search(value)
    if email and email.start() > 0:
        meta.extra.setdefault("email", email.group("address"))
        rest = value[email.end():].strip(" |｜丨/,，;；")
        value = (value[:email.start()] + (" " + rest if rest else "")).strip()
    return value
