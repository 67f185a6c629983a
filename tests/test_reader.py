"""The sample transcript read into the document model: structure, speakers, notes, furniture."""
from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from pipeline.model import Mark

from pipeline.readers import read_document
from pipeline.script import to_traditional
from tests.conftest import ROOT, SAMPLE

TITLES = {
    "01": "AI 发展的速度太快了",
    "02": "o1 提升了 AI 上限，带来了新范式",
    "03": "推理能力泛化路径还不明确，是一个新的技术变量",
    "04": "新范式对算力的需求会更大",
    "05": "模型输出变慢了，怎么向用户交待？",
    "06": "推理能力会向物理世界落地",
    "07": "谈卡伤感情，没卡没感情",
    "08": "做 AI 应用，找 ChatGPT 的弱点",
    "09": "朱军：18 个月，在 L4 取得进展",
    "10": "杨植麟：开放性的强化学习、自我进化",
    "11": "姜大昕：多模融合，通向世界模型",
}
HAN = re.compile(r"[\u3400-\u9fff]")


def test_title_source_and_sections(sample_doc):
    assert sample_doc.title.source.startswith("o1发布后，信息量最大的圆桌对话")
    assert sample_doc.source_url == "https://mp.weixin.qq.com/s/nqEe8rNnED3-EGZwowPJBg"
    numbered = [s for s in sample_doc.sections if s.number]
    assert {s.number: s.title.source for s in numbered} == TITLES
    lead = sample_doc.sections[0]
    assert lead.number is None and lead.title is None
    assert sum(p.kind == "list_item" for p in lead.paragraphs) == 5


def test_speakers_and_turns(sample_doc):
    assert sample_doc.speakers == ["张鹏", "姜大昕", "杨植麟", "朱军"]
    paras = {p.id: p for s in sample_doc.sections for p in s.paragraphs}
    # bold question form and label-outside-bold form
    assert paras["1.1"].speaker == "张鹏" and paras["1.1"].turn_start
    assert paras["1.1"].segments[0].source.startswith("OpenAI 发布到现在快两年了")
    assert paras["1.3"].speaker == "姜大昕" and paras["1.3"].turn_start
    assert paras["1.3"].segments[0].source.startswith("我觉得过去 18 个月")
    # unlabelled paragraphs continue the turn
    assert paras["1.4"].speaker == "姜大昕" and not paras["1.4"].turn_start
    assert all(p.speaker is None for p in sample_doc.sections[0].paragraphs)
    assert not any(seg.source.startswith(("张鹏：", "姜大昕：", "：")) for seg in sample_doc.body_segments())


def test_editor_note_is_one_note_at_the_marker(sample_doc):
    assert len(sample_doc.notes) == 1
    note = sample_doc.notes[0]
    index = sample_doc.segment_index()
    anchor = index[note.anchor]
    assert "系统 2" in anchor.source and "*" not in anchor.source
    assert anchor.note_ids == [note.id]
    assert note.segment.source.startswith("系统 1、系统 2 来自《思考，快与慢》")
    assert not any("来自《思考，快与慢》" in s.source for s in sample_doc.body_segments())


def _bold_text(seg) -> list[str]:
    return [seg.source[s.start:s.end] for s in seg.spans if s.mark == Mark.BOLD]


def test_bold_kept_at_its_extent(sample_doc):
    index = sample_doc.segment_index()
    assert _bold_text(index["1.1.1"]) == [index["1.1.1"].source]  # the host's bold question
    assert not index["1.3.1"].spans
    # bold that CommonMark leaves literal next to Chinese punctuation (`。**以前`), over a
    # clause: the sentence's "第一，" stays plain
    assert _bold_text(index["2.5.1"]) == ["o1 第一次证明了其实 LLM 可以有人脑的慢思考，也就是系统 2 的能力。"]
    assert not index["2.5.2"].spans
    # bold inside a plain sentence: the claim that gives section 09 its title
    assert _bold_text(index["9.7.1"]) == ["可能在 L4 上也会有显著的进展。"]
    assert _bold_text(index["2.17.1"]) == ["主要意义在于它提升了 AI 的上限"]
    assert not any("**" in s.source for s in sample_doc.segments())


def test_furniture_dropped_and_listed(sample_doc):
    text = "".join(s.source for s in sample_doc.segments())
    for junk in ("cubox", "http", "点击关注", "原创内容", "更多阅读", "Cubox", "转载", "公众号", "Founder Park"):
        assert junk not in text
    kinds = {d.kind for d in sample_doc.dropped}
    assert {"image", "account-card", "related-articles", "repost-notice", "cubox-link",
            "source-line"} <= kinds


def _kept_body_han(path) -> str:
    """The Chinese characters of the body, computed independently from the raw file."""
    raw = path.read_text(encoding="utf-8")
    start = raw.index("在 2024 云栖大会上")
    end = raw.index("*** ** * ** ***", raw.index("做得越来越好"))
    body = raw[start:end]
    body = re.sub(r"!\[[^\]]*\]\([^)]*\)", "", body)
    card = re.search(r"\*\*Founder Park\*\*.*?点击关注，每天更新深度 AI 行业洞察", body, re.S)
    body = body[: card.start()] + body[card.end():]
    body = re.sub(r"^\*\*\d\d\*\*$", "", body, flags=re.M)
    body = re.sub(r"^注：.*$", "", body, flags=re.M)
    body = re.sub(r"^\*\*(张鹏|姜大昕|杨植麟|朱军)(\*\*)?：(?!\*\*$)", "", body, flags=re.M)
    return "".join(HAN.findall(body))


def test_every_body_character_in_exactly_one_segment_in_order(sample_doc):
    body = [s for s in sample_doc.segments() if s.id != "title" and not s.id.startswith("n")]
    produced = "".join("".join(HAN.findall(s.source)) for s in body)
    assert produced == _kept_body_han(SAMPLE)


def test_segment_ids_unique_and_stable(sample_doc):
    ids = [s.id for s in sample_doc.segments()]
    assert len(ids) == len(set(ids))
    again = read_document(SAMPLE)
    assert [s.id for s in again.segments()] == ids


def test_traditional_and_gb18030_copies_give_same_structure(tmp_path, sample_doc):
    raw = SAMPLE.read_text(encoding="utf-8")
    trad = tmp_path / "trad.md"
    trad.write_text(to_traditional(raw), encoding="utf-8")
    gb = tmp_path / "gb.md"
    gb.write_bytes(raw.encode("gb18030"))
    utf16 = tmp_path / "u16.md"
    utf16.write_bytes(raw.encode("utf-16"))
    bom = tmp_path / "bom.md"
    bom.write_bytes(b"\xef\xbb\xbf" + raw.encode())
    ref = [(s.id, s.source) for s in sample_doc.segments()]
    for path in (gb, utf16, bom):
        doc = read_document(path)
        assert [(s.id, s.source) for s in doc.segments()] == ref, path
    tdoc = read_document(trad)
    assert tdoc.script == "traditional"
    assert [s.id for s in tdoc.segments()] == [i for i, _ in ref]
    assert tdoc.speakers == sample_doc.speakers
    seg = tdoc.segment_index()["1.3.1"]
    assert seg.display != seg.source  # original Traditional kept for display
    assert "過去" in seg.display and "过去" in seg.source


def test_plain_text_reader(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("第一段。第二句！\n\n**张鹏：**问题？\n", encoding="utf-8")
    doc = read_document(path)
    segs = [s.source for s in doc.body_segments()]
    assert segs[:2] == ["第一段。", "第二句！"]


def test_docx_reader(tmp_path):
    import docx

    d = docx.Document()
    d.add_heading("标题", level=1)
    d.add_heading("01", level=2)
    d.add_heading("第一节", level=2)
    # a label is a speaker by behaviour: these two alternate (one bold label alone would be
    # a defined term)
    for name, text in (("张鹏：", "你好。再见！"), ("朱军：", "好。"), ("张鹏：", "谢谢。"),
                       ("朱军：", "再会。")):
        p = d.add_paragraph()
        p.add_run(name).bold = True
        p.add_run(text)
    path = tmp_path / "a.docx"
    d.save(path)
    doc = read_document(path)
    assert doc.title.source == "标题"
    assert doc.sections[-1].number == "01" and doc.sections[-1].title.source == "第一节"
    para = doc.sections[-1].paragraphs[0]
    assert para.speaker == "张鹏" and [s.source for s in para.segments] == ["你好。", "再见！"]


def _cli(*args: str, cwd=ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline", *args], capture_output=True,
                          text=True, cwd=cwd, timeout=120)


def test_cli_segment_json_contract():
    result = _cli("segment", str(SAMPLE), "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["title"].startswith("o1发布后") and data["source_url"].startswith("https://")
    assert len(data["sections"]) == 12
    seg = data["sections"][1]["paragraphs"][0]["segments"][0]
    assert set(seg) >= {"id", "source"}
    assert data["notes"][0]["anchor"] == "1.11.1" and data["notes"][0]["source"].startswith("系统 1")
    assert {"kind", "text"} <= set(data["dropped"][0])


def test_cli_segment_readable():
    result = _cli("segment", str(SAMPLE))
    assert result.returncode == 0
    assert "§3 [03] 推理能力泛化路径还不明确" in result.stdout and "姜大昕:" in result.stdout


def _write(path, data):
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    else:
        path.write_bytes(data)
    return path


@pytest.mark.parametrize("make, needle", [
    (lambda d: d / "missing.md", "no such file"),
    (lambda d: d, "is a directory"),
    (lambda d: _write(d / "empty.md", ""), "empty"),
    (lambda d: _write(d / "bin.md", b"\x00\x01\x02binary\x00" * 50), "binary"),
    (lambda d: _write(d / "bad.md", b"\xff\xfa\x80\x81 abc" + b"\x81" * 3), "undecodable"),
    (lambda d: _write(d / "a.pdf", "x"), "unsupported file type"),
    (lambda d: _write(d / "bad.docx", b"PK\x03\x04 not really"), "zip"),
    (lambda d: _write(d / "furniture.md", "![](http://x/a.png)\n\n<br />\n"), "no text"),
])
def test_bad_input_one_line_exit_2(tmp_path, make, needle):
    path = make(tmp_path)
    result = _cli("segment", str(path))
    assert result.returncode == 2
    assert needle in result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1
