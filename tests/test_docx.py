"""The two DOCX editions and the parallel round trip, checked on real files.

Each file is re-read three ways: raw OOXML (lxml), python-docx and docx2python, and, where
LibreOffice is installed, rendered to PDF, because a footnote Word accepts can still be
mis-paired by LibreOffice.
"""
from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Callable

import docx
import pytest
from docx2python import docx2python
from lxml import etree

from pipeline.errors import BitextError
from pipeline.stages.inline import place
from pipeline.model import Document, Note, Segment
from pipeline.readers import read_document
from pipeline.readers.docx_parallel import (bookmark_name, parse_bookmark_name,
                                            read_parallel_docx)
from pipeline.script import to_traditional
from pipeline.writers.common import footnote_numbers, target_text
from pipeline.writers.docx_footnotes import CT_FOOTNOTES, FootnotesPart, footnotes_part
from pipeline.writers.docx_writer import write_english_docx, write_parallel_docx
from tests.conftest import SAMPLE

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}
SPEAKERS = {"张鹏": "Zhang Peng", "姜大昕": "Jiang Daxin", "杨植麟": "Yang Zhilin", "朱军": "Zhu Jun"}
GLOSS_ANCHOR = "1.3.1"  # before the editor's note: numbering must follow reading order


def w(name: str) -> str:
    return f"{{{W}}}{name}"


def translated() -> Document:
    """The sample with every segment translated and a translator's note added after n1 in
    `doc.notes` but anchored earlier in the text."""
    doc = read_document(SAMPLE)
    for seg in doc.segments():
        seg.target = f"EN {seg.id} text"
        seg.target_spans, _ = place(seg, seg.target)  # a whole bold sentence stays bold
    doc.speaker_names = dict(SPEAKERS)
    doc.segment_index()[GLOSS_ANCHOR].note_ids.append("g1")
    doc.notes.append(Note(id="g1", anchor=GLOSS_ANCHOR, kind="glossary",
                          segment=Segment(id="g1", source="", target="A translator's note.")))
    return doc


def anchor_of(doc: Document, note_id: str) -> str:
    return next(s.id for s in doc.segments() if note_id in s.note_ids)


def part(path: Path, name: str) -> etree._Element:
    with zipfile.ZipFile(path) as zf:
        return etree.fromstring(zf.read(name))


def rows_of(path: Path) -> list[etree._Element]:
    return part(path, "word/document.xml").find(".//w:tbl", NS).findall("w:tr", NS)


def bookmarked_runs(root: etree._Element, name: str) -> list[etree._Element]:
    """The runs between bookmarkStart `name` and its bookmarkEnd (same paragraph)."""
    start = root.find(f".//w:bookmarkStart[@w:name='{name}']", NS)
    assert start is not None, f"no bookmark {name}"
    bid, runs = start.get(w("id")), []
    for el in start.itersiblings():
        if el.tag == w("bookmarkEnd") and el.get(w("id")) == bid:
            return runs
        if el.tag == w("r"):
            runs.append(el)
    raise AssertionError(f"bookmark {name} not closed in its paragraph")


@pytest.fixture(scope="module")
def doc() -> Document:
    return translated()


@pytest.fixture(scope="module")
def files(doc: Document, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("docx")
    paths = {"parallel": out / "parallel.docx", "english": out / "english.docx",
             "traditional": out / "traditional.docx"}
    write_parallel_docx(doc, paths["parallel"])
    write_english_docx(doc, paths["english"])
    write_parallel_docx(doc, paths["traditional"], source_script="traditional")
    return paths


# ---------------------------------------------------------------------------- table layout


def test_parallel_table_has_a_row_per_paragraph_and_heading(doc, files):
    table = docx.Document(str(files["parallel"])).tables[0]
    headings = [s for s in doc.sections if s.number or s.title is not None]
    paragraphs = [p for s in doc.sections for p in s.paragraphs]
    assert len(table.columns) == 2
    assert len(table.rows) == 1 + len(headings) + len(paragraphs)
    assert [c.text for c in table.rows[0].cells] == ["中文", "English"]
    trs = rows_of(files["parallel"])  # plain lxml: python-docx's own classes repeat itertext
    assert trs[0].find("w:trPr/w:tblHeader", NS) is not None  # repeats on every page
    row = 1
    for section in doc.sections:
        if section.number or section.title is not None:
            tcs = trs[row].findall("w:tc", NS)
            assert len(tcs) == 1 and tcs[0].find("w:tcPr/w:gridSpan", NS).get(w("val")) == "2"
            text = "".join(tcs[0].itertext())
            assert text.startswith(f"{section.number} · {section.title.display} · ")
            assert text.endswith(target_text(section.title))
            row += 1
        for para in section.paragraphs:
            zh, en = ("".join(tc.itertext()) for tc in trs[row].findall("w:tc", NS))
            assert para.segments[-1].display in zh
            assert target_text(para.segments[-1]) in en
            row += 1


def test_docx2python_sees_the_same_table_and_notes(doc, files):
    with docx2python(files["parallel"]) as result:
        rows = result.body[1]
        footnotes = "\n".join(str(x) for x in result.footnotes)
    assert rows[0] == [["中文"], ["English"]]
    body = [r for r in rows[1:] if r[0] != r[1]]  # merged heading rows repeat their text
    assert len(body) == sum(len(s.paragraphs) for s in doc.sections)
    assert body[0] == [[doc.sections[0].paragraphs[0].segments[0].display], ["EN 0.1.1 text"]]
    assert "A translator's note." in footnotes and "EN n1 text" in footnotes
    assert doc.notes[0].segment.display in footnotes  # Chinese original on the second line


def test_title_source_and_traditional_script(doc, files):
    body = docx.Document(str(files["parallel"])).paragraphs
    assert body[0].style.name == "Title" and body[0].text == doc.title.display
    assert body[1].text == "EN title text"
    assert doc.source_url in "".join(part(files["parallel"], "word/document.xml").itertext())
    trad = part(files["traditional"], "word/document.xml")
    seg = doc.segment_index()["1.3.1"]
    runs = bookmarked_runs(trad, "bs_1_3_1")
    assert "".join(runs[0].itertext()) == to_traditional(seg.display) != seg.display
    assert runs[0].find("w:rPr/w:lang", NS).get(w("eastAsia")) == "zh-TW"


def test_traditional_input_shown_in_either_script(tmp_path):
    doc = translated()
    doc.script = "traditional"
    for seg in doc.segments():
        seg.display = to_traditional(seg.source)
    seg = doc.segment_index()["1.3.1"]
    for script, expected in (("simplified", seg.source), ("traditional", seg.display)):
        path = tmp_path / f"{script}.docx"
        write_parallel_docx(doc, path, source_script=script)
        result = {i: zh for i, zh, _en, *_ in read_parallel_docx(path)}
        assert result["1.3.1"] == expected
    assert seg.source != seg.display
    with pytest.raises(ValueError):
        write_parallel_docx(doc, tmp_path / "x.docx", source_script="cantonese")


# ---------------------------------------------------------------------------- footnotes


@pytest.mark.parametrize("edition", ["parallel", "english"])
def test_every_reference_has_one_note_in_reading_order(doc, files, edition):
    body = part(files[edition], "word/document.xml")
    notes = part(files[edition], "word/footnotes.xml")
    refs = [int(r.get(w("id"))) for r in body.iter(w("footnoteReference"))]
    ids = [int(n.get(w("id"))) for n in notes.findall("w:footnote", NS)]
    assert ids[:2] == [-1, 0]  # separator, continuation separator
    assert refs == ids[2:] == [1, 2]  # one reference per note, ascending as read
    numbers = footnote_numbers(doc)
    assert numbers == {"g1": 1, "n1": 2}
    for note in doc.notes:
        fn = notes.find(f"w:footnote[@w:id='{numbers[note.id]}']", NS)
        text = "".join(fn.itertext())
        assert note.segment.target in text
        assert fn.find(".//w:footnoteRef", NS) is not None
        assert (doc.notes[0].segment.display in text) == (edition == "parallel"
                                                          and note.id == "n1")


@pytest.mark.parametrize("edition", ["parallel", "english"])
def test_package_wiring_for_footnotes(files, edition):
    with zipfile.ZipFile(files[edition]) as zf:
        types = zf.read("[Content_Types].xml").decode()
        rels = zf.read("word/_rels/document.xml.rels").decode()
        raw = zf.read("word/footnotes.xml").decode()
    assert 'PartName="/word/footnotes.xml"' in types and "footnotes+xml" in types
    assert "relationships/footnotes" in rels and 'Target="footnotes.xml"' in rels
    assert 'xmlns:r="' in raw
    styles = part(files[edition], "word/styles.xml")
    ids = {s.get(w("styleId")) for s in styles.findall("w:style", NS)}
    assert {"FootnoteText", "FootnoteReference"} <= ids
    ref_style = styles.find("w:style[@w:styleId='FootnoteReference']", NS)
    assert ref_style.find("w:rPr/w:vertAlign", NS).get(w("val")) == "superscript"
    settings = part(files[edition], "word/settings.xml")
    names = [etree.QName(c).localname for c in settings]
    assert names.index("footnotePr") < names.index("compat")


def test_reference_sits_in_the_english_cell_after_its_segment(doc, files):
    body = part(files["parallel"], "word/document.xml")
    numbers = footnote_numbers(doc)
    for note in doc.notes:
        anchor = anchor_of(doc, note.id)
        ref = body.find(f".//w:footnoteReference[@w:id='{numbers[note.id]}']", NS)
        tc = next(a for a in ref.iterancestors(w("tc")))
        tr = tc.getparent()
        assert tr.index(tc) == tr.index(tr.findall("w:tc", NS)[1])  # the English column
        run = ref.getparent()
        # inside the English segment's bookmark, right after the term the note explains
        start = body.find(f".//w:bookmarkStart[@w:name='{bookmark_name('bt', anchor)}']", NS)
        siblings = list(run.getparent())
        end = next(e for e in siblings if e.tag == w("bookmarkEnd")
                   and e.get(w("id")) == start.get(w("id")))
        # inside the bookmark after its term, or (a mark at the segment's end) right after it
        assert (siblings.index(start) < siblings.index(run) < siblings.index(end)
                or siblings.index(run) == siblings.index(end) + 1)
        before = "".join("".join(e.itertext()) for e in siblings[siblings.index(start):
                                                                 siblings.index(run)])
        if note.term and note.target_offset is not None:
            assert before.rstrip(",0123456789").lower().endswith(note.term.lower()[-4:])
        # the Chinese cell shows the same number as plain superscript text, no second note
        zh = tr.findall("w:tc", NS)[0]
        assert zh.find(".//w:footnoteReference", NS) is None
        marks = [r for r in zh.iter(w("r"))
                 if r.find("w:rPr/w:rStyle[@w:val='FootnoteReference']", NS) is not None]
        assert ["".join(m.itertext()) for m in marks] == [str(numbers[note.id])]
        zh_end = marks[0].getprevious()
        zh_start = body.find(f".//w:bookmarkStart[@w:name='{bookmark_name('bs', anchor)}']",
                             NS)
        assert zh_end.get(w("id")) == zh_start.get(w("id"))


def test_unanchored_note_is_still_referenced(tmp_path):
    doc = translated()
    doc.notes.append(Note(id="g2", anchor="nowhere", kind="glossary",
                          segment=Segment(id="g2", source="", target="Floating note.")))
    path = tmp_path / "p.docx"
    write_parallel_docx(doc, path)
    refs = [int(r.get(w("id"))) for r in part(path, "word/document.xml").iter(
        w("footnoteReference"))]
    notes = part(path, "word/footnotes.xml").findall("w:footnote", NS)
    assert refs == [1, 2, 3] and len(notes) == 5
    assert "Floating note." in "".join(notes[-1].itertext())


def test_no_notes_no_footnotes_part(tmp_path):
    doc = translated()
    doc.notes = []
    for seg in doc.segments():
        seg.note_ids = []
    write_english_docx(doc, tmp_path / "e.docx")
    with zipfile.ZipFile(tmp_path / "e.docx") as zf:
        assert "word/footnotes.xml" not in zf.namelist()


def test_reopened_footnotes_part_is_xml_and_not_duplicated(files):
    document = docx.Document(str(files["english"]))
    rel = next(r for r in document.part.rels.values() if r.reltype.endswith("/footnotes"))
    assert isinstance(rel.target_part, FootnotesPart)
    fp = footnotes_part(document)
    assert fp is rel.target_part and fp.footnote_ids() == [1, 2]
    assert len(fp.element.findall(w("footnote"))) == 4  # separators not added twice
    with pytest.raises(ValueError):
        fp.add_footnote(2)


def test_footnotes_loaded_as_a_blob_are_reparsed(files, tmp_path, monkeypatch):
    """A package opened before our part class was registered holds the notes as bytes."""
    from docx.opc.part import PartFactory, XmlPart

    monkeypatch.delitem(PartFactory.part_type_for, CT_FOOTNOTES)
    document = docx.Document(str(files["english"]))
    monkeypatch.undo()
    rel = next(r for r in document.part.rels.values() if r.reltype.endswith("/footnotes"))
    assert not isinstance(rel.target_part, XmlPart)
    fp = footnotes_part(document)
    assert isinstance(fp, FootnotesPart) and rel.target_part is fp
    assert fp.footnote_ids() == [1, 2]
    fp.add_footnote(3)
    document.save(str(tmp_path / "again.docx"))
    ids = [n.get(w("id")) for n in part(tmp_path / "again.docx", "word/footnotes.xml")]
    assert ids == ["-1", "0", "1", "2", "3"]


def test_table_properties_in_schema_order(files):
    tbl_pr = part(files["parallel"], "word/document.xml").find(".//w:tbl/w:tblPr", NS)
    names = [etree.QName(c).localname for c in tbl_pr]
    assert names.index("tblLayout") < names.index("tblCellMar") < names.index("tblLook")
    with zipfile.ZipFile(files["parallel"]) as zf:
        assert not any("thumbnail" in n for n in zf.namelist())


# ---------------------------------------------------------------------------- fonts, bold


@pytest.mark.parametrize("edition,font,lang", [
    ("parallel", "Noto Serif CJK SC", "zh-CN"), ("english", "Noto Serif CJK SC", "zh-CN"),
    ("traditional", "Noto Serif CJK TC", "zh-TW")])
def test_east_asian_font_on_styles(files, edition, font, lang):
    styles = part(files[edition], "word/styles.xml")
    targets = [styles.find("w:docDefaults/w:rPrDefault/w:rPr", NS)] + [
        styles.find(f"w:style[@w:styleId='{sid}']/w:rPr", NS)
        for sid in ("Normal", "Title", "Heading1", "Heading2")]
    for rpr in targets:
        fonts = rpr.find("w:rFonts", NS)
        assert fonts.get(w("eastAsia")) == font
        assert fonts.get(w("eastAsiaTheme")) is None  # or the theme font would win
        assert rpr.find("w:lang", NS).get(w("eastAsia")) == lang
    font_table = part(files[edition], "word/fontTable.xml")
    assert font_table.find(f"w:font[@w:name='{font}']/w:altName", NS) is not None


def test_east_asian_font_on_chinese_runs(doc, files):
    body = part(files["parallel"], "word/document.xml")
    starts = [b.get(w("name")) for b in body.iter(w("bookmarkStart"))]
    chinese = [n for n in starts if n.startswith("bs_")]
    note_ids = {n.id for n in doc.notes}
    assert len(chinese) == sum(1 for s in doc.segments() if s.id not in note_ids)
    for name in chinese:
        for run in bookmarked_runs(body, name):
            if run.find("w:rPr/w:rStyle[@w:val='FootnoteReference']", NS) is not None:
                continue  # a note mark after a term, not Chinese text
            assert run.find("w:rPr/w:rFonts", NS).get(w("eastAsia")) == "Noto Serif CJK SC"
            assert run.find("w:rPr/w:lang", NS).get(w("eastAsia")) == "zh-CN"
    for run in bookmarked_runs(body, "bt_1_3_1"):
        assert run.find("w:rPr/w:lang", NS) is None  # English runs stay Latin


def _is_bold(run) -> bool:
    return run.find("w:rPr/w:b", NS) is not None


def test_speaker_labels_and_emphasis_bold(doc, files):
    trs = rows_of(files["parallel"])
    english = part(files["english"], "word/document.xml").findall("w:body/w:p", NS)
    by_text = {"".join(p.itertext()): p for p in english}
    row = 1
    checked = 0
    for section in doc.sections:
        row += 1 if (section.number or section.title is not None) else 0
        for para in section.paragraphs:
            zh_tc, en_tc = trs[row].findall("w:tc", NS)
            first_zh, first_en = zh_tc.find(".//w:r", NS), en_tc.find(".//w:r", NS)
            if para.turn_start and para.speaker:
                name = SPEAKERS[para.speaker]
                assert "".join(first_zh.itertext()) == f"{para.speaker}："
                assert "".join(first_en.itertext()) == f"{name}: "
                assert _is_bold(first_zh) and _is_bold(first_en)
                en_p = next(p for t, p in by_text.items() if t.startswith(f"{name}: EN {para.id}."))
                label = en_p.find("w:r", NS)
                assert "".join(label.itertext()) == f"{name}: " and _is_bold(label)
                checked += 1
            row += 1
    assert checked > 20
    body = part(files["parallel"], "word/document.xml")
    from pipeline.spans import covers_all

    emphasised = [s for s in doc.body_segments()
                  if s.spans and all(covers_all(s.source, x) for x in s.spans)]
    plain = [s for s in doc.body_segments() if not s.spans]
    assert emphasised and plain
    for seg, bold in ((emphasised[0], True), (plain[0], False)):
        for prefix in ("bs", "bt"):
            runs = bookmarked_runs(body, bookmark_name(prefix, seg.id))
            assert all(_is_bold(r) == bold for r in runs)


# ---------------------------------------------------------------------------- determinism


@pytest.mark.parametrize("writer", [write_parallel_docx, write_english_docx])
def test_same_input_same_bytes(doc, tmp_path, writer):
    writer(doc, tmp_path / "a.docx")
    writer(translated(), tmp_path / "b.docx")
    assert (tmp_path / "a.docx").read_bytes() == (tmp_path / "b.docx").read_bytes()
    assert not list(tmp_path.glob(".*.tmp"))  # atomic write left nothing behind


# ---------------------------------------------------------------------------- round trip


def test_bookmark_names_are_reversible():
    for seg_id in ("title", "3.t", "2.14.3", "n1", "g1", "10.24.12"):
        for prefix in ("bs", "bt"):
            name = bookmark_name(prefix, seg_id)
            assert len(name) <= 40 and re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", name)
            assert parse_bookmark_name(name) == (prefix, seg_id)
    for bad in ("a_b", "1..2", "", "x" * 40, "a-b"):
        with pytest.raises(ValueError):
            bookmark_name("bt", bad)
    assert parse_bookmark_name("_GoBack") is None


def _rezip(src: Path, dst: Path, edits: dict[str, Callable[[etree._Element], None]]) -> None:
    """Copy a DOCX, passing chosen members' parsed XML through an edit (an editor's save)."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename in edits:
                root = etree.fromstring(data)
                edits[info.filename](root)
                data = etree.tostring(root, xml_declaration=True, encoding="UTF-8",
                                      standalone=True)
            zout.writestr(info, data)


def test_round_trip_reads_back_edited_text(doc, files, tmp_path):
    original = read_parallel_docx(files["parallel"])
    # text and formatting both come back: the bold questions are spans on both sides
    expected = [(s.id, s.display, target_text(s), tuple(s.spans), tuple(s.target_spans))
                for s in doc.segments()]
    assert any(e[3] and e[4] for e in expected)
    expected_order = [e[0] for e in expected]
    assert [o[0] for o in original] == expected_order  # glossary notes are not segments
    assert original == expected
    assert "g1" not in expected_order

    def edit_body(root: etree._Element) -> None:
        runs = bookmarked_runs(root, "bt_2_3_1")
        runs[0].find("w:t", NS).text = "Edited by a human "
        extra = etree.SubElement(runs[0].getparent(), w("r"))
        runs[0].addnext(extra)  # an editor's bold word becomes a second run in the bookmark
        etree.SubElement(etree.SubElement(extra, w("rPr")), w("b"))
        etree.SubElement(extra, w("t")).text = "translator."

    def edit_notes(root: etree._Element) -> None:
        bookmarked_runs(root, "bt_n1")[0].find("w:t", NS).text = "System 1 and System 2."

    edited = tmp_path / "edited.docx"
    _rezip(files["parallel"], edited, {"word/document.xml": edit_body,
                                       "word/footnotes.xml": edit_notes})
    result = {seg_id: (zh, en) for seg_id, zh, en, *_ in read_parallel_docx(edited)}
    assert result["2.3.1"] == (doc.segment_index()["2.3.1"].display,
                               "Edited by a human translator.")
    assert result["n1"][1] == "System 1 and System 2."
    for seg_id, zh, en, *_ in expected:
        if seg_id not in ("2.3.1", "n1"):
            assert result[seg_id] == (zh, en)


def test_round_trip_ignores_note_marks(doc, files):
    result = {seg_id: (zh, en) for seg_id, zh, en, *_ in read_parallel_docx(files["parallel"])}
    anchor = anchor_of(doc, "n1")
    assert result[anchor] == (doc.segment_index()[anchor].display, f"EN {anchor} text")


def test_round_trip_traditional(doc, files):
    result = {seg_id: zh for seg_id, zh, _en, *_ in read_parallel_docx(files["traditional"])}
    assert result["1.3.1"] == to_traditional(doc.segment_index()["1.3.1"].display)


# ---------------------------------------------------------------------------- bad input


def test_not_a_zip(tmp_path):
    path = tmp_path / "fake.docx"
    path.write_text("just text, not a zip")
    with pytest.raises(BitextError, match="not a valid zip"):
        read_parallel_docx(path)


def test_zip_bomb(tmp_path):
    path = tmp_path / "bomb.docx"
    chunk = bytes(1024 * 1024)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        with zf.open("word/document.xml", "w") as fh:
            for _ in range(300):
                fh.write(chunk)
    assert path.stat().st_size < 2 * 1024 * 1024
    with pytest.raises(BitextError, match="zip bomb"):
        read_parallel_docx(path)


def test_plain_docx_without_bookmarks(tmp_path):
    path = tmp_path / "plain.docx"
    plain = docx.Document()
    plain.add_paragraph("你好 hello")
    plain.save(str(path))
    with pytest.raises(BitextError, match="not a bitext parallel export"):
        read_parallel_docx(path)


def test_english_edition_is_not_a_parallel_export(files):
    with pytest.raises(BitextError, match="not a bitext parallel export"):
        read_parallel_docx(files["english"])


def test_zip_without_document_and_missing_file(tmp_path):
    path = tmp_path / "other.docx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("hello.txt", "hi")
    with pytest.raises(BitextError, match="no word/document.xml"):
        read_parallel_docx(path)
    with pytest.raises(BitextError, match="no such file"):
        read_parallel_docx(tmp_path / "missing.docx")


def test_entities_are_not_expanded(files, tmp_path):
    path = tmp_path / "entity.docx"
    buf = io.BytesIO()
    with zipfile.ZipFile(files["parallel"]) as zin, zipfile.ZipFile(buf, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "word/document.xml":
                data = data.replace(b"<w:document", b'<!DOCTYPE d [<!ENTITY x SYSTEM '
                                    b'"file:///etc/passwd">]><w:document', 1)
                data = data.replace(b">EN 0.1.1 text<", b">&x;<", 1)
            zout.writestr(info, data)
    path.write_bytes(buf.getvalue())
    # refused outright, like every other XML input: nothing of /etc/passwd can leak
    with pytest.raises(BitextError, match="entities") as refused:
        read_parallel_docx(path)
    assert "root:" not in str(refused.value)


# ---------------------------------------------------------------------------- LibreOffice


def test_libreoffice_renders_notes_and_chinese(doc, files, tmp_path):
    soffice = shutil.which("soffice")
    if soffice is None or shutil.which("pdftotext") is None:
        pytest.skip("LibreOffice not installed: the render check needs soffice and pdftotext")
    profile = (tmp_path / "lo-profile").as_uri()
    subprocess.run([soffice, f"-env:UserInstallation={profile}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(files["parallel"])],
                   check=True, capture_output=True, timeout=120)
    pdf = tmp_path / "parallel.pdf"
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True,
                          capture_output=True, text=True, timeout=60).stdout
    pages = text.split("\f")
    assert "A translator's note." in text and "EN n1 text" in text
    assert "信息量很大" in text and "思考，快与慢" in text
    # LibreOffice prints each note at the foot of the page that holds its reference
    anchor = anchor_of(doc, "n1")
    page_of = lambda s: next(i for i, p in enumerate(pages) if s in p)  # noqa: E731
    assert page_of(f"EN {anchor} text") == page_of("EN n1 text")
    assert page_of(f"EN {GLOSS_ANCHOR} text") == page_of("A translator's note.")
