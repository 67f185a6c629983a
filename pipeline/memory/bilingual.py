"""The bilingual files `bitext check` reviews: TMX, XLIFF, bitext's JSON, and zh<TAB>en TSV.

Input honesty: every unit is accounted for. Units with a blank or copied English are listed as
untranslated, duplicates as duplicates, and a file with no usable unit is an error (exit 2)
naming the languages it holds: a review of nothing is not "clean".
"""
from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import BitextError
from ..model import Segment
from ..textio import decode, read_bytes, read_json_object
from .inline import InlineText, collapse_space
from .langs import Role, role
from .store import TranslationMemory, load_tmx, load_xliff, require_pairs, tm_key
from .units import MemoryReport, Skip


@dataclass
class Bilingual:
    segments: list[Segment]
    report: MemoryReport
    untranslated: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        return self.report.lines()


def _from_memory(tm: TranslationMemory, path: Path) -> Bilingual:
    report = tm.reports[str(path)]
    require_pairs(report, "file")
    segments = [Segment(id=u.tuid or str(n), source=u.source, target=u.target,
                        spans=list(u.source_spans), target_spans=list(u.target_spans))
                for n, u in enumerate(tm.units, start=1)]
    return Bilingual(segments, report)


def _from_json(path: Path) -> Bilingual:
    from ..writers.json_doc import document_from_dict

    try:
        doc = document_from_dict(read_json_object(path))
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise BitextError(f"not a bitext segment JSON ({type(exc).__name__}: {exc})",
                          path=str(path), hint="give the .json that `bitext translate` wrote")
    segments = list(doc.segments())
    report = MemoryReport(str(path), units=len(segments), languages=Counter({"zh": 1, "en": 1}))
    done = [s for s in segments if (s.target or "").strip()]
    for seg in segments:
        if not (seg.target or "").strip():
            report.skip(Skip.UNTRANSLATED, seg.id)
    report.used = len(done)
    if not done:
        raise BitextError(f"the edition is untranslated: none of its {len(segments)} segments "
                          f"has English", path=str(path),
                          hint="translate it first (a model, or a memory with --tm)")
    return Bilingual(done, report, [s.id for s in segments if s not in done])


def _from_tsv(path: Path) -> Bilingual:
    """Two columns, Chinese then English, or a header naming them (zh/en codes in any form)."""
    text = decode(read_bytes(path), str(path))
    rows = list(csv.reader(io.StringIO(text), delimiter="\t"))
    zh_col, en_col, start = 0, 1, 0
    if rows and {role(c) for c in rows[0]} >= {Role.CHINESE, Role.ENGLISH}:
        roles = [role(c) for c in rows[0]]
        zh_col, en_col, start = roles.index(Role.CHINESE), roles.index(Role.ENGLISH), 1
    tm = TranslationMemory()
    report = tm.report_for(str(path))
    report.languages.update({"zh": 1, "en": 1})
    for line, row in enumerate(rows[start:], start=start + 1):
        if not any(cell.strip() for cell in row):
            continue
        zh = InlineText(collapse_space(row[zh_col])) if len(row) > zh_col else None
        en = InlineText(collapse_space(row[en_col])) if len(row) > en_col else InlineText("")
        tm.add_pair(zh, en, report, example=f"line {line}", tuid=f"line {line}")
    return _from_memory(tm, path)


def load_bilingual(path: Path) -> Bilingual:
    suffix = path.suffix.lower()
    if suffix == ".tmx":
        return _from_memory(load_tmx(path), path)
    if suffix in (".xlf", ".xliff"):
        return _from_memory(load_xliff(path), path)
    if suffix == ".json":
        return _from_json(path)
    if suffix in (".tsv", ".tab"):
        return _from_tsv(path)
    raise BitextError(f"unsupported bilingual file '{suffix}'", path=str(path),
                      hint="give a .tmx, .xlf/.xliff, .tsv (zh<TAB>en) or the .json written by "
                           "`bitext translate`")


__all__ = ["Bilingual", "load_bilingual", "tm_key"]
