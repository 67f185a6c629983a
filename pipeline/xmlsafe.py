"""Parsing untrusted XML (TMX, XLIFF, TBX, DOCX parts): no entities, no network, bounded size."""
from __future__ import annotations

import re

from lxml import etree

from .errors import BitextError

MAX_XML_BYTES = 100 * 1024 * 1024
_ENTITY = re.compile(rb"<!ENTITY", re.I)


def reject_entities(data: bytes, path: str) -> None:
    """Refuse entity declarations outright (billion laughs, external entities)."""
    if _ENTITY.search(data[:1_000_000]):  # declarations can only sit in the prolog
        raise BitextError("XML declares entities (refused: entity expansion is unsafe)", path=path,
                          hint="remove the DOCTYPE/ENTITY declarations, or re-save the file")


def parse_xml(data: bytes, path: str) -> etree._Element:
    if len(data) > MAX_XML_BYTES:
        raise BitextError(f"XML file is {len(data)} bytes, over the {MAX_XML_BYTES} limit",
                          path=path)
    reject_entities(data, path)
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False,
                             load_dtd=False, dtd_validation=False)
    try:
        return etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        line = getattr(exc, "lineno", None) or None
        raise BitextError(f"malformed XML: {exc.msg if hasattr(exc, 'msg') else exc}", path=path,
                          line=line, hint="fix or re-export the file")
