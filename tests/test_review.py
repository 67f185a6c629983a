"""The term review on translations bitext did not make: numbers by value, senses, word
boundaries, scope, English inflection, severities, tiers, the report, and `bitext check`."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from pipeline.glossary.boundaries import inside_longer_word
from pipeline.glossary.matcher import Decided, TermMatcher
from pipeline.glossary.termbase import Entry, Glossary, Tier, load_file, load_glossary, parse_rows
from pipeline.model import Segment
from pipeline.review.numbers import NumberKind, number_problems, source_quantities
from pipeline.review.scope import mask
from pipeline.stages.review import Kind, Severity, review_segments
from pipeline.writers.review_report import review_dict, review_markdown
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def matcher() -> TermMatcher:
    return TermMatcher(load_glossary([ROOT / "glossary" / "ai-terms.tsv"]))


def _review(matcher: TermMatcher, pairs: list[tuple[str, str]]):
    return review_segments([Segment(id=f"s{i}", source=zh, target=en)
                            for i, (zh, en) in enumerate(pairs, 1)], matcher)


def _kinds(review) -> set[tuple[str, str]]:
    return {(i.segment, i.kind.value) for i in review.issues}


# -- numbers ---------------------------------------------------------------------------------
@pytest.mark.parametrize("zh, en", [
    ("模型有 62 亿参数。", "The model has 6.2 billion parameters."),
    ("共 100万 条数据。", "1 million samples in all."),
    ("7500 条指令", "7,500 instructions"),
    ("准确率提升了 30%。", "Accuracy rose by 30 percent."),
    ("百分之五十的样本", "50% of the samples"),
    ("排名第3", "ranked third"),
    ("2023年5月发布", "released in May 2023"),
    ("训练 3-5 天", "three to 5 days of training"),
    ("平均提高 4.5 个百分点", "improves by 4.5pp on average"),
    ("速度提升约 2.8 倍", "about 2.8x faster"),
    ("十亿参数", "one billion parameters"),
    ("使用 8 张 A100", "using eight A100s"),
])
def test_numbers_re_expressed_are_right(zh, en):
    assert number_problems(zh, en) == []


def test_magnitude_error_with_the_same_digits():
    problems = number_problems("投资 3万亿 美元", "an investment of 3 billion dollars")
    assert [(p.kind, p.quantity.text, p.found) for p in problems] == [
        (NumberKind.MAGNITUDE, "3万亿", "3 billion")]
    assert number_problems("1.5万 条", "1,500 items")[0].kind is NumberKind.MAGNITUDE


def test_wrong_and_swapped_numbers():
    assert number_problems("默认值为 1", "in one update, the default value is 2")[0].kind \
        is NumberKind.MISSING  # "one" does not excuse the digit
    swapped = number_problems("GSM8K（8-shot）、MMLU（5-shot）", "GSM8K(5-shot), MMLU(8-shot)")
    assert {p.kind for p in swapped} == {NumberKind.SWAPPED}
    assert number_problems("GSM8K（8-shot）、MMLU（5-shot）", "GSM8K(8-shot), MMLU(5-shot)") == []
    assert number_problems("得到x = 2，y = 3。", "we get x = 3, y = 2.")[0].kind is NumberKind.SWAPPED


def test_names_and_company_names_are_not_quantities():
    texts = [q.text for q in source_quantities("零一万物发布 GPT-4o 和 Qwen2，见 v1.5")]
    assert texts == []


# -- boundaries and scope ----------------------------------------------------------------------
@pytest.mark.parametrize("text, term, inside", [
    ("轻量化模型", "量化", True),            # lightweight, not quantization
    ("该工具调用接口", "工具调用", True),      # the tool | calls
    ("东北大学", "北大", True),
    ("对模型进行量化", "量化", False),
    ("常识推理：", "推理", False),            # commonsense reasoning keeps its head
    ("支持工具调用功能", "工具调用", False),
    ("我们在昇腾芯片上", "昇腾", False),       # unknown names never block
])
def test_terms_inside_longer_words(text, term, inside):
    i = text.index(term)
    assert inside_longer_word(text, i, i + len(term)) is inside


def test_code_urls_files_identifiers_out_of_scope():
    text = "设置 num_gpus 并调用 cuda()，运行 openai_api.py 或 qwen.cpp，见 https://x.org/a 和 01-ai/Yi"
    masked = mask(text)
    assert len(masked) == len(text)
    for gone in ("num_gpus", "cuda()", "openai_api.py", "qwen.cpp", "https://x.org/a", "01-ai/Yi"):
        assert gone not in masked
    assert "设置" in masked and "GPT-4o" in mask("GPT-4o 和 FSDP") and "FSDP" in mask("用 FSDP")


def test_boundaries_and_scope_silence_the_review(matcher):
    review = _review(matcher, [
        ("这是一个轻量化的模型。", "This is a lightweight model."),
        ("设置 `num_gpus` 和 `Qwen-7B` 参数。", "Set the num_gpus and model options."),
    ])
    assert review.issues == []


# -- senses ------------------------------------------------------------------------------------
def test_sense_cues_in_sentence_paragraph_and_document(matcher):
    found = matcher.find("把模型部署到 GPU 上进行推理")
    assert found[-1].entry.target == "inference" and found[-1].decided is Decided.SENTENCE
    found = matcher.find("o1 的推理过程像人一样思考")
    assert found[-1].entry.target == "reasoning"
    para = "我们把服务部署在本地的显卡上。然后进行推理。"
    found = matcher.find("然后进行推理。", paragraph=para)
    assert found[0].entry.target == "inference" and found[0].decided is Decided.PARAGRAPH
    base = matcher.find("基座模型的权重可以下载后微调")
    assert base[0].entry.target == "base model"
    industry = matcher.find("基座模型是行业竞争的焦点")
    assert industry[0].entry.target == "foundation model"


def test_deployment_inference_is_not_a_reasoning_error(matcher):
    review = _review(matcher, [
        ("批量推理时延迟更低。", "Latency is lower with batch inference."),
        ("推理速度提升了 2 倍。", "Inference speed doubled."),
        ("部署到 GPU 上进行推理。", "Deploy it to a GPU for reasoning."),
    ])
    assert _kinds(review) == {("s3", "forbidden")}
    row = review.issues[0]
    assert row.severity is Severity.MUST_FIX and "reasoning" in row.message


def test_senses_are_in_the_glossary_file():
    entries, problems = load_file(ROOT / "glossary" / "ai-terms.tsv")
    assert problems == []
    senses = {e.target: e.sense for e in entries if e.sources[0] == "推理" and e.sense}
    assert "部署" in senses["inference"] and "思考" in senses["reasoning"]
    base = {e.target for e in entries if "基座模型" in e.sources and e.sense}
    assert base == {"base model", "foundation model"}


# -- English side, severities, tiers -------------------------------------------------------------
def test_loose_words_do_not_pass_for_terms(matcher):
    review = _review(matcher, [
        ("模型量化很重要。", "Model quantification matters."),
        ("强化学习如何泛化？", "How does reinforcement learning stay general?"),
        ("算力不够。", "There are not enough computers."),
        ("模型量化很重要。", "Quantizing the model matters."),  # the verb of the noun: fine
    ])
    # quantification is also listed as forbidden for 量化, so it is that row, not "missing"
    assert _kinds(review) == {("s1", "forbidden"), ("s2", "missing"), ("s3", "missing")}


def test_pronoun_after_previous_segment_is_a_check(matcher):
    review = _review(matcher, [("强化学习很重要。", "Reinforcement learning matters."),
                               ("强化学习也很难。", "It is also hard.")])
    assert [(i.segment, i.kind, i.severity) for i in review.issues] == [
        ("s2", Kind.MISSING, Severity.CHECK)]


def test_term_dropped_at_its_second_occurrence(matcher):
    review = _review(matcher, [("微调很便宜，但微调需要数据。",
                                "Fine-tuning is cheap, but the process needs data.")])
    assert [(i.kind, i.severity) for i in review.issues] == [(Kind.REPEAT_DROPPED, Severity.CHECK)]
    review = _review(matcher, [("有人觉得 o1 很重要，有人觉得 o1 一般。",
                                "Some think o1 matters, others think it doesn't.")])
    assert review.issues == []  # "it" stands for the second o1


def test_latin_names_outside_the_glossary(matcher):
    review = _review(matcher, [("我们用 FSDP 和 Q-LoRA 训练。", "We train with sharding."),
                               ("MiniCPM-2B 表现很好。", "MiniCPM performs well.")])
    lost = {(i.segment, i.term, i.severity) for i in review.issues if i.kind is Kind.LOST_NAME}
    assert lost == {("s1", "FSDP", Severity.MUST_FIX), ("s1", "Q-LoRA", Severity.MUST_FIX),
                    ("s2", "MiniCPM-2B", Severity.CHECK)}


def test_tiers_suggested_terms_do_not_flood(tmp_path):
    rows = [(2, {"source": "参数", "target": "parameters", "forbidden": "parameter quantity",
                 "tier": "suggested"}),
            (3, {"source": "苹果", "target": "Apple", "category": "org"})]
    entries, problems = parse_rows(rows, "g.tsv")
    assert problems == [] and entries[0].tier is Tier.SUGGESTED
    m = TermMatcher(Glossary(entries))
    review = _review(m, [("参数很多。", "Many weights."), ("参数很多。", "A large parameter quantity."),
                         ("苹果发布了。", "It was released.")])
    assert [(i.segment, i.kind) for i in review.issues] == [
        ("s2", Kind.FORBIDDEN), ("s3", Kind.LOST_NAME)]
    bad, problems = parse_rows([(2, {"source": "x", "target": "y", "tier": "maybe"})], "g.tsv")
    assert "unknown tier" in problems[0].message


def test_ascend_is_not_folded_to_an_everyday_word():
    entry = Entry(["昇腾"], "Ascend", category="product")
    assert "升腾" not in entry.forms() and "昇騰" in entry.forms()
    assert "机器学习" in Entry(["機器學習"], "machine learning").forms()
    m = TermMatcher(load_glossary([ROOT / "glossary" / "ai-terms.tsv"]))
    assert [x.entry.target for x in m.find("在昇腾芯片上部署")][:1] == ["Ascend"]
    assert all(x.entry.target != "Ascend" for x in m.find("热气升腾"))


# -- report --------------------------------------------------------------------------------------
def test_report_says_what_it_covers_before_its_verdict(matcher):
    review = _review(matcher, [("杨植麟说。", "Yang Zhilin said.")])
    md = review_markdown(review)
    assert review.clean and "- Result: clean" in md
    scope = md.split("\n\n")[1]  # the paragraph under the title, above the summary
    for covered in ("glossary term", "numbers", "names and model names",
                    "Chinese left in the English"):
        assert covered in scope
    assert "not a judgement of translation quality" in scope
    assert md.index(scope) < md.index("- Result: clean")


def test_report_rows_grouped_with_both_languages_and_ids(matcher):
    review = _review(matcher, [
        ("大模型很贵。", "Big models are costly."),
        ("杨植麟说。", "Yang Zhilin said."),
        ("杨植麟又说。", "Yang ZhiLin said again."),
        ("投资 3万亿。", "An investment of 3 billion."),
    ])
    md = review_markdown(review)
    assert "## Forbidden renderings (1)" in md and "## Numbers with the wrong magnitude (1)" in md
    row = next(line for line in md.splitlines() if line.startswith("| s1 |"))
    assert "**大模型**" in row and "**Big models**" in row and "must-fix" in row
    drift = next(line for line in md.splitlines() if line.startswith("| s3 |"))
    assert "Yang ZhiLin" in drift and "s2" in drift
    data = review_dict(review)
    assert {"segment", "kind", "severity", "term", "message"} <= set(data["issues"][0])
    assert data["must_fix"] + data["check"] == len(data["issues"])
    total = next(line for line in md.splitlines() if line.startswith("| **Total**"))
    assert total == f"| **Total** | {data['must_fix']} | {data['check']} | {len(data['issues'])} |"
    usage = {t["target"]: t for t in data["terms"]}["Yang Zhilin"]
    assert usage["occurrences"] == sum(usage["renderings"].values()) == 2


# -- bitext check ------------------------------------------------------------------------------
def _check(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline", "check", *args], capture_output=True,
                          text=True, cwd=ROOT, timeout=300)


def test_check_on_the_sample_is_clean_and_writes_its_own_report(tmp_path):
    result = _check("output/o1-roundtable/o1-roundtable.json", "-o", str(tmp_path))
    assert result.returncode == 0 and ": clean" in result.stdout
    report = json.loads((tmp_path / "o1-roundtable.check.json").read_text(encoding="utf-8"))
    assert report["clean"] and report["segments"] == 277 and report["issues"] == []
    assert not (tmp_path / "o1-roundtable.review.md").exists()  # translate's report is not ours
    again = _check("output/o1-roundtable/o1-roundtable.json", "-o", str(tmp_path))
    assert "replaced the earlier check report" in again.stdout


def test_check_on_an_untranslated_edition_says_so(tmp_path):
    source = tmp_path / "u.md"
    source.write_text("# 标题\n\n强化学习很重要。大模型很贵。\n", encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "pipeline", "translate", str(source), "--model",
                          "none", "--tm", "none", "--cache", "none", "--formats",
                          "json,review.md", "-o", str(tmp_path / "out")],
                         capture_output=True, text=True, cwd=ROOT, timeout=300)
    edition = tmp_path / "out" / "u" / "u.json"
    assert run.returncode == 3 and edition.exists()
    translate_report = (tmp_path / "out" / "u" / "u.review.md").read_bytes()
    result = _check(str(edition))
    # nothing to review is a bad input (exit 2, one line), never "clean"
    assert result.returncode == 2
    assert "untranslated: none of its 3 segments has English" in result.stderr
    assert "clean" not in result.stdout + result.stderr
    assert (tmp_path / "out" / "u" / "u.review.md").read_bytes() == translate_report
    segments = [Segment(id="1", source="强化学习很重要。"), Segment(id="2", source="大模型很贵。")]
    review = review_segments(segments, TermMatcher(load_glossary([ROOT / "glossary" / "ai-terms.tsv"])))
    assert review.fully_untranslated and not review.clean
    assert "untranslated: none of the 2 segments" in review_markdown(review)


def test_dev_set_figures_meet_the_targets():
    """The figures bench/bench_review.py prints, on the committed dev set and plants."""
    sys.path.insert(0, str(ROOT / "bench"))
    from review_plants import DEV, PLANTED, read_pairs, review_by_document

    m = TermMatcher(load_glossary([ROOT / "glossary" / "ai-terms.tsv"]))
    dev = read_pairs(DEV)
    assert len(dev) >= 300
    assert 100 * len(review_by_document(dev, m)) / len(dev) <= 8
    planted = read_pairs(PLANTED)
    assert len(planted) >= 40
    flagged = {i.segment for i in review_by_document(planted, m)}
    assert sum(p["id"] in flagged for p in planted) / len(planted) >= 0.9
