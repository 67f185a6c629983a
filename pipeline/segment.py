"""Sentence segmentation for Chinese text with embedded English, numbers and model names.

Offsets, not strings, are returned so callers can carry per-character data (bold, note markers,
the Traditional original) across the split.
"""
from __future__ import annotations

import re

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


def engine_chunks(text: str, max_chars: int = 120) -> list[str]:
    """Cut an over-long sentence at ；then ，so the MT model sees pieces it can handle.

    The pieces concatenate back to `text`; the segment itself stays whole for display.
    """
    if len(text) <= max_chars:
        return [text]
    for marks in ("；;", "，,、"):
        pieces = re.findall(rf"[^{marks}]*[{marks}]+|[^{marks}]+$", text)
        if len(pieces) > 1:
            out: list[str] = []
            for piece in pieces:
                if out and len(out[-1]) + len(piece) <= max_chars:
                    out[-1] += piece
                else:
                    out.append(piece)
            return [c for p in out for c in engine_chunks(p, max_chars)] if any(
                len(p) > max_chars for p in out) and marks != "，,、" else out
    return [text[i:i + max_chars] for i in range(0, len(text), max_chars)]
