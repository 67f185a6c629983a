"""The segment JSON: the machine-readable form of a Document, and its inverse.

`bitext segment --json` and `bitext translate` write it; `bitext check` and `bitext import` read
it back, so the two directions live together.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator

from dataclasses import asdict

from ..model import (Document, Dropped, InlineSpan, Mark, Metadata, Note, Paragraph,
                     ParagraphKind, Section, Segment, TermHit)
from ..textio import atomic_write_chunks

if TYPE_CHECKING:
    from ..run import Options
    from ..stages.review import Review

SCHEMA_VERSION = 1


def spans_to_list(spans: list[InlineSpan]) -> list[dict[str, Any]]:
    return [{"start": s.start, "end": s.end, "mark": s.mark.value,
             **({"href": s.href} if s.href else {})} for s in spans]


def spans_from_list(items: Any) -> list[InlineSpan]:
    """Spans as `spans_to_list` wrote them; anything malformed (a hand-edited file) is left
    out rather than misplace formatting."""
    out: list[InlineSpan] = []
    for item in items if isinstance(items, list) else []:
        try:
            out.append(InlineSpan(int(item["start"]), int(item["end"]), Mark(item["mark"]),
                                  item.get("href") or None))
        except (KeyError, TypeError, ValueError):
            continue
    return out


def segment_to_dict(seg: Segment) -> dict[str, Any]:
    out: dict[str, Any] = {"id": seg.id, "source": seg.source}
    if seg.display != seg.source:
        out["display"] = seg.display
    if seg.spans:
        out["spans"] = spans_to_list(seg.spans)
    out["target"] = seg.target
    if seg.target_spans:
        out["target_spans"] = spans_to_list(seg.target_spans)
    out["origin"] = seg.origin
    if seg.score is not None:
        out["score"] = round(seg.score, 4)
    out["terms"] = [{"id": t.term_id, "source": t.source, "target": t.target,
                     "start": t.start, "end": t.end} for t in seg.terms]
    if seg.suggestions:
        out["suggestions"] = seg.suggestions
    if seg.flags:
        out["flags"] = seg.flags
    if seg.note_ids:
        out["notes"] = seg.note_ids
    return out


def _note_place(note: Note) -> dict:
    """A translator's note's term and where its marks go, and how the source introduced its own
    note (`注`, a DOCX footnote or endnote); only what is set."""
    return {k: v for k, v in (("term", note.term), ("target_offset", note.target_offset),
                              ("source_offset", note.source_offset),
                              ("label", note.label or None)) if v is not None}


def document_to_dict(doc: Document) -> dict[str, Any]:
    return {
        "schema": SCHEMA_VERSION,
        "path": doc.path,
        "script": doc.script,
        "title": doc.title.source if doc.title else None,
        "title_segment": segment_to_dict(doc.title) if doc.title else None,
        "source_url": doc.source_url,
        "metadata": {k: v for k, v in asdict(doc.metadata).items() if v},
        "speakers": [{"source": s, "target": doc.speaker_names.get(s)} for s in doc.speakers],
        "sections": [{
            "id": sec.id, "number": sec.number, "level": sec.level,
            "title": sec.title.source if sec.title else None,
            "title_segment": segment_to_dict(sec.title) if sec.title else None,
            "paragraphs": [{
                "id": p.id, "speaker": p.speaker, "turn_start": p.turn_start, "kind": p.kind,
                "line": p.line, "segments": [segment_to_dict(s) for s in p.segments],
                **_paragraph_extras(p),
            } for p in sec.paragraphs],
        } for sec in doc.sections],
        "notes": [{"id": n.id, "anchor": n.anchor, "kind": n.kind, "source": n.segment.source,
                   "target": n.segment.target, "segment": segment_to_dict(n.segment),
                   **_note_place(n)}
                  for n in doc.notes],
        "dropped": [{"kind": d.kind, "text": d.text, "line": d.line} for d in doc.dropped],
    }


def _paragraph_extras(p: Paragraph) -> dict[str, Any]:
    """Fields only some paragraphs carry: the label as written, code text, the table grid."""
    out: dict[str, Any] = {}
    if p.label and p.label != p.speaker:
        out["label"] = p.label
    if p.kind == ParagraphKind.CODE:
        out["verbatim"] = p.verbatim
        out["language"] = p.language
    if p.cells:
        out["cells"] = p.cells
    return out


def document_to_json(doc: Document) -> str:
    return "".join(document_json_chunks(doc))


def document_json_chunks(doc: Document) -> Iterator[str]:
    """`document_to_json` piece by piece, so a big document is written without holding the
    whole JSON text (and its UTF-8 copy) in memory; the same characters either way."""
    yield from json.JSONEncoder(ensure_ascii=False, indent=1).iterencode(document_to_dict(doc))
    yield "\n"


def segment_from_dict(d: dict[str, Any]) -> Segment:
    return Segment(
        id=str(d["id"]), source=str(d["source"]), display=str(d.get("display") or d["source"]),
        spans=spans_from_list(d.get("spans")), target=d.get("target"),
        target_spans=spans_from_list(d.get("target_spans")), origin=d.get("origin", "none"),
        score=d.get("score"),
        terms=[TermHit(t["id"], t["source"], t["target"], t["start"], t["end"])
               for t in d.get("terms", [])],
        suggestions=list(d.get("suggestions", [])), flags=list(d.get("flags", [])),
        note_ids=list(d.get("notes", [])))


def document_from_dict(data: dict[str, Any]) -> Document:
    """Inverse of `document_to_dict`; raises KeyError/TypeError on malformed input."""
    doc = Document(
        title=segment_from_dict(data["title_segment"]) if data.get("title_segment") else None,
        metadata=Metadata(**data.get("metadata", {})), path=data.get("path", ""),
        script=data.get("script", "simplified"))
    doc.source_url = doc.source_url or data.get("source_url")
    for sp in data.get("speakers", []):
        doc.speakers.append(sp["source"])
        if sp.get("target"):
            doc.speaker_names[sp["source"]] = sp["target"]
    for sec in data["sections"]:
        section = Section(id=str(sec["id"]), number=sec.get("number"),
                          level=int(sec.get("level", 1)),
                          title=segment_from_dict(sec["title_segment"])
                          if sec.get("title_segment") else None)
        for p in sec["paragraphs"]:
            section.paragraphs.append(Paragraph(
                id=str(p["id"]), speaker=p.get("speaker"), turn_start=bool(p.get("turn_start")),
                kind=ParagraphKind(p.get("kind", "body")), line=int(p.get("line", 0)),
                segments=[segment_from_dict(s) for s in p["segments"]],
                label=p.get("label") or (p.get("speaker") if p.get("turn_start") else None),
                verbatim=str(p.get("verbatim", "")), language=str(p.get("language", "")),
                cells=[[int(c) for c in row] for row in p.get("cells", [])]))
        doc.sections.append(section)
    for n in data.get("notes", []):
        seg = segment_from_dict(n["segment"]) if n.get("segment") else Segment(
            id=n["id"], source=n["source"], target=n.get("target"))
        doc.notes.append(Note(id=n["id"], anchor=n["anchor"], segment=seg,
                              kind=n.get("kind", "editor"), term=n.get("term"),
                              label=str(n.get("label", "")),
                              target_offset=n.get("target_offset"),
                              source_offset=n.get("source_offset")))
    doc.dropped = [Dropped(d["kind"], d["text"], d.get("line", 0)) for d in data.get("dropped", [])]
    return doc


def write(doc: Document, path: Path, review: Review, options: Options) -> None:
    atomic_write_chunks(path, _utf8_batches(document_json_chunks(doc)))


def _utf8_batches(pieces: Iterator[str], size: int = 1 << 16) -> Iterator[bytes]:
    """Many small strings (a JSON encoder's tokens) as UTF-8 blocks of about `size` chars."""
    batch: list[str] = []
    count = 0
    for piece in pieces:
        batch.append(piece)
        count += len(piece)
        if count >= size:
            yield "".join(batch).encode("utf-8")
            batch, count = [], 0
    yield "".join(batch).encode("utf-8")
