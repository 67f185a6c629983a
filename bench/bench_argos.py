"""Benchmark: `bitext translate` against argostranslate's own API, same model, beam and text.

Builds a Transformer-base-sized Argos package with random weights (tests/argos_fixture.py:
6+6 layers, d512, 32k vocabulary, int8), installs it into a temporary Argos packages dir, and
translates the same sentences of the sample article three ways, interleaved round by round
so that load from other processes hits all of them alike:

- argostranslate, one `translate()` call per sentence (how scripts use it line by line);
- argostranslate, one `translate()` call for the whole text (its best mode: it batches the
  sentences of each paragraph, in sub-batches of ARGOS_BATCH_SIZE=32 tokens);
- `bitext translate FILE` (a real CLI process per round: start-up, reading, model loading,
  segmenting, writing included), with an empty glossary (`--no-shipped-glossary` too: the
  shipped term base would replace terms with placeholders, change what the model reads and
  send the segments whose placeholders a random model drops through a second pass), and no
  TM or cache, so it reads exactly the sentences argostranslate reads.

bitext is timed as installed and used before: one untimed run on one sentence leaves what any
later run finds, the modules' bytecode (pip compiles it on install; this workplace sets
PYTHONDONTWRITEBYTECODE, so here it goes to the bench's temporary folder) and the package
unpacked in bitext's cache. argostranslate is timed with everything imported and its model
loaded.

Both run on the CPU (argostranslate's default device; bitext would pick a GPU if it saw one)
and use their defaults for threads and batching, and beam 4. The model is built so that
every hypothesis ends within about 48 pieces, like a real model's output (argostranslate
offers no way to bound the output length, and plain random weights would run to its
256-token default); the bench checks that both sides produce the same outputs. Only
argostranslate's sentence splitter is replaced, here alone: MiniSBD downloads its model on
first use, which fails offline. The replacement is bitext's own
splitter, so both sides translate the same sentences.

    python bench/bench_argos.py [--sentences 24] [--rounds 3] [--beam 4]

Prints sentences/s and peak memory (RSS) per side, and the time of one `bitext translate`
process on a single sentence (what each process pays before and after decoding); the last
line is the speed-up of `bitext translate` over argostranslate's best mode, as `N.N×`.
"""
from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
for p in (str(ROOT), str(ROOT / "tests")):
    if p not in sys.path:
        sys.path.insert(0, p)

ARTICLE = ROOT / "input" / "o1-roundtable.md"
MAX_CHARS = 120  # longer sentences would be cut for the engine by bitext only
OUTPUT_TOKENS = 48  # the model's chain to </s> (tests/argos_fixture.py: stop_after)
_CJK = re.compile(r"[\u4e00-\u9fff]")


def article_sentences(limit: int) -> list[str]:
    """The sample's full sentences (≥ 6 Chinese characters, closing punctuation, short enough
    that no side cuts them), so that paragraphs made of them split back into the same ones."""
    from pipeline.readers import read_document

    segments = [s.source for s in read_document(ARTICLE).segments()]
    return [s for s in segments if len(_CJK.findall(s)) >= 6 and len(s) <= MAX_CHARS
            and s.endswith(("。", "！", "？"))][:limit]


def _build(dest: str) -> None:
    """In a child process, so the float32 build arrays don't count against either side."""
    from argos_fixture import build_realistic_model

    build_realistic_model(Path(dest), stop_after=OUTPUT_TOKENS)


# --------------------------------------------------------------------------- argos worker

def argos_worker(package: str) -> None:
    """Serve translation requests (JSON lines on stdin) with argostranslate's own API."""
    import argostranslate.package
    import argostranslate.translate as argos_translate

    from pipeline.segment import split_sentences

    class BitextSentencizer:
        """Offline stand-in for MiniSBD (which downloads its model): bitext's splitter."""

        def __init__(self, pkg) -> None:  # noqa: ANN001
            self.pkg = pkg

        def split_sentences(self, text: str) -> list[str]:
            return split_sentences(text)

    argos_translate.MiniSBDSentencizer = BitextSentencizer
    argostranslate.package.install_from_path(Path(package))
    translation = argos_translate.get_translation_from_codes("zh", "en")
    for line in sys.stdin:
        request = json.loads(line)
        if request["mode"] == "quit":
            print(json.dumps({"peak_mb": _peak_mb()}), flush=True)
            return
        start, cpu = time.perf_counter(), time.process_time()
        if request["mode"] == "lines":
            outputs = [translation.translate(s) for p in request["paragraphs"] for s in p]
        else:
            text = "\n\n".join("".join(p) for p in request["paragraphs"])
            outputs = translation.translate(text).split("\n\n")
        print(json.dumps({"seconds": time.perf_counter() - start,
                          "cpu": time.process_time() - cpu, "outputs": outputs}), flush=True)


def _peak_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


class ArgosSide:
    """A long-lived argostranslate process (its model stays loaded, as in a user's script)."""

    def __init__(self, package: Path, env: dict[str, str]) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, __file__, "--argos-worker", str(package)], env=env,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=str(ROOT))

    def ask(self, request: dict) -> dict:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(json.dumps(request, ensure_ascii=False) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError("the argostranslate worker died (see its stderr above)")
        return json.loads(line)


# --------------------------------------------------------------------------- bitext side

def installed_env(env: dict[str, str], work: Path) -> dict[str, str]:
    """`env` with bytecode written and reused, as in an installed package, but kept in the
    bench's temporary folder instead of beside the sources."""
    out = {k: v for k, v in env.items() if k != "PYTHONDONTWRITEBYTECODE"}
    out["PYTHONPYCACHEPREFIX"] = str(work / "pycache")
    return out


def bitext_round(paragraphs: list[list[str]], package: Path, work: Path, index: int,
                 beam: int, env: dict[str, str]) -> tuple[float, float, float, dict[str, str]]:
    """One `bitext translate` process: (seconds, CPU seconds, peak RSS MB, source → English)."""
    doc = work / f"round{index}.txt"
    doc.write_text("\n\n".join("".join(p) for p in paragraphs) + "\n", encoding="utf-8")
    glossary = work / "empty.tsv"
    glossary.write_text("source\ttarget\n", encoding="utf-8")
    out = work / f"out{index}"
    args = [sys.executable, "-m", "pipeline", "translate", str(doc), "--model", str(package),
            "-g", str(glossary), "--no-shipped-glossary", "--tm", "none", "--cache", "none",
            "--beam", str(beam),
            "--max-length", "256", "--device", "cpu", "--formats", "json", "-q", "-o", str(out)]
    start = time.perf_counter()
    proc = subprocess.Popen(args, env=env, cwd=str(ROOT), stderr=subprocess.PIPE, text=True)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    stderr = proc.stderr.read() if proc.stderr else ""
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode not in (0, 1):
        raise RuntimeError(f"bitext translate failed ({proc.returncode}): {stderr}")
    data = json.loads((out / doc.stem / f"{doc.stem}.json").read_text(encoding="utf-8"))
    targets = {s["source"]: s["target"] for sec in data["sections"] for p in sec["paragraphs"]
               for s in p["segments"]}
    return seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, targets


# --------------------------------------------------------------------------- main

@dataclass
class Side:
    name: str
    seconds: float = 0.0
    cpu: float = 0.0
    sentences: int = 0
    peak_mb: float = 0.0
    outputs: list[str] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.sentences / self.seconds

    def line(self) -> str:
        return (f"  {self.name:<46} {self.sentences:3d} sent {self.seconds:7.1f} s "
                f"{self.rate:6.2f} sent/s ({self.sentences / self.cpu:5.2f} per CPU-s)  "
                f"peak RSS {self.peak_mb:5.0f} MB")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sentences", type=int, default=48)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--beam", type=int, default=4)
    parser.add_argument("--argos-worker", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.argos_worker:
        argos_worker(args.argos_worker)
        return 0

    sentences = article_sentences(args.sentences)
    per_round = -(-len(sentences) // args.rounds)
    rounds = [sentences[i:i + per_round] for i in range(0, len(sentences), per_round)]
    with tempfile.TemporaryDirectory(prefix="bench-argos-") as tmp:
        work = Path(tmp)
        env = {**os.environ, "PYTHONPATH": str(ROOT), "ARGOS_PACKAGES_DIR": str(work / "argos"),
               "XDG_DATA_HOME": str(work / "data"), "XDG_CACHE_HOME": str(work / "cache"),
               "XDG_CONFIG_HOME": str(work / "config"), "ARGOS_BEAM_SIZE": str(args.beam),
               "ARGOS_DEVICE_TYPE": "cpu"}
        os.environ.update({k: env[k] for k in ("XDG_CACHE_HOME",)})
        t0 = time.perf_counter()
        child = multiprocessing.get_context("spawn").Process(target=_build, args=(str(work),))
        child.start()
        child.join()
        if child.exitcode != 0:
            print("building the benchmark model failed", file=sys.stderr)
            return 2
        package = next(work.glob("*.argosmodel"))
        print(f"model: 6+6 layers, d512, 8 heads, ffn 2048, 32k vocab, int8 "
              f"({package.stat().st_size / 1e6:.0f} MB package, built in "
              f"{time.perf_counter() - t0:.1f} s); {os.cpu_count()} cores, "
              f"load average {os.getloadavg()[0]:.1f}")
        print(f"{len(sentences)} sentences from {ARTICLE.name} in {len(rounds)} rounds, beam "
              f"{args.beam}, outputs ending within ~{OUTPUT_TOKENS} pieces", flush=True)
        argos = ArgosSide(package, env)
        bitext_env = installed_env(env, work)
        bitext_round([sentences[:1]], package, work, 0, args.beam, bitext_env)  # untimed
        lines = Side("argostranslate, translate() per sentence")
        text = Side("argostranslate, translate() on the whole text")
        ours = Side("bitext translate FILE")
        for index, chunk in enumerate(rounds):
            paragraphs = [chunk[i:i + 3] for i in range(0, len(chunk), 3)]
            for side, mode in ((text, "text"), (lines, "lines")):
                reply = argos.ask({"mode": mode, "paragraphs": paragraphs})
                side.seconds += reply["seconds"]
                side.cpu += reply["cpu"]
                side.sentences += len(chunk)
                side.outputs += reply["outputs"]
            seconds, cpu, peak, targets = bitext_round(paragraphs, package, work, index + 1,
                                                       args.beam, bitext_env)
            ours.seconds += seconds
            ours.cpu += cpu
            ours.sentences += len(chunk)
            ours.peak_mb = max(ours.peak_mb, peak)
            ours.outputs += [targets.get(s, "") for s in chunk]
            print(f"  round {index + 1}/{len(rounds)}: argos text {text.seconds:.0f} s, "
                  f"argos lines {lines.seconds:.0f} s, bitext {ours.seconds:.0f} s", flush=True)
        peak = argos.ask({"mode": "quit"})["peak_mb"]
        lines.peak_mb = text.peak_mb = peak
        argos.proc.wait()
        for side in (lines, text, ours):
            print(side.line())
        print("  (argostranslate's two modes share one process: one peak; it includes "
              "importing argostranslate.translate)")
        # The bench model's padding pieces (<extra_N>) are unknown to SentencePiece, and the two
        # decoders render their "_" differently ("<extra 1>" vs "<extra_1>"); nothing else may differ.
        same = sum(a.replace("_", " ") == b.replace("_", " ")
                   for a, b in zip(lines.outputs, ours.outputs))
        print(f"outputs identical to argostranslate's (per sentence): {same}/{len(ours.outputs)}"
              f"; mean output length {sum(map(len, ours.outputs)) / len(ours.outputs):.0f} "
              f"vs {sum(map(len, lines.outputs)) / len(lines.outputs):.0f} characters")
        best = max((lines, text), key=lambda s: s.rate)
        print(f"per CPU-second: {(ours.sentences / ours.cpu) / (best.sentences / best.cpu):.1f}×"
              " (less sensitive to other processes; wall time shows the parallel speed-up)")
        seconds, cpu, _, _ = bitext_round([sentences[:1]], package, work, len(rounds) + 1,
                                          args.beam, bitext_env)
        print(f"one `bitext translate` process on one sentence: {seconds:.2f} s ({cpu:.2f} CPU-s):"
              " start-up, model loading and writing, paid once per process, and one sentence")
        print(f"load average at the end {os.getloadavg()[0]:.1f}")
        print(f"bitext translate / argostranslate ({best.name.split(', ')[1]}), beam "
              f"{args.beam}: {ours.rate / best.rate:.1f}×")
    return 0


if __name__ == "__main__":
    sys.exit(main())
