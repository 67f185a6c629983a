"""Word boundaries in Chinese: is a glossary hit a word of the text, or part of a longer one?

量化 (quantization) inside 轻量化 ("lightweight") is not the term. Aho-Corasick finds strings,
not words, so a hit that would produce a review problem is confirmed against jieba's dictionary
segmentation first: a hit whose edge falls inside a dictionary word is not a term.

jieba is loaded lazily and only for suspicious hits: loading its dictionary costs about 2.5 s
here (bench/bench_review.py prints it), and a translate run whose English already carries every
term never pays it. HMM is off, so an unknown name (杨植麟, 昇腾) splits into single characters
and never blocks a hit; only a known longer word can.
"""
from __future__ import annotations

import re
from functools import lru_cache

_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
# a determiner before a noun+verb term binds to the noun: 该工具|调用 ("the tool calls"), not
# 工具调用 ("tool calling")
_DETERMINERS = ("该", "此", "这个", "那个", "每个", "各个", "这些", "那些")


@lru_cache(maxsize=1)
def _tokenizer():  # noqa: ANN202 - jieba.Tokenizer; imported lazily
    import logging

    import jieba

    jieba.setLogLevel(logging.ERROR)
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    return tokenizer


@lru_cache(maxsize=4096)
def _words(text: str) -> tuple[tuple[int, int], ...]:
    spans = []
    position = 0
    for word in _tokenizer().cut(text, HMM=False):
        spans.append((position, position + len(word)))
        position += len(word)
    return tuple(spans)


def _is_part(word: str, start: int, end: int) -> bool:
    """Is word[start:end] one of the two parts of the compound `word`?

    常识推理 is 常识 + 推理 (commonsense *reasoning*): the rest is a word of two characters or
    more, so the term keeps its meaning. 轻量化 is 轻 + 量化 only on paper: a single character
    bound to the term (轻, 减) makes a new word ("lightweight"), and so does a term that is not
    at either end of the compound (北大 inside 东北大学)."""
    if start == 0 and end < len(word):
        rest = word[end:]
    elif end == len(word) and start > 0:
        rest = word[:start]
    else:
        return False
    return len(rest) >= 2 and rest in _tokenizer().FREQ and _tokenizer().FREQ[rest] > 0


@lru_cache(maxsize=1)
def _verbs() -> frozenset[str]:
    """Words jieba's dictionary tags as verbs (v, vn), for the determiner rule."""
    import os

    import jieba

    words = set()
    with open(os.path.join(os.path.dirname(jieba.__file__), "dict.txt"), encoding="utf-8") as f:
        for line in f:
            parts = line.split()
            if len(parts) == 3 and parts[2] in ("v", "vn") and len(parts[0]) > 1:
                words.add(parts[0])
    return frozenset(words)


def inside_longer_word(text: str, start: int, end: int) -> bool:
    """True when the Chinese hit text[start:end] is not a word of `text`."""
    if not _HAN.match(text[start]) and not _HAN.match(text[end - 1]):
        return False  # Latin terms have their own boundary check in the matcher
    for a, b in _words(text):
        crosses = a < start < b or a < end < b
        if crosses and not (start <= a and b <= end):
            if not (a <= start and end <= b and _is_part(text[a:b], start - a, end - a)):
                return True
    if text[:start].endswith(_DETERMINERS):
        words = [w for w in _tokenizer().cut(text[start:end], HMM=False)]
        if len(words) >= 2 and words[-1] in _verbs():
            return True
    return False
