"""Translation memory: TMX in and out, exact lookup after normalisation, fuzzy suggestions.

Exact matches are trusted; fuzzy ones (≥ 0.85) are only ever offered to the reviewer, because a
sentence that differs by one negation is a different sentence.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path

from lxml import etree

from .errors import BitextError
from .script import to_simplified, to_traditional
from .textio import atomic_write_bytes, read_bytes
from .xmlsafe import parse_xml

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
SOURCE_LANG = "zh-CN"
TARGET_LANG = "en"
FUZZY_THRESHOLD = 0.85


def tm_key(text: str) -> str:
    """Width, spacing, punctuation width and script never make a different sentence.

    The script is folded by a Simplified→Traditional→Simplified round trip: plain t2s is not
    enough, because a Traditional copy comes back with variants (想象 → 想像 → 想像).
    """
    folded = to_simplified(to_traditional(unicodedata.normalize("NFKC", text)))
    return re.sub(r"\s+", "", folded)


@dataclass
class TMUnit:
    source: str
    target: str
    tuid: str = ""
    note: str = ""


@dataclass
class TranslationMemory:
    units: list[TMUnit] = field(default_factory=list)
    paths: list[str] = field(default_factory=list)
    _exact: dict[str, TMUnit] = field(default_factory=dict, repr=False)

    def add(self, unit: TMUnit, *, override: bool = True) -> None:
        key = tm_key(unit.source)
        old = self._exact.get(key)
        if old is not None:
            if not override:
                return
            self.units[self.units.index(old)] = unit
        else:
            self.units.append(unit)
        self._exact[key] = unit

    def exact(self, source: str) -> TMUnit | None:
        return self._exact.get(tm_key(source))

    def fuzzy(self, source: str, limit: int = 3) -> list[tuple[float, TMUnit]]:
        key = tm_key(source)
        if not key:
            return []
        found: list[tuple[float, TMUnit]] = []
        for ukey, unit in self._exact.items():
            shorter, longer = sorted((len(key), len(ukey)))
            if longer == 0 or 2 * shorter / (shorter + longer) < FUZZY_THRESHOLD:
                continue
            matcher = SequenceMatcher(None, key, ukey, autojunk=False)
            if matcher.quick_ratio() < FUZZY_THRESHOLD:
                continue
            ratio = matcher.ratio()
            if ratio >= FUZZY_THRESHOLD:
                found.append((ratio, unit))
        found.sort(key=lambda x: (-x[0], x[1].source))
        return found[:limit]


def _lang_matches(lang: str | None, want: str) -> bool:
    return bool(lang) and lang.lower().split("-")[0] == want.lower().split("-")[0]


def _seg_text(tuv: etree._Element) -> str | None:
    seg = tuv.find("seg")
    return None if seg is None else "".join(seg.itertext())


def read_tmx(path: Path, tm: TranslationMemory | None = None) -> TranslationMemory:
    """Read zh→en pairs; languages are taken from each tuv (translate-toolkit loses them)."""
    tm = tm if tm is not None else TranslationMemory()
    root = parse_xml(read_bytes(path), str(path))
    if root.tag != "tmx":
        raise BitextError(f"not a TMX file (root element <{root.tag}>)", path=str(path),
                          hint="give a .tmx translation memory")
    for tu in root.iter("tu"):
        source = target = None
        for tuv in tu.findall("tuv"):
            lang = tuv.get(XML_LANG) or tuv.get("lang")
            if _lang_matches(lang, SOURCE_LANG):
                source = _seg_text(tuv)
            elif _lang_matches(lang, TARGET_LANG):
                target = _seg_text(tuv)
        if source and target:
            note = tu.findtext("note") or ""
            tm.add(TMUnit(source.strip(), target.strip(), tu.get("tuid", ""), note))
    tm.paths.append(str(path))
    return tm


def tmx_bytes(units: list[tuple[str, str, str, str]], *, target_lang: str = TARGET_LANG,
              date: str | None = None, origins: list[str] | None = None) -> bytes:
    """(tuid, source, target, note) → TMX 1.4 bytes.

    `date` (TMX's `YYYYMMDDThhmmssZ`) stamps the header and every unit's creation/change date;
    the caller passes a fixed one so output stays deterministic. `origins` (one per unit) go in
    a `x-bitext-origin` prop, where CAT tools keep them as metadata instead of showing a note.
    """
    from . import __version__

    dates = {"creationdate": date} if date else {}
    root = etree.Element("tmx", version="1.4")
    etree.SubElement(root, "header", creationtool="bitext", creationtoolversion=__version__,
                     segtype="sentence", adminlang="en", srclang=SOURCE_LANG, datatype="plaintext",
                     **{"o-tmf": "bitext"}, **dates)
    body = etree.SubElement(root, "body")
    for n, (tuid, source, target, note) in enumerate(units):
        tu = etree.SubElement(body, "tu", tuid=tuid, **dates,
                              **({"changedate": date} if date else {}))
        if origins and origins[n]:
            etree.SubElement(tu, "prop", type="x-bitext-origin").text = origins[n]
        if note:
            etree.SubElement(tu, "note").text = note
        for lang, text in ((SOURCE_LANG, source), (target_lang, target)):
            tuv = etree.SubElement(tu, "tuv", {XML_LANG: lang})
            etree.SubElement(tuv, "seg").text = text
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def write_tmx(path: Path, tm: TranslationMemory) -> None:
    atomic_write_bytes(path, tmx_bytes([(u.tuid, u.source, u.target, u.note) for u in tm.units]))
