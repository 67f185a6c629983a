"""The shipped term base itself: loads cleanly, no duplicate or conflicting sources, every
forbidden rendering differs from the preferred one, every category known, provenance given."""
from __future__ import annotations

import re

from pipeline.glossary.matcher import TermMatcher, _fold
from pipeline.glossary.termbase import CATEGORIES, conflicts, load_file, shipped_glossary_files

FILES = shipped_glossary_files()
ENTRIES = [e for f in FILES for e in load_file(f)[0]]
LATIN = re.compile(r"^[^\u3400-\u9fff]+$")


def test_every_file_loads_without_problems() -> None:
    problems = [p for f in FILES for p in load_file(f)[1]]
    assert not problems, [str(p) for p in problems[:5]]
    assert len(ENTRIES) >= 1000


def test_no_duplicate_or_conflicting_sources_across_files() -> None:
    assert not conflicts(ENTRIES)
    seen: dict[tuple[str, tuple[str, ...]], str] = {}
    clashes = []
    for e in ENTRIES:
        for form in e.forms():  # generated variants (Traditional, Taiwan wording, spacing) too
            key = (_fold(form), tuple(e.context), tuple(e.sense))  # senses share a form
            if key in seen and seen[key] != e.id:
                clashes.append((form, e.target, seen[key]))
            seen.setdefault(key, e.id)
    assert not clashes, clashes[:5]


def test_forbidden_differs_from_preferred_and_categories_are_known() -> None:
    for e in ENTRIES:
        assert e.category in CATEGORIES, (e.sources, e.category)
        assert all(f.casefold() != e.target.casefold() for f in e.forbidden), e.sources


def test_new_entries_say_where_their_english_comes_from() -> None:
    field_files = [f for f in FILES if f.name != "ai-terms.tsv"]
    missing = [e.sources[0] for f in field_files for e in load_file(f)[0] if not e.provenance]
    assert not missing, missing[:10]


def test_keep_as_is_keeps_spelling_not_capitals() -> None:
    """Common nouns follow English sentence case ("super app" mid-sentence, not "Super App");
    brand casing is exact (MoE, o1-preview)."""
    by_source = {s: e for e in ENTRIES for s in e.sources}
    for source, target in (("Super App", "super app"), ("Podcast", "podcast"),
                           ("Reward Model", "reward model"), ("Test-Time Scaling", "test-time scaling"),
                           ("MOE", "MoE"), ("o1-preview", "o1-preview"), ("播客", "podcast")):
        assert by_source[source].target == target
    # a keep-as-is entry is kept exactly as written
    assert all(e.target in e.sources for e in ENTRIES if e.keep)


def test_taiwan_wording_is_matched() -> None:
    """A Taiwan author's words, read through t2s as every Traditional text is, still match."""
    from pipeline.glossary.termbase import Glossary
    from pipeline.script import to_simplified

    matcher = TermMatcher(Glossary(ENTRIES))
    for taiwan, target in (("推理晶片", "inference chip"), ("輝達", "Nvidia"),
                           ("演算法", "algorithm"), ("執行長", "chief executive officer")):
        hits = matcher.find(to_simplified(taiwan))
        assert hits and hits[0].entry.target == target, taiwan
