"""Compatibility names for the translation memory, which lives in `pipeline.memory`."""
from __future__ import annotations

from pathlib import Path

from .memory.store import FUZZY_THRESHOLD, TranslationMemory, load_tmx, tm_key
from .memory.tmx import SOURCE_LANG, TARGET_LANG, tmx_bytes
from .memory.units import TMUnit
from .textio import atomic_write_bytes


def read_tmx(path: Path, tm: TranslationMemory | None = None) -> TranslationMemory:
    """Every usable zh/en pair of a TMX (reading accounted for in `tm.reports`)."""
    return load_tmx(path, tm)


def write_tmx(path: Path, tm: TranslationMemory) -> None:
    atomic_write_bytes(path, tmx_bytes([(u.tuid, u.source, u.target, u.note) for u in tm.units]))


__all__ = ["FUZZY_THRESHOLD", "SOURCE_LANG", "TARGET_LANG", "TMUnit", "TranslationMemory",
           "read_tmx", "tm_key", "tmx_bytes", "write_tmx"]
