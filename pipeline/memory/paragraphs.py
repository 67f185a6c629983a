"""Paragraph units: a memory made at paragraph level (OmegaT's default) against sentence segments.

bitext segments a paragraph into sentences, so a unit holding the whole paragraph never matches
one sentence. Here the paragraph's sentences are joined and looked up as one; on a hit the
English is split into sentences and aligned to the Chinese ones by length (Gale–Church style
beads 1:1, 1:2, 2:1, 1:3, 3:1). Every sentence that took its English this way is flagged
`tm-paragraph`, and one that shares an English sentence with its neighbour `tm-paragraph-merged`,
so a reviewer knows the split was computed, not translated.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..model import Document
from .store import TranslationMemory
from .units import Level

_EN_SENTENCE = re.compile(r"(?<=[.!?])[\"”’)\]]*\s+(?=[\"“‘(\[]?[A-Z0-9])")
_BEADS = ((1, 1), (1, 2), (2, 1), (1, 3), (3, 1))
FLAG_SPLIT = "tm-paragraph"
FLAG_MERGED = "tm-paragraph-merged"


@dataclass
class ParagraphHit:
    target: str
    flags: list[str] = field(default_factory=list)


def english_sentences(text: str) -> list[str]:
    return [s.strip() for s in _EN_SENTENCE.split(text) if s.strip()]


def align(chinese: list[str], english: list[str]) -> list[tuple[list[int], list[int]]]:
    """Monotone beads (Chinese indexes, English indexes) minimising the length-share mismatch."""
    zt, et = sum(map(len, chinese)) or 1, sum(map(len, english)) or 1
    n, m = len(chinese), len(english)
    inf = float("inf")
    cost = [[inf] * (m + 1) for _ in range(n + 1)]
    back: list[list[tuple[int, int] | None]] = [[None] * (m + 1) for _ in range(n + 1)]
    cost[0][0] = 0.0
    for i in range(n + 1):
        for j in range(m + 1):
            if cost[i][j] == inf:
                continue
            for a, b in _BEADS:
                if i + a > n or j + b > m:
                    continue
                share = (sum(map(len, chinese[i:i + a])) / zt
                         - sum(map(len, english[j:j + b])) / et)
                c = cost[i][j] + share * share + (0.0 if a == b else 0.01)
                if c < cost[i + a][j + b]:
                    cost[i + a][j + b] = c
                    back[i + a][j + b] = (a, b)
    if back[n][m] is None:
        return [(list(range(n)), list(range(m)))]
    beads = []
    i, j = n, m
    while i or j:
        step = back[i][j]
        assert step is not None
        a, b = step
        beads.append((list(range(i - a, i)), list(range(j - b, j))))
        i, j = i - a, j - b
    return beads[::-1]


def split_target(chinese: list[str], target: str) -> list[ParagraphHit]:
    english = english_sentences(target)
    hits = [ParagraphHit("", [FLAG_SPLIT]) for _ in chinese]
    for zh_ids, en_ids in align(chinese, english):
        text = " ".join(english[k] for k in en_ids)
        hits[zh_ids[0]].target = text
        for k in zh_ids[1:]:
            hits[k].flags.append(FLAG_MERGED)
        if len(zh_ids) > 1:
            hits[zh_ids[0]].flags.append(FLAG_MERGED)
    return hits


def paragraph_targets(doc: Document, tm: TranslationMemory) -> dict[str, ParagraphHit]:
    """Segment id → English from a paragraph unit, for paragraphs of two or more sentences."""
    out: dict[str, ParagraphHit] = {}
    for section in doc.sections:
        for para in section.paragraphs:
            segments = para.segments
            if len(segments) < 2:
                continue
            unit = tm.exact("".join(s.source for s in segments), kind="paragraph")
            if unit is None:
                continue
            for seg, hit in zip(segments, split_target([s.source for s in segments],
                                                        unit.target)):
                out[seg.id] = hit
    return out


def paragraph_suggestions(doc: Document, tm: TranslationMemory) -> dict[str, list[dict]]:
    """Fuzzy paragraph-level suggestions, offered on the paragraph's first sentence."""
    out: dict[str, list[dict]] = {}
    for section in doc.sections:
        for para in section.paragraphs:
            if len(para.segments) < 2 or all(tm.get(s.source) for s in para.segments):
                continue
            found = tm.fuzzy("".join(s.source for s in para.segments), level=Level.PARAGRAPH)
            if found:
                out[para.segments[0].id] = [
                    {"source": u.source, "target": u.target, "similarity": round(score, 3),
                     "level": "paragraph"} for score, u in found]
    return out
