"""Hostile input, interrupted runs (SIGINT, SIGKILL) with a real tiny Argos model, write
failures, many files, and property-based checks of the reader and segmenter."""
from __future__ import annotations

import errno
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
import zipfile
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.errors import BitextError
from pipeline.segment import engine_chunks, sentence_spans, split_sentences
from tests.conftest import ROOT, SAMPLE

TEXT_OUTPUTS = ("en.md", "parallel.md", "tmx", "xlf", "json", "review.md")


def _run(*args: str, cwd: Path = ROOT, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline", *args], capture_output=True,
                          text=True, cwd=cwd, timeout=300, env=env)


def _one_line_error(result: subprocess.CompletedProcess, code: int = 2) -> str:
    assert result.returncode == code, (result.returncode, result.stderr)
    err = result.stderr.strip()
    assert "Traceback" not in err and len(err.splitlines()) == 1, err
    return err


# -- odd but valid input: never crash -----------------------------------------------------------

@pytest.mark.parametrize("content", [
    "无标点" * 350_000,                                   # a 1 MB line with no punctuation
    "**没有闭合的粗体。还有一句！\n\n*斜体 [链接(坏的\n",     # unclosed bold / malformed links
    "> " * 5000 + "深层嵌套。",                            # deep nesting
    "- " * 3000 + "列表。",
    "中文 English mixed. 日本語とかな。한국어도。Русский текст. 🙂 emoji！",
], ids=["1MB-line", "unclosed-bold", "deep-quotes", "deep-lists", "mixed-scripts"])
def test_odd_input_is_read(tmp_path, content):
    path = tmp_path / "odd.md"
    path.write_text(content, encoding="utf-8")
    result = _run("segment", str(path), "--json")
    assert result.returncode == 0, result.stderr
    # and every Chinese character is still there (in a segment, the title or `dropped`)
    data = json.loads(result.stdout)
    kept = "".join([data["title"] or ""] + [s["source"] for sec in data["sections"]
                                            for p in sec["paragraphs"] for s in p["segments"]]
                   + [d["text"] for d in data["dropped"]])
    han = re.compile(r"[\u4e00-\u9fff]")
    assert not Counter(han.findall(content)) - Counter(han.findall(kept))


def test_long_line_is_split_for_the_engine():
    line = "无标点" * 1000
    assert len(split_sentences(line)) == 1
    chunks = engine_chunks(line, 120)
    assert "".join(chunks) == line and max(map(len, chunks)) <= 120
    text = "，".join(["短句"] * 100) + "。"
    chunks = engine_chunks(text, 50)
    assert "".join(chunks) == text and all(c.endswith(("，", "。")) for c in chunks)


# -- malformed files: one line, exit 2 ------------------------------------------------------------

def test_malformed_glossary(tmp_path):
    bad = tmp_path / "bad.tsv"
    bad.write_text("source\ttarget\n强化学习\t\n", encoding="utf-8")
    err = _one_line_error(_run("translate", str(SAMPLE), "-g", str(bad), "-o", str(tmp_path)))
    assert f"{bad}:2: empty target" in err
    assert not (tmp_path / "o1-roundtable").exists()  # no partial output


def test_malformed_tmx(tmp_path):
    bad = tmp_path / "bad.tmx"
    bad.write_text("<tmx><body><tu><tuv>", encoding="utf-8")
    err = _one_line_error(_run("translate", str(SAMPLE), "--tm", str(bad), "-o", str(tmp_path)))
    assert "malformed XML" in err and str(bad) in err


def test_billion_laughs_xliff_import(tmp_path):
    xlf = tmp_path / "x.xlf"
    xlf.write_text('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b '
                   '"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;">]>'
                   '<xliff><file><body><trans-unit id="1"><source>&c;</source></trans-unit>'
                   '</body></file></xliff>', encoding="utf-8")
    err = _one_line_error(_run("import", str(xlf), "--tm", str(tmp_path / "tm.tmx")))
    assert "entities" in err


def test_docx_zip_bomb_input(tmp_path):
    bomb = tmp_path / "bomb.docx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("word/document.xml", b"\0" * (300 * 1024 * 1024))
    err = _one_line_error(_run("segment", str(bomb)))
    assert "zip bomb" in err


def test_docx_with_entities(tmp_path):
    import docx

    path = tmp_path / "ent.docx"
    docx.Document().save(path)
    with zipfile.ZipFile(path) as zf:
        parts = {n: zf.read(n) for n in zf.namelist()}
    parts["word/document.xml"] = (b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY e SYSTEM '
                                  b'"file:///etc/passwd">]>' + parts["word/document.xml"].split(b"?>", 1)[1])
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    assert "entities" in _one_line_error(_run("segment", str(path)))


def test_unwritable_output_folder(tmp_path):
    blocker = tmp_path / "file.txt"
    blocker.write_text("x")
    err = _one_line_error(_run("translate", str(SAMPLE), "-o", str(blocker / "sub"), "-q"))
    assert "cannot create the output folder" in err


def test_write_failure_midway_keeps_earlier_outputs(tmp_path, monkeypatch):
    """A disk-full error on the third file: the first two are complete, the old third is intact,
    no temp file is left behind."""
    from pipeline import textio
    from pipeline.glossary.matcher import TermMatcher
    from pipeline.glossary.termbase import load_glossary
    from pipeline.run import Options, load_tm, translate_file

    glossary = load_glossary([ROOT / "glossary" / "ai-terms.tsv"])
    kwargs = dict(glossary=glossary, matcher=TermMatcher(glossary),
                  tm=load_tm([SAMPLE.with_suffix(".tmx")]), engine=None,
                  options=Options(formats=["en.md", "json", "tmx"]))
    out = tmp_path / "out"
    translate_file(SAMPLE, out, **kwargs)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    (out / "o1-roundtable.tmx").write_bytes(b"old tmx")
    calls = {"n": 0}
    real_fsync = os.fsync

    def full_disk(fd):
        calls["n"] += 1
        if calls["n"] == 3:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_fsync(fd)

    monkeypatch.setattr(textio.os, "fsync", full_disk)
    with pytest.raises(BitextError, match="No space left"):
        translate_file(SAMPLE, out, **kwargs)
    assert (out / "o1-roundtable.en.md").read_bytes() == before["o1-roundtable.en.md"]
    assert (out / "o1-roundtable.json").read_bytes() == before["o1-roundtable.json"]
    assert (out / "o1-roundtable.tmx").read_bytes() == b"old tmx"
    assert sorted(p.name for p in out.iterdir()) == sorted(before)


def test_many_files_one_bad(tmp_path):
    folder = tmp_path / "in put"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.md").write_text("强化学习很重要。", encoding="utf-8")
    (folder / "sub" / "b 文档.txt").write_text("算力很贵。", encoding="utf-8")
    (folder / "c.md").write_bytes(b"\x00\x01binary\x00" * 10)
    (folder / "notes.pdf").write_text("ignored")
    out = tmp_path / "out"
    result = _run("translate", str(folder), "-o", str(out), "--tm", "none", "--model", "none")
    assert result.returncode == 2
    assert "c.md: binary file" in result.stderr and "1 of 3 file(s) failed" in result.stderr
    assert (out / "a" / "a.json").exists() and (out / "sub" / "b 文档" / "b 文档.json").exists()
    assert re.search(r"a\.md\s+1 segments", result.stderr)


# -- interrupted runs with a real (tiny) Argos model ------------------------------------------------

@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory) -> Path:
    from tests.argos_fixture import build_tiny_argos_package

    return build_tiny_argos_package(tmp_path_factory.mktemp("tiny"))


def _translate_args(model: Path, out: Path, cache: Path) -> list[str]:
    return ["translate", str(SAMPLE), "--tm", "none", "--model", str(model), "-o", str(out),
            "--cache", str(cache), "--max-length", "96", "--batch-size", "8", "--beam", "1"]


def _cached_rows(cache: Path) -> int:
    try:
        with sqlite3.connect(cache, timeout=1) as db:
            return db.execute("SELECT COUNT(*) FROM mt").fetchone()[0]
    except sqlite3.Error:
        return 0


def _outputs(folder: Path) -> dict[str, bytes]:
    return {fmt: (folder / f"o1-roundtable.{fmt}").read_bytes() for fmt in TEXT_OUTPUTS}


@pytest.fixture(scope="module")
def reference(tiny_model, tmp_path_factory) -> dict[str, bytes]:
    base = tmp_path_factory.mktemp("ref")
    result = _run(*_translate_args(tiny_model, base / "out", base / "cache.sqlite"))
    assert result.returncode == 0, result.stderr
    return _outputs(base / "out" / "o1-roundtable")


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGKILL])
def test_interrupted_run_resumes_to_identical_outputs(tiny_model, reference, tmp_path, sig):
    cache, out = tmp_path / "cache.sqlite", tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-m", "pipeline", *_translate_args(tiny_model, out, cache)],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while _cached_rows(cache) < 2 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert proc.poll() is None, "finished before it could be interrupted"
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=60)
    if sig == signal.SIGINT:
        assert proc.returncode == 130 and "run the same command again" in err
        assert "Traceback" not in err
    else:
        assert proc.returncode == -signal.SIGKILL
    kept = _cached_rows(cache)
    assert kept >= 2
    with sqlite3.connect(cache) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    result = _run(*_translate_args(tiny_model, out, cache))
    assert result.returncode == 0, result.stderr
    assert _outputs(out / "o1-roundtable") == reference
    assert not any(p.name.endswith(".tmp") for p in (out / "o1-roundtable").iterdir())


# -- properties ---------------------------------------------------------------------------------------

CJK_TEXT = st.lists(st.sampled_from(list("我们的模型推理能力强化学习。！？，；…「」《》“”（）") +
                                    list("abc XYZ 0123.5-") + ["\n", " ", "**", "\\*", "张鹏：", "注："]),
                    max_size=120).map("".join)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(CJK_TEXT)
def test_segmenter_loses_and_duplicates_nothing(text):
    spans = sentence_spans(text)
    assert "".join(text[a:b] for a, b in spans) == text
    assert all(a < b for a, b in spans)
    joined = "".join(split_sentences(text))
    assert re.sub(r"\s", "", joined) == re.sub(r"\s", "", text)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.function_scoped_fixture])
@given(st.lists(CJK_TEXT, min_size=1, max_size=6))
def test_reader_never_crashes_and_ids_are_stable(tmp_path, paragraphs):
    from pipeline.readers import read_document

    path = tmp_path / "p.md"
    path.write_text("\n\n".join(paragraphs), encoding="utf-8")
    try:
        doc = read_document(path)
    except BitextError as err:
        assert "empty" in str(err) or "no text" in str(err)
        return
    ids = [s.id for s in doc.segments()]
    assert len(ids) == len(set(ids))
    assert ids == [s.id for s in read_document(path).segments()]
    for section in doc.sections:
        for para in section.paragraphs:
            assert all(s.source.strip() == s.source and s.source for s in para.segments)
