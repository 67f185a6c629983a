"""`bitext terms FILE…`: the terms a new text needs that the glossary lacks, as a worksheet."""
from __future__ import annotations

import argparse
import csv
import io
import sys
from pathlib import Path

from .cli_terms import glossary_args, glossary_from_args


def cmd_terms(args: argparse.Namespace) -> int:
    from .glossary.discover import WORKSHEET_COLUMNS, discover, worksheet_rows
    from .glossary.matcher import TermMatcher
    from .readers import read_document
    from .textio import atomic_write_text

    texts: list[str] = []
    speakers: list[str] = []
    for path in args.files:
        doc = read_document(path)
        texts.extend(seg.source for seg in doc.segments())
        speakers.extend(doc.speakers)
    candidates = discover(texts, TermMatcher(glossary_from_args(args)), speakers=speakers)
    shown = candidates[: args.top]
    width = max((len(c.source) for c in shown), default=4)
    out = sys.stdout
    out.write(f"{len(candidates)} candidate terms not in the glossary "
              f"(top {len(shown)} by count × specificity):\n")
    for i, c in enumerate(shown, 1):
        suggestion = f"{c.suggestion}  ({c.suggested_from})" if c.suggestion else "—"
        out.write(f"{i:>3}. {c.source:<{width}}\t{c.kind.value:<8}{c.count:>4}×  {suggestion}\n")
    if args.output:
        buf = io.StringIO()
        writer = csv.writer(buf, delimiter="\t", lineterminator="\n")
        writer.writerow(WORKSHEET_COLUMNS)
        writer.writerows(worksheet_rows(candidates))
        atomic_write_text(args.output, buf.getvalue())
        out.write(f"worksheet: {args.output} — fill in or check `target`, delete rows you don't "
                  f"want, then `bitext glossary import {args.output} --skip-untranslated --into YOUR.tsv`\n")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("terms", help="list the names and terms a text needs that the glossary "
                                     "lacks, as a TSV worksheet for `glossary import`")
    p.add_argument("files", type=Path, nargs="+")
    p.add_argument("-o", "--output", type=Path, help="write the full worksheet (TSV) here")
    p.add_argument("--top", type=int, default=40, help="how many to print (default 40)")
    glossary_args(p)
    p.set_defaults(func=cmd_terms)
