"""What every writer shares: footnote numbering and labels, so all formats agree."""
from __future__ import annotations

import os
from datetime import datetime, timezone
from typing import Callable

from ..errors import BitextError
from ..model import Document, Note, Paragraph, Segment

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
    """A doubtful alignment or a meaning-check outlier: flagged by `bitext align` / `--meaning`."""
    return any(f.startswith(("align:", "meaning:")) for f in seg.flags)


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


def source_line(doc: Document) -> str | None:
    """`Source: <url> · Author: … · Date: …`: what the document says about itself, shown once
    under the title (values as written; never translated as body text). None when empty."""
    meta = doc.metadata
    parts = [f"<{meta.source_url}>"] if meta.source_url else []
    for label, value in (("Author", meta.author), ("Published by", meta.publisher),
                         ("Date", meta.date), ("Host", meta.host),
                         ("Guests", ", ".join(meta.guests))):
        if value:
            parts.append(f"{label}: {value}")
    return "Source: " + " · ".join(parts) if parts else None


def table_cells(para: Paragraph, text: Callable[[Segment], str], joiner: str) -> list[list[str]]:
    """A table paragraph's grid as cell strings, each cell's segments joined."""
    return [[joiner.join(text(seg) for seg in cell) for cell in row]
            for row in para.table_rows()]
