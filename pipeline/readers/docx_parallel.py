"""Read back a post-edited parallel DOCX: (segment id, Chinese, English) per bookmarked segment.

`pipeline.writers.docx_writer.write_parallel_docx` wraps every segment's text in a bookmark,
`bs_<id>` on the Chinese side and `bt_<id>` on the English side, with "." in the id written as
"_" (Word bookmark names allow only letters, digits and "_"; segment ids never contain "_", so
the mapping is reversible). Whatever an editor types between a bookmark's start and end is the
new text of that segment; footnote references and the superscript note marks are ignored.
The contract (names and encoding) lives here so the writer and this reader cannot drift apart.

The file is untrusted: it goes through the zip-bomb check and an XML parser that resolves no
entities, touches no network and refuses huge trees. No python-docx needed.
"""
from __future__ import annotations

import posixpath
import re
from pathlib import Path

from lxml import etree

from ..errors import BitextError
from ..model import InlineSpan
from ..safezip import open_docx, read_member
from ..textio import read_bytes
from ..xmlsafe import parse_xml
from .docx import hyperlinks, run_flag, run_link

SOURCE_PREFIX = "bs"
TARGET_PREFIX = "bt"
MAX_BOOKMARK_NAME = 40  # Word truncates longer names

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_FOOTNOTES_RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes"
_SEGMENT_ID = re.compile(r"[A-Za-z0-9]+(?:\.[A-Za-z0-9]+)*")
_BOOKMARK = re.compile(rf"({SOURCE_PREFIX}|{TARGET_PREFIX})_([A-Za-z0-9_]+)")
_NOTE_MARK_STYLES = {"FootnoteReference"}


def bookmark_name(prefix: str, segment_id: str) -> str:
    """`bt_2_14_3` for segment `2.14.3`; raises ValueError for an id the encoding can't carry."""
    if prefix not in (SOURCE_PREFIX, TARGET_PREFIX):
        raise ValueError(f"unknown bookmark prefix {prefix!r}")
    if not _SEGMENT_ID.fullmatch(segment_id):
        raise ValueError(f"segment id {segment_id!r} cannot be a bookmark name "
                         "(only letters, digits and single dots are reversible)")
    name = f"{prefix}_{segment_id.replace('.', '_')}"
    if len(name) > MAX_BOOKMARK_NAME:
        raise ValueError(f"bookmark name {name!r} is longer than {MAX_BOOKMARK_NAME} characters")
    return name


def parse_bookmark_name(name: str) -> tuple[str, str] | None:
    """(prefix, segment id) for one of our bookmark names, None for anyone else's."""
    match = _BOOKMARK.fullmatch(name)
    if match is None:
        return None
    return match.group(1), match.group(2).replace("_", ".")


def _footnotes_member(names: set[str], rels: etree._Element | None) -> str | None:
    """Where the footnotes part is, by relationship (LibreOffice and Word agree on the name,
    but the relationship is what counts)."""
    if rels is not None:
        for rel in rels.iter(f"{{{_REL}}}Relationship"):
            if rel.get("Type") == _FOOTNOTES_RT and rel.get("TargetMode") != "External":
                target = rel.get("Target", "")
                member = (target.lstrip("/") if target.startswith("/")
                          else posixpath.normpath(posixpath.join("word", target)))
                return member if member in names else None
    return "word/footnotes.xml" if "word/footnotes.xml" in names else None


def _in_run(el: etree._Element) -> bool:
    """Content of a run; a `w:tab` in paragraph properties is a tab stop, not text."""
    parent = el.getparent()
    return parent is not None and parent.tag == f"{{{_W}}}r"


def _is_note_mark(text_el: etree._Element) -> bool:
    """True for text in a footnote-reference-styled run (our superscript marks in the Chinese
    column, or anything an editor styled the same way)."""
    run = text_el.getparent()
    if run is None or run.tag != f"{{{_W}}}r":
        return False
    style = run.find(f"{{{_W}}}rPr/{{{_W}}}rStyle")
    return style is not None and style.get(f"{{{_W}}}val") in _NOTE_MARK_STYLES


_MONOSPACE = ("consolas", "courier", "menlo", "monaco", "mono")


def _style(el: etree._Element, links: dict[str, str]) -> tuple[bool, bool, bool, str | None]:
    """Bold, italic, code (a monospace face, as the writer sets code) and link of the run a
    text element sits in: the formatting an editor sees and may have changed."""
    run = el.getparent()
    if run is None:
        return False, False, False, None
    fonts = run.find(f"{{{_W}}}rPr/{{{_W}}}rFonts")
    face = (fonts.get(f"{{{_W}}}ascii", "") if fonts is not None else "").lower()
    return (run_flag(run, "b", ("strong", "bold")), run_flag(run, "i", ("emphasis",)),
            any(m in face for m in _MONOSPACE), run_link(el, None, links))


def _collect(root: etree._Element, found: dict[str, dict[str, list[tuple[str, int]]]],
             done: set[str], links: dict[str, str], table: list[str]) -> None:
    """Append the text inside each of our bookmarks to `found[id][prefix]`, in document order,
    each piece with its style (`spans.style_bits`, links indexed into `table`)."""
    from ..spans import style_bits

    open_marks: dict[str, tuple[str, str, str]] = {}  # w:id -> (name, prefix, segment id)
    start, end = f"{{{_W}}}bookmarkStart", f"{{{_W}}}bookmarkEnd"
    text_tags = {f"{{{_W}}}t": None, f"{{{_W}}}tab": "\t", f"{{{_W}}}br": "\n",
                 f"{{{_W}}}cr": "\n"}
    for el in root.iter(start, end, *text_tags):
        if el.tag == start:
            name = el.get(f"{{{_W}}}name", "")
            parsed = parse_bookmark_name(name)
            if parsed is None or name in done:
                continue  # someone else's bookmark, or a pasted duplicate of ours
            done.add(name)
            prefix, seg_id = parsed
            open_marks[el.get(f"{{{_W}}}id", "")] = (name, prefix, seg_id)
            found.setdefault(seg_id, {}).setdefault(prefix, [])
        elif el.tag == end:
            open_marks.pop(el.get(f"{{{_W}}}id", ""), None)
        elif open_marks and _in_run(el) and not _is_note_mark(el):
            special = text_tags[el.tag]
            text = (el.text or "") if special is None else special
            bold, italic, code, href = _style(el, links)
            if href is not None and href not in table:
                table.append(href)
            bits = style_bits(bold, italic, code, table.index(href) if href else None)
            for _name, prefix, seg_id in open_marks.values():
                found[seg_id][prefix].append((text, bits))


def _side(pieces: list[tuple[str, int]], table: list[str]) -> tuple[str, tuple[InlineSpan, ...]]:
    """One side's text, trimmed, and its formatting over the trimmed text."""
    from ..spans import from_styles

    raw = "".join(text for text, _ in pieces)
    styles = [bits for text, bits in pieces for _ in text]
    lead = len(raw) - len(raw.lstrip())
    text = raw.strip()
    return text, tuple(from_styles(styles, table, lead, lead + len(text)))


def read_parallel_docx(path: Path) -> list[tuple[str, str, str, tuple[InlineSpan, ...],
                                                tuple[InlineSpan, ...]]]:
    """(segment id, Chinese, English, Chinese formatting, English formatting) per bookmarked
    segment, in reading order: body first, then the footnotes. A side whose bookmark is gone
    reads as "". Bold, italic, code (monospace) and hyperlinks an editor set are spans."""
    path = Path(path)
    where = str(path)
    data = read_bytes(path)
    zf = open_docx(data, where, hint="give the parallel .docx that `bitext` wrote")
    names = set(zf.namelist())
    document = parse_xml(read_member(zf, "word/document.xml", where),
                         f"{where} (word/document.xml)")
    rels_name = "word/_rels/document.xml.rels"
    rels = (parse_xml(read_member(zf, rels_name, where), f"{where} ({rels_name})")
            if rels_name in names else None)
    found: dict[str, dict[str, list[tuple[str, int]]]] = {}
    done: set[str] = set()
    table: list[str] = []  # link addresses
    _collect(document, found, done, hyperlinks(rels), table)
    if not any(TARGET_PREFIX in sides for sides in found.values()):
        raise BitextError("not a bitext parallel export (no bt_ segment bookmarks)", path=where,
                          hint="give the parallel .docx written by `bitext`, edited in place; "
                               "copying its text into a new document drops the bookmarks")
    footnotes = _footnotes_member(names, rels)
    if footnotes is not None:
        folder, name = posixpath.split(footnotes)
        notes_rels = posixpath.join(folder, "_rels", f"{name}.rels")
        _collect(parse_xml(read_member(zf, footnotes, where), f"{where} ({footnotes})"), found,
                 done, hyperlinks(parse_xml(read_member(zf, notes_rels, where),
                                            f"{where} ({notes_rels})")
                                  if notes_rels in names else None), table)
    rows = []
    for seg_id, sides in found.items():
        zh, zh_spans = _side(sides.get(SOURCE_PREFIX, []), table)
        en, en_spans = _side(sides.get(TARGET_PREFIX, []), table)
        rows.append((seg_id, zh, en, zh_spans, en_spans))
    return rows
