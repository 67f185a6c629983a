"""What every writer shares: footnote numbering and labels, so all formats agree."""
from __future__ import annotations

from ..model import Document, Note, Segment


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
