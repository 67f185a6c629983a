"""Parsing untrusted XML (TMX, XLIFF, TBX, DOCX parts): no entities, no network, bounded size.

The entity refusal looks at what the XML parser itself found, never at the bytes: a byte search
misses a UTF-16 file or a DOCTYPE after a long comment, the parser does not. Entities are never
resolved (`resolve_entities=False`, no DTD loading, no network); a document that declares any
is refused outright, so billion-laughs and external-entity files go no further than the prolog.
"""
from __future__ import annotations

from typing import Iterable

from lxml import etree

from .errors import BitextError

MAX_XML_BYTES = 100 * 1024 * 1024
_FEED = 64 * 1024
_REFUSED = "XML declares entities (refused: entity expansion is unsafe)"
_REFUSED_HINT = "remove the DOCTYPE/ENTITY declarations, or re-save the file"


def _parser_options() -> dict:
    return dict(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                huge_tree=False)


def _refuse_declared_entities(tree: etree._ElementTree, path: str) -> None:
    dtd = tree.docinfo.internalDTD
    if dtd is not None and next(iter(dtd.iterentities()), None) is not None:
        raise BitextError(_REFUSED, path=path, hint=_REFUSED_HINT)


def _malformed(exc: etree.XMLSyntaxError, path: str) -> BitextError:
    line = getattr(exc, "lineno", None) or None
    return BitextError(f"malformed XML: {getattr(exc, 'msg', None) or exc}", path=path,
                       line=line, hint="fix or re-export the file")


def reject_entities(data: bytes, path: str) -> None:
    """Refuse a document that declares entities, for bytes another parser will read next
    (python-docx, translate-toolkit). Parses only up to the root element's start tag: the DTD
    can sit nowhere else, so this costs the prolog, not the document."""
    reject_entities_in((data[offset:offset + _FEED]
                        for offset in range(0, max(len(data), 1), _FEED)), path)


def reject_entities_in_file(path: str) -> None:
    """`reject_entities` for a file a streaming parser reads next: the prolog is read in
    blocks, whatever its encoding and however long the comments before the DOCTYPE."""
    with open(path, "rb") as fh:
        reject_entities_in(iter(lambda: fh.read(_FEED), b""), path)


def reject_entities_in(chunks: Iterable[bytes], path: str) -> None:
    """`reject_entities` for a stream (a zip member): reads only as far as the root element."""
    parser = etree.XMLPullParser(events=("start",), **_parser_options())
    try:
        for chunk in chunks:
            parser.feed(chunk)
            for _event, element in parser.read_events():
                _refuse_declared_entities(element.getroottree(), path)
                return
        parser.close()
    except etree.XMLSyntaxError as exc:
        raise _malformed(exc, path) from None


def parse_xml(data: bytes, path: str) -> etree._Element:
    if len(data) > MAX_XML_BYTES:
        raise BitextError(f"XML file is {len(data)} bytes, over the {MAX_XML_BYTES} limit",
                          path=path)
    reject_entities(data, path)  # a clear refusal before the full parse meets a declaration
    parser = etree.XMLParser(**_parser_options())
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise _malformed(exc, path) from None
    _refuse_declared_entities(root.getroottree(), path)
    return root
