"""Issue 12: bugs that corrupted or lost translations silently, each pinned by the text that
must survive. Sentences are written for these tests (not taken from the sample) unless a test
says otherwise."""
from __future__ import annotations

import io
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from pipeline.glossary.matcher import TermMatcher, find_english
from pipeline.glossary.termbase import Entry, Glossary, load_glossary
from pipeline.model import Document, Paragraph, Section, Segment
from pipeline.placeholders import LATIN, PUA, choose_scheme, engine_check, sentencepiece_check
from pipeline.readers import read_document
from pipeline.segment import engine_chunks
from pipeline.stages.translate import (
    FLAG_MT_EMPTY,
    Strategy,
    Translator,
    capitalise_term_starts,
    protect,
    repair_forbidden,
    restore,
    usable,
)
from tests.conftest import ROOT, SAMPLE
from tests.misbehaving_engine import Fault, MisbehavingEngine, Out

OWN_SENTENCES = [
    "大模型在未来一年会变得很重要。",
    "强化学习让推理模型学会了自我纠错。",
    "我们的算力集群还在扩建，算力依然紧张。",
    "推理成本下降之后，大模型的应用会越来越多。",
    "训练和推理都需要大量的算力，强化学习尤其如此。",
    "很多创业公司在做推理服务，但护城河并不深。",
    "这篇论文讨论了 Scaling Law 在强化学习中的表现，以及推理侧的算力分配。",
    "他说：「大模型不是万能的。」",
]


@pytest.fixture(scope="module")
def glossary() -> Glossary:
    return load_glossary([ROOT / "glossary" / "ai-terms.tsv"])


@pytest.fixture(scope="module")
def matcher(glossary) -> TermMatcher:
    return TermMatcher(glossary)


def _doc(sentences: list[str]) -> Document:
    segments = [Segment(id=f"s{i}", source=s) for i, s in enumerate(sentences, start=1)]
    return Document(title=None, sections=[Section(id="1", paragraphs=[Paragraph("1.1", segments)])])


# -- 1. forbidden-term repair with overlapping spans ----------------------------------------------

def test_repair_forbidden_overlapping_spans_keeps_every_word(matcher):
    seg = Segment(id="s", source="算力集群的算力很重要",
                  target="The computing power cluster is important.")
    assert repair_forbidden(seg, matcher)[0] == "The compute cluster is important."


def test_repair_forbidden_still_fixes_each_independent_span(matcher):
    seg = Segment(id="s", source="算力集群不等于算力。",
                  target="A computing power cluster is not computing power.")
    assert repair_forbidden(seg, matcher)[0] == "A compute cluster is not compute."


# -- 2. placeholders that English cannot contain --------------------------------------------------

@pytest.mark.parametrize("scheme", [LATIN, PUA], ids=["latin", "pua"])
def test_english_that_looks_like_old_placeholders_is_not_a_placeholder(matcher, scheme):
    hits = matcher.hits("大模型在未来一年会变得很重要。")
    protected, mapping = protect("大模型在未来一年会变得很重要。", hits, Strategy.PLACEHOLDER, scheme)
    token = scheme.token(1)
    assert protected.startswith(token) and mapping[1].target == "large model"
    # a good output that happens to say "next 1": kept word for word
    assert restore(f"{token} will matter in the next 1 or 2 years, text 2 says.", mapping,
                   scheme) == "large model will matter in the next 1 or 2 years, text 2 says."
    # the placeholder dropped, "next 1" written: rejected, never "nelarge model"
    for dropped in ("In the next 1 year it matters.", "NEXT 1 year, context 3.", "Text 2."):
        assert restore(dropped, mapping, scheme) is None
        assert scheme.spans(dropped) == []


@pytest.mark.parametrize("output", ["XQ1 matters.", "ZXQ matters, ZXQ1 too.", "ZQX1 and ZXQ1.",
                                    "ZXQ1 ZXQ1 matters.", "ZXQ2 matters.", "It matters."])
def test_mangled_latin_placeholders_are_rejected(matcher, output):
    _, mapping = protect("大模型很重要。", matcher.hits("大模型很重要。"), Strategy.PLACEHOLDER, LATIN)
    assert restore(output, mapping, LATIN) is None


@pytest.mark.parametrize("text", ["QQ 2 has a billion users.", "The XX 3 was late.",
                                  "Zanzibar, Xi and Qatar 4.", "Iraq 5 and ZX Spectrum."])
def test_english_and_names_are_not_placeholder_traces(text):
    assert not LATIN.has_trace(text) and LATIN.spans(text) == []


def test_copied_placeholders_in_any_order_and_spacing_are_restored(matcher):
    text = "强化学习需要更多算力。"
    _, mapping = protect(text, matcher.hits(text), Strategy.PLACEHOLDER, LATIN)
    assert restore("More ZXQ2 is what z x q 1 needs.", mapping, LATIN) == \
        "More compute is what reinforcement learning needs."
    _, mapping = protect(text, matcher.hits(text), Strategy.PLACEHOLDER, PUA)
    assert restore(f"More {PUA.token(2)} for {PUA.token(1)}.", mapping, PUA) == \
        "More compute for reinforcement learning."
    assert restore(f"More {PUA.token(2)} for {chr(ord(PUA.token(1)) + 5)}.", mapping, PUA) is None


def _train_sp(tmp_path: Path, byte_fallback: bool) -> Path:
    import sentencepiece as spm

    from tests.argos_fixture import training_lines

    out = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(training_lines(0)), model_writer=out, vocab_size=1400,
        hard_vocab_limit=False, character_coverage=0.9995, model_type="unigram",
        byte_fallback=byte_fallback, minloglevel=2, num_threads=1)
    path = tmp_path / f"sp-{byte_fallback}.model"
    path.write_bytes(out.getvalue())
    return path


def test_scheme_is_chosen_per_model_tokenizer(tmp_path):
    # no byte fallback: a PUA character becomes <unk>, every placeholder alike → Latin scheme
    assert choose_scheme(sentencepiece_check(_train_sp(tmp_path, False))) is LATIN
    # byte fallback carries any character → the PUA scheme
    assert choose_scheme(sentencepiece_check(_train_sp(tmp_path, True))) is PUA
    # an engine that shows its own round trip (source encode → target decode)
    class Copies:
        def __init__(self, unknown: bool) -> None:
            self.unknown = unknown

        def copied(self, text: str) -> str:
            return re.sub("[\ue000-\uf8ff]", " ⁇ ", text) if self.unknown else text

    assert choose_scheme(engine_check(Copies(unknown=True))) is LATIN
    assert choose_scheme(engine_check(Copies(unknown=False))) is PUA
    # an engine whose tokenizer cannot be reached: the Latin scheme, which needs no proof
    assert choose_scheme(None) is LATIN
    # a tokenizer that breaks both: no placeholders at all
    assert choose_scheme(lambda text: False) is None


def test_without_a_usable_scheme_terms_are_written_in_english(matcher):
    class NoPlaceholders(MisbehavingEngine):
        def keeps_text(self, text: str) -> bool:
            return False

    engine = NoPlaceholders(seed=0, rate=0.0)
    doc = _doc(["强化学习很重要。"])
    Translator(matcher, engine=engine).run(doc)
    assert list(engine.log) == ["reinforcement learning 很重要。"]
    assert doc.sections[0].paragraphs[0].segments[0].target.startswith("Reinforcement learning")


# -- the misbehaving engine: glossary enforcement is never silently wrong -------------------------

def _chunks(seg: Segment, strategy: Strategy, scheme) -> list[str]:
    protected, _ = protect(seg.source, seg.terms, strategy, scheme)
    keep = [(a, b) for a, b, _ in scheme.spans(protected)]
    return engine_chunks(protected, keep=keep)


@pytest.mark.parametrize("pua", [True, False], ids=["pua", "latin"])
def test_glossary_enforced_against_a_misbehaving_model(matcher, pua):
    sentences = OWN_SENTENCES + [s.source for s in read_document(SAMPLE).segments()][:150]
    faults: Counter = Counter()
    for seed in range(3):
        doc = _doc(sentences)
        engine = MisbehavingEngine(seed=seed, can_carry_pua=pua)
        summary = Translator(matcher, engine=engine).run(doc)
        scheme = PUA if pua else LATIN
        faults.update(engine.log.values())
        assert summary.retried > 0
        for seg in doc.segments():
            first = _chunks(seg, Strategy.PLACEHOLDER, scheme)
            retry = _chunks(seg, Strategy.INJECT, scheme)
            ok_first = all(engine.log[c].harmless and usable(engine.outputs[c], c, scheme)
                           for c in first)
            ok_retry = all(c in engine.log and usable(engine.outputs[c], c, scheme)
                           for c in retry)
            if seg.target is None:
                assert not ok_first and not ok_retry and FLAG_MT_EMPTY in seg.flags, seg.source
                continue
            assert not scheme.has_trace(seg.target), seg.target
            for hit in seg.terms:  # every term is in the English, or the segment says so
                assert find_english(seg.target, hit.target) or \
                    f"term-lost:{hit.source}" in seg.flags, (seg.source, seg.target)
            if ok_first:
                outputs = " ".join(engine.outputs[c].strip() for c in first).strip()
                _, mapping = protect(seg.source, seg.terms, Strategy.PLACEHOLDER, scheme)
                expected = restore(outputs, mapping, scheme) if mapping else outputs
            else:  # a broken first answer is never used: the retry's answer is
                assert all(c in engine.log for c in retry), seg.source
                expected = " ".join(engine.outputs[c].strip() for c in retry).strip()
            assert expected is not None
            assert seg.target.lower() == repair_forbidden(
                Segment("x", seg.source, target=expected), matcher)[0].lower(), seg.source
    wanted = set(Fault) - ({Fault.RESPACE} if pua else set())
    assert wanted <= set(faults), f"faults never exercised: {wanted - set(faults)}"


# -- 3. empty output is a failure, never an edition of blanks -------------------------------------

class EmptyEngine:
    batch_size = 8
    identity = "empty"

    def __init__(self, empty_calls: int | None = None) -> None:
        self.calls = 0
        self.empty_calls = empty_calls

    def translate(self, texts):
        self.calls += 1
        if self.empty_calls is None or self.calls <= self.empty_calls:
            return [Out(["", "  ", "。"][i % 3]) for i in range(len(texts))]
        return [Out("It matters a great deal now.") for _ in texts]


def test_empty_output_is_retried_then_flagged(matcher):
    doc = _doc(OWN_SENTENCES)
    summary = Translator(matcher, engine=EmptyEngine()).run(doc)
    assert summary.failed == len(OWN_SENTENCES) and summary.origins["none"] == len(OWN_SENTENCES)
    for seg in doc.segments():
        assert seg.target is None and seg.origin == "none"
        assert FLAG_MT_EMPTY in seg.flags and "untranslated" in seg.flags
    assert "with no MT output" in summary.line()


def test_empty_first_answer_recovers_on_the_retry(matcher):
    doc = _doc(OWN_SENTENCES[:2])
    engine = EmptyEngine(empty_calls=1)
    summary = Translator(matcher, engine=engine).run(doc)
    assert summary.failed == 0 and engine.calls == 2
    assert [s.target for s in doc.segments()] == ["It matters a great deal now."] * 2


def test_one_empty_chunk_fails_the_whole_segment(matcher):
    long = "，".join(["这是一个很长的句子的一部分"] * 20) + "。"

    class HalfEmpty(EmptyEngine):
        def translate(self, texts):
            return [Out("" if i % 2 else "Some text.") for i, _ in enumerate(texts)]

    doc = _doc([long])
    Translator(matcher, engine=HalfEmpty()).run(doc)
    seg = next(doc.segments())
    assert len(engine_chunks(long)) > 1 and seg.target is None and FLAG_MT_EMPTY in seg.flags


def test_cli_exits_3_when_the_model_gives_nothing(tmp_path, monkeypatch, capsys):
    from pipeline import cli, cli_translate

    monkeypatch.setattr(cli_translate, "_engine", lambda args: EmptyEngine())
    path = tmp_path / "doc.md"
    path.write_text("# 标题\n\n" + "".join(OWN_SENTENCES[:3]) + "\n", encoding="utf-8")
    code = cli.main(["translate", str(path), "-o", str(tmp_path / "out"), "--cache", "none",
                     "--tm", "none", "--formats", "json,en.md", "-q"])
    err = capsys.readouterr().err
    assert code == 3 and "4 segment(s) left untranslated" in err and "mt-empty" in err
    assert err.count("\n") == 1


# -- 12. decoding options are validated -----------------------------------------------------------

@pytest.mark.parametrize("option,value", [("--beam", "0"), ("--batch-size", "-1"),
                                          ("--max-length", "0"), ("--beam", "100000"),
                                          ("--batch-size", "1e9"), ("--max-length", "99999"),
                                          ("--batch-size", "1024")])  # with beam 4: too much
def test_bad_decoding_options_are_one_line_usage_errors(tmp_path, option, value):
    out = tmp_path / "out"
    result = subprocess.run([sys.executable, "-m", "pipeline", "translate", str(SAMPLE), "-o",
                             str(out), option, value], capture_output=True, text=True, cwd=ROOT,
                            timeout=120)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and option in lines[0] and "internal error" not in lines[0]
    assert not out.exists()


# -- 13. chunking ---------------------------------------------------------------------------------

def test_chunks_never_cut_a_placeholder_without_punctuation():
    for scheme in (LATIN, PUA):
        for offset in range(0, 8):
            text = "无标点" * 38 + "甲" * offset + scheme.token(123) + "无标点" * 40
            keep = [(a, b) for a, b, _ in scheme.spans(text)]
            chunks = engine_chunks(text, 120, keep=keep)
            assert "".join(chunks) == text
            assert sum(len(scheme.spans(c)) for c in chunks) == 1, (scheme.name, offset)
            assert max(map(len, chunks)) <= 120


def test_chunks_are_bounded_with_one_comma_and_cut_at_spaces():
    text = "甲" * 400 + "，" + "乙" * 10
    chunks = engine_chunks(text, 120)
    assert "".join(chunks) == text and max(map(len, chunks)) <= 120
    english = " ".join(["word"] * 100)
    chunks = engine_chunks(english, 50)
    assert "".join(chunks) == english and max(map(len, chunks)) <= 50
    assert all(re.fullmatch(r"( ?word)+", c) for c in chunks)  # cut between words


# -- 14. context rules on Traditional text --------------------------------------------------------

CONTEXT_CASES = [  # (sentence, expected rendering of 推理), own sentences
    ("这家公司的推理服务每天处理上亿次请求。", "inference"),
    ("大模型的训练和推理都很贵。", "inference"),
    ("推理侧的优化是今年的重点。", "inference"),
    ("我们在做推理芯片。", "inference"),
    ("这个模型的推理能力很强。", "reasoning"),
    ("数学推理仍然是难题。", "reasoning"),
]


@pytest.mark.parametrize("sentence,expected", CONTEXT_CASES)
def test_context_rules_hold_in_both_scripts(matcher, sentence, expected):
    from pipeline.script import to_traditional

    for text in (sentence, to_traditional(sentence)):
        targets = [m.entry.target for m in matcher.find(text) if "推理" in m.form
                   or "推理" in m.entry.sources[0]]
        assert targets and targets[0].startswith(expected), (text, targets)


def test_check_applies_context_rules_to_a_traditional_tmx(tmp_path):
    from pipeline.script import to_traditional

    units = [("这家公司的推理服务每天处理上亿次请求。",
              "The company's inference service handles hundreds of millions of requests a day."),
             ("大模型的训练和推理都很贵。", "Training and inference of large models are both costly.")]
    body = "".join(f'<tu><tuv xml:lang="zh-TW"><seg>{to_traditional(zh)}</seg></tuv>'
                   f'<tuv xml:lang="en"><seg>{en}</seg></tuv></tu>' for zh, en in units)
    tmx = tmp_path / "trad.tmx"
    tmx.write_text('<?xml version="1.0" encoding="UTF-8"?><tmx version="1.4"><header '
                   'srclang="zh-TW" adminlang="en" segtype="sentence" datatype="plaintext" '
                   'o-tmf="x" creationtool="t" creationtoolversion="1"/><body>' + body +
                   '</body></tmx>', encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "pipeline", "check", str(tmx), "-o",
                             str(tmp_path)], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 segments" in result.stdout and "clean" in result.stdout


# -- 15. capitalisation of a glossary term that opens a sentence ----------------------------------

def test_lower_case_term_opening_a_sentence_is_capitalised(matcher, glossary):
    entries = glossary.by_id()
    hits = matcher.hits("强化学习很重要。算力也是。")
    assert capitalise_term_starts("reinforcement learning matters. compute does too.", hits,
                                  entries) == "Reinforcement learning matters. Compute does too."
    assert capitalise_term_starts("“reinforcement learning,” he said.", hits, entries) == \
        "“Reinforcement learning,” he said."
    # in the middle of a sentence, nothing changes
    for text in ("We need reinforcement learning.", "Methods, e.g. reinforcement learning, work.",
                 "Data vs. compute matters.", "Plan B. compute"):
        assert capitalise_term_starts(text, hits, entries) == text


def test_brand_casing_is_never_changed(matcher, glossary):
    entries = glossary.by_id()
    hits = matcher.hits("o1 的发布很重要。")
    assert capitalise_term_starts("o1 was released.", hits, entries) == "o1 was released."
    custom = Glossary([Entry(["苹果手机"], "iPhone", category="product"),
                       Entry(["通过率"], "pass@k", category="concept")])
    m = TermMatcher(custom)
    text = "iPhone sells. pass@k rises."
    assert capitalise_term_starts(text, m.hits("苹果手机卖得好，通过率上升。"), custom.by_id()) == text


def test_translated_segment_opens_with_a_capital(matcher):
    doc = _doc(["强化学习让推理模型学会了自我纠错。"])
    Translator(matcher, engine=MisbehavingEngine(seed=0, rate=0.0)).run(doc)
    assert next(doc.segments()).target.startswith("Reinforcement learning ")
