"""XLIFF 1.2 and 2.0 read: bitext's own exports, and files from Xcode, Angular, memoQ, Trados.

A unit carries its own source text, so an XLIFF is both a memory and a bilingual file to check.
The roles come from the declared languages (1.2 `source-language`/`target-language` on `<file>`,
2.0 `srcLang`/`trgLang` on the root): a foreign en→zh-Hans file gives zh→en pairs all the same.
A repeated id is reported, never silently replaced.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from ..errors import BitextError
from ..textio import read_bytes
from ..xmlsafe import parse_xml
from .inline import InlineText, localname, read_inline
from .langs import Role, role


@dataclass
class XliffUnit:
    id: str
    source: InlineText
    target: InlineText | None
    source_lang: str
    target_lang: str
    state: str = ""

    def side(self, want: Role) -> InlineText | None:
        if role(self.source_lang) is want:
            return self.source
        if role(self.target_lang) is want:
            return self.target
        return None


@dataclass
class XliffFile:
    path: str
    version: str
    units: list[XliffUnit] = field(default_factory=list)
    repeated_ids: list[str] = field(default_factory=list)
    languages: set[str] = field(default_factory=set)


def _children(el: etree._Element, name: str) -> list[etree._Element]:
    return [c for c in el if localname(c) == name]


def read_xliff(path: Path) -> XliffFile:
    root = parse_xml(read_bytes(path), str(path))
    if localname(root) != "xliff":
        raise BitextError(f"not an XLIFF file (root element <{localname(root)}>)",
                          path=str(path), hint="give an .xlf/.xliff file")
    version = root.get("version", "")
    out = XliffFile(str(path), version)
    seen: set[str] = set()

    def add(unit: XliffUnit, scope: str) -> None:
        key = f"{scope}\x00{unit.id}"
        if key in seen:
            out.repeated_ids.append(unit.id)
        seen.add(key)
        out.units.append(unit)

    if version.startswith("2"):
        src, trg = root.get("srcLang", ""), root.get("trgLang", "")
        out.languages |= {c for c in (src, trg) if c}
        for file_el in root.iter("{*}file"):
            for unit in file_el.iter("{*}unit"):
                segments = _children(unit, "segment")
                for n, seg in enumerate(segments, start=1):
                    source = _children(seg, "source")
                    target = _children(seg, "target")
                    uid = unit.get("id", "")
                    sid = uid if len(segments) == 1 else f"{uid}/{seg.get('id') or n}"
                    add(XliffUnit(sid, read_inline(source[0] if source else None),
                                  read_inline(target[0]) if target else None, src, trg,
                                  seg.get("state", "")), file_el.get("id", ""))
        return out
    for file_el in root.iter("{*}file"):
        src = file_el.get("source-language", "")
        trg = file_el.get("target-language", "")
        out.languages |= {c for c in (src, trg) if c}
        for unit in file_el.iter("{*}trans-unit"):
            source = _children(unit, "source")
            target = _children(unit, "target")
            if not source:
                continue
            add(XliffUnit(unit.get("id", ""), read_inline(source[0]),
                          read_inline(target[0]) if target else None,
                          source[0].get("{http://www.w3.org/XML/1998/namespace}lang") or src,
                          (target[0].get("{http://www.w3.org/XML/1998/namespace}lang") or trg)
                          if target else trg,
                          target[0].get("state", "") if target else ""),
                file_el.get("original", ""))
    return out
