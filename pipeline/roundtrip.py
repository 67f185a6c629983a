"""The post-editing round trip: an editor's corrections (parallel DOCX or XLIFF) → the TM.

Matching is by segment id, never by position, and the Chinese is compared three ways (the
edited file, the export, the current input): a segment whose Chinese moved on since the export is
a conflict for a person to resolve, never an overwrite.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .errors import BitextError
from .script import to_simplified
from .textio import read_json_object
from .tm import TMUnit, TranslationMemory, read_tmx, tm_key, write_tmx


@dataclass
class ImportReport:
    changed: list[str] = field(default_factory=list)
    unchanged: int = 0
    conflicts: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    tm_path: str = ""

    def lines(self) -> list[str]:
        out = [f"{len(self.changed)} segment(s) changed → {self.tm_path}; "
               f"{self.unchanged} unchanged; {len(self.conflicts)} conflict(s); "
               f"{len(self.unknown)} unknown id(s)"]
        out += [f"  changed: {c}" for c in self.changed]
        out += [f"  conflict: {c}" for c in self.conflicts]
        out += [f"  unknown: {u}" for u in self.unknown]
        return out


def _edited(path: Path) -> list[tuple[str, str, str | None]]:
    suffix = path.suffix.lower()
    if suffix == ".docx":
        from .readers.docx_parallel import read_parallel_docx

        return list(read_parallel_docx(path))
    if suffix in (".xlf", ".xliff"):
        from .writers.exchange import read_xliff

        return read_xliff(path)
    raise BitextError(f"cannot import '{suffix}' files", path=str(path),
                      hint="give the .parallel.docx or .xlf that bitext translate wrote")


def _export_json(path: Path, against: Path | None) -> Path:
    if against is not None:
        return against
    stem = path.name.split(".")[0]
    candidate = path.with_name(f"{stem}.json")
    if not candidate.exists():
        raise BitextError("cannot find the export's .json beside the edited file", path=str(path),
                          hint="pass it with --against FILE.json")
    return candidate


def import_edits(path: Path, tm_path: Path, *, against: Path | None = None,
                 input_path: Path | None = None) -> ImportReport:
    from .readers import read_document
    from .writers.json_doc import document_from_dict

    if not path.exists():
        raise BitextError("no such file", path=str(path))
    edited = _edited(path)
    export_path = _export_json(path, against)
    try:
        export = document_from_dict(read_json_object(export_path))
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise BitextError(f"not a bitext export JSON ({exc})", path=str(export_path))
    exported = export.segment_index()
    source_path = input_path or (Path(export.path) if export.path else None)
    current = (read_document(source_path).segment_index()
               if source_path is not None and source_path.exists() else exported)
    tm = read_tmx(tm_path) if tm_path.exists() else TranslationMemory()
    report = ImportReport(tm_path=str(tm_path))
    for seg_id, chinese, english in edited:
        before = exported.get(seg_id)
        if before is None:
            report.unknown.append(seg_id)
            continue
        english = (english or "").strip()
        if not english or english == (before.target or "").strip():
            report.unchanged += 1
            continue
        now = current.get(seg_id)
        if tm_key(to_simplified(chinese)) != tm_key(before.source):  # exported in either script
            report.conflicts.append(f"{seg_id}: the Chinese was edited in {path.name}")
            continue
        if now is None or tm_key(now.source) != tm_key(before.source):
            report.conflicts.append(f"{seg_id}: the source sentence changed since the export")
            continue
        tm.add(TMUnit(before.source, english, seg_id, "post-edited"))
        report.changed.append(seg_id)
    if report.changed:
        write_tmx(tm_path, tm)
    return report
