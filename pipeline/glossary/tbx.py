"""TBX exchange with CAT tools: TBX-Basic v3 (ISO 30042:2019, DCA style) out, v3 or old martif in.

Every field of a term-base entry is expressed in TBX's own data categories, so other tools see
what bitext means (and the round trip TSV → TBX → TSV is lossless):

| entry field | TBX-Basic |
|---|---|
| first Chinese source | zh `termSec`, administrativeStatus preferredTerm-admn-sts |
| other Chinese sources (synonyms) | zh `termSec`, admittedTerm-admn-sts |
| English target | en `termSec`, preferredTerm-admn-sts |
| forbidden renderings | en `termSec`, deprecatedTerm-admn-sts |
| category (concept, person, …) | `descrip type="subjectField"` on the concept |
| note | `note` on the concept |
| context patterns (`前~后`) | `descrip type="context"` on the preferred Chinese term |
| keep as written | `admin type="projectSubset"` `bitext-keep` on the concept |
| provenance (where the English comes from) | `admin type="source"` on the concept |
| admitted English renderings | en `termSec`, admittedTerm-admn-sts |
| tier `suggested` | `admin type="projectSubset"` `bitext-suggested` on the concept |
| sense cue words (no `~`) | `descrip type="context"` on the preferred Chinese term |
| annotate `no` (the note is not shown) | `admin type="projectSubset"` `bitext-no-note` on the concept |

TBX-Basic has no "keep untranslated" category; a subset is how TBX marks a group of entries that
a project treats alike.
"""
from __future__ import annotations

from enum import Enum
from pathlib import Path

from lxml import etree

from ..errors import BitextError
from ..textio import atomic_write_bytes, read_bytes
from ..tm import SOURCE_LANG
from ..xmlsafe import parse_xml
from .termbase import COLUMNS, Entry, Tier, parse_rows

TBX_NS = "urn:iso:std:iso:30042:ed-2"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
TARGET_LANG = "en"
KEEP_SUBSET = "bitext-keep"
SUGGESTED_SUBSET = "bitext-suggested"  # tier: a rendering the review does not require
NO_NOTE_SUBSET = "bitext-no-note"  # annotate no: the note is kept, not shown in this edition
_MODELS = (
    ('href="https://raw.githubusercontent.com/LTAC-Global/TBX-Basic_dialect/master/DCA/'
     'TBXcoreStructV03_TBX-Basic_integrated.rng" type="application/xml" '
     'schematypens="http://relaxng.org/ns/structure/1.0"'),
    ('href="https://raw.githubusercontent.com/LTAC-Global/TBX-Basic_dialect/master/DCA/'
     'TBX-Basic_DCA.sch" type="application/xml" '
     'schematypens="http://purl.oclc.org/dsdl/schematron"'),
)


class Status(str, Enum):
    """TBX administrativeStatus values bitext uses."""

    PREFERRED = "preferredTerm-admn-sts"
    ADMITTED = "admittedTerm-admn-sts"
    DEPRECATED = "deprecatedTerm-admn-sts"


def _el(parent: etree._Element, tag: str, text: str | None = None, **attrs: str) -> etree._Element:
    el = etree.SubElement(parent, f"{{{TBX_NS}}}{tag}", attrs)
    if text is not None:
        el.text = text
    return el


def _term(lang_sec: etree._Element, term: str, status: Status) -> etree._Element:
    term_sec = _el(lang_sec, "termSec")
    _el(term_sec, "term", term)
    _el(term_sec, "termNote", status.value, type="administrativeStatus")
    return term_sec


def tbx_bytes(entries: list[Entry]) -> bytes:
    root = etree.Element(f"{{{TBX_NS}}}tbx", {"type": "TBX-Basic", "style": "dca",
                                              XML_LANG: "en"}, nsmap={None: TBX_NS})
    header = _el(_el(root, "tbxHeader"), "fileDesc")
    _el(_el(header, "sourceDesc"), "p", "bitext term base")
    body = _el(_el(root, "text"), "body")
    for n, entry in enumerate(entries, start=1):
        concept = _el(body, "conceptEntry", id=f"c{n}")
        _el(concept, "descrip", entry.category, type="subjectField")
        if entry.keep:
            _el(concept, "admin", KEEP_SUBSET, type="projectSubset")
        if entry.tier is Tier.SUGGESTED:
            _el(concept, "admin", SUGGESTED_SUBSET, type="projectSubset")
        if not entry.annotate:
            _el(concept, "admin", NO_NOTE_SUBSET, type="projectSubset")
        if entry.provenance:
            _el(concept, "admin", entry.provenance, type="source")
        if entry.note:
            _el(concept, "note", entry.note)
        zh = _el(concept, "langSec", **{XML_LANG: SOURCE_LANG})
        for i, source in enumerate(entry.sources):
            term_sec = _term(zh, source, Status.ADMITTED if i else Status.PREFERRED)
            if not i:
                # context patterns hold a ~ for the term; sense cue words never do
                for pattern in (*entry.context, *entry.sense):
                    _el(term_sec, "descrip", pattern, type="context")
        en = _el(concept, "langSec", **{XML_LANG: TARGET_LANG})
        _term(en, entry.target, Status.PREFERRED)
        for admitted in entry.admitted:
            _term(en, admitted, Status.ADMITTED)
        for forbidden in entry.forbidden:
            _term(en, forbidden, Status.DEPRECATED)
    body_bytes = etree.tostring(root, encoding="UTF-8", pretty_print=True)
    models = "".join(f"<?xml-model {m}?>\n" for m in _MODELS).encode()
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + models + body_bytes


def write_tbx(path: Path, entries: list[Entry]) -> None:
    atomic_write_bytes(path, tbx_bytes(entries))


def _children(el: etree._Element, name: str) -> list[etree._Element]:
    return [c for c in el if isinstance(c.tag, str) and etree.QName(c).localname == name]


def _lang(el: etree._Element) -> str:
    return (el.get(XML_LANG) or el.get("lang") or "").lower().split("-")[0]


def _v3_rows(root: etree._Element) -> list[tuple[int, dict[str, str]]]:
    """One TSV-shaped row per conceptEntry, so TBX entries pass the same validation as TSV."""
    rows = []
    for concept in root.iter(f"{{{TBX_NS}}}conceptEntry"):
        terms: dict[str, list[tuple[str, str, list[str]]]] = {"zh": [], "en": []}
        for lang_sec in _children(concept, "langSec"):
            lang = _lang(lang_sec)
            if lang not in terms:
                continue
            for term_sec in _children(lang_sec, "termSec"):
                term = "".join(_children(term_sec, "term")[0].itertext()).strip() \
                    if _children(term_sec, "term") else ""
                status = next((n.text or "" for n in _children(term_sec, "termNote")
                               if n.get("type") == "administrativeStatus"), "")
                contexts = [d.text or "" for d in _children(term_sec, "descrip")
                            if d.get("type") == "context"]
                if term:
                    terms[lang].append((term, status.strip(), contexts))
        order = {Status.PREFERRED.value: 0, "": 1, Status.ADMITTED.value: 1}
        zh = sorted((t for t in terms["zh"] if t[1] != Status.DEPRECATED.value),
                    key=lambda t: order.get(t[1], 2))
        en = [t for t in terms["en"] if t[1] != Status.DEPRECATED.value]
        target = next((t for t in en if t[1] == Status.PREFERRED.value), en[0] if en else None)
        descrips = {d.get("type"): d.text or "" for d in _children(concept, "descrip")}
        subsets = [a.text for a in _children(concept, "admin") if a.get("type") == "projectSubset"]
        sources = [a.text or "" for a in _children(concept, "admin") if a.get("type") == "source"]
        row = {
            "source": " | ".join(t[0] for t in zh),
            "target": target[0] if target else "",
            "forbidden": " | ".join(t[0] for t in terms["en"] if t[1] == Status.DEPRECATED.value),
            "category": descrips.get("subjectField", ""),
            "note": "\n".join(n.text or "" for n in _children(concept, "note")),
            "keep": "yes" if KEEP_SUBSET in subsets else "",
            "context": " | ".join(c for t in zh for c in t[2] if "~" in c),
            "tier": Tier.SUGGESTED.value if SUGGESTED_SUBSET in subsets else "",
            "sense": " | ".join(c for t in zh for c in t[2] if "~" not in c),
            "admitted": " | ".join(t[0] for t in en if t[1] == Status.ADMITTED.value),
            "provenance": "; ".join(sources),
            "annotate": "no" if NO_NOTE_SUBSET in subsets else "",
        }
        line = concept.sourceline or 0
        rows.append((line, {k: row[k] for k in COLUMNS}))
    return rows


def read_tbx(path: Path) -> list[Entry]:
    """TBX v3 (any dialect: only zh/en terms and the fields above are read) or the older martif
    TBX (bitext's own earlier exports losslessly, other tools' zh/en pairs as plain entries)."""
    data = read_bytes(path)
    root = parse_xml(data, str(path))
    if root.tag == f"{{{TBX_NS}}}tbx":
        entries, _ = parse_rows(_v3_rows(root), str(path))
        return entries
    if etree.QName(root).localname != "martif":
        raise BitextError(f"not a TBX file (root element <{etree.QName(root).localname}>)",
                          path=str(path), hint="give a TBX v3 <tbx> or TBX v2 <martif> file")
    return _read_martif(data, path)


_META = "bitext:"  # how bitext's martif exports carried all fields, in one note


def _read_martif(data: bytes, path: Path) -> list[Entry]:
    from translate.storage import tbx

    try:
        store = tbx.tbxfile(data)
    except Exception as exc:
        raise BitextError(f"cannot read TBX ({exc})", path=str(path), hint="re-export it")
    entries: list[Entry] = []
    for n, unit in enumerate(store.units, start=1):
        notes = unit.getnotes(origin="translator") or ""
        meta = next((l[len(_META):] for l in notes.splitlines() if l.startswith(_META)), None)
        if meta:
            parsed, _ = parse_rows([(n, dict(zip(COLUMNS, meta.split("\t"))))], str(path))
            entries.extend(parsed)
        elif unit.source and unit.target:
            entries.append(Entry([unit.source], unit.target, file=str(path), line=n))
    return entries
