"""`bitext glossary …` and `bitext check`: the term base and the review, from the command line."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .errors import EXIT_ERROR, EXIT_REVIEW, BitextError
from .model import Segment


def _glossary_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--glossary", "-g", type=Path, action="append", default=[],
                   help="term base file (TSV/CSV/TBX); repeatable; default: glossary/*.tsv")


def cmd_list(args: argparse.Namespace) -> int:
    from .glossary.termbase import load_glossary

    glossary = load_glossary(args.glossary)
    if args.json:
        data = [{"id": e.id, "source": e.forms(), "target": e.target, "forbidden": e.forbidden,
                 "category": e.category, "note": e.note, "keep": e.keep, "context": e.context}
                for e in glossary.entries]
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=1) + "\n")
    else:
        for e in glossary.entries:
            ctx = f"  [{' | '.join(e.context)}]" if e.context else ""
            sys.stdout.write(f"{' | '.join(e.sources)}\t→ {e.target}{ctx}\n")
        sys.stdout.write(f"{len(glossary.entries)} entries, version {glossary.version}\n")
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    from .glossary.termbase import load_file

    problems = []
    total = 0
    for path in args.files:
        entries, found = load_file(path)
        total += len(entries)
        problems.extend(found)
    for problem in sorted(problems, key=lambda p: (p.file, p.line)):
        sys.stdout.write(f"{problem}\n")
    if problems:
        sys.stderr.write(f"bitext: {len(problems)} problem(s) in the glossary\n")
        return EXIT_REVIEW
    sys.stdout.write(f"ok: {total} entries\n")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from .glossary.tbx import write_tbx
    from .glossary.termbase import load_glossary

    glossary = load_glossary(args.glossary)
    write_tbx(args.tbx, glossary.entries)
    sys.stdout.write(f"wrote {len(glossary.entries)} entries to {args.tbx}\n")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from .glossary.termbase import conflicts, load_file, write_tsv
    from .textio import atomic_write_text

    incoming, problems = load_file(args.file)
    if problems:
        for problem in problems:
            sys.stdout.write(f"{problem}\n")
        raise BitextError(f"{len(problems)} problem(s) in the imported file; nothing imported",
                          path=str(args.file))
    existing = load_file(args.into)[0] if args.into.exists() else []
    known = {(s, tuple(e.context)) for e in existing for s in e.sources}
    added = [e for e in incoming if not any((s, tuple(e.context)) in known for s in e.sources)]
    clashes = conflicts(existing + incoming)
    merged = existing + added
    atomic_write_text(args.into, write_tsv(merged))
    sys.stdout.write(f"imported {len(added)} new entries into {args.into}; "
                     f"{len(incoming) - len(added)} already present\n")
    for c in clashes:
        if c.file == str(args.file):
            sys.stdout.write(f"kept existing: {c}\n")
    return 0


def load_bilingual(path: Path) -> list[Segment]:
    """Segments with targets from a TMX or the JSON `bitext translate` writes."""
    suffix = path.suffix.lower()
    if suffix == ".tmx":
        from .tm import read_tmx

        tm = read_tmx(path)
        return [Segment(id=u.tuid or str(i), source=u.source, target=u.target)
                for i, u in enumerate(tm.units, start=1)]
    if suffix == ".json":
        from .textio import decode, read_bytes
        from .writers.json_doc import document_from_dict

        try:
            doc = document_from_dict(json.loads(decode(read_bytes(path), str(path))))
        except (ValueError, KeyError, TypeError) as exc:
            raise BitextError(f"not a bitext segment JSON ({type(exc).__name__}: {exc})",
                              path=str(path), hint="give the .json that `bitext translate` wrote")
        return list(doc.segments())
    raise BitextError(f"unsupported bilingual file '{suffix}'", path=str(path),
                      hint="give a .tmx or the .json written by `bitext translate`")


def cmd_check(args: argparse.Namespace) -> int:
    from .glossary.matcher import TermMatcher
    from .glossary.termbase import load_glossary
    from .stages.review import review_segments
    from .textio import atomic_write_text
    from .writers.review_report import review_json, review_markdown

    segments = load_bilingual(args.bilingual)
    review = review_segments(segments, TermMatcher(load_glossary(args.glossary)))
    if args.meaning:  # opt-in: loads the embedding model (see pipeline/stages/meaning.py)
        from .embeddings import load_embedder
        from .stages.meaning import check_meaning, meaning_issues

        review.issues += meaning_issues(check_meaning(segments, load_embedder(cache=args.cache)))
    out_dir = args.output or args.bilingual.parent
    stem = args.bilingual.name.rsplit(".", 1)[0]
    md_path, json_path = out_dir / f"{stem}.review.md", out_dir / f"{stem}.review.json"
    atomic_write_text(md_path, review_markdown(review, f"Term-consistency review: {stem}"))
    atomic_write_text(json_path, review_json(review))
    status = "clean" if review.clean else f"{len(review.issues)} problem(s) to fix"
    sys.stdout.write(f"{len(segments)} segments, {len(review.terms)} glossary terms: {status}\n"
                     f"report: {md_path}\njson:   {json_path}\n")
    for issue in review.issues[: 0 if args.quiet else 20]:
        sys.stdout.write(f"  {issue.segment}: {issue.kind}: {issue.message}\n")
    return 0 if review.clean else EXIT_REVIEW


def register(sub: argparse._SubParsersAction) -> None:
    g = sub.add_parser("glossary", help="list, validate, export and import the term base")
    gsub = g.add_subparsers(dest="glossary_command", metavar="ACTION", required=True)
    p = gsub.add_parser("list", help="list entries")
    _glossary_arg(p)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_list)
    p = gsub.add_parser("validate", help="report problems as file:line: problem")
    p.add_argument("files", type=Path, nargs="+")
    p.set_defaults(func=cmd_validate)
    p = gsub.add_parser("export", help="export as TBX")
    _glossary_arg(p)
    p.add_argument("--tbx", type=Path, required=True)
    p.set_defaults(func=cmd_export)
    p = gsub.add_parser("import", help="merge a CSV/TSV/TBX term list into a glossary file")
    p.add_argument("file", type=Path)
    p.add_argument("--into", type=Path, default=Path("glossary/ai-terms.tsv"))
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("check", help="term-consistency review of a TMX or translated JSON")
    p.add_argument("bilingual", type=Path)
    _glossary_arg(p)
    p.add_argument("-o", "--output", type=Path, help="folder for the reports")
    p.add_argument("--meaning", action="store_true", help="also flag pairs whose English seems "
                                                          "to say something else (embeddings)")
    p.add_argument("--cache", help="embedding cache for --meaning, or 'none'")
    p.add_argument("--quiet", "-q", action="store_true")
    p.set_defaults(func=cmd_check)


__all__ = ["register", "load_bilingual", "EXIT_ERROR"]
