"""The engine chain: TM, MT with glossary protection (deterministic test engines), cache, resume."""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from pipeline.cache import MTCache
from pipeline.glossary.matcher import TermMatcher
from pipeline.glossary.termbase import load_glossary
from pipeline.readers import read_document
from pipeline.run import Options, load_tm, translate_file
from pipeline.stages.review import flag_segments, review_segments, segment_issues
from pipeline.placeholders import LATIN
from pipeline.stages.translate import Strategy, Translator, protect, restore
from pipeline.tm import TMUnit, TranslationMemory, read_tmx
from pipeline.writers import default_formats
from tests.conftest import ROOT, SAMPLE

HAN = re.compile(r"[\u3400-\u9fff]")
HAN_RUN = re.compile(r"[\u3400-\u9fff]+")


@dataclass
class Out:
    text: str
    score: float | None = -0.5


class CopyEngine:
    """Copies Latin tokens (and so placeholders), writes "la" for each run of Chinese: a model
    that never mangles."""

    batch_size = 4
    identity = "copy-engine-v1"

    def __init__(self, fail_after: int | None = None, mangle: bool = False) -> None:
        self.calls: list[list[str]] = []
        self.fail_after = fail_after
        self.mangle = mangle

    def translate(self, texts: list[str]) -> list[Out]:
        if self.fail_after is not None and len(self.calls) >= self.fail_after:
            raise KeyboardInterrupt
        self.calls.append(list(texts))
        out = []
        for t in texts:
            text = " ".join(HAN_RUN.sub(" la ", t).split()) or "ok"
            if self.mangle:
                text = re.sub(r"(ZXQ\d+)", r"\1 \1", text)  # duplicated placeholders
            out.append(Out(text))
        return out

    @property
    def translated(self) -> int:
        return sum(len(c) for c in self.calls)


@pytest.fixture(scope="module")
def glossary():
    return load_glossary([ROOT / "glossary" / "ai-terms.tsv"])


@pytest.fixture(scope="module")
def matcher(glossary):
    return TermMatcher(glossary)


def _translate(doc, matcher, glossary, **kw):
    return Translator(matcher, **kw).run(doc)


def test_protect_and_restore(matcher):
    text = "强化学习需要更多算力。"
    hits = matcher.hits(text)
    protected, mapping = protect(text, hits, Strategy.PLACEHOLDER, LATIN)
    assert protected == "ZXQ1 需要更多 ZXQ2 。" and set(mapping) == {1, 2}
    assert restore("ZXQ1 needs more ZXQ2.", mapping, LATIN) == \
        "reinforcement learning needs more compute."
    assert restore("ZXQ1 needs more.", mapping, LATIN) is None              # lost
    assert restore("ZXQ1 ZXQ1 needs ZXQ2.", mapping, LATIN) is None         # duplicated
    assert restore("z x q 1 needs ZXQ2.", mapping, LATIN) is not None       # spacing tolerated
    injected, _ = protect(text, hits, Strategy.INJECT)
    assert injected == "reinforcement learning 需要更多 compute 。"


def test_mt_enforces_glossary_every_time(tmp_path, matcher, glossary):
    doc = read_document(SAMPLE)
    engine = CopyEngine()
    summary = _translate(doc, matcher, glossary, engine=engine)
    assert summary.origins["mt"] == sum(1 for _ in doc.segments())
    for seg in doc.segments():
        assert seg.origin == "mt" and seg.score == -0.5
        assert not any(i.kind in ("missing", "forbidden") for i in segment_issues(seg, matcher)), seg.id
    assert "reinforcement learning" in doc.segment_index()["2.5.3"].target


def test_broken_placeholders_retry_with_injection(matcher, glossary):
    doc = read_document(SAMPLE)
    summary = _translate(doc, matcher, glossary, engine=CopyEngine(mangle=True))
    assert summary.retried > 0
    seg = doc.segment_index()["2.5.3"]
    assert "reinforcement learning" in seg.target.lower()
    assert "ZXQ" not in seg.target


class ForgetfulEngine(CopyEngine):
    """Drops every Latin word it is given: glossary terms are lost whatever the strategy."""

    def translate(self, texts):
        self.calls.append(list(texts))
        return [Out("something else") for _ in texts]


def test_lost_terms_are_flagged_never_silent(matcher, glossary):
    doc = read_document(SAMPLE)
    _translate(doc, matcher, glossary, engine=ForgetfulEngine())
    segments = list(doc.segments())
    flag_segments(segments, review_segments(segments, matcher))
    seg = doc.segment_index()["2.5.3"]
    assert any(f.startswith("term-lost:强化学习") for f in seg.flags)
    assert "review:missing" in seg.flags


def test_tm_exact_fuzzy_and_none(matcher, glossary):
    doc = read_document(SAMPLE)
    index = doc.segment_index()
    tm = TranslationMemory()
    tm.add(TMUnit(index["1.3.1"].source.replace(" ", ""), "Exact (spacing differs)."))
    tm.add(TMUnit(index["1.4.1"].source.replace("大大小小的", "大小"), "Fuzzy."))
    _translate(doc, matcher, glossary, tm=tm)
    assert index["1.3.1"].origin == "tm" and index["1.3.1"].target == "Exact (spacing differs)."
    fuzzy = index["1.4.1"]
    assert fuzzy.origin == "none" and fuzzy.target is None and "untranslated" in fuzzy.flags
    assert fuzzy.suggestions and fuzzy.suggestions[0]["target"] == "Fuzzy."
    assert 0.85 <= fuzzy.suggestions[0]["similarity"] < 1


def test_cache_rerun_and_resume_after_interrupt(tmp_path, matcher, glossary):
    cache_path = tmp_path / "cache.sqlite"
    reference = read_document(SAMPLE)
    _translate(reference, matcher, glossary, engine=CopyEngine())
    expected = [(s.id, s.target) for s in reference.segments()]

    doc = read_document(SAMPLE)
    interrupted = CopyEngine(fail_after=10)
    with pytest.raises(KeyboardInterrupt):
        _translate(doc, matcher, glossary, engine=interrupted, cache=MTCache(cache_path))
    done_before = interrupted.translated
    assert done_before == 40

    doc = read_document(SAMPLE)
    resumed = CopyEngine()
    summary = _translate(doc, matcher, glossary, engine=resumed, cache=MTCache(cache_path))
    assert [(s.id, s.target) for s in doc.segments()] == expected
    first_pass = {t for call in interrupted.calls for t in call}
    assert not first_pass & {t for call in resumed.calls for t in call}  # nothing redone
    assert summary.cached > 0

    doc = read_document(SAMPLE)
    warm = CopyEngine()
    _translate(doc, matcher, glossary, engine=warm, cache=MTCache(cache_path))
    assert warm.translated == 0
    assert [(s.id, s.target) for s in doc.segments()] == expected


def test_sample_tm_covers_every_segment_and_passes_review(matcher):
    """Issue 6: the reviewed edition is complete and consistent with the glossary."""
    doc = read_document(SAMPLE)
    tm = read_tmx(SAMPLE.with_suffix(".tmx"))
    for seg in doc.segments():
        unit = tm.exact(seg.source)
        assert unit is not None, f"{seg.id} has no TM entry"
        seg.target = unit.target
        issues = segment_issues(seg, matcher)
        assert issues == [], (seg.id, issues)


def test_editing_one_sentence_leaves_only_that_segment(tmp_path, matcher, glossary):
    text = SAMPLE.read_text(encoding="utf-8")
    edited = text.replace("我觉得过去 18 个月是在加速的", "我认为过去 18 个月是在加速的")
    assert edited != text
    path = tmp_path / "o1-roundtable.md"
    path.write_text(edited, encoding="utf-8")
    shutil.copy(SAMPLE.with_suffix(".tmx"), tmp_path / "o1-roundtable.tmx")
    result = translate_file(path, tmp_path / "out", glossary=glossary, matcher=matcher,
                            tm=load_tm([tmp_path / "o1-roundtable.tmx"]), engine=None,
                            options=Options(formats=["json"]))
    off = [s for s in result.doc.segments() if s.origin != "tm"]
    assert [s.id for s in off] == ["1.3.1"]
    assert off[0].suggestions and off[0].suggestions[0]["target"].startswith(
        "I think the past 18 months")


def _run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline", *args], capture_output=True,
                          text=True, cwd=cwd, timeout=300)


def test_no_model_writes_everything_and_exits_3(tmp_path):
    path = tmp_path / "doc with space 文档.md"
    path.write_text("# 标题\n\n强化学习很重要。新的句子没有记忆。\n", encoding="utf-8")
    out = tmp_path / "out"
    result = _run("translate", str(path), "-o", str(out), "--cache", "none")
    assert result.returncode == 3, result.stderr
    lines = result.stderr.strip().splitlines()
    assert "argospm install translate-zh_en" in lines[-1] and "bitext model install" in lines[-1]
    written = sorted(p.name for p in (out / "doc with space 文档").iterdir())
    assert len(written) == len(default_formats()) and not any(p.endswith(".tmp") for p in written)


def test_tm_none_disables_auto_tm(tmp_path):
    result = _run("translate", str(SAMPLE), "-o", str(tmp_path), "--tm", "none", "--formats",
                  "json", "--quiet")
    assert result.returncode == 3
    result = _run("translate", str(SAMPLE), "-o", str(tmp_path), "--formats", "json", "--quiet")
    assert result.returncode == 0, result.stderr


def test_traditional_copy_hits_the_tm_for_every_segment(tmp_path, matcher, glossary):
    """s2t→t2s is not the identity (想象 → 想像): the TM key folds the script anyway."""
    from pipeline.script import to_traditional

    path = tmp_path / "trad.md"
    path.write_text(to_traditional(SAMPLE.read_text(encoding="utf-8")), encoding="utf-8")
    result = translate_file(path, tmp_path / "out", glossary=glossary, matcher=matcher,
                            tm=load_tm([SAMPLE.with_suffix(".tmx")]), engine=None,
                            options=Options(formats=["json"]))
    assert all(s.origin == "tm" for s in result.doc.segments())
    assert result.doc.script == "traditional"
