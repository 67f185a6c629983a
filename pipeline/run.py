"""One translate run: read → translate → annotate → review → write every format.

Kept apart from the CLI so tests and benches drive exactly what users run.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from .errors import BitextError
from .glossary.matcher import TermMatcher
from .glossary.termbase import Glossary
from .model import Document
from .readers import read_document
from .stages.annotate import annotate
from .stages.review import Review, flag_segments, review_segments
from .stages.translate import Engine, Summary, Translator
from .memory.store import TranslationMemory, load_memory
from .writers import FORMATS, default_formats
from .writers.exchange import DEFAULT_TARGET_LANG, XliffTargets


@dataclass
class Options:
    formats: list[str] = field(default_factory=default_formats)
    source_script: str | None = None  # script of the Chinese column; None: as the input was
    progress: bool = False
    xliff_targets: XliffTargets = XliffTargets.DRAFT
    target_lang: str = DEFAULT_TARGET_LANG  # the locale CAT tools see (XLIFF, TMX)


def auto_tm_path(input_path: Path) -> Path | None:
    """`input/x.tmx` beside `input/x.md` is used automatically: the convention CAT users expect."""
    candidate = input_path.with_suffix(".tmx")
    return candidate if candidate.is_file() and candidate != input_path else None


def load_tm(paths: list[Path]) -> TranslationMemory | None:
    """TMX and XLIFF memories, in order; each must give at least one zh/en pair (else exit 2)."""
    if not paths:
        return None
    tm = TranslationMemory()
    for path in paths:
        load_memory(path, tm)
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
    unknown = [f for f in options.formats if f not in FORMATS]
    if unknown:
        raise BitextError(f"unknown format(s): {', '.join(unknown)}",
                          hint=f"choose from {', '.join(FORMATS)}")
    doc = read_document(path)
    summary = Translator(matcher, tm=tm, engine=engine, cache=cache, progress=options.progress,
                         label=path.name).run(doc)
    annotate(doc, glossary, matcher)
    segments = list(doc.segments())
    review = review_segments(segments, matcher)
    flag_segments(segments, review)
    stem = path.name.rsplit(".", 1)[0]
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BitextError(f"cannot create the output folder ({exc.strerror})", path=str(out_dir),
                          hint="choose another folder with -o")
    outputs = []
    for fmt in options.formats:
        target = out_dir / f"{stem}.{fmt}"
        try:
            FORMATS[fmt].write(doc, target, review, options)
        except OSError as exc:
            raise BitextError(f"cannot write output ({exc.strerror or exc}); files written before "
                              f"are intact", path=str(target), hint="check free space and "
                                                                    "permissions")
        outputs.append(target)
    return Result(doc, summary, review, outputs)
