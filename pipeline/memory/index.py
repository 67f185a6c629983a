"""Fuzzy lookup without scanning the whole memory: a length window, a bigram filter, rapidfuzz.

Similarity is 2·LCS / (|a|+|b|) (difflib's ratio, rapidfuzz's `fuzz.ratio`). A match at s needs
|b| within [|a|·s/(2-s), |a|·(2-s)/s], and, since the Levenshtein distance k is at most the
Indel distance d ≤ (1-s)(|a|+|b|), at least max(|a|,|b|) - 1 - 2k shared character bigrams
(the q-gram lemma). So only units holding one of the query's rarest bigrams can match (prefix
filtering); they are scored in C by rapidfuzz. Short queries, where the bound says nothing, fall
back to scoring the length window. The bigram postings are built with numpy (a dependency of
ctranslate2), not a Python loop.
`bench/bench_tm.py` prints the times at 1k, 10k, 100k units.
"""
from __future__ import annotations

import math
from bisect import bisect_left, bisect_right

import numpy as np
from rapidfuzz import fuzz, process

_PLANE = 0x110000  # bigram id = first code point · 0x110000 + second


def _codes(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.int64)


class FuzzyIndex:
    def __init__(self, keys: list[str]) -> None:
        order = sorted(range(len(keys)), key=lambda i: (len(keys[i]), keys[i]))
        self._keys = [keys[i] for i in order]
        self._ids = order
        self._lengths = [len(k) for k in self._keys]
        lengths = np.array(self._lengths, dtype=np.int64)
        codes = _codes("".join(self._keys))
        owner = np.repeat(np.arange(len(self._keys), dtype=np.int64), lengths)
        first = np.arange(len(codes) - 1, dtype=np.int64) if len(codes) > 1 else \
            np.zeros(0, dtype=np.int64)
        first = first[owner[first] == owner[first + 1]] if len(first) else first
        grams = codes[first] * _PLANE + codes[first + 1]
        pos = owner[first]
        sort = np.lexsort((pos, grams))
        grams, pos = grams[sort], pos[sort]
        keep = np.ones(len(grams), dtype=bool)
        keep[1:] = (grams[1:] != grams[:-1]) | (pos[1:] != pos[:-1])
        self._grams, self._pos = grams[keep], pos[keep]

    def _postings(self, gram: int) -> np.ndarray:
        a = np.searchsorted(self._grams, gram, side="left")
        b = np.searchsorted(self._grams, gram, side="right")
        return self._pos[a:b]

    @staticmethod
    def _min_shared(n: int, lo_len: int, hi_len: int, threshold: float) -> int:
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
        if need > 0 and n > 1:
            codes = _codes(key)
            lists = [self._postings(int(g)) for g in codes[:-1] * _PLANE + codes[1:]]
            lists.sort(key=len)
            chosen = lists[: len(lists) - need + 1]
            found_pos = np.unique(np.concatenate(chosen)) if chosen else np.zeros(0, np.int64)
            positions = found_pos[(found_pos >= lo) & (found_pos < hi)].tolist()
        else:
            positions = list(range(lo, hi))
        if not positions:
            return []
        found = process.extract(key, [self._keys[p] for p in positions], scorer=fuzz.ratio,
                                score_cutoff=threshold * 100, limit=limit)
        # positions are ordered by (length, key), so ties come back in a fixed order
        return [(score / 100, self._ids[positions[i]]) for _, score, i in found]
