"""Benchmark: one sentence per call (argostranslate's way) vs batched CTranslate2 translation.

Builds a Transformer-base-sized Argos package with random weights (tests/argos_fixture.py),
translates the sample article's sentences with beam 4 and a fixed output length of 48 tokens
(random weights never stop early, and min = max length makes every output the same length,
so the legs do identical work), and prints sentences/s per leg, the speed-up and peak RSS.

    python bench/bench_engine.py [--sentences 400] [--single 96] [--no-extra]

The article yields ~280 sentences. To stay under ~5 minutes on 2 cores, the slow legs
(one at a time; batched with a single replica) run on the first `--single` sentences only;
`--single 0` runs them on all.

Timings are ratios within one run: the machine is shared and noisy.
"""
from __future__ import annotations

import argparse
import gc
import multiprocessing
import os
import re
import sys
import tempfile
import time
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
_MARKUP = re.compile(r"\*\*|__|^#+\s*|^[*>+-]\s+|<br\s*/?>")


def article_sentences(limit: int) -> list[str]:
    """Crude sentence split on 。！？ — enough for timing, not the pipeline's segmenter."""
    out: list[str] = []
    for line in ARTICLE.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith(("!", "[")):
            continue
        line = _MARKUP.sub("", line).strip()
        if re.fullmatch(r"[-=]*", line):
            continue
        for sentence in re.split(r"(?<=[。！？])", line):
            sentence = sentence.strip()
            if len(_CJK.findall(sentence)) >= 6:
                out.append(sentence)
    return out[:limit]


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


def _leg(name: str, fn: Callable[[list[str]], list], texts: list[str]) -> tuple[float, float, list]:
    own_peak = _reset_peak()
    start = time.perf_counter()
    results = fn(texts)
    elapsed = time.perf_counter() - start
    rate = len(texts) / elapsed
    peak = _rss_mb("VmHWM")
    print(f"  {name:<34} {len(texts):4d} sent  {elapsed:7.1f} s  {rate:6.2f} sent/s  "
          f"peak RSS {peak:6.0f} MB{'' if own_peak else ' (process peak)'}", flush=True)
    return rate, peak, results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sentences", type=int, default=400, help="at most this many (default 400)")
    parser.add_argument("--single", type=int, default=96,
                        help="slow legs on the first N sentences only (default 96; 0 = all)")
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
        engine.translate(texts[:4])  # warm-up
        print(f"engine: {engine.device} {engine.compute_type}, {engine.inter_threads} replica(s), "
              f"{os.cpu_count()} cores; loaded RSS {_rss_mb('VmRSS'):.0f} MB")
        print(f"{len(texts)} sentences from {ARTICLE.name}, beam {BEAM}, "
              f"every output {DECODE_LEN} tokens")
        if len(single) < len(texts):
            print(f"  (slow legs use the first {len(single)} sentences only, to bound the runtime)")

        slow, _, single_out = _leg("one at a time", engine.translate_one_at_a_time, single)
        fast, peak, batched_out = _leg(f"batched ({BATCH}/call)", engine.translate, texts)
        del engine  # free its replicas before loading the next engine
        gc.collect()
        if not args.no_extra:
            one = CTranslate2Engine(pkg, **options, inter_threads=1)
            one.load()
            _leg(f"batched ({BATCH}/call), 1 replica", one.translate, single)
        differ = sum(a.text != b.text for a, b in zip(batched_out, single_out))
        ratio = fast / slow
        print(f"speed-up batched / one-at-a-time: {ratio:.1f}x "
              f"(target >= {TARGET_SPEEDUP:.0f}x: {'met' if ratio >= TARGET_SPEEDUP else 'NOT met'}); "
              f"outputs differing: {differ}/{len(single_out)}; "
              f"peak RSS batched {peak:.0f} MB")
    return 0 if ratio >= TARGET_SPEEDUP else 1


if __name__ == "__main__":
    sys.exit(main())
