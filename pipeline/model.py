"""The one document model every reader produces and every writer consumes.

Readers never talk to writers: a new input or output format only has to speak this model.
Translation state (target, origin, matched terms) lives on the segments themselves so that a
writer can render a document without knowing which stages ran.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterator


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
    emphasis: bool = False
    target: str | None = None
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
    kind: str = "body"  # body | list_item
    line: int = 0


@dataclass
class Section:
    id: str
    number: str | None = None
    title: Segment | None = None
    paragraphs: list[Paragraph] = field(default_factory=list)


@dataclass
class Note:
    """A footnote. `kind` is `editor` (the source's own note) or `glossary` (translator's note)."""

    id: str
    anchor: str
    segment: Segment
    kind: str = "editor"


@dataclass
class Dropped:
    """Page furniture removed by the reader, kept so nothing vanishes silently."""

    kind: str
    text: str
    line: int = 0


@dataclass
class Document:
    title: Segment | None
    source_url: str | None = None
    sections: list[Section] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    dropped: list[Dropped] = field(default_factory=list)
    path: str = ""
    script: str = "simplified"  # script of the original input: simplified | traditional
    speakers: list[str] = field(default_factory=list)
    speaker_names: dict[str, str] = field(default_factory=dict)  # Chinese label -> English

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
