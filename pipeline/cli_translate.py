"""`bitext translate`, `bitext model …` and `bitext import`."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .errors import EXIT_ERROR, EXIT_NO_MODEL, BitextError

LLM_ENGINE = "openai"
NO_MODEL_HINT = ("no zh→en model installed: get one with `argospm install translate-zh_en` on a "
                 "connected machine, or `bitext model install FILE.argosmodel`")


def _engine(args: argparse.Namespace):  # noqa: ANN202 - CTranslate2Engine | None
    """Resolve --model/--engine; never touches the network unless asked with `auto`.

    The model family is detected from the folder's files; `--engine FAMILY` insists on one.
    """
    from .engines import argos_package, store
    from .engines.base import Family

    if args.engine == LLM_ENGINE or (args.endpoint and not args.engine):
        return _llm_engine(args)
    family = Family(args.engine) if args.engine else None
    if args.model == "none":
        return None
    if args.model in (None, "auto"):
        model = store.find_model("zh", "en")
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
    from .engines.openai_chat import ENV_ENDPOINT, ENV_MODEL, GlossaryHint, LLMSettings, \
        OpenAIEngine, config_path, configured
    from .glossary.termbase import load_glossary

    endpoint = configured("endpoint", args.endpoint, ENV_ENDPOINT)
    if not endpoint:
        raise BitextError("--engine openai needs an endpoint",
                          hint=f"pass --endpoint http://127.0.0.1:8080/v1, set {ENV_ENDPOINT}, "
                               f"or write it in {config_path()}")
    settings = LLMSettings(endpoint=endpoint, model=configured("model", args.llm_model, ENV_MODEL),
                           segments_per_request=args.batch_size, concurrency=args.concurrency,
                           timeout=args.llm_timeout, allow_remote=args.allow_remote)
    hints = {e.target: GlossaryHint(e.target, tuple(e.forbidden))
             for e in load_glossary(args.glossary).entries}
    engine = OpenAIEngine(settings, hints)
    if args.dry_run:
        from .glossary.matcher import TermMatcher
        from .readers import read_document
        from .stages.translate import protect

        matcher = TermMatcher(load_glossary(args.glossary))
        first = _inputs(args.input)[0]
        texts = [protect(s.source, matcher.hits(s.source), "placeholder")[0]
                 for s in read_document(first).segments()]
        sys.stdout.write(engine.first_prompt(texts) + "\n")
        raise SystemExit(0)
    return engine


def _inputs(path: Path) -> list[Path]:
    from .readers import SUPPORTED

    if path.is_dir():
        files = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUPPORTED
                       and not any(part.startswith(".") for part in p.relative_to(path).parts))
        if not files:
            raise BitextError("no supported files in folder", path=str(path),
                              hint=f"supported: {', '.join(SUPPORTED)}")
        return files
    return [path]


def cmd_translate(args: argparse.Namespace) -> int:
    from .cache import MTCache, default_cache_path
    from .glossary.matcher import TermMatcher
    from .glossary.termbase import load_glossary
    from .run import FORMATS, Options, auto_tm_path, load_tm, translate_file

    if not args.input.exists():
        raise BitextError("no such file or folder", path=str(args.input), hint="check the path")
    glossary = load_glossary(args.glossary)
    matcher = TermMatcher(glossary)
    files = _inputs(args.input)
    engine = _engine(args)
    cache = None if engine is None or args.cache == "none" else MTCache(
        Path(args.cache) if args.cache else default_cache_path())
    formats = args.formats.split(",") if args.formats else list(FORMATS)
    options = Options(formats=formats, source_script=args.source_script,
                      progress=not args.quiet)
    many = args.input.is_dir()
    rows, failed, untranslated = [], 0, 0
    from tqdm import tqdm

    overall = tqdm(files, desc="files", unit="file", file=sys.stderr,
                   disable=not (many and not args.quiet and sys.stderr.isatty()))
    for path in overall:
        tm_paths = [] if "none" in args.tm else [Path(p) for p in args.tm]
        auto = auto_tm_path(path)
        if "none" not in args.tm and auto is not None and auto not in tm_paths:
            tm_paths.insert(0, auto)
        stem = path.name.rsplit(".", 1)[0]
        base = args.output or Path("output")
        out_dir = base / (path.parent.relative_to(args.input) if many else Path()) / stem
        try:
            result = translate_file(path, out_dir, glossary=glossary, matcher=matcher,
                                    tm=load_tm(tm_paths), engine=engine, cache=cache,
                                    options=options)
        except BitextError as err:
            if not many:
                raise
            failed += 1
            sys.stderr.write(f"bitext: skipped: {err}\n")
            rows.append((str(path), "FAILED", str(err.message)))
            continue
        untranslated += result.summary.origins["none"]
        issues = len(result.review.issues)
        rows.append((str(path), result.summary.line(),
                     f"review: {'clean' if not issues else f'{issues} to fix'} → {out_dir}"))
        if not args.quiet and not many:
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
    return 0


def cmd_model_install(args: argparse.Namespace) -> int:
    from .engines.store import install_model

    model = install_model(args.file)
    sys.stdout.write(f"installed {model.name} ({model.family.value}, "
                     f"{_languages(model)}) at {model.path}\n")
    return 0


def _languages(model) -> str:  # noqa: ANN001 - ModelInfo
    if not model.source_lang:
        return "languages not recorded"
    return f"{model.source_lang}→{model.target_lang}"


def cmd_model_list(args: argparse.Namespace) -> int:
    from .engines.store import installed_models

    models = installed_models()
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


def register(sub: argparse._SubParsersAction) -> None:
    from .engines.base import Family

    p = sub.add_parser("translate", help="translate a document (or every document in a folder)")
    p.add_argument("input", type=Path)
    p.add_argument("-o", "--output", type=Path, help="output folder (default output/<stem>/)")
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
    p.add_argument("--glossary", "-g", type=Path, action="append", default=[])
    p.add_argument("--tm", action="append", default=[],
                   help="translation memory .tmx (repeatable), or 'none'; <input>.tmx is used "
                        "automatically")
    p.add_argument("--beam", type=int, default=4,
                   help="beam size; --beam 1 (greedy) is the fast mode")
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--max-length", type=int, default=256,
                   help="maximum tokens the model may produce per sentence piece")
    p.add_argument("--device", choices=["auto", "cpu", "cuda"], default="auto")
    p.add_argument("--cache", help="MT cache file, or 'none' (default: ~/.cache/bitext/)")
    p.add_argument("--formats", help="comma-separated subset of: en.md, parallel.md, "
                                     "parallel.docx, en.docx, tmx, xlf, json, review.md")
    p.add_argument("--source-script", choices=["simplified", "traditional"],
                   help="script of the Chinese column in the parallel outputs (default: as the "
                        "input was written)")
    p.add_argument("--quiet", "-q", action="store_true")
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
    p.set_defaults(func=cmd_import)
