"""Hostile inputs and limits (issue 18): every case exits with the right code AND leaves nothing
where it should not be, while good files stay intact. Big inputs live in bench/, not here:
limits are tested by lowering them with their flag."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from pipeline.errors import BitextError
from tests.conftest import ROOT, SAMPLE
from tests.test_robustness import _one_line_error, _run

from pipeline.writers import default_formats

ALL_FORMATS = tuple(default_formats())  # every format a run writes by default
TMX = SAMPLE.with_suffix(".tmx")


def _tree(folder: Path) -> list[str]:
    """Every path under `folder`, relative, sorted: what a run left behind."""
    if not folder.exists():
        return []
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


def _env(**overrides: str) -> dict[str, str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    env.update(overrides)
    return env


# -- only regular files, never more than the limit ------------------------------------------------

def test_symlink_to_dev_zero_is_refused(tmp_path):
    link = tmp_path / "zero.md"
    link.symlink_to("/dev/zero")
    err = _one_line_error(_run("segment", str(link)))
    assert "not a regular file (a character device)" in err
    out = tmp_path / "out"
    err = _one_line_error(_run("translate", str(link), "-o", str(out), "--model", "none"))
    assert "not a regular file" in err and _tree(out) == []


def test_fifo_is_refused_without_hanging(tmp_path):
    fifo = tmp_path / "pipe.md"
    os.mkfifo(fifo)
    out = tmp_path / "out"
    result = subprocess.run([sys.executable, "-m", "pipeline", "translate", str(fifo), "-o",
                             str(out), "--model", "none"], capture_output=True, text=True,
                            cwd=ROOT, timeout=60)
    assert "not a regular file (a named pipe)" in _one_line_error(result)
    assert _tree(out) == []


def test_folder_run_skips_special_files(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.md").write_text("强化学习很重要。", encoding="utf-8")
    os.mkfifo(folder / "pipe.md")
    (folder / "zero.md").symlink_to("/dev/zero")
    out = tmp_path / "out"
    result = _run("translate", str(folder), "-o", str(out), "--model", "none", "-q")
    assert result.returncode == 3, result.stderr  # ran; untranslated without a model
    assert _tree(out) == ["good"] + [f"good/good.{f}" for f in sorted(ALL_FORMATS)]
    assert (f"skipped 2 file(s) that are not regular files: {folder / 'pipe.md'}, "
            f"{folder / 'zero.md'}") in result.stderr


def test_untrusted_export_path_pointing_at_dev_zero(tmp_path):
    """`import` reads the `path` recorded in the export JSON: refused like any input."""
    doc = tmp_path / "doc.md"
    doc.write_text("强化学习很重要。算力很贵。", encoding="utf-8")
    out = tmp_path / "out"
    assert _run("translate", str(doc), "-o", str(out), "--model", "none",
                "--formats", "json,xlf").returncode == 3
    export = out / "doc" / "doc.json"
    data = json.loads(export.read_text(encoding="utf-8"))
    data["path"] = "/dev/zero"
    export.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    tm = tmp_path / "tm.tmx"
    err = _one_line_error(_run("import", str(out / "doc" / "doc.xlf"), "--tm", str(tm)))
    assert "/dev/zero: not a regular file" in err
    assert not tm.exists()


def test_input_size_limit_flag_and_env(tmp_path):
    big = tmp_path / "big.md"
    big.write_text("强化学习很重要。\n\n" * 60_000, encoding="utf-8")  # ≈ 1.4 MB
    out = tmp_path / "out"
    err = _one_line_error(_run("translate", str(big), "-o", str(out), "--model", "none",
                               "--max-input-mb", "1"))
    assert "file size (2 MB) is over the limit of 1 MB" in err
    assert "--max-input-mb" in err and "BITEXT_MAX_INPUT_MB" in err
    assert _tree(out) == []
    err = _one_line_error(_run("segment", str(big), env=_env(BITEXT_MAX_INPUT_MB="1")))
    assert "over the limit of 1 MB" in err
    assert _run("segment", str(big), "--max-input-mb", "2").returncode == 0
    err = _one_line_error(_run("segment", str(big), "--max-input-mb", "0"))
    assert "--max-input-mb must be a whole number" in err


def test_segment_count_limit(tmp_path):
    out = tmp_path / "out"
    err = _one_line_error(_run("translate", str(SAMPLE), "-o", str(out), "--max-segments", "50"))
    assert "segment count (277 segments) is over the limit of 50" in err
    assert "--max-segments" in err
    assert _tree(out) == []


# -- characters XML cannot hold --------------------------------------------------------------------

def test_control_characters_are_sanitised_and_reported(tmp_path):
    doc = tmp_path / "ctl.md"
    doc.write_text("# 标题\n\n第一行\v第二行。\n\n控制\x01字符\x1b在这里。\n\n非字符\uffff也在。\n",
                   encoding="utf-8")
    out = tmp_path / "out"
    result = _run("translate", str(doc), "-o", str(out), "--model", "none", "-q")
    assert result.returncode == 3, result.stderr  # all written; untranslated without a model
    assert _tree(out / "ctl") == sorted(f"ctl.{f}" for f in ALL_FORMATS)
    data = json.loads((out / "ctl" / "ctl.json").read_text(encoding="utf-8"))
    dropped = {d["text"]: d["line"] for d in data["dropped"] if d["kind"] == "control-character"}
    assert dropped == {"U+000B ×1 replaced by a line break": 3, "U+0001 ×1 removed": 5,
                       "U+001B ×1 removed": 5, "U+FFFF ×1 removed": 7}
    english = (out / "ctl" / "ctl.en.md").read_text(encoding="utf-8")
    assert "控制字符在这里。" in english and "非字符也在。" in english
    assert "第一行" in english and "第二行。" in english
    with zipfile.ZipFile(out / "ctl" / "ctl.parallel.docx") as zf:
        assert "控制字符在这里。" in zf.read("word/document.xml").decode("utf-8")


def test_sanitizer_drops_lone_surrogates():
    from pipeline.sanitize import Sanitizer

    clean = Sanitizer()
    assert clean.text("前\ud800后\n下\x0c一行", first_line=4) == "前后\n下\n一行"
    assert [(d.text, d.line) for d in clean.dropped()] == [
        ("U+D800 ×1 removed", 4), ("U+000C ×1 replaced by a line break", 5)]


# -- output names ----------------------------------------------------------------------------------

def test_output_name_cannot_escape_the_output_folder(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    dots = src / "...md"
    dots.write_text("强化学习很重要。", encoding="utf-8")
    out = tmp_path / "deep" / "out"
    assert _run("translate", str(dots), "-o", str(out), "--model", "none", "-q").returncode == 3
    assert _tree(tmp_path / "deep") == ["out", "out/__"] + [f"out/__/__.{f}"
                                                            for f in sorted(ALL_FORMATS)]


def _docx_input(path: Path, text: str) -> None:
    import docx

    document = docx.Document()
    document.add_paragraph(text)
    document.save(path)


def test_same_stem_inputs_get_distinct_outputs(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    texts = {"a.md": "马克当文件。", "a.txt": "纯文本文件。", "a.markdown": "另一种扩展名。",
             "X.en.md": "英文版的源。", "b.md": "只有一个。"}
    for name, text in texts.items():
        (folder / name).write_text(text, encoding="utf-8")
    _docx_input(folder / "a.docx", "文档文件。")
    _docx_input(folder / "X.en.docx", "另一个文档。")
    texts.update({"a.docx": "文档文件。", "X.en.docx": "另一个文档。"})
    out = tmp_path / "out"
    result = _run("translate", str(folder), "-o", str(out), "--model", "none", "--formats",
                  "json", "-q")
    assert result.returncode == 3, result.stderr
    expected = {"a.md": "a-md", "a.txt": "a-txt", "a.markdown": "a-markdown",
                "a.docx": "a-docx", "X.en.md": "X.en-md", "X.en.docx": "X.en-docx", "b.md": "b"}
    assert _tree(out) == sorted([*expected.values(),
                                 *(f"{n}/{n}.json" for n in expected.values())])
    for name, outname in expected.items():
        data = json.loads((out / outname / f"{outname}.json").read_text(encoding="utf-8"))
        sources = [s["source"] for sec in data["sections"] for p in sec["paragraphs"]
                   for s in p["segments"]]
        assert sources == [texts[name]], name


def test_folder_run_twice_does_not_translate_its_own_output(tmp_path):
    """`bitext translate .` writes ./output/; a second run must not pick it up, nor the
    outputs an earlier run wrote with another -o."""
    work = tmp_path / "work"
    work.mkdir()
    (work / "talk.md").write_text("强化学习很重要。", encoding="utf-8")
    first = _run("translate", ".", "--model", "none", "-q", cwd=work)
    assert first.returncode == 3, first.stderr
    after_first = _tree(work)
    second = _run("translate", ".", "--model", "none", cwd=work)
    assert second.returncode == 3, second.stderr
    assert _tree(work) == after_first
    rows = [line.split()[0] for line in second.stderr.splitlines() if "segments" in line]
    assert rows == ["talk.md"]
    # with another -o, the first run's outputs are still recognised by their layout
    third = _run("translate", ".", "-o", "elsewhere", "--model", "none", cwd=work)
    assert third.returncode == 3
    assert "skipped 5 file(s) laid out as bitext's own outputs" in third.stderr
    assert _tree(work / "elsewhere") == ["talk"] + [f"talk/talk.{f}"
                                                    for f in sorted(ALL_FORMATS)]
    assert _tree(work / "output") == [p[len("output/"):] for p in after_first
                                      if p.startswith("output/")]


def test_formats_empty_is_a_usage_error(tmp_path):
    out = tmp_path / "out"
    err = _one_line_error(_run("translate", str(SAMPLE), "-o", str(out), "--formats", ""))
    assert "--formats is empty" in err
    err = _one_line_error(_run("translate", str(SAMPLE), "-o", str(out), "--formats", " , "))
    assert "--formats is empty" in err
    err = _one_line_error(_run("translate", str(SAMPLE), "-o", str(out), "--formats", "pdf"))
    assert "unknown format(s): pdf" in err
    assert _tree(out) == []


def test_formats_subset_says_which_older_outputs_were_not_rewritten(tmp_path):
    out = tmp_path / "out"
    assert _run("translate", str(SAMPLE), "-o", str(out), "-q").returncode == 0
    before = {p: (out / p).read_bytes() for p in _tree(out) if (out / p).is_file()}
    result = _run("translate", str(SAMPLE), "-o", str(out), "--formats", "json, json")
    assert result.returncode == 0, result.stderr
    assert "not rewritten by this run (--formats), may be out of date: o1-roundtable.en.md" \
        in result.stderr
    assert {p: (out / p).read_bytes() for p in _tree(out) if (out / p).is_file()} == before


# -- environment -----------------------------------------------------------------------------------

@pytest.mark.parametrize("var", ["HOME", "ARGOS_PACKAGES_DIR"])
@pytest.mark.parametrize("target", ["file", "/dev/null"])
def test_broken_environment_tm_only_run_works_model_run_says_why(tmp_path, var, target):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    value = str(blocker) if target == "file" else target
    env = _env(**{var: value})
    for key in ("XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME"):
        env.pop(key, None)
    if var == "HOME":
        env.pop("ARGOS_PACKAGES_DIR", None)
    good = tmp_path / "good"
    result = _run("translate", str(SAMPLE), "-o", str(good), "-q", env=env)  # the TM covers all
    assert result.returncode == 0, result.stderr
    assert _tree(good / "o1-roundtable") == sorted(f"o1-roundtable.{f}" for f in ALL_FORMATS)
    bad = tmp_path / "bad"
    err = _one_line_error(_run("translate", str(SAMPLE), "-o", str(bad), "--tm", "none",
                               env=env))
    assert "cannot look for an installed translation model" in err and "--model none" in err
    assert _tree(bad) == []
    none = _run("translate", str(SAMPLE), "-o", str(tmp_path / "none"), "--model", "none",
                "--tm", "none", "--formats", "json", "-q", env=env)
    assert none.returncode == 3, none.stderr
    err = _one_line_error(_run("model", "list", env=env))
    assert "cannot look for an installed translation model" in err


# -- exit 2, not 70 --------------------------------------------------------------------------------

def _corrupt_member(src: Path, dest: Path, member: str) -> None:
    """Copy a zip, flipping bytes inside one member's compressed data (CRC/zlib error)."""
    data = bytearray(src.read_bytes())
    with zipfile.ZipFile(src) as zf:
        info = zf.getinfo(member)
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for k in range(start + 5, start + min(info.compress_size, 60)):
        data[k] ^= 0x5A
    dest.write_bytes(bytes(data))


def test_corrupt_docx_member(tmp_path):
    good = tmp_path / "good.docx"
    _docx_input(good, "文档文件。" * 200)
    bad = tmp_path / "bad.docx"
    _corrupt_member(good, bad, "word/document.xml")
    out = tmp_path / "out"
    err = _one_line_error(_run("translate", str(bad), "-o", str(out), "--model", "none"))
    assert "word/document.xml" in err and str(bad) in err
    assert _tree(out) == []


def test_corrupt_model_package_member(tmp_path):
    from tests.argos_fixture import build_tiny_argos_package

    (tmp_path / "pkg").mkdir()
    archive = build_tiny_argos_package(tmp_path / "pkg")
    with zipfile.ZipFile(archive) as zf:
        member = next(n for n in zf.namelist() if n.endswith("model/model.bin"))
    bad = tmp_path / "bad.argosmodel"
    _corrupt_member(archive, bad, member)
    packages = tmp_path / "packages"
    err = _one_line_error(_run("model", "install", str(bad),
                               env=_env(ARGOS_PACKAGES_DIR=str(packages),
                                        XDG_CACHE_HOME=str(tmp_path / "cache"))))
    assert "archive is damaged" in err and "download the package again" in err
    assert not packages.exists() or list(packages.iterdir()) == []


@pytest.mark.parametrize("content", ["[1, 2]", '"text"', '{"title": "\\ud800"}', "{bad"],
                         ids=["list", "string", "lone-surrogate", "invalid"])
def test_hostile_json_for_check(tmp_path, content):
    path = tmp_path / "x.json"
    path.write_text(content, encoding="utf-8")
    err = _one_line_error(_run("check", str(path)))
    assert str(path) in err
    assert _tree(tmp_path) == ["x.json"]  # no report written


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores directory permissions")
def test_folder_without_execute_permission(tmp_path):
    folder = tmp_path / "in"
    (folder / "locked").mkdir(parents=True)
    (folder / "locked" / "a.md").write_text("强化学习。", encoding="utf-8")
    (folder / "b.md").write_text("算力。", encoding="utf-8")
    os.chmod(folder / "locked", 0o600)
    try:
        out = tmp_path / "out"
        err = _one_line_error(_run("translate", str(folder), "-o", str(out), "--model", "none"))
        assert "cannot list folder" in err and _tree(out) == []
    finally:
        os.chmod(folder / "locked", 0o755)


def test_unwritable_targets(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("keep me")
    err = _one_line_error(_run("glossary", "export", "--tbx", str(blocker / "x.tbx")))
    assert "cannot write" in err
    err = _one_line_error(_run("check", str(TMX), "-o", str(blocker / "reports")))
    assert "cannot write" in err
    assert _tree(tmp_path) == ["a-file"] and blocker.read_text() == "keep me"


def test_closed_and_latin1_stdout_and_broken_pipe(tmp_path):
    base = [sys.executable, "-m", "pipeline", "segment", str(SAMPLE)]
    closed = subprocess.run(base, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            cwd=ROOT, pass_fds=(), close_fds=True,
                            preexec_fn=lambda: os.close(1))
    assert closed.returncode == 0 and closed.stderr == ""
    latin = subprocess.run(base + ["--json"], capture_output=True, cwd=ROOT,
                           env=_env(PYTHONIOENCODING="latin-1", LC_ALL="C"))
    assert latin.returncode == 0 and latin.stderr == b""
    data = json.loads(latin.stdout.decode("latin-1"))  # \uXXXX escapes: still valid JSON
    assert data["title"].startswith("o1发布后")
    proc = subprocess.Popen(base, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT)
    proc.stdout.read(10)
    proc.stdout.close()
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=60) in (0, 141) and err == ""


# -- the entity guard works on the parsed document ------------------------------------------------

ENTITY_DOC = ('<?xml version="1.0" encoding="{enc}"?>{pad}<!DOCTYPE tmx [<!ENTITY e "展开">]>'
              '<tmx version="1.4"><header srclang="zh-CN"/><body><tu><tuv xml:lang="zh-CN">'
              '<seg>&e;</seg></tuv><tuv xml:lang="en"><seg>x</seg></tuv></tu></body></tmx>')


@pytest.mark.parametrize("encoding,pad", [("UTF-16", ""), ("UTF-8", "<!--" + "x" * 1_100_000
                                                                      + "-->")],
                         ids=["utf16", "after-1MB-comment"])
def test_entity_guard_cannot_be_bypassed(tmp_path, encoding, pad):
    tmx = tmp_path / "tm.tmx"
    tmx.write_bytes(ENTITY_DOC.format(enc=encoding, pad=pad).encode(encoding.lower()))
    out = tmp_path / "out"
    err = _one_line_error(_run("translate", str(SAMPLE), "--tm", str(tmx), "-o", str(out)))
    assert "declares entities" in err and _tree(out) == []


def test_entity_guard_unit():
    from pipeline.xmlsafe import parse_xml, reject_entities

    plain = '<?xml version="1.0" encoding="UTF-16"?><a>文</a>'.encode("utf-16")
    assert parse_xml(plain, "p").text == "文"
    reject_entities(b'<!DOCTYPE a SYSTEM "a.dtd"><a/>', "p")  # a DOCTYPE alone is harmless
    for doc in (b'<!DOCTYPE a [<!ENTITY % p SYSTEM "http://x/">]><a/>',
                b'<!--' + b' ' * 10 + b'x--><!DOCTYPE a [<!ENTITY b "c">]><a/>'):
        with pytest.raises(BitextError, match="declares entities"):
            reject_entities(doc, "p")


# -- temp files and modes --------------------------------------------------------------------------

def test_stale_temp_files_of_killed_runs_are_removed(tmp_path):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True).stdout.strip()
    out = tmp_path / "out" / "o1-roundtable"
    out.mkdir(parents=True)
    stale = out / f".o1-roundtable.en.md.bitext-{dead}-0badf00d.tmp"
    stale.write_bytes(b"x" * 1000)
    alive = out / f".o1-roundtable.tmx.bitext-{os.getpid()}-0badf00d.tmp"
    alive.write_bytes(b"someone is still writing this")
    foreign = out / ".o1-roundtable.en.md.12345.tmp"  # not ours: left alone
    foreign.write_bytes(b"y")
    other_format = out / f".o1-roundtable.xlf.bitext-{dead}-0badf00d.tmp"  # not written now
    other_format.write_bytes(b"z")
    assert _run("translate", str(SAMPLE), "-o", str(tmp_path / "out"), "-q", "--formats",
                "en.md,json").returncode == 0
    assert not stale.exists() and not other_format.exists()
    assert alive.exists() and foreign.exists()
    assert (out / "o1-roundtable.en.md").stat().st_size > 1000


@pytest.mark.parametrize("umask,mode", [(0o022, 0o644), (0o077, 0o600)])
def test_outputs_honour_the_umask(tmp_path, umask, mode):
    from pipeline.textio import atomic_write_text

    old = os.umask(umask)
    try:
        target = tmp_path / "x.md"
        atomic_write_text(target, "文本")
        atomic_write_text(target, "新文本")  # replacing keeps the same rule
    finally:
        os.umask(old)
    assert target.stat().st_mode & 0o777 == mode
    assert target.read_text(encoding="utf-8") == "新文本"
    assert _tree(tmp_path) == ["x.md"]


# -- glossary TSV ----------------------------------------------------------------------------------

def test_unclosed_quote_is_reported_at_its_line(tmp_path):
    tsv = tmp_path / "g.tsv"
    tsv.write_text('source\ttarget\tforbidden\tcategory\tnote\n'
                   '强化学习\treinforcement learning\t\tconcept\t"an open quote\n'
                   '大模型\tlarge model\t\tconcept\t\n算力\tcompute\t\tconcept\t\n',
                   encoding="utf-8")
    result = _run("glossary", "validate", str(tsv))
    assert result.returncode == 1
    assert f"{tsv}:2: malformed row: a quoted field runs from line 2 to line 4" in result.stdout
    out = tmp_path / "out"
    err = _one_line_error(_run("translate", str(SAMPLE), "-g", str(tsv), "-o", str(out)))
    assert f"{tsv}:2:" in err and _tree(out) == []


def test_oversized_glossary_field(tmp_path):
    tsv = tmp_path / "g.tsv"
    tsv.write_text("source\ttarget\tnote\n强化学习\tRL\t" + "x" * 140_000 + "\n", encoding="utf-8")
    err = _one_line_error(_run("glossary", "validate", str(tsv)))
    assert f"{tsv}:2: unreadable row (field larger than field limit" in err
    into = tmp_path / "into.tsv"
    _one_line_error(_run("glossary", "import", str(tsv), "--into", str(into)))
    assert not into.exists()


def test_formulas_neutralised_and_tabs_in_notes_survive_tbx_round_trip(tmp_path):
    tsv = tmp_path / "in.tsv"
    tsv.write_text('source\ttarget\tforbidden\tcategory\tnote\n'
                   '强化学习\t=cmd|\' /c calc\'!A1\t@SUM(1)\tconcept\t"first\tafter the tab"\n',
                   encoding="utf-8")
    into = tmp_path / "glossary.tsv"
    assert _run("glossary", "import", str(tsv), "--into", str(into)).returncode == 0
    written = into.read_text(encoding="utf-8").splitlines()[1].split("\t")
    assert written[1] == "'=cmd|' /c calc'!A1" and written[2] == "'@SUM(1)"
    tbx = tmp_path / "g.tbx"
    assert _run("glossary", "export", "--no-shipped-glossary", "-g", str(into), "--tbx", str(tbx)).returncode == 0
    back = tmp_path / "back.tsv"
    assert _run("glossary", "import", str(tbx), "--into", str(back)).returncode == 0
    listed = json.loads(_run("glossary", "list", "--json", "--no-shipped-glossary", "-g", str(back)).stdout)
    assert listed[0]["target"] == "=cmd|' /c calc'!A1"  # what was typed, read back
    assert listed[0]["forbidden"] == ["@SUM(1)"]
    assert listed[0]["note"] == "first after the tab"


# -- legacy encodings ------------------------------------------------------------------------------

TRADITIONAL = "正體中文的訪談記錄。我們討論了大模型的推理能力和強化學習。"
SIMPLIFIED = "简体中文的访谈记录。我们讨论了大模型的推理能力和强化学习。"


@pytest.mark.parametrize("encoding,text", [("cp950", TRADITIONAL), ("big5", TRADITIONAL),
                                           ("gb18030", SIMPLIFIED), ("gbk", SIMPLIFIED),
                                           ("gb18030", TRADITIONAL)])
def test_big5_and_gb_inputs_decode_to_the_right_text(tmp_path, encoding, text):
    from pipeline.readers import read_document

    path = tmp_path / "legacy.txt"
    path.write_bytes(text.encode(encoding))
    doc = read_document(path)
    first = text.index("。") + 1
    assert [s.display for s in doc.body_segments()] == [text[:first], text[first:]]


def test_undecodable_bytes_are_an_error(tmp_path):
    path = tmp_path / "bad.txt"
    path.write_bytes("中文。".encode("utf-8") + b"\xff\xff\xff")
    out = tmp_path / "out"
    err = _one_line_error(_run("translate", str(path), "-o", str(out), "--model", "none"))
    assert "not UTF-8, UTF-16, GB18030 or Big5" in err and _tree(out) == []


def test_no_temp_files_or_extra_files_after_a_good_run(tmp_path):
    out = tmp_path / "out"
    assert _run("translate", str(SAMPLE), "-o", str(out), "-q").returncode == 0
    assert _tree(out) == ["o1-roundtable"] + [f"o1-roundtable/o1-roundtable.{f}"
                                              for f in sorted(ALL_FORMATS)]
    shutil.rmtree(out)


def test_permission_error_anywhere_is_exit_2(tmp_path, monkeypatch, capsys):
    """Root ignores permissions, so the OS error is injected where a locked folder raises it."""
    from pipeline import cli, cli_translate

    def locked(*_args, **_kwargs):
        raise PermissionError(13, "Permission denied", str(tmp_path / "locked"))

    monkeypatch.setattr(cli_translate, "_inputs", locked)
    out = tmp_path / "out"
    assert cli.main(["translate", str(tmp_path), "-o", str(out), "--model", "none"]) == 2
    err = capsys.readouterr().err
    assert err == f"bitext: error: {tmp_path / 'locked'}: permission denied (check the " \
                  "permissions of the file and the folders above it)\n"
    assert _tree(out) == []


@pytest.mark.parametrize("writer", ["write_parallel_docx", "write_english_docx"])
def test_docx_body_spilled_out_of_the_tree_gives_identical_bytes(tmp_path, monkeypatch, writer):
    """Long documents leave the lxml tree in compressed chunks (memory); the file must be the
    very same bytes as when everything stays in the tree."""
    from pipeline.glossary.matcher import TermMatcher
    from pipeline.glossary.termbase import load_glossary
    from pipeline.readers import read_document
    from pipeline.stages.translate import Translator
    from pipeline.run import load_tm
    from pipeline.writers import docx_spill, docx_writer

    doc = read_document(SAMPLE)
    Translator(TermMatcher(load_glossary([ROOT / "glossary" / "ai-terms.tsv"])),
               tm=load_tm([TMX])).run(doc)
    write = getattr(docx_writer, writer)
    write(doc, tmp_path / "whole.docx")
    monkeypatch.setattr(docx_spill, "SPILL_EVERY", 7)
    chunks: list[int] = []
    splice = docx_spill.Spill.splice
    monkeypatch.setattr(docx_spill.Spill, "splice",
                        lambda self, xml: (chunks.append(len(self.chunks)), splice(self, xml))[1])
    write(doc, tmp_path / "spilled.docx")
    assert chunks and chunks[0] > 10  # the body really went through the chunks
    assert (tmp_path / "spilled.docx").read_bytes() == (tmp_path / "whole.docx").read_bytes()
    with zipfile.ZipFile(tmp_path / "spilled.docx") as zf:
        body = zf.read("word/document.xml").decode("utf-8")
    assert docx_spill.MARKER not in body
    last = [s for s in doc.body_segments()][-1]
    assert last.target in body
