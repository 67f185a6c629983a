"""`bitext translate`, `bitext model …` and `bitext import`."""
from __future__ import annotations

import argparse
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from . import limits
from .errors import EXIT_ERROR, EXIT_NO_MODEL, BitextError

LLM_ENGINE = "openai"
NO_MODEL_HINT = ("no zh→en model installed: get one with `argospm install translate-zh_en` on a "
                 "connected machine, or `bitext model install FILE.argosmodel`")


# Limits for the decoding options. The decoder keeps state per hypothesis and step, so memory
# grows with beam × batch × length (beam 100000 asked for more than 4 GB). Each bound is far
# above anything that improves a translation, and their product is capped at 4× the defaults
# (4 × 32 × 256; about 0.5 GB measured for a base model at the defaults).
MAX_BEAM = 16
MAX_BATCH = 1024
MAX_LENGTH = 1024
MAX_DECODING_PRODUCT = 4 * 4 * 32 * 256


def check_decoding_budget(beam: int, batch_size: int, max_length: int) -> None:
    """Refuse option combinations whose worst case would not fit in memory."""
    product = beam * batch_size * max_length
    if product > MAX_DECODING_PRODUCT:
        raise BitextError(f"--beam × --batch-size × --max-length is {product:,}, over the limit "
                          f"of {MAX_DECODING_PRODUCT:,} (memory grows with it)",
                          hint="lower one of them; the defaults are 4 × 32 × 256")


def bounded_int(low: int, high: int) -> Callable[[str], int]:
    """An argparse type: an integer in low..high, else a one-line usage error."""
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"must be between {low} and {high}, got {value}")
        return value

    parse.__name__ = "number"  # argparse names the type in its messages
    return parse


def _engine(args: argparse.Namespace):  # noqa: ANN202 - CTranslate2Engine | None
    """Resolve --model/--engine; never touches the network unless asked with `auto`.

    The model family is detected from the folder's files; `--engine FAMILY` insists on one.
    A broken environment (HOME or ARGOS_PACKAGES_DIR a file, read-only, /dev/null) only matters
    when a model is actually needed: an `UnavailableEngine` carries the problem and raises it
    the first time a segment needs MT, so a run the TM covers still completes.
    """
    from .engines import argos_package, store
    from .engines.base import Family
    from .unavailable_engine import UnavailableEngine

    if args.engine == LLM_ENGINE or (args.endpoint and not args.engine):
        return _llm_engine(args)
    family = Family(args.engine) if args.engine else None
    if args.model == "none":
        return None
    if args.model in (None, "auto"):
        try:
            model = store.find_model("zh", "en")
        except OSError as exc:
            return UnavailableEngine.from_os_error(exc)
        except BitextError as err:  # the models folder cannot be listed
            return UnavailableEngine(err)
        if model is None and args.model == "auto":
            try:
                model = argos_package.download_and_install("zh", "en").as_model()
            except BitextError as err:
                sys.stderr.write(f"bitext: {err}\n")
        if model is not None and family is not None and model.family != family:
            raise BitextError(f"the installed model {model.name} is {model.family.value}, "
                              f"not {family.value}", hint="pass --model PATH")
    else:
        model = store.load_model(args.model, family=family)
    if model is None:
        return None
    from .engines.ctranslate import CTranslate2Engine

    return CTranslate2Engine(model, device=args.device, beam=args.beam,
                             batch_size=args.batch_size, max_decoding_length=args.max_length)


def _llm_engine(args: argparse.Namespace):  # noqa: ANN202 - OpenAIEngine
    """The local-LLM engine; with --dry-run, print the first request and stop (exit 0)."""
    from .engines.openai_chat import ENV_ENDPOINT, ENV_MODEL, LLMSettings, OpenAIEngine, \
        config_path, configured
    from .cli_terms import glossary_from_args

    endpoint = configured("endpoint", args.endpoint, ENV_ENDPOINT)
    if not endpoint:
        raise BitextError("--engine openai needs an endpoint",
                          hint=f"pass --endpoint http://127.0.0.1:8080/v1, set {ENV_ENDPOINT}, "
                               f"or write it in {config_path()}")
    settings = LLMSettings(endpoint=endpoint, model=configured("model", args.llm_model, ENV_MODEL),
                           segments_per_request=args.batch_size, concurrency=args.concurrency,
                           timeout=args.llm_timeout, allow_remote=args.allow_remote)
    engine = OpenAIEngine(settings)
    if args.dry_run:
        from .glossary.matcher import TermMatcher
        from .readers import read_document
        from .stages.translate import segment_contexts

        matcher = TermMatcher(glossary_from_args(args))
        doc = read_document(_inputs(args.input, args.output or Path("output")).files[0])
        segments = list(doc.segments())
        for seg in segments:
            seg.terms = matcher.hits(seg.source)
        contexts = segment_contexts(doc, matcher)
        sys.stdout.write(engine.first_prompt([s.source for s in segments],
                                             [contexts[s.id] for s in segments]) + "\n")
        raise SystemExit(0)
    return engine


@dataclass
class Inputs:
    """What a translate run found: files to translate and, in a folder, what it passed over."""

    files: list[Path]
    own_outputs: list[Path] = field(default_factory=list)  # laid out as bitext's outputs
    special: list[Path] = field(default_factory=list)  # FIFOs, devices, dangling links

    def report(self) -> list[str]:
        lines = []
        if self.own_outputs:
            lines.append(f"skipped {len(self.own_outputs)} file(s) laid out as bitext's own "
                         f"outputs (<name>/<name>.<format>), e.g. {self.own_outputs[0]}")
        if self.special:
            lines.append(f"skipped {len(self.special)} file(s) that are not regular files: "
                         + ", ".join(map(str, self.special[:5])))
        return lines


def _inputs(path: Path, output: Path) -> Inputs:
    """The files to translate: `path` itself, or a folder's supported files.

    In a folder: not hidden, not under the output folder (`bitext translate .` writes
    `./output/`) and not laid out as bitext's outputs (`<name>/<name>.en.md` …), so a second run
    never translates the first run's results; only regular files (a FIFO would hang the run).
    """
    from .readers import SUPPORTED
    from .run import is_own_output

    if not path.is_dir():
        return Inputs([path])
    out = output.resolve()

    def unreadable(exc: OSError) -> None:
        raise BitextError(f"cannot list folder ({exc.strerror})", path=exc.filename or str(path),
                          hint="check the folder's permissions (read and execute)")

    found = Inputs([])
    for folder, dirs, names in os.walk(path, onerror=unreadable):
        here = Path(folder)
        dirs[:] = sorted(d for d in dirs if not d.startswith(".")
                         and (here / d).resolve() != out)
        for name in names:
            candidate = here / name
            if name.startswith(".") or candidate.suffix.lower() not in SUPPORTED:
                continue
            if not candidate.is_file():
                found.special.append(candidate)
            elif is_own_output(candidate):
                found.own_outputs.append(candidate)
            else:
                found.files.append(candidate)
    if not found.files:
        raise BitextError("no supported files in folder", path=str(path),
                          hint=f"supported: {', '.join(SUPPORTED)}")
    for group in (found.files, found.own_outputs, found.special):
        group.sort()
    return found


def cmd_translate(args: argparse.Namespace) -> int:
    from .cache import MTCache, default_cache_path
    from .glossary.matcher import TermMatcher
    from .cli_terms import glossary_from_args
    from .run import (Options, auto_tm_path, load_tm, output_names, parse_formats,
                      translate_file)
    from .unavailable_engine import UnavailableEngine
    from .writers.exchange import XliffTargets

    check_decoding_budget(args.beam, args.batch_size, args.max_length)
    if not args.input.exists():
        raise BitextError("no such file or folder", path=str(args.input), hint="check the path")
    formats = parse_formats(args.formats)
    glossary = glossary_from_args(args)
    matcher = TermMatcher(glossary)
    base = args.output or Path("output")
    found = _inputs(args.input, base)
    files = found.files
    names = output_names(files)
    for line in found.report():
        sys.stderr.write(f"bitext: {line}\n")  # even with --quiet: never a silent gap
    engine = _engine(args)
    cache = None if engine is None or isinstance(engine, UnavailableEngine) or \
        args.cache == "none" else MTCache(Path(args.cache) if args.cache else default_cache_path())
    options = Options(formats=formats, source_script=args.source_script,
                      progress=not args.quiet, xliff_targets=XliffTargets(args.xliff_targets),
                      target_lang=args.target_lang)
    many = args.input.is_dir()
    rows, failed, untranslated = [], 0, 0
    memories: dict = {}
    from tqdm import tqdm

    overall = tqdm(files, desc="files", unit="file", file=sys.stderr,
                   disable=not (many and not args.quiet and sys.stderr.isatty()))
    for path in overall:
        tm_paths = [] if "none" in args.tm else [Path(p) for p in args.tm]
        auto = auto_tm_path(path)
        if "none" not in args.tm and auto is not None and auto not in tm_paths:
            tm_paths.insert(0, auto)
        name = names[path]
        out_dir = base / (path.parent.relative_to(args.input) if many else Path()) / name
        try:
            key = tuple(tm_paths)  # a folder run reads each memory set once, not per file
            tm = memories[key] if key in memories else memories.setdefault(key, load_tm(tm_paths))
            result = translate_file(path, out_dir, glossary=glossary, matcher=matcher,
                                    tm=tm, engine=engine, cache=cache, options=options,
                                    name=name)
        except BitextError as err:
            if not many:
                raise
            failed += 1
            sys.stderr.write(f"bitext: skipped: {err}\n")
            rows.append((str(path), "FAILED", str(err.message)))
            continue
        if result.stale and not args.quiet:
            sys.stderr.write(f"bitext: note: not rewritten by this run (--formats), may be out of "
                             f"date: {', '.join(p.name for p in result.stale)} in {out_dir}\n")
        untranslated += result.summary.origins["none"]
        issues = len(result.review.issues)
        rows.append((str(path), result.summary.line(),
                     f"review: {'clean' if not issues else f'{issues} to fix'} → {out_dir}"))
        if not args.quiet and not many:
            for line in tm.report_lines() if tm else []:
                sys.stderr.write(f"bitext: {line}\n")
            sys.stderr.write(f"bitext: {path.name}: {result.summary.line()}; review: "
                             f"{'clean' if not issues else f'{issues} problem(s)'}; "
                             f"wrote {len(result.outputs)} files to {out_dir}\n")
    if many and not args.quiet:
        width = max(len(r[0]) for r in rows)
        for name, summary, status in rows:
            sys.stderr.write(f"{name:<{width}}  {summary}  {status}\n")
    if cache is not None:
        cache.close()
    if failed:
        sys.stderr.write(f"bitext: {failed} of {len(files)} file(s) failed\n")
        return EXIT_ERROR
    if untranslated and engine is None:
        sys.stderr.write(f"bitext: {untranslated} segment(s) left untranslated; {NO_MODEL_HINT}\n")
        return EXIT_NO_MODEL
    if untranslated:
        sys.stderr.write(f"bitext: {untranslated} segment(s) left untranslated: the model gave no "
                         "usable text for them, even on a retry (flagged mt-empty in the outputs; "
                         "try another model, --beam or --max-length)\n")
        return EXIT_NO_MODEL
    return 0


def cmd_model_install(args: argparse.Namespace) -> int:
    from .engines.store import install_model
    from .unavailable_engine import UnavailableEngine

    try:
        model = install_model(args.file)
    except OSError as exc:  # HOME or the models folder unusable
        raise UnavailableEngine.from_os_error(exc).problem from None
    sys.stdout.write(f"installed {model.name} ({model.family.value}, "
                     f"{_languages(model)}) at {model.path}\n")
    return 0


def _languages(model) -> str:  # noqa: ANN001 - ModelInfo
    if not model.source_lang:
        return "languages not recorded"
    return f"{model.source_lang}→{model.target_lang}"


def cmd_model_list(args: argparse.Namespace) -> int:
    from .engines.store import installed_models
    from .unavailable_engine import UnavailableEngine

    try:
        models = installed_models()
    except OSError as exc:
        raise UnavailableEngine.from_os_error(exc).problem from None
    for m in models:
        sys.stdout.write(f"{m.name}\t{m.family.value}\t{m.size_bytes / 1e6:.0f} MB\t"
                         f"{_languages(m)}\t{m.path}\n")
    if not models:
        sys.stdout.write("no models installed\n")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from .roundtrip import import_edits

    report = import_edits(args.file, args.tm, against=args.against, input_path=args.input)
    for line in report.lines():
        sys.stdout.write(line + "\n")
    return 0


def _language_tag(value: str) -> str:
    from .writers.exchange import language_tag

    try:
        return language_tag(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc))


def register(sub: argparse._SubParsersAction) -> None:
    from .engines.base import Family

    p = sub.add_parser("translate", help="translate a document (or every document in a folder)")
    p.add_argument("input", type=Path)
    p.add_argument("-o", "--output", type=Path,
                   help="folder to write into: each input gets its own DIR/<name>/ "
                        "(default output/)")
    p.add_argument("--model", help="an Argos .argosmodel or package folder, a CTranslate2 "
                                   "OPUS-MT/NLLB-200/M2M-100 folder (or zip), an installed "
                                   "model's name, 'auto' (may download), or 'none'; default: the "
                                   "installed zh→en model")
    p.add_argument("--engine", choices=[*(f.value for f in Family), LLM_ENGINE],
                   help="insist on this model family (default: detected from the model's "
                        "files); 'openai': a local LLM server (llama.cpp, Ollama, vLLM)")
    p.add_argument("--endpoint", help="OpenAI-compatible URL of the local LLM server, e.g. "
                                      "http://127.0.0.1:8080/v1 (or $BITEXT_LLM_ENDPOINT, or "
                                      "\"endpoint\" in ~/.config/bitext/llm.json)")
    p.add_argument("--llm-model", help="model name on the endpoint (or $BITEXT_LLM_MODEL; "
                                       "default: the first it lists)")
    p.add_argument("--concurrency", type=int, default=2,
                   help="LLM requests in flight at once (default 2)")
    p.add_argument("--llm-timeout", type=float, default=120.0,
                   help="seconds to wait for one LLM reply (default 120)")
    p.add_argument("--allow-remote", action="store_true",
                   help="allow an LLM endpoint that is not on this machine")
    p.add_argument("--dry-run", action="store_true",
                   help="with --engine openai: print the first request and stop")
    from .cli_terms import glossary_args

    glossary_args(p)
    p.add_argument("--tm", action="append", default=[],
                   help="translation memory .tmx or .xlf (repeatable), or 'none'; <input>.tmx is "
                        "used automatically; each memory's contribution is reported")
    p.add_argument("--beam", type=bounded_int(1, MAX_BEAM), default=4,
                   help=f"beam size, 1..{MAX_BEAM}; --beam 1 (greedy) is the fast mode")
    p.add_argument("--batch-size", type=bounded_int(1, MAX_BATCH), default=32,
                   help=f"sentences per model call, 1..{MAX_BATCH}")
    p.add_argument("--max-length", type=bounded_int(1, MAX_LENGTH), default=256,
                   help=f"maximum tokens the model may produce per sentence piece, 1..{MAX_LENGTH}")
    p.add_argument("--device", choices=["auto", "cpu", "cuda"], default="auto")
    p.add_argument("--cache", help="MT cache file, or 'none' (default: ~/.cache/bitext/)")
    from .writers import formats_help
    from .writers.exchange import DEFAULT_TARGET_LANG, XliffTargets

    p.add_argument("--formats", help=formats_help())
    p.add_argument("--xliff-targets", choices=[t.value for t in XliffTargets],
                   default=XliffTargets.DRAFT.value,
                   help="draft: the XLIFF carries TM/MT translations as targets to review "
                        "(memoQ, Trados, `bitext import`); none: source only, for tools that "
                        "translate an existing target (OmegaT) — matches come from the .tmx")
    p.add_argument("--target-lang", default=DEFAULT_TARGET_LANG, type=_language_tag,
                   help="target locale written into XLIFF and TMX (default %(default)s)")
    p.add_argument("--source-script", choices=["simplified", "traditional"],
                   help="script of the Chinese column in the parallel outputs (default: as the "
                        "input was written)")
    p.add_argument("--quiet", "-q", action="store_true")
    limits.add_arguments(p)
    p.set_defaults(func=cmd_translate)

    m = sub.add_parser("model", help="install and list translation models")
    msub = m.add_subparsers(dest="model_command", metavar="ACTION", required=True)
    p = msub.add_parser("install", help="install an .argosmodel, or a CTranslate2 model folder "
                                        "(or zip) with its tokenizer files")
    p.add_argument("file", type=Path)
    p.set_defaults(func=cmd_model_install)
    p = msub.add_parser("list", help="list installed models: name, family, size, languages")
    p.set_defaults(func=cmd_model_list)

    p = sub.add_parser("import", help="take an editor's corrections (parallel DOCX or XLIFF) "
                                      "into a translation memory")
    p.add_argument("file", type=Path)
    p.add_argument("--tm", type=Path, required=True, help="the .tmx to update (created if absent)")
    p.add_argument("--against", type=Path, help="the export's .json (default: beside FILE)")
    p.add_argument("--input", type=Path, help="the current source document (default: the path "
                                              "recorded in the export)")
    limits.add_arguments(p)
    p.set_defaults(func=cmd_import)
