"""The translation memory bitext looks sentences up in: exact after normalisation, fuzzy by index.

Exact matches are trusted; fuzzy ones (≥ 0.85) are only ever offered to the reviewer, because a
sentence that differs by one negation is a different sentence. Units are keyed by `tm_key`, so
width, spacing and script (a Traditional memory) never make a different sentence.
"""
from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from ..errors import BitextError
from ..script import to_simplified, to_traditional
from .index import FuzzyIndex
from .inline import InlineText
from .units import Level, MemoryReport, Skip, TMUnit, Duplicate

FUZZY_THRESHOLD = 0.85
_SENTENCE_END = re.compile(r"(?:[。！？]+|[!?]+(?=\s|$))[”」』）)]*")


def tm_key(text: str) -> str:
    """Width, spacing, punctuation width and script never make a different sentence.

    The script is folded by a Simplified→Traditional→Simplified round trip: plain t2s is not
    enough, because a Traditional copy comes back with variants (想象 → 想像 → 想像).
    """
    folded = to_simplified(to_traditional(unicodedata.normalize("NFKC", text)))
    return re.sub(r"\s+", "", folded)


def chinese_sentences(text: str) -> int:
    return max(1, len([p for p in _SENTENCE_END.split(text) if p.strip()]))


class TranslationMemory:
    """Units from any number of memory files, with a report per file."""

    def __init__(self) -> None:
        self.units: list[TMUnit] = []
        self.paths: list[str] = []
        self.reports: dict[str, MemoryReport] = {}
        self._exact: dict[str, int] = {}
        self._index: FuzzyIndex | None = None
        self._index_keys: list[str] = []

    # --- building -------------------------------------------------------------------------
    def report_for(self, path: str) -> MemoryReport:
        if path not in self.reports:
            self.reports[path] = MemoryReport(path)
            self.paths.append(path)
        return self.reports[path]

    def add(self, unit: TMUnit) -> None:
        """Add a unit; a second unit with the same key follows DUPLICATE_RULE, and is reported."""
        key = tm_key(unit.source)
        report = self.reports.get(unit.origin)
        at = self._exact.get(key)
        if at is None:
            self._exact[key] = len(self.units)
            self.units.append(unit)
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
        report.units += 1
        reason = None
        if zh is None:
            reason = Skip.NO_CHINESE
        elif en is None:
            reason = Skip.NO_ENGLISH
        elif not zh.text:
            reason = Skip.EMPTY_SOURCE
        elif not en.text:
            reason = Skip.UNTRANSLATED
        elif tm_key(zh.text) == tm_key(en.text):
            reason = Skip.COPY
        if reason is not None:
            report.skip(reason, example)
            return
        assert zh is not None and en is not None
        level = (Level.PARAGRAPH if segtype == "paragraph" or chinese_sentences(zh.text) > 1
                 else Level.SENTENCE)
        self.add(TMUnit(zh.text, en.text, tuid, note, date, report.path, level, en.codes))

    # --- lookup ---------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.units)

    def __bool__(self) -> bool:
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
            self._index_keys = [tm_key(u.source) for u in self.units]
            self._index = FuzzyIndex(self._index_keys)
        found = [(score, self.units[i]) for score, i in
                 self._index.search(key, FUZZY_THRESHOLD, limit + 1)
                 if self._index_keys[i] != key
                 and (level is None or self.units[i].level is level)]
        found.sort(key=lambda x: (-x[0], x[1].source))
        if found:
            self._count(found[0][1], "fuzzy")
        return found[:limit]

    def report_lines(self) -> list[str]:
        return [line for path in self.paths for line in self.reports[path].lines()]


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
    for n, pair in enumerate(iter_tmx(path), start=1):
        report.languages.update(c for c in pair.codes if c)
        tm.add_pair(pair.zh, pair.en, report, example=pair.tuid or f"unit {n}", tuid=pair.tuid,
                    note=pair.note, date=pair.date, segtype=pair.segtype)
    return tm


def load_xliff(path: Path, tm: TranslationMemory | None = None) -> TranslationMemory:
    from .langs import Role
    from .xliff import read_xliff

    tm = tm if tm is not None else TranslationMemory()
    report = tm.report_for(str(path))
    xlf = read_xliff(path)
    report.languages.update(xlf.languages)
    for unit in xlf.units:
        tm.add_pair(unit.side(Role.CHINESE), unit.side(Role.ENGLISH), report, example=unit.id,
                    tuid=unit.id)
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
