"""Translator's notes from the glossary, and English speaker names.

A glossary note goes at the term's first occurrence only, and not where the source's own
editor's note already explains the term (the sample's System 2 note would otherwise appear twice).
"""
from __future__ import annotations

from ..glossary.matcher import TermMatcher
from ..glossary.names import romanised_label
from ..glossary.termbase import Glossary
from ..model import Document, Note, Segment


def annotate(doc: Document, glossary: Glossary, matcher: TermMatcher) -> None:
    doc.notes = [n for n in doc.notes if n.kind != "glossary"]
    for seg in doc.segments():
        seg.note_ids = [n for n in seg.note_ids if not n.startswith("g")]
    editor_notes = {n.anchor: n for n in doc.notes}
    seen: set[str] = set()
    count = 0
    body = [s for s in doc.segments() if not s.id.startswith("n")]
    for seg in body:
        for match in matcher.find(seg.source):
            entry = match.entry
            if not entry.note or entry.note in seen:
                continue
            seen.add(entry.note)
            editor = editor_notes.get(seg.id)
            if editor is not None and match.form in editor.segment.source:
                continue
            count += 1
            note_id = f"g{count}"
            seg.note_ids.append(note_id)
            doc.notes.append(Note(id=note_id, anchor=seg.id, kind="glossary", segment=Segment(
                id=note_id, source=match.form, target=entry.note, origin="glossary")))
    doc.guessed_speaker_names = []
    for speaker in doc.speakers:
        entry = glossary.lookup(speaker)
        if entry is not None:
            doc.speaker_names[speaker] = entry.target
        elif (guess := romanised_label(speaker)):
            doc.speaker_names[speaker] = guess
            doc.guessed_speaker_names.append(speaker)
