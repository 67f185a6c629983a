"""What a run publishes: Markdown footnotes resolve, TMX/XLIFF carry every segment, the committed
sample edition is fresh, and the post-editing round trip feeds the TM."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from mdit_py_plugins.footnote import footnote_plugin

from pipeline.tm import read_tmx
from pipeline.memory.xliff import read_xliff
from tests.conftest import ROOT, SAMPLE

COMMITTED = ROOT / "output" / "o1-roundtable"
TEXT_FORMATS = ("en.md", "parallel.md", "parallel.html", "en.html", "tmx", "xlf", "json", "review.md")


def _run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline", *args], capture_output=True,
                          text=True, cwd=cwd, timeout=300)


@pytest.fixture(scope="module")
def fresh(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("fresh")
    result = _run("translate", "input/o1-roundtable.md", "-o", str(out), "--quiet")
    assert result.returncode == 0, result.stderr
    return out / "o1-roundtable"


def _footnotes(text: str) -> tuple[set[str], set[str], str]:
    md = MarkdownIt("commonmark").use(footnote_plugin).enable("table")
    tokens = md.parse(text)
    refs, defs = set(), set()
    literal = []
    for tok in tokens:
        if tok.type == "footnote_open":
            defs.add(tok.meta["label"])
        for child in tok.children or []:
            if child.type == "footnote_ref":
                refs.add(child.meta["label"])
            elif child.type == "text":
                literal.append(child.content)
    return refs, defs, "".join(literal)


@pytest.mark.parametrize("name", ["o1-roundtable.en.md", "o1-roundtable.parallel.md"])
def test_markdown_footnotes_all_resolve(fresh, name):
    text = (fresh / name).read_text(encoding="utf-8")
    refs, defs, literal = _footnotes(text)
    assert refs and refs == defs
    assert not re.search(r"\[\^\w+\]", literal), "a footnote ref left as literal text"
    n = len(defs)
    assert sorted(int(d) for d in defs) == list(range(1, n + 1))
    # the editor's note sits on System 2 and is translated
    system2 = next(line for line in text.splitlines() if "have System 2 capability" in line)
    number = re.search(r"System 2 capability\.\[\^(\d+)\]", system2).group(1)
    note = next(line for line in text.splitlines() if line.startswith(f"[^{number}]:"))
    assert "Thinking, Fast and Slow" in note and "*Note in the original:*" in note
    assert len([line for line in text.splitlines() if line.startswith("[^")]) == n  # once each
    # every bold span really parses (CommonMark's flanking rules trip on Chinese punctuation)
    assert "**" not in MarkdownIt("commonmark").render(text)


def test_english_edition_shape(fresh):
    text = (fresh / "o1-roundtable.en.md").read_text(encoding="utf-8")
    assert text.startswith("# The most information-packed roundtable since o1")
    assert "Source: <https://mp.weixin.qq.com/" in text
    assert text.count("\n## ") == 11 and "## 03 · " in text
    assert "**Zhang Peng:**" in text and "**Jiang Daxin:**" in text
    # the one Chinese line is the original title in the front matter
    title = next(line for line in text.splitlines() if line.startswith("*Original title:*"))
    assert "o1发布后" in title
    assert not re.search(r"[\u3400-\u9fff]", text.replace(title, ""))


def test_parallel_markdown_pairs_chinese_and_english(fresh):
    text = (fresh / "o1-roundtable.parallel.md").read_text(encoding="utf-8")
    assert "**姜大昕**：我觉得过去 18 个月是在加速的" in text
    assert "**Jiang Daxin:** I think the past 18 months" in text
    assert text.index("我觉得过去 18 个月") < text.index("I think the past 18 months")


def test_tmx_and_xliff_carry_every_segment(fresh):
    from pipeline.readers import read_document

    ids = [s.id for s in read_document(SAMPLE).segments()]
    tm = read_tmx(fresh / "o1-roundtable.tmx")
    assert [u.tuid for u in tm.units] == ids
    units = read_xliff(fresh / "o1-roundtable.xlf").units
    assert [u.id for u in units] == ids and all(u.target and u.target.text for u in units)
    raw = (fresh / "o1-roundtable.xlf").read_text(encoding="utf-8")
    assert 'version="1.2"' in raw and 'state="translated"' in raw
    data = json.loads((fresh / "o1-roundtable.json").read_text(encoding="utf-8"))
    seg = data["sections"][1]["paragraphs"][2]["segments"][0]
    assert seg["origin"] == "tm" and seg["target"] and "terms" in seg
    assert data["notes"][0]["target"].startswith("System 1 and System 2")


def test_committed_sample_edition_is_fresh(fresh):
    """output/o1-roundtable/ must be what the README's run command produces now."""
    for fmt in TEXT_FORMATS:
        name = f"o1-roundtable.{fmt}"
        assert (COMMITTED / name).read_bytes() == (fresh / name).read_bytes(), \
            f"{name} is stale: run `bitext translate input/o1-roundtable.md`"
    for fmt in ("parallel.docx", "en.docx"):
        name = f"o1-roundtable.{fmt}"
        with zipfile.ZipFile(COMMITTED / name) as old, zipfile.ZipFile(fresh / name) as new:
            for part in ("word/document.xml", "word/footnotes.xml"):
                assert old.read(part) == new.read(part), f"{name}:{part} is stale"


def test_rerun_is_identical(fresh, tmp_path):
    result = _run("translate", "input/o1-roundtable.md", "-o", str(tmp_path), "--quiet")
    assert result.returncode == 0
    for path in fresh.iterdir():
        assert (tmp_path / "o1-roundtable" / path.name).read_bytes() == path.read_bytes(), path.name


def test_source_script_traditional(tmp_path):
    result = _run("translate", "input/o1-roundtable.md", "-o", str(tmp_path), "--quiet",
                  "--source-script", "traditional", "--formats", "parallel.md,parallel.docx")
    assert result.returncode == 0, result.stderr
    text = (tmp_path / "o1-roundtable" / "o1-roundtable.parallel.md").read_text(encoding="utf-8")
    assert "我覺得過去 18 個月" in text


def test_import_xliff_round_trip_by_id_with_conflicts(fresh, tmp_path):
    work = tmp_path / "export"
    shutil.copytree(fresh, work)
    xlf = work / "o1-roundtable.xlf"
    raw = xlf.read_text(encoding="utf-8")
    raw = raw.replace("I think the past 18 months have been a period of acceleration",
                      "In my view the past 18 months have been a period of acceleration", 1)
    # an edit to a segment whose Chinese the editor also changed → conflict
    raw = raw.replace("<source>过去 18 个月里发生的大大小小的 AI 事件", "<source>过去 18 个月里发生的 AI 事件", 1)
    raw = raw.replace("We can look at the AI events, big and small,", "We can look at the AI events", 1)
    xlf.write_text(raw, encoding="utf-8")
    tm_path = tmp_path / "tm.tmx"
    result = _run("import", str(xlf), "--tm", str(tm_path), "--input", str(SAMPLE))
    assert result.returncode == 0, result.stderr
    assert "1 segment(s) changed" in result.stdout and "1 conflict(s)" in result.stdout
    tm = read_tmx(tm_path)
    assert [u.tuid for u in tm.units] == ["1.3.1"]
    # and it wins on the next translate
    out = tmp_path / "next"
    result = _run("translate", str(SAMPLE), "-o", str(out), "--tm", str(tm_path), "--formats",
                  "json", "--quiet")
    data = json.loads((out / "o1-roundtable" / "o1-roundtable.json").read_text(encoding="utf-8"))
    seg = data["sections"][1]["paragraphs"][2]["segments"][0]
    assert seg["id"] == "1.3.1" and seg["target"].startswith("In my view")


def test_import_parallel_docx_round_trip(fresh, tmp_path):
    """An editor changes one English cell in the DOCX; `bitext import` puts it in the TM."""
    import shutil as _shutil

    from lxml import etree

    work = tmp_path / "export"
    _shutil.copytree(fresh, work)
    docx_path = work / "o1-roundtable.parallel.docx"
    with zipfile.ZipFile(docx_path) as zf:
        parts = {n: zf.read(n) for n in zf.namelist()}
    ns = {"w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main"}
    root = etree.fromstring(parts["word/document.xml"])
    start = root.xpath("//w:bookmarkStart[@w:name='bt_1_3_1']", namespaces=ns)[0]
    text_el = start.getnext().xpath(".//w:t", namespaces=ns)[0]
    text_el.text = "Edited in Word: the past 18 months were a period of acceleration."
    parts["word/document.xml"] = etree.tostring(root, xml_declaration=True, encoding="UTF-8",
                                                standalone=True)
    with zipfile.ZipFile(docx_path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    tm_path = tmp_path / "tm.tmx"
    result = _run("import", str(docx_path), "--tm", str(tm_path), "--input", str(SAMPLE))
    assert result.returncode == 0, result.stderr
    assert "1 segment(s) changed" in result.stdout and "changed: 1.3.1" in result.stdout
    unit = read_tmx(tm_path).units[0]
    assert unit.tuid == "1.3.1" and unit.target.startswith("Edited in Word")
