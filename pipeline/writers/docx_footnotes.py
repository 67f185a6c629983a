"""Real Word footnotes on top of python-docx's OPC/OXML layer (python-docx has no footnote API).

A footnote needs five things to open cleanly in Word and LibreOffice:

* a `/word/footnotes.xml` part (footnotes content type) related from the document part by a
  FOOTNOTES relationship, whose root declares the `w` and `r` namespaces;
* the separator (`w:id="-1"`) and continuation-separator (`w:id="0"`) notes, listed again in
  `w:footnotePr` of settings.xml;
* the `FootnoteText` paragraph style and `FootnoteReference` (superscript) character style;
* in the body, a `FootnoteReference` run holding `<w:footnoteReference w:id="N"/>`;
* in the note, a first paragraph opening with a `FootnoteReference` run holding `<w:footnoteRef/>`.

LibreOffice pairs notes with references by ascending id, not by matching ids, so callers must
number footnotes 1, 2, 3… in reading order (`pipeline.writers.common.footnote_numbers`).

Importing this module registers `FootnotesPart` for the footnotes content type, so a package
opened afterwards exposes an existing footnotes part as XML instead of an opaque blob.
"""
from __future__ import annotations

from typing import cast

from docx.document import Document as DocxDocument
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.package import OpcPackage
from docx.opc.packuri import PackURI
from docx.opc.part import Part, PartFactory, XmlPart
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.oxml.parser import OxmlElement
from lxml import etree

CT_FOOTNOTES = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
FOOTNOTES_PARTNAME = "/word/footnotes.xml"
TEXT_STYLE = "FootnoteText"
REFERENCE_STYLE = "FootnoteReference"

_SEPARATORS = (
    ("-1", "separator", "w:separator"),
    ("0", "continuationSeparator", "w:continuationSeparator"),
)

# Children of w:settings that the schema puts after w:footnotePr (first found wins).
_SETTINGS_AFTER_FOOTNOTEPR = (
    "w:endnotePr", "w:compat", "w:docVars", "w:rsids", "m:mathPr", "w:attachedSchema",
    "w:themeFontLang", "w:clrSchemeMapping", "w:doNotIncludeSubdocsInStats",
    "w:doNotAutoCompressPictures", "w:forceUpgrade", "w:captions", "w:readModeInkLockDown",
    "w:smartTagType", "sl:schemaLibrary", "w:shapeDefaults", "w:doNotEmbedSmartTags",
    "w:decimalSymbol", "w:listSeparator",
)
_SETTINGS_NS = {
    "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "m": "http://schemas.openxmlformats.org/officeDocument/2006/math",
    "sl": "http://schemas.openxmlformats.org/schemaLibrary/2006/main",
}

_STYLES_XML = (
    f'<w:styles {nsdecls("w")}>'
    f'<w:style w:type="paragraph" w:styleId="{TEXT_STYLE}">'
    '<w:name w:val="footnote text"/><w:basedOn w:val="Normal"/><w:uiPriority w:val="99"/>'
    '<w:unhideWhenUsed/>'
    '<w:pPr><w:spacing w:before="0" w:after="40" w:line="240" w:lineRule="auto"/></w:pPr>'
    '<w:rPr><w:sz w:val="18"/><w:szCs w:val="18"/></w:rPr></w:style>'
    f'<w:style w:type="character" w:styleId="{REFERENCE_STYLE}">'
    '<w:name w:val="footnote reference"/><w:basedOn w:val="DefaultParagraphFont"/>'
    '<w:uiPriority w:val="99"/><w:unhideWhenUsed/>'
    '<w:rPr><w:vertAlign w:val="superscript"/></w:rPr></w:style>'
    '</w:styles>'
)


class FootnotesPart(XmlPart):
    """The `/word/footnotes.xml` part, kept as parsed XML so notes can be added and reloaded."""

    @classmethod
    def new(cls, package: OpcPackage) -> "FootnotesPart":
        """An empty footnotes part holding only the two separator notes Word requires."""
        element = parse_xml(f'<w:footnotes {nsdecls("w", "r")}/>')
        part = cls(PackURI(FOOTNOTES_PARTNAME), CT_FOOTNOTES, element, package)
        part.ensure_separators()
        return part

    def ensure_separators(self) -> None:
        present = {fn.get(qn("w:id")) for fn in self.element.findall(qn("w:footnote"))}
        for index, (fid, kind, tag) in enumerate(_SEPARATORS):
            if fid in present:
                continue
            note = parse_xml(
                f'<w:footnote {nsdecls("w")} w:type="{kind}" w:id="{fid}"><w:p><w:pPr>'
                '<w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr>'
                f'<w:r><{tag}/></w:r></w:p></w:footnote>')
            self.element.insert(index, note)

    def footnote_ids(self) -> list[int]:
        """Ids of the real notes (separators excluded), in part order."""
        return [int(fn.get(qn("w:id"))) for fn in self.element.findall(qn("w:footnote"))
                if int(fn.get(qn("w:id"), "0")) > 0]

    def add_footnote(self, footnote_id: int) -> etree._Element:
        """Append `<w:footnote w:id=N>` with a first FootnoteText paragraph opened by the
        note's own number (`w:footnoteRef`) and a space; return that paragraph for the text."""
        if footnote_id < 1:
            raise ValueError(f"footnote ids start at 1, got {footnote_id}")
        # a set kept beside the XML: scanning every note on each add made N notes quadratic
        # (20k notes: minutes); the part is only grown through here once loaded
        ids: set[int] | None = getattr(self, "_ids", None)
        if ids is None:
            ids = self._ids = set(self.footnote_ids())
        if footnote_id in ids:
            raise ValueError(f"footnote {footnote_id} already exists")
        note = OxmlElement("w:footnote", attrs={qn("w:id"): str(footnote_id)})
        self.element.append(note)
        ids.add(footnote_id)
        paragraph = add_note_paragraph(note)
        ref = _styled_run(REFERENCE_STYLE)
        ref.append(OxmlElement("w:footnoteRef"))
        paragraph.append(ref)
        space = OxmlElement("w:r")
        space.text = " "
        paragraph.append(space)
        return paragraph


PartFactory.part_type_for[CT_FOOTNOTES] = FootnotesPart


def add_note_paragraph(note: etree._Element) -> etree._Element:
    """A further FootnoteText paragraph inside a `w:footnote` (for a second line)."""
    paragraph = OxmlElement("w:p")
    ppr = OxmlElement("w:pPr")
    ppr.append(OxmlElement("w:pStyle", attrs={qn("w:val"): TEXT_STYLE}))
    paragraph.append(ppr)
    note.append(paragraph)
    return paragraph


def footnotes_part(document: DocxDocument) -> FootnotesPart:
    """The document's footnotes part, created (with styles and settings) when missing.

    An existing part loaded before this module registered its class arrives as a plain blob
    `Part`; it is re-parsed and the relationship re-pointed so notes are never lost.
    """
    doc_part = document.part
    for rel in doc_part.rels.values():
        if rel.reltype != RT.FOOTNOTES or rel.is_external:
            continue
        part = rel.target_part
        if not isinstance(part, FootnotesPart):
            part = _reparse(part)
            rel._target = part  # python-docx has no public API to re-point a relationship
            doc_part.rels._target_parts_by_rId[rel.rId] = part
        part.ensure_separators()
        break
    else:
        part = FootnotesPart.new(doc_part.package)
        doc_part.relate_to(part, RT.FOOTNOTES)
    ensure_footnote_styles(document)
    ensure_footnote_settings(document)
    return cast(FootnotesPart, part)


def _reparse(part: Part) -> FootnotesPart:
    return FootnotesPart.load(part.partname, part.content_type, part.blob, part.package)


def ensure_footnote_styles(document: DocxDocument) -> None:
    """Add FootnoteText / FootnoteReference to styles.xml unless the template has them."""
    styles = document.styles.element
    present = {s.get(qn("w:styleId")) for s in styles.findall(qn("w:style"))}
    for style in parse_xml(_STYLES_XML).findall(qn("w:style")):
        if style.get(qn("w:styleId")) not in present:
            styles.append(style)


def ensure_footnote_settings(document: DocxDocument) -> None:
    """`w:footnotePr` naming the separator notes, placed where the schema wants it."""
    settings = document.settings.element
    if settings.find(qn("w:footnotePr")) is not None:
        return
    footnote_pr = OxmlElement("w:footnotePr")
    for fid, _kind, _tag in _SEPARATORS:
        footnote_pr.append(OxmlElement("w:footnote", attrs={qn("w:id"): fid}))
    for tag in _SETTINGS_AFTER_FOOTNOTEPR:
        prefix, local = tag.split(":")
        successor = settings.find(f"{{{_SETTINGS_NS[prefix]}}}{local}")
        if successor is not None:
            successor.addprevious(footnote_pr)
            return
    settings.append(footnote_pr)


def _styled_run(style_id: str) -> etree._Element:
    run = OxmlElement("w:r")
    rpr = OxmlElement("w:rPr")
    rpr.append(OxmlElement("w:rStyle", attrs={qn("w:val"): style_id}))
    run.append(rpr)
    return run


def footnote_reference_run(footnote_id: int) -> etree._Element:
    """The body run that points at footnote `footnote_id` (Word draws the number)."""
    run = _styled_run(REFERENCE_STYLE)
    run.append(OxmlElement("w:footnoteReference", attrs={qn("w:id"): str(footnote_id)}))
    return run


def footnote_mark_run(mark: int | str) -> etree._Element:
    """A superscript number that looks like a reference but is plain text (no second note);
    also the comma between adjacent references."""
    run = _styled_run(REFERENCE_STYLE)
    text = OxmlElement("w:t")
    text.text = str(mark)
    run.append(text)
    return run
