"""Sentence segmentation for Chinese text with embedded English, numbers and model names.

Offsets, not strings, are returned so callers can carry per-character data (bold, note markers,
the Traditional original) across the split.
"""
from __future__ import annotations

import re
from typing import Sequence

CLOSERS = "」』”’）》)]\"'】〕"
PAIRS = {"《": "》", "「": "」", "『": "』", "“": "”", "（": "）", "(": ")", "【": "】", "〔": "〕"}
HARD_ENDERS = "。！？!?"
FULL_ENDERS = "。！？"
_OPERATOR_BEFORE = set("=+-*/<>(（[")
# （笑） （鼓掌） (laughs) — but not a list number like (1) or （一）
_STAGE_DIRECTION = re.compile(r"\s*[（(](?![\dA-Za-z一二三四五六七八九十ivx]{1,3}[)）])[^（()）。！？]{1,6}[)）]")
_WALK_BACK = 40  # an abbreviation is a short word: never scan further back for one
ABBREVIATIONS = {"mr", "mrs", "ms", "dr", "prof", "vs", "etc", "e.g", "i.e", "u.s", "no", "fig",
                 "inc", "ltd", "co", "st", "jr", "sr"}
_CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]")


def _protected(text: str) -> list[bool]:
    """Positions inside a matched pair of quotes/brackets, where no sentence may end.

    Only pairs that actually close protect: a stray 「 must not swallow the rest of the paragraph.
    """
    inside = [False] * len(text)
    stack: list[tuple[str, int]] = []
    ascii_quote: int | None = None
    for i, ch in enumerate(text):
        if ch in PAIRS:
            stack.append((PAIRS[ch], i))
        elif stack and ch == stack[-1][0]:
            _, start = stack.pop()
            if not stack:
                for j in range(start + 1, i):
                    inside[j] = True
        elif ch in PAIRS.values():
            # a closer without its opener: drop openers that cannot be closed by it
            while stack and stack[-1][0] != ch:
                stack.pop()
            if stack:
                _, start = stack.pop()
                if not stack:
                    for j in range(start + 1, i):
                        inside[j] = True
        elif ch == '"':
            if ascii_quote is None:
                ascii_quote = i
            else:
                for j in range(ascii_quote + 1, i):
                    inside[j] = True
                ascii_quote = None
    return inside


def _english_period_ends(text: str, i: int) -> bool:
    """A '.' ends a sentence only before whitespace + a capital/CJK, and not after an abbreviation
    or a number (3.5, GPT-4.5, v1. 2)."""
    if i + 1 < len(text) and text[i + 1] == ".":
        return False
    j = i + 1
    if j < len(text) and not text[j].isspace():
        return False
    while j < len(text) and text[j].isspace():
        j += 1
    if j >= len(text):
        return True
    nxt = text[j]
    if not (nxt.isupper() or _CJK.match(nxt) or nxt in "\"“「"):
        return False
    k = i
    while k > max(0, i - _WALK_BACK) and (text[k - 1].isalpha() or text[k - 1] == "."):
        k -= 1
    word = text[k:i].lower()
    if not word or word in ABBREVIATIONS or len(word) == 1:
        return False
    return True


def _half_width_ends(text: str, i: int) -> bool:
    """A half-width `?`/`!` ends a sentence like `？`/`！` (Traditional and mixed texts use them),
    but not in a formula or URL (`1+1=?`, `?id=3`, `!=`)."""
    if i > 0 and text[i - 1] in _OPERATOR_BEFORE:
        return False
    j = i + 1
    if j >= len(text):
        return True
    nxt = text[j]
    return nxt.isspace() or nxt in HARD_ENDERS or nxt in CLOSERS or nxt == "…" \
        or bool(_CJK.match(nxt))


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Split into sentences; the spans cover `text` completely, in order."""
    n = len(text)
    if n == 0:
        return []
    inside = _protected(text)
    spans: list[tuple[int, int]] = []
    start = 0
    i = 0
    while i < n:
        ch = text[i]
        end: int | None = None
        if not inside[i]:
            if ch in FULL_ENDERS or (ch in "!?" and _half_width_ends(text, i)):
                end = i + 1
            elif ch in "」』”’" and i > 0 and text[i - 1] in FULL_ENDERS + "…":
                end = i + 1  # a quoted sentence that ends inside its quotes: 「……？」
            elif ch == "…" and i + 1 < n and text[i + 1] == "…":
                end = i + 2
            elif ch == "." and text.startswith("...", i):
                k = i
                while k < n and text[k] == ".":
                    k += 1
                if k >= n or _CJK.match(text[k]) or (text[k].isspace() and k + 1 < n
                                                     and (text[k + 1].isupper()
                                                          or _CJK.match(text[k + 1]))):
                    end = k
                else:
                    i = k
                    continue
            elif ch == "." and _english_period_ends(text, i):
                end = i + 1
        if end is None:
            i += 1
            continue
        while end < n and (text[end] in HARD_ENDERS or text[end] in CLOSERS or text[end] == "…"):
            end += 1
        direction = _STAGE_DIRECTION.match(text, end)
        if direction:
            end = direction.end()  # `（笑）` belongs to the sentence it follows
        if text[start:end].strip():
            spans.append((start, end))
            start = end
        i = end
    if start < n:
        if spans and not text[start:].strip():
            spans[-1] = (spans[-1][0], n)
        else:
            spans.append((start, n))
    return spans


def split_sentences(text: str) -> list[str]:
    return [text[a:b].strip() for a, b in sentence_spans(text) if text[a:b].strip()]


# Where an over-long sentence may be cut for the model, best first: after a sentence or clause
# end (inside quotes a sentence holds more than one), after a comma, before a space; failing
# all of them, anywhere (a hard cut).
_CUT_LEVELS = (re.compile(r"[。！？!?；;：:]+"), re.compile(r"[，,、]+"), re.compile(r"(?<=\S)\s+"))


def engine_chunks(text: str, max_chars: int = 120,
                  keep: Sequence[tuple[int, int]] = ()) -> list[str]:
    """Cut an over-long sentence into pieces of at most `max_chars` for the MT model.

    Cuts go at the best level that has room (；, then ，、, then spaces, then a hard cut), and
    never inside a `keep` span (a placeholder the model must see whole). The pieces concatenate
    back to `text`; the segment itself stays whole for display. A piece is longer than
    `max_chars` only when a single kept span is.
    """
    if max_chars < 1:
        raise ValueError("max_chars must be >= 1")
    if len(text) <= max_chars:
        return [text]
    blocked = bytearray(len(text) + 1)  # 1 where a cut would split a kept span
    for start, end in keep:
        for i in range(max(start + 1, 0), min(end, len(text))):
            blocked[i] = 1
    cuts = _cuts(text, 0, len(text), max_chars, blocked, 0)
    bounds = [0, *cuts, len(text)]
    return [text[a:b] for a, b in zip(bounds, bounds[1:]) if b > a]


def _cuts(text: str, lo: int, hi: int, limit: int, blocked: bytearray, level: int) -> list[int]:
    """Cut positions inside (lo, hi) so every piece fits `limit`, using cut level `level` on."""
    if hi - lo <= limit:
        return []
    if level == len(_CUT_LEVELS):
        out, pos = [], lo
        while hi - pos > limit:
            cut = pos + limit
            while cut > pos and blocked[cut]:
                cut -= 1  # move before the kept span
            if cut == pos:  # the span itself is longer than the limit: cut after it
                cut = pos + limit
                while cut < hi and blocked[cut]:
                    cut += 1
            if cut >= hi:
                break
            out.append(cut)
            pos = cut
        return out
    found = _CUT_LEVELS[level].finditer(text, lo, hi)
    points = [m.end() if level < 2 else m.start() for m in found]  # spaces go with the next piece
    points = [p for p in points if lo < p < hi and not blocked[p]]
    if not points:
        return _cuts(text, lo, hi, limit, blocked, level + 1)
    # pack the pieces greedily, then cut whatever is still too long at the next level
    out: list[int] = []
    start, prev = lo, lo
    for p in [*points, hi]:
        if p - start > limit and prev > start:
            out.append(prev)
            start = prev
        prev = p
    bounds = [lo, *out, hi]
    result: list[int] = []
    for a, b in zip(bounds, bounds[1:]):
        result.extend(_cuts(text, a, b, limit, blocked, level + 1))
        if b != hi:
            result.append(b)
    return result
