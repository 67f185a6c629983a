"""Formatting through the translation memory: bold, italic, links and inline code read from the
inline tags of real tools' TMX and XLIFF, kept at clause level in the English, written back as
tags, and read back from bitext's own files and from an edited XLIFF.

The sample memory's 12 partially bold units are the real data: the expected English clause is
taken from the raw file with a regular expression, not from the reader under test.
"""
from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from lxml import etree

from pipeline.cli import main
from pipeline.glossary.matcher import TermMatcher
from pipeline.glossary.termbase import load_glossary
from pipeline.memory.inline import read_inline
from pipeline.memory.store import load_memory
from pipeline.model import Mark
from pipeline.run import Options, load_tm, translate_file
from pipeline.textio import read_json_object
from pipeline.writers.json_doc import document_from_dict
from tests.conftest import ROOT, SAMPLE

SAMPLE_TM = SAMPLE.with_suffix(".tmx")
SCHEMAS = ROOT.parent.parent / "shared" / "schemas"
if not SCHEMAS.is_dir():
    SCHEMAS = ROOT.parent / "shared" / "schemas"
needs_schemas = pytest.mark.skipif(not SCHEMAS.is_dir(), reason="../shared/schemas not present")
EPOCH = "1700000000"


def _marked(text: str, spans) -> list[tuple[str, str, str | None]]:
    """What each span covers: (text, mark, address)."""
    return [(text[s.start:s.end], s.mark.value, s.href) for s in spans]


def _tagged_clauses(path: Path) -> dict[str, tuple[str, str]]:
    """tuid → (Chinese clause, English clause) between `&lt;b&gt;</bpt>` and `<ept`, read from
    the raw file."""
    raw = path.read_text(encoding="utf-8")
    out = {}
    for tuid, body in re.findall(r'<tu tuid="([^"]+)">(.*?)</tu>', raw, re.S):
        clauses = re.findall(r'type="bold">&lt;b&gt;</bpt>(.*?)<ept', body, re.S)
        if clauses:
            zh, en = (html.unescape(c) for c in clauses)
            out[tuid] = (zh, en)
    return out


# --------------------------------------------------------------------------- the sample memory

@pytest.fixture(scope="module")
def sample_run(tmp_path_factory):
    glossary = load_glossary()
    out = tmp_path_factory.mktemp("inline-tm")
    result = translate_file(SAMPLE, out, glossary=glossary, matcher=TermMatcher(glossary),
                            tm=load_tm([SAMPLE_TM]), engine=None,
                            options=Options(formats=["en.md", "json", "tmx", "xlf", "review.md"]))
    return result, out


def test_sample_memory_units_carry_their_bold_clauses():
    clauses = _tagged_clauses(SAMPLE_TM)
    assert len(clauses) == 12
    tm = load_memory(SAMPLE_TM)
    by_id = {u.tuid: u for u in tm.units}
    for tuid, (zh, en) in clauses.items():
        unit = by_id[tuid]
        assert _marked(unit.source, unit.source_spans) == [(zh.rstrip("。"), "bold", None)] \
            or _marked(unit.source, unit.source_spans) == [(zh, "bold", None)]
        assert _marked(unit.target, unit.target_spans) == [(en, "bold", None)]
        assert not unit.target_codes  # formatting is not a code: no tm-inline-codes flag
        assert "&lt;" not in unit.target and "<b>" not in unit.target


def test_sample_bold_sits_on_the_tagged_english_clause_and_review_is_clean(sample_run):
    result, out = sample_run
    clauses = _tagged_clauses(SAMPLE_TM)
    segs = result.doc.segment_index()
    for tuid, (_, en) in clauses.items():
        seg = segs[tuid]
        assert _marked(seg.target, seg.target_spans) == [(en, "bold", None)], tuid
        assert not [f for f in seg.flags if f.startswith(("inline-uncertain", "tm-inline"))]
    seg = segs["9.7.1"]
    assert _marked(seg.target, seg.target_spans) == [
        ("there may be significant progress on L4 as well.", "bold", None)]
    assert seg.target.startswith("So, to be a little bolder, I even think that in the next 18 "
                                 "months there")
    english = (out / "o1-roundtable.en.md").read_text(encoding="utf-8")
    assert ("So, to be a little bolder, I even think that in the next 18 months **there may be "
            "significant progress on L4 as well.** Here I mainly mean") in english
    assert ("Second, **it opens up a new direction for the scaling law**. ") in english
    assert result.review.clean and not result.review.issues
    review = (out / "o1-roundtable.review.md").read_text(encoding="utf-8")
    assert "- Result: clean" in review and "placed by estimate" not in review


def test_committed_sample_output_has_the_tagged_bold():
    english = (ROOT / "output" / "o1-roundtable" / "o1-roundtable.en.md").read_text(
        encoding="utf-8")
    for _, en in _tagged_clauses(SAMPLE_TM).values():
        assert f"**{en}**" in english or f"**{en.rstrip('.')}**" in english, en
    review = (ROOT / "output" / "o1-roundtable" / "o1-roundtable.review.md").read_text(
        encoding="utf-8")
    assert "- Result: clean" in review


@needs_schemas
def test_sample_exports_carry_the_bold_as_tags_and_read_back(sample_run):
    result, out = sample_run
    tmx, xlf = out / "o1-roundtable.tmx", out / "o1-roundtable.xlf"
    assert etree.DTD(str(SCHEMAS / "tmx14.dtd")).validate(etree.parse(str(tmx)))
    for name in ("xliff-core-1.2-strict.local.xsd", "xliff-core-1.2-transitional.local.xsd"):
        assert etree.XMLSchema(etree.parse(str(SCHEMAS / name))).validate(etree.parse(str(xlf)))
    raw = tmx.read_text(encoding="utf-8")
    assert ('in the next 18 months <bpt i="1" type="bold">&lt;b&gt;</bpt>there may be '
            'significant progress on L4 as well.<ept i="1">&lt;/b&gt;</ept></seg>') in raw
    assert ('in the next 18 months <g id="b1" ctype="bold">there may be significant progress on '
            'L4 as well.</g></target>') in xlf.read_text(encoding="utf-8")
    for path in (tmx, xlf):
        memory = load_memory(path)
        for seg in result.doc.segments():
            unit = memory.get(seg.source)
            assert unit is not None and unit.target == seg.target
            assert list(unit.source_spans) == seg.spans
            assert list(unit.target_spans) == seg.target_spans
            assert not unit.target_codes


# --------------------------------------------------------------------------- real tools' tags

def _tmx(path: Path, units: list[tuple[str, str]]) -> Path:
    body = "".join(f'<tu tuid="{n}"><tuv xml:lang="zh-CN"><seg>{zh}</seg></tuv>'
                   f'<tuv xml:lang="en-US"><seg>{en}</seg></tuv></tu>\n'
                   for n, (zh, en) in enumerate(units, start=1))
    path.write_text('<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4"><header '
                    'creationtool="t" creationtoolversion="1" segtype="sentence" o-tmf="t" '
                    'adminlang="en" srclang="zh-CN" datatype="html"/>'
                    f"<body>\n{body}</body></tmx>\n", encoding="utf-8")
    return path


def test_omegat_short_tags_read_as_bold_and_italic(tmp_path):
    # OmegaT's TMX level 2: the native content is its own short tag, with no type
    tm = load_memory(_tmx(tmp_path / "omegat.tmx", [(
        '点击<bpt i="0" x="0">&lt;b0&gt;</bpt>保存<ept i="0">&lt;/b0&gt;</ept>，然后'
        '<bpt i="1" x="1">&lt;i1&gt;</bpt>关闭<ept i="1">&lt;/i1&gt;</ept>。',
        'Click <bpt i="0" x="0">&lt;b0&gt;</bpt>Save<ept i="0">&lt;/b0&gt;</ept>, then '
        '<bpt i="1" x="1">&lt;i1&gt;</bpt>close<ept i="1">&lt;/i1&gt;</ept>.<ph x="2">'
        '&lt;br2/&gt;</ph>')]))
    unit = tm.get("点击保存，然后关闭。")
    assert unit.target == "Click Save, then close."
    assert _marked(unit.target, unit.target_spans) == [("Save", "bold", None),
                                                       ("close", "italic", None)]
    assert _marked(unit.source, unit.source_spans) == [("保存", "bold", None),
                                                       ("关闭", "italic", None)]
    assert [c.name for c in unit.target_codes] == ["ph"]  # a line break is still a code


def test_typed_tmx_tags_links_word_runs_and_isolated_tags(tmp_path):
    tm = load_memory(_tmx(tmp_path / "trados.tmx", [
        ('请<bpt i="1" type="link">&lt;a href="https://example.com/a?x=1&amp;amp;y=2"&gt;</bpt>'
         '阅读文档<ept i="1">&lt;/a&gt;</ept>。',
         'Please <bpt i="1" type="link">&lt;a href="https://example.com/a?x=1&amp;amp;y=2"&gt;'
         '</bpt>read the documentation<ept i="1">&lt;/a&gt;</ept>.'),
        ('运行<hi type="x-code">make test</hi>命令。',
         'Run the <bpt i="1" type="x-code">&lt;code&gt;</bpt>make test<ept i="1">&lt;/code&gt;'
         '</ept> command.'),
        ('这是<bpt i="1">&lt;w:r&gt;&lt;w:rPr&gt;&lt;w:b/&gt;&lt;w:i/&gt;&lt;/w:rPr&gt;&lt;w:t&gt;'
         '</bpt>重点<ept i="1">&lt;/w:t&gt;&lt;/w:r&gt;</ept>，不是<bpt i="2">&lt;w:r&gt;&lt;w:rPr'
         '&gt;&lt;w:color w:val="FF0000"/&gt;&lt;/w:rPr&gt;&lt;w:t&gt;</bpt>红字<ept i="2">'
         '&lt;/w:t&gt;&lt;/w:r&gt;</ept>。',
         'This is <bpt i="1">&lt;w:r&gt;&lt;w:rPr&gt;&lt;w:b/&gt;&lt;w:i/&gt;&lt;/w:rPr&gt;'
         '&lt;w:t&gt;</bpt>the point<ept i="1">&lt;/w:t&gt;&lt;/w:r&gt;</ept>, not the '
         '<bpt i="2">&lt;w:r&gt;&lt;w:rPr&gt;&lt;w:color w:val="FF0000"/&gt;&lt;/w:rPr&gt;'
         '&lt;w:t&gt;</bpt>red text<ept i="2">&lt;/w:t&gt;&lt;/w:r&gt;</ept>.'),
        ('上一段的结尾<it pos="end" type="bold">&lt;/b&gt;</it>，<bpt i="1" type="ulined">'
         '&lt;u&gt;</bpt>下划线<ept i="1">&lt;/u&gt;</ept>，<bpt i="2" type="bold">&lt;b&gt;'
         '</bpt>没有结束',
         'The end of the last paragraph<it pos="end" type="bold">&lt;/b&gt;</it>,'
         ' <bpt i="1" type="ulined">&lt;u&gt;</bpt>underlined<ept i="1">&lt;/u&gt;</ept>, '
         '<bpt i="2" type="bold">&lt;b&gt;</bpt>never closed'),
    ]))
    link = tm.get("请阅读文档。")
    assert _marked(link.target, link.target_spans) == [
        ("read the documentation", "link", "https://example.com/a?x=1&y=2")]
    code = tm.get("运行make test命令。")
    assert _marked(code.target, code.target_spans) == [("make test", "code", None)]
    assert _marked(code.source, code.source_spans) == [("make test", "code", None)]
    word = tm.get("这是重点，不是红字。")
    assert word.target == "This is the point, not the red text."
    # bold and italic from the run properties; a coloured run is not a mark: still a code
    assert sorted(_marked(word.target, word.target_spans)) == [("the point", "bold", None),
                                                              ("the point", "italic", None)]
    assert [c.name for c in word.target_codes] == ["bpt", "ept"]
    assert "red text" in word.target and "FF0000" not in word.target
    loose = tm.get("上一段的结尾，下划线，没有结束")
    # an isolated end tag: bold from the segment's start; an underline is a code; a bpt
    # without its ept is a code too, never a span running to an arbitrary place
    assert _marked(loose.target, loose.target_spans) == [("The end of the last paragraph",
                                                          "bold", None)]
    assert [c.name for c in loose.target_codes] == ["bpt", "ept", "bpt"]


def _xliff(path: Path, units: str, version: str = "1.2") -> Path:
    if version == "1.2":
        path.write_text('<?xml version="1.0" encoding="UTF-8"?><xliff version="1.2" xmlns="urn:'
                        'oasis:names:tc:xliff:document:1.2"><file original="a.html" '
                        'source-language="zh-CN" target-language="en-US" datatype="html">'
                        f"<body>{units}</body></file></xliff>", encoding="utf-8")
    else:
        path.write_text('<?xml version="1.0" encoding="UTF-8"?><xliff xmlns="urn:oasis:names:tc:'
                        'xliff:document:2.0" version="2.0" srcLang="zh-CN" trgLang="en">'
                        f'<file id="f1">{units}</file></xliff>', encoding="utf-8")
    return path


def test_okapi_style_xliff_12_g_bx_ex_and_bpt(tmp_path):
    tm = load_memory(_xliff(tmp_path / "okapi.xlf",
        '<trans-unit id="1"><source xml:lang="zh-CN">我们<g id="1" ctype="x-bold">非常</g>重视'
        '<bx id="2" rid="1" ctype="italic"/>安全<ex id="3" rid="1"/>。</source>'
        '<target xml:lang="en-US">We take <bx id="2" rid="1" ctype="italic"/>safety<ex id="3" '
        'rid="1"/> <g id="1" ctype="x-bold">very</g> seriously.</target></trans-unit>'
        '<trans-unit id="2"><source>见<bpt id="1" ctype="link">&lt;a href="https://okapi.org/"&gt;'
        '</bpt>官网<ept id="1">&lt;/a&gt;</ept>和<g id="2" ctype="x-html-strong">说明</g>'
        '<g id="3" ctype="x-html-span">。</g></source><target>See the <bpt id="1" ctype="link">'
        '&lt;a href="https://okapi.org/"&gt;</bpt>website<ept id="1">&lt;/a&gt;</ept> and the '
        '<g id="2" ctype="x-html-strong">notes</g><g id="3" ctype="x-html-span">.</g></target>'
        '</trans-unit>'))
    unit = tm.get("我们非常重视安全。")
    assert unit.target == "We take safety very seriously."
    assert sorted(_marked(unit.target, unit.target_spans)) == [("safety", "italic", None),
                                                              ("very", "bold", None)]
    assert not unit.target_codes
    site = tm.get("见官网和说明。")
    assert site.target == "See the website and the notes."
    assert _marked(site.target, site.target_spans) == [
        ("website", "link", "https://okapi.org/"), ("notes", "bold", None)]


def test_xliff_20_pc_sc_ec_and_original_data(tmp_path):
    tm = load_memory(_xliff(tmp_path / "two.xlf",
        '<unit id="u1"><originalData><data id="d1">&lt;code&gt;</data><data id="d2">&lt;/code&gt;'
        '</data></originalData><segment><source>用<pc id="1" type="fmt" subType="xlf:b">加粗</pc>'
        '和<sc id="2" type="fmt" subType="xlf:i"/>斜体<ec startRef="2"/>写<pc id="3" '
        'dataRefStart="d1" dataRefEnd="d2">ls</pc>。</source><target>Write <pc id="1" '
        'type="fmt" subType="xlf:b">bold</pc> and <sc id="2" type="fmt" subType="xlf:i"/>italic'
        '<ec startRef="2"/> with <pc id="3" dataRefStart="d1" dataRefEnd="d2">ls</pc>.</target>'
        '</segment></unit>', version="2.0"))
    unit = tm.get("用加粗和斜体写ls。")
    assert _marked(unit.target, unit.target_spans) == [
        ("bold", "bold", None), ("italic", "italic", None), ("ls", "code", None)]


# --------------------------------------------------------------------------- round trips

DOC = """# 发布说明

他说**这是关键的一步**，然后离开了。

请阅读[这份报告](https://example.com/report?a=1&b=2)，并检查 `config.yaml` 文件。

我们*非常*重视**安全与隐私**。
"""

# a translator's memory in the Trados style (typed bpt/ept), with the document's formatting
MEMORY = [
    ("发布说明", "Release notes"),
    ('他说<bpt i="1" type="bold">&lt;b&gt;</bpt>这是关键的一步<ept i="1">&lt;/b&gt;</ept>，'
     '然后离开了。',
     'He said <bpt i="1" type="bold">&lt;b&gt;</bpt>this is the key step<ept i="1">&lt;/b&gt;'
     '</ept>, and then left.'),
    ('请阅读<bpt i="1" type="link">&lt;a href="https://example.com/report?a=1&amp;amp;b=2"&gt;'
     '</bpt>这份报告<ept i="1">&lt;/a&gt;</ept>，并检查 <bpt i="2" type="x-code">&lt;code&gt;'
     '</bpt>config.yaml<ept i="2">&lt;/code&gt;</ept> 文件。',
     'Please read <bpt i="1" type="link">&lt;a href="https://example.com/report?a=1&amp;amp;b=2"'
     '&gt;</bpt>this report<ept i="1">&lt;/a&gt;</ept> and check the <bpt i="2" type="x-code">'
     '&lt;code&gt;</bpt>config.yaml<ept i="2">&lt;/code&gt;</ept> file.'),
    # the English's italic and bold overlap without nesting (TMX allows it; XLIFF's <g> not)
    ('我们<bpt i="1" type="italic">&lt;i&gt;</bpt>非常<ept i="1">&lt;/i&gt;</ept>重视'
     '<bpt i="2" type="bold">&lt;b&gt;</bpt>安全与隐私<ept i="2">&lt;/b&gt;</ept>。',
     'We <bpt i="1" type="italic">&lt;i&gt;</bpt>really <bpt i="2" type="bold">&lt;b&gt;</bpt>'
     'care<ept i="1">&lt;/i&gt;</ept> about safety and privacy<ept i="2">&lt;/b&gt;</ept>.'),
]
EXPECTED = {
    "0.1.1": [("this is the key step", "bold", None)],
    "0.2.1": [("this report", "link", "https://example.com/report?a=1&b=2"),
              ("config.yaml", "code", None)],
    "0.3.1": [("really care", "italic", None), ("care about safety and privacy", "bold", None)],
}


@pytest.fixture()
def small_run(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    doc = tmp_path / "notes.md"
    doc.write_text(DOC, encoding="utf-8")
    memory = _tmx(tmp_path / "memory.tmx", MEMORY)
    out = tmp_path / "out"
    assert main(["translate", str(doc), "--tm", str(memory), "--model", "none", "-o", str(out),
                 "--formats", "json,tmx,xlf,en.md", "--quiet"]) == 0
    return doc, memory, out / "notes"


def _spans_by_id(json_path: Path) -> dict:
    doc = document_from_dict(read_json_object(json_path))
    return {s.id: _marked(s.target, s.target_spans) for s in doc.segments() if s.spans}


@needs_schemas
def test_links_code_and_overlaps_survive_bitexts_own_tmx_and_xliff(small_run, tmp_path):
    doc, _, out = small_run
    assert _spans_by_id(out / "notes.json") == EXPECTED
    english = (out / "notes.en.md").read_text(encoding="utf-8")
    assert "He said **this is the key step**, and then left." in english
    assert ("Please read [this report](https://example.com/report?a=1&b=2) and check the "
            "`config.yaml` file.") in english
    xlf = etree.parse(str(out / "notes.xlf"))
    for name in ("xliff-core-1.2-strict.local.xsd", "xliff-core-1.2-transitional.local.xsd"):
        schema = etree.XMLSchema(etree.parse(str(SCHEMAS / name)))
        assert schema.validate(xlf), schema.error_log.last_error
    assert etree.DTD(str(SCHEMAS / "tmx14.dtd")).validate(etree.parse(str(out / "notes.tmx")))
    raw = (out / "notes.xlf").read_text(encoding="utf-8")
    # the overlap is split into nested <g>s; the link travels with its address
    assert ('We <g id="i1" ctype="italic">really <g id="b1" ctype="bold">care</g></g><g '
            'id="b1-2" ctype="bold"> about safety and privacy</g>.</target>') in raw
    assert ('<bpt id="a1" ctype="link">&lt;a href="https://example.com/report?a=1&amp;amp;b=2"'
            '&gt;</bpt>this report<ept id="a1">&lt;/a&gt;</ept>') in raw
    assert '<g id="c1" ctype="x-code">config.yaml</g>' in raw
    for exported in (out / "notes.tmx", out / "notes.xlf"):
        memory = load_memory(exported)
        for seg_id, want in EXPECTED.items():
            unit = next(u for u in memory.units if u.tuid == seg_id)
            assert _marked(unit.target, unit.target_spans) == want, (exported.name, seg_id)
        # and a second run from bitext's own export places every span as the memory says
        again = tmp_path / f"again-{exported.suffix[1:]}"
        assert main(["translate", str(doc), "--tm", str(exported), "--model", "none", "-o",
                     str(again), "--formats", "json", "--quiet"]) == 0
        assert _spans_by_id(again / "notes" / "notes.json") == EXPECTED
        flags = [f for s in document_from_dict(read_json_object(again / "notes" / "notes.json"))
                 .segments() for f in s.flags]
        assert not [f for f in flags if f.startswith(("inline-uncertain", "tm-inline"))]


def test_plain_segments_write_the_same_bytes_as_before(small_run):
    _, _, out = small_run
    raw = (out / "notes.xlf").read_text(encoding="utf-8")
    tmx = (out / "notes.tmx").read_text(encoding="utf-8")
    assert "<source>发布说明</source>" in raw and '<target state="translated">Release notes' \
        '</target>' in raw
    assert "<seg>发布说明</seg>" in tmx and "<seg>Release notes</seg>" in tmx


def test_import_of_an_edited_xliff_keeps_its_g_formatting(small_run, tmp_path, capsys):
    _, memory, out = small_run
    xlf = out / "notes.xlf"
    raw = xlf.read_text(encoding="utf-8")
    # the editor moves the bold onto fewer words, and bolds a word of a plain title
    edited = raw.replace('He said <g id="b1" ctype="bold">this is the key step</g>, and then left.',
                         'He said this was <g id="b1" ctype="bold">the key step</g>, then left.')
    edited = edited.replace('<target state="translated">Release notes</target>',
                            '<target state="translated"><g id="i1" ctype="italic">Release'
                            '</g> notes, revised</target>')
    assert edited.count("the key step</g>, then left.") == 1 and "revised" in edited
    xlf.write_text(edited, encoding="utf-8")
    assert main(["import", str(xlf), "--tm", str(memory)]) == 0
    report = capsys.readouterr().out
    assert "2 segment(s) changed" in report and "plain text" not in report
    tm = load_memory(memory)
    unit = tm.get("他说这是关键的一步，然后离开了。")
    assert unit.target == "He said this was the key step, then left."
    assert _marked(unit.target, unit.target_spans) == [("the key step", "bold", None)]
    assert _marked(unit.source, unit.source_spans) == [("这是关键的一步", "bold", None)]
    title = tm.get("发布说明")
    assert _marked(title.target, title.target_spans) == [("Release", "italic", None)]
    text = memory.read_text(encoding="utf-8")
    assert ('He said this was <bpt i="1" type="bold">&lt;b&gt;</bpt>the key step<ept i="1">'
            '&lt;/b&gt;</ept>, then left.') in text
    # a new memory built from the same edits carries the same tags
    fresh = tmp_path / "fresh.tmx"
    assert main(["import", str(xlf), "--tm", str(fresh)]) == 0
    again = load_memory(fresh).get("他说这是关键的一步，然后离开了。")
    assert _marked(again.target, again.target_spans) == [("the key step", "bold", None)]


def test_import_of_a_formatting_only_edit_is_a_change(small_run, capsys):
    _, memory, out = small_run
    xlf = out / "notes.xlf"
    raw = xlf.read_text(encoding="utf-8")
    edited = raw.replace('He said <g id="b1" ctype="bold">this is the key step</g>, and then left.',
                         'He said this is the key step, and then left.')
    assert edited != raw
    xlf.write_text(edited, encoding="utf-8")
    assert main(["import", str(xlf), "--tm", str(memory)]) == 0
    report = capsys.readouterr().out
    assert "1 segment(s) changed" in report and "changed: 0.1.1" in report
    assert "plain text" not in report  # the editor removed it: nothing was lost
    unit = load_memory(memory).get("他说这是关键的一步，然后离开了。")
    assert unit.target == "He said this is the key step, and then left."
    assert not unit.target_spans


def test_read_inline_maps_offsets_through_collapsed_space():
    seg = etree.fromstring('<seg>\n   Click <bpt i="1" type="bold">&lt;b&gt;</bpt>  Save\n   '
                           '<ept i="1">&lt;/b&gt;</ept>  now.\n</seg>')
    inline = read_inline(seg)
    assert inline.text == "Click Save now."
    assert _marked(inline.text, inline.spans) == [("Save", "bold", None)]
    assert [s.mark for s in inline.spans] == [Mark.BOLD]


@pytest.mark.parametrize("native,closing,want", [
    ("&lt;strong class=\"x\"&gt;", "&lt;/strong&gt;", [("Save", "bold", None)]),
    ("&lt;EM&gt;", "&lt;/EM&gt;", [("Save", "italic", None)]),
    ("&lt;a href='/docs/save.html' title=\"t\"&gt;", "&lt;/a&gt;",
     [("Save", "link", "/docs/save.html")]),
    ("&lt;kbd&gt;", "&lt;/kbd&gt;", [("Save", "code", None)]),
    ("{\\b ", "}", [("Save", "bold", None)]),  # RTF, as old Trados memories carry it
    ("**", "**", [("Save", "bold", None)]),  # Markdown, from a Markdown filter
    ("&lt;a name=\"top\"&gt;", "&lt;/a&gt;", []),  # an anchor, not a link: no address
    ("&lt;span style=\"color:red\"&gt;", "&lt;/span&gt;", []),
    ("{\\bullet ", "}", []),
])
def test_native_markup_without_a_type(native, closing, want):
    seg = etree.fromstring(f'<seg>Click <bpt i="1">{native}</bpt>Save<ept i="1">{closing}'
                           f'</ept> now.</seg>')
    inline = read_inline(seg)
    assert inline.text == "Click Save now."
    assert _marked(inline.text, inline.spans) == want
    assert [c.name for c in inline.codes] == ([] if want else ["bpt", "ept"])


@needs_schemas
def test_any_overlap_of_marks_writes_valid_tags_that_read_back():
    """Random spans of every mark, overlapping in every way: XLIFF's nested <g>s and TMX's
    bpt/ept validate, and both read back to exactly the spans written."""
    import random

    from pipeline.memory.formatting import tmx_inline, xliff_inline
    from pipeline.model import InlineSpan
    from pipeline.spans import normalise

    ns = "urn:oasis:names:tc:xliff:document:1.2"
    xsd = etree.XMLSchema(etree.parse(str(SCHEMAS / "xliff-core-1.2-strict.local.xsd")))
    dtd = etree.DTD(str(SCHEMAS / "tmx14.dtd"))
    rng = random.Random(16)
    for _ in range(300):
        n = rng.randint(1, 16)
        text = "".join(rng.choice("abc中文") for _ in range(n))
        spans = []
        for mark in Mark:
            for _ in range(rng.randint(0, 2)):
                a = rng.randint(0, n - 1)
                spans.append(InlineSpan(a, rng.randint(a + 1, n), mark,
                                        "https://example.com/?a=1&b=2" if mark is Mark.LINK
                                        else None))
        xliff = etree.fromstring(f'<xliff xmlns="{ns}" version="1.2"><file original="a" '
                                 'datatype="plaintext" source-language="zh"><body><trans-unit '
                                 'id="1"><source/></trans-unit></body></file></xliff>')
        source = next(xliff.iter(f"{{{ns}}}source"))
        xliff_inline(source, text, spans, ns)
        assert xsd.validate(xliff), (text, spans, etree.tostring(source))
        tmx = etree.fromstring('<tmx version="1.4"><header creationtool="t" creationtoolversion='
                               '"1" segtype="sentence" o-tmf="t" adminlang="en" srclang="zh" '
                               'datatype="plaintext"/><body><tu><tuv xml:lang="zh"><seg/></tuv>'
                               '</tu></body></tmx>')
        seg = next(tmx.iter("seg"))
        tmx_inline(seg, text, spans)
        assert dtd.validate(tmx)
        want = normalise(spans, n)
        assert list(read_inline(source).spans) == want, etree.tostring(source)
        assert list(read_inline(seg).spans) == want, etree.tostring(seg)
        assert read_inline(source).text == read_inline(seg).text == text


def test_import_of_an_edited_parallel_docx_keeps_word_formatting(small_run, tmp_path, capsys):
    """An editor rewrites a sentence in Word and bolds three words: the import reads the
    bold runs inside the segment's bookmark, and the memory carries them as tags."""
    import zipfile

    from pipeline.cli import main as cli_main

    doc, memory, out = small_run
    assert cli_main(["translate", str(doc), "--tm", str(memory), "--model", "none", "-o",
                     str(tmp_path / "d"), "--formats", "parallel.docx,json", "--quiet"]) == 0
    docx_path = tmp_path / "d" / "notes" / "notes.parallel.docx"
    with zipfile.ZipFile(docx_path) as zf:
        parts = {n: zf.read(n) for n in zf.namelist()}
    body = parts["word/document.xml"].decode("utf-8")
    start = body.index('w:name="bt_0_1_1"')
    end = body.index("<w:bookmarkEnd", start)
    plain = '<w:r><w:t xml:space="preserve">He said this was </w:t></w:r>'
    bold = '<w:r><w:rPr><w:b/></w:rPr><w:t>the key step</w:t></w:r>'
    tail = '<w:r><w:t>, then left.</w:t></w:r>'
    body = body[:body.index(">", start) + 1] + plain + bold + tail + body[end:]
    parts["word/document.xml"] = body.encode("utf-8")
    edited = tmp_path / "d" / "notes" / "edited.parallel.docx"
    with zipfile.ZipFile(edited, "w") as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    # the export's JSON travels with the renamed DOCX (import finds it by the name)
    (tmp_path / "d" / "notes" / "edited.json").write_bytes(
        (tmp_path / "d" / "notes" / "notes.json").read_bytes())
    assert cli_main(["import", str(edited), "--tm", str(memory)]) == 0
    unit = load_memory(memory).get("他说这是关键的一步，然后离开了。")
    assert unit.target == "He said this was the key step, then left."
    assert _marked(unit.target, unit.target_spans) == [("the key step", "bold", None)]
    assert "plain text" not in capsys.readouterr().out
