"""Code blocks, tables and what a reader set aside: claimed first, so no later rule reads code as a speaker label or a
heading. Code is kept verbatim and never translated; table cells are segmented like text."""
from __future__ import annotations

from ..readers.blocks import BlockKind
from .items import Context, DropKind, Role


def recognise(ctx: Context) -> None:
    for item in ctx.items:
        if item.kind == BlockKind.CODE:
            item.role = Role.CODE
        elif item.kind == BlockKind.TABLE:
            item.role = Role.TABLE
        elif item.kind == BlockKind.NOTE:  # a note the format keeps apart (DOCX footnotes)
            item.role = Role.NOTE
        elif item.kind == BlockKind.OMITTED:  # what a reader set aside, listed as such
            item.set_dropped(DropKind.DELETED if item.block.info == "deleted"
                             else DropKind.NOT_BODY)
