"""Translation memories from other tools: read faithfully, matched, and never damaged on import.

Real files from OmegaT 3.5 and 6.0, Okapi and Angular (tests/fixtures/memories, SOURCES.md),
plus small files written here for one feature each (language spellings, inline codes, XLIFF 2.0).
"""
from __future__ import annotations

import difflib
import random
import shutil
from pathlib import Path

import pytest
from lxml import etree

from pipeline.cli import main
from pipeline.errors import BitextError
from pipeline.memory import Skip, load_memory
from pipeline.memory.index import FuzzyIndex
from pipeline.memory.paragraphs import FLAG_SPLIT, split_target
from pipeline.memory.xliff import read_xliff
from pipeline.roundtrip import export_stem
from tests.conftest import ROOT

FIX = ROOT / "tests" / "fixtures" / "memories"
EPOCH = "1700000000"  # 2023-11-14T22:13:20Z
STAMP = "20231114T221320Z"


def _tmx(path: Path, body: str, header: str = '<header srclang="zh-CN" segtype="sentence"/>',
         ns: str = "") -> Path:
    path.write_text(f'<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4"{ns}>\n'
                    f"{header}\n<body>\n{body}\n</body>\n</tmx>\n", encoding="utf-8")
    return path


def _tu(zh: str, en: str, zh_code: str = "zh-CN", en_code: str = "en-US", attrs: str = "") -> str:
    return (f'<tu{attrs}><tuv xml:lang="{zh_code}"><seg>{zh}</seg></tuv>'
            f'<tuv xml:lang="{en_code}"><seg>{en}</seg></tuv></tu>')


# --- reading real memories -------------------------------------------------------------------

def test_omegat_tmx11_upper_case_codes_and_multiline_segments():
    tm = load_memory(FIX / "omegat35-programming-in-d.tmx")
    report = tm.reports[str(FIX / "omegat35-programming-in-d.tmx")]
    assert (report.units, report.used) == (9, 9)
    unit = tm.get("$(C .idup) 可用来从存在字符串产生不可变的字符串： )")
    assert unit is not None
    assert unit.target == "$(C .idup) is used for producing immutable strings from existing strings: )"
    assert tm.get("$(LI 目标是存储每个学生的多个成绩。").target == \
        "$(LI The goal is to store multiple grades per student."


def test_omegat6_duplicate_and_untranslated_copy_are_reported():
    path = FIX / "omegat6-pororoca.tmx"
    tm = load_memory(path)
    report = tm.reports[str(path)]
    assert report.units == 9 and report.used == 7
    assert report.skipped[Skip.COPY] == 1  # "Amazonian night" left in English on both sides
    assert [(d.source, d.kept, d.dropped) for d in report.duplicates] == [
        ("(文件路径)", "(file path)", "(file path here)")]  # same changedate: the later unit
    assert tm.get("(基本授权登录)").target == "(basic auth login)"  # leading space not a difference
    text = "\n".join(report.lines())
    assert "most recent change date wins" in text and "untranslated in TM" in text


def test_foreign_xliff_en_to_zh_is_a_zh_en_memory_and_copies_are_untranslated():
    path = FIX / "angular-wise.zh-Hans.xlf"
    tm = load_memory(path)
    report = tm.reports[str(path)]
    assert report.units == 8 and report.used == 7 and report.skipped[Skip.COPY] == 1
    assert tm.get("关于我们").target == "About Us"
    assert all("<" not in u.target and "START_TAG" not in u.target for u in tm.units)


def test_memory_without_zh_en_pair_is_exit_2_naming_languages(tmp_path, capsys):
    path = FIX / "okapi-paragraph-en-de.tmx"
    doc = tmp_path / "a.md"
    doc.write_text("# 标题\n\n正文。\n", encoding="utf-8")
    assert main(["check", str(path), "-o", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "no usable Chinese–English pair" in err and "en-us (4)" in err and "de-de (4)" in err
    assert not list(tmp_path.glob("*.review.*"))
    assert main(["translate", str(doc), "--tm", str(path), "--model", "none", "-o",
                 str(tmp_path / "out"), "--quiet"]) == 2
    assert "de-de" in capsys.readouterr().err


# --- language codes, namespaces, blanks, inline codes ----------------------------------------

@pytest.mark.parametrize("zh_code,en_code", [
    ("zh_CN", "en_US"), ("zho", "eng"), ("chi", "en"), ("cmn-Hans-CN", "en-GB"),
    ("ZH-HANS", "EN"), ("zh-SG", "en-us"), ("Chinese", "English")])
def test_language_code_forms(tmp_path, zh_code, en_code):
    path = _tmx(tmp_path / "m.tmx", _tu("模型很好。", "The model is good.", zh_code, en_code))
    assert load_memory(path).get("模型很好。").target == "The model is good."


def test_traditional_memory_folds_and_simplified_variant_preferred(tmp_path):
    body = (_tu("這個模型很好。", "Traditional unit.", "zh-TW") + "\n"
            + '<tu><tuv xml:lang="zh-Hant-HK"><seg>軟體開發。</seg></tuv>'
              '<tuv xml:lang="zh-Hans"><seg>软件开发。</seg></tuv>'
              '<tuv xml:lang="en"><seg>Software development.</seg></tuv></tu>')
    tm = load_memory(_tmx(tmp_path / "m.tmx", body))
    assert tm.get("这个模型很好。").target == "Traditional unit."
    assert [u.source for u in tm.units][1] == "软件开发。"


def test_default_namespace_tmx_is_accepted(tmp_path):
    path = _tmx(tmp_path / "m.tmx", _tu("你好。", "Hello."), ns=' xmlns="http://www.lisa.org/tmx14"')
    assert load_memory(path).get("你好。").target == "Hello."


def test_blank_targets_are_untranslated_not_matches(tmp_path, capsys):
    body = _tu("第一句。", "First.") + "\n" + _tu("第二句。", " ") + "\n" + _tu("第三句。", "")
    mem = _tmx(tmp_path / "m.tmx", body)
    tm = load_memory(mem)
    report = tm.reports[str(mem)]
    assert report.skipped[Skip.UNTRANSLATED] == 2 and tm.get("第二句。") is None
    doc = tmp_path / "d.md"
    doc.write_text("第一句。第二句。\n", encoding="utf-8")
    out = tmp_path / "out"
    main(["translate", str(doc), "--tm", str(mem), "--model", "none", "-o", str(out),
          "--formats", "json,xlf"])
    err = capsys.readouterr().err
    assert "2 untranslated in TM (blank English)" in err and "hits: exact 1" in err
    other = _tmx(tmp_path / "other.tmx", _tu("别的句子。", "Another sentence."))
    main(["translate", str(doc), "--tm", str(mem), "--tm", str(other), "--model", "none",
          "-o", str(out), "--formats", "json"])
    assert "other.tmx: 1 units read, 1 used; no hits: this memory added nothing" in \
        capsys.readouterr().err
    units = read_xliff(out / "d" / "d.xlf").units
    assert [(u.target.text if u.target else None) for u in units] == ["First.", None]


def test_inline_codes_match_on_visible_text_and_never_leak(tmp_path):
    body = ('<tu><tuv xml:lang="zh-CN"><seg>点击<bpt i="1">&lt;b&gt;</bpt>保存<ept i="1">'
            '&lt;/b&gt;</ept>按钮。</seg></tuv><tuv xml:lang="en"><seg>Click <bpt i="1">'
            '&lt;b&gt;</bpt>Save<ept i="1">&lt;/b&gt;</ept> <ph x="1">&lt;br/&gt;</ph>now.</seg>'
            '</tuv></tu>\n<tu><tuv xml:lang="zh-CN"><seg>\n   第二\n   段。\n  </seg></tuv>'
            '<tuv xml:lang="en"><seg>\n   Second\n     paragraph.\n  </seg></tuv></tu>\n'
            '<tu><tuv xml:lang="zh-CN"><seg>请<hi type="b">注意</hi><ut>{\\b}</ut>。</seg></tuv>'
            '<tuv xml:lang="en"><seg>Please <hi type="b">note</hi>.</seg></tuv></tu>')
    tm = load_memory(_tmx(tmp_path / "m.tmx", body))
    unit = tm.get("点击保存按钮。")
    assert unit.target == "Click Save now."
    # the bold pair is formatting (a span over "Save"); only the line break is still a code
    assert [(c.offset, c.name) for c in unit.target_codes] == [(11, "ph")]
    assert unit.target_codes[0].markup.startswith("<ph")  # kept for writing back
    assert [unit.target[s.start:s.end] for s in unit.target_spans] == ["Save"]
    assert [unit.source[s.start:s.end] for s in unit.source_spans] == ["保存"]
    assert tm.get("第二段。").target == "Second paragraph."
    noted = tm.get("请注意。")
    assert noted.target == "Please note."
    assert [(noted.target[s.start:s.end], s.mark.value) for s in noted.target_spans] == \
        [("note", "bold")]


def test_xliff_12_and_20_inline_codes_and_segments(tmp_path):
    x12 = tmp_path / "a.xlf"
    x12.write_text(
        '<?xml version="1.0"?><xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">'
        '<file source-language="zh-CN" target-language="en-US" original="a"><body>'
        '<trans-unit id="1"><source>打开<g id="1">设置</g><x id="2"/>。</source>'
        '<target>Open <g id="1">Settings</g><x id="2"/>.</target></trans-unit>'
        '<trans-unit id="2"><source>空的。</source><target state="new"></target></trans-unit>'
        '</body></file></xliff>', encoding="utf-8")
    tm = load_memory(x12)
    assert tm.get("打开设置。").target == "Open Settings."
    assert tm.reports[str(x12)].skipped[Skip.UNTRANSLATED] == 1
    x20 = tmp_path / "b.xlf"
    x20.write_text(
        '<?xml version="1.0"?><xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" '
        'srcLang="en-US" trgLang="zh-Hans"><file id="f"><unit id="u1"><segment id="s1">'
        '<source>Open <pc id="1">Settings</pc>.</source><target>打开<pc id="1">设置</pc>。</target>'
        '</segment><segment id="s2"><source>Hello <ph id="2" disp="{name}"/>!</source>'
        '<target>你好<ph id="2"/>！</target></segment></unit></file></xliff>', encoding="utf-8")
    tm = load_memory(x20)
    assert tm.get("打开设置。").target == "Open Settings."
    assert tm.get("你好！").target == "Hello !"
    assert [u.id for u in read_xliff(x20).units] == ["u1/s1", "u1/s2"]


def test_check_reads_xliff_tsv_and_refuses_an_empty_one(tmp_path, capsys):
    tsv = tmp_path / "pairs.tsv"
    tsv.write_text("en_US\tzh_CN\nThe model.\t模型。\n\t空白。\nSame\tSame\n", encoding="utf-8")
    assert main(["check", str(tsv), "-o", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "3 units read, 1 used" in out and "untranslated in TM" in out
    assert "replacing" not in out
    assert main(["check", str(tsv), "-o", str(tmp_path)]) == 0
    assert f"replaced the earlier check report {tmp_path / 'pairs.check.md'}" in capsys.readouterr().out
    empty = tmp_path / "none.tsv"
    empty.write_text("原文\t\n", encoding="utf-8")
    assert main(["check", str(empty), "-o", str(tmp_path)]) == 2


# --- fuzzy index, paragraphs -----------------------------------------------------------------

def test_fuzzy_index_finds_what_a_full_scan_finds():
    from rapidfuzz import fuzz

    rng = random.Random(7)
    alphabet = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动"
    keys = sorted({"".join(rng.choice(alphabet) for _ in range(rng.randint(4, 40)))
                   for _ in range(3000)})
    index = FuzzyIndex(keys)
    for q in rng.sample(keys, 60):
        query = q[:-1] + "模" if len(q) > 8 else q + "型"
        full = sorted((fuzz.ratio(query, k) / 100, i) for i, k in enumerate(keys)
                      if fuzz.ratio(query, k) >= 85)
        found = index.search(query, 0.85, len(keys))
        assert sorted(found) == full


def test_paragraph_units_give_their_sentences_english(tmp_path):
    doc = tmp_path / "wise.md"
    doc.write_text("不同的学生个体在经验、兴趣和能力上各不相同。WISE提供各种工具、活动模式和教学支架，"
                   "以支持多种表达和评估理解的方式。这样，所有学生的能力都能够得到认可，"
                   "所有人都有机会获得成功。\n\n关于我们\n", encoding="utf-8")
    out = tmp_path / "out"
    assert main(["translate", str(doc), "--tm", str(FIX / "angular-wise.zh-Hans.xlf"),
                 "--model", "none", "-o", str(out), "--formats", "xlf", "--quiet"]) == 0
    units = read_xliff(out / "wise" / "wise.xlf").units
    targets = [u.target.text for u in units]
    assert targets == [
        "Individual students differ in their experiences, interests, and abilities.",
        "WISE provides a variety of tools, activity patterns, and instructional scaffolds that "
        "afford multiple ways for expressing and assessing understanding.",
        "That way, no students' abilities go unrecognized, and all have the chance to succeed.",
        "About Us"]
    raw = (out / "wise" / "wise.xlf").read_text(encoding="utf-8")
    assert raw.count(FLAG_SPLIT) >= 3


def test_split_target_merges_when_english_has_fewer_sentences():
    hits = split_target(["短句。", "另一个很长很长很长的句子，有很多内容。"], "One long English sentence.")
    assert [h.target for h in hits] == ["One long English sentence.", ""]
    assert all("tm-paragraph-merged" in h.flags for h in hits)


# --- import: never damage a memory -----------------------------------------------------------

def _edit_xliff(path: Path, rows: list[tuple[str, str, str]]) -> Path:
    units = "".join(f'<trans-unit id="{i}"><source>{zh}</source><target>{en}</target>'
                    f"</trans-unit>" for i, zh, en in rows)
    path.write_text('<?xml version="1.0"?><xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:'
                    'document:1.2"><file source-language="zh-CN" target-language="en" '
                    f'original="x"><body>{units}</body></file></xliff>', encoding="utf-8")
    return path


def _units(path: Path) -> list[bytes]:
    return [etree.tostring(tu, method="c14n") for tu in etree.parse(str(path)).iter("{*}tu")]


@pytest.mark.parametrize("name,zh,en,edited", [
    ("omegat35-programming-in-d.tmx", "$(H6 构造函数)", "$(H6 Constructors)", 4),
    ("omegat6-pororoca.tmx", "您确定要删除所选项目吗？", "Delete the selected items?", 6),
    ("okapi-paragraph-en-de.tmx", "新的句子。", "A new sentence.", None),
    ("../../../input/o1-roundtable.tmx", None, "Edited by a reviewer.", 10),
])
def test_import_edits_one_unit_in_place(tmp_path, monkeypatch, capsys, name, zh, en, edited):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    original = FIX / name
    memory = tmp_path / "memory.tmx"
    shutil.copy(original, memory)
    before_units = _units(memory)
    if zh is None:  # bitext's own memory: edit its tenth unit
        zh = load_memory(original).units[edited].source
    xlf = _edit_xliff(tmp_path / "edited.xlf", [("e1", zh, en)])
    assert main(["import", str(xlf), "--tm", str(memory)]) == 0
    out = capsys.readouterr().out
    assert "1 segment(s) changed" in out and "memory.tmx.bak" in out
    assert ("holds no zh/en pair (languages: en-us (4), de-de (4))" in out) == (edited is None)
    assert (tmp_path / "memory.tmx.bak").read_bytes() == original.read_bytes()
    after_units = _units(memory)
    assert load_memory(memory, require=False).get(zh).target == en
    if edited is None:  # a unit added, all others identical
        assert after_units[:-1] == before_units and len(after_units) == len(before_units) + 1
    else:
        changed = [i for i, (a, b) in enumerate(zip(before_units, after_units)) if a != b]
        assert len(after_units) == len(before_units) and changed == [edited]
        assert STAMP.encode() in after_units[edited]
    # textually, only lines inside that one unit (or the added unit) differ
    old = original.read_text(encoding="utf-8").splitlines()
    new = memory.read_text(encoding="utf-8").splitlines()
    diff = [line for line in difflib.unified_diff(old, new, lineterm="", n=0)
            if line[:1] in "+-" and not line.startswith(("+++", "---"))]
    assert diff and all(en in line or STAMP in line or "<tu" in line or "</tu" in line
                        or "seg>" in line or "tuv" in line or "note>" in line for line in diff)
    assert len(diff) <= 12
    header = etree.parse(str(memory)).getroot()
    assert header.get("version") == etree.parse(str(original)).getroot().get("version")


def test_import_same_chinese_edited_two_ways_is_a_conflict(tmp_path, capsys):
    memory = tmp_path / "m.tmx"
    shutil.copy(FIX / "omegat6-pororoca.tmx", memory)
    xlf = _edit_xliff(tmp_path / "e.xlf", [("a", "添加 HTTP 请求", "Add an HTTP request"),
                                           ("b", "添加 HTTP 请求", "New HTTP request")])
    assert main(["import", str(xlf), "--tm", str(memory)]) == 0
    out = capsys.readouterr().out
    assert "edited two ways" in out and "0 segment(s) changed" in out
    assert memory.read_bytes() == (FIX / "omegat6-pororoca.tmx").read_bytes()
    assert not (tmp_path / "m.tmx.bak").exists()


def test_repeated_xliff_id_is_reported_not_last_wins(tmp_path, capsys):
    xlf = _edit_xliff(tmp_path / "e.xlf", [("a", "第一。", "First."), ("a", "第二。", "Second.")])
    assert main(["import", str(xlf), "--tm", str(tmp_path / "new.tmx")]) == 0
    assert "a: id repeated" in capsys.readouterr().out
    assert not (tmp_path / "new.tmx").exists()


def test_second_editor_from_same_export_is_a_conflict(tmp_path, capsys):
    doc = tmp_path / "v1.2-notes.md"
    doc.write_text("模型很好。\n\n数据很多。\n", encoding="utf-8")
    memory = _tmx(tmp_path / "tm.tmx", _tu("模型很好。", "The model is good.") + "\n"
                  + _tu("数据很多。", "There is a lot of data."))
    out = tmp_path / "out"
    assert main(["translate", str(doc), "--tm", str(memory), "--model", "none", "-o", str(out),
                 "--formats", "xlf,json,parallel.docx", "--quiet"]) == 0
    export = out / "v1.2-notes"
    raw = (export / "v1.2-notes.xlf").read_text(encoding="utf-8")
    first = tmp_path / "first" / "v1.2-notes.xlf"
    first.parent.mkdir()
    first.write_text(raw.replace("The model is good.", "The model works well."), encoding="utf-8")
    shutil.copy(export / "v1.2-notes.json", first.parent / "v1.2-notes.json")
    assert main(["import", str(first), "--tm", str(memory)]) == 0
    assert "1 segment(s) changed" in capsys.readouterr().out
    second = export / "v1.2-notes.xlf"
    second.write_text(raw.replace("The model is good.", "The model is fine."), encoding="utf-8")
    assert main(["import", str(second), "--tm", str(memory)]) == 0
    out_text = capsys.readouterr().out
    assert "the memory changed since the export" in out_text and "0 segment(s) changed" in out_text
    assert load_memory(memory).get("模型很好。").target == "The model works well."
    assert export_stem("v1.2-notes.parallel.docx") == "v1.2-notes"


def test_edited_xliff_without_export_json_is_accepted(tmp_path, capsys):
    doc = tmp_path / "a.md"
    doc.write_text("模型很好。\n", encoding="utf-8")
    memory = _tmx(tmp_path / "tm.tmx", _tu("模型很好。", "The model is good."))
    assert main(["translate", str(doc), "--tm", str(memory), "--model", "none", "-o",
                 str(tmp_path / "out"), "--formats", "xlf", "--quiet"]) == 0
    mailed = tmp_path / "mail" / "a.xlf"
    mailed.parent.mkdir()
    mailed.write_text((tmp_path / "out" / "a" / "a.xlf").read_text(encoding="utf-8")
                      .replace("The model is good.", "The model is great."), encoding="utf-8")
    assert main(["import", str(mailed), "--tm", str(memory), "--input", str(doc)]) == 0
    out = capsys.readouterr().out
    assert "no export .json" in out and "1 segment(s) changed" in out
    assert load_memory(memory).get("模型很好。").target == "The model is great."


def test_unreadable_units_in_memory_to_update_refused(tmp_path):
    bad = tmp_path / "bad.tmx"
    bad.write_text("<tmx><body><tu>", encoding="utf-8")
    with pytest.raises(BitextError):
        load_memory(bad)


def test_check_reports_a_repeated_xliff_id(tmp_path, capsys):
    xlf = _edit_xliff(tmp_path / "r.xlf", [("7", "第一。", "First."), ("7", "第二。", "Second.")])
    assert main(["check", str(xlf), "-o", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "repeated id(s), every copy read: 7" in out and "2 units read, 2 used" in out


def test_import_of_a_foreign_xliff_takes_the_chinese_from_the_file(tmp_path, capsys):
    memory = tmp_path / "new.tmx"
    assert main(["import", str(FIX / "angular-wise.zh-Hans.xlf"), "--tm", str(memory)]) == 0
    out = capsys.readouterr().out
    assert "7 segment(s) changed" in out and "a60b403a53daf564988f160973ff6c5f5d1e7781: untranslated" in out
    tm = load_memory(memory)
    assert tm.get("关于我们").target == "About Us" and len(tm) == 7


def test_import_keeps_utf16_and_default_namespace(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    body = (_tu("第一句。", "First.", attrs=' changedate="20200101T000000Z"') + "\n"
            + _tu("第二句。", "Second."))
    text = _tmx(tmp_path / "x.tmx", body, ns=' xmlns="http://www.lisa.org/tmx14"').read_text(
        encoding="utf-8").replace('encoding="UTF-8"', 'encoding="UTF-16"')
    memory = tmp_path / "m.tmx"
    memory.write_bytes(text.encode("utf-16"))  # with BOM, as Catalyst writes it
    xlf = _edit_xliff(tmp_path / "e.xlf", [("1", "第一句。", "The first sentence.")])
    assert main(["import", str(xlf), "--tm", str(memory)]) == 0
    data = memory.read_bytes()
    assert data[:2] in (b"\xff\xfe", b"\xfe\xff")
    new = data.decode("utf-16")
    assert new.count("xmlns=") == 1 and 'changedate="' + STAMP + '"' in new
    assert new.replace("The first sentence.", "First.").replace(STAMP, "20200101T000000Z") \
        .replace(' changeid="bitext"', "") == text
    assert load_memory(memory).get("第一句。").target == "The first sentence."


def test_hostile_memories_are_refused_with_exit_2(tmp_path, capsys):
    bomb = _tmx(tmp_path / "bomb.tmx", _tu("&a;", "x")).read_text(encoding="utf-8").replace(
        "<tmx", '<!DOCTYPE tmx [<!ENTITY a "aaaaaaaaaa">]>\n<tmx', 1)
    (tmp_path / "bomb.tmx").write_text(bomb, encoding="utf-8")
    fifo = tmp_path / "pipe.tmx"
    import os

    os.mkfifo(fifo)
    for path in (tmp_path / "bomb.tmx", fifo):
        assert main(["check", str(path), "-o", str(tmp_path / "rev")]) == 2
        assert str(path) in capsys.readouterr().err
    assert not (tmp_path / "rev").exists()


def test_tm_target_with_inline_codes_is_flagged_and_plain(tmp_path):
    """A code that is not formatting (here an underline, which bitext has no mark for) is
    flagged; formatting the document does not have is not carried into it."""
    mem = _tmx(tmp_path / "m.tmx", '<tu><tuv xml:lang="zh-CN"><seg>点击<bpt i="1">&lt;b&gt;</bpt>'
               '保存<ept i="1">&lt;/b&gt;</ept>。</seg></tuv><tuv xml:lang="en"><seg>Click <bpt '
               'i="1">&lt;b&gt;</bpt>Save<ept i="1">&lt;/b&gt;</ept><bpt i="2">&lt;u&gt;</bpt>'
               '<ept i="2">&lt;/u&gt;</ept>.</seg></tuv></tu>')
    doc = tmp_path / "d.md"
    doc.write_text("点击保存。\n", encoding="utf-8")
    assert main(["translate", str(doc), "--tm", str(mem), "--model", "none", "-o",
                 str(tmp_path / "o"), "--formats", "en.md,xlf", "--quiet"]) == 0
    en = (tmp_path / "o" / "d" / "d.en.md").read_text(encoding="utf-8")
    assert en.strip().split("\n\n")[-1] == "Click Save."  # the body, under the front matter
    assert "tm-inline-codes" in (tmp_path / "o" / "d" / "d.xlf").read_text(encoding="utf-8")


def test_import_fills_a_blank_omegat_unit(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    memory = _tmx(tmp_path / "m.tmx", _tu("第一句。", " ") + "\n"
                  + '<tu><tuv xml:lang="zh-CN"><seg>第二句。</seg></tuv><tuv xml:lang="en"/></tu>')
    xlf = _edit_xliff(tmp_path / "e.xlf", [("1", "第一句。", "First."), ("2", "第二句。", "Second.")])
    assert main(["import", str(xlf), "--tm", str(memory)]) == 0
    assert "2 segment(s) changed" in capsys.readouterr().out
    tm = load_memory(memory)
    assert (tm.get("第一句。").target, tm.get("第二句。").target) == ("First.", "Second.")
    assert len(_units(memory)) == 2
