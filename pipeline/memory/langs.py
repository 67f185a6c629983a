"""Language codes as CAT tools really write them, reduced to the two roles bitext needs.

BCP 47 (`zh-Hans-CN`), POSIX (`zh_CN`, `en_US`), ISO 639-2/3 (`zho`, `chi`, `cmn`, `eng`),
upper case (`ZH-CN`, TMX 1.1) and a few spelled-out names all occur in real memories; a reader
that only knows `zh-CN` reads such a file as empty and calls it clean.
"""
from __future__ import annotations

from enum import Enum


class Role(Enum):
    CHINESE = "zh"
    ENGLISH = "en"


_CHINESE = {"zh", "zho", "chi", "cmn", "chinese"}
_ENGLISH = {"en", "eng", "english"}
_TRADITIONAL = {"hant", "tw", "hk", "mo"}


def subtags(code: str | None) -> list[str]:
    return [t for t in (code or "").strip().lower().replace("_", "-").split("-") if t]


def role(code: str | None) -> Role | None:
    """The role of a language code, or None for any other language (or none at all)."""
    tags = subtags(code)
    if not tags:
        return None
    if tags[0] in _CHINESE:
        return Role.CHINESE
    if tags[0] in _ENGLISH:
        return Role.ENGLISH
    return None


def is_traditional(code: str | None) -> bool:
    """zh-Hant, zh-TW, zh-HK, zh-MO: the Traditional variants (folded by the TM key anyway)."""
    return any(t in _TRADITIONAL for t in subtags(code)[1:])

