"""The two DOCX editions: a Chinese–English parallel table and the English-only text.

Design choices:

* Footnotes. Each note is ONE real Word footnote (English translation, then, in the parallel
  edition, the Chinese original on a second line), referenced from the English text right
  after the segment that carries the note id. Word allows one `w:footnoteReference` per note,
  and a second footnote for the Chinese side would print every note twice; so the Chinese
  column gets a plain-text superscript number in the FootnoteReference style at the Chinese
  segment. Readers see the same mark in both columns; Word's own renumbering only follows the
  English reference, which is fine because notes are numbered in reading order (footnote ids
  1, 2, 3… from `footnote_numbers`, which LibreOffice needs since it pairs notes with
  references by ascending id). A note whose anchor is not rendered gets its reference in a
  last "Notes" paragraph, so no note is lost and every footnote has exactly one reference.
* Fonts. Latin text is Times New Roman (Liberation Serif on Linux, metric-compatible). Chinese
  is Noto Serif CJK SC (TC for Traditional), set as `w:rFonts/@w:eastAsia` with the theme
  attributes removed (a theme font would win) and `w:lang/@w:eastAsia` zh-CN (zh-TW), on the
  document defaults, Normal, Title and Heading styles and on every Chinese run (`w:hint`
  eastAsia so curly quotes use the CJK face too). The font table names SimSun (PMingLiU) as
  the alternative, so Word on a machine without Noto substitutes the standard Chinese serif.
* Page. A4 portrait. The parallel edition has 1.8 cm side margins and a fixed two-column
  table, 43 % Chinese / 57 % English (English runs longer per sentence), with a repeating
  中文 / English header row and one row per paragraph; section headings are a shaded row
  merged across both columns. The English edition has ordinary 2.5 cm margins.
* Round trip. In the parallel edition every segment's text (title, section titles, body,
  editor's notes; not glossary notes, whose text comes from the term base) sits inside a
  bookmark, `bs_<id>` (Chinese) and `bt_<id>` (English); the naming contract lives in
  `pipeline.readers.docx_parallel`, which reads an edited file back.
* Script. `source_script` is the script of the Chinese column: text written in that script
  is shown as written; otherwise Simplified comes from `Segment.source` and Traditional from
  OpenCC s2t of the display text.
* Determinism. Fixed core-property dates, sequential bookmark ids, and a re-zip with fixed
  member timestamps: the same Document gives the same bytes. Files are written atomically.
"""
from __future__ import annotations

import io
import zipfile
from copy import deepcopy
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import docx
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_LINE_SPACING
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn
from docx.oxml.parser import OxmlElement
from docx.shared import Mm, Pt
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph as DocxParagraph
from typing import TYPE_CHECKING

from docx.opc.part import XmlPart
from lxml import etree

from ..model import Document, Note, Paragraph, ParagraphKind, Section, Segment
from ..spans import Run
from ..readers.docx_parallel import SOURCE_PREFIX, TARGET_PREFIX, bookmark_name
from ..textio import atomic_write_bytes
from .common import (ORIGINAL_TITLE, REVIEW_MARK, build_date, first_anchors, footnote_numbers, footnote_order,
                     needs_review, note_label, note_term, source_line, source_text,
                     speaker_label, segment_runs,
                     target_text, original_title, source_details, translation_statement)
from .docx_footnotes import (FootnotesPart, add_note_paragraph, footnote_mark_run,
                             footnote_reference_run, footnotes_part)
from .docx_spill import Spill

if TYPE_CHECKING:
    from ..run import Options
    from ..stages.review import Review

LATIN_FONT = "Times New Roman"
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)
_SETUP_STYLES = ("Normal", "Title", "Heading 1", "Heading 2")
_HEADING_FILL = "EDEDED"
_HEADER_FILL = "D9D9D9"


@dataclass(frozen=True)
class ChineseFont:
    """The East Asian face for one script, with the font Word should substitute if missing."""

    name: str
    alt_name: str
    lang: str
    charset: str  # Windows charset in the font table: 86 GB2312, 88 Big5


CHINESE_FONTS = {
    "simplified": ChineseFont("Noto Serif CJK SC", "SimSun", "zh-CN", "86"),
    "traditional": ChineseFont("Noto Serif CJK TC", "PMingLiU", "zh-TW", "88"),
}


# ---------------------------------------------------------------------------- low-level OXML


def _rpr_fonts(rpr: etree._Element, cjk: ChineseFont, *, hint: bool = False) -> None:
    """Explicit Latin + East Asian fonts and the East Asian language on an `w:rPr`."""
    fonts = rpr.get_or_add_rFonts()
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)
    fonts.set(qn("w:ascii"), LATIN_FONT)
    fonts.set(qn("w:hAnsi"), LATIN_FONT)
    fonts.set(qn("w:cs"), LATIN_FONT)
    fonts.set(qn("w:eastAsia"), cjk.name)
    if hint:
        fonts.set(qn("w:hint"), "eastAsia")
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.insert_element_before(lang, "w:eastAsianLayout", "w:specVanish", "w:oMath")
    lang.set(qn("w:eastAsia"), cjk.lang)


@lru_cache(maxsize=None)
def _rpr_template(bold: bool, cjk: ChineseFont | None,
                  italic: bool = False) -> etree._Element | None:
    if not bold and not italic and cjk is None:
        return None
    rpr = OxmlElement("w:r").get_or_add_rPr()
    if cjk is not None:
        _rpr_fonts(rpr, cjk, hint=True)
    if bold:
        rpr.get_or_add_b()
    if italic:
        rpr.get_or_add_i()
    return rpr


def _run(text: str, *, bold: bool = False, cjk: ChineseFont | None = None,
         italic: bool = False) -> etree._Element:
    """A `w:r`; `cjk` marks Chinese text so it carries its own East Asian font and language.

    Run properties are built once per style and copied: python-docx's per-run builders
    dominated the time of a whole translate run.
    """
    run = OxmlElement("w:r")
    template = _rpr_template(bold, cjk, italic)
    if template is not None:
        run.append(deepcopy(template))
    if "\t" in text or "\n" in text:
        run.text = text  # python-docx turns \t and \n into w:tab / w:br
    else:
        t = etree.SubElement(run, qn("w:t"))
        t.text = text
        if text != text.strip():
            t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    return run


def _code_run(text: str, **style: bool) -> etree._Element:
    """Code, verbatim, in a monospace face (line breaks kept)."""
    run = _run(text, **style)
    rpr = run.find(qn("w:rPr"))
    if rpr is None:
        rpr = OxmlElement("w:rPr")
        run.insert(0, rpr)
    rpr.insert(0, OxmlElement("w:rFonts", attrs={qn("w:ascii"): "Consolas",
                                                 qn("w:hAnsi"): "Consolas"}))
    return run


class _Bookmarks:
    """Sequential bookmark ids across the document and its footnotes (ids must be unique)."""

    def __init__(self) -> None:
        self._next = 0

    def wrap(self, parent: etree._Element, name: str, runs: list[etree._Element]) -> None:
        bid = str(self._next)
        self._next += 1
        parent.append(OxmlElement("w:bookmarkStart", attrs={qn("w:id"): bid, qn("w:name"): name}))
        parent.extend(runs)
        parent.append(OxmlElement("w:bookmarkEnd", attrs={qn("w:id"): bid}))


def _shade(cell: _Cell, fill: str) -> None:
    tc_pr = cell._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd", attrs={qn("w:val"): "clear", qn("w:color"): "auto",
                                      qn("w:fill"): fill})
    tc_pr.append(shd)


def _repeat_header(row_tr: etree._Element) -> None:
    tr_pr = row_tr.get_or_add_trPr()
    tr_pr.append(OxmlElement("w:cantSplit"))
    tr_pr.append(OxmlElement("w:tblHeader"))


def _cell_margins(table: Table, top: int, bottom: int) -> None:
    """Breathing room above and below each cell's text (twips)."""
    tbl_pr = table._tbl.tblPr
    mar = OxmlElement("w:tblCellMar")
    for side, value in (("top", top), ("left", 108), ("bottom", bottom), ("right", 108)):
        mar.append(OxmlElement(f"w:{side}", attrs={qn("w:w"): str(value), qn("w:type"): "dxa"}))
    tbl_pr.insert_element_before(mar, "w:tblLook", "w:tblCaption", "w:tblDescription")


# ---------------------------------------------------------------------------- package setup


def _setup_styles(document: DocxDocument, cjk: ChineseFont, size_pt: float) -> None:
    """Fonts on the defaults and the styles we use; theme fonts removed so ours apply."""
    styles = document.styles
    default_rpr = styles.element.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}")
    if default_rpr is not None:
        _rpr_fonts(default_rpr, cjk)
    for name in _SETUP_STYLES:
        _rpr_fonts(styles[name].element.get_or_add_rPr(), cjk)
    styles["Normal"].font.size = Pt(size_pt)
    styles["Title"].font.size = Pt(size_pt + 9)
    styles["Heading 1"].font.size = Pt(size_pt + 3)
    styles["Heading 2"].font.size = Pt(size_pt + 1)
    styles["Heading 1"].paragraph_format.space_after = Pt(6)


def _font_table_entry(document: DocxDocument, cjk: ChineseFont) -> None:
    """Tell Word which standard font to substitute when the CJK face is not installed."""
    for rel in document.part.rels.values():
        if rel.reltype != RT.FONT_TABLE or rel.is_external:
            continue
        part = rel.target_part
        root = etree.fromstring(part.blob, etree.XMLParser(resolve_entities=False))
        if any(f.get(qn("w:name")) == cjk.name for f in root.findall(qn("w:font"))):
            return
        font = etree.SubElement(root, qn("w:font"), {qn("w:name"): cjk.name})
        for tag, val in (("altName", cjk.alt_name), ("charset", cjk.charset),
                         ("family", "roman"), ("pitch", "variable")):
            etree.SubElement(font, qn(f"w:{tag}"), {qn("w:val"): val})
        part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8",
                                    standalone=True)  # a plain Part: python-docx keeps bytes
        return


def _page(document: DocxDocument, *, side_mm: float, top_mm: float) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(side_mm)
    section.top_margin = section.bottom_margin = Mm(top_mm)


def _drop_thumbnail(document: DocxDocument) -> None:
    """The template's thumbnail shows an empty page; better none than a wrong preview."""
    rels = document.part.package.rels
    for rid in [rid for rid, rel in rels.items() if rel.reltype == RT.THUMBNAIL]:
        del rels[rid]
        rels._target_parts_by_rId.pop(rid, None)


def _core_properties(document: DocxDocument, title: str) -> None:
    props = document.core_properties
    props.title = title[:255]  # the OPC core-properties limit
    props.author = "bitext"
    props.last_modified_by = "bitext"
    props.comments = ""
    props.revision = 1
    props.created = props.modified = build_date().replace(tzinfo=None)


_APP_XML = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" \
xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">\
<Application>bitext {version}</Application><DocSecurity>0</DocSecurity>\
<ScaleCrop>false</ScaleCrop><LinksUpToDate>false</LinksUpToDate><SharedDoc>false</SharedDoc>\
<HyperlinksChanged>false</HyperlinksChanged></Properties>"""


def _app_properties(document: DocxDocument) -> None:
    """docProps/app.xml names bitext as the application. python-docx's template claims
    "Microsoft Macintosh Word" 14.0 with a page and word count of its empty page; counts that
    are not computed are left out rather than stated wrong."""
    from .. import __version__

    for part in document.part.package.iter_parts():
        if part.partname == "/docProps/app.xml":
            part._blob = _APP_XML.format(version=__version__).encode()


def _stable_zip(data: bytes, spill: Spill | None = None) -> bytes:
    """Re-zip with fixed member timestamps (python-docx stamps the current time); the body
    spilled out of the tree goes back into word/document.xml here, streamed."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            member = zipfile.ZipInfo(info.filename, date_time=_ZIP_DATE)
            member.compress_type = zipfile.ZIP_DEFLATED
            member.external_attr = 0o644 << 16
            if spill is not None and spill.used and info.filename == "word/document.xml":
                with dst.open(member, "w") as fh:
                    for piece in spill.splice(src.read(info.filename)):
                        fh.write(piece)
                continue
            dst.writestr(member, src.read(info.filename))
    return out.getvalue()


# ---------------------------------------------------------------------------- shared builder


class _Builder:
    """Everything both editions share: the docx package, fonts, footnotes, segment rendering.

    `parallel` switches on the Chinese side's needs: bookmarks for the round trip and the
    Chinese original of each note.
    """

    def __init__(self, doc: Document, *, parallel: bool, source_script: str = "simplified",
                 size_pt: float = 10.5) -> None:
        if source_script not in CHINESE_FONTS:
            raise ValueError(f"source_script must be one of {sorted(CHINESE_FONTS)}, "
                             f"got {source_script!r}")
        self.doc = doc
        self.parallel = parallel
        self.script = source_script
        self.cjk = CHINESE_FONTS[source_script]
        self.docx = docx.Document()
        self._sect_pr: etree._Element | None = None
        self.body_element = self.docx.element.body
        self.bookmarks = _Bookmarks()
        self.spill = Spill()  # long bodies leave the tree as compressed XML
        self.numbers = footnote_numbers(doc)
        self.first_anchor = first_anchors(doc, set(self.numbers))
        self.notes_by_id = {n.id: n for n in doc.notes}
        self.referenced: set[str] = set()
        self.footnotes: FootnotesPart | None = footnotes_part(self.docx) if doc.notes else None
        _setup_styles(self.docx, self.cjk, size_pt)
        _font_table_entry(self.docx, self.cjk)
        _drop_thumbnail(self.docx)
        self.bullets = _bullet_numbering(self.docx)

    # -- text of a segment

    def chinese(self, seg: Segment) -> str:
        """What the Chinese side shows: as written when that is the requested script, else
        converted (`source` is already the Simplified form of a Traditional original)."""
        return source_text(seg, self.script, self.doc.script)

    def segment(self, p: etree._Element, seg: Segment, lang: str) -> None:
        """One segment's runs (bookmarked in the parallel edition) with its note marks right
        after the term each note explains, in both columns; marks at the segment's end follow
        its bookmark, as before term placement. Marks
        inside the bookmark are FootnoteReference-styled, which the round-trip import skips."""
        zh = lang == "zh"
        cjk = self.cjk if zh else None
        mine = [nid for nid in seg.note_ids if self.first_anchor.get(nid) == seg.id]
        runs: list[etree._Element] = []
        shown = self.chinese(seg) if zh else target_text(seg)
        pieces = segment_runs(seg, shown, self.notes_by_id, mine, lang)
        for i, (run, ids) in enumerate(pieces):
            if run.text:
                runs.append(self._formatted(run, cjk))
            if i < len(pieces) - 1:
                runs.extend(self._marks(ids, zh=zh))
        end = self._marks(pieces[-1][1], zh=zh)  # marks at the end: after the bookmark
        if self.parallel:
            prefix = SOURCE_PREFIX if zh else TARGET_PREFIX
            self.bookmarks.wrap(p, bookmark_name(prefix, seg.id), runs)
            if not zh and needs_review(seg):  # outside the bookmark: never imported as text
                p.append(_run(f" {REVIEW_MARK}"))
        else:
            p.extend(runs)
        p.extend(end)

    def _formatted(self, run: Run, cjk: ChineseFont | None,
                   part: XmlPart | None = None) -> etree._Element:
        """One formatted run: bold, italic, code in a monospace face, a link as a real
        hyperlink (external address, related from the `part` the run goes in: the document,
        or the footnotes; or a bookmark for `#anchor`)."""
        element = (_code_run(run.text, bold=run.bold, italic=run.italic) if run.code
                   else _run(run.text, bold=run.bold, italic=run.italic, cjk=cjk))
        if not run.href:
            return element
        rpr = element.get_or_add_rPr()
        rpr.get_or_add_color().set(qn("w:val"), "1F4E9A")
        rpr.get_or_add_u().set(qn("w:val"), "single")
        if run.href.startswith("#"):
            link = OxmlElement("w:hyperlink", attrs={qn("w:anchor"): run.href[1:]})
        else:
            rid = (part or self.docx.part).relate_to(run.href, RT.HYPERLINK, is_external=True)
            link = OxmlElement("w:hyperlink", attrs={qn("r:id"): rid})
        link.append(element)
        return link

    def _marks(self, ids: list[str], *, zh: bool) -> list[etree._Element]:
        """Note marks at one spot, "1,2" not "12": real references in the English, plain
        superscript numbers in the Chinese (Word allows one reference per footnote)."""
        runs: list[etree._Element] = []
        for i, nid in enumerate(ids):
            if i:
                runs.append(footnote_mark_run(","))
            if zh:
                runs.append(footnote_mark_run(self.numbers[nid]))
            else:
                runs.append(footnote_reference_run(self.numbers[nid]))
                self.referenced.add(nid)
        return runs

    def paragraph(self, p: etree._Element, para: Paragraph, lang: str) -> None:
        """Speaker label at a turn's start, then the segments (list items are bulleted by
        Word's numbering, see `_list_format`)."""
        zh = lang == "zh"
        cjk = self.cjk if zh else None
        if para.kind == ParagraphKind.CODE:
            p.append(_code_run(para.verbatim))
            return
        if para.kind == ParagraphKind.TABLE:
            self.table_rows(p, para, lang)
            return
        label = (speaker_label(self.doc, para.speaker, lang, self.script)
                 if para.turn_start else None)
        if label:
            p.append(_run(f"{label}：" if zh else f"{label}: ", bold=True, cjk=cjk))
        for i, seg in enumerate(para.segments):
            if i and not zh:
                p.append(_run(" "))
            self.segment(p, seg, lang)

    def table_rows(self, p: etree._Element, para: Paragraph, lang: str) -> None:
        """A table inside one paragraph (a column of the parallel edition): one line per row,
        cells separated by ` | `, each segment bookmarked like any other."""
        zh = lang == "zh"
        for r, row in enumerate(para.table_rows()):
            if r:
                p.append(_run("\n"))
            for c, cell in enumerate(row):
                if c:
                    p.append(_run(" | "))
                for i, seg in enumerate(cell):
                    if i and not zh:
                        p.append(_run(" "))
                    self.segment(p, seg, lang)

    def table(self, para: Paragraph) -> None:
        """A real Word table for the English edition (first row bold, as a header)."""
        rows = para.table_rows()
        width = max((len(r) for r in rows), default=0)
        if not width:
            return
        table = self.docx.add_table(rows=len(rows), cols=width)
        table.style = self.docx.styles["Table Grid"]
        for r, row in enumerate(rows):
            for c, cell in enumerate(row):
                p = table.cell(r, c).paragraphs[0]._p
                for i, seg in enumerate(cell):
                    if i:
                        p.append(_run(" "))
                    self.segment(p, seg, "en")  # with its formatting and note marks
                if r == 0:  # the header row is bold throughout
                    for run in p.iter(qn("w:r")):
                        run.get_or_add_rPr().get_or_add_b()

    def heading(self, p: etree._Element, section: Section, langs: tuple[str, ...]) -> None:
        """`01 · 中文标题 · English title` (parallel) or `01 · English title`."""
        parts: list[str] = [section.number] if section.number else []
        if section.title is not None:
            parts.extend(langs)
        for i, part in enumerate(parts):
            if i:
                p.append(_run(" · "))
            if part in ("zh", "en"):
                self.segment(p, section.title, part)
            else:
                p.append(_run(part))

    # -- document furniture

    def title(self, langs: tuple[str, ...]) -> None:
        if self.doc.title is None:
            return
        for lang in langs:
            self.segment(self.add_paragraph(style="Title")._p, self.doc.title, lang)

    def front_matter(self, label: str) -> None:
        """Under the title: the original title, the source line (URL as a link, then the
        metadata) and what the English is. `label` introduces the source line."""
        lines: list[list[etree._Element]] = []
        title = original_title(self.doc)
        if title:
            lines.append([_run(f"{ORIGINAL_TITLE}: "), _run(title, cjk=self.cjk)])
        if source_line(self.doc):
            lines.append(self._source_runs(label))
        lines.append([_run(translation_statement(self.doc))])
        for i, runs in enumerate(lines):
            paragraph = self.add_paragraph()
            paragraph.paragraph_format.space_after = Pt(12 if i == len(lines) - 1 else 2)
            paragraph._p.extend(runs)

    def _source_runs(self, label: str) -> list[etree._Element]:
        cjk = self.cjk if self.parallel else None
        runs = [_run(label, cjk=cjk)]
        url = self.doc.source_url
        if url:
            rid = self.docx.part.relate_to(url, RT.HYPERLINK, is_external=True)
            link = OxmlElement("w:hyperlink", attrs={qn("r:id"): rid})
            run = _run(url)
            rpr = run.get_or_add_rPr()
            rpr.get_or_add_color().set(qn("w:val"), "1F4E9A")
            rpr.get_or_add_u().set(qn("w:val"), "single")
            link.append(run)
            runs.append(link)
        details = source_details(self.doc)
        if details:
            runs.append(_run((" · " if url else "") + " · ".join(details), cjk=cjk))
        return runs

    def unanchored_notes(self) -> None:
        """References for notes no rendered segment points at, so every note is printed."""
        missing = [n for n in footnote_order(self.doc) if n.id not in self.referenced]
        if not missing:
            return
        p = self.add_paragraph()._p
        p.append(_run("Notes"))
        for note in missing:
            p.append(footnote_reference_run(self.numbers[note.id]))
            self.referenced.add(note.id)

    def notes(self) -> None:
        """One footnote per note: the English, then (parallel) the Chinese original."""
        if self.footnotes is None:
            return
        for note in footnote_order(self.doc):
            first = self.footnotes.add_footnote(self.numbers[note.id])
            self._note_text(first, note, "en")
            # a translator's note names its Chinese term in its first line already
            if self.parallel and note.kind != "glossary" and note.segment.display.strip():
                self._note_text(add_note_paragraph(first.getparent()), note, "zh")

    def _note_text(self, p: etree._Element, note: Note, lang: str) -> None:
        zh = lang == "zh"
        text = self.chinese(note.segment) if zh else target_text(note.segment)
        if not zh:  # the label and the term stay outside the bookmark: not imported
            p.append(_run(f"{note_label(note)}: "))
            term = note_term(note, self.parallel)
            if term:
                p.append(_run(term, bold=True))
                p.append(_run(": "))
        runs = [self._formatted(run, self.cjk if zh else None, self.footnotes)
                for run, _ in segment_runs(note.segment, text, {}, (), lang) if run.text]
        if self.parallel and note.kind != "glossary":  # glossary notes are not segments
            self.bookmarks.wrap(p, bookmark_name(SOURCE_PREFIX if zh else TARGET_PREFIX,
                                                 note.segment.id), runs)
        else:
            p.extend(runs)

    def add_paragraph(self, style: str | None = None) -> DocxParagraph:
        """Append a body paragraph. python-docx's own add_paragraph searches the whole body for
        the final section properties every time: quadratic on long documents."""
        body = self.docx.element.body
        if self._sect_pr is None:
            self._sect_pr = body.get_or_add_sectPr()
        p = OxmlElement("w:p")
        self._sect_pr.addprevious(p)
        paragraph = DocxParagraph(p, self.docx._body)
        if style is not None:
            paragraph.style = style
        return paragraph

    def save(self, path: Path) -> None:
        """Footnotes, properties, then bytes: BytesIO first, fixed zip, atomic write."""
        self.unanchored_notes()
        self.notes()
        _core_properties(self.docx, target_text(self.doc.title) if self.doc.title else "")
        _app_properties(self.docx)
        buffer = io.BytesIO()
        self.docx.save(buffer)
        atomic_write_bytes(Path(path), _stable_zip(buffer.getvalue(), self.spill))


# ---------------------------------------------------------------------------- the editions

_TEXT_MM = 210 - 2 * 18  # parallel text width
_ZH_MM = 75
_LINE_PT = 16  # 10.5 pt text; Noto CJK needs ~15.2 pt, so nothing is clipped


def write_parallel_docx(doc: Document, path: Path, *, source_script: str = "simplified") -> None:
    """Chinese | English table, one row per paragraph, bookmarked for `read_parallel_docx`."""
    b = _Builder(doc, parallel=True, source_script=source_script)
    _page(b.docx, side_mm=18, top_mm=18)
    b.title(("zh", "en"))
    b.front_matter("原文 Source: ")
    table = b.docx.add_table(rows=1, cols=2)
    table.style = b.docx.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    widths = (Mm(_ZH_MM), Mm(_TEXT_MM - _ZH_MM))
    for column, width in zip(table.columns, widths):
        column.width = width
    _cell_margins(table, top=40, bottom=40)
    header = table.rows[0]
    _repeat_header(header._tr)
    for cell, width, (label, cjk) in zip(header.cells, widths,
                                         (("中文", b.cjk), ("English", None))):
        cell.width = width
        _shade(cell, _HEADER_FILL)
        _cell_paragraph(cell).append(_run(label, bold=True, cjk=cjk))
    # Rows are copied from two prototypes: python-docx's add_row()/cells walk the whole table
    # each time, which made a long transcript quadratic (100× the sample: minutes).
    body_row = table.add_row()
    for cell, width in zip(body_row.cells, widths):
        cell.width = width
        _cell_paragraph(cell)
    heading_row = table.add_row()
    merged = heading_row.cells[0].merge(heading_row.cells[1])
    merged.width = widths[0] + widths[1]
    _shade(merged, _HEADING_FILL)
    heading_paragraph = merged.paragraphs[0]
    heading_paragraph.style = b.docx.styles["Heading 2"]
    heading_paragraph.paragraph_format.space_before = Pt(2)
    heading_paragraph.paragraph_format.space_after = Pt(2)
    tbl = table._tbl
    body_tr, heading_tr = body_row._tr, heading_row._tr
    tbl.remove(body_tr)
    tbl.remove(heading_tr)
    first_row = len(tbl)
    for section in doc.sections:
        if section.number or section.title is not None:
            tr = deepcopy(heading_tr)
            tbl.append(tr)
            b.heading(tr.tc_lst[0].p_lst[0], section, ("zh", "en"))
        for para in section.paragraphs:
            tr = deepcopy(body_tr)
            tbl.append(tr)
            for tc, lang in zip(tr.tc_lst, ("zh", "en")):
                p = tc.p_lst[0]
                _list_format(p, para.kind, b.bullets)
                b.paragraph(p, para, lang)
            b.spill.maybe(tbl, first_row)
    b.save(path)


def write_english_docx(doc: Document, path: Path) -> None:
    """The English text alone: title, source, numbered section headings, speaker turns."""
    b = _Builder(doc, parallel=False, size_pt=11)
    _page(b.docx, side_mm=25, top_mm=25)
    b.title(("en",))
    b.front_matter("Source: ")
    for section in doc.sections:
        if section.number or section.title is not None:
            b.heading(b.add_paragraph(style="Heading 1")._p, section, ("en",))
        for para in section.paragraphs:
            if para.kind == ParagraphKind.TABLE:
                b.table(para)
                continue
            paragraph = b.add_paragraph()
            _list_format(paragraph._p, para.kind, b.bullets)
            b.paragraph(paragraph._p, para, "en")
            b.spill.maybe(b.body_element, 0, -1)  # all but the closing w:sectPr
    b.save(path)


def _cell_paragraph(cell: _Cell, kind: str = "body") -> etree._Element:
    """A table cell's paragraph with a fixed line pitch, so the lines of both columns share
    baselines (CJK faces are taller than Latin ones; auto spacing drifts apart)."""
    paragraph = cell.paragraphs[0]
    paragraph.paragraph_format.space_after = Pt(2)
    paragraph.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    paragraph.paragraph_format.line_spacing = Pt(_LINE_PT)
    return paragraph._p


def _list_format(p: etree._Element, kind: str, num_id: int) -> None:
    """A list item is a real Word list paragraph: the List Bullet style (which readers, ours
    included, recognise as a list) and the bullet numbering, so Word, LibreOffice and pandoc
    show a bullet that is not part of the text."""
    if kind != "list_item":
        return
    ppr = p.get_or_add_pPr()
    ppr.style = "ListBullet"
    numpr = ppr.get_or_add_numPr()
    numpr.get_or_add_ilvl().val = 0
    numpr.get_or_add_numId().val = num_id


def _bullet_numbering(document: DocxDocument) -> int:
    """The numId of the List Bullet style's list, its level 0 set to a "•" in the Latin font:
    the template's Symbol-font bullet (U+F0B7) shows as a box where Symbol is missing."""
    style = document.styles["List Bullet"].element
    num_id = style.pPr.numPr.numId.val
    numbering = document.part.numbering_part.element
    abstract_id = numbering.num_having_numId(num_id).abstractNumId.val
    lvl = numbering.xpath(f"w:abstractNum[@w:abstractNumId='{abstract_id}']/w:lvl[@w:ilvl='0']")[0]
    lvl.find(qn("w:numFmt")).set(qn("w:val"), "bullet")
    lvl.find(qn("w:lvlText")).set(qn("w:val"), "•")
    fonts = lvl.find(qn("w:rPr")).find(qn("w:rFonts"))
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), LATIN_FONT)
    return num_id


def write_parallel(doc: Document, path: Path, review: Review, options: Options) -> None:
    write_parallel_docx(doc, path, source_script=options.source_script or doc.script)


def write_english(doc: Document, path: Path, review: Review, options: Options) -> None:
    write_english_docx(doc, path)
