"""Benchmark: one sentence per call vs batched CTranslate2 translation, and the --beam 1 fast mode.

Builds a Transformer-base-sized Argos package with random weights (tests/argos_fixture.py),
translates the sample article's sentences with beam 4 and a fixed output length of 48 tokens
(random weights never stop early, and min = max length makes every output the same length,
so the legs do identical work), and prints sentences/s per leg, the speed-up and peak RSS.
A third leg runs the batched engine greedily (`--beam 1`, the fast mode) on the same chunks.
Against argostranslate's own API see bench_argos.py.

    python bench/bench_engine.py [--sentences 400] [--single 96] [--no-extra]

The article yields ~270 segments. To stay under ~5 minutes on 2 cores, the slow legs
(one at a time; batched with a single replica) run on about `--single` of them, the first
few of each batch; `--single 0` runs them on all. The one-at-a-time and batched legs are
interleaved batch by batch, so a busy neighbour process slows both alike.

Timings are ratios within one run: the machine is shared and noisy.
"""
from __future__ import annotations

import argparse
import gc
import math
import multiprocessing
import os
import re
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parents[1]
for p in (str(ROOT), str(ROOT / "tests")):
    if p not in sys.path:
        sys.path.insert(0, p)

ARTICLE = ROOT / "input" / "o1-roundtable.md"
DECODE_LEN = 48
BEAM = 4
BATCH = 32
TARGET_SPEEDUP = 3.0
_CJK = re.compile(r"[\u4e00-\u9fff]")


def article_sentences(limit: int) -> list[str]:
    """The pipeline's own segments of the sample (those with ≥ 6 Chinese characters)."""
    from pipeline.readers import read_document

    segments = [s.source for s in read_document(ARTICLE).segments()]
    return [s for s in segments if len(_CJK.findall(s)) >= 6][:limit]


def _build(dest: str) -> None:
    """Runs in a child process so the float32 build arrays don't inflate our peak RSS."""
    from argos_fixture import build_realistic_model

    build_realistic_model(Path(dest))


def _rss_mb(field: str) -> float:
    """VmRSS (current) or VmHWM (peak) of this process, in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _reset_peak() -> bool:
    """Reset VmHWM (Linux >= 4.0) so each leg's peak is its own."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


@dataclass
class Leg:
    """Accumulated timing of one way of translating, over several interleaved rounds."""

    name: str
    seconds: float = 0.0
    cpu_seconds: float = 0.0  # all threads; less sensitive than wall time to busy neighbours
    peak_mb: float = 0.0
    results: list = field(default_factory=list)

    def run(self, fn: Callable[[list[str]], list], texts: list[str]) -> None:
        _reset_peak()
        start, cpu = time.perf_counter(), time.process_time()
        self.results.extend(fn(texts))
        self.seconds += time.perf_counter() - start
        self.cpu_seconds += time.process_time() - cpu
        self.peak_mb = max(self.peak_mb, _rss_mb("VmHWM"))

    @property
    def rate(self) -> float:
        return len(self.results) / self.seconds

    def report(self) -> None:
        print(f"  {self.name:<40} {len(self.results):4d} sent  {self.seconds:6.1f} s  "
              f"{self.rate:6.2f} sent/s  ({len(self.results) / self.cpu_seconds:5.2f} sent per "
              f"CPU-second)", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sentences", type=int, default=400,
                        help="at most this many (default 400)")
    parser.add_argument("--single", type=int, default=96,
                        help="slow legs on about N sentences only (default 96; 0 = all)")
    parser.add_argument("--no-extra", action="store_true",
                        help="skip the batched-with-one-replica leg")
    args = parser.parse_args(argv)

    from pipeline.engines import CTranslate2Engine, load_package

    texts = article_sentences(args.sentences)
    single = texts[: args.single] if args.single else texts
    with tempfile.TemporaryDirectory(prefix="bench-engine-") as tmp:
        t0 = time.perf_counter()
        child = multiprocessing.get_context("spawn").Process(target=_build, args=(tmp,))
        child.start()
        child.join()
        if child.exitcode != 0:
            print("building the benchmark model failed", file=sys.stderr)
            return 2
        pkg = load_package(next(Path(tmp).glob("*.argosmodel")), cache_dir=Path(tmp) / "cache")
        size = (pkg.model_dir / "model.bin").stat().st_size / 1e6
        print(f"model: 6+6 layers, d512, 8 heads, ffn 2048, 32k vocab, int8 {size:.0f} MB "
              f"(built + unpacked in {time.perf_counter() - t0:.1f} s)")

        options = dict(beam=BEAM, batch_size=BATCH, max_decoding_length=DECODE_LEN,
                       min_decoding_length=DECODE_LEN)
        engine = CTranslate2Engine(pkg, **options)
        engine.load()
        loaded_mb = _rss_mb("VmRSS")
        # Warm-up, and the one-at-a-time memory peak: measured before any batch, because
        # CTranslate2's allocator keeps batch-sized buffers afterwards.
        warm = Leg("warm-up")
        warm.run(engine.translate_one_at_a_time, texts[:4])
        print(f"engine: {engine.device} {engine.compute_type}, {engine.inter_threads} replica(s), "
              f"{os.cpu_count()} cores")
        print(f"{len(texts)} sentences from {ARTICLE.name}, beam {BEAM}, "
              f"every output {DECODE_LEN} tokens")
        if len(single) < len(texts):
            print(f"  (slow legs use ~{len(single)} sentences only, spread over the article, "
                  "to bound the runtime)")
        load0 = os.getloadavg()[0]

        # Interleave the legs chunk by chunk so load from other processes hits both alike.
        chunks = [texts[i:i + BATCH] for i in range(0, len(texts), BATCH)]
        per_round = math.ceil(len(single) / len(chunks))
        greedy_engine = CTranslate2Engine(pkg, **{**options, "beam": 1})
        greedy_engine.load()
        slow = Leg("one at a time")
        fast = Leg(f"batched ({BATCH}/call, {engine.inter_threads} replicas)")
        greedy = Leg("batched, --beam 1 (fast mode)")
        for chunk in chunks:
            fast.run(engine.translate, chunk)
            slow.run(engine.translate_one_at_a_time, chunk[:per_round])
            greedy.run(greedy_engine.translate, chunk)
        slow.report()
        fast.report()
        greedy.report()
        single_texts = [t for chunk in chunks for t in chunk[:per_round]]
        batched_of_single = [r for chunk_start in range(0, len(texts), BATCH)
                             for r in fast.results[chunk_start:chunk_start + per_round]]
        differ = sum(a.text != b.text for a, b in zip(batched_of_single, slow.results))
        del engine, greedy_engine  # free their replicas before loading the next engine
        gc.collect()
        if not args.no_extra:
            one = CTranslate2Engine(pkg, **options, inter_threads=1)
            one.load()
            extra = Leg(f"batched ({BATCH}/call, 1 replica; run after)")
            for start in range(0, len(single_texts), BATCH):
                extra.run(one.translate, single_texts[start:start + BATCH])
            extra.report()
        ratio = fast.rate / slow.rate
        print(f"memory (RSS): loaded {loaded_mb:.0f} MB, peak one-at-a-time {warm.peak_mb:.0f} MB,"
              f" peak batched {fast.peak_mb:.0f} MB")
        print(f"speed-up batched / one-at-a-time: {ratio:.1f}x "
              f"(target >= {TARGET_SPEEDUP:.0f}x: {'met' if ratio >= TARGET_SPEEDUP else 'NOT met'})"
              f"; outputs differing: {differ}/{len(slow.results)}"
              f"; load average {load0:.1f} -> {os.getloadavg()[0]:.1f}")
        print(f"fast mode --beam 1: {greedy.rate / fast.rate:.1f}x the beam-{BEAM} batched rate "
              f"({greedy.rate:.1f} sent/s)")
    return 0 if ratio >= TARGET_SPEEDUP else 1


if __name__ == "__main__":
    sys.exit(main())
