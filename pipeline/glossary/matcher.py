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
from .senses import Decided, choose_sense
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
    decided: Decided = Decided.ONLY
    alternatives: tuple[Entry, ...] = ()  # the other senses of the same form


class TermMatcher:
    def __init__(self, glossary: Glossary) -> None:
        self.glossary = glossary
        self._automaton = ahocorasick.Automaton()
        by_form: dict[str, list[Entry]] = {}
        for entry in glossary.entries:
            for form in entry.forms():
                by_form.setdefault(_fold(form), []).append(entry)
        for form, entries in by_form.items():
            # context rules first, then senses, so the plain entry is the fallback
            entries.sort(key=lambda e: (not e.context, not e.sense))
            fixed = entries[0] if len(entries) == 1 else None  # no rule to evaluate
            self._automaton.add_word(form, (len(form), fixed, tuple(entries),
                                            bool(_ASCII_WORD.match(form[0])),
                                            bool(_ASCII_WORD.match(form[-1]))))
        self._empty = not by_form
        if not self._empty:
            self._automaton.make_automaton()

    def find(self, text: str, *, paragraph: str = "",
             document: dict[str, Entry] | None = None) -> list[Match]:
        """Leftmost-longest, non-overlapping matches, in order.

        For each start only the longest usable form is kept (usable: Latin word boundaries hold
        and a context rule or default entry applies), then starts are taken left to right.
        Forms are unique keys, so the result is deterministic. Where a form has several senses,
        the sentence's cue words choose, then the `paragraph`'s, then the `document` default
        (see `document_senses`), then the glossary's order.
        """
        if self._empty or not text:
            return []
        folded = _fold(text)
        n = len(folded)
        best: dict[int, tuple[int, Entry, Decided, tuple[Entry, ...]]] = {}
        get = best.get
        for end_index, (length, entry, entries, ascii_start, ascii_end) in self._automaton.iter(folded):
            start = end_index - length + 1
            current = get(start)
            if current is not None and length <= current[0]:
                continue
            if ascii_start and start > 0 and (_ASCII_WORD.match(folded[start - 1]) or (
                    folded[start - 1] == "-" and start > 1 and _ASCII_WORD.match(folded[start - 2]))):
                continue  # "AI" inside "OpenAI", "MoE" inside "MiniCPM-MoE-8x2B"
            if ascii_end and end_index + 1 < n and (_ASCII_WORD.match(folded[end_index + 1]) or (
                    folded[end_index + 1] == "-" and end_index + 2 < n
                    and _ASCII_WORD.match(folded[end_index + 2]))):
                continue
            if entry is not None:
                best[start] = (length, entry, Decided.ONLY, ())
                continue
            chosen = choose_sense(entries, text, start, end_index + 1, paragraph, document)
            if chosen is None:
                continue
            best[start] = (length, chosen[0], chosen[1],
                           tuple(e for e in entries if e is not chosen[0] and (e.sense or not e.context)))
        out: list[Match] = []
        position = 0
        for start in sorted(best):
            if start < position:
                continue
            length, entry, decided, others = best[start]
            out.append(Match(start, start + length, text[start:start + length], entry, decided,
                             others))
            position = start + length
        return out

    def hits(self, text: str) -> list[TermHit]:
        return [TermHit(m.entry.id, m.form, m.entry.target, m.start, m.end) for m in self.find(text)]


# -- English side --------------------------------------------------------------------------
_VOWELS = "aeiou"


def _spelling(word: str) -> str:
    """One word as a pattern that accepts British and American spelling (-ise/-ize,
    -isation/-ization, -our/-or, -yse/-yze, -elled/-eled)."""
    out = re.escape(word)
    out = re.sub(r"i[sz](?=e|ation|ing|ed)", "i[sz]", out)
    out = re.sub(r"y[sz](?=e|ed|ing)", "y[sz]", out)
    out = re.sub(r"(?<=[a-z])ou?r(?=$|s$)", "ou?r", out)
    return out


def _inflections(word: str) -> str:
    """The last word of a term with its inflections only: plural and possessive, -ed, -ing,
    -s. Derivation is a different word: "quantification" is not "quantization", "reason" not
    "reasoning", "general" not "generalization", "computers" not "compute"."""
    low = word.lower()
    if not low.isalpha() or len(low) <= 2:
        return re.escape(word) + r"(?:s|es|'s|s')?"  # "H100s", "LLMs"
    if re.search(r"i[sz]ations?$", low):
        # the action noun and its verb are one word in two roles: 量化 is "quantization" and
        # "quantize the model", "the quantized model"
        stem = _spelling(word[:re.search(r"i[sz]ations?$", low).start()])
        return stem + r"i[sz](?:ations?|e|es|ed|ing)"
    if low.endswith("ing"):
        # "fine-tuned model", "pre-trained weights": the participle of the same verb; the bare
        # verb is not accepted ("reason" is not "reasoning")
        return _spelling(word[:-3]) + r"(?:ings?|ing's|ed)"
    if low.endswith("e"):
        stem = _spelling(word[:-1])
        return stem + r"(?:e|es|ed|ing|e's|es')"
    if low.endswith("y") and len(low) > 3 and low[-2] not in _VOWELS:
        stem = _spelling(word[:-1])
        return stem + r"(?:y|ies|ied|ying|y's)"
    base = _spelling(word)
    doubled = ""
    if len(low) >= 3 and low[-1] not in _VOWELS + "wxy" and low[-2] in _VOWELS \
            and low[-3] not in _VOWELS:
        doubled = f"|{re.escape(word[-1])}(?:ed|ing)"  # modelled, planned
    return base + rf"(?:s|es|ed|ing|'s|s'{doubled})?"


@lru_cache(maxsize=8192)
def english_pattern(term: str, inflect: bool = True) -> re.Pattern[str]:
    """Word-bounded, case-insensitive; hyphen, space (and for preferred renderings none)
    interchangeable; the last word may inflect ("reward models", "fine-tunings").

    Preferred renderings tolerate "pre-training"/"pretraining"; forbidden ones must keep a
    separator, or "Geek Park" would condemn "GeekPark"."""
    words = [w for w in re.split(r"[\s\-]+", term.strip()) if w]
    if not words:
        return re.compile(r"(?!x)x")
    parts = [_spelling(w) for w in words[:-1]]
    parts.append(_inflections(words[-1]))
    body = (r"[\s\-]?" if inflect else r"[\s\-]").join(parts)
    return re.compile(rf"(?<![A-Za-z0-9]){body}(?![A-Za-z0-9])", re.IGNORECASE)


def find_english(text: str, term: str, inflect: bool = True) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in english_pattern(term, inflect).finditer(text)]


def find_renderings(text: str, entry: Entry) -> list[tuple[int, int]]:
    """Spans of the preferred or an admitted rendering, left to right, not overlapping."""
    spans = sorted({span for r in entry.renderings() for span in find_english(text, r)},
                   key=lambda s: (s[0], -s[1]))
    out: list[tuple[int, int]] = []
    for a, b in spans:
        if not out or a >= out[-1][1]:
            out.append((a, b))
    return out
