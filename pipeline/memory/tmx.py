"""TMX read (streaming, any version, any namespace) and TMX 1.4 write for bitext's own memories.

Reading streams with lxml iterparse and frees each `<tu>` once read, so memory stays proportional
to one unit, not to the file: real memories reach hundreds of MB. Languages come from each `<tuv>`
(`xml:lang` in TMX 1.4, `lang` in 1.1) in any common spelling; the direction of the memory
does not matter, a pair is a pair.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Sequence

from lxml import etree

from ..errors import BitextError
from ..model import InlineSpan
from ..xmlsafe import reject_entities_in_file
from .formatting import tmx_inline
from .inline import InlineText, localname, read_inline
from .langs import Role, is_traditional, role

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
SOURCE_LANG = "zh-CN"
TARGET_LANG = "en"
MAX_TMX_BYTES = 2 * 1024 * 1024 * 1024  # streaming: the limit guards the disk, not memory


@dataclass(slots=True)
class TuPair:
    """The Chinese and English variants of one `<tu>` (None where absent)."""

    zh: InlineText | None
    en: InlineText | None
    zh_code: str
    en_code: str
    codes: list[str]
    date: str
    tuid: str
    note: str
    segtype: str


def tuv_lang(tuv: etree._Element) -> str:
    return tuv.get(XML_LANG) or tuv.get("lang") or ""


def _child(el: etree._Element, name: str) -> etree._Element | None:
    for child in el:
        if localname(child) == name:
            return child
    return None


def tu_pair(tu: etree._Element, default_segtype: str = "") -> TuPair:
    """Pick the variants: Simplified before Traditional, the first English variant."""
    zh = en = None
    zh_code = en_code = ""
    dates = [tu.get("changedate") or tu.get("creationdate") or ""]
    codes = []
    for tuv in tu:
        if localname(tuv) != "tuv":
            continue
        code = tuv_lang(tuv)
        codes.append(code)
        kind = role(code)
        if kind is Role.CHINESE and (zh is None or (is_traditional(zh_code)
                                                    and not is_traditional(code))):
            zh, zh_code = read_inline(_child(tuv, "seg")), code
            dates.append(tuv.get("changedate") or tuv.get("creationdate") or "")
        elif kind is Role.ENGLISH and en is None:
            en, en_code = read_inline(_child(tuv, "seg")), code
            dates.append(tuv.get("changedate") or tuv.get("creationdate") or "")
    date = max(dates)
    note = _child(tu, "note")
    return TuPair(zh, en, zh_code, en_code, codes, date, tu.get("tuid", ""),
                  "" if note is None else (note.text or ""),
                  tu.get("segtype") or default_segtype)


def _check_file(path: Path) -> None:
    if not path.exists():
        raise BitextError("no such file", path=str(path), hint="check the path")
    if not path.is_file():
        raise BitextError("not a regular file", path=str(path), hint="give a .tmx file")
    size = path.stat().st_size
    if size > MAX_TMX_BYTES:
        raise BitextError(f"file is {size} bytes, over the {MAX_TMX_BYTES} byte limit",
                          path=str(path), hint="split the memory")
    try:
        reject_entities_in_file(str(path))
    except OSError as exc:
        raise BitextError(f"cannot read: {exc.strerror}", path=str(path))


def iter_tmx(path: Path) -> Iterator[TuPair]:
    """Each `<tu>` of a TMX file as a TuPair, streamed; BitextError if it is not TMX."""
    _check_file(path)
    segtype = ""
    seen_root = False
    context = etree.iterparse(str(path), events=("start", "end"),
                              tag=("{*}tmx", "{*}header", "{*}tu"), resolve_entities=False,
                              no_network=True, load_dtd=False, huge_tree=True)
    try:
        for event, el in context:
            name = localname(el)
            if event == "start":
                seen_root = seen_root or name == "tmx"
                continue
            if not seen_root:
                break
            if name == "header":
                segtype = el.get("segtype", "")
            elif name == "tu":
                yield tu_pair(el, segtype)
                el.clear(keep_tail=True)
                parent = el.getparent()
                while parent is not None and el.getprevious() is not None:
                    del parent[0]
    except etree.XMLSyntaxError as exc:
        raise BitextError(f"malformed XML: {exc.msg}", path=str(path),
                          line=getattr(exc, "lineno", None), hint="fix or re-export the file")
    if not seen_root:
        root = context.root
        found = localname(root) if root is not None else "nothing"
        raise BitextError(f"not a TMX file (root element <{found}>)", path=str(path),
                          hint="give a .tmx translation memory")


SpanPair = tuple[Sequence[InlineSpan], Sequence[InlineSpan]]  # (source spans, target spans)


def tmx_bytes(units: list[tuple[str, str, str, str]], *, target_lang: str = TARGET_LANG,
              date: str | None = None, origins: list[str] | None = None,
              spans: list[SpanPair] | None = None) -> bytes:
    """(tuid, source, target, note) → TMX 1.4 bytes (see `tmx_chunks`)."""
    return b"".join(tmx_chunks(units, target_lang=target_lang, date=date, origins=origins,
                               spans=spans))


def tmx_chunks(units: list[tuple[str, str, str, str]], *, target_lang: str = TARGET_LANG,
               date: str | None = None, origins: list[str] | None = None,
               spans: list[SpanPair] | None = None) -> Iterator[bytes]:
    """(tuid, source, target, note) → TMX 1.4, pretty-printed, piece by piece.

    `date` (TMX's `YYYYMMDDThhmmssZ`) stamps the header and every unit's creation/change date;
    the caller passes a fixed one so output stays deterministic. `origins` (one per unit) go in
    a `x-bitext-origin` prop, where CAT tools keep them as metadata instead of showing a note.
    `spans` (one (source, target) pair per unit) are written as `<bpt>/<ept>` inline tags, so
    a CAT tool shows the formatting and a later run reads it back (`inline.read_inline`).
    """
    from .. import __version__
    from ..xmlstream import pretty_chunks

    dates = {"creationdate": date} if date else {}
    root = etree.Element("tmx", version="1.4")
    etree.SubElement(root, "header", creationtool="bitext", creationtoolversion=__version__,
                     segtype="sentence", adminlang="en", srclang=SOURCE_LANG, datatype="plaintext",
                     **{"o-tmf": "bitext"}, **dates)
    body = etree.SubElement(root, "body")

    def build(parent: etree._Element, n: int) -> etree._Element:
        tuid, source, target, note = units[n]
        tu = etree.SubElement(parent, "tu", tuid=tuid, **dates,
                              **({"changedate": date} if date else {}))
        if origins and origins[n]:
            etree.SubElement(tu, "prop", type="x-bitext-origin").text = origins[n]
        if note:
            etree.SubElement(tu, "note").text = note
        marks = spans[n] if spans else ((), ())
        for lang, text, over in ((SOURCE_LANG, source, marks[0]), (target_lang, target, marks[1])):
            tuv = etree.SubElement(tu, "tuv", {XML_LANG: lang})
            seg = etree.SubElement(tuv, "seg")
            if over:
                tmx_inline(seg, text, over)
            else:
                seg.text = text
        return tu

    if any("\n" in "".join(u) for u in units):  # pretty printing indents around line breaks
        for n in range(len(units)):
            build(body, n)
        yield etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
        return
    yield from pretty_chunks(root, body, range(len(units)), build)
