"""Fuzzy lookup without scanning the whole memory: a length window, then rapidfuzz in C.

A match at similarity s (2·LCS / (|a|+|b|), the ratio difflib and rapidfuzz share) needs
|b| within [|a|·s/(2-s), |a|·(2-s)/s]. Keys are kept sorted by length, so the window is one
bisect and one slice, and rapidfuzz's `process.extract` scores that slice with a cutoff.
`bench/bench_tm.py` prints the lookup time at 1k, 10k and 100k units.
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right

from rapidfuzz import fuzz, process


class FuzzyIndex:
    def __init__(self, keys: list[str]) -> None:
        order = sorted(range(len(keys)), key=lambda i: (len(keys[i]), keys[i]))
        self._keys = [keys[i] for i in order]
        self._ids = order
        self._lengths = [len(k) for k in self._keys]

    def search(self, key: str, threshold: float, limit: int) -> list[tuple[float, int]]:
        """(similarity, position in the original key list), best first, at most `limit`."""
        n = len(key)
        if n == 0 or not self._keys:
            return []
        lo = bisect_left(self._lengths, n * threshold / (2 - threshold) - 1e-9)
        hi = bisect_right(self._lengths, n * (2 - threshold) / threshold + 1e-9)
        if lo >= hi:
            return []
        found = process.extract(key, self._keys[lo:hi], scorer=fuzz.ratio,
                                score_cutoff=threshold * 100, limit=limit)
        # the slice is ordered by (length, key), so ties come back in a fixed order
        return [(score / 100, self._ids[lo + i]) for _, score, i in found]
