"""Translator's notes from the glossary, and English speaker names.

A glossary note is referenced right after the first English rendering of its term (a reader
meets the note where the word is, not five marks at the end of a sentence); when the English
does not show the term, at the end of the segment. Rules an editor would apply:

* one note per entity per document: entries sharing an English name (阶跃星辰 and 阶跃 are both
  StepFun) are one entity, whatever their note text says;
* never more than `MAX_MARKS_AT_ONE_SPOT` marks at one spot: a further note waits for the term's
  next mention in a later segment, and is dropped if there is none;
* not when one of the source's own notes already explains the term (the sample's note on
  System 1 and System 2 would otherwise appear twice).

An entry whose `annotate` column says `no` keeps its note text but gives no note in this
edition; a user switches a shipped note off by laying their own glossary over the shipped one
with the same source and `annotate` `no` (entries override entry by entry).
"""
from __future__ import annotations

from ..glossary.matcher import TermMatcher, find_renderings
from ..glossary.names import speaker_name
from ..glossary.termbase import Entry, Glossary
from ..model import Document, Note, Segment

MAX_MARKS_AT_ONE_SPOT = 2


def entity_key(entry: Entry) -> str:
    """What makes two entries the same thing for a reader: the English name they render to."""
    return entry.target.casefold().strip() or entry.id


def _spot(seg: Segment, offset: int | None) -> int:
    """A mark's position as an offset; None (end of segment) and the last offset coincide."""
    length = len(seg.target or "")
    return length if offset is None else min(offset, length)


def annotate(doc: Document, glossary: Glossary, matcher: TermMatcher) -> None:
    doc.notes = [n for n in doc.notes if n.kind != "glossary"]
    for seg in doc.segments():
        seg.note_ids = [n for n in seg.note_ids if not n.startswith("g")]
    # what the source's own notes already explain, anywhere in the document
    explained = " ".join(n.segment.source for n in doc.notes)
    seen: set[str] = set()
    count = 0
    body = [s for s in doc.segments() if not s.id.startswith("n")]
    for seg in body:
        # marks already at each spot of this segment: the source's own notes sit at its end
        spots: dict[int, int] = {_spot(seg, None): len(seg.note_ids)}
        for match in matcher.find(seg.source):
            entry = match.entry
            key = entity_key(entry)
            if not entry.shows_note or key in seen:
                continue
            if match.form in explained:
                seen.add(key)
                continue
            offset = None
            if seg.target is not None:
                spans = find_renderings(seg.target, entry)
                offset = spans[0][1] if spans else None
            spot = _spot(seg, offset)
            if spots.get(spot, 0) >= MAX_MARKS_AT_ONE_SPOT:
                continue  # the term's next mention takes the note, or nothing does
            spots[spot] = spots.get(spot, 0) + 1
            seen.add(key)
            count += 1
            note_id = f"g{count}"
            seg.note_ids.append(note_id)
            doc.notes.append(Note(id=note_id, anchor=seg.id, kind="glossary", segment=Segment(
                id=note_id, source=match.form, target=entry.note, origin="glossary"),
                target_offset=offset, term=entry.target, source_offset=match.end))
    doc.guessed_speaker_names = []
    for speaker in doc.speakers:
        name, guessed = speaker_name(glossary, speaker)
        if name:
            doc.speaker_names[speaker] = name
        if name and guessed:
            doc.guessed_speaker_names.append(speaker)
