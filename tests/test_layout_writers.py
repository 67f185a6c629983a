"""Metadata, code and tables reach the editions: code verbatim, tables as tables, metadata as
one source line (never as translated body text)."""
from __future__ import annotations

import docx

from pipeline.model import ParagraphKind
from pipeline.readers import read_document
from pipeline.writers.docx_writer import write_english_docx, write_parallel_docx
from pipeline.writers.markdown import english_markdown, parallel_markdown
from tests.test_corpus import CORPUS


def test_code_and_tables_in_markdown_editions():
    doc = read_document(CORPUS / "readme-chatglm2.md")
    # pretend MT: every segment gets an English target, code stays untouched
    for seg in doc.segments():
        seg.target = f"EN-{seg.source}"
    en = english_markdown(doc)
    assert "```python\n# 按需修改，目前只支持 4/8 bit 量化\n" in en  # verbatim, not translated
    assert "EN-按需修改" not in en
    assert "| EN-Model | EN-推理速度 (字符/秒) |\n|---|---|\n| EN-ChatGLM-6B | EN-31.49 |" in en
    par = parallel_markdown(doc)
    assert "| Model | 推理速度 (字符/秒) |" in par and "| EN-Model | EN-推理速度 (字符/秒) |" in par
    assert par.count("# 按需修改") == 1  # code shown once, not in both columns
    assert "### EN-MMLU" in en  # a level-2 section


def test_code_and_tables_in_docx_editions(tmp_path):
    doc = read_document(CORPUS / "readme-chatglm2.md")
    write_english_docx(doc, tmp_path / "en.docx")
    write_parallel_docx(doc, tmp_path / "par.docx")
    en = docx.Document(tmp_path / "en.docx")
    assert len(en.tables) == 2
    assert [c.text for c in en.tables[1].rows[1].cells] == ["ChatGLM-6B", "31.49"]
    assert any(p.text.startswith("git clone https://github.com/THUDM/ChatGLM2-6B\ncd")
               for p in en.paragraphs)
    cells = [c.text for row in docx.Document(tmp_path / "par.docx").tables[0].rows
             for c in row.cells]
    assert any("Model | 推理速度 (字符/秒)\nChatGLM-6B | 31.49" in c for c in cells)


def test_metadata_is_a_source_line_not_body(tmp_path):
    doc = read_document(CORPUS / "omnivore-jensen-transformer.md")
    en = english_markdown(doc)
    assert ("Source: <https://mp.weixin.qq.com/s/bL2fC69oWg9CxN2gt1Jl6A> · Author: AI 科技大本营"
            " · Date: 2024-03-21 00:08:00") in en
    assert en.count("王轶群") == 0 and "date_saved" not in en
    write_english_docx(doc, tmp_path / "en.docx")
    first = [p.text for p in docx.Document(tmp_path / "en.docx").paragraphs[:3]]
    assert any("Author: AI 科技大本营" in t for t in first)
    assert all(p.kind != ParagraphKind.CODE or not p.segments
               for s in doc.sections for p in s.paragraphs)


def test_segment_json_round_trip_keeps_code_tables_and_metadata():
    import json

    from pipeline.writers.json_doc import document_from_dict, document_to_dict

    for name in ("readme-chatglm2.md", "omnivore-jensen-transformer.md"):
        doc = read_document(CORPUS / name)
        again = document_from_dict(json.loads(json.dumps(document_to_dict(doc))))
        assert again.metadata == doc.metadata
        assert english_markdown(again) == english_markdown(doc)
        assert parallel_markdown(again) == parallel_markdown(doc)
