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
from .stages.review import Review, flag_segments, review_segments, document_issues
from .memory.store import TranslationMemory, load_memory
from .stages.translate import Engine, Summary, Translator
from .textio import remove_stale_temps
from .writers import FORMATS, default_formats
from .writers.exchange import DEFAULT_TARGET_LANG, XliffTargets


@dataclass
class Options:
    formats: list[str] = field(default_factory=default_formats)
    source_script: str | None = None  # script of the Chinese column; None: as the input was
    progress: bool = False
    xliff_targets: XliffTargets = XliffTargets.DRAFT
    target_lang: str = DEFAULT_TARGET_LANG  # the locale CAT tools see (XLIFF, TMX)


def parse_formats(text: str | None) -> list[str]:
    """`--formats a,b`: known names, in the order given, once each; empty is a usage error
    (an empty list used to mean "everything", the opposite of what was typed)."""
    if text is None:
        return default_formats()
    formats = list(dict.fromkeys(f.strip() for f in text.split(",") if f.strip()))
    if not formats:
        raise BitextError("--formats is empty", hint=f"choose from {', '.join(FORMATS)}, or "
                                                     "leave the option out for all of them")
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise BitextError(f"unknown format(s): {', '.join(unknown)}",
                          hint=f"choose from {', '.join(FORMATS)}")
    return formats


def output_name(path: Path, *, keep_extension: bool = False) -> str:
    """The name of an input's output folder and files: the file name without its extension
    (`talk.md` → `talk`), or with it as `-ext` when a sibling input has the same stem
    (`a.md`, `a.txt` → `a-md`, `a-txt`). Leading dots become `_`, so no name is hidden and
    none (`...md` → `..`) can climb out of the output folder."""
    suffix = path.suffix
    stem = path.name[: -len(suffix)] if suffix else path.name
    if keep_extension and suffix:
        stem = f"{stem}-{suffix[1:]}"
    undotted = stem.lstrip(".")
    return "_" * (len(stem) - len(undotted)) + undotted or "_"


def output_names(paths: list[Path]) -> dict[Path, str]:
    """`output_name` for every input of one run: distinct within each folder (compared without
    case, for case-insensitive disks), or a usage error naming the inputs that clash."""
    groups: dict[tuple[Path, str], list[Path]] = {}
    for path in paths:
        groups.setdefault((path.parent, output_name(path).casefold()), []).append(path)
    names = {}
    for group in groups.values():
        for path in group:
            names[path] = output_name(path, keep_extension=len(group) > 1)
    seen: dict[tuple[Path, str], Path] = {}
    for path, name in names.items():
        other = seen.setdefault((path.parent, name.casefold()), path)
        if other != path:
            raise BitextError(f"{other.name} and {path.name} would write to the same output "
                              f"folder '{name}'", path=str(path.parent),
                              hint="rename one of them")
    return names


def stale_outputs(out_dir: Path, name: str, formats: list[str]) -> list[Path]:
    """Outputs of other formats an earlier run left beside this run's: not rewritten, so they
    may be out of date. Reported, not deleted: a file may have been edited since."""
    return [out_dir / f"{name}.{fmt}" for fmt in FORMATS
            if fmt not in formats and (out_dir / f"{name}.{fmt}").is_file()]


def is_own_output(path: Path) -> bool:
    """True for a file laid out the way bitext writes: `<name>/<name>.<format>`."""
    folder = path.parent.name
    return any(path.name == f"{folder}.{fmt}" for fmt in FORMATS)


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
    stale: list[Path] = field(default_factory=list)


def translate_file(path: Path, out_dir: Path, *, glossary: Glossary, matcher: TermMatcher,
                   tm: TranslationMemory | None, engine: Engine | None, cache=None,  # noqa: ANN001
                   options: Options | None = None, name: str | None = None) -> Result:
    """Translate one file into `out_dir/<name>.<format>` (`name`: `output_name(path)`)."""
    options = options or Options()
    check_formats(options.formats)
    doc = read_document(path)
    summary = Translator(matcher, tm=tm, engine=engine, cache=cache, progress=options.progress,
                         label=path.name).run(doc)
    annotate(doc, glossary, matcher)
    segments = list(doc.segments())
    review = review_segments(segments, matcher)
    review.issues += document_issues(doc)
    flag_segments(segments, review)
    stem = name or output_name(path)
    outputs = write_outputs(doc, out_dir, stem, review, options)
    return Result(doc, summary, review, outputs, stale_outputs(out_dir, stem, options.formats))


def check_formats(formats: list[str]) -> list[str]:
    """The requested formats, checked (unknown or none is a usage error)."""
    return parse_formats(",".join(formats))


def write_outputs(doc: Document, out_dir: Path, stem: str, review: Review,
                  options: Options) -> list[Path]:
    """Every requested format for a finished document: shared by translate and align."""
    formats = check_formats(options.formats)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BitextError(f"cannot create the output folder ({exc.strerror})", path=str(out_dir),
                          hint="choose another folder with -o")
    remove_stale_temps(out_dir)  # a killed run's leftovers, whatever formats this run writes
    outputs = []
    for fmt in formats:
        target = out_dir / f"{stem}.{fmt}"
        try:
            FORMATS[fmt].write(doc, target, review, options)
        except OSError as exc:
            raise BitextError(f"cannot write output ({exc.strerror or exc}); files written before "
                              f"are intact", path=str(target), hint="check free space and "
                                                                    "permissions")
        outputs.append(target)
    return outputs
