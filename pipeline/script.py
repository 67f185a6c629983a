"""Traditional/Simplified handling with OpenCC: detect, convert for processing, keep the original."""
from __future__ import annotations

from functools import lru_cache

import opencc


@lru_cache(maxsize=None)
def converter(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(config)


def to_simplified(text: str) -> str:
    return converter("t2s").convert(text)


def to_traditional(text: str) -> str:
    return converter("s2t").convert(text)


def taiwan_phrasing(text: str) -> str:
    """Taiwan wording of a Simplified phrase (芯片 → 晶片, 软件 → 軟體): OpenCC's phrase-level
    s2twp, so the term base also finds the words a Taiwan author actually uses."""
    return converter("s2twp").convert(text)


def is_han(ch: str) -> bool:
    return "\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff"


def detect_script(text: str, sample: int = 200_000) -> str:
    """`traditional` when a noticeable share of Han characters change under t2s.

    Simplified text is a fixed point of t2s; a few shared characters change either way, so a
    small threshold keeps Simplified text with the odd Traditional quote Simplified.
    """
    head = text[:sample]
    simplified = to_simplified(head)
    han = sum(1 for ch in head if is_han(ch))
    if han == 0 or len(simplified) != len(head):
        return "simplified" if han == 0 else _by_chars(head, han)
    changed = sum(1 for a, b in zip(head, simplified) if a != b)
    return "traditional" if changed >= 3 and changed / han > 0.03 else "simplified"


def _by_chars(head: str, han: int) -> str:
    changed = sum(1 for ch in head if is_han(ch) and to_simplified(ch) != ch)
    return "traditional" if changed >= 3 and changed / han > 0.03 else "simplified"


def simplify_aligned(text: str) -> str:
    """t2s that keeps length, so per-character data stays aligned with the original."""
    out = to_simplified(text)
    if len(out) == len(text):
        return out
    return "".join(c if len(c := to_simplified(ch)) == 1 else ch for ch in text)
