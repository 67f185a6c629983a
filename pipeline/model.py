"""The one document model every reader produces and every writer consumes.

Readers never talk to writers: a new input or output format only has to speak this model.
Translation state (target, origin, matched terms) lives on the segments themselves so that a
writer can render a document without knowing which stages ran.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Iterator


class ParagraphKind(str, Enum):
    """What a paragraph is. Code is kept verbatim and never translated (it has no segments);
    a table's cells are segments like any other, with `Paragraph.cells` keeping the grid."""

    BODY = "body"
    LIST_ITEM = "list_item"
    CODE = "code"
    TABLE = "table"

    def __str__(self) -> str:
        return self.value


class Mark(str, Enum):
    """Inline formatting inside a segment. A link's address rides on the span (`href`)."""

    BOLD = "bold"
    ITALIC = "italic"
    CODE = "code"  # inline code: kept verbatim, never translated
    LINK = "link"

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True, order=True)
class InlineSpan:
    """Formatting over `text[start:end]` of the segment text it belongs to (`Segment.spans`
    index the source and display, `Segment.target_spans` the English). Spans of different
    marks may overlap (a bold link); spans of one mark never do (`pipeline.spans.normalise`)."""

    start: int
    end: int
    mark: Mark
    href: str | None = None


@dataclass
class TermHit:
    """A glossary term found in a segment's source (character offsets into `Segment.source`)."""

    term_id: str
    source: str
    target: str
    start: int
    end: int


@dataclass
class Segment:
    """The unit of translation: one sentence, title or note.

    `source` is the Simplified text every stage works on; `display` is what the author wrote
    (Traditional input stays Traditional on screen).
    """

    id: str
    source: str
    display: str = ""
    spans: list[InlineSpan] = field(default_factory=list)  # over source/display
    target: str | None = None
    target_spans: list[InlineSpan] = field(default_factory=list)  # over target
    origin: str = "none"  # tm | mt | none
    score: float | None = None
    terms: list[TermHit] = field(default_factory=list)
    suggestions: list[dict] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    note_ids: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.display:
            self.display = self.source


@dataclass
class Paragraph:
    """A paragraph of one speaker's turn (`turn_start` marks the labelled first paragraph)."""

    id: str
    segments: list[Segment]
    speaker: str | None = None
    turn_start: bool = False
    kind: ParagraphKind = ParagraphKind.BODY
    line: int = 0
    label: str | None = None  # the speaker label as written at a turn start (`广密` for 李广密)
    verbatim: str = ""  # a code block's text, exactly as written
    language: str = ""  # a code block's info string (`python`)
    cells: list[list[int]] = field(default_factory=list)  # table: segments per cell, per row

    def table_rows(self) -> list[list[list[Segment]]]:
        """The table grid: rows of cells, each cell the run of `segments` it holds (the first
        row is the header). Segments stay flat in `segments` so every stage sees them."""
        rows: list[list[list[Segment]]] = []
        pos = 0
        for row in self.cells:
            cells = []
            for count in row:
                cells.append(self.segments[pos:pos + count])
                pos += count
            rows.append(cells)
        return rows


@dataclass
class Section:
    """A heading and what follows it. `number` is the heading's numbering as written (`01`,
    `1.2`, `第三章`), `title` the rest; `level` 1 is the outermost section level."""

    id: str
    number: str | None = None
    title: Segment | None = None
    paragraphs: list[Paragraph] = field(default_factory=list)
    level: int = 1


@dataclass
class Note:
    """A footnote. `kind` is `editor` (the source's own note) or `glossary` (translator's note)."""

    id: str
    anchor: str
    segment: Segment
    kind: str = "editor"
    label: str = ""  # how the source introduced it (`注`, `编者注`), kept so nothing vanishes
    # a translator's note sits right after its term in the anchor's English: the offset into
    # `Segment.target` where the mark goes (None: at the end of the segment), and the English
    # term the note explains (its text opens with it: "StepFun (阶跃星辰): …")
    target_offset: int | None = None
    term: str | None = None
    source_offset: int | None = None  # the same in `Segment.source`, for the Chinese column


@dataclass
class Dropped:
    """Page furniture removed by the reader, kept so nothing vanishes silently."""

    kind: str
    text: str
    line: int = 0


@dataclass
class Metadata:
    """What the document says about itself (front matter, header lines, bylines). Shown as a
    source line in the editions, never translated as body text. Values stay as written."""

    title: str | None = None
    source_url: str | None = None
    date: str | None = None
    author: str | None = None
    publisher: str | None = None  # publication or WeChat account
    host: str | None = None
    guests: list[str] = field(default_factory=list)
    extra: dict[str, str] = field(default_factory=dict)

    def people(self) -> list[str]:
        """Names the header gives for who speaks: host(s) first, then guests."""
        from .structure.fields import names  # the one place that splits a list of names

        return (names(self.host) if self.host else []) + self.guests

    def is_empty(self) -> bool:
        return self == Metadata()


@dataclass
class Document:
    title: Segment | None
    metadata: Metadata = field(default_factory=Metadata)
    sections: list[Section] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    dropped: list[Dropped] = field(default_factory=list)
    path: str = ""
    script: str = "simplified"  # script of the original input: simplified | traditional
    speakers: list[str] = field(default_factory=list)
    speaker_names: dict[str, str] = field(default_factory=dict)  # Chinese label -> English
    # labels whose English is a romanisation bitext guessed (no glossary entry): the review
    # asks an editor to confirm them, and the English edition never prints the Chinese label
    guessed_speaker_names: list[str] = field(default_factory=list)

    @property
    def source_url(self) -> str | None:
        return self.metadata.source_url

    @source_url.setter
    def source_url(self, url: str | None) -> None:
        self.metadata.source_url = url

    def turn_counts(self) -> dict[str, int]:
        """Turns per speaker (a turn is a labelled first paragraph), in order of appearance."""
        out: dict[str, int] = {}
        for section in self.sections:
            for para in section.paragraphs:
                if para.turn_start and para.speaker:
                    out[para.speaker] = out.get(para.speaker, 0) + 1
        return out

    def body_segments(self) -> Iterator[Segment]:
        for section in self.sections:
            for paragraph in section.paragraphs:
                yield from paragraph.segments

    def text_segments(self) -> Iterator[Segment]:
        """Title, section titles and body in reading order: the running text, where footnote
        references sit."""
        if self.title is not None:
            yield self.title
        for section in self.sections:
            if section.title is not None:
                yield section.title
            for paragraph in section.paragraphs:
                yield from paragraph.segments

    def segments(self) -> Iterator[Segment]:
        """Every translatable segment in reading order: the running text, then editor's notes.
        Glossary notes are not translated: their text comes from the term base."""
        yield from self.text_segments()
        for note in self.notes:
            if note.kind != "glossary":
                yield note.segment

    def segment_index(self) -> dict[str, Segment]:
        return {s.id: s for s in self.segments()}
