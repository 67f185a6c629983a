"""Choosing between senses of one Chinese form (推理: inference or reasoning?).

A sense entry lists cue words in the glossary's `sense` column. The sentence's cues decide
first, then the paragraph's, then the document's: deployment text says 部署, GPU, 延迟 around
推理; a talk about thinking says 思考, 数学, 链. Cues are words that travel to new text, not
phrases from one file, and they sit in the glossary where an editor can see and test them.
"""
from __future__ import annotations

from collections import Counter
from enum import Enum
from typing import Iterable

from .termbase import Entry


class Decided(Enum):
    """How a hit's entry was chosen; the review trusts a sense only as far as its evidence."""

    ONLY = "only"  # one entry for this form: nothing to choose
    CONTEXT = "context"  # a ~ pattern around the term (推理侧)
    SENTENCE = "sentence"  # sense cue words in the sentence
    PARAGRAPH = "paragraph"  # sense cue words in the paragraph
    DOCUMENT = "document"  # the sense the whole document's cues favour
    DEFAULT = "default"  # no evidence: the first sense in the glossary


_CLAUSE_ENDS = "，,；;。！？!?：:"
STRONG = frozenset({Decided.ONLY, Decided.CONTEXT, Decided.SENTENCE})


def cue_count(entry: Entry, text: str) -> int:
    """Occurrences of the entry's cue words in `text` (Latin cues case-insensitively)."""
    if not entry.sense or not text:
        return 0
    low = text.lower()
    return sum(low.count(cue.lower()) for cue in entry.sense)


def _winner(senses: list[Entry], text: str, exclude: tuple[int, int] | None = None) -> Entry | None:
    """The one sense with the most cues in `text`; None on a tie or no cue."""
    if exclude is not None:  # the term itself is not its own cue (推理 inside a cue 推理速度)
        text = text[:exclude[0]] + " " + text[exclude[1]:]
    counts = [(cue_count(e, text), e) for e in senses]
    top = max((c for c, _ in counts), default=0)
    winners = [e for c, e in counts if c == top]
    return winners[0] if top > 0 and len(winners) == 1 else None


def choose_sense(entries: Iterable[Entry], text: str, start: int, end: int, paragraph: str = "",
                 document: dict[str, Entry] | None = None) -> tuple[Entry, Decided] | None:
    """The entry for a hit of a form shared by `entries` (context rules first in the list)."""
    entries = list(entries)
    for e in entries:
        if e.context and e.context_matches(text, start, end):
            return e, Decided.CONTEXT
    plain = [e for e in entries if not e.context or e.sense]
    senses = [e for e in plain if e.sense]
    if not plain:
        return None
    if len(plain) == 1:
        return plain[0], Decided.ONLY
    clause_start = max(text.rfind(c, 0, start) for c in _CLAUSE_ENDS) + 1
    ends = [i for i in (text.find(c, end) for c in _CLAUSE_ENDS) if i >= 0]
    clause_end = min(ends) if ends else len(text)
    for scope_start, scope_end in ((clause_start, clause_end), (0, len(text))):
        chosen = _winner(senses, text[scope_start:scope_end], (start - scope_start, end - scope_start))
        if chosen is not None:
            return chosen, Decided.SENTENCE
    if paragraph and paragraph != text:
        chosen = _winner(senses, paragraph)
        if chosen is not None:
            return chosen, Decided.PARAGRAPH
    form = plain[0].sources[0]
    if document and form in document:
        return document[form], Decided.DOCUMENT
    # no evidence: the general sense, the one with the fewest fixed contexts (file order breaks
    # ties); 推理 → reasoning, whose inference sense lists nine deployment contexts
    return min(plain, key=lambda e: len(e.context)), Decided.DEFAULT


def document_senses(entries: Iterable[Entry], texts: Iterable[str]) -> dict[str, Entry]:
    """Per source form with several senses, the sense the whole document's cues favour.

    This is the document-level default: model documentation is full of 微调, 参数, 权重 and
    reads 基座模型 as "base model"; industry commentary says 行业, 应用, 生态 and reads it as
    "foundation model"."""
    groups: dict[str, list[Entry]] = {}
    for e in entries:
        if e.sense:
            groups.setdefault(e.sources[0], []).append(e)
    groups = {k: v for k, v in groups.items() if len(v) > 1}
    if not groups:
        return {}
    body = "\n".join(texts)
    out: dict[str, Entry] = {}
    for form, senses in groups.items():
        counts = Counter({id(e): cue_count(e, body) for e in senses})
        ranked = sorted(senses, key=lambda e: -counts[id(e)])
        if counts[id(ranked[0])] > counts[id(ranked[1])]:
            for alias in ranked[0].sources:
                out[alias] = ranked[0]
            out[form] = ranked[0]
    return out
