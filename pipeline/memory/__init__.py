"""Translation memories from bitext and from other tools (OmegaT, Trados, memoQ, Okapi, Xcode).

tmx.py and xliff.py read (streaming, any language-code spelling, inline codes as codes);
store.py holds the units with exact and indexed fuzzy lookup and a report per file; update.py
edits a user's TMX in place without touching anything else; paragraphs.py matches paragraph
units; bilingual.py reads the files `bitext check` reviews.
"""
from .store import (FUZZY_THRESHOLD, TranslationMemory, load_memory, load_tmx, load_xliff,
                    require_pairs, tm_key)
from .units import DUPLICATE_RULE, Level, MemoryReport, Skip, TMUnit

__all__ = ["FUZZY_THRESHOLD", "TranslationMemory", "load_memory", "load_tmx", "load_xliff",
           "require_pairs", "tm_key", "DUPLICATE_RULE", "Level", "MemoryReport", "Skip", "TMUnit"]
