"""Readers: one per input format, each turning bytes into blocks; `read_document` picks one."""
from __future__ import annotations

from pathlib import Path
from typing import Callable

from ..errors import BitextError
from ..model import Document
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
    if suffix == ".docx":
        from .docx import read_docx

        if not data:
            raise BitextError("file is empty", path=str(path), hint="give a DOCX with text in it")
        blocks = read_docx(data, str(path))
        sample = "".join(b.text for b in blocks)
    else:
        text = decode(data, str(path))
        blocks = TEXT_READERS[suffix](text)
        sample = text
    from ..structure import build_document

    doc = build_document(blocks, path=str(path), script=detect_script(sample),
                         plain=suffix in (".txt", ".text"))
    if not any(True for _ in doc.body_segments()) and doc.title is None:
        raise BitextError("no text found to translate", path=str(path),
                          hint="is this the right file?")
    return doc
