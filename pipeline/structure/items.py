"""What the recognisers share: one `Item` per block, which each recogniser may classify.

Recognisers never build the Document; they only say what each item is (its role, a drop
kind, a heading number, a speaker label). `assemble` then builds the Document from the
classified items in one pass. A new layout is therefore one more small rule that sets roles.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from ..model import Metadata
from ..readers.blocks import Block, BlockKind
from ..script import simplify_aligned
from .chars import Chars


class Role(str, Enum):
    BODY = "body"
    TITLE = "title"  # the document title
    HEADING = "heading"  # a section heading (number and/or title part)
    METADATA = "metadata"  # read into Document.metadata, listed in dropped as kind `metadata`
    DROPPED = "dropped"  # page furniture, listed in dropped with `Item.drop`
    NOTE = "note"  # an editor's note; `Item.prefix` is where its text starts
    CODE = "code"
    TABLE = "table"


class DropKind(str, Enum):
    IMAGE = "image"
    RULE = "rule"
    HTML = "html"
    LINE_BREAK = "line-break"
    ACCOUNT_CARD = "account-card"
    REPOST_NOTICE = "repost-notice"
    RELATED = "related-articles"
    CUBOX_LINK = "cubox-link"
    SOURCE_LINE = "source-line"
    METADATA = "metadata"
    FRONT_MATTER = "front-matter"
    BYLINE = "byline"
    AD = "ad"
    PAGE_TAIL = "page-tail"
    TOC = "toc"
    DUPLICATE_TITLE = "duplicate-title"
    ORPHAN_NOTE = "orphan-note"
    EMPTY_HEADING = "empty-heading"
    TAG = "tag"
    DELETED = "deleted-revision"  # DOCX: text deleted with change tracking on
    NOT_BODY = "not-body"  # DOCX: footnotes, endnotes, comments, headers, footers

    def __str__(self) -> str:
        return self.value


@dataclass
class Item:
    block: Block
    chars: Chars  # normalised display text
    simple: str  # the same text in Simplified (rules read this; same length as chars.text)
    role: Role = Role.BODY
    drop: DropKind | None = None
    number: str | None = None  # heading: its numbering
    title: str | None = None  # heading: its title part (may be None for a number-only heading)
    title_start: int = 0  # heading: where the title part starts in `chars`
    level: int = 0  # heading: section level (1 outermost)
    md_level: int = 0  # heading: the markup's level (`###` is 3); 0 for a bold line
    glue: bool = False  # heading: this title part continues the previous heading's title
    speaker: str | None = None  # the speaker a turn starts with (full name)
    label: str | None = None  # the label as written
    prefix: int = 0  # body/note: where the text starts after a label or `注：`

    @property
    def kind(self) -> BlockKind:
        return self.block.kind

    @property
    def line(self) -> int:
        return self.block.line

    @property
    def text(self) -> str:
        return self.chars.text

    def is_free(self) -> bool:
        """Not yet claimed by any recogniser: still a body paragraph, heading or list item."""
        return self.role in (Role.BODY, Role.HEADING) and self.drop is None

    def is_textual(self) -> bool:
        return self.kind in (BlockKind.PARA, BlockKind.LIST_ITEM, BlockKind.HEADING)

    def set_dropped(self, kind: DropKind) -> None:
        self.role, self.drop = Role.DROPPED, kind


@dataclass
class Context:
    items: list[Item]
    script: str
    plain: bool  # from a plain-text file: no bold, no heading markup to lean on
    metadata: Metadata = field(default_factory=Metadata)
    source_line: str = ""  # the text of the line the source URL was taken from

    def free(self) -> list[int]:
        return [i for i, item in enumerate(self.items) if item.is_free()]


def make_item(block: Block, script: str) -> Item:
    if block.kind in (BlockKind.CODE, BlockKind.TABLE, BlockKind.FRONT_MATTER,
                      BlockKind.OMITTED):
        chars = Chars(block.text, [0] * len(block.text))
    else:
        chars = Chars.from_spans(block.spans).normalised()
    simple = simplify_aligned(chars.text) if script == "traditional" else chars.text
    role = Role.HEADING if block.kind == BlockKind.HEADING else Role.BODY
    return Item(block=block, chars=chars, simple=simple, role=role,
                md_level=block.level if block.kind == BlockKind.HEADING else 0)
