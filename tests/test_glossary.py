"""Term base, matching, context rules, validation, TBX, and `bitext check` on small TMX files."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.glossary.matcher import TermMatcher, find_english
from pipeline.glossary.termbase import Entry, Glossary, load_file, load_glossary, write_tsv
from pipeline.tm import tmx_bytes
from tests.conftest import ROOT

HEADER = "source\ttarget\tforbidden\tcategory\tnote\tkeep\tcontext\n"


def _glossary(rows: str, tmp_path: Path) -> Path:
    path = tmp_path / "g.tsv"
    path.write_text(HEADER + rows, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def real() -> TermMatcher:
    return TermMatcher(load_glossary([ROOT / "glossary" / "ai-terms.tsv"]))


def test_shipped_glossary_is_valid_and_big():
    entries, problems = load_file(ROOT / "glossary" / "ai-terms.tsv")
    assert problems == []
    assert len(entries) >= 250
    targets = {e.sources[0]: e.target for e in entries if not e.context}
    for zh, en in {"强化学习": "reinforcement learning", "系统 2": "System 2", "算力": "compute",
                   "杨植麟": "Yang Zhilin", "月之暗面": "Moonshot AI", "微调": "fine-tuning",
                   "检索增强生成": "retrieval-augmented generation"}.items():
        assert targets[zh] == en
    big = next(e for e in entries if e.sources[0] == "大模型")
    assert "big model" in big.forbidden


def test_forms_generated_not_typed():
    entry = Entry(["系统 2"], "System 2")
    assert {"系统 2", "系统2", "系統 2"} <= set(entry.forms())
    assert "強化學習" in Entry(["强化学习"], "reinforcement learning").forms()


def test_longest_leftmost_and_overlaps():
    g = Glossary([Entry(["知识产权"], "IP"), Entry(["国家知识产权局"], "CNIPA"),
                  Entry(["推理"], "reasoning"), Entry(["推理芯片"], "inference chip"),
                  Entry(["芯片"], "chip")])
    m = TermMatcher(g)
    assert [x.form for x in m.find("国家知识产权局发布")] == ["国家知识产权局"]
    assert [x.form for x in m.find("国家知识产权保护")] == ["知识产权"]  # iter_long would miss it
    assert [(x.form, x.entry.target) for x in m.find("推理芯片和芯片")] == [
        ("推理芯片", "inference chip"), ("芯片", "chip")]


def test_latin_boundaries_chinese_side():
    m = TermMatcher(Glossary([Entry(["AI"], "AI", keep=True), Entry(["o1"], "o1", keep=True),
                              Entry(["GPT-4"], "GPT-4", keep=True)]))
    assert [x.form for x in m.find("OpenAI 发布了 o1，不是 GPT-4o，AI 很强")] == ["o1", "AI"]
    assert [x.form for x in m.find("o1发布后")] == ["o1"]


def test_traditional_and_spacing_variants_match(real):
    assert [x.entry.target for x in real.find("系统2和強化學習")] == ["System 2",
                                                                   "reinforcement learning"]


@pytest.mark.parametrize("text, expected", [
    ("在推理侧的需求", "inference"), ("对推理芯片的要求", "inference chip"),
    ("训练和推理算力占比", "inference"), ("推理的算力提升会更快", "inference"),
    ("它的推理能力确实非常惊艳", "reasoning"), ("L2 叫推理者", "Reasoners"),
    ("有泛化能力的推理模型", "reasoning model"), ("更好地做推理规划", "reasoning"),
])
def test_context_rules_for_tuili(real, text, expected):
    hits = [x.entry.target for x in real.find(text) if "推理" in x.form]
    assert hits == [expected]


def test_english_side_boundaries_case_plural():
    assert find_english("OpenAI released it", "AI") == []
    assert find_english("new reward models", "reward model")
    assert find_english("Pretraining is over", "pre-training")
    # inflection only: derivations are other words (admitted renderings cover verb uses)
    for text, term in [("quantification", "quantization"), ("a good reason", "reasoning"),
                       ("general purpose", "generalization"), ("more computers", "compute")]:
        assert find_english(text, term) == [], (text, term)
    for text, term in [("quantisation", "quantization"), ("quantizations", "quantization"),
                       ("fine tuning", "fine-tuning"), ("modelled", "model"),
                       ("computed", "compute"), ("studies", "study"), ("behaviour", "behavior"),
                       # an action noun's own verb: "quantize the model", "fine-tuned weights"
                       ("models that generalize", "generalization"), ("quantized", "quantization"),
                       ("fine-tuned", "fine-tuning")]:
        assert find_english(text, term), (text, term)
    assert find_english("ten thousand H100s", "H100")
    assert not find_english("GeekPark", "Geek Park", inflect=False)


def test_validate_reports_file_line_problems(tmp_path):
    path = _glossary(
        "大模型\tlarge model\tlarge model\tconcept\t\t\t\n"       # forbidden == preferred
        "算力\t\t\tconcept\t\t\t\n"                                # empty target
        "智能体\tagent\t\tconcept\t\t\t\n"
        "智能体\tintelligent agent\t\tconcept\t\t\t\n"             # conflicting duplicate
        "a\tb\tc\td\te\tf\tg\th\ti\n"                               # malformed row
        "推理\tinference\t\tconcept\t\t\t侧\n", tmp_path)           # context without ~
    result = subprocess.run([sys.executable, "-m", "pipeline", "glossary", "validate", str(path)],
                            capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 1
    out = result.stdout
    assert f"{path}:2: forbidden rendering 'large model' equals the preferred target" in out
    assert f"{path}:3: empty target" in out
    assert f"{path}:5: '智能体' → 'intelligent agent' conflicts with 'agent' at line 4" in out
    assert f"{path}:6: malformed row" in out
    assert f"{path}:7: context pattern" in out
    clean = subprocess.run([sys.executable, "-m", "pipeline", "glossary", "validate",
                            str(ROOT / "glossary" / "ai-terms.tsv")], capture_output=True, cwd=ROOT)
    assert clean.returncode == 0


def test_tbx_round_trip_and_csv_import(tmp_path):
    from pipeline.glossary.tbx import read_tbx, write_tbx

    entries = load_file(ROOT / "glossary" / "ai-terms.tsv")[0]
    tbx = tmp_path / "terms.tbx"
    write_tbx(tbx, entries)
    back = read_tbx(tbx)
    assert write_tsv(back) == write_tsv(entries)
    csv_path = tmp_path / "new.csv"
    known = entries[1]
    csv_path.write_text("source,target,category\n蒸馏新词,new distillation,concept\n"
                        f"{known.sources[0]},{known.target},{known.category}\n", encoding="utf-8")
    into = tmp_path / "g.tsv"
    into.write_text(write_tsv(entries[:5]), encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "pipeline", "glossary", "import", str(csv_path),
                             "--into", str(into)], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    merged = load_file(into)[0]
    assert len(merged) == 6 and merged[-1].target == "new distillation"


def test_glossary_list_json():
    result = subprocess.run([sys.executable, "-m", "pipeline", "glossary", "list", "--json"],
                            capture_output=True, text=True, cwd=ROOT)
    data = json.loads(result.stdout)
    entry = next(e for e in data if e["target"] == "System 2")
    assert {"系统 2", "系统2"} <= set(entry["source"]) and entry["note"]
    assert set(entry) >= {"source", "target", "forbidden", "note"}


def _check(tmp_path: Path, pairs: list[tuple[str, str]]) -> tuple[int, dict]:
    path = tmp_path / "t.tmx"
    path.write_bytes(tmx_bytes([(f"s{i}", zh, en, "") for i, (zh, en) in enumerate(pairs, 1)]))
    result = subprocess.run([sys.executable, "-m", "pipeline", "check", str(path), "-q"],
                            capture_output=True, text=True, cwd=ROOT)
    report = json.loads((tmp_path / "t.check.json").read_text(encoding="utf-8"))
    assert (tmp_path / "t.check.md").read_text(encoding="utf-8").startswith("# Term review")
    return result.returncode, report


def _kinds(report: dict) -> set[tuple[str, str]]:
    return {(i["segment"], i["kind"]) for i in report["issues"]}


def test_check_clean(tmp_path):
    rc, report = _check(tmp_path, [("强化学习很重要。", "Reinforcement learning matters."),
                                   ("未来 18 个月会有 10 倍提升。", "Over the next 18 months, a tenfold gain."),
                                   ("OpenAI 2 月发了 o1。", "OpenAI released o1 in February.")])
    assert rc == 0 and report["clean"]


def test_check_catches_each_problem(tmp_path):
    rc, report = _check(tmp_path, [
        ("强化学习很重要。", "RL matters."),                                   # missing
        ("大模型很贵。", "The big model is a large model? no: big models are costly."),
        ("杨植麟说。", "Yang Zhilin said."),
        ("杨植麟又说。", "Yang ZhiLin said again."),                           # inconsistent name
        ("这是算力。", "This is compute 算力."),                                # Han left
        ("GPT-4o 有 128K 上下文，过去 18 个月。", "GPT-4 has a long context window."),  # numbers
    ])
    assert rc == 1
    kinds = _kinds(report)
    assert ("s1", "missing") in kinds
    assert ("s2", "forbidden") in kinds
    assert ("s4", "drift") in kinds  # spelling drift names its segment and the other one
    drift = next(i for i in report["issues"] if i["kind"] == "drift")
    assert "Yang ZhiLin" in drift["message"] and "s3" in drift["message"]
    assert drift["severity"] == "check"
    assert ("s5", "han") in kinds
    s6 = [i for i in report["issues"] if i["segment"] == "s6"]
    lost = [i["message"] for i in s6 if i["kind"] == "lost-name"]
    assert any("GPT-4o" in m for m in lost) and any("128K" in m for m in lost)
    assert any("18" in i["message"] for i in s6 if i["kind"] == "number")
    assert all(i["severity"] == "must-fix" for i in s6)
    usage = next(t for t in report["terms"] if t["target"] == "reinforcement learning")
    assert usage["to_fix"] == ["s1"] and usage["renderings"] == {"(missing)": 1}


def test_check_rejects_bad_files(tmp_path):
    bad = tmp_path / "bad.tmx"
    bad.write_text("<tmx><body><tu>", encoding="utf-8")
    r = subprocess.run([sys.executable, "-m", "pipeline", "check", str(bad)], capture_output=True,
                       text=True, cwd=ROOT)
    assert r.returncode == 2 and "malformed XML" in r.stderr and "Traceback" not in r.stderr
    bomb = tmp_path / "bomb.tmx"
    bomb.write_text('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 '
                    '"&lol;&lol;&lol;">]><tmx><body><tu><tuv xml:lang="zh"><seg>&lol2;</seg>'
                    '</tuv></tu></body></tmx>', encoding="utf-8")
    r = subprocess.run([sys.executable, "-m", "pipeline", "check", str(bomb)], capture_output=True,
                       text=True, cwd=ROOT)
    assert r.returncode == 2 and "entities" in r.stderr
