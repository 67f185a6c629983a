"""The MT cache and the unpacked-model cache: keys that follow what decides the output, and
trouble (damage, other schemas, locks, read-only files, a full disk, racing runs, zip bombs)
that never costs a run its work."""
from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from pipeline.cache import MTCache
from pipeline.engines import CTranslate2Engine, PackageError, load_package
from pipeline.glossary.matcher import TermMatcher
from pipeline.glossary.termbase import Entry, Glossary, load_glossary
from pipeline.model import Document, Paragraph, Section, Segment
from pipeline.readers import read_document
from pipeline.stages.translate import Translator, runtime_identity
from tests.argos_fixture import build_tiny_argos_package
from tests.conftest import ROOT, SAMPLE
from tests.misbehaving_engine import MisbehavingEngine

SENTENCES = [
    "强化学习让推理模型学会了自我纠错。",
    "我们的算力集群还在扩建。",
    "今年的开源模型进步很快。",
    "这家公司的推理服务每天处理上亿次请求。",
    "用户增长主要来自海外市场。",
    "他们把数据清洗的流程自动化了。",
]


def _doc() -> Document:
    segments = [Segment(id=f"s{i}", source=s) for i, s in enumerate(SENTENCES, start=1)]
    return Document(title=None, sections=[Section(id="1", paragraphs=[Paragraph("1.1", segments)])])


@pytest.fixture(scope="module")
def glossary() -> Glossary:
    return load_glossary([ROOT / "glossary" / "ai-terms.tsv"])


@pytest.fixture(scope="module")
def package(tmp_path_factory):
    dest = tmp_path_factory.mktemp("pkg")
    return load_package(build_tiny_argos_package(dest), cache_dir=dest / "unpacked")


class Counting(CTranslate2Engine):
    """The real engine, counting what reaches the model."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.inputs: list[str] = []

    def translate(self, texts, *args, **kwargs):
        self.inputs.extend(texts)
        return super().translate(texts, *args, **kwargs)


def _engine(package, **kw) -> Counting:
    return Counting(package, beam=1, max_decoding_length=12, batch_size=8, device="cpu", **kw)


def _targets(doc: Document) -> list[str | None]:
    return [s.target for s in doc.segments()]


# -- key: what decides the model's output, nothing else ------------------------------------------

def test_key_includes_compute_type_and_device(package, glossary, tmp_path):
    cache = MTCache(tmp_path / "c.sqlite")
    matcher = TermMatcher(glossary)
    first = _engine(package, compute_type="int8")
    Translator(matcher, engine=first, cache=cache).run(_doc())
    assert first.inputs and runtime_identity(first) == "cpu/int8"

    same = _engine(package, compute_type="int8")
    summary = Translator(matcher, engine=same, cache=cache).run(_doc())
    assert same.inputs == [] and summary.cached == len(SENTENCES)

    other = _engine(package, compute_type="float32")
    assert other.identity == first.identity  # the package and options agree...
    summary = Translator(matcher, engine=other, cache=cache).run(_doc())
    assert summary.cached == 0 and len(other.inputs) == len(first.inputs)  # ...the bits do not


def test_glossary_note_edit_keeps_the_cache_and_a_new_term_retranslates_only_its_segment(
        package, glossary, tmp_path):
    cache = MTCache(tmp_path / "c.sqlite")
    first = _engine(package)
    reference = _doc()
    Translator(TermMatcher(glossary), engine=first, cache=cache).run(reference)

    noted = Glossary([Entry(e.sources, e.target, e.forbidden, e.category,
                            "a note edited by a reviewer", e.keep, e.context)
                      for e in glossary.entries])
    assert noted.version != glossary.version
    again = _engine(package)
    doc = _doc()
    summary = Translator(TermMatcher(noted), engine=again, cache=cache).run(doc)
    assert again.inputs == [] and summary.cached == len(SENTENCES)
    assert _targets(doc) == _targets(reference)

    grown = Glossary(glossary.entries + [Entry(["海外市场"], "overseas markets")])
    third = _engine(package)
    Translator(TermMatcher(grown), engine=third, cache=cache).run(_doc())
    # the new term travels as a placeholder of the model's scheme (PUA or ZXQ) or as English
    assert third.inputs and all("overseas markets" in t or "ZXQ" in t
                                or any("\ue000" <= c <= "\uf8ff" for c in t)
                                for t in third.inputs)


# -- trouble: the run goes on and keeps its work -----------------------------------------------

def _run(cache: MTCache, glossary: Glossary,
         doc: Document | None = None) -> tuple[Document, MisbehavingEngine]:
    engine = MisbehavingEngine(seed=0, rate=0.0)
    doc = doc or _doc()
    Translator(TermMatcher(glossary), engine=engine, cache=cache).run(doc)
    assert all(s.origin == "mt" and s.target for s in doc.segments())
    return doc, engine


def _filled(path: Path, glossary: Glossary, rows: int = 0) -> None:
    cache = MTCache(path)
    _run(cache, glossary)
    if rows:
        cache.put_many([(f"k{i}", "x" * 200, -0.1, "") for i in range(rows)])
    cache.close()


@pytest.mark.parametrize("content", [b"", b"this is not sqlite at all" * 100,
                                     b"SQLite format 3\x00" + b"\xff" * 4000])
def test_a_file_that_is_not_a_cache_is_set_aside(tmp_path, glossary, capsys, content):
    path = tmp_path / "cache.sqlite"
    path.write_bytes(content)
    cache = MTCache(path)
    _run(cache, glossary)
    if content:  # an empty file is a valid empty database
        assert (tmp_path / "cache.sqlite.damaged-1").read_bytes() == content
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and "moved it to cache.sqlite.damaged-1" in err[0]
    assert cache.active and cache.get_many(["nothing"]) == {}


def test_damaged_pages_found_mid_run_are_set_aside(tmp_path, glossary, capsys):
    path = tmp_path / "cache.sqlite"
    _filled(path, glossary, rows=3000)
    size = path.stat().st_size
    with path.open("r+b") as fh:  # wreck the pages after the schema page
        fh.seek(4096)
        fh.write(b"\x07" * (size - 4096))
    cache = MTCache(path)
    doc, engine = _run(cache, glossary)
    assert len(engine.log) >= len(SENTENCES)  # nothing came from the wreck; all translated
    assert (tmp_path / "cache.sqlite.damaged-1").exists()
    assert "damaged" in capsys.readouterr().err
    _, warm = _run(MTCache(path), glossary)  # the rebuilt cache holds this run's work
    assert warm.log == {}


DAMAGED_RACE = """
import sys, time
from pathlib import Path
from pipeline.cache import MTCache
go = Path(sys.argv[2])
while not go.exists():
    time.sleep(0.005)
cache = MTCache(Path(sys.argv[1]))
cache.put_many([(f"{sys.argv[3]}-{i}", "text", -0.5, "") for i in range(50)])
assert len(cache.get_many([f"{sys.argv[3]}-{i}" for i in range(50)])) == 50, cache.warnings
"""


def test_runs_finding_the_same_damaged_cache_set_it_aside_once(tmp_path):
    path = tmp_path / "cache.sqlite"
    path.write_bytes(b"garbage" * 1000)
    go = tmp_path / "go"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    procs = [subprocess.Popen([sys.executable, "-c", DAMAGED_RACE, str(path), str(go), str(n)],
                              env=env, stderr=subprocess.PIPE, text=True) for n in range(8)]
    go.touch()
    errors = [p.communicate(timeout=300)[1] for p in procs]
    assert [p.returncode for p in procs] == [0] * 8, [e for e in errors if "Error" in e][:1]
    assert sorted(p.name for p in tmp_path.glob("cache.sqlite.damaged*")) == \
        ["cache.sqlite.damaged-1"]
    assert len(MTCache(path).get_many([f"{n}-0" for n in range(8)])) == 8


def test_another_schema_is_set_aside(tmp_path, glossary):
    path = tmp_path / "cache.sqlite"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE mt (key TEXT, value BLOB)")
        db.execute("INSERT INTO mt VALUES ('a', x'00')")
    db.close()
    _run(MTCache(path), glossary)
    with sqlite3.connect(tmp_path / "cache.sqlite.damaged-1") as db:
        assert db.execute("SELECT key FROM mt").fetchall() == [("a",)]


def test_bad_row_values_are_misses_and_get_rewritten(tmp_path, glossary, capsys):
    path = tmp_path / "cache.sqlite"
    _filled(path, glossary)
    with sqlite3.connect(path) as db:
        db.execute("UPDATE mt SET score = 'not a number' WHERE rowid % 2 = 0")
        db.execute("UPDATE mt SET target = x'00ff' WHERE rowid % 2 = 1")
    db.close()
    doc, engine = _run(MTCache(path), glossary)
    assert len(engine.log) >= len(SENTENCES)
    assert "values bitext never writes" in capsys.readouterr().err
    _, warm = _run(MTCache(path), glossary)
    assert warm.log == {}


def test_lock_held_past_the_timeout_goes_on_without_the_cache(tmp_path, glossary, capsys):
    path = tmp_path / "cache.sqlite"
    MTCache(path).close()
    holder = sqlite3.connect(path, timeout=0)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        cache = MTCache(path, timeout=0.2)
        _run(cache, glossary)
        assert not cache.active
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and "more than 0.2 s" in err[0] and "going on without it" in err[0]
    finally:
        holder.rollback()
        holder.close()


def test_a_full_disk_mid_run_keeps_the_work(tmp_path, glossary, capsys):
    path = tmp_path / "cache.sqlite"
    cache = MTCache(path)
    pages = cache._db.execute("PRAGMA page_count").fetchone()[0]  # noqa: SLF001 - the real limit
    cache._db.execute(f"PRAGMA max_page_count={pages + 2}")  # noqa: SLF001
    doc, engine = _run(cache, glossary, read_document(SAMPLE))  # needs far more than 2 pages
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "the disk is full" in err[0] and not cache.active
    assert len(engine.log) >= sum(1 for _ in doc.segments())


def test_a_read_only_cache_that_must_be_written(tmp_path, glossary, capsys):
    path = tmp_path / "cache.sqlite"
    MTCache(path).close()
    cache = MTCache(path)
    cache._db.execute("PRAGMA query_only=ON")  # noqa: SLF001 - SQLite's own read-only error
    _run(cache, glossary)
    assert "read-only" in capsys.readouterr().err and not cache.active


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes read-only files")
def test_a_read_only_cache_file(tmp_path, glossary, capsys):
    path = tmp_path / "cache.sqlite"
    MTCache(path).close()
    path.chmod(0o444)
    tmp_path.chmod(0o555)
    try:
        _run(MTCache(path), glossary)
    finally:
        tmp_path.chmod(0o755)
    assert "going on without it" in capsys.readouterr().err


def test_cache_path_that_is_a_folder_is_a_one_line_error(tmp_path):
    result = subprocess.run([sys.executable, "-m", "pipeline", "translate", str(SAMPLE), "--tm",
                             "none", "--model", str(tmp_path / "nope.argosmodel"), "--cache",
                             str(tmp_path), "-o", str(tmp_path / "out")],
                            capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1


def test_cli_run_with_a_damaged_cache_completes(package, tmp_path):
    model = package.path  # the unpacked folder
    cache = tmp_path / "cache.sqlite"
    cache.write_bytes(b"garbage" * 1000)
    source = tmp_path / "doc.md"
    source.write_text("# 标题\n\n" + "".join(SENTENCES) + "\n", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "pipeline", "translate", str(source), "--tm",
                             "none", "--model", str(model), "--cache", str(cache), "--beam", "1",
                             "--max-length", "12", "-o", str(tmp_path / "out"), "--formats",
                             "json,en.md", "-q"], capture_output=True, text=True, cwd=ROOT,
                            timeout=300)
    assert result.returncode == 0, result.stderr
    assert result.stderr.count("warning") == 1 and "damaged-1" in result.stderr
    from pipeline.writers.json_doc import document_from_dict

    saved = json.loads((tmp_path / "out" / "doc" / "doc.json").read_text(encoding="utf-8"))
    segments = list(document_from_dict(saved).segments())
    assert len(segments) == len(SENTENCES) + 1 and all(s.origin == "mt" and s.target
                                                        for s in segments)


# -- model packages: racing first use, bombs ------------------------------------------------------

RACE = """
import sys, time
from pathlib import Path
from pipeline.engines.argos_package import load_package
go = Path(sys.argv[3])
while not go.exists():
    time.sleep(0.005)
info = load_package(sys.argv[1], cache_dir=sys.argv[2])
assert (info.path / "metadata.json").is_file() and (info.path / "model" / "model.bin").is_file()
"""


def test_24_runs_racing_to_unpack_the_same_package(tmp_path):
    archive = build_tiny_argos_package(tmp_path)
    go = tmp_path / "go"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    procs = [subprocess.Popen([sys.executable, "-c", RACE, str(archive), str(tmp_path / "unpacked"),
                               str(go)], env=env, stderr=subprocess.PIPE, text=True)
             for _ in range(24)]
    go.touch()
    errors = [p.communicate(timeout=300)[1] for p in procs]
    assert [p.returncode for p in procs] == [0] * 24, [e for e in errors if e][:1]
    left = sorted(p.name for p in (tmp_path / "unpacked").iterdir())
    assert len(left) == 1 and not left[0].startswith(".")  # one copy, no temp folders left


def test_a_zip_bomb_package_is_refused(tmp_path):
    bomb = tmp_path / "bomb.argosmodel"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("translate-zh_en/metadata.json", '{"from_code": "zh", "to_code": "en"}')
        zf.writestr("translate-zh_en/sentencepiece.model", b"x")
        with zf.open("translate-zh_en/model/model.bin", "w") as fh:
            for _ in range(64):
                fh.write(bytes(1024 * 1024))
    assert bomb.stat().st_size < 200_000
    with pytest.raises(PackageError, match="would unpack to"):
        load_package(bomb, cache_dir=tmp_path / "unpacked")
    assert not (tmp_path / "unpacked").exists()  # refused before anything was written
    result = subprocess.run([sys.executable, "-m", "pipeline", "model", "install", str(bomb)],
                            capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert result.returncode == 2 and "refusing to unpack" in result.stderr
