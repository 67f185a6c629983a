"""`bitext terms`: what a translator would add to the glossary before translating a new text."""
from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

from pipeline.glossary.discover import Kind, discover
from pipeline.glossary.matcher import TermMatcher
from pipeline.glossary.termbase import Glossary, load_glossary
from pipeline.readers import read_document

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "input" / "o1-roundtable.md"


def _texts(path: Path) -> tuple[list[str], list[str]]:
    doc = read_document(path)
    return [s.source for s in doc.segments()], doc.speakers


def test_people_and_products_surface_when_the_glossary_lacks_them() -> None:
    """With only concepts in the term base, the sample's people and products must be found."""
    full = load_glossary()
    concepts = Glossary([e for e in full.entries if e.category == "concept"])
    texts, speakers = _texts(SAMPLE)
    found = {c.source: c for c in discover(texts, TermMatcher(concepts), speakers=speakers)}
    for name in ("张鹏", "杨植麟", "姜大昕", "朱军"):
        assert found[name].kind is Kind.PERSON, name
        assert found[name].suggestion.split()[0] in ("Zhang", "Yang", "Jiang", "Zhu")
    assert found["张鹏"].suggestion == "Zhang Peng"
    for product in ("OpenAI", "ChatGPT"):
        assert product in found and found[product].suggestion == product
    # everyday words are not terms, and fragments of phrases are not either
    for word in ("觉得", "大家", "非常", "我们", "这个", "度上"):
        assert word not in found, word


def test_known_terms_are_not_offered_again() -> None:
    texts, speakers = _texts(SAMPLE)
    glossary = load_glossary()
    matcher = TermMatcher(glossary)
    found = discover(texts, matcher, speakers=speakers)
    known = {form for e in glossary.entries for form in e.sources}
    assert not [c.source for c in found if c.source in known]
    assert all(c.count >= 1 and c.context for c in found)
    # ranked by importance
    assert [c.score for c in found] == sorted((c.score for c in found), reverse=True)


def test_an_authors_own_gloss_is_the_suggestion(tmp_path: Path) -> None:
    text = tmp_path / "gloss.md"
    text.write_text("# 线性注意力\n\n杨松琳介绍了线性注意力机制（Linear Attention）的进展。"
                    "她认为线性注意力机制还会继续改进。线性注意力机制降低了解码成本。\n",
                    encoding="utf-8")
    texts, speakers = _texts(text)
    found = {c.source: c for c in discover(texts, TermMatcher(Glossary([])), speakers=speakers)}
    assert found["线性注意力机制"].suggestion == "Linear Attention"
    assert found["线性注意力机制"].suggested_from == "the text's own gloss"


def test_worksheet_imports_once_filled_in(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    sheet = tmp_path / "terms.tsv"
    run = subprocess.run([sys.executable, "-m", "pipeline", "terms", str(SAMPLE), "-o", str(sheet),
                          "--top", "5"], capture_output=True, text=True, env=env, check=True)
    assert "candidate terms not in the glossary" in run.stdout
    rows = list(csv.DictReader(sheet.open(encoding="utf-8"), delimiter="\t"))
    assert rows and {"source", "target", "category", "count", "example"} <= set(rows[0])
    into = tmp_path / "mine.tsv"
    imp = subprocess.run([sys.executable, "-m", "pipeline", "glossary", "import", str(sheet),
                          "--skip-untranslated", "--into", str(into)],
                         capture_output=True, text=True, env=env)
    assert imp.returncode == 0, imp.stderr
    suggested = {r["source"] for r in rows if r["target"]}
    imported = {e.sources[0] for e in load_glossary([into]).entries}
    assert imported == suggested and imported
