"""Finding glossary terms: Chinese with Aho-Corasick, English with boundary-aware patterns.

pyahocorasick's `iter_long` misses matches when a longer term shares a prefix (verified here:
国家知识产权 with 知识产权 and 国家知识产权局 finds nothing), so all hits come from `iter()` and the
leftmost-longest choice is made here.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

import ahocorasick

from ..model import TermHit
from .termbase import Entry, Glossary

_ASCII_WORD = re.compile(r"[A-Za-z0-9]")


def _fold(text: str) -> str:
    """Lower-case without changing length, so offsets stay valid."""
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c if len(low := c.lower()) != 1 else low for c in text)


class Match(NamedTuple):
    """A tuple, not a dataclass: dense texts produce hundreds of thousands of these."""

    start: int
    end: int
    form: str
    entry: Entry


class TermMatcher:
    def __init__(self, glossary: Glossary) -> None:
        self.glossary = glossary
        self._automaton = ahocorasick.Automaton()
        by_form: dict[str, list[Entry]] = {}
        for entry in glossary.entries:
            for form in entry.forms():
                by_form.setdefault(_fold(form), []).append(entry)
        for form, entries in by_form.items():
            # context rules first, so the default entry is the fallback
            entries.sort(key=lambda e: not e.context)
            fixed = entries[0] if not entries[0].context else None  # no rule to evaluate
            self._automaton.add_word(form, (len(form), fixed, entries,
                                            bool(_ASCII_WORD.match(form[0])),
                                            bool(_ASCII_WORD.match(form[-1]))))
        self._empty = not by_form
        if not self._empty:
            self._automaton.make_automaton()

    def find(self, text: str) -> list[Match]:
        """Leftmost-longest, non-overlapping matches, in order.

        For each start only the longest usable form is kept (usable: Latin word boundaries hold
        and a context rule or default entry applies), then starts are taken left to right.
        Forms are unique keys, so the result is deterministic.
        """
        if self._empty or not text:
            return []
        folded = _fold(text)
        n = len(folded)
        best: dict[int, tuple[int, Entry]] = {}
        get = best.get
        for end_index, (length, entry, entries, ascii_start, ascii_end) in self._automaton.iter(folded):
            start = end_index - length + 1
            current = get(start)
            if current is not None and length <= current[0]:
                continue
            if ascii_start and start > 0 and _ASCII_WORD.match(folded[start - 1]):
                continue  # "AI" inside "OpenAI"
            if ascii_end and end_index + 1 < n and _ASCII_WORD.match(folded[end_index + 1]):
                continue
            if entry is None:
                entry = next((e for e in entries
                              if not e.context or e.context_matches(text, start, end_index + 1)),
                             None)
                if entry is None:
                    continue
            best[start] = (length, entry)
        out: list[Match] = []
        position = 0
        for start in sorted(best):
            if start < position:
                continue
            length, entry = best[start]
            out.append(Match(start, start + length, text[start:start + length], entry))
            position = start + length
        return out

    def hits(self, text: str) -> list[TermHit]:
        return [TermHit(m.entry.id, m.form, m.entry.target, m.start, m.end) for m in self.find(text)]


# -- English side --------------------------------------------------------------------------
_SUFFIXES = ("izations", "ization", "ations", "ation", "izing", "ized", "izes", "ize", "ings",
             "ing", "ies", "es", "ed", "s", "e", "y")


def stem(word: str) -> str:
    low = word.lower()
    for suffix in _SUFFIXES:
        if low.endswith(suffix) and len(low) - len(suffix) >= 4:
            return word[: len(word) - len(suffix)]
    return word


@lru_cache(maxsize=8192)
def english_pattern(term: str, inflect: bool = True) -> re.Pattern[str]:
    """Word-bounded, case-insensitive; hyphen/space interchangeable; the last word may inflect
    ("reward models", "generalize" for "generalization")."""
    words = re.split(r"[\s\-]+", term.strip())
    parts = [re.escape(w) for w in words]
    if inflect and words and words[-1].isalpha() and len(words[-1]) > 3:
        parts[-1] = re.escape(stem(words[-1])) + r"[a-z]*"
    elif inflect and words:
        parts[-1] = re.escape(words[-1]) + r"(?:s|es|'s)?"  # "H100s", "LLMs"
    # inflected (preferred) renderings tolerate "pre-training"/"pretraining"; forbidden ones
    # must match as written, or "Geek Park" would condemn "GeekPark"
    body = (r"[\s\-]?" if inflect else r"[\s\-]").join(parts)
    return re.compile(rf"(?<![A-Za-z0-9]){body}(?![A-Za-z0-9])", re.IGNORECASE)


def find_english(text: str, term: str, inflect: bool = True) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in english_pattern(term, inflect).finditer(text)]
