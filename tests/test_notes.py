"""Translator's notes at the term: placement, crowding, one note per entity, the term first.

Real glossary files (TSV, written here or shipped), the real matcher and annotate stage, and the
real writers; the assertions read the rendered text."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from pipeline.glossary.matcher import TermMatcher
from pipeline.glossary.termbase import load_glossary
from pipeline.model import Document, Note, Paragraph, Section, Segment
from pipeline.stages.annotate import MAX_MARKS_AT_ONE_SPOT, annotate
from pipeline.writers.common import footnote_numbers, split_at_notes
from pipeline.writers.html import english_html, parallel_html
from pipeline.writers.markdown import english_markdown, parallel_markdown

HEADER = "source\ttarget\tforbidden\tcategory\tnote\tkeep\tcontext\ttier\tsense\tadmitted\n"
GLOSSARY = HEADER + "".join("\t".join(row) + "\t" * (9 - len(row) + 1) + "\n" for row in [
    ("阶跃星辰", "StepFun", "", "org", "Shanghai AI start-up."),
    ("阶跃", "StepFun", "", "org", "A second note text for the same company."),
    ("月之暗面", "Moonshot AI", "", "org", "Beijing AI start-up."),
    ("生数科技", "ShengShu Technology", "", "org", "Tsinghua spin-out."),
    ("极客公园", "GeekPark", "", "org", "Technology media company."),
    ("云栖大会", "Apsara Conference", "", "event", "Alibaba Cloud's conference."),
])


def _doc(pairs: list[tuple[str, str | None]]) -> Document:
    segs = [Segment(id=f"1.1.{i}", source=zh, target=en) for i, (zh, en) in enumerate(pairs, 1)]
    return Document(title=None, sections=[Section(id="1", paragraphs=[
        Paragraph(id="1.1", segments=segs)])])


@pytest.fixture()
def glossary(tmp_path: Path):
    path = tmp_path / "terms.tsv"
    path.write_text(GLOSSARY, encoding="utf-8")
    return load_glossary([path], with_shipped=False)


def _annotated(glossary, pairs) -> Document:
    doc = _doc(pairs)
    annotate(doc, glossary, TermMatcher(glossary))
    return doc


def test_mark_follows_the_term_in_every_writer(glossary):
    doc = _annotated(glossary, [
        ("阶跃星辰创始人姜大昕和月之暗面的杨植麟都在。",
         "Jiang Daxin, founder of StepFun, and Yang Zhilin of Moonshot AI were both there.")])
    md = english_markdown(doc)
    assert "founder of StepFun[^1], and Yang Zhilin of Moonshot AI[^2] were both there." in md
    assert "[^1]: *Translator's note:* **StepFun**: Shanghai AI start-up." in md
    assert "[^2]: *Translator's note:* **Moonshot AI**: Beijing AI start-up." in md
    # the parallel text names the Chinese term too; the English edition carries no Chinese
    assert "**StepFun (阶跃星辰)**: Shanghai AI start-up." in parallel_markdown(doc)
    html = english_html(doc)
    assert re.search(r"StepFun(</span>)?<a class=\"fnref\" href=\"#fn-1\"[^>]*>1</a>, and", html)
    assert "<em>Translator's note:</em> <b>StepFun (阶跃星辰)</b>: Shanghai AI start-up." \
        in parallel_html(doc)


def test_never_more_than_two_marks_at_one_spot(glossary):
    # the English names none of the terms: every mark would fall at the sentence's end
    doc = _annotated(glossary, [
        ("阶跃星辰、月之暗面和生数科技都来了。", "Three start-ups came."),
        ("生数科技也在极客公园发言。", "ShengShu Technology spoke too."),
        ("没有提到。", "Nothing."),
    ])
    first, second, _ = list(doc.segments())
    assert len(first.note_ids) == MAX_MARKS_AT_ONE_SPOT == 2
    # the third moved to the term's next mention, where the English names it
    notes = {n.id: n for n in doc.notes}
    moved = [notes[n] for n in second.note_ids]
    assert [n.term for n in moved] == ["ShengShu Technology", "GeekPark"]
    assert moved[0].target_offset == len("ShengShu Technology")
    numbers = footnote_numbers(doc)
    for seg in doc.segments():
        for _text, ids in split_at_notes(seg, seg.target or "", notes, numbers):
            assert len(ids) <= MAX_MARKS_AT_ONE_SPOT
    md = english_markdown(doc)
    assert "Three start-ups came.[^1][^2]" in md
    assert "ShengShu Technology[^3] spoke too.[^4]" in md


def test_a_note_with_no_later_mention_is_dropped_not_piled(glossary):
    doc = _annotated(glossary, [("阶跃星辰、月之暗面和生数科技都来了。", "Three came.")])
    assert len(doc.notes) == 2
    assert not re.search(r"(\[\^\d+\]){3}", english_markdown(doc))


def test_one_note_per_entity(glossary):
    doc = _annotated(glossary, [
        ("阶跃星辰发布了模型。", "StepFun released a model."),
        ("阶跃又发布了一个。", "StepFun released another."),
    ])
    assert [n.term for n in doc.notes] == ["StepFun"]
    assert "A second note text" not in english_markdown(doc)


def test_source_note_is_not_repeated_by_a_glossary_note(glossary):
    doc = _doc([("阶跃星辰发布了模型。", "StepFun released a model.")])
    doc.notes.append(Note(id="n1", anchor="9.9.9", segment=Segment(
        id="n1", source="阶跃星辰是一家上海公司。", target="StepFun is a Shanghai company.")))
    annotate(doc, glossary, TermMatcher(glossary))
    assert [n.kind for n in doc.notes] == ["editor"]


def test_an_overlaid_empty_note_switches_the_shipped_note_off(tmp_path: Path):
    shipped = load_glossary()
    assert shipped.lookup("跃问").note  # the shipped term base explains Yuewen
    mine = tmp_path / "mine.tsv"
    mine.write_text(HEADER + "跃问\tYuewen\t\tproduct\t\t\t\t\t\t\n", encoding="utf-8")
    overlaid = load_glossary([mine], with_shipped=True)
    pairs = [("我们做了跃问。", "We built Yuewen.")]
    with_note = _doc(pairs)
    annotate(with_note, shipped, TermMatcher(shipped))
    assert [n.term for n in with_note.notes] == ["Yuewen"]
    without = _doc(pairs)
    annotate(without, overlaid, TermMatcher(overlaid))
    assert without.notes == [] and "[^" not in english_markdown(without)


def _editions(doc: Document, tmp_path: Path) -> dict[str, str]:
    """Every edition's text: Markdown, HTML and the DOCX documents with their footnotes."""
    import zipfile

    from pipeline.writers.docx_writer import write_english_docx, write_parallel_docx

    out = {"en.md": english_markdown(doc), "parallel.md": parallel_markdown(doc),
           "en.html": english_html(doc), "parallel.html": parallel_html(doc)}
    for name, write in (("en.docx", write_english_docx), ("parallel.docx", write_parallel_docx)):
        write(doc, tmp_path / name)
        with zipfile.ZipFile(tmp_path / name) as z:
            out[name] = "".join(z.read(n).decode() for n in z.namelist()
                                if n.startswith("word/") and n.endswith(".xml"))
    return out


def test_annotate_no_keeps_the_note_text_but_shows_no_note(tmp_path: Path):
    # 阶跃星辰 has a note but `annotate` no; 月之暗面's note is shown as before
    path = tmp_path / "terms.tsv"
    path.write_text(HEADER.rstrip("\n") + "\tprovenance\tannotate\n"
                    "阶跃星辰\tStepFun\t\torg\tShanghai AI start-up.\t\t\t\t\t\t\tno\n"
                    "月之暗面\tMoonshot AI\t\torg\tBeijing AI start-up.\t\t\t\t\t\t\tyes\n",
                    encoding="utf-8")
    terms = load_glossary([path], with_shipped=False)
    assert terms.lookup("阶跃星辰").note == "Shanghai AI start-up."  # kept for another edition
    doc = _annotated(terms, [("阶跃星辰和月之暗面都在。", "StepFun and Moonshot AI were both there.")])
    assert [n.term for n in doc.notes] == ["Moonshot AI"]
    editions = _editions(doc, tmp_path)
    for name, text in editions.items():
        assert "Shanghai AI start-up" not in text, name
        assert "Beijing AI start-up" in text, name
    assert "StepFun and Moonshot AI[^1] were both there." in editions["en.md"]
    assert "[^2]" not in editions["en.md"] and "[^2]" not in editions["parallel.md"]


def test_an_overlay_with_annotate_no_switches_the_shipped_note_off(tmp_path: Path):
    shipped = load_glossary()
    note = shipped.lookup("跃问").note
    mine = tmp_path / "mine.tsv"
    mine.write_text("source\ttarget\tcategory\tnote\tannotate\n"
                    f"跃问\tYuewen\tproduct\t{note}\tno\n", encoding="utf-8")
    overlaid = load_glossary([mine], with_shipped=True)
    doc = _annotated(overlaid, [("我们做了跃问。", "We built Yuewen.")])
    assert doc.notes == []
    assert all(note not in text and "fn-1" not in text
               for text in _editions(doc, tmp_path).values())
    assert "We built Yuewen.\n" in english_markdown(doc) and "[^" not in english_markdown(doc)


def test_untranslated_segment_keeps_its_marks_at_the_end(glossary):
    doc = _annotated(glossary, [("阶跃星辰发布了模型。", None)])
    assert "\n阶跃星辰发布了模型。[^1]\n" in english_markdown(doc)


def test_chinese_column_marks_follow_the_chinese_term(glossary):
    doc = _annotated(glossary, [
        ("阶跃星辰创始人姜大昕和月之暗面的杨植麟都在。",
         "Jiang Daxin, founder of StepFun, and Yang Zhilin of Moonshot AI were both there.")])
    assert "阶跃星辰⁽¹⁾创始人姜大昕和月之暗面⁽²⁾的杨植麟都在。" in parallel_markdown(doc)


def test_marks_inside_the_docx_text_do_not_enter_the_round_trip(glossary, tmp_path: Path):
    from pipeline.readers.docx_parallel import read_parallel_docx
    from pipeline.writers.docx_writer import write_parallel_docx

    pairs = [("阶跃星辰创始人姜大昕和月之暗面的杨植麟都在。",
              "Jiang Daxin, founder of StepFun, and Yang Zhilin of Moonshot AI were both there.")]
    doc = _annotated(glossary, pairs)
    write_parallel_docx(doc, tmp_path / "p.docx")
    assert [row[:3] for row in read_parallel_docx(tmp_path / "p.docx")] == [("1.1.1", *pairs[0])]
