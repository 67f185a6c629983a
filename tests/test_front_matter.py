"""Every edition opens with a front-matter block (original title, source and metadata, what the
English is), labels the original's notes apart from the translator's, and the web page renders
code, tables and section levels like the Markdown edition."""
from __future__ import annotations

import docx
from lxml import html as lxml_html

from pipeline.model import Note, Segment
from pipeline.readers import read_document
from pipeline.writers.docx_writer import write_english_docx, write_parallel_docx
from pipeline.writers.html import english_html, parallel_html
from pipeline.writers.markdown import english_markdown, parallel_markdown
from tests.test_corpus import CORPUS

META = CORPUS / "omnivore-jensen-transformer.md"
URL = "https://mp.weixin.qq.com/s/bL2fC69oWg9CxN2gt1Jl6A"


def _translated(path, origin: str = "mt"):
    doc = read_document(path)
    for seg in doc.segments():
        seg.target, seg.origin = f"EN-{seg.source}", origin
    return doc


def test_front_matter_in_markdown_editions():
    doc = _translated(META)
    title = doc.metadata.title
    assert title and any("\u4e00" <= c <= "\u9fff" for c in title)
    for text in (english_markdown(doc), parallel_markdown(doc)):
        head = text.split("\n\n")[1]  # the paragraph right under the H1
        lines = head.split("\\\n")
        assert lines[0] == f"*Original title:* {title}"
        assert lines[1].startswith(f"Source: <{URL}> · Author: AI 科技大本营 · Date: 2024-03-21")
        assert "English translation of the Chinese original" in lines[2]
        assert "machine-translated and not reviewed" in lines[2]


def test_translation_line_says_where_the_english_came_from():
    doc = _translated(META, origin="tm")
    segs = list(doc.segments())
    segs[0].target, segs[0].origin = None, "none"
    line = english_markdown(doc).split("\n\n")[1].split("\\\n")[-1]
    assert f"{len(segs) - 1} segments from a translation memory" in line
    assert "1 segment left untranslated (shown in Chinese)" in line
    assert "machine-translated" not in line


def test_front_matter_in_docx_editions(tmp_path):
    doc = _translated(META)
    write_english_docx(doc, tmp_path / "en.docx")
    write_parallel_docx(doc, tmp_path / "par.docx")
    for name in ("en.docx", "par.docx"):
        paras = [p.text for p in docx.Document(tmp_path / name).paragraphs[:6]]
        assert f"Original title: {doc.metadata.title}" in paras
        assert any(URL in t and "Author: AI 科技大本营" in t for t in paras)
        assert any(t.startswith("English translation of the Chinese original") for t in paras)


def test_front_matter_in_html_editions():
    doc = _translated(META)
    for page in (english_html(doc), parallel_html(doc)):
        root = lxml_html.fromstring(page)
        lines = [" ".join(p.text_content().split())
                 for p in root.xpath("//header//div[@class='source']/p")]
        assert lines[0] == f"Original title: {doc.metadata.title}"
        assert URL in lines[1] and "Author: AI 科技大本营" in lines[1]
        assert root.xpath(f"//header//a[@href='{URL}']")
        assert lines[2].startswith("English translation of the Chinese original")


def test_note_labels_in_every_writer(tmp_path):
    doc = _translated(META)
    seg = next(iter(doc.body_segments()))
    seg.note_ids += ["n90", "g90"]
    doc.notes += [
        Note(id="n90", anchor=seg.id, kind="editor",
             segment=Segment(id="n90", source="原文的注。", target="The source's own note.")),
        Note(id="g90", anchor=seg.id, kind="glossary", term="Omniverse",
             segment=Segment(id="g90", source="Omniverse", target="NVIDIA's platform."))]
    md = english_markdown(doc)
    assert "*Note in the original:* The source's own note." in md
    assert "*Translator's note:* **Omniverse**: NVIDIA's platform." in md
    assert "Editor's note" not in md
    page = parallel_html(doc)
    assert "<em>Note in the original:</em> The source&#x27;s own note." in page \
        or "<em>Note in the original:</em> The source's own note." in page
    assert "<em>Translator's note:</em> <b>Omniverse</b>: NVIDIA" in page.replace("&#x27;", "'")
    write_english_docx(doc, tmp_path / "en.docx")
    import zipfile
    with zipfile.ZipFile(tmp_path / "en.docx") as zf:
        notes = zf.read("word/footnotes.xml").decode()
    assert "Note in the original: " in notes and "Translator&apos;s note: " in notes \
        or "Translator's note: " in notes
    assert "<w:b/>" in notes.split("Omniverse")[0].rsplit("<w:r>", 1)[-1]


def test_html_renders_code_tables_and_section_levels():
    doc = _translated(CORPUS / "readme-chatglm2.md")
    for page in (english_html(doc), parallel_html(doc)):
        root = lxml_html.fromstring(page)
        code = root.xpath("//pre[@class='code']/code")
        assert any(c.text_content().startswith("# 按需修改，目前只支持 4/8 bit 量化\n")
                   for c in code)
        assert "EN-按需修改" not in page  # code is verbatim, never translated
        tables = root.xpath("//div[contains(@class,'tbl')]/div[@class='en']/table")
        headers = [[" ".join(th.text_content().split()) for th in t.xpath(".//th")]
                   for t in tables]
        speed = tables[headers.index(["EN-Model", "EN-推理速度 (字符/秒)"])]
        first_row = [td.text_content() for td in speed.xpath(".//tr[2]/td")]
        assert first_row == ["EN-ChatGLM-6B", "EN-31.49"]
        assert any("EN-MMLU" in h.text_content() for h in root.xpath("//h3"))
    par = lxml_html.fromstring(parallel_html(doc))
    zh = [[th.text_content() for th in t.xpath(".//th")]
          for t in par.xpath("//div[contains(@class,'tbl')]/div[@class='zh']/table")]
    assert ["Model", "推理速度 (字符/秒)"] in zh
    assert len(par.xpath("//pre[@class='code']")) == len(
        lxml_html.fromstring(english_html(doc)).xpath("//pre[@class='code']"))
