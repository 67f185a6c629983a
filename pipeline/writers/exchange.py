"""CAT-tool exchange formats: TMX 1.4 and XLIFF 1.2 (written; read in `pipeline.memory`)."""
from __future__ import annotations

from pathlib import Path

from lxml import etree

from ..model import Document
from ..tm import SOURCE_LANG, TARGET_LANG, tmx_bytes

XLIFF_NS = "urn:oasis:names:tc:xliff:document:1.2"
_STATE = {"tm": "translated", "mt": "needs-review-translation"}


def document_tmx(doc: Document) -> bytes:
    """Every translated segment as a TU; the segment id is the tuid so imports match by id."""
    return tmx_bytes([(s.id, s.source, s.target, s.origin) for s in doc.segments()
                      if s.target and s.origin in ("tm", "mt")])


def document_xliff(doc: Document) -> bytes:
    root = etree.Element(f"{{{XLIFF_NS}}}xliff", nsmap={None: XLIFF_NS}, version="1.2")
    file_el = etree.SubElement(root, f"{{{XLIFF_NS}}}file", original=Path(doc.path).name,
                               datatype="plaintext", **{"source-language": SOURCE_LANG,
                                                        "target-language": TARGET_LANG})
    body = etree.SubElement(file_el, f"{{{XLIFF_NS}}}body")
    for seg in doc.segments():
        unit = etree.SubElement(body, f"{{{XLIFF_NS}}}trans-unit", id=seg.id)
        if seg.origin == "tm":
            unit.set("approved", "yes")
        etree.SubElement(unit, f"{{{XLIFF_NS}}}source").text = seg.source
        if seg.target is not None:
            target = etree.SubElement(unit, f"{{{XLIFF_NS}}}target", state=_STATE.get(
                seg.origin, "needs-translation"))
            target.text = seg.target
        if seg.flags:
            note = etree.SubElement(unit, f"{{{XLIFF_NS}}}note")
            note.set("from", "bitext")
            note.text = "; ".join(seg.flags)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
