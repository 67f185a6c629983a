"""Romanising a Chinese personal name when the glossary has no English for it.

A guess, and reported as one: mainland order and Hanyu Pinyin (Zhang Xiaojun) is what English
publications use for most mainland names, but owners often spell themselves otherwise (Kai-Fu
Lee, Shunyu Yao), so the review asks an editor to check every guessed name.
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..script import is_han

if TYPE_CHECKING:
    from .termbase import Glossary

_HAN_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")


def pinyin_name(name: str) -> str:
    """Surname first, given name as one word: 张小珺 → Zhang Xiaojun. Empty for non-Han text."""
    if not name or not all(is_han(c) for c in name):
        return ""
    from pypinyin import lazy_pinyin

    syllables = lazy_pinyin(name)
    surname, given = syllables[0], "".join(syllables[1:])
    return " ".join(p.capitalize() for p in (surname, given) if p)


def romanised_label(label: str) -> str:
    """An English stand-in for any speaker label: a personal name as `pinyin_name`, anything
    else (a show, 《远光灯》) with each run of Han characters as one capitalised pinyin word and
    title brackets dropped. Never Chinese characters in an English edition."""
    if label and all(is_han(c) for c in label):
        return pinyin_name(label)
    from pypinyin import lazy_pinyin

    text = label.replace("《", "").replace("》", "").strip()
    return _HAN_RUN.sub(lambda m: "".join(lazy_pinyin(m.group())).capitalize(), text)


def speaker_name(glossary: "Glossary", speaker: str) -> tuple[str | None, bool]:
    """A speaker's English name and whether it is a guess: the glossary's entry, else the
    romanised label. One answer for the annotate stage (what the edition prints) and for the
    translate stage (who an LLM is told is speaking), so the two never disagree."""
    entry = glossary.lookup(speaker)
    if entry is not None:
        return entry.target, False
    guess = romanised_label(speaker)
    return (guess, True) if guess else (None, False)
