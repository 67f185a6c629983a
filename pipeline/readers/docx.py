"""DOCX → blocks with python-docx: headings by style, paragraphs, bold runs."""
from __future__ import annotations

import io
import re

from ..errors import BitextError
from ..safezip import open_docx
from .blocks import Block, Span

_HEADING = re.compile(r"^(?:Heading|标题)\s*(\d)$", re.I)


def read_docx(data: bytes, path: str) -> list[Block]:
    open_docx(data, path, hint="give a .docx saved by Word or LibreOffice")
    import docx  # python-docx; lazy so the Markdown path does not pay for it

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises many types for broken parts
        raise BitextError(f"cannot read DOCX ({type(exc).__name__}: {exc})", path=path,
                          hint="re-save the document from Word or LibreOffice")
    blocks: list[Block] = []
    for number, para in enumerate(document.paragraphs, start=1):
        spans = [Span(run.text, bold=bool(run.bold)) for run in para.runs if run.text]
        if not spans:
            continue
        style = para.style.name if para.style is not None else ""
        match = _HEADING.match(style or "")
        if match:
            blocks.append(Block("heading", spans, level=int(match.group(1)), line=number))
        elif style == "Title":
            blocks.append(Block("heading", spans, level=1, line=number))
        elif "List" in (style or ""):
            blocks.append(Block("list_item", spans, line=number))
        else:
            blocks.append(Block("para", spans, line=number))
    return blocks
