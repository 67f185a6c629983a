"""The translation memory bitext looks sentences up in: exact after normalisation, fuzzy by index.

Exact matches are trusted; fuzzy ones (≥ 0.85) are only ever offered to the reviewer, because a
sentence that differs by one negation is a different sentence. Units are keyed by `tm_key`, so
width, spacing and script (a Traditional memory) never make a different sentence.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..errors import BitextError
from ..script import to_simplified, to_traditional
from .index import FuzzyIndex
from .inline import InlineText
from .units import Level, MemoryReport, Skip, TMUnit, Duplicate

FUZZY_THRESHOLD = 0.85
_CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\U00020000-\U0003ffff]")
_SENTENCE_END = re.compile(r"(?:[。！？]+|[!?]+(?=\s|$))[”」』）)]*")


def tm_keys(texts: list[str]) -> list[str]:
    """Width, spacing, punctuation width and script never make a different sentence.

    The script is folded by a Simplified→Traditional→Simplified round trip: plain t2s is not
    enough, because a Traditional copy comes back with variants (想象 → 想像 → 想像). OpenCC's
    cost is mostly per call, so memories are keyed in batches joined by newlines (a conversion
    never spans a newline, so the result is the same as one call per text), and texts without
    Han characters skip it.
    """
    flat = [re.sub(r"\s+", "", unicodedata.normalize("NFKC", t)) for t in texts]
    han = [i for i, t in enumerate(flat) if _CJK.search(t)]  # OpenCC leaves the rest alone
    if han:
        folded = to_simplified(to_traditional("\n".join(flat[i] for i in han))).split("\n")
        for i, text in zip(han, folded):
            flat[i] = text
    return flat


@lru_cache(maxsize=65536)
def tm_key(text: str) -> str:
    return tm_keys([text])[0]


def chinese_sentences(text: str) -> int:
    return max(1, len([p for p in _SENTENCE_END.split(text) if p.strip()]))


@dataclass(slots=True)
class Pair:
    """One unit of a memory file as read, before it is accepted or skipped."""

    zh: InlineText | None
    en: InlineText | None
    example: str
    tuid: str = ""
    note: str = ""
    date: str = ""
    segtype: str = ""


BATCH = 2000


class TranslationMemory:
    """Units from any number of memory files, with a report per file."""

    def __init__(self) -> None:
        self.units: list[TMUnit] = []
        self.paths: list[str] = []
        self.reports: dict[str, MemoryReport] = {}
        self._exact: dict[str, int] = {}
        self._index: FuzzyIndex | None = None
        self._keys: list[str] = []  # tm_key of each unit, in the order of self.units

    # --- building -------------------------------------------------------------------------
    def report_for(self, path: str) -> MemoryReport:
        if path not in self.reports:
            self.reports[path] = MemoryReport(path)
            self.paths.append(path)
        return self.reports[path]

    def add(self, unit: TMUnit, key: str | None = None) -> None:
        """Add a unit; a second unit with the same key follows DUPLICATE_RULE, and is reported."""
        key = key if key is not None else tm_key(unit.source)
        report = self.reports.get(unit.origin)
        at = self._exact.get(key)
        if at is None:
            self._exact[key] = len(self.units)
            self.units.append(unit)
            self._keys.append(key)
            self._index = None
            if report:
                report.used += 1
            return
        old = self.units[at]
        if re.sub(r"\s+", " ", old.target) == re.sub(r"\s+", " ", unit.target):
            if report:
                report.identical += 1
            return
        keep, drop = (unit, old) if unit.date >= old.date else (old, unit)
        if report:
            report.duplicates.append(Duplicate(unit.source, keep.target, drop.target))
        self.units[at] = keep

    def add_pair(self, zh: InlineText | None, en: InlineText | None, report: MemoryReport, *,
                 example: str, tuid: str = "", note: str = "", date: str = "",
                 segtype: str = "") -> None:
        """Account for one unit of a memory file: used, or skipped with its reason."""
        self.add_pairs([Pair(zh, en, example, tuid, note, date, segtype)], report)

    def add_pairs(self, pairs: list[Pair], report: MemoryReport) -> None:
        """Account for a batch of units (keyed in one OpenCC call): used, or skipped and why."""
        usable: list[Pair] = []
        for pair in pairs:
            report.units += 1
            zh, en = pair.zh, pair.en
            reason = (Skip.NO_CHINESE if zh is None else Skip.NO_ENGLISH if en is None
                      else Skip.EMPTY_SOURCE if not zh.text else Skip.UNTRANSLATED
                      if not en.text else None)
            if reason is not None:
                report.skip(reason, pair.example)
            else:
                usable.append(pair)
        texts = [p.zh.text for p in usable if p.zh] + [p.en.text for p in usable if p.en]
        keys = tm_keys(texts)
        for pair, zh_key, en_key in zip(usable, keys, keys[len(usable):]):
            assert pair.zh is not None and pair.en is not None
            if zh_key == en_key:
                report.skip(Skip.COPY, pair.example)
                continue
            level = (Level.PARAGRAPH if pair.segtype == "paragraph"
                     or chinese_sentences(pair.zh.text) > 1 else Level.SENTENCE)
            self.add(TMUnit(pair.zh.text, pair.en.text, pair.tuid, pair.note, pair.date,
                            report.path, level, pair.en.codes, pair.zh.spans, pair.en.spans),
                     key=zh_key)

    # --- lookup ---------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.units)

    def __bool__(self) -> bool:  # an empty memory is still a memory (`if tm:` means "given")
        return True

    def _count(self, unit: TMUnit, kind: str) -> None:
        report = self.reports.get(unit.origin)
        if report is not None:
            report.hits[kind] += 1

    def get(self, source: str) -> TMUnit | None:
        """Exact lookup that counts no hit (for imports and checks)."""
        at = self._exact.get(tm_key(source))
        return None if at is None else self.units[at]

    def exact(self, source: str, kind: str = "exact") -> TMUnit | None:
        unit = self.get(source)
        if unit is not None:
            self._count(unit, kind)
        return unit

    def fuzzy(self, source: str, limit: int = 3,
              level: Level | None = None) -> list[tuple[float, TMUnit]]:
        key = tm_key(source)
        if not key or not self.units:
            return []
        if self._index is None:
            self._index = FuzzyIndex(self._keys)
        found = [(score, self.units[i]) for score, i in
                 self._index.search(key, FUZZY_THRESHOLD, limit + 1)
                 if self._keys[i] != key
                 and (level is None or self.units[i].level is level)]
        found.sort(key=lambda x: (-x[0], x[1].source))
        if found:
            self._count(found[0][1], "fuzzy")
        return found[:limit]

    def report_lines(self, with_hits: bool = True) -> list[str]:
        return [line for path in self.paths for line in self.reports[path].lines(with_hits)]


def require_pairs(report: MemoryReport, what: str = "memory") -> None:
    """A file that gave no usable zh/en pair is an error (exit 2), never a clean result."""
    if report.used == 0 and report.identical == 0 and not report.duplicates:
        why = "; ".join(f"{n} {r.value}" for r, n in report.skipped.items()) or "no units"
        raise BitextError(f"no usable Chinese–English pair in this {what} ({report.units} units: "
                          f"{why}); languages found: {report.found_languages()}",
                          path=report.path, hint="give a memory with zh and en variants")


def load_tmx(path: Path, tm: TranslationMemory | None = None) -> TranslationMemory:
    from .tmx import iter_tmx

    tm = tm if tm is not None else TranslationMemory()
    report = tm.report_for(str(path))
    batch: list[Pair] = []
    for n, tu in enumerate(iter_tmx(path), start=1):
        report.languages.update(c for c in tu.codes if c)
        batch.append(Pair(tu.zh, tu.en, tu.tuid or f"unit {n}", tu.tuid, tu.note, tu.date,
                          tu.segtype))
        if len(batch) >= BATCH:
            tm.add_pairs(batch, report)
            batch = []
    tm.add_pairs(batch, report)
    return tm


def load_xliff(path: Path, tm: TranslationMemory | None = None) -> TranslationMemory:
    from .langs import Role
    from .xliff import read_xliff

    tm = tm if tm is not None else TranslationMemory()
    report = tm.report_for(str(path))
    xlf = read_xliff(path)
    report.languages.update(xlf.languages)
    report.repeated_ids += sorted(set(xlf.repeated_ids))
    tm.add_pairs([Pair(u.side(Role.CHINESE), u.side(Role.ENGLISH), u.id, u.id)
                  for u in xlf.units], report)
    return tm


def load_memory(path: Path, tm: TranslationMemory | None = None, *,
                require: bool = True) -> TranslationMemory:
    """A TMX or XLIFF file as a memory; exit 2 when it holds no usable zh/en pair."""
    suffix = path.suffix.lower()
    if suffix in (".xlf", ".xliff"):
        tm = load_xliff(path, tm)
    else:
        tm = load_tmx(path, tm)
    if require:
        require_pairs(tm.reports[str(path)])
    return tm
