"""How much a Chinese unit and an English unit look like translations of each other.

Bertalign/Vecalign's recipe: cosine of cross-lingual embeddings, turned into a *margin* against
each side's nearest neighbours (e5 cosines sit in a narrow band, so an absolute cosine means
little: what counts is how far a pair stands out from the alternatives), plus a length-ratio
term and anchors — numbers, Latin tokens and glossary terms that must appear on both sides.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np

from ..glossary.matcher import TermMatcher, find_english

_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9.\-_/+]*[A-Za-z0-9]|[0-9]")
# English words that are names or figures, not prose: digits, inner capitals, all caps
_STRONG = re.compile(r".*\d.*|.+[A-Z].*|[A-Z]{2,}")
EN_CHARS_PER_HAN = 3.2  # English letters a Han character becomes, measured on the dev pairs
KNN = 4  # neighbours averaged for the margin (Artetxe & Schwenk use 4)

W_LENGTH = 0.01
W_ANCHOR = 0.02
W_MERGE_LENGTH = 0.03  # weight of the length evidence for (or against) merging units into a bead


@dataclass(frozen=True)
class Features:
    """Per-text features computed once, so the DP only adds and compares numbers."""

    anchors: frozenset[str]
    length: float  # English-equivalent characters


def _tokens(text: str) -> set[str]:
    return {t.lower().rstrip(".") for t in _TOKEN.findall(text)}


def chinese_features(text: str, matcher: TermMatcher | None = None) -> Features:
    han = len(_HAN.findall(text))
    other = len(re.sub(r"\s", "", _HAN.sub("", text)))
    anchors = _tokens(text)
    if matcher is not None:
        anchors |= {f"term:{m.entry.id}" for m in matcher.find(text)}
    return Features(frozenset(anchors), han * EN_CHARS_PER_HAN + other)


def english_features(text: str, zh_terms: dict[str, str] | None = None) -> Features:
    """`zh_terms` (term id → preferred English) are the glossary terms seen in the Chinese:
    each one found here becomes a shared anchor."""
    anchors = {t.lower().rstrip(".") for t in _TOKEN.findall(text) if _STRONG.fullmatch(t)}
    for term_id, target in (zh_terms or {}).items():
        if find_english(text, target):
            anchors.add(f"term:{term_id}")
    return Features(frozenset(anchors), float(len(re.sub(r"\s", "", text))))


def merge(features: list[Features]) -> Features:
    return Features(frozenset().union(*(f.anchors for f in features)),
                    sum(f.length for f in features))


def anchor_term(zh: Features, en: Features) -> float:
    """Jaccard overlap of anchors, centred: shared names and numbers pull a pair together,
    names present on one side only push it apart; no anchors at all says nothing."""
    union = zh.anchors | en.anchors
    if not union:
        return 0.0
    return len(zh.anchors & en.anchors) / len(union) - 0.5


def length_term(zh: Features, en: Features) -> float:
    """Gale–Church in spirit: penalise the log of the length ratio (0 when as expected)."""
    return -abs(math.log((en.length + 8) / (zh.length + 8)))


def merge_length_gain(zh: list[Features], en: list[Features]) -> float:
    """How much better the joined units' length ratio is than that of the best 1–1 pair
    inside the bead (negative: joining makes it worse).

    A joined text's embedding is dominated by its longest part, so the cosine barely tells
    "A" from "A plus a short B": Bertalign's margin scores a 1–2 bead almost like the 1–1 pair
    it contains. Whether B belongs with A is what lengths say (Gale & Church align by length
    alone): a 1–1 pair that leaves a short neighbour unpaired is too short for its partner,
    and the bead that takes the neighbour in restores the expected ratio.
    """
    best = max(length_term(z, e) for z in zh for e in en)
    return length_term(merge(zh), merge(en)) - best


def knn_means(sim: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean of each row's and each column's k best cosines: the neighbourhood a pair must
    stand out from."""
    if sim.size == 0:
        return np.zeros(sim.shape[0]), np.zeros(sim.shape[1])
    k_row = min(KNN, sim.shape[1])
    k_col = min(KNN, sim.shape[0])
    rows = np.sort(sim, axis=1)[:, -k_row:].mean(axis=1)
    cols = np.sort(sim, axis=0)[-k_col:, :].mean(axis=0)
    return rows, cols


def feature_score(zh: Features, en: Features) -> float:
    return W_ANCHOR * anchor_term(zh, en) + W_LENGTH * length_term(zh, en)


def pair_score(cos: float, knn_zh: float, knn_en: float, zh: Features, en: Features) -> float:
    """The DP's reward for pairing two units (before the threshold is subtracted)."""
    return cos - (knn_zh + knn_en) / 2 + feature_score(zh, en)
