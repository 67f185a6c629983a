"""Edit a user's TMX in place: change only the units edited, keep every other byte.

A translator's memory carries years of props, notes, dates, authors and a header that other
tools rely on; rewriting it from what bitext understood loses all of that. So the file is
edited as text: each `<tu>` is located by its span in the original text, the edited unit alone
is re-serialised (target `<seg>` replaced, `changedate`/`changeid` set), new units are inserted
before `</body>` in the file's own conventions (language codes, `lang` vs `xml:lang`, indent),
and the previous file is kept as `NAME.bak`. Everything else is copied unchanged.
"""
from __future__ import annotations

import codecs
import os
import re
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

from lxml import etree

from ..errors import BitextError
from ..textio import atomic_write_bytes, read_bytes
from ..xmlsafe import parse_xml
from ..model import InlineSpan
from .formatting import tmx_inline
from .inline import localname, read_inline
from .langs import Role, role
from .store import tm_key
from .tmx import XML_LANG, tu_pair, tuv_lang

_TU_SPAN = re.compile(r"<!--.*?-->|<!\[CDATA\[.*?\]\]>|<(?:[\w.-]+:)?tu(?=[\s/>])"
                      r"(?:[^>]*?/>|[^>]*>.*?</(?:[\w.-]+:)?tu\s*>)", re.S)
_BODY_END = re.compile(r"</(?:[\w.-]+:)?body\s*>")
_DECL_ENCODING = re.compile(rb"""^<\?xml[^>]*encoding=["']([\w.-]+)["']""")


@dataclass
class Edit:
    source: str
    target: str
    tuid: str = ""
    note: str = ""
    # formatting over `source`/`target`, written as `<bpt>/<ept>` (an edited XLIFF's `<g>`);
    # None: the edited file cannot carry formatting (a DOCX read as text)
    source_spans: tuple[InlineSpan, ...] = ()
    target_spans: tuple[InlineSpan, ...] | None = None


@dataclass
class UpdateReport:
    path: str
    changed: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    codes_dropped: list[str] = field(default_factory=list)
    backup: str = ""


def tmx_now() -> str:
    """TMX date of now; SOURCE_DATE_EPOCH makes it reproducible (tests, builds)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    return time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(int(epoch) if epoch else None))


def _encoding(data: bytes) -> tuple[str, bytes]:
    for bom, enc in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
                     (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom):
            return enc, bom
    match = _DECL_ENCODING.match(data)
    return (match.group(1).decode("ascii").lower() if match else "utf-8"), b""


def _stamp(el: etree._Element, now: str, changeid: str) -> None:
    el.set("changedate", now)
    el.set("changeid", changeid)


def _edit_unit(tu: etree._Element, edit: Edit, now: str, changeid: str) -> bool:
    """Replace the English seg of a parsed <tu> (its formatting as `<bpt>/<ept>`); True when
    inline codes had to be dropped: codes that are not formatting, or formatting when the
    edit came from a file that cannot carry it."""
    for tuv in tu:
        if localname(tuv) == "tuv" and role(tuv_lang(tuv)) is Role.ENGLISH:
            seg = next((c for c in tuv if localname(c) == "seg"), None)
            if seg is None:
                seg = etree.SubElement(tuv, tuv.tag.replace("tuv", "seg"))
            old = read_inline(seg)
            had_codes = bool(old.codes) or bool(old.spans and edit.target_spans is None)
            for child in list(seg):
                seg.remove(child)
            seg.text = edit.target
            if edit.target_spans:
                tmx_inline(seg, edit.target, edit.target_spans)
            if tuv.get("changedate") is not None or tu.get("changedate") is None:
                _stamp(tuv, now, changeid)
            if tu.get("changedate") is not None:
                _stamp(tu, now, changeid)
            return had_codes
    raise AssertionError("unit without an English variant cannot be edited")


def _new_unit(text: str, spans: list[tuple[int, int]], root: etree._Element, edit: Edit,
              now: str, changeid: str, newline: str) -> str:
    """A <tu> in the file's own conventions, indented like the last unit."""
    codes = Counter()
    lang_attr = "xml:lang"
    for tuv in root.iter("{*}tuv"):
        codes[tuv_lang(tuv)] += 1
        if tuv.get("lang") is not None and tuv.get(XML_LANG) is None:
            lang_attr = "lang"
    zh = next((c for c, _ in codes.most_common() if role(c) is Role.CHINESE), "zh-CN")
    en = next((c for c, _ in codes.most_common() if role(c) is Role.ENGLISH), "en")
    indent, inner = "  ", "    "
    if spans:
        start = spans[-1][0]
        line_start = text.rfind("\n", 0, start) + 1
        indent = text[line_start:start] if not text[line_start:start].strip() else ""
        inner = indent + "  "
    attrs = (f' tuid="{escape(edit.tuid)}"' if edit.tuid else "") + \
        f' creationdate="{now}" creationid="{escape(changeid)}"' \
        f' changedate="{now}" changeid="{escape(changeid)}"'
    lines = [f"{newline}{indent}<tu{attrs}>"]
    if edit.note:
        lines.append(f"{inner}<note>{escape(edit.note)}</note>")
    for code, seg, spans in ((zh, edit.source, edit.source_spans),
                             (en, edit.target, edit.target_spans or ())):
        lines.append(f'{inner}<tuv {lang_attr}="{escape(code)}">{_seg_markup(seg, spans)}</tuv>')
    lines.append(f"{indent}</tu>")
    return newline.join(lines)


def _seg_markup(text: str, spans: tuple[InlineSpan, ...]) -> str:
    if not spans:
        return f"<seg>{escape(text)}</seg>"
    seg = etree.Element("seg")
    tmx_inline(seg, text, spans)
    return etree.tostring(seg, encoding=str)


def update_tmx(path: Path, edits: list[Edit], *, changeid: str = "bitext") -> UpdateReport:
    """Apply zh→en edits to an existing TMX in place; `NAME.bak` keeps the previous file."""
    data = read_bytes(path)
    root = parse_xml(data, str(path))
    if localname(root) != "tmx":
        raise BitextError(f"not a TMX file (root element <{localname(root)}>)", path=str(path),
                          hint="give the .tmx memory to update with --tm")
    encoding, bom = _encoding(data)
    try:
        text = data[len(bom):].decode(encoding)
    except (LookupError, UnicodeDecodeError) as exc:
        raise BitextError(f"cannot decode the memory as {encoding} ({exc})", path=str(path))
    units = [el for el in root.iter("{*}tu")]
    spans = [(m.start(), m.end()) for m in _TU_SPAN.finditer(text)
             if not m.group(0).startswith("<!")]
    if len(spans) != len(units):
        raise BitextError(f"cannot locate the {len(units)} units in the text (found "
                          f"{len(spans)}); the memory was left unchanged", path=str(path),
                          hint="import into a new memory with --tm NEW.tmx")
    now = tmx_now()
    segtype = next((h.get("segtype", "") for h in root.iter("{*}header")), "")
    by_key: dict[str, int] = {}
    dates: dict[str, str] = {}
    for n, tu in enumerate(units):
        pair = tu_pair(tu, segtype)
        if pair.zh is None or pair.en is None or not pair.zh.text:
            continue
        key = tm_key(pair.zh.text)
        if key not in by_key or pair.date >= dates[key]:  # the unit a lookup would use
            by_key[key], dates[key] = n, pair.date
    report = UpdateReport(str(path))
    replaced: dict[int, str] = {}
    additions: list[str] = []
    newline = "\r\n" if "\r\n" in text[:4096] else "\n"
    nsdecl = f' xmlns="{root.nsmap[None]}"' if None in root.nsmap else ""
    for edit in edits:
        n = by_key.get(tm_key(edit.source))
        if n is None:
            additions.append(_new_unit(text, spans, root, edit, now, changeid, newline))
            report.added.append(edit.tuid or edit.source)
            continue
        if _edit_unit(units[n], edit, now, changeid):
            report.codes_dropped.append(edit.tuid or edit.source)
        markup = etree.tostring(units[n], encoding=str, with_tail=False)
        if nsdecl:  # lxml repeats the inherited default namespace on a serialised subtree
            markup = markup.replace(nsdecl, "", 1)
        replaced[n] = markup
        report.changed.append(edit.tuid or edit.source)
    ops = [(spans[n][0], spans[n][1], markup) for n, markup in replaced.items()]
    if additions:
        if spans:
            at = spans[-1][1]
        else:
            body_end = _BODY_END.search(text)
            if body_end is None:
                raise BitextError("no </body> in the memory; cannot add units", path=str(path))
            at = body_end.start()
        ops.append((at, at, "".join(additions)))
    out: list[str] = []
    last = 0
    for start, end, markup in sorted(ops, key=lambda op: (op[0], op[1])):
        out += [text[last:start], markup]
        last = end
    out.append(text[last:])
    new = bom + "".join(out).encode(encoding, errors="xmlcharrefreplace")
    parse_xml(new, str(path))  # never write a memory that would not read back
    backup = path.with_name(path.name + ".bak")
    atomic_write_bytes(backup, data)
    atomic_write_bytes(path, new)
    report.backup = str(backup)
    return report
