"""Writers: one module per output format, each taking a `Document` and a path.

The registry below is the only list of formats: `bitext translate --formats` help, the default
set and validation all read it. Adding a format is one writer module with a
`write(doc, path, review, options)`-shaped function plus one line here. Modules are imported
only when their format is written, so a run that skips DOCX never imports python-docx.
"""
from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..model import Document
    from ..run import Options
    from ..stages.review import Review


@dataclass(frozen=True)
class Format:
    """Where a format's writer lives (`module:function` under `pipeline.writers`) and one line
    for `--formats` help."""

    writer: str
    help: str
    default: bool = True

    def write(self, doc: Document, path: Path, review: Review, options: Options) -> None:
        module, _, function = self.writer.partition(":")
        getattr(import_module(f"{__name__}.{module}"), function)(doc, path, review, options)


FORMATS: dict[str, Format] = {
    "en.md": Format("markdown:write_english", "English edition, Markdown with footnotes"),
    "parallel.md": Format("markdown:write_parallel", "Chinese/English paragraph pairs, Markdown"),
    "parallel.html": Format("html:write_parallel", "parallel web page, self-contained"),
    "en.html": Format("html:write_english", "English web page, self-contained"),
    "parallel.docx": Format("docx_writer:write_parallel", "Chinese | English table, Word"),
    "en.docx": Format("docx_writer:write_english", "English edition, Word"),
    "tmx": Format("exchange:write_tmx", "translation memory, TMX 1.4"),
    "xlf": Format("exchange:write_xliff", "CAT-tool exchange, XLIFF 1.2"),
    "json": Format("json_doc:write", "the document model with translation state"),
    "review.md": Format("review_report:write", "term-consistency review report"),
}


def default_formats() -> list[str]:
    return [name for name, fmt in FORMATS.items() if fmt.default]


def formats_help() -> str:
    """`--formats` help generated from the registry, so it cannot fall behind it."""
    return "comma-separated subset of: " + "; ".join(
        f"{name} ({fmt.help})" for name, fmt in FORMATS.items()) + " (default: all)"
