"""The DOCX reader keeps what Word shows: text in tables and inside hyperlinks; footnotes and
endnotes become the document's notes; what it does not take as body (deleted revisions,
headers) is listed in `dropped`."""
from __future__ import annotations

import re
import zipfile
from pathlib import Path

import docx
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn
from docx.oxml.parser import OxmlElement

from pipeline.model import ParagraphKind
from pipeline.readers import read_document
from pipeline.writers.docx_writer import write_english_docx
from tests.conftest import SAMPLE


def _hyperlink(paragraph, url: str, text: str) -> None:
    rid = paragraph.part.relate_to(url, RT.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink", attrs={qn("r:id"): rid})
    run = OxmlElement("w:r")
    t = OxmlElement("w:t")
    t.text = text
    run.append(t)
    link.append(run)
    paragraph._p.append(link)


def test_tables_hyperlinks_and_deleted_text(tmp_path):
    d = docx.Document()
    d.add_heading("报告", level=1)
    p = d.add_paragraph("详情见")
    _hyperlink(p, "https://example.com/a", "官方网站上的说明")
    p.add_run("。")
    table = d.add_table(rows=2, cols=2)
    for (r, c), text in {(0, 0): "模型", (0, 1): "得分", (1, 0): "甲模型", (1, 1): "很高。"}.items():
        table.cell(r, c).text = text
    q = d.add_paragraph("保留的话。")
    deleted = OxmlElement("w:del", attrs={qn("w:id"): "1", qn("w:author"): "x"})
    run = OxmlElement("w:r")
    dt = OxmlElement("w:delText")
    dt.text = "删掉的话"
    run.append(dt)
    deleted.append(run)
    q._p.append(deleted)
    path = tmp_path / "a.docx"
    d.save(path)
    doc = read_document(path)
    body = [s.source for s in doc.body_segments()]
    assert "详情见官方网站上的说明。" in body
    tables = [p for s in doc.sections for p in s.paragraphs if p.kind == ParagraphKind.TABLE]
    assert [[[s.source for s in cell] for cell in row] for row in tables[0].table_rows()] == \
        [[["模型"], ["得分"]], [["甲模型"], ["很高。"]]]
    assert "保留的话。" in body and not any("删掉" in s for s in body)
    assert [(d.kind, d.text) for d in doc.dropped] == [("deleted-revision", "deleted: 删掉的话")]


def test_footnotes_of_our_own_docx_come_back_as_notes(tmp_path):
    """The English DOCX bitext writes carries the sample's notes as real Word footnotes;
    reading it back gives them as notes again, each at the sentence that calls it."""
    sample = read_document(SAMPLE)
    path = tmp_path / "sample.en.docx"
    write_english_docx(sample, path)
    doc = read_document(path)
    assert doc.notes and not [d for d in doc.dropped if d.kind in ("not-body", "orphan-note")]
    assert any(sample.notes[0].segment.source[:10] in n.segment.source for n in doc.notes)
    anchors = {s.id: s for s in doc.text_segments()}
    assert all(n.anchor in anchors and n.id in anchors[n.anchor].note_ids for n in doc.notes)


# -- DOCX footnotes and endnotes: built with python-docx, the notes parts as raw WordprocessingML

_NS = ('xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
       'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"')
_SEPARATORS = ('<w:{k} w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:{k}>'
               '<w:{k} w:type="continuationSeparator" w:id="0"><w:p><w:r>'
               '<w:continuationSeparator/></w:r></w:p></w:{k}>')


def _note_xml(kind: str, notes: dict[int, str]) -> bytes:
    """A footnotes/endnotes part as Word writes it: the two separators, then each note opening
    with its own number mark (`w:footnoteRef`) and a space run. `notes` values are the runs'
    XML (so a test can put bold in)."""
    body = "".join(
        f'<w:{kind} w:id="{i}"><w:p><w:pPr><w:pStyle w:val="{kind.capitalize()}Text"/></w:pPr>'
        f'<w:r><w:rPr><w:rStyle w:val="{kind.capitalize()}Reference"/></w:rPr><w:{kind}Ref/>'
        f'</w:r><w:r><w:t xml:space="preserve"> </w:t></w:r>{runs}</w:p></w:{kind}>'
        for i, runs in notes.items())
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:{kind}s {_NS}>'
            + _SEPARATORS.format(k=kind) + body + f"</w:{kind}s>").encode()


def _run(text: str, bold: bool = False) -> str:
    props = "<w:rPr><w:b/></w:rPr>" if bold else ""
    return f'<w:r>{props}<w:t xml:space="preserve">{text}</w:t></w:r>'


def _reference(paragraph, kind: str, note_id: int, deleted: bool = False) -> None:
    """A `w:footnoteReference` run at the end of the paragraph so far (inside a tracked
    deletion when `deleted`)."""
    run = OxmlElement("w:r")
    props = OxmlElement("w:rPr")
    style = OxmlElement("w:rStyle", attrs={qn("w:val"): f"{kind.capitalize()}Reference"})
    props.append(style)
    run.append(props)
    run.append(OxmlElement(f"w:{kind}Reference", attrs={qn("w:id"): str(note_id)}))
    if deleted:
        wrapper = OxmlElement("w:del", attrs={qn("w:id"): "90", qn("w:author"): "x"})
        wrapper.append(run)
        run = wrapper
    paragraph._p.append(run)


def _with_notes(path, footnotes: dict[int, str], endnotes: dict[int, str]) -> None:
    """Add the notes parts to a saved DOCX, with their content types and relationships."""
    with zipfile.ZipFile(path) as zf:
        parts = {name: zf.read(name) for name in zf.namelist()}
    types, rels = "[Content_Types].xml", "word/_rels/document.xml.rels"
    for kind, notes in (("footnote", footnotes), ("endnote", endnotes)):
        if not notes:
            continue
        parts[f"word/{kind}s.xml"] = _note_xml(kind, notes)
        parts[types] = parts[types].replace(b"</Types>", (
            f'<Override PartName="/word/{kind}s.xml" ContentType="application/vnd.'
            f'openxmlformats-officedocument.wordprocessingml.{kind}s+xml"/></Types>').encode())
        parts[rels] = parts[rels].replace(b"</Relationships>", (
            f'<Relationship Id="rIdBitext{kind}" Type="http://schemas.openxmlformats.org/'
            f'officeDocument/2006/relationships/{kind}s" Target="{kind}s.xml"/>'
            "</Relationships>").encode())
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)


def _noted_docx(path) -> None:
    """Two paragraphs, each with a footnote reference inside its first sentence, and an endnote
    called from the second sentence of the second paragraph. footnotes.xml lists the notes in
    the opposite order to the text, so the order must come from the references."""
    d = docx.Document()
    d.add_heading("模型评测报告", level=1)
    p = d.add_paragraph("我们用了三个基准")
    _reference(p, "footnote", 2)
    p.add_run("。结果见下表。")
    q = d.add_paragraph("第二轮测试更难")
    _reference(q, "footnote", 1)
    q.add_run("。成本也更高")
    _reference(q, "endnote", 1)
    q.add_run("。")
    d.save(path)
    _with_notes(path, {1: _run("第二轮由外部团队设计。"),
                       2: _run("基准包括") + _run("数学", bold=True) + _run("和代码。")},
                {1: _run("成本按二〇二四年价格计算。")})


def test_footnotes_and_endnotes_become_notes_at_the_sentence_that_calls_them(tmp_path):
    from pipeline.model import Mark

    path = tmp_path / "noted.docx"
    _noted_docx(path)
    doc = read_document(path)
    by_id = {s.id: s for s in doc.text_segments()}
    got = [(n.segment.source, by_id[n.anchor].source, n.kind, n.label) for n in doc.notes]
    assert got == [
        ("基准包括数学和代码。", "我们用了三个基准。", "editor", "footnote"),
        ("第二轮由外部团队设计。", "第二轮测试更难。", "editor", "footnote"),
        ("成本按二〇二四年价格计算。", "成本也更高。", "editor", "endnote"),
    ]
    assert all(by_id[n.anchor].note_ids == [n.id] for n in doc.notes)
    assert [(s.source, s.note_ids) for s in doc.body_segments() if not s.note_ids] == [
        ("结果见下表。", [])]
    first = doc.notes[0].segment
    assert [(first.source[s.start:s.end], s.mark) for s in first.spans] == [("数学", Mark.BOLD)]
    # the notes are translated like the body (they are segments), and nothing is dropped
    assert [s.source for s in doc.segments()][-3:] == [n.segment.source for n in doc.notes]
    assert doc.dropped == []


def test_a_noted_docx_translates_to_editions_with_the_original_notes(tmp_path):
    from pipeline import cli

    path = tmp_path / "noted.docx"
    _noted_docx(path)
    out = tmp_path / "out"
    code = cli.main(["translate", str(path), "-o", str(out), "--model", "none", "--cache",
                     "none", "--tm", "none", "--formats", "parallel.md,en.docx", "-q"])
    assert code == 3  # no model: left untranslated, editions still written
    md = (out / "noted" / "noted.parallel.md").read_text(encoding="utf-8")
    # each mark right after the sentence holding the reference, numbered in reading order: the
    # Chinese column with superscript numbers, the English (here untranslated) with [^n]
    assert "> 我们用了三个基准。⁽¹⁾结果见下表。\n" in md
    assert "> 第二轮测试更难。⁽²⁾成本也更高。⁽³⁾\n" in md
    assert "> 我们用了三个基准。[^1] 结果见下表。\n" in md
    assert "> 第二轮测试更难。[^2] 成本也更高。[^3]\n" in md
    assert md.endswith(
        # the note keeps its bold in both columns
        "[^1]: *Note in the original:* 基准包括**数学**和代码。 / 基准包括**数学**和代码。\n"
        "[^2]: *Note in the original:* 第二轮由外部团队设计。 / 第二轮由外部团队设计。\n"
        "[^3]: *Note in the original:* 成本按二〇二四年价格计算。 / 成本按二〇二四年价格计算。\n")
    with zipfile.ZipFile(out / "noted" / "noted.en.docx") as zf:
        notes_xml = zf.read("word/footnotes.xml").decode()
        body_xml = zf.read("word/document.xml").decode()
    texts = re.findall(r'<w:footnote w:id="(\d+)">(.*?)</w:footnote>', notes_xml)
    assert [(i, "".join(re.findall(r"<w:t[^>]*>([^<]*)</w:t>", xml))) for i, xml in texts] == [
        ("1", " Note in the original: 基准包括数学和代码。"),
        ("2", " Note in the original: 第二轮由外部团队设计。"),
        ("3", " Note in the original: 成本按二〇二四年价格计算。")]
    assert re.findall(r'w:footnoteReference w:id="(\d+)"', body_xml) == ["1", "2", "3"]


def test_a_footnote_whose_reference_was_deleted_is_listed_not_lost(tmp_path):
    d = docx.Document()
    p = d.add_paragraph("保留的句子")
    _reference(p, "footnote", 1, deleted=True)
    p.add_run("。")
    path = tmp_path / "orphan.docx"
    d.save(path)
    _with_notes(path, {1: _run("这条脚注的引用已被删除。")}, {})
    doc = read_document(path)
    assert doc.notes == [] and [s.note_ids for s in doc.body_segments()] == [[]]
    assert [(x.kind, x.text) for x in doc.dropped] == [
        ("orphan-note", "footnote：这条脚注的引用已被删除。")]


def test_bold_italic_and_links_are_spans_at_their_extent(tmp_path):
    """Word's run properties and hyperlinks become spans over exactly their words, and a
    parallel DOCX written from them shows the same runs bold."""
    from pipeline.model import Mark

    d = docx.Document()
    p = d.add_paragraph("我们认为")
    p.add_run("数据质量").bold = True
    p.add_run("比")
    p.add_run("规模").italic = True
    p.add_run("更重要，详见")
    _hyperlink(p, "https://example.com/paper", "论文")
    p.add_run("。")
    path = tmp_path / "formatted.docx"
    d.save(path)
    seg = next(read_document(path).segments())
    assert seg.source == "我们认为数据质量比规模更重要，详见论文。"
    assert sorted((seg.source[s.start:s.end], s.mark, s.href) for s in seg.spans) == sorted([
        ("数据质量", Mark.BOLD, None), ("规模", Mark.ITALIC, None),
        ("论文", Mark.LINK, "https://example.com/paper")])
def test_references_in_a_heading_and_a_table_cell_find_their_notes(tmp_path):
    """A reference is read wherever Word puts one: a section heading's note goes to the
    section title, a table cell's to the cell's sentence, one that opens a paragraph (before a
    space that is trimmed) to its first sentence."""
    d = docx.Document()
    d.add_paragraph("引言。")
    opening = d.add_paragraph()
    _reference(opening, "footnote", 2)
    opening.add_run(" 开头就有引用。第二句。")
    heading = d.add_heading("方法", level=2)
    _reference(heading, "footnote", 1)
    table = d.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "模型"
    cell = table.cell(0, 1).paragraphs[0]
    cell.add_run("得分很高")
    _reference(cell, "endnote", 1)
    cell.add_run("。")
    path = tmp_path / "places.docx"
    d.save(path)
    _with_notes(path, {1: _run("方法沿用前作。"), 2: _run("引用在段首。")},
                {1: _run("得分为三次平均。")})
    doc = read_document(path)
    by_id = {s.id: s for s in doc.text_segments()}
    assert [(n.segment.source, by_id[n.anchor].source, n.label) for n in doc.notes] == [
        ("引用在段首。", "开头就有引用。", "footnote"), ("方法沿用前作。", "方法", "footnote"),
        ("得分为三次平均。", "得分很高。", "endnote")]
    assert doc.notes[1].anchor == next(s.title.id for s in doc.sections if s.title)
    assert doc.dropped == []


def test_every_han_character_of_a_noted_docx_is_accounted_for(tmp_path):
    """The corpus rule (tests/test_corpus.py) on DOCX: each Han character in the body and in
    the notes parts is in the document's text, its notes or its dropped list; the orphaned
    note's too."""
    from collections import Counter

    from tests.test_corpus import HAN, _accounted

    noted, orphan = tmp_path / "noted.docx", tmp_path / "orphan.docx"
    _noted_docx(noted)
    d = docx.Document()
    p = d.add_paragraph("正文一句")
    _reference(p, "footnote", 1)
    p.add_run("。")
    d.add_paragraph("下一段")
    d.save(orphan)
    _with_notes(orphan, {1: _run("有引用的注。"), 2: _run("没有引用的注。")}, {})
    for path in (noted, orphan):
        with zipfile.ZipFile(path) as zf:
            written = "".join("".join(re.findall(r"<w:t[ >][^<]*", zf.read(name).decode()))
                              for name in zf.namelist() if name.endswith(".xml"))
        doc = read_document(path)
        assert not Counter(HAN.findall(written)) - _accounted(doc), path.name
    assert [n.segment.source for n in doc.notes] == ["有引用的注。"]
    assert [(x.kind, x.text) for x in doc.dropped] == [("orphan-note", "footnote：没有引用的注。")]


def test_the_english_side_of_an_alignment_lists_its_footnotes_apart(tmp_path):
    """`bitext align` pairs running text; an English DOCX's footnotes are listed, not read as
    paragraphs after the body (the Chinese side's notes are reported unpaired likewise)."""
    from pipeline.readers.english import read_english

    d = docx.Document()
    p = d.add_paragraph("We used three benchmarks")
    _reference(p, "footnote", 1)
    p.add_run(". The results follow.")
    path = tmp_path / "english.docx"
    d.save(path)
    _with_notes(path, {1: _run("They cover maths and code.")}, {})
    text = read_english(path)
    assert [b.sentences for b in text.blocks] == [["We used three benchmarks.",
                                                   "The results follow."]]
    assert [(x.kind, x.text) for x in text.dropped] == [("note", "They cover maths and code.")]


FIXTURE = Path(__file__).parent / "fixtures" / "docx_notes"


def _real_docx(path: Path) -> None:
    """The trimmed real parts (fixtures/docx_notes/SOURCES.md) zipped as a DOCX."""
    main = "application/vnd.openxmlformats-officedocument.wordprocessingml"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.'
            'org/package/2006/content-types"><Default Extension="rels" ContentType="application/'
            'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType='
            f'"application/xml"/><Override PartName="/word/document.xml" ContentType="{main}.'
            f'document.main+xml"/><Override PartName="/word/footnotes.xml" ContentType="{main}.'
            'footnotes+xml"/></Types>'))
        zf.writestr("_rels/.rels", (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
            'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="'
            f'{rel}/officeDocument" Target="word/document.xml"/></Relationships>'))
        zf.writestr("word/_rels/document.xml.rels", (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
            'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="'
            f'{rel}/footnotes" Target="footnotes.xml"/></Relationships>'))
        for name in ("document.xml", "footnotes.xml"):
            zf.writestr(f"word/{name}", (FIXTURE / name).read_bytes())


def test_a_real_word_document_keeps_its_footnotes_at_their_sentences(tmp_path):
    """Word's own markup (rsids, styled reference runs, a continuation notice with text, italic
    citations): six footnotes, each anchored to the sentence its reference follows."""
    from pipeline.model import Mark

    path = tmp_path / "order.docx"
    _real_docx(path)
    doc = read_document(path)
    by_id = {s.id: s for s in doc.text_segments()}
    # the text each reference follows, as Word shows it
    before = ["must continue.", "unreasonable discrimination.", "innovations at the edge.",
              "future broadband deployment.”", "content that they don’t like.",
              "providers for priority service."]
    assert len(doc.notes) == len(before)
    for note, end in zip(doc.notes, before):
        assert by_id[note.anchor].source.endswith(end), (note.segment.source, end)
        assert note.label == "footnote" and note.kind == "editor"
    assert [n.segment.source for n in doc.notes][1:4] == [
        "Verizon v. FCC, 740 F.3d 623 (D.C. Cir. 2014).", "Id. at 659.", "Id. at 645."]
    assert doc.notes[0].segment.source.startswith("See, e.g., National Arts and Cultural")
    assert doc.notes[0].segment.source.endswith("(2014 Open Internet NPRM).")
    cite = doc.notes[1].segment
    assert [(cite.source[s.start:s.end], s.mark) for s in cite.spans] == [
        ("Verizon v. FCC", Mark.ITALIC)]
    # Word's continuation texts are page furniture: listed, never notes
    assert [(d.kind, d.text) for d in doc.dropped] == [
        ("not-body", "footnote continuationSeparator: (Continued from previous page)"),
        ("not-body", "footnote continuationNotice: (continued….)")]
