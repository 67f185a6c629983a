"""`bitext glossary …` and `bitext check`: the term base and the review, from the command line."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from . import limits
from .errors import EXIT_ERROR, EXIT_REVIEW, BitextError
from .model import Segment


def glossary_args(p: argparse.ArgumentParser) -> None:
    """The same glossary options on every command that uses the term base."""
    p.add_argument("--glossary", "-g", type=Path, action="append", default=[],
                   help="your own term base (TSV/CSV/TBX), laid over the shipped one entry by "
                        "entry (same Chinese and context: yours wins); repeatable")
    p.add_argument("--no-shipped-glossary", action="store_true",
                   help="use only the -g files, not the term base that ships with bitext")


def glossary_from_args(args: argparse.Namespace):  # noqa: ANN201 - Glossary; import-light
    from .glossary.termbase import load_glossary

    return load_glossary(args.glossary, with_shipped=not args.no_shipped_glossary)



def cmd_list(args: argparse.Namespace) -> int:
    glossary = glossary_from_args(args)
    if args.json:
        data = [{"id": e.id, "source": e.forms(), "target": e.target, "forbidden": e.forbidden,
                 "category": e.category, "note": e.note, "keep": e.keep, "context": e.context,
                 "tier": e.tier.value, "sense": e.sense, "admitted": e.admitted,
                 "annotate": e.annotate}
                for e in glossary.entries]
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=1) + "\n")
    else:
        for e in glossary.entries:
            ctx = f"  [{' | '.join(e.context)}]" if e.context else ""
            sys.stdout.write(f"{' | '.join(e.sources)}\t→ {e.target}{ctx}\n")
        sys.stdout.write(f"{len(glossary.entries)} entries, version {glossary.version}\n")
    for path, count in glossary.files:
        sys.stderr.write(f"loaded {count} entries from {path}\n")
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

    glossary = glossary_from_args(args)
    write_tbx(args.tbx, glossary.entries)
    sys.stdout.write(f"wrote {len(glossary.entries)} entries to {args.tbx}\n")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from .glossary.termbase import conflicts, load_file, write_tsv
    from .textio import atomic_write_text

    # a `bitext terms` worksheet: rows still without a target are the translator's to decide
    incoming, problems = load_file(args.file, skip_untranslated=args.skip_untranslated)
    if problems:
        for problem in problems:
            sys.stdout.write(f"{problem}\n")
        raise BitextError(f"{len(problems)} problem(s) in the imported file; nothing imported",
                          path=str(args.file))
    existing = load_file(args.into)[0] if args.into.exists() else []
    known = {(s, tuple(e.context)) for e in existing for s in e.sources}
    # a sense row (推理 → reasoning, with cue words) is already what a plain "推理,reasoning" says
    known |= {(s, e.target) for e in existing for s in e.sources}
    added = [e for e in incoming if not any((s, tuple(e.context)) in known
                                            or (s, e.target) in known for s in e.sources)]
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
    """Segments with targets from a TMX, XLIFF, TSV or the JSON `bitext translate` writes."""
    from .memory.bilingual import load_bilingual as load

    return load(path).segments


def cmd_check(args: argparse.Namespace) -> int:
    """Review any bilingual file. The reports are named `.check.md`/`.check.json`, so the
    `.review.md` a translate run wrote beside its JSON is never overwritten."""
    from .glossary.matcher import TermMatcher
    from .stages.review import review_segments
    from .textio import atomic_write_text
    from .writers.review_report import review_json, review_markdown

    from .memory.bilingual import load_bilingual as load

    bilingual = load(args.bilingual)
    segments = bilingual.segments
    if not args.quiet:
        for line in bilingual.lines():
            sys.stdout.write(f"input: {line}\n")
    review = review_segments(segments, TermMatcher(glossary_from_args(args)))
    if args.meaning:  # opt-in: loads the embedding model (see pipeline/stages/meaning.py)
        from .embeddings import load_embedder
        from .stages.meaning import check_meaning, meaning_issues

        review.issues += meaning_issues(check_meaning(segments, load_embedder(cache=args.cache)))
    out_dir = args.output or args.bilingual.parent
    stem = args.bilingual.name.rsplit(".", 1)[0]
    md_path, json_path = out_dir / f"{stem}.check.md", out_dir / f"{stem}.check.json"
    replaced = [p for p in (md_path, json_path) if p.exists()]
    atomic_write_text(md_path, review_markdown(review, f"Term review: {args.bilingual.name}"))
    atomic_write_text(json_path, review_json(review))
    must = len(review.must_fix)
    if review.fully_untranslated:
        status = "untranslated: no segment has English, nothing was reviewed"
    elif review.clean:
        status = "clean"
    else:
        status = f"{must} must-fix, {len(review.issues) - must} to check"
    sys.stdout.write(f"{len(segments)} segments, {len(review.terms)} glossary terms: {status}\n"
                     f"report: {md_path}\njson:   {json_path}\n")
    for path in replaced:
        sys.stdout.write(f"replaced the earlier check report {path}\n")
    for issue in review.issues[: 0 if args.quiet or review.fully_untranslated else 20]:
        sys.stdout.write(f"  {issue.segment}: {issue.severity.value}: {issue.kind.value}: "
                         f"{issue.message}\n")
    return EXIT_REVIEW if must or review.fully_untranslated else 0


def register(sub: argparse._SubParsersAction) -> None:
    g = sub.add_parser("glossary", help="list, validate, export and import the term base")
    gsub = g.add_subparsers(dest="glossary_command", metavar="ACTION", required=True)
    p = gsub.add_parser("list", help="list entries")
    glossary_args(p)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_list)
    p = gsub.add_parser("validate", help="report problems as file:line: problem")
    p.add_argument("files", type=Path, nargs="+")
    p.set_defaults(func=cmd_validate)
    p = gsub.add_parser("export", help="export as TBX")
    glossary_args(p)
    p.add_argument("--tbx", type=Path, required=True)
    p.set_defaults(func=cmd_export)
    p = gsub.add_parser("import", help="merge a CSV/TSV/TBX term list into a glossary file")
    p.add_argument("file", type=Path)
    p.add_argument("--into", type=Path, default=Path("glossary/ai-terms.tsv"))
    p.add_argument("--skip-untranslated", action="store_true",
                   help="pass over rows with an empty target (a `bitext terms` worksheet)")
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("check", help="term-consistency review of a TMX, XLIFF, TSV or "
                                     "translated JSON")
    p.add_argument("bilingual", type=Path)
    glossary_args(p)
    p.add_argument("-o", "--output", type=Path, help="folder for the reports")
    p.add_argument("--meaning", action="store_true", help="also flag pairs whose English seems "
                                                          "to say something else (embeddings)")
    p.add_argument("--cache", help="embedding cache for --meaning, or 'none'")
    p.add_argument("--quiet", "-q", action="store_true")
    limits.add_arguments(p)
    p.set_defaults(func=cmd_check)


__all__ = ["register", "load_bilingual", "EXIT_ERROR"]
