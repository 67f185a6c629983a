"""Inline formatting as spans: bold, italic, links and code at their exact extent, from the
reader through MT (tag placeholders, with a model that keeps, moves, drops, duplicates, reverses
or mangles them) to the Markdown, HTML and DOCX writers."""
from __future__ import annotations

import hashlib
import re
import zipfile
from dataclasses import dataclass, field

import pytest
from lxml import etree
from markdown_it import MarkdownIt

from pipeline.glossary.matcher import TermMatcher
from pipeline.glossary.termbase import load_glossary
from pipeline.model import InlineSpan, Mark
from pipeline.placeholders import LATIN, PUA
from pipeline.readers import read_document
from pipeline.spans import from_styles, runs, style_bits, tighten
from pipeline.stages.inline import FLAG_UNCERTAIN, place
from pipeline.stages.review import Kind, formatting_issues
from pipeline.stages.translate import Translator
from pipeline.writers import docx_writer, html as html_writer, markdown as markdown_writer
from tests.conftest import ROOT

HAN_RUN = re.compile(r"[\u3400-\u9fff]+")
TOKEN = re.compile(r"ZXQ\d+|[\ue000-\uf8ff]")


def word(chinese: str) -> str:
    """The fake model's 'translation' of a run of Chinese: one stable pseudo-word."""
    return "w" + hashlib.md5(chinese.encode()).hexdigest()[:5]


@dataclass
class Out:
    text: str
    score: float | None = -0.5


@dataclass
class TagEngine:
    """Translates clause by clause, carrying placeholders along, and misbehaves with the tags
    of formatting the way NMT models do. `mode`: keep, move (clauses come out in reverse order,
    as English fronts a clause; the tags travel with their words), drop (the closing tag is
    lost), duplicate (the opening tag twice), reverse (closing before opening), mangle (a tag
    copied as a broken token)."""

    mode: str = "keep"
    pua: bool = False
    batch_size: int = 8
    calls: list[list[str]] = field(default_factory=list)

    @property
    def identity(self) -> str:
        return f"tag-engine-{self.mode}-{self.pua}"

    def keeps_text(self, text: str) -> bool:
        return self.pua or not re.search("[\ue000-\uf8ff]", text)

    def translate(self, texts: list[str]) -> list[Out]:
        self.calls.append(list(texts))
        return [Out(self._one(t)) for t in texts]

    def _one(self, text: str) -> str:
        clauses = [c for c in re.split(r"[，。]", text) if c.strip()]
        english = [" ".join(HAN_RUN.sub(lambda m: f" {word(m.group())} ", c).split())
                   for c in clauses]
        if self.mode == "move":
            english.reverse()
        out = ", ".join(english) + "."
        tags = [m for m in TOKEN.finditer(out) if _is_tag(m.group())]
        if not tags:
            return out
        first, last = tags[0], tags[-1]
        if self.mode == "drop":
            out = out[:last.start()] + out[last.end():]
        elif self.mode == "duplicate":
            out = out[:first.end()] + " " + first.group() + out[first.end():]
        elif self.mode == "reverse":
            out = (out[:first.start()] + last.group() + out[first.end():last.start()]
                   + first.group() + out[last.end():])
        elif self.mode == "mangle":
            broken = "ZX Q" if not self.pua else "ZXQ"
            out = out[:first.start()] + broken + out[first.end():]
        return out


def _is_tag(token: str) -> bool:
    scheme = PUA if len(token) == 1 else LATIN
    number = scheme.spans(token)[0][2]
    return number > scheme.term_capacity


@pytest.fixture(scope="module")
def matcher():
    return TermMatcher(load_glossary([ROOT / "glossary" / "ai-terms.tsv"]))


SOURCE = ("张鹏：我觉得**数据最重要**，其他的都不重要。\n\n"
          "李明：请看[官网](https://example.org/docs)了解，运行`pip install bitext`即可。\n\n"
          "张鹏：这是*真正的*难点，对吧？\n\n"
          "李明：**全部加粗的一句。**\n")


def _doc(tmp_path, text: str = SOURCE):
    path = tmp_path / "talk.md"
    path.write_text(text, encoding="utf-8")
    return read_document(path)


def _translated(tmp_path, matcher, mode: str = "keep", pua: bool = False):
    doc = _doc(tmp_path)
    engine = TagEngine(mode, pua)
    summary = Translator(matcher, engine=engine).run(doc)
    return doc, engine, summary


def _marked(seg, mark: Mark) -> list[str]:
    return [seg.target[s.start:s.end] for s in seg.target_spans if s.mark == mark]


# ---------------------------------------------------------------------------- reading


def test_reader_keeps_each_mark_at_its_extent(tmp_path):
    segs = {s.source: s for s in _doc(tmp_path).segments()}
    first = segs["我觉得数据最重要，其他的都不重要。"]
    assert [(first.source[s.start:s.end], s.mark) for s in first.spans] == [("数据最重要", Mark.BOLD)]
    second = segs["请看官网了解，运行pip install bitext即可。"]
    assert {(second.source[s.start:s.end], s.mark, s.href) for s in second.spans} == {
        ("官网", Mark.LINK, "https://example.org/docs"), ("pip install bitext", Mark.CODE, None)}
    third = segs["这是真正的难点，对吧？"]
    assert [(third.source[s.start:s.end], s.mark) for s in third.spans] == [("真正的", Mark.ITALIC)]


def test_styles_become_spans_and_runs():
    styles = [0, style_bits(bold=True), style_bits(bold=True, link=0), style_bits(link=0), 0]
    spans = from_styles(styles, ["https://x.org"])
    assert spans == [InlineSpan(1, 3, Mark.BOLD), InlineSpan(2, 4, Mark.LINK, "https://x.org")]
    pieces = runs("abcde", spans)
    assert [(r.text, sorted(m.value for m in r.marks), r.href) for r in pieces] == [
        ("a", [], None), ("b", ["bold"], None), ("c", ["bold", "link"], "https://x.org"),
        ("d", ["link"], "https://x.org"), ("e", [], None)]


def test_tighten_moves_bold_off_punctuation_only_where_markdown_needs_it():
    text = "我说“数据”很重要"
    assert tighten(text, [InlineSpan(2, 6, Mark.BOLD)]) == [InlineSpan(3, 5, Mark.BOLD)]
    english = "It is “data” that matters."
    assert tighten(english, [InlineSpan(6, 12, Mark.BOLD)], " ", " ") == [
        InlineSpan(6, 12, Mark.BOLD)]  # a space before: `**“data”**` opens fine


# ---------------------------------------------------------------------------- through MT


@pytest.mark.parametrize("pua", [False, True])
@pytest.mark.parametrize("mode", ["keep", "move"])
def test_bold_clause_lands_on_its_own_english_words(tmp_path, matcher, mode, pua):
    doc, engine, _ = _translated(tmp_path, matcher, mode, pua)
    seg = next(s for s in doc.segments() if s.source.startswith("我觉得"))
    assert _marked(seg, Mark.BOLD) == [word("数据最重要")]
    assert not any(f.startswith(FLAG_UNCERTAIN) for f in seg.flags)
    if mode == "move":  # the clause moved to the end, and the bold with it
        assert seg.target.endswith(f"{word('我觉得')} {word('数据最重要')}.")
    assert not TOKEN.search(seg.target)
    whole = next(s for s in doc.segments() if s.source.startswith("全部加粗"))
    assert _marked(whole, Mark.BOLD) == [whole.target]  # a bold sentence stays whole


@pytest.mark.parametrize("mode", ["drop", "duplicate", "reverse", "mangle"])
def test_lost_or_broken_tags_fall_back_and_are_flagged(tmp_path, matcher, mode):
    doc, engine, summary = _translated(tmp_path, matcher, mode)
    seg = next(s for s in doc.segments() if s.source.startswith("我觉得"))
    assert seg.target and not TOKEN.search(seg.target) and "ZX" not in seg.target
    # no word lost to the tags (the retry of a mangled one sends the clause untagged, whole)
    clauses = ("我觉得数据最重要", "其他的都不重要") if mode == "mangle" else (
        "我觉得", "数据最重要", "其他的都不重要")
    for chinese in clauses:
        assert word(chinese) in seg.target
    assert f"{FLAG_UNCERTAIN}:bold" in seg.flags
    bold = _marked(seg, Mark.BOLD)
    assert len(bold) == 1 and bold[0].strip()  # placed somewhere sensible, never dropped
    assert [i.segment for i in formatting_issues(doc) if i.kind is Kind.FORMATTING] == [
        s.id for s in doc.segments() if any(f.startswith(FLAG_UNCERTAIN) for f in s.flags)]
    if mode == "mangle":  # a broken token makes the segment go again, without tags
        assert summary.retried >= 1


def test_link_and_code_through_mt(tmp_path, matcher):
    doc, engine, _ = _translated(tmp_path, matcher)
    seg = next(s for s in doc.segments() if s.source.startswith("请看"))
    links = [(seg.target[s.start:s.end], s.href) for s in seg.target_spans if s.mark == Mark.LINK]
    assert links == [(word("官网"), "https://example.org/docs")]
    assert _marked(seg, Mark.CODE) == ["pip install bitext"]
    # the code never reached the model as text: it travelled as a keep-as-is placeholder
    assert not any("pip install" in text for call in engine.calls for text in call)
    italic = next(s for s in doc.segments() if s.source.startswith("这是"))
    assert _marked(italic, Mark.ITALIC) == [word("真正的")]


def test_memory_without_tags_estimates_and_flags(tmp_path):
    doc = _doc(tmp_path, "第二，**带来了 scaling law 的新方向**。\n")
    seg = next(doc.segments())
    spans, flags = place(seg, "Second, it opens up a new direction for the scaling law.")
    target = "Second, it opens up a new direction for the scaling law."
    assert [target[s.start:s.end] for s in spans] == [
        "it opens up a new direction for the scaling law"]
    assert flags == [f"{FLAG_UNCERTAIN}:bold"]


# ---------------------------------------------------------------------------- writers


def test_writers_render_each_span_exactly(tmp_path, matcher):
    doc, _, _ = _translated(tmp_path, matcher)
    from pipeline.run import Options
    from pipeline.stages.review import review_segments

    review = review_segments(list(doc.segments()), matcher)
    options = Options()
    bold, link = word("数据最重要"), word("官网")

    markdown_writer.write_english(doc, tmp_path / "en.md", review, options)
    html = MarkdownIt("commonmark").render((tmp_path / "en.md").read_text(encoding="utf-8"))
    strong = re.findall(r"<strong>(.*?)</strong>", html)
    assert bold in strong and "全部加粗" not in html
    assert f'<a href="https://example.org/docs">{link}</a>' in html
    assert "<code>pip install bitext</code>" in html
    assert f"<em>{word('真正的')}</em>" in html
    assert not any(word("其他的都不重要") in s for s in strong)  # the plain clause stays plain

    html_writer.write_english(doc, tmp_path / "en.html", review, options)
    page = (tmp_path / "en.html").read_text(encoding="utf-8")
    assert f"<strong>{bold}</strong>" in page
    assert f'<a href="https://example.org/docs">{link}</a>' in page

    docx_writer.write_english(doc, tmp_path / "en.docx", review, options)
    with zipfile.ZipFile(tmp_path / "en.docx") as zf:
        body = etree.fromstring(zf.read("word/document.xml"))
        rels = zf.read("word/_rels/document.xml.rels").decode()
    ns = {"w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main"}
    bold_runs = ["".join(r.itertext()) for r in body.iterfind(".//w:r", ns)
                 if r.find("w:rPr/w:b", ns) is not None]
    assert bold in bold_runs and not any(word("其他的都不重要") in t for t in bold_runs)
    linked = ["".join(h.itertext()) for h in body.iterfind(".//w:hyperlink", ns)]
    assert link in linked and "https://example.org/docs" in rels


CORPUS = sorted(p for p in (ROOT / "tests" / "corpus").glob("*.md") if p.name != "SOURCES.md")


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.stem)
def test_parallel_markdown_renders_the_corpus_formatting(tmp_path, path):
    """Every real text's bold, italic, links and code, written as the parallel Markdown's
    Chinese side, parse back as that formatting: no literal `**`, no mark lost."""
    from pipeline.run import Options
    from pipeline.stages.review import Review

    doc = read_document(path)
    markdown_writer.write_parallel(doc, tmp_path / "p.md", Review(), Options())
    html = MarkdownIt("commonmark").enable("table").render(
        (tmp_path / "p.md").read_text(encoding="utf-8"))
    text_of = lambda fragment: re.sub(r"<[^>]+>", "", fragment)  # noqa: E731
    strong = " ".join(text_of(s) for s in re.findall(r"<strong>(.*?)</strong>", html, re.S))
    em = " ".join(text_of(s) for s in re.findall(r"<em>(.*?)</em>", html, re.S))
    code = " ".join(re.findall(r"<code>(.*?)</code>", html, re.S))
    hrefs = set(re.findall(r'<a href="([^"]+)"', html))
    import html as htmllib

    checked = 0
    for seg in doc.body_segments():
        for span in seg.spans:
            shown = seg.display[span.start:span.end].strip(" ，。、：；！？,.:;!?“”「」（）()")
            if not shown:
                continue
            checked += 1
            if span.mark == Mark.BOLD:
                assert htmllib.escape(shown, quote=False) in strong, (seg.id, shown)
            elif span.mark == Mark.ITALIC:
                assert htmllib.escape(shown, quote=False) in em, (seg.id, shown)
            elif span.mark == Mark.CODE:
                assert seg.display[span.start:span.end] in htmllib.unescape(code), (seg.id, shown)
            else:
                assert htmllib.escape(span.href or "") in hrefs, (seg.id, span.href)
    body = re.sub(r"<code>.*?</code>", "", html, flags=re.S)
    assert "**" not in text_of(body)
    if any(seg.spans for seg in doc.body_segments()):
        assert checked


def test_bold_that_starts_with_a_glossary_term_holds_its_english(tmp_path, matcher):
    doc = _doc(tmp_path, "张鹏：我觉得**强化学习最重要**，其他的都不重要。\n\n李明：对。\n\n"
                         "张鹏：好。\n\n李明：是的。\n")
    engine = TagEngine("keep")
    Translator(matcher, engine=engine).run(doc)
    seg = next(doc.segments())
    sent = next(t for call in engine.calls for t in call if "最重要" in t)
    opening = LATIN.token(LATIN.tag(0, True))
    assert re.search(rf"{opening} ZXQ\d+ 最重要", sent), sent  # the tag opens before the term
    assert _marked(seg, Mark.BOLD) == [f"reinforcement learning {word('最重要')}"]


def test_editors_note_keeps_its_link_and_bold_in_every_writer(tmp_path):
    """A source note's formatting is rendered in the footnote too; in the DOCX its link is
    related from the footnotes part, where the footnote lives."""
    doc_path = tmp_path / "talk.md"
    doc_path.write_text("张鹏：我们用了强化学习\\*。\n\n李明：对。\n\n张鹏：好。\n\n李明：是。\n\n"
                        "\\*注：详见[论文](https://example.org/p)的**第二节**。\n", encoding="utf-8")
    from pipeline.cli import main

    assert main(["translate", str(doc_path), "--model", "none", "-o", str(tmp_path / "o"),
                 "--formats", "parallel.md,parallel.html,parallel.docx", "--quiet"]) == 3
    out = tmp_path / "o" / "talk"
    md = (out / "talk.parallel.md").read_text(encoding="utf-8")
    assert "[论文](https://example.org/p)的**第二节**" in md
    page = (out / "talk.parallel.html").read_text(encoding="utf-8")
    assert '<a href="https://example.org/p">论文</a>的<strong>第二节</strong>' in page
    with zipfile.ZipFile(out / "talk.parallel.docx") as zf:
        notes = etree.fromstring(zf.read("word/footnotes.xml"))
        rels = zf.read("word/_rels/footnotes.xml.rels").decode()
    ns = {"w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
          "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships"}
    link = notes.find(".//w:hyperlink", ns)
    assert link is not None and "".join(link.itertext()) == "论文"
    rid = link.get(f"{{{ns['r']}}}id")
    assert f'Id="{rid}"' in rels and "https://example.org/p" in rels


def test_heading_keeps_its_code_and_link_but_not_its_style_bold(tmp_path, matcher):
    doc = _doc(tmp_path, "# 标题\n\n## 01 **用 `vllm` 部署**\n\n正文在这里。\n\n"
                         "## 02 参考[文档](https://example.org/d)\n\n更多正文。\n")
    title = next(s.title for s in doc.sections if s.number == "01")
    assert [(title.source[s.start:s.end], s.mark) for s in title.spans] == [("vllm", Mark.CODE)]
    engine = TagEngine("keep")
    Translator(matcher, engine=engine).run(doc)
    assert not any("vllm" in t for call in engine.calls for t in call)  # code is not translated
    assert _marked(title, Mark.CODE) == ["vllm"]
    from pipeline.run import Options
    from pipeline.stages.review import Review

    markdown_writer.write_english(doc, tmp_path / "en.md", Review(), Options())
    text = (tmp_path / "en.md").read_text(encoding="utf-8")
    assert "## 01 · " in text and "`vllm`" in text
    assert f"[{word('文档')}](https://example.org/d)" in text


def test_memory_formatting_is_taken_as_the_translator_left_it(tmp_path):
    """A unit whose Chinese carries the segment's bold gives its English spans as they are,
    none included (the translator dropped the bold); a unit with no formatting says nothing."""
    from pipeline.stages.inline import memory_spans

    seg = next(_doc(tmp_path, "我觉得**数据最重要**，其他的都不重要。\n").segments())
    target = "To me data matters most; the rest does not."
    bold = [InlineSpan(3, 8, Mark.BOLD)]
    english = [InlineSpan(6, 23, Mark.BOLD)]
    assert memory_spans(seg, seg.source, bold, english) == english
    assert place(seg, target, known=memory_spans(seg, seg.source, bold, [])) == ([], [])
    assert memory_spans(seg, seg.source, [], english) is None  # says nothing: estimated
    spans, flags = place(seg, target, known=memory_spans(seg, seg.source, [], []))
    assert flags == [f"{FLAG_UNCERTAIN}:bold"] and len(spans) == 1
    # a unit bold over other words is not this segment's formatting
    assert memory_spans(seg, seg.source, [InlineSpan(0, 3, Mark.BOLD)], english) is None
