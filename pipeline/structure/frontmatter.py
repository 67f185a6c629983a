"""YAML/TOML front matter (Jekyll, Hugo, Hexo posts) → Document.metadata.

The raw block is listed in `dropped` (kind `front-matter`) so the text stays accounted for;
its fields are metadata, never body text. Broken YAML falls back to `key: value` lines: a
post with a stray colon in its title must still get its title.
"""
from __future__ import annotations

import datetime as _dt
import re
from typing import Any

import yaml

from ..readers.blocks import BlockKind
from .fields import assign
from .items import Context, DropKind

_LINE = re.compile(r"^\s*([\w\-\u3400-\u9fff]+)\s*[:=]\s*(.*?)\s*$")


def parse(raw: str, syntax: str) -> dict[str, Any]:
    try:
        if syntax == "toml":
            import tomllib  # Python 3.11+; on 3.10 the `key = value` fallback below reads it

            data = tomllib.loads(raw)
        else:
            # BaseLoader keeps every scalar as written (`2020-03-20T05:35:26+00:00`, `true`)
            data = yaml.load(raw, Loader=yaml.BaseLoader)
    except (yaml.YAMLError, ValueError, ImportError):  # TOMLDecodeError is a ValueError
        data = None
    if not isinstance(data, dict):
        data = {}
        for line in raw.split("\n"):
            m = _LINE.match(line)
            if m:
                data.setdefault(m.group(1), m.group(2).strip("'\""))
    return data


def _as_text(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return "、".join(_as_text(v) for v in value)
    if isinstance(value, (_dt.date, _dt.datetime)):
        return str(value)  # as written: 2024-03-21 00:08:00
    if isinstance(value, dict):
        return ", ".join(f"{k}: {_as_text(v)}" for k, v in value.items())
    return "" if value is None else str(value)


def recognise(ctx: Context) -> None:
    for item in ctx.items:
        if item.kind != BlockKind.FRONT_MATTER:
            continue
        for key, value in parse(item.block.spans[0].text, item.block.info).items():
            text = _as_text(value).strip()
            if text and not assign(ctx.metadata, str(key), text):
                ctx.metadata.extra.setdefault(str(key), text)
        item.set_dropped(DropKind.FRONT_MATTER)
