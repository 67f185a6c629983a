"""CAT-tool exchange formats: TMX 1.4 and XLIFF 1.2 (written; read in `pipeline.memory`)."""
from __future__ import annotations

import re
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

from lxml import etree

from .. import __version__
from ..memory.formatting import xliff_inline
from ..memory.tmx import SOURCE_LANG, TARGET_LANG, tmx_chunks
from ..model import Document, InlineSpan, Segment
from ..textio import atomic_write_chunks
from ..xmlstream import pretty_chunks
from .common import build_date, needs_review

if TYPE_CHECKING:
    from ..run import Options
    from ..stages.review import Review

XLIFF_NS = "urn:oasis:names:tc:xliff:document:1.2"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
DEFAULT_TARGET_LANG = "en-US"
_STATE = {"tm": "translated", "mt": "needs-review-translation", "aligned": "translated"}


class XliffTargets(str, Enum):
    """What the XLIFF's `<target>` holds.

    DRAFT: the TM/MT translation, marked for review (what `bitext import` reads back, and what
    memoQ and Trados show as an editable draft). NONE: no targets, so a CAT tool translates from
    the Chinese; OmegaT's built-in XLIFF filter would otherwise take an existing target as the
    text to translate. The TMX beside it carries the same translations as matches.
    """

    DRAFT = "draft"
    NONE = "none"


_LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*")


def language_tag(value: str) -> str:
    """A BCP 47-shaped tag (`en`, `en-US`, `en-GB`): CAT tools reject anything else."""
    if not _LANGUAGE_TAG.fullmatch(value):
        raise ValueError(f"{value!r} is not a language tag such as en-US or en-GB")
    return value


def tmx_date() -> str:
    """TMX's `YYYYMMDDThhmmssZ` form of the build date."""
    return build_date().strftime("%Y%m%dT%H%M%SZ")


def document_tmx(doc: Document, target_lang: str = TARGET_LANG) -> bytes:
    return b"".join(tmx_document_chunks(doc, target_lang))


def tmx_document_chunks(doc: Document, target_lang: str = TARGET_LANG) -> Iterator[bytes]:
    """Every translated segment as a TU; the segment id is the tuid so imports match by id, and
    the origin (tm/mt) is a prop, not a note a translator would read."""
    segs = [s for s in doc.segments() if s.target and s.origin in ("tm", "mt", "aligned")]
    return tmx_chunks([(s.id, s.source, s.target, "") for s in segs], target_lang=target_lang,
                      date=tmx_date(), origins=[s.origin for s in segs],
                      spans=[(s.spans, s.target_spans) for s in segs])


def document_xliff(doc: Document, *, targets: XliffTargets = XliffTargets.DRAFT,
                   target_lang: str = DEFAULT_TARGET_LANG) -> bytes:
    """XLIFF 1.2 bytes (see `xliff_chunks`)."""
    return b"".join(xliff_chunks(doc, targets=targets, target_lang=target_lang))


def xliff_chunks(doc: Document, *, targets: XliffTargets = XliffTargets.DRAFT,
                 target_lang: str = DEFAULT_TARGET_LANG) -> Iterator[bytes]:
    """XLIFF 1.2, one trans-unit per segment with the segment id, piece by piece; whitespace is
    preserved so a tool never folds the spaces inside a sentence."""
    root = etree.Element(f"{{{XLIFF_NS}}}xliff", nsmap={None: XLIFF_NS}, version="1.2")
    file_el = etree.SubElement(root, f"{{{XLIFF_NS}}}file", original=Path(doc.path).name,
                               datatype="plaintext", **{"source-language": SOURCE_LANG,
                                                        "target-language": target_lang})
    header = etree.SubElement(file_el, f"{{{XLIFF_NS}}}header")
    etree.SubElement(header, f"{{{XLIFF_NS}}}tool", {"tool-id": "bitext", "tool-name": "bitext",
                                                     "tool-version": __version__})
    body = etree.SubElement(file_el, f"{{{XLIFF_NS}}}body")

    def build(parent: etree._Element, seg: Segment) -> etree._Element:
        unit = etree.SubElement(parent, f"{{{XLIFF_NS}}}trans-unit", id=seg.id)
        unit.set(XML_SPACE, "preserve")
        _inline(etree.SubElement(unit, f"{{{XLIFF_NS}}}source"), seg.source, seg.spans)
        if seg.target is not None and targets is XliffTargets.DRAFT:
            if seg.origin == "tm" and not needs_review(seg):
                unit.set("approved", "yes")
            target = etree.SubElement(unit, f"{{{XLIFF_NS}}}target", state=(
                "needs-review-translation" if needs_review(seg)
                else _STATE.get(seg.origin, "needs-translation")))
            _inline(target, seg.target, seg.target_spans)
        if seg.flags:
            note = etree.SubElement(unit, f"{{{XLIFF_NS}}}note")
            note.set("from", "bitext")
            note.text = "; ".join(seg.flags)
        return unit

    segments = list(doc.segments())
    if any("\n" in s.source or "\n" in (s.target or "") for s in segments):
        for seg in segments:  # pretty printing indents around line breaks: the whole tree
            build(body, seg)
        yield etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
        return
    yield from pretty_chunks(root, body, segments, build)


def _inline(el: etree._Element, text: str, spans: list[InlineSpan]) -> None:
    """Text with its formatting as `<g>`/`<bpt>` tags; plain text (as before spans) without."""
    if spans:
        xliff_inline(el, text, spans, XLIFF_NS)
    else:
        el.text = text


def write_tmx(doc: Document, path: Path, review: Review, options: Options) -> None:
    atomic_write_chunks(path, tmx_document_chunks(doc, options.target_lang))


def write_xliff(doc: Document, path: Path, review: Review, options: Options) -> None:
    atomic_write_chunks(path, xliff_chunks(doc, targets=options.xliff_targets,
                                           target_lang=options.target_lang))
