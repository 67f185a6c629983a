"""Readers: one per input format, each turning bytes into blocks; `read_document` picks one."""
from __future__ import annotations

from pathlib import Path
from typing import Callable

from .. import limits
from ..errors import BitextError
from ..model import Document
from ..sanitize import Sanitizer
from ..script import detect_script
from ..textio import decode, read_bytes
from .blocks import Block
from .markdown import read_markdown
from .text import read_text

TEXT_READERS: dict[str, Callable[[str], list[Block]]] = {
    ".md": read_markdown, ".markdown": read_markdown, ".txt": read_text, ".text": read_text,
}
SUPPORTED = (*TEXT_READERS, ".docx")


def read_document(path: Path | str) -> Document:
    from ..structure import no_gc_pauses  # structure imports readers.blocks: imported late

    with no_gc_pauses():
        return _read(Path(path))


def _read(path: Path) -> Document:
    suffix = path.suffix.lower()
    data = read_bytes(path)  # missing file / directory / permissions come first
    if suffix not in SUPPORTED:
        raise BitextError(f"unsupported file type '{suffix or '(none)'}'", path=str(path),
                          hint=f"supported: {', '.join(SUPPORTED)}")
    clean = Sanitizer()  # characters no output can hold: removed here, listed in doc.dropped
    if suffix == ".docx":
        from .docx import read_docx

        if not data:
            raise BitextError("file is empty", path=str(path), hint="give a DOCX with text in it")
        blocks = read_docx(data, str(path))
        clean.blocks(blocks)
        sample = "".join(b.text for b in blocks)
    else:
        text = clean.text(decode(data, str(path)))
        del data  # the bytes are not needed any more: halve the peak on a big file
        blocks = TEXT_READERS[suffix](text)
        sample = text
    from ..structure import build_document

    doc = build_document(blocks, path=str(path), script=detect_script(sample),
                         plain=suffix in (".txt", ".text"))
    doc.dropped.extend(clean.dropped())
    count = sum(1 for _ in doc.segments())
    if count > limits.value(limits.MAX_SEGMENTS):
        raise limits.too_big(limits.MAX_SEGMENTS, "segment count", count, path=str(path))
    if not any(True for _ in doc.body_segments()) and doc.title is None:
        raise BitextError("no text found to translate", path=str(path),
                          hint="is this the right file?")
    return doc
