"""Align an existing human translation with its Chinese original, into the document model.

Structure first, then sentences (the order a human aligner works in):

1. Blocks — titles, section headings, paragraphs, list items, tables, code — are aligned by
   dynamic programming over the two block sequences (1–1, 1–0, 0–1 and paragraph splits/joins
   up to 1–3/3–1). Headings, tables and code pair only with their own kind, 1–1; code pairs
   when its text is the same (it is kept verbatim, never translated, so it has no segments:
   a pair is an anchor for the blocks around it and is counted, nothing is written).
2. Leftover list items are matched across positions: translators reorder lists.
3. Inside each matched group of blocks, sentences are aligned by a second DP with 1–1, 1–2,
   2–1, 1–3, 3–1 beads and 1–0/0–1 gaps. Tables with the same grid pair cell by cell (the
   grid is the evidence); otherwise their cells' sentences go through the DP, never merged
   across cells. Metadata (header lines, front matter) is not in the Chinese body at all.

A pair is rewarded by its margin score (see `align_score`) minus a threshold, a gap costs
nothing: text present in one language only is left out rather than forced onto a neighbour.
A bead of several units pays a fixed price per extra unit, less the length evidence for the
merge (`merge_cost`): the joined text's cosine barely differs from its longest part's, so
lengths decide whether a short neighbour belongs in the bead or stays out of it.
The Chinese Document receives the English as `target` (`origin="aligned"`, `score` = cosine
of the pair), so every writer works unchanged; English with no Chinese partner goes to
`doc.dropped` as `english-only`, and the report lists both kinds of orphan.
"""
from __future__ import annotations

import re
import time
from collections import Counter
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Callable

import numpy as np

from ..glossary.matcher import TermMatcher
from ..model import Document, Dropped, InlineSpan, Paragraph, ParagraphKind, Segment
from ..spans import normalise, shift
from ..embeddings.base import Embedder
from ..readers.english import BlockKind, EnglishBlock, EnglishText
from .align_score import (Features, chinese_features, english_features, feature_score,
                          knn_means, merge, merge_length_gain, pair_score)
from .align_score import W_MERGE_LENGTH

ORIGIN = "aligned"
TAU_BLOCK = -0.01  # a block pair must beat its neighbourhood by this much to be paired
TAU_SENT = -0.01  # the same for sentences
LOW_CONFIDENCE = 0.01  # paired, but within this of the threshold: an editor should look
MERGE_PENALTY = 0.01  # per extra unit in a 1–n bead: prefer 1–1 unless merging clearly helps
SANDWICH_SLACK = 0.04  # how much a structurally sandwiched 1–1 pair may fall short of the threshold
FULL_DP_CELLS = 20_000  # above this many block pairs, the DP runs in a band (two passes)
BAND = 6  # blocks either side of the first-pass path
REORDER_WINDOW = 12  # how far (in blocks) a reordered list item may travel
_SPACE = re.compile(r"\s+")


class Flag(str, Enum):
    LOW_CONFIDENCE = "align:low-confidence"
    CHINESE_ONLY = "align:chinese-only"


@dataclass
class ZhBlock:
    kind: BlockKind
    segments: list[Segment]
    paragraph: Paragraph | None = None  # None for titles

    @property
    def text(self) -> str:
        """What code is matched by: the verbatim text (code has no segments)."""
        if self.paragraph is not None and self.paragraph.kind is ParagraphKind.CODE:
            return self.paragraph.verbatim
        return "".join(s.source for s in self.segments)

    @property
    def cells(self) -> list[list[int]]:
        return self.paragraph.cells if self.paragraph is not None else []


@dataclass
class Bead:
    """One alignment unit: Chinese segments (one paragraph) ↔ English sentences."""

    zh: list[Segment]
    en: list[str]
    cos: float
    score: float
    en_keys: list[tuple[int, int]] = field(default_factory=list)  # (English block, sentence)
    en_spans: list[list[InlineSpan]] = field(default_factory=list)  # each sentence's formatting
    source: str = ""  # the Chinese as aligned (segments are merged when the bead is applied)

    def __post_init__(self) -> None:
        if not self.source:
            joiner = "" if re.search(r"[\u3400-\u9fff]", self.zh[0].source) else " "
            self.source = joiner.join(s.source for s in self.zh)

    @property
    def shape(self) -> str:
        return f"{len(self.zh)}-{len(self.en)}"

    @property
    def low_confidence(self) -> bool:
        return self.score - TAU_SENT < LOW_CONFIDENCE


@dataclass
class AlignmentReport:
    beads: list[Bead] = field(default_factory=list)
    chinese_only: list[Segment] = field(default_factory=list)
    english_only: list[tuple[str, int]] = field(default_factory=list)  # (sentence, line)
    code: list[tuple[Paragraph, EnglishBlock]] = field(default_factory=list)  # verbatim pairs
    embedded: int = 0
    units: int = 0  # texts looked up: sentences and adjacent sentence pairs
    seconds: float = 0.0

    def shapes(self) -> Counter[str]:
        return Counter(b.shape for b in self.beads)

    def low(self) -> list[Bead]:
        return [b for b in self.beads if b.low_confidence]

    def line(self) -> str:
        shapes = ", ".join(f"{k} {v}" for k, v in sorted(self.shapes().items()))
        return (f"{len(self.beads)} pairs ({shapes}); {len(self.code)} code block(s) the "
                f"same in both; {len(self.low())} low-confidence; "
                f"{len(self.chinese_only)} Chinese-only, {len(self.english_only)} English-only "
                f"sentence(s)")


def normalised(text: str) -> str:
    return _SPACE.sub("", text)


_BLOCK_KIND = {ParagraphKind.BODY: BlockKind.PARA, ParagraphKind.LIST_ITEM: BlockKind.LIST_ITEM,
               ParagraphKind.CODE: BlockKind.CODE, ParagraphKind.TABLE: BlockKind.TABLE}
_OWN_KIND = (BlockKind.HEADING, BlockKind.CODE, BlockKind.TABLE)  # pair 1–1 with their kind only


def chinese_blocks(doc: Document) -> list[ZhBlock]:
    """The Chinese document as the block sequence alignment follows (notes stay out: they are
    not part of the running text a translator follows; metadata is not in the body)."""
    blocks: list[ZhBlock] = []
    if doc.title is not None:
        blocks.append(ZhBlock(BlockKind.HEADING, [doc.title]))
    for section in doc.sections:
        if section.title is not None:
            blocks.append(ZhBlock(BlockKind.HEADING, [section.title]))
        for para in section.paragraphs:
            blocks.append(ZhBlock(_BLOCK_KIND[ParagraphKind(para.kind)], para.segments, para))
    return blocks


def _compatible(zh: BlockKind, en: BlockKind) -> bool:
    if zh in _OWN_KIND or en in _OWN_KIND:
        return zh == en
    return True


@dataclass
class _Side:
    """One language's units (sentences) with vectors, features and their neighbourhoods."""

    vectors: np.ndarray
    features: list[Features]
    knn: np.ndarray
    pairs: dict[int, np.ndarray] = field(default_factory=dict)  # u → embedding of u + (u+1)

    def vector(self, units: list[int]) -> np.ndarray:
        """A unit's vector; two adjacent sentences of one block are embedded together (as
        Vecalign does: a mean of two vectors is a poor stand-in for the joined sentence), and
        a longer bead uses those joined embeddings for the adjacent pairs it holds."""
        if len(units) == 1:
            return _unit_vector(self.vectors, units)
        parts, k = [], 0
        while k < len(units):
            u = units[k]
            if k + 1 < len(units) and u in self.pairs and units[k + 1] == u + 1:
                parts.append(self.pairs[u])
                k += 2
            else:
                parts.append(self.vectors[u])
                k += 1
        return _unit_vector(np.stack(parts), list(range(len(parts))))


def _normalise_rows(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.where(norms == 0, 1, norms)


def _unit_vector(vectors: np.ndarray, idx: list[int]) -> np.ndarray:
    v = vectors[idx].sum(axis=0)
    n = float(np.linalg.norm(v))
    return v / n if n else v


def dp_align(n: int, m: int, moves: list[tuple[int, int]],
             reward: Callable[[int, int, int, int], float | None],
             band: list[tuple[int, int]] | None = None) -> list[tuple[int, int, int, int]]:
    """Monotonic alignment maximising the summed rewards of pairs; gaps (a,0)/(0,b) are free.

    `reward(i, a, j, b)` scores pairing units i..i+a with j..j+b (threshold already subtracted;
    None: not allowed). `band[i]` = (lo, hi) limits row i to columns lo..hi (Bertalign's second
    pass: only cells near a first-pass path are explored). Returns (i, a, j, b) for every step,
    gaps included, in order.
    """
    neg = float("-inf")
    best = np.full((n + 1, m + 1), neg)
    back: dict[tuple[int, int], tuple[int, int]] = {}
    best[0, 0] = 0.0
    for i in range(n + 1):
        lo, hi = band[i] if band else (0, m)
        for j in range(lo, hi + 1):
            if i == 0 and j == 0:
                continue
            top, step = neg, (0, 0)
            for a, b in moves:
                if a > i or b > j:
                    continue
                prev = best[i - a, j - b]
                if prev == neg:
                    continue
                if a and b:
                    r = reward(i - a, a, j - b, b)
                    if r is None:
                        continue
                    value = prev + r
                else:
                    value = prev
                if value > top:
                    top, step = value, (a, b)
            best[i, j] = top
            back[(i, j)] = step
    path = []
    i, j = n, m
    while i or j:
        a, b = back[(i, j)]
        path.append((i - a, a, j - b, b))
        i, j = i - a, j - b
    return path[::-1]


def band_around(path: list[tuple[int, int, int, int]], n: int, m: int,
                width: int) -> list[tuple[int, int]]:
    """For each row, the columns within `width` of where `path` passes that row."""
    lo = [m] * (n + 1)
    hi = [0] * (n + 1)
    for i, a, j, b in path:
        for x in range(i, i + a + 1):
            lo[x] = min(lo[x], j)
            hi[x] = max(hi[x], j + b)
    lo[n], hi[n] = min(lo[n], m), m
    lo[0] = 0
    out = []
    for x in range(n + 1):
        out.append((max(0, lo[x] - width), min(m, hi[x] + width)))
    return out


Step = tuple[int, int, int, int]  # (i, a, j, b): units i..i+a paired with j..j+b (a or b 0: gap)
Group = tuple[list[int], list[int]]  # matched Chinese block indexes, English block indexes
Reward = Callable[[int, int, int, int], 'float | None']
GAP_MOVES = [(1, 0), (0, 1)]
SENTENCE_MOVES = [(1, 1), (1, 2), (2, 1), (1, 3), (3, 1), (2, 2), *GAP_MOVES]
BLOCK_MOVES = [(1, 1), (1, 2), (2, 1), (1, 3), (3, 1), *GAP_MOVES]


class Aligner:
    """Aligns one Chinese Document with one English text; `embedder` is any `Embedder`."""

    def __init__(self, embedder: Embedder, matcher: TermMatcher | None = None) -> None:
        self.embedder = embedder
        self.matcher = matcher

    def run(self, doc: Document, english: EnglishText) -> AlignmentReport:
        start = time.perf_counter()
        report = AlignmentReport()
        zb = chinese_blocks(doc)
        eb = english.blocks
        # sentence units of prose (code is matched by its text, not embedded)
        z_units = [(bi, s) for bi, b in enumerate(zb) if b.kind is not BlockKind.CODE
                   for s in b.segments]
        e_units = [(bi, k, s) for bi, b in enumerate(eb) if b.kind is not BlockKind.CODE
                   for k, s in enumerate(b.sentences)]
        before = getattr(self.embedder, "embedded", 0)
        z_texts = [s.source for _, s in z_units]
        e_texts = [s for _, _, s in e_units]
        vz = self.embedder.embed(z_texts)
        ve = self.embedder.embed(e_texts)
        report.units = len(z_texts) + len(e_texts)
        sim = vz @ ve.T if len(z_units) and len(e_units) else np.zeros((len(z_units), len(e_units)))
        kz, ke = _neighbourhoods(sim, [zb[bi].kind is BlockKind.TABLE for bi, _ in z_units],
                                 [eb[bi].kind is BlockKind.TABLE for bi, _, _ in e_units])
        zf = [chinese_features(s.source, self.matcher) for _, s in z_units]
        terms = self._terms([s.source for _, s in z_units])
        ef = [english_features(s, terms) for _, _, s in e_units]
        zs, es = _Side(vz, zf, kz), _Side(ve, ef, ke)
        z_of_block = _index_by_block([bi for bi, _ in z_units], len(zb))
        e_of_block = _index_by_block([bi for bi, _, _ in e_units], len(eb))

        groups = self._block_groups(zb, eb, zs, es, z_of_block, e_of_block)
        # joined sentences are embedded only where a 2-sentence bead is possible: inside
        # matched groups holding more than one sentence on some side
        z_pairs, e_pairs = set(), set()
        z_block = [bi for bi, _ in z_units]
        e_block = [bi for bi, _, _ in e_units]
        for zbi, ebi in groups:
            zi = [u for i in zbi for u in z_of_block[i]]
            ei = [u for i in ebi for u in e_of_block[i]]
            if zi and ei and len(zi) + len(ei) > 2:
                z_pairs.update(u for u in zi[:-1] if z_block[u] == z_block[u + 1]
                               and u + 1 in zi)
                e_pairs.update(u for u in ei[:-1] if e_block[u] == e_block[u + 1]
                               and u + 1 in ei)
        z_pairs_l, e_pairs_l = sorted(z_pairs), sorted(e_pairs)
        zs.pairs = dict(zip(z_pairs_l, self.embedder.embed(
            [z_texts[u] + z_texts[u + 1] for u in z_pairs_l])))
        es.pairs = dict(zip(e_pairs_l, self.embedder.embed(
            [f"{e_texts[u]} {e_texts[u + 1]}" for u in e_pairs_l])))
        report.units += len(z_pairs_l) + len(e_pairs_l)
        report.embedded = getattr(self.embedder, "embedded", 0) - before
        paired_code: set[int] = set()
        for zbi, ebi in groups:
            if zb[zbi[0]].kind is BlockKind.CODE:
                report.code.append((zb[zbi[0]].paragraph, eb[ebi[0]]))
                paired_code.add(ebi[0])
                continue
            if zb[zbi[0]].kind is BlockKind.TABLE:
                found = self._table(zb[zbi[0]], eb[ebi[0]], z_of_block[zbi[0]],
                                    e_of_block[ebi[0]], zs, es, (z_texts, e_texts))
            else:
                zi = [u for i in zbi for u in z_of_block[i]]
                ei = [u for i in ebi for u in e_of_block[i]]
                found = self._sentences(zi, ei, zs, es, [z_units[u][0] for u in zi])
            for bead_z, bead_e, cos, score in found:
                report.beads.append(Bead([z_units[u][1] for u in bead_z],
                                         [e_units[u][2] for u in bead_e], cos, score,
                                         [e_units[u][:2] for u in bead_e],
                                         [eb[e_units[u][0]].sentence_spans(e_units[u][1])
                                          for u in bead_e]))
        paired_z = {id(s) for b in report.beads for s in b.zh}
        paired_e = {k for b in report.beads for k in b.en_keys}
        for block in zb:
            report.chinese_only.extend(s for s in block.segments if id(s) not in paired_z)
        report.chinese_only.extend(n.segment for n in doc.notes if n.kind != "glossary")
        for bi, block in enumerate(eb):
            if bi in paired_code:
                continue
            for k, sentence in enumerate(block.sentences):
                if (bi, k) not in paired_e:
                    report.english_only.append((sentence, block.line))
        apply(doc, report, zb)
        report.seconds = time.perf_counter() - start
        return report

    def _terms(self, texts: list[str]) -> dict[str, str]:
        if self.matcher is None:
            return {}
        return {m.entry.id: m.entry.target for t in texts for m in self.matcher.find(t)}

    # -- blocks ---------------------------------------------------------------------------
    def _block_groups(self, zb: list[ZhBlock], eb: list[EnglishBlock], zs: _Side, es: _Side,
                      z_of: list[list[int]], e_of: list[list[int]]
                      ) -> list[tuple[list[int], list[int]]]:
        """Matched block groups (Chinese block indexes, English block indexes), in order."""
        dim = zs.vectors.shape[1] if zs.vectors.size else 1
        # per-block sums of sentence vectors: a merged block's vector is a sum of sums
        sz = np.stack([zs.vectors[z_of[i]].sum(axis=0) if z_of[i] else np.zeros(dim)
                       for i in range(len(zb))]) if zb else np.zeros((0, dim))
        se = np.stack([es.vectors[e_of[j]].sum(axis=0) if e_of[j] else np.zeros(dim)
                       for j in range(len(eb))]) if eb else np.zeros((0, dim))
        bz, be = _normalise_rows(sz), _normalise_rows(se)
        has_z = np.array([bool(z_of[i]) for i in range(len(zb))], dtype=bool)
        has_e = np.array([bool(e_of[j]) for j in range(len(eb))], dtype=bool)
        bsim = bz @ be.T
        kz = np.zeros(len(zb))
        ke = np.zeros(len(eb))
        # headings compete only with headings: their neighbourhood is the other headings
        for is_heading in (True, False):
            cz = [i for i in range(len(zb)) if has_z[i]
                  and (zb[i].kind is BlockKind.HEADING) == is_heading]
            ce = [j for j in range(len(eb)) if has_e[j]
                  and (eb[j].kind is BlockKind.HEADING) == is_heading]
            if cz and ce:
                kz[cz], ke[ce] = knn_means(bsim[np.ix_(cz, ce)])
        zf = [merge([zs.features[u] for u in z_of[i]]) for i in range(len(zb))]
        ef = [merge([es.features[u] for u in e_of[j]]) for j in range(len(eb))]
        margin = bsim - (kz[:, None] + ke[None, :]) / 2

        def reward(i: int, a: int, j: int, b: int) -> float | None:
            if a == 1 and b == 1:
                zk, ek = zb[i].kind, eb[j].kind
                if not _compatible(zk, ek):
                    return None
                if zk is BlockKind.CODE:
                    return 1.0 if _code_match(zb[i], eb[j]) else None
                if not (has_z[i] and has_e[j]):
                    return None
                return float(margin[i, j]) + feature_score(zf[i], ef[j]) - TAU_BLOCK
            kinds = [zb[x].kind for x in range(i, i + a)] + [eb[y].kind for y in range(j, j + b)]
            if any(k in _OWN_KIND for k in kinds):
                return None
            if not (has_z[i:i + a].any() and has_e[j:j + b].any()):
                return None
            cos = float(_normalise_rows(sz[i:i + a].sum(axis=0, keepdims=True))[0]
                        @ _normalise_rows(se[j:j + b].sum(axis=0, keepdims=True))[0])
            score = pair_score(cos, float(kz[i:i + a].mean()), float(ke[j:j + b].mean()),
                               merge(zf[i:i + a]), merge(ef[j:j + b]))
            return score - TAU_BLOCK - merge_cost(zf[i:i + a], ef[j:j + b])

        n, m = len(zb), len(eb)
        if n * m > FULL_DP_CELLS:
            # Bertalign's two passes: 1–1 and gaps everywhere, then merges near that path
            first = dp_align(n, m, [(1, 1), *GAP_MOVES], reward)
            path = dp_align(n, m, BLOCK_MOVES, reward, band_around(first, n, m, BAND))
        else:
            path = dp_align(n, m, BLOCK_MOVES, reward)
        groups = [(list(range(i, i + a)), list(range(j, j + b))) for i, a, j, b in path
                  if a and b]
        groups += _sandwiched(path, zb, eb, reward)
        return self._reordered(sorted(groups), path, zb, eb, reward)

    def _reordered(self, groups: list[Group], path: list[Step], zb: list[ZhBlock],
                   eb: list[EnglishBlock], reward: Reward) -> list[Group]:
        """Pair leftover list items/paragraphs that moved: mutual best within a window."""
        left_z = [i for i, a, _, b in path if a and not b]
        left_e = [j for _, a, j, b in path if b and not a]
        if not left_z or not left_e:
            return groups
        scores = {}
        for i in left_z:
            for j in left_e:
                if abs(_position(i, groups) - j) > REORDER_WINDOW:
                    continue
                r = reward(i, 1, j, 1)
                if r is not None and r > 0:
                    scores[(i, j)] = r
        extra = []
        for (i, j), r in sorted(scores.items(), key=lambda kv: -kv[1]):
            best_i = max((s for (x, y), s in scores.items() if x == i), default=r)
            best_j = max((s for (x, y), s in scores.items() if y == j), default=r)
            if r >= best_i and r >= best_j and all(i != g[0][0] and j != g[1][0] for g in extra):
                extra.append(([i], [j]))
        return sorted(groups + extra, key=lambda g: g[0][0])

    # -- sentences --------------------------------------------------------------------------
    def _sentences(self, zi: list[int], ei: list[int], zs: _Side, es: _Side,
                   paragraph_of: list[int]) -> list[tuple[list[int], list[int], float, float]]:
        """Sentence DP over one matched group; `paragraph_of[k]` says which paragraph (or table
        cell) Chinese unit zi[k] is in: a bead never merges across them."""

        def score(i: int, a: int, j: int, b: int) -> tuple[float, float]:
            zu, eu = zi[i:i + a], ei[j:j + b]
            cos = float(zs.vector(zu) @ es.vector(eu))
            zf, ef = [zs.features[u] for u in zu], [es.features[u] for u in eu]
            s = pair_score(cos, float(zs.knn[zu].mean()), float(es.knn[eu].mean()),
                           merge(zf), merge(ef))
            return cos, s - merge_cost(zf, ef)

        def reward(i: int, a: int, j: int, b: int) -> float | None:
            if a > 1 and len(set(paragraph_of[i:i + a])) > 1:
                return None  # a Chinese bead never spans two paragraphs: one segment holds it
            return score(i, a, j, b)[1] - TAU_SENT

        path = dp_align(len(zi), len(ei), SENTENCE_MOVES, reward)
        steps = [(i, a, j, b) for i, a, j, b in path if a and b]
        for z_run, e_run in _gap_runs(path):
            # one sentence left on each side between the same two pairs: the structure says
            # they correspond unless the score says clearly otherwise
            if len(z_run) == len(e_run) == 1:
                r = reward(z_run[0], 1, e_run[0], 1)
                if r is not None and r + SANDWICH_SLACK > 0:
                    steps.append((z_run[0], 1, e_run[0], 1))
        out = []
        for i, a, j, b in sorted(steps):
            cos, s = score(i, a, j, b)
            out.append((zi[i:i + a], ei[j:j + b], cos, s))
        return out

    def _table(self, zh: ZhBlock, en: EnglishBlock, zi: list[int], ei: list[int], zs: _Side,
               es: _Side, texts: tuple[list[str], list[str]]
               ) -> list[tuple[list[int], list[int], float, float]]:
        """A table pair. Same grid (rows × columns): cell pairs with cell at the same place, a
        cell of one sentence each side directly (place in the grid is stronger evidence than a
        short cell's embedding), a longer cell through the sentence DP. Different grid: the
        DP over all cells' sentences, in reading order."""
        z_cells, e_cells = _cell_units(zh.cells, zi), _cell_units(en.cells, ei)
        if [len(r) for r in z_cells] != [len(r) for r in e_cells]:
            cell_of = [c for c, cell in enumerate(u for row in z_cells for u in row) for _ in cell]
            return self._sentences(zi, ei, zs, es, cell_of)
        out = []
        for z_row, e_row in zip(z_cells, e_cells):
            for z_cell, e_cell in zip(z_row, e_row):
                if len(z_cell) == len(e_cell) == 1:
                    cos = float(zs.vector(z_cell) @ es.vector(e_cell))
                    same = normalised(texts[0][z_cell[0]]) == normalised(texts[1][e_cell[0]])
                    score = 1.0 if same else pair_score(
                        cos, float(zs.knn[z_cell].mean()), float(es.knn[e_cell].mean()),
                        zs.features[z_cell[0]], es.features[e_cell[0]])
                    out.append((z_cell, e_cell, cos, score))
                elif z_cell and e_cell:
                    out.extend(self._sentences(z_cell, e_cell, zs, es, [0] * len(z_cell)))
        return out


def merge_cost(zh: list[Features], en: list[Features]) -> float:
    """What a bead of more than one unit on some side pays against the 1–1 pairs it contains:
    a fixed price per extra unit (prefer 1–1 unless merging clearly helps), less the length
    evidence that the extra units belong in it (see `merge_length_gain`). 0 for a 1–1 pair."""
    extra = len(zh) + len(en) - 2
    if not extra:
        return 0.0
    return MERGE_PENALTY * extra - W_MERGE_LENGTH * merge_length_gain(zh, en)


def _gap_runs(path: list[tuple[int, int, int, int]]) -> list[tuple[list[int], list[int]]]:
    """The unpaired units between consecutive pairs of a DP path: (Chinese, English) runs."""
    runs = []
    run_z: list[int] = []
    run_e: list[int] = []
    for i, a, j, b in [*path, (-1, 1, -1, 1)]:  # a sentinel pair closes the last run
        if a and b:
            runs.append((run_z, run_e))
            run_z, run_e = [], []
        elif a:
            run_z.append(i)
        else:
            run_e.append(j)
    return runs


def _sandwiched(path: list[Step], zb: list[ZhBlock], eb: list[EnglishBlock],
                reward: Reward) -> list[Group]:
    """Structure as evidence: when a gap between two matched groups holds exactly one Chinese
    and one English block of the same kind (typically a short heading, where embeddings are
    weakest), they correspond unless their score says clearly otherwise."""
    out = []
    for run_z, run_e in _gap_runs(path):
        if len(run_z) == len(run_e) == 1 and zb[run_z[0]].kind == eb[run_e[0]].kind:
            r = reward(run_z[0], 1, run_e[0], 1)
            if r is not None and r > -SANDWICH_SLACK:
                out.append((run_z, run_e))
    return out


def _position(i: int, groups: list[Group]) -> int:
    """Where Chinese block i would sit in the English: after the partner of the nearest
    matched block before it."""
    before = [g for g in groups if g[0][-1] < i]
    return before[-1][1][-1] + 1 if before else 0


def _neighbourhoods(sim: np.ndarray, z_cell: list[bool], e_cell: list[bool]
                    ) -> tuple[np.ndarray, np.ndarray]:
    """knn means with table cells and running text as separate neighbourhoods: a cell (a
    model name, a number) resembles every sentence that mentions it and would make a hub that
    drags their margins down, while cells only ever pair with cells."""
    kz, ke = np.zeros(sim.shape[0]), np.zeros(sim.shape[1])
    for cell in (True, False):
        rows = [i for i, c in enumerate(z_cell) if c == cell]
        cols = [j for j, c in enumerate(e_cell) if c == cell]
        if rows and cols:
            kz[rows], ke[cols] = knn_means(sim[np.ix_(rows, cols)])
    return kz, ke


def _index_by_block(block_of_unit: list[int], n_blocks: int) -> list[list[int]]:
    out: list[list[int]] = [[] for _ in range(n_blocks)]
    for u, b in enumerate(block_of_unit):
        out[b].append(u)
    return out


def _code_match(zh: ZhBlock, en: EnglishBlock) -> bool:
    return normalised(zh.text) == normalised(en.text)


def _cell_units(cells: list[list[int]], units: list[int]) -> list[list[list[int]]]:
    """A table's units cut into its grid: rows of cells, each the run of units it holds."""
    rows: list[list[list[int]]] = []
    pos = 0
    for row in cells:
        rows.append([])
        for count in row:
            rows[-1].append(units[pos:pos + count])
            pos += count
    return rows


def apply(doc: Document, report: AlignmentReport, blocks: list[ZhBlock]) -> None:
    """Write the beads into the Chinese document: merged sentences become one segment, the
    English becomes its target; orphans are flagged or listed, never paired."""
    paragraphs = {id(b.paragraph): b.paragraph for b in blocks if b.paragraph is not None}
    for bead in report.beads:
        first = bead.zh[0]
        if len(bead.zh) > 1:
            para = next(p for p in paragraphs.values() if first in p.segments)
            joiner = "" if re.search(r"[\u3400-\u9fff]", first.source) else " "
            first.spans = _joined_spans([s.source for s in bead.zh], [s.spans for s in bead.zh],
                                        joiner)
            first.source = bead.source
            first.display = joiner.join(s.display for s in bead.zh)
            for other in bead.zh[1:]:
                first.note_ids.extend(other.note_ids)
                _remove_segment(para, other)
        first.target = " ".join(bead.en)
        first.target_spans = _joined_spans(bead.en, bead.en_spans, " ")
        first.origin = ORIGIN
        first.score = round(bead.cos, 4)
        first.flags = [f for f in first.flags if not f.startswith("align:")]
        if bead.low_confidence:
            first.flags.append(Flag.LOW_CONFIDENCE.value)
    for seg in report.chinese_only:
        seg.flags = [f for f in seg.flags if not f.startswith("align:")] + [Flag.CHINESE_ONLY.value]
    doc.dropped.extend(Dropped("english-only", text, line) for text, line in report.english_only)


def _joined_spans(texts: list[str], spans: list[list[InlineSpan]],
                  joiner: str) -> list[InlineSpan]:
    """The formatting of `texts` joined by `joiner`, each text's spans moved to its place."""
    out: list[InlineSpan] = []
    pos = 0
    for text, own in zip(texts, spans):
        out += shift(own, pos)
        pos += len(text) + len(joiner)
    return normalise(out)


def _remove_segment(para: Paragraph, seg: Segment) -> None:
    """Take a merged segment out of its paragraph; a table's cell then holds one fewer."""
    pos = next(k for k, s in enumerate(para.segments) if s is seg)
    del para.segments[pos]
    for row in para.cells:
        for c, count in enumerate(row):
            if pos < count:
                row[c] -= 1
                return
            pos -= count


def align_files(zh_path: Path, en_path: Path, *, embedder: Embedder,
                matcher: TermMatcher | None = None) -> tuple[Document, AlignmentReport]:
    """Read both files with the normal readers and align them: what `bitext align` runs."""
    from ..readers import read_document
    from ..readers.english import read_english

    doc = read_document(zh_path)
    english = read_english(en_path)
    report = Aligner(embedder, matcher).run(doc, english)
    return doc, report
