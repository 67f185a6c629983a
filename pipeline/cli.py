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

from . import __version__
from .errors import EXIT_ERROR, BitextError


def _print_structure(doc) -> None:  # noqa: ANN001 - Document; kept import-light
    out = sys.stdout
    out.write(f"Title:    {doc.title.display if doc.title else '(none)'}\n")
    out.write(f"Source:   {doc.source_url or '(none)'}\n")
    turns = Counter(p.speaker for s in doc.sections for p in s.paragraphs if p.turn_start)
    out.write("Speakers: " + (", ".join(f"{s} ({turns[s]} turns)" for s in doc.speakers)
                              or "(none)") + "\n")
    out.write(f"Script:   {doc.script}\n")
    for section in doc.sections:
        head = section.number or "--"
        title = section.title.display if section.title else "(lead)"
        out.write(f"\n§{section.id} [{head}] {title}\n")
        for para in section.paragraphs:
            if para.turn_start:
                out.write(f"  {para.speaker}:\n")
            for seg in para.segments:
                mark = "*" if seg.emphasis else " "
                bullet = "•" if para.kind == "list_item" else " "
                notes = f"  [{','.join(seg.note_ids)}]" if seg.note_ids else ""
                out.write(f"  {bullet}{seg.id:<9}{mark} {seg.display}{notes}\n")
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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="bitext", description="Offline Chinese→English translation with an AI glossary, "
                                   "parallel text with footnotes, and a term review.")
    parser.add_argument("--version", action="version", version=f"bitext {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("segment", help="show a document's structure and segments")
    p.add_argument("file", type=Path)
    p.add_argument("--json", action="store_true", help="print the segment JSON")
    p.set_defaults(func=cmd_segment)

    from . import cli_translate, cli_terms

    cli_translate.register(sub)
    cli_terms.register(sub)
    from . import cli_align; cli_align.register(sub)  # noqa: E702 - one line per command
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return EXIT_ERROR
    try:
        return int(args.func(args) or 0)
    except BitextError as err:
        sys.stderr.write(f"bitext: error: {err}\n")
        return err.code
    except KeyboardInterrupt:
        sys.stderr.write("bitext: interrupted; finished work is cached — run the same command "
                         "again to resume\n")
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # a bug in bitext: still one line, the traceback on request
        if os.environ.get("BITEXT_DEBUG"):
            raise
        sys.stderr.write(f"bitext: internal error: {type(exc).__name__}: {exc} (set BITEXT_DEBUG=1 "
                         f"for the traceback and please report it)\n")
        return 70


if __name__ == "__main__":
    sys.exit(main())
