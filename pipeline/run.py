"""One translate run: read → translate → annotate → review → write every format.

Kept apart from the CLI so tests and benches drive exactly what users run.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from .errors import BitextError
from .glossary.matcher import TermMatcher
from .glossary.termbase import Glossary
from .model import Document
from .readers import read_document
from .stages.annotate import annotate
from .stages.review import Review, flag_segments, review_segments
from .stages.translate import Engine, Summary, Translator
from .textio import atomic_write_bytes, atomic_write_text
from .tm import TranslationMemory, read_tmx


@dataclass
class Options:
    formats: list[str] = field(default_factory=lambda: list(FORMATS))
    source_script: str | None = None  # script of the Chinese column; None: as the input was
    progress: bool = False


def _en_md(doc: Document, path: Path, review: Review, options: Options) -> None:
    from .writers.markdown import english_markdown

    atomic_write_text(path, english_markdown(doc))


def _parallel_md(doc: Document, path: Path, review: Review, options: Options) -> None:
    from .writers.markdown import parallel_markdown

    atomic_write_text(path, parallel_markdown(doc, options.source_script or doc.script))


def _parallel_docx(doc: Document, path: Path, review: Review, options: Options) -> None:
    from .writers.docx_writer import write_parallel_docx

    write_parallel_docx(doc, path, source_script=options.source_script or doc.script)


def _en_docx(doc: Document, path: Path, review: Review, options: Options) -> None:
    from .writers.docx_writer import write_english_docx

    write_english_docx(doc, path)


def _tmx(doc: Document, path: Path, review: Review, options: Options) -> None:
    from .writers.exchange import document_tmx

    atomic_write_bytes(path, document_tmx(doc))


def _xliff(doc: Document, path: Path, review: Review, options: Options) -> None:
    from .writers.exchange import document_xliff

    atomic_write_bytes(path, document_xliff(doc))


def _json(doc: Document, path: Path, review: Review, options: Options) -> None:
    from .writers.json_doc import document_to_json

    atomic_write_text(path, document_to_json(doc))


def _review_md(doc: Document, path: Path, review: Review, options: Options) -> None:
    from .writers.review_report import review_markdown

    atomic_write_text(path, review_markdown(review, f"Term-consistency review: {Path(doc.path).name}"))


FORMATS: dict[str, Callable[[Document, Path, Review, Options], None]] = {
    "en.md": _en_md, "parallel.md": _parallel_md, "parallel.docx": _parallel_docx,
    "en.docx": _en_docx, "tmx": _tmx, "xlf": _xliff, "json": _json, "review.md": _review_md,
}


def auto_tm_path(input_path: Path) -> Path | None:
    """`input/x.tmx` beside `input/x.md` is used automatically: the convention CAT users expect."""
    candidate = input_path.with_suffix(".tmx")
    return candidate if candidate.is_file() and candidate != input_path else None


def load_tm(paths: list[Path]) -> TranslationMemory | None:
    if not paths:
        return None
    tm = TranslationMemory()
    for path in paths:
        read_tmx(path, tm)
    return tm


@dataclass
class Result:
    doc: Document
    summary: Summary
    review: Review
    outputs: list[Path]


def translate_file(path: Path, out_dir: Path, *, glossary: Glossary, matcher: TermMatcher,
                   tm: TranslationMemory | None, engine: Engine | None, cache=None,  # noqa: ANN001
                   options: Options | None = None) -> Result:
    options = options or Options()
    check_formats(options.formats)
    doc = read_document(path)
    summary = Translator(matcher, tm=tm, engine=engine, cache=cache,
                         glossary_version=glossary.version, progress=options.progress,
                         label=path.name).run(doc)
    annotate(doc, glossary, matcher)
    segments = list(doc.segments())
    review = review_segments(segments, matcher)
    flag_segments(segments, review)
    outputs = write_outputs(doc, out_dir, path.name.rsplit(".", 1)[0], review, options)
    return Result(doc, summary, review, outputs)


def check_formats(formats: list[str]) -> None:
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise BitextError(f"unknown format(s): {', '.join(unknown)}",
                          hint=f"choose from {', '.join(FORMATS)}")


def write_outputs(doc: Document, out_dir: Path, stem: str, review: Review,
                  options: Options) -> list[Path]:
    """Every requested format for a finished document: shared by translate and align."""
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BitextError(f"cannot create the output folder ({exc.strerror})", path=str(out_dir),
                          hint="choose another folder with -o")
    outputs = []
    for fmt in options.formats:
        target = out_dir / f"{stem}.{fmt}"
        try:
            FORMATS[fmt](doc, target, review, options)
        except OSError as exc:
            raise BitextError(f"cannot write output ({exc.strerror or exc}); files written before "
                              f"are intact", path=str(target), hint="check free space and "
                                                                    "permissions")
        outputs.append(target)
    return outputs
