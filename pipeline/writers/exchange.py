"""CAT-tool exchange formats: TMX 1.4 and XLIFF 1.2 (write and read back for `bitext import`)."""
from __future__ import annotations

from pathlib import Path

from lxml import etree

from ..errors import BitextError
from ..model import Document
from ..textio import read_bytes
from ..tm import SOURCE_LANG, TARGET_LANG, tmx_bytes
from ..xmlsafe import parse_xml
from .common import needs_review

XLIFF_NS = "urn:oasis:names:tc:xliff:document:1.2"
_STATE = {"tm": "translated", "mt": "needs-review-translation", "aligned": "translated"}


def document_tmx(doc: Document) -> bytes:
    """Every translated segment as a TU; the segment id is the tuid so imports match by id."""
    return tmx_bytes([(s.id, s.source, s.target, s.origin) for s in doc.segments()
                      if s.target and s.origin in ("tm", "mt", "aligned")])


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
            target = etree.SubElement(unit, f"{{{XLIFF_NS}}}target", state=(
                "needs-review-translation" if needs_review(seg)
                else _STATE.get(seg.origin, "needs-translation")))
            target.text = seg.target
        if seg.flags:
            note = etree.SubElement(unit, f"{{{XLIFF_NS}}}note")
            note.set("from", "bitext")
            note.text = "; ".join(seg.flags)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def read_xliff(path: Path) -> list[tuple[str, str, str | None]]:
    """(id, source, target) of each trans-unit; 1.1 and 1.2 namespaces (or none) accepted."""
    root = parse_xml(read_bytes(path), str(path))
    if etree.QName(root).localname != "xliff":
        raise BitextError("not an XLIFF file", path=str(path), hint="give the .xlf bitext wrote")
    out = []
    for unit in root.iter():
        if not isinstance(unit.tag, str) or etree.QName(unit).localname != "trans-unit":
            continue
        source = target = None
        for child in unit:
            if not isinstance(child.tag, str):
                continue
            name = etree.QName(child).localname
            if name == "source":
                source = "".join(child.itertext())
            elif name == "target":
                target = "".join(child.itertext())
        if unit.get("id") and source is not None:
            out.append((unit.get("id"), source, target))
    return out

