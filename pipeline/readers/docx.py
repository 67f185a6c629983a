"""DOCX → blocks, streamed: word/document.xml is read with lxml's iterparse, one top-level
paragraph or table at a time, and each is freed once read, so memory stays proportional to the
largest paragraph, not to the document (a 21 MB DOCX once took 2.66 GB through python-docx).

Everything visible is read: runs inside hyperlinks, fields, content controls, insertions and
text boxes; tables become table blocks (cells kept). Footnotes and endnotes are the author's
own notes: each reference in the text becomes a mark naming its note, and each note's text a
note block after the body (in the order the text calls them), which the structure stage
attaches to the sentence holding the mark. What is not read as body text is listed: deleted
revisions, and the text of comments, headers and footers.
"""
from __future__ import annotations


import re
import zipfile
from dataclasses import replace
from typing import Iterator

from lxml import etree

from ..errors import BitextError
from ..safezip import open_docx
from ..xmlsafe import parse_xml
from .blocks import Block, BlockKind, Span, SpanKind

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = f"{{{_W}}}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_HEADING = re.compile(r"^(?:heading|标题)\s*(\d)$", re.I)
_OFF = {"0", "false", "off", "none"}
_SIDE_PARTS = re.compile(r"^word/(comments|header\d*|footer\d*)\.xml$")
# reference element in the text -> the kind of note it calls (and the part holding the notes)
_REFERENCES = {f"{W}footnoteReference": "footnote", f"{W}endnoteReference": "endnote"}


def _parser_kwargs() -> dict:
    return {"resolve_entities": False, "no_network": True, "huge_tree": False, "load_dtd": False}


def _style_names(zf: zipfile.ZipFile, where: str) -> dict[str, str]:
    """styleId → style name (`Heading1` → `heading 1`); the id is what paragraphs carry."""
    if "word/styles.xml" not in zf.namelist():
        return {}
    root = parse_xml(zf.read("word/styles.xml"), f"{where} (word/styles.xml)")
    return {s.get(f"{W}styleId", ""): (s.find(f"{W}name").get(f"{W}val", "")
                                       if s.find(f"{W}name") is not None else "")
            for s in root.iter(f"{W}style")}


def run_flag(run: etree._Element, tag: str, styles: tuple[str, ...]) -> bool:
    """A run property that is on (`<w:b/>`, `<w:i w:val="1"/>`), or a character style that
    means it (Word's built-in `Strong` and `Emphasis`)."""
    rpr = run.find(f"{W}rPr")
    if rpr is None:
        return False
    flag = rpr.find(f"{W}{tag}")
    if flag is not None:
        return flag.get(f"{W}val", "true").lower() not in _OFF
    style = rpr.find(f"{W}rStyle")
    return style is not None and style.get(f"{W}val", "").lower() in styles


def run_link(el: etree._Element, p: etree._Element | None,
             links: dict[str, str]) -> str | None:
    """The address of the hyperlink a run sits in: external (relationship) or a bookmark."""
    parent = el.getparent()
    while parent is not None and parent is not p:
        if parent.tag == f"{W}hyperlink":
            rid = parent.get(f"{R}id")
            if rid and rid in links:
                return links[rid]
            anchor = parent.get(f"{W}anchor")
            return f"#{anchor}" if anchor else None
        parent = parent.getparent()
    return None


def _link_targets(zf: zipfile.ZipFile, where: str, part: str = "document"
                  ) -> dict[str, str]:
    """Relationship id -> address of a part's external hyperlinks (each part has its own)."""
    name = f"word/_rels/{part}.xml.rels"
    if name not in zf.namelist():
        return {}
    return hyperlinks(parse_xml(zf.read(name), f"{where} ({name})"))


def hyperlinks(rels: etree._Element | None) -> dict[str, str]:
    """Relationship id -> address, for the hyperlinks of a parsed `.rels` part."""
    if rels is None:
        return {}
    return {rel.get("Id", ""): rel.get("Target", "") for rel in rels
            if rel.get("Type", "").endswith("/hyperlink") and rel.get("Target")}


def _runs(p: etree._Element, deleted: list[str], links: dict[str, str]) -> list[Span]:
    """The paragraph's visible text as spans, in order. Text boxes inside it are skipped here
    (they are read as paragraphs of their own); deleted text goes to `deleted`. A footnote or
    endnote reference is a mark naming its note (`footnote-2`), unless it was deleted."""
    spans: list[Span] = []
    for el in p.iter(f"{W}t", f"{W}tab", f"{W}br", f"{W}cr", f"{W}delText",
                     f"{W}noBreakHyphen", *_REFERENCES):
        if _inside(el, p, f"{W}txbxContent"):
            continue
        if el.tag == f"{W}delText":
            deleted.append(el.text or "")
            continue
        if el.tag in _REFERENCES:
            if not _inside(el, p, f"{W}del"):
                spans.append(Span("*", kind=SpanKind.MARKER,
                                  note=f"{_REFERENCES[el.tag]}-{el.get(f'{W}id', '')}"))
            continue
        run = el.getparent()
        span = Span({f"{W}t": el.text or "", f"{W}tab": "\t", f"{W}br": "\n", f"{W}cr": "\n",
                     f"{W}noBreakHyphen": "-"}[el.tag],
                    bold=run is not None and run_flag(run, "b", ("strong", "bold")),
                    italic=run is not None and run_flag(run, "i", ("emphasis",)),
                    href=run_link(el, p, links))
        if spans and replace(spans[-1], text="") == replace(span, text=""):
            spans[-1] = replace(spans[-1], text=spans[-1].text + span.text)
        else:
            spans.append(span)
    return [s for s in spans if s.text]


def _inside(el: etree._Element, stop: etree._Element, tag: str) -> bool:
    parent = el.getparent()
    while parent is not None and parent is not stop:
        if parent.tag == tag:
            return True
        parent = parent.getparent()
    return False


def _paragraph(p: etree._Element, styles: dict[str, str], line: int,
               deleted: list[str], links: dict[str, str]) -> Iterator[Block]:
    spans = _runs(p, deleted, links)
    ppr = p.find(f"{W}pPr")
    style_id = ""
    numbered = False
    if ppr is not None:
        ps = ppr.find(f"{W}pStyle")
        style_id = ps.get(f"{W}val", "") if ps is not None else ""
        numbered = ppr.find(f"{W}numPr") is not None
    name = styles.get(style_id, style_id)
    if spans:
        heading = _HEADING.match(name) or _HEADING.match(style_id)
        if heading:
            yield Block(BlockKind.HEADING, spans, level=int(heading.group(1)), line=line)
        elif name.lower() == "title" or style_id.lower() == "title":
            yield Block(BlockKind.HEADING, spans, level=1, line=line)
        elif numbered or "list" in name.lower():
            yield Block(BlockKind.LIST_ITEM, spans, line=line)
        else:
            yield Block(BlockKind.PARA, spans, line=line)
    for box in p.iter(f"{W}txbxContent"):  # text boxes: their own paragraphs
        for inner in box.iter(f"{W}p"):
            inner_spans = _runs(inner, deleted, links)
            if inner_spans:
                yield Block(BlockKind.PARA, inner_spans, line=line)


def _table(tbl: etree._Element, line: int, deleted: list[str], links: dict[str, str]) -> Block:
    """Rows of cells; a cell's paragraphs are joined by line breaks (nested tables inline)."""
    block = Block(BlockKind.TABLE, line=line)
    for tr in tbl.iter(f"{W}tr"):
        if _inside(tr, tbl, f"{W}tbl"):
            continue  # a nested table's rows belong to its cell's text
        row: list[list[Span]] = []
        for tc in tr.findall(f"{W}tc"):
            cell: list[Span] = []
            for p in tc.iter(f"{W}p"):
                if cell:
                    cell.append(Span("\n"))
                cell.extend(_runs(p, deleted, links))
            row.append(cell)
        block.rows.append(row)
    return block


def _notes(zf: zipfile.ZipFile, where: str, kind: str, deleted: list[str]) -> dict[str, Block]:
    """The footnotes (or endnotes) part as note blocks by key (`footnote-2`), formatting kept.

    Word's separator and continuation notes (typed, ids -1/0, sometimes 1) are page furniture,
    not notes: any text they hold (`(continued…)`) is an omitted block, listed. A note of
    several paragraphs is one block, its paragraphs joined by line breaks."""
    name = f"word/{kind}s.xml"
    if name not in zf.namelist():
        return {}
    root = parse_xml(zf.read(name), f"{where} ({name})")
    links = _link_targets(zf, where, f"{kind}s")
    out: dict[str, Block] = {}
    for note in root.iter(f"{W}{kind}"):
        note_type = note.get(f"{W}type", "normal")
        spans: list[Span] = []
        for p in note.iter(f"{W}p"):
            runs = _runs(p, deleted, links)
            if spans and runs:
                spans.append(Span("\n"))
            spans.extend(runs)
        key = f"{kind}-{note.get(f'{W}id', '')}"
        text = "".join(s.text for s in spans if s.kind == SpanKind.TEXT).strip()
        if not text:
            continue
        out[key] = (Block(BlockKind.NOTE, spans, info=kind, key=key) if note_type == "normal"
                    else Block(BlockKind.OMITTED, [Span(text)], info=f"{kind} {note_type}"))
    return out


def _note_blocks(zf: zipfile.ZipFile, where: str, body: list[Block], deleted: list[str],
                 line: int) -> list[Block]:
    """Note blocks in the order the body first calls them, then the notes nothing calls (the
    structure stage lists those as orphans): a note is never lost with its reference."""
    notes = {**_notes(zf, where, "footnote", deleted), **_notes(zf, where, "endnote", deleted)}
    called = [s.note for block in body for s in _all_spans(block)
              if s.kind == SpanKind.MARKER and s.note in notes]
    first = dict.fromkeys(called)
    order = list(first) + [k for k in notes if k not in first]
    return [replace(notes[key], line=line + i) for i, key in enumerate(order, start=1)]


def _all_spans(block: Block) -> Iterator[Span]:
    yield from block.spans
    for row in block.rows:
        for cell in row:
            yield from cell


def _side_parts(zf: zipfile.ZipFile, where: str) -> list[Block]:
    """Comments, headers and footers are not body text: their text is listed (as omitted
    blocks) so nothing in the file vanishes without a word."""
    out: list[Block] = []
    for name in sorted(zf.namelist()):
        m = _SIDE_PARTS.match(name)
        if not m:
            continue
        root = parse_xml(zf.read(name), f"{where} ({name})")
        for p in root.iter(f"{W}p"):
            text = "".join(t.text or "" for t in p.iter(f"{W}t")).strip()
            if text:
                out.append(Block(BlockKind.OMITTED, [Span(text)], info=m.group(1).rstrip("0123456789")))
    return out


def read_docx(data: bytes, path: str) -> list[Block]:
    zf = open_docx(data, path, hint="give a .docx saved by Word or LibreOffice")
    styles = _style_names(zf, path)
    links = _link_targets(zf, path)
    blocks: list[Block] = []
    deleted: list[str] = []
    line = 0
    body_children = (f"{W}p", f"{W}tbl")
    try:
        with zf.open("word/document.xml") as stream:
            for _event, el in etree.iterparse(stream, events=("end",), tag=body_children,
                                              **_parser_kwargs()):
                parent = el.getparent()
                if parent is None or parent.tag not in (f"{W}body", f"{W}sdtContent"):
                    continue  # inside a table or text box: read with its container
                if parent.tag == f"{W}sdtContent" and _inside(el, parent, f"{W}tbl"):
                    continue
                line += 1
                if el.tag == f"{W}p":
                    blocks.extend(_paragraph(el, styles, line, deleted, links))
                else:
                    blocks.append(_table(el, line, deleted, links))
                el.clear()
                while el.getprevious() is not None:  # free what was read
                    del parent[0]
    except (etree.XMLSyntaxError, zipfile.BadZipFile, OSError, KeyError, EOFError) as exc:
        raise BitextError(f"cannot read DOCX ({type(exc).__name__}: {exc})", path=path,
                          hint="re-save the document from Word or LibreOffice")
    blocks += _note_blocks(zf, path, blocks, deleted, line)
    if any(t.strip() for t in deleted):
        blocks.append(Block(BlockKind.OMITTED, [Span("".join(deleted))], info="deleted"))
    return blocks + _side_parts(zf, path)



