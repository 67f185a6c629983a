"""TMX and XLIFF written piece by piece are byte for byte what lxml prints for the whole tree."""
from __future__ import annotations

from pathlib import Path

from lxml import etree

from pipeline.memory.tmx import tmx_bytes, tmx_chunks
from pipeline.readers import read_document
from pipeline.writers.exchange import XliffTargets, document_xliff, xliff_chunks
from pipeline.xmlstream import pretty_chunks

ROOT = Path(__file__).resolve().parents[1]


def _whole_tree(units: list[tuple[str, str]]) -> bytes:
    root = etree.Element("r")
    etree.SubElement(root, "head", a="1")
    body = etree.SubElement(root, "body")
    for uid, text in units:
        etree.SubElement(etree.SubElement(body, "u", id=uid), "t").text = text
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def test_pretty_chunks_equal_the_whole_tree() -> None:
    units = [("1", "大模型 <&> \"引号\""), ("x'y", "English & <b>"), ("3", "")]
    root = etree.Element("r")
    etree.SubElement(root, "head", a="1")
    body = etree.SubElement(root, "body")

    def build(parent, unit):  # noqa: ANN001, ANN202
        element = etree.SubElement(parent, "u", id=unit[0])
        etree.SubElement(element, "t").text = unit[1]
        return element

    streamed = b"".join(pretty_chunks(root, body, units, build))
    assert streamed == _whole_tree(units)
    assert len(body) == 0  # items are freed once written
    assert b"".join(pretty_chunks(root, body, [], build)) == _whole_tree([])


def test_tmx_and_xliff_of_the_sample_are_well_formed_and_complete() -> None:
    doc = read_document(ROOT / "input" / "o1-roundtable.md")
    for seg in doc.segments():
        seg.target, seg.origin = f"EN {seg.id} & <i>", "mt"
    units = [(s.id, s.source, s.target, "") for s in doc.segments()]
    tmx = b"".join(tmx_chunks(units, date="20000101T000000Z", origins=["mt"] * len(units)))
    assert tmx == tmx_bytes(units, date="20000101T000000Z", origins=["mt"] * len(units))
    tree = etree.fromstring(tmx)
    assert [tu.get("tuid") for tu in tree.iter("tu")] == [s.id for s in doc.segments()]
    xlf = b"".join(xliff_chunks(doc, targets=XliffTargets.DRAFT))
    units_xlf = etree.fromstring(xlf).findall(".//{*}trans-unit")
    assert len(units_xlf) == len(units) and units_xlf[0].get("id") == "title"
    assert xlf == document_xliff(doc)
    assert xlf.count(b'xmlns="urn:oasis:names:tc:xliff:document:1.2"') == 1


def test_text_with_a_line_break_falls_back_to_the_whole_tree() -> None:
    units = [("1", "第一行\n第二行", "line one\nline two", "")]
    tmx = tmx_bytes(units)
    segs = [s.text for s in etree.fromstring(tmx).iter("seg")]
    assert segs == ["第一行\n第二行", "line one\nline two"]  # text kept exactly
