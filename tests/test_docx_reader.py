"""The DOCX reader keeps what Word shows: text in tables and inside hyperlinks; what it does
not take as body (deleted revisions, footnotes, headers) is listed in `dropped`."""
from __future__ import annotations

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


def test_footnotes_of_a_docx_are_listed_not_lost(tmp_path):
    sample = read_document(SAMPLE)
    path = tmp_path / "sample.en.docx"
    write_english_docx(sample, path)
    doc = read_document(path)
    notes = [d.text for d in doc.dropped if d.kind == "not-body"]
    assert any(sample.notes[0].segment.source[:10] in t for t in notes)


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
