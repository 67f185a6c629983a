"""The post-editing round trip: an editor's corrections (parallel DOCX or XLIFF) → the TM.

Matching is by segment id, never by position, and the Chinese is compared three ways (the
edited file, the export, the current input): a segment whose Chinese moved on since the export is
a conflict for a person to resolve, never an overwrite. So is the same Chinese edited two ways in
one file, and a memory whose English changed since the export (a second editor got there first).

An existing memory is edited in place (`memory/update.py`): only the units touched change, with
their `changedate`/`changeid`, and the previous file is kept as `NAME.bak`. An XLIFF carries its
own source text, so one mailed back without the export's `.json` is still accepted: its Chinese
comes from the file (bitext's own or a foreign tool's, whichever side is Chinese).
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

from .errors import BitextError
from .memory.langs import Role
from .memory.store import TranslationMemory, load_memory, tm_key
from .memory.tmx import tmx_bytes
from .memory.update import Edit, update_tmx
from .model import InlineSpan, Segment
from .spans import normalise
from .script import to_simplified
from .textio import atomic_write_bytes, read_json_object

# what `bitext translate` appends to the stem; only these are stripped to find the export
EXPORT_SUFFIXES = (".parallel.docx", ".en.docx", ".parallel.md", ".en.md", ".xlf", ".xliff",
                   ".docx")


@dataclass
class ImportReport:
    changed: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    unchanged: int = 0
    conflicts: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    tm_path: str = ""
    backup: str = ""

    def lines(self) -> list[str]:
        out = [f"{len(self.changed) + len(self.added)} segment(s) changed → {self.tm_path} "
               f"({len(self.changed)} units edited in place, {len(self.added)} added); "
               f"{self.unchanged} unchanged; {len(self.conflicts)} conflict(s); "
               f"{len(self.unknown)} unknown id(s)"]
        if self.backup:
            out.append(f"  previous memory kept as {self.backup}")
        out += [f"  note: {n}" for n in self.notes]
        out += [f"  changed: {c}" for c in self.changed + self.added]
        out += [f"  conflict: {c}" for c in self.conflicts]
        out += [f"  unknown: {u}" for u in self.unknown]
        return out


@dataclass
class EditedRow:
    """One unit of an edited file, with its formatting (the XLIFF's `<g>`/`<bpt>` tags, the
    DOCX's bold, italic, monospace and hyperlink runs). Spans are None where a file cannot
    carry formatting: the memory's formatting is then neither kept nor claimed."""

    id: str
    chinese: str
    english: str | None
    source_spans: tuple[InlineSpan, ...] | None = None
    target_spans: tuple[InlineSpan, ...] | None = None


def _edited(path: Path, report: ImportReport) -> tuple[list[EditedRow], bool]:
    """Each unit of the edited file, and whether the file is bitext's own export."""
    suffix = path.suffix.lower()
    if suffix == ".docx":
        from .readers.docx_parallel import read_parallel_docx

        return [EditedRow(*row) for row in read_parallel_docx(path)], True
    if suffix in (".xlf", ".xliff"):
        from .memory.xliff import read_xliff

        xlf = read_xliff(path)
        report.conflicts += [f"{i}: id repeated in {path.name}; none of its copies imported"
                             for i in sorted(set(xlf.repeated_ids))]
        repeated = set(xlf.repeated_ids)
        rows = []
        for unit in xlf.units:
            zh, en = unit.side(Role.CHINESE), unit.side(Role.ENGLISH)
            if unit.id in repeated:
                continue
            if zh is None:
                raise BitextError(f"no Chinese side in this XLIFF (languages: "
                                  f"{', '.join(sorted(xlf.languages)) or 'none declared'})",
                                  path=str(path), hint="import an XLIFF whose source or target "
                                                       "language is Chinese")
            rows.append(EditedRow(unit.id, zh.text, en.text if en is not None else None,
                                  zh.spans, en.spans if en is not None else ()))
        return rows, False
    raise BitextError(f"cannot import '{suffix}' files", path=str(path),
                      hint="give the .parallel.docx or .xlf that bitext translate wrote, or an "
                           "XLIFF from another tool")


@dataclass(frozen=True)
class Candidate:
    """An edit that passed the checks, before edits of one Chinese are compared."""

    id: str
    chinese: str
    english: str
    source_spans: tuple[InlineSpan, ...]
    target_spans: tuple[InlineSpan, ...] | None  # None: the file cannot carry formatting


def _same_spans(edited: tuple[InlineSpan, ...] | None,
                known: Sequence[InlineSpan] | None) -> bool:
    """True when the edit does not change the formatting (or cannot say: a DOCX)."""
    return edited is None or tuple(normalise(edited)) == tuple(normalise(known or ()))


def export_stem(name: str) -> str:
    """`v1.2-notes.parallel.docx` → `v1.2-notes`: strip only the suffixes bitext writes."""
    low = name.lower()
    for suffix in EXPORT_SUFFIXES:
        if low.endswith(suffix):
            return name[: -len(suffix)]
    return name.rsplit(".", 1)[0]


def _export_json(path: Path, against: Path | None, required: bool) -> Path | None:
    if against is not None:
        return against
    candidate = path.with_name(f"{export_stem(path.name)}.json")
    if candidate.is_file():
        return candidate
    if required:
        raise BitextError("cannot find the export's .json beside the edited file",
                          path=str(path), hint=f"expected {candidate.name}; pass it with "
                                               f"--against FILE.json")
    return None


def _load_export(path: Path) -> dict[str, Segment]:
    from .writers.json_doc import document_from_dict

    try:
        export = document_from_dict(read_json_object(path))
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise BitextError(f"not a bitext export JSON ({exc})", path=str(path))
    index = export.segment_index()
    index[""] = Segment(id="", source=export.path)  # carries the input path recorded
    return index


def import_edits(path: Path, tm_path: Path, *, against: Path | None = None,
                 input_path: Path | None = None) -> ImportReport:
    from .readers import read_document

    if not path.is_file():
        raise BitextError("no such file", path=str(path))
    if tm_path.suffix.lower() in (".xlf", ".xliff"):
        raise BitextError("--tm must be a .tmx memory to update", path=str(tm_path))
    report = ImportReport(tm_path=str(tm_path))
    edited, own = _edited(path, report)
    export_path = _export_json(path, against, required=path.suffix.lower() == ".docx")
    exported = _load_export(export_path) if export_path else None
    recorded = exported.pop("").source if exported else ""
    source_path = input_path or (Path(recorded) if recorded else None)
    current = ({s.source for s in read_document(source_path).segments()}
               if source_path is not None and source_path.exists() else None)
    if exported is None:
        report.notes.append(f"no export .json: Chinese taken from {path.name} itself"
                            + ("" if current is not None else
                               "; pass --input to check it against the current source"))
    tm = load_memory(tm_path, require=False) if tm_path.exists() else TranslationMemory()
    if tm_path.exists() and not tm.units:
        found = tm.reports[str(tm_path)].found_languages()
        report.notes.append(f"{tm_path.name} holds no zh/en pair (languages: {found}); edits "
                            f"are added to it as new zh/en units")

    candidates: list[Candidate] = []
    for row in edited:
        seg_id, english = row.id, (row.english or "").strip()
        chinese = to_simplified(row.chinese)  # exported in either script
        # the file's Chinese formatting, while its offsets still fit the text
        source_spans = row.source_spans if len(chinese) == len(row.chinese) else None
        target_spans = row.target_spans  # over the English as read: trimmed already
        baseline: str | None = None
        if exported is not None:
            before = exported.get(seg_id)
            if before is None:
                report.unknown.append(seg_id)
                continue
            if not english or (english == (before.target or "").strip() and _same_spans(
                    target_spans, before.target_spans)):
                report.unchanged += 1
                continue
            if tm_key(chinese) != tm_key(before.source):
                report.conflicts.append(f"{seg_id}: the Chinese was edited in {path.name}")
                continue
            chinese, baseline = before.source, (before.target or "").strip()
            source_spans = tuple(before.spans)
        elif not english or tm_key(english) == tm_key(chinese):
            report.notes.append(f"{seg_id}: untranslated in {path.name} (blank, or both sides "
                                f"the same text); skipped")
            continue
        if current is not None and chinese not in current and \
                tm_key(chinese) not in {tm_key(c) for c in current}:
            report.conflicts.append(f"{seg_id}: the source sentence changed since the export")
            continue
        unit = tm.get(chinese)
        if unit is not None and unit.target.strip() == english and _same_spans(
                target_spans, unit.target_spans):
            report.unchanged += 1
            continue
        if unit is not None and baseline is not None and unit.target.strip() != baseline:
            report.conflicts.append(f"{seg_id}: the memory changed since the export (now "
                                    f"{unit.target!r}, edited {english!r}); not overwritten")
            continue
        candidates.append(Candidate(seg_id, chinese, english, source_spans or (),
                                    target_spans))

    by_key: dict[str, list[Candidate]] = defaultdict(list)
    for cand in candidates:
        by_key[tm_key(cand.chinese)].append(cand)
    edits: list[Edit] = []
    for rows in by_key.values():
        if len({(r.english, r.target_spans) for r in rows}) > 1:
            ids = ", ".join(r.id for r in rows)
            versions = " / ".join(repr(r.english) for r in rows)
            report.conflicts += [f"{r.id}: the same Chinese was edited two ways in {path.name} "
                                 f"({ids}: {versions}); none imported" for r in rows]
            continue
        first = rows[0]
        edits.append(Edit(first.chinese, first.english, first.id if own or exported else "",
                          "post-edited", first.source_spans, first.target_spans))
    if not edits:
        return report
    if tm_path.exists():
        result = update_tmx(tm_path, edits)
        report.changed, report.added, report.backup = result.changed, result.added, result.backup
        report.notes += [f"{c}: the old English had inline codes; the edit is plain text"
                         for c in result.codes_dropped]
    else:
        atomic_write_bytes(tm_path, tmx_bytes([(e.tuid, e.source, e.target, e.note)
                                               for e in edits],
                                              spans=[(e.source_spans, e.target_spans or ())
                                                     for e in edits]))
        report.added = [e.tuid or e.source for e in edits]
    return report
