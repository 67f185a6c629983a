"""Fuzzy lookup without scanning the whole memory: a length window, a bigram filter, rapidfuzz.

Similarity is 2·LCS / (|a|+|b|) (difflib's ratio, rapidfuzz's `fuzz.ratio`). A match at s needs
|b| within [|a|·s/(2-s), |a|·(2-s)/s], and, since the Levenshtein distance k is at most the
Indel distance d ≤ (1-s)(|a|+|b|), at least max(|a|,|b|) - 1 - 2k shared character bigrams
(the q-gram lemma). So only units holding one of the query's rarest bigrams can match (prefix
filtering); they are scored in C by rapidfuzz. Short queries, where the bound says nothing, fall
back to scoring the length window. `bench/bench_tm.py` prints the times at 1k, 10k, 100k units.
"""
from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections import defaultdict

from rapidfuzz import fuzz, process


def bigrams(key: str) -> list[str]:
    return [key[i:i + 2] for i in range(len(key) - 1)]


class FuzzyIndex:
    def __init__(self, keys: list[str]) -> None:
        order = sorted(range(len(keys)), key=lambda i: (len(keys[i]), keys[i]))
        self._keys = [keys[i] for i in order]
        self._ids = order
        self._lengths = [len(k) for k in self._keys]
        postings: dict[str, list[int]] = defaultdict(list)
        for pos, key in enumerate(self._keys):
            for gram in set(bigrams(key)):
                postings[gram].append(pos)
        self._postings = dict(postings)

    def _min_shared(self, n: int, lo_len: int, hi_len: int, threshold: float) -> int:
        return min(max(n, m) - 1 - 2 * math.floor((1 - threshold) * (n + m) + 1e-9)
                   for m in range(lo_len, hi_len + 1))

    def search(self, key: str, threshold: float, limit: int) -> list[tuple[float, int]]:
        """(similarity, position in the original key list), best first, at most `limit`."""
        n = len(key)
        if n == 0 or not self._keys:
            return []
        lo_len = math.ceil(n * threshold / (2 - threshold) - 1e-9)
        hi_len = math.floor(n * (2 - threshold) / threshold + 1e-9)
        lo = bisect_left(self._lengths, lo_len)
        hi = bisect_right(self._lengths, hi_len)
        if lo >= hi:
            return []
        need = self._min_shared(n, lo_len, hi_len, threshold)
        grams = bigrams(key)
        if need > 0 and grams:
            grams.sort(key=lambda g: len(self._postings.get(g, ())))
            candidates: set[int] = set()
            for gram in grams[: len(grams) - need + 1]:
                candidates.update(self._postings.get(gram, ()))
            positions = sorted(p for p in candidates if lo <= p < hi)
        else:
            positions = list(range(lo, hi))
        if not positions:
            return []
        found = process.extract(key, [self._keys[p] for p in positions], scorer=fuzz.ratio,
                                score_cutoff=threshold * 100, limit=limit)
        # positions are ordered by (length, key), so ties come back in a fixed order
        return [(score / 100, self._ids[positions[i]]) for _, score, i in found]
