"""Editor's notes: a paragraph that starts `注：` / `编者注：` / `译注：` is a footnote to the text
before it (or to the `\\*` mark that asked for it), not body text."""
from __future__ import annotations

import re

from ..readers.blocks import BlockKind
from .items import Context, Role

_NOTE = re.compile(r"^\s*(?:编者注|编注|注|注释|译者注|译注)\s*[：:]\s*")


def recognise(ctx: Context) -> None:
    for i in ctx.free():
        item = ctx.items[i]
        if item.kind != BlockKind.PARA:
            continue
        m = _NOTE.match(item.simple)
        if m:
            item.role, item.prefix = Role.NOTE, m.end()
