"""TBX exchange with OmegaT/Trados/memoQ through translate-toolkit (martif TBX)."""
from __future__ import annotations

from pathlib import Path

from ..errors import BitextError
from ..textio import atomic_write_bytes, read_bytes
from ..xmlsafe import parse_xml
from .termbase import Entry

_META = "bitext:"


def tbx_bytes(entries: list[Entry]) -> bytes:
    from translate.storage import tbx

    store = tbx.tbxfile(sourcelanguage="zh-CN", targetlanguage="en")
    for entry in entries:
        unit = store.addsourceunit(entry.sources[0])
        unit.target = entry.target
        # TBX as written by translate-toolkit keeps notes only: carry our fields in one
        unit.addnote(_META + "\t".join(entry.to_row()), origin="translator")
        if entry.note:
            unit.addnote(entry.note, origin="developer")
    return bytes(store)


def write_tbx(path: Path, entries: list[Entry]) -> None:
    atomic_write_bytes(path, tbx_bytes(entries))


def read_tbx(path: Path) -> list[Entry]:
    """Read bitext's own TBX losslessly, and any other TBX's zh/en terms as plain entries."""
    from translate.storage import tbx

    data = read_bytes(path)
    parse_xml(data, str(path))  # safety check: entities and size, before translate-toolkit
    try:
        store = tbx.tbxfile(data)
    except Exception as exc:
        raise BitextError(f"cannot read TBX ({exc})", path=str(path), hint="re-export it")
    entries: list[Entry] = []
    for n, unit in enumerate(store.units, start=1):
        notes = unit.getnotes(origin="translator") or ""
        meta = next((l[len(_META):] for l in notes.splitlines() if l.startswith(_META)), None)
        if meta:
            from .termbase import COLUMNS, parse_rows

            parsed, _ = parse_rows([(n, dict(zip(COLUMNS, meta.split("\t"))))], str(path))
            entries.extend(parsed)
        elif unit.source and unit.target:
            entries.append(Entry([unit.source], unit.target, file=str(path), line=n))
    return entries
