"""Keep a long DOCX body out of the lxml tree: finished rows/paragraphs are serialised,
compressed and removed as the writer goes, then spliced back into `word/document.xml` while
the package is zipped.

Why: python-docx holds the whole document as an lxml tree, about 55 MB per MB of Chinese input
(`bench/bench_hostile_scale.py`), the largest share of a big run's memory. Compressed XML is
about 1/50 of that. Short documents never reach the threshold and are written exactly as before.
"""
from __future__ import annotations

import zlib
from typing import Iterator

from lxml import etree

SPILL_EVERY = 1000  # body elements (table rows or paragraphs) kept in the tree at most
MARKER = "bitext-spill"
_MARKER_BYTES = f"<!--{MARKER}-->".encode()


class Spill:
    """Compressed XML of body elements already finished, in document order."""

    def __init__(self, every: int | None = None) -> None:
        self.every = every or SPILL_EVERY
        self.chunks: list[bytes] = []
        self._marker: etree._Element | None = None

    @property
    def used(self) -> bool:
        return self._marker is not None

    def maybe(self, parent: etree._Element, first: int, last: int | None = None) -> None:
        """Spill `parent[first:last]` once it holds `every` elements or more. The first spill
        leaves a comment where the spilled XML goes back; later ones take what follows it."""
        if self._marker is not None:
            first = parent.index(self._marker) + 1
        end = len(parent) if last is None else len(parent) + last
        if end - first < self.every:
            return
        elements = parent[first:end]
        if self._marker is None:
            self._marker = etree.Comment(MARKER)
            elements[0].addprevious(self._marker)
        root = parent.getroottree().getroot()
        container = etree.Element(parent.tag, nsmap=root.nsmap)  # no per-element xmlns
        container.extend(elements)  # moves them out of the document
        xml = etree.tostring(container, encoding="UTF-8", xml_declaration=False)
        inner = xml[xml.index(b">") + 1: xml.rindex(b"</")]
        self.chunks.append(zlib.compress(inner, 6))

    def splice(self, document_xml: bytes) -> Iterator[bytes]:
        """`word/document.xml` with the spilled XML back in place of the marker, in pieces."""
        if not self.used:
            yield document_xml
            return
        head, tail = document_xml.split(_MARKER_BYTES, 1)
        yield head
        for chunk in self.chunks:
            yield zlib.decompress(chunk)
        yield tail
