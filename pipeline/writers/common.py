"""What every writer shares: footnote numbering and labels, so all formats agree."""
from __future__ import annotations

import os
from datetime import datetime, timezone
from enum import Enum
from typing import Callable, Container

from ..errors import BitextError
from ..model import Document, InlineSpan, Note, Paragraph, Segment
from ..spans import Run, normalise, runs, shift, tighten

DEFAULT_BUILD_DATE = datetime(2000, 1, 1, tzinfo=timezone.utc)


def build_date() -> datetime:
    """The date stamped into outputs that carry one (TMX dates, DOCX properties).

    Not the clock and not the input's mtime (a fresh clone has new mtimes): the same input must
    give the same bytes. `SOURCE_DATE_EPOCH` (the reproducible-builds convention, seconds since
    1970 UTC) sets it; otherwise a fixed 2000-01-01.
    """
    raw = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not raw:
        return DEFAULT_BUILD_DATE
    try:
        return datetime.fromtimestamp(int(raw), tz=timezone.utc)
    except (ValueError, OverflowError, OSError):
        raise BitextError(f"SOURCE_DATE_EPOCH={raw!r} is not a number of seconds since 1970",
                          hint="unset it or give e.g. SOURCE_DATE_EPOCH=1700000000")


def footnote_order(doc: Document) -> list[Note]:
    """Notes in the order their anchors are read; numbering is position + 1.

    One numbering for the whole document; a note whose anchor is missing goes last so it is
    never lost.
    """
    by_id = {n.id: n for n in doc.notes}
    ordered: list[Note] = []
    seen: set[str] = set()
    for seg in doc.segments():
        for nid in seg.note_ids:
            if nid in by_id and nid not in seen:
                seen.add(nid)
                ordered.append(by_id[nid])
    ordered.extend(n for n in doc.notes if n.id not in seen)
    return ordered


def footnote_numbers(doc: Document) -> dict[str, int]:
    return {n.id: i for i, n in enumerate(footnote_order(doc), start=1)}


class NoteLabel(str, Enum):
    """How a note introduces itself: the source's own notes are the original's, not ours."""

    ORIGINAL = "Note in the original"
    TRANSLATOR = "Translator's note"

    def __str__(self) -> str:
        return self.value


def note_label(note: Note) -> NoteLabel:
    return NoteLabel.TRANSLATOR if note.kind == "glossary" else NoteLabel.ORIGINAL


def note_term(note: Note, with_source: bool) -> str | None:
    """`StepFun (阶跃星辰)`: the term a translator's note explains, which its text opens with
    (writers set it bold, then `: ` and the note). The English-only editions leave the Chinese
    out (`with_source=False`): they carry no Chinese at all."""
    if not note.term:
        return None
    source = note.segment.source
    return (f"{note.term} ({source})" if with_source and source and source != note.term
            else note.term)


def _note_cuts(seg: Segment, text: str, notes: dict[str, Note], numbered: Container[str],
               lang: str) -> dict[int, list[str]]:
    """Where each numbered note's mark goes in `text`: offset -> note ids."""
    cuts: dict[int, list[str]] = {}
    for nid in seg.note_ids:
        if nid not in numbered:
            continue
        note = notes.get(nid)
        offset = None
        if note is not None and lang == "en" and seg.target is not None:
            offset = note.target_offset
        elif note is not None and lang != "en" and len(text) == len(seg.source):
            offset = note.source_offset
        at = len(text) if offset is None else max(0, min(offset, len(text)))
        cuts.setdefault(at, []).append(nid)
    return cuts


def shown_spans(seg: Segment, text: str, lang: str) -> list[InlineSpan]:
    """The spans that apply to `text` as a writer shows it: the English's when it is the
    segment's target, the Chinese's while the shown Chinese is aligned with the source (a
    script conversion that changed its length drops formatting rather than misplace it),
    including an untranslated segment's Chinese shown in the English column."""
    if lang == "en" and seg.target is not None:
        return seg.target_spans if text == seg.target else []
    # the Chinese, or an untranslated segment shown in Chinese in the English column
    return seg.spans if len(text) == len(seg.source) else []


def segment_runs(seg: Segment, text: str, notes: dict[str, Note], numbered: Container[str],
                 lang: str = "en") -> list[tuple[Run, list[str]]]:
    """A segment's text as formatted runs, each with the note ids marked right after it.

    Every writer uses this, so bold, links and note marks sit on the same words in every
    format. `notes` is the document's notes by id; only ids in `numbered` are marked. In the
    English (`lang` "en") offsets index `seg.target`, in the Chinese `seg.source`. Notes without
    a position (the source's own, or a term the English does not show) and untranslated English
    go at the end; the last run may be empty text followed by the end-of-segment marks."""
    return _with_cuts(text, shown_spans(seg, text, lang),
                      _note_cuts(seg, text, notes, numbered, lang))


def _with_cuts(text: str, spans: list[InlineSpan],
               cuts: dict[int, list[str]]) -> list[tuple[Run, list[str]]]:
    out: list[tuple[Run, list[str]]] = []
    if text and 0 in cuts:  # a mark before any text
        out.append((Run("", 0, 0, frozenset()), cuts[0]))
    # runs are contiguous, so each cut after the start ends exactly one run
    for run in runs(text, spans, cuts):
        out.append((run, cuts.get(run.end, []) if run.end or not text else []))
    return out


def joined_runs(items: list[tuple[Segment, str]], notes: dict[str, Note],
                numbered: Container[str], lang: str, joiner: str = "",
                suffix: Callable[[Segment], str] = lambda seg: "",
                ) -> list[tuple[Run, list[str]]]:
    """Segments printed one after another (`joiner` between, `suffix(seg)` after each) as one
    line of runs, for Markdown: formatting that runs on from one sentence into the next is one
    span (`**A. B.**`, not `**A.** **B.**`), and bold and italic are moved off edges where
    CommonMark cannot open or close them (`spans.tighten`)."""
    parts: list[str] = []
    spans: list[InlineSpan] = []
    cuts: dict[int, list[str]] = {}
    pos = 0
    previous: list[InlineSpan] = []  # spans reaching the end of the previous text
    for i, (seg, text) in enumerate(items):
        mine = shift(shown_spans(seg, text, lang), pos + (len(joiner) if i else 0))
        if i:
            start = pos + len(joiner)
            spans += [InlineSpan(pos, start, s.mark, s.href) for s in previous
                      if any(m.start == start and (m.mark, m.href) == (s.mark, s.href)
                             for m in mine)]
            parts.append(joiner)
            pos = start
        spans += mine
        for at, ids in _note_cuts(seg, text, notes, numbered, lang).items():
            cuts.setdefault(pos + at, []).extend(ids)
        parts.append(text)
        pos += len(text)
        previous = [s for s in mine if s.end == pos]
        extra = suffix(seg)
        if extra:
            parts.append(extra)
            pos += len(extra)
            previous = []
    line = "".join(parts)
    return _with_cuts(line, tighten(line, normalise(spans), " ", " "), cuts)


def split_at_notes(seg: Segment, text: str, notes: dict[str, Note], numbered: Container[str],
                   lang: str = "en") -> list[tuple[str, list[str]]]:
    """A segment's text cut at its note marks, formatting aside: (text, note ids after it)."""
    pieces: list[tuple[str, list[str]]] = []
    for run, ids in segment_runs(seg, text, notes, numbered, lang):
        if pieces and not pieces[-1][1]:
            pieces[-1] = (pieces[-1][0] + run.text, ids)
        else:
            pieces.append((run.text, ids))
    return pieces or [("", [])]


def first_anchors(doc: Document, numbered: set[str]) -> dict[str, str]:
    """note id -> id of the first rendered segment that carries it: where the note's one
    linked reference goes (a note cited twice still has one back-link target)."""
    first: dict[str, str] = {}
    for seg in doc.text_segments():
        for nid in seg.note_ids:
            if nid in numbered:
                first.setdefault(nid, seg.id)
    return first


def speaker_label(doc: Document, speaker: str | None, lang: str,
                  script: str = "simplified") -> str | None:
    """The speaker as shown: the Chinese label (in the column's script) in the source column,
    the English name in the target. Labels are stored Simplified, like all source text."""
    if speaker is None:
        return None
    if lang == "en":
        return doc.speaker_names.get(speaker, speaker)
    if script == "traditional":
        from ..script import to_traditional

        return to_traditional(speaker)
    return speaker


REVIEW_MARK = "⚠"  # after the English of a pair an editor should check first (parallel outputs)


def needs_review(seg: Segment) -> bool:
    """A doubtful alignment or a meaning-check outlier (flagged by `bitext align` /
    `--meaning`), or formatting placed by estimate (`stages.inline`)."""
    return any(f.startswith(("align:", "meaning:", "inline-uncertain:")) for f in seg.flags)


def target_text(seg: Segment) -> str:
    """English shown for a segment; an untranslated segment keeps its source, visibly."""
    return seg.target if seg.target is not None else seg.display


def source_text(seg: Segment, script: str, original: str = "simplified") -> str:
    """The Chinese shown in parallel outputs, in the script the reader asked for: as written
    when that is the input's own script, else converted (`source` is already Simplified)."""
    if script == original:
        return seg.display
    if script == "traditional":
        from ..script import to_traditional

        return to_traditional(seg.display)
    return seg.source


def source_details(doc: Document) -> list[str]:
    """`Author: …`, `Published by: …`, `Date: …`…: the metadata besides the URL, as written."""
    meta = doc.metadata
    return [f"{label}: {value}" for label, value in (
        ("Author", meta.author), ("Published by", meta.publisher), ("Date", meta.date),
        ("Host", meta.host), ("Guests", ", ".join(meta.guests))) if value]


def source_line(doc: Document) -> str | None:
    """`Source: <url> · Author: … · Date: …`: what the document says about itself, shown once
    under the title (values as written; never translated as body text). None when empty."""
    meta = doc.metadata
    parts = ([f"<{meta.source_url}>"] if meta.source_url else []) + source_details(doc)
    return "Source: " + " · ".join(parts) if parts else None


ORIGINAL_TITLE = "Original title"


def original_title(doc: Document) -> str | None:
    """The Chinese title as the original gives it: a reader of the English can find the
    original by it (the one Chinese line the English editions carry)."""
    if doc.metadata.title:
        return doc.metadata.title
    return doc.title.display if doc.title is not None else None


_ORIGIN_WORDS = {"tm": "from a translation memory", "aligned": "aligned from an existing English "
                 "translation", "mt": "machine-translated and not reviewed",
                 "none": "left untranslated (shown in Chinese)"}


def translation_statement(doc: Document) -> str:
    """Says the English is a translation and, honestly, where each part of it came from: a
    machine-translated edition must not pass for an edited one."""
    origins: dict[str, int] = {}
    for seg in doc.segments():
        key = seg.origin if seg.target is not None else "none"
        key = key if key in _ORIGIN_WORDS else "mt"
        origins[key] = origins.get(key, 0) + 1
    total = sum(origins.values())
    parts = [f"{f'all {n}' if n == total and total > 1 else n} "
             f"{'segment' if n == 1 else 'segments'} {_ORIGIN_WORDS[k]}"
             for k in ("tm", "aligned", "mt", "none") if (n := origins.get(k, 0))]
    line = "English translation of the Chinese original, made with bitext"
    line += ": " + ", ".join(parts) + "." if parts else "."
    doubtful = sum(1 for seg in doc.segments() if needs_review(seg))
    if doubtful:  # the English editions carry no mark, so the statement names none
        line += (f" {doubtful} {'pair is' if doubtful == 1 else 'pairs are'} marked for review "
                 f"in the parallel text.")
    return line


def table_cells(para: Paragraph, text: Callable[[Segment], str], joiner: str) -> list[list[str]]:
    """A table paragraph's grid as cell strings, each cell's segments joined."""
    return [[joiner.join(text(seg) for seg in cell) for cell in row]
            for row in para.table_rows()]
