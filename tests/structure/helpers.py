"""Build a Document from a Markdown or plain-text string, as `read_document` would."""
from __future__ import annotations

from pipeline.model import Document
from pipeline.readers.markdown import read_markdown
from pipeline.readers.text import read_text
from pipeline.script import detect_script
from pipeline.structure import build_document


def md(text: str) -> Document:
    return build_document(read_markdown(text), path="t.md", script=detect_script(text))


def txt(text: str) -> Document:
    return build_document(read_text(text), path="t.txt", script=detect_script(text), plain=True)


def body(doc: Document) -> list[str]:
    return [s.source for s in doc.body_segments()]


def turns(doc: Document) -> dict[str, int]:
    return doc.turn_counts()
