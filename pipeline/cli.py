"""The `bitext` command. Parsing arguments and printing only: the work lives in the stages.

Every user-fixable problem arrives here as a BitextError and leaves as one line on stderr with
its exit code; a traceback means a bug in bitext.
"""
from __future__ import annotations

import argparse
import os
import sys
from collections import Counter
from pathlib import Path
from typing import NoReturn

from . import __version__, limits
from .errors import EXIT_ERROR, BitextError


def _print_structure(doc) -> None:  # noqa: ANN001 - Document; kept import-light
    """What the reader understood, at a glance: metadata, the section tree with levels, the
    speakers with their turn counts, then every segment."""
    out = sys.stdout
    meta = doc.metadata
    out.write(f"Title:    {doc.title.display if doc.title else '(none)'}\n")
    out.write(f"Source:   {doc.source_url or '(none)'}\n")
    fields = [(k, v) for k, v in (("author", meta.author), ("publisher", meta.publisher),
                                  ("date", meta.date), ("host", meta.host),
                                  ("guests", ", ".join(meta.guests))) if v]
    fields += sorted(meta.extra.items())
    if fields:
        out.write("Metadata: " + "\n          ".join(f"{k}: {v}" for k, v in fields) + "\n")
    turns = doc.turn_counts()
    out.write("Speakers: " + (", ".join(f"{s} ({turns.get(s, 0)} turns)" for s in doc.speakers)
                              or "(none)") + "\n")
    out.write(f"Script:   {doc.script}\n")
    titled = [s for s in doc.sections if s.number or s.title]
    if titled:
        out.write("Sections:\n")
        for section in titled:
            head = f"[{section.number}] " if section.number else ""
            title = section.title.display if section.title else ""
            out.write(f"{'  ' * section.level}{head}{title}  (level {section.level}, "
                      f"{len(section.paragraphs)} paragraphs)\n")
    for section in doc.sections:
        head = section.number or "--"
        title = section.title.display if section.title else "(lead)"
        out.write(f"\n§{section.id} [{head}] {title}\n")
        for para in section.paragraphs:
            if para.turn_start:
                out.write(f"  {para.speaker}:\n")
            if para.kind == "code":
                lines = para.verbatim.count("\n") + 1
                out.write(f"  {para.id:<10} [code {para.language or ''}, {lines} lines, "
                          f"not translated]\n")
                continue
            if para.kind == "table":
                rows = para.table_rows()
                out.write(f"  {para.id:<10} [table {len(rows)} rows]\n")
            for seg in para.segments:
                bullet = "•" if para.kind == "list_item" else " "
                notes = f"  [{','.join(seg.note_ids)}]" if seg.note_ids else ""
                out.write(f"  {bullet}{seg.id:<9}  {_shown(seg)}{notes}\n")
    if doc.notes:
        out.write("\nNotes:\n")
        for note in doc.notes:
            out.write(f"  {note.id} → {note.anchor}: {note.segment.display}\n")
    kinds = Counter(d.kind for d in doc.dropped)
    out.write(f"\nDropped:  {len(doc.dropped)} blocks ("
              + ", ".join(f"{k} {n}" for k, n in sorted(kinds.items())) + ")\n")
    total = sum(1 for _ in doc.segments())
    out.write(f"Segments: {total}\n")


def cmd_segment(args: argparse.Namespace) -> int:
    from .readers import read_document
    from .writers.json_doc import document_to_json

    doc = read_document(args.file)
    if args.json:
        sys.stdout.write(document_to_json(doc))
    else:
        _print_structure(doc)
    return 0


class OneLineParser(argparse.ArgumentParser):
    """Usage errors as one line (what is wrong, where to look) and exit 2, like every other
    error; argparse would print the whole usage block first. Subcommand parsers inherit it."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_ERROR, f"{self.prog}: error: {message} (see `{self.prog} --help`)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(
        prog="bitext", description="Offline Chinese→English translation with an AI glossary, "
                                   "parallel text with footnotes, and a term review.")
    parser.add_argument("--version", action="version", version=f"bitext {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("segment", help="show a document's structure and segments")
    p.add_argument("file", type=Path)
    p.add_argument("--json", action="store_true", help="print the segment JSON")
    limits.add_arguments(p)
    p.set_defaults(func=cmd_segment)

    from . import cli_align, cli_discover, cli_terms, cli_translate

    cli_translate.register(sub)
    cli_terms.register(sub)
    cli_discover.register(sub)
    cli_align.register(sub)
    return parser


def _safe_stdout() -> None:
    """A closed stdout (`>&-`) reads as /dev/null; one that cannot encode Chinese (a Latin-1
    locale) writes `\\uXXXX` escapes instead of crashing (still valid JSON for `--json`)."""
    if sys.stdout is None:
        sys.stdout = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 - lives as long
    elif (getattr(sys.stdout, "encoding", "") or "").lower().replace("-", "") != "utf8":
        try:
            sys.stdout.reconfigure(errors="backslashreplace")
        except (AttributeError, ValueError):
            pass


def _quiet_broken_pipe() -> int:
    """The reader went away (`| head`): stop quietly, without a second error at exit."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, AttributeError, ValueError):
        pass
    return 141  # 128 + SIGPIPE, what a shell shows for a command stopped by a closed pipe


def main(argv: list[str] | None = None) -> int:
    _safe_stdout()
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return EXIT_ERROR
    try:
        limits.apply(args)
        code = int(args.func(args) or 0)
        sys.stdout.flush()  # a broken pipe surfaces here, not after main returned
        return code
    except BitextError as err:
        sys.stderr.write(f"bitext: error: {err}\n")
        return err.code
    except KeyboardInterrupt:
        sys.stderr.write("bitext: interrupted; finished work is cached — run the same command "
                         "again to resume\n")
        return 130
    except BrokenPipeError:
        return _quiet_broken_pipe()
    except PermissionError as exc:  # a folder without x, a read-only place: the user's to fix
        where = f"{exc.filename}: " if exc.filename else ""
        sys.stderr.write(f"bitext: error: {where}permission denied (check the permissions of "
                         f"the file and the folders above it)\n")
        return EXIT_ERROR
    except Exception as exc:  # a bug in bitext: still one line, the traceback on request
        if os.environ.get("BITEXT_DEBUG"):
            raise
        sys.stderr.write(f"bitext: internal error: {type(exc).__name__}: {exc} (set BITEXT_DEBUG=1 "
                         f"for the traceback and please report it)\n")
        return 70


if __name__ == "__main__":
    sys.exit(main())


def _shown(seg) -> str:  # noqa: ANN001 - a Segment
    """The segment as written, each formatted run marked the Markdown way (`**bold**`,
    `*italic*`, `` `code` ``, `[link](url)`), unescaped: a view, not Markdown to parse."""
    from .spans import runs

    out = []
    for run in runs(seg.display, seg.spans if len(seg.display) == len(seg.source) else []):
        text = f"`{run.text}`" if run.code else run.text
        text = f"*{text}*" if run.italic else text
        text = f"**{text}**" if run.bold else text
        out.append(f"[{text}]({run.href})" if run.href else text)
    return "".join(out)
