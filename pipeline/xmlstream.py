"""Pretty-printed XML written piece by piece: the same bytes as lxml's `pretty_print` of the
whole tree, without the whole tree.

TMX and XLIFF outputs are one long list of alike elements (`<tu>`, `<trans-unit>`) under a small
skeleton. Building them all as one lxml tree cost about 17 MB per MB of input (a 50 MB document
peaked at 2.4 GB); here the skeleton is serialised once around a marker, and each item is built,
serialised at its depth and freed.
"""
from __future__ import annotations

from typing import Callable, Iterable, Iterator, TypeVar

from lxml import etree

T = TypeVar("T")
_MARK = "bitext-items-go-here"


def pretty_chunks(root: etree._Element, container: etree._Element, items: Iterable[T],
                  build: Callable[[etree._Element, T], etree._Element]) -> Iterator[bytes]:
    """UTF-8 chunks of `root` pretty-printed with `build(container, item)` for every item as
    children of `container`. Yields exactly what `etree.tostring(root, xml_declaration=True,
    encoding="UTF-8", pretty_print=True)` would for the full tree, item texts never containing a
    line break (callers check; pretty printing indents around text otherwise)."""
    items = iter(items)
    first = next(items, None)
    if first is None:  # an empty container prints as `<body/>`: let lxml do it
        yield etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
        return
    container.append(etree.Comment(_MARK))
    whole = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    del container[-1]
    mark = f"<!--{_MARK}-->".encode()
    at = whole.index(mark)
    line_start = whole.rindex(b"\n", 0, at) + 1
    indent = whole[line_start:at].decode()
    yield whole[:line_start]
    ns = container.nsmap.get(None)
    declaration = f' xmlns="{ns}"' if ns else ""
    for item in _chain(first, items):
        element = build(container, item)
        text = etree.tostring(element, encoding="unicode", pretty_print=True)
        container.remove(element)
        if declaration:
            head, rest = text.split(">", 1)
            text = head.replace(declaration, "", 1) + ">" + rest
        yield "".join(indent + line + "\n" for line in text.splitlines()).encode("utf-8")
    yield whole[whole.index(b"\n", at) + 1:]


def _chain(first: T, rest: Iterator[T]) -> Iterator[T]:
    yield first
    yield from rest
