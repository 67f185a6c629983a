"""Translation-memory benches: fuzzy lookup, loading, and `check` on big memories.

1. Fuzzy lookup ms/sentence at 1k, 10k, 100k units (index: length window + rapidfuzz), against a
   full rapidfuzz scan and, at 1k, the difflib scan bitext used before. Target: milliseconds at
   100k.
2. Loading a TMX (streaming): time and peak memory at 1k, 10k, 100k units (1M with --full).
3. Loading with duplicate sources at 10k, 20k, 40k units: must grow linearly (was 2.2/7.1/23.4 s).
4. `bitext check` on a TMX at 1×, 10×, 100× (1k/10k/100k units; 1M with --full): time and peak
   memory.

    python bench/bench_tm.py [--full]

Times are CPU seconds (process time), so a busy machine does not distort the ratios.
"""
from __future__ import annotations

import json
import random
import subprocess
import sys
import tempfile
import time
from difflib import SequenceMatcher
from pathlib import Path
from xml.sax.saxutils import escape

from _util import ROOT, SAMPLE

from pipeline.memory.store import TranslationMemory, tm_key, tm_keys
from pipeline.memory.units import TMUnit

HAN = ("的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动"
       "同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自"
       "二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日"
       "那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变"
       "条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总"
       "次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指"
       "几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造百规热领七海口东导器"
       "压志世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单风切打白教速花带安"
       "场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今集"
       "温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连"
       "断深难近矿千周委素技备半办青省列习响约支般史感劳便团往酸历市克何除消构府称太准精"
       "值号率族维划选标写存候毛亲快效斯院查江型眼王按格养易置派层片始却专状育厂京识适属"
       "圆包火住调满县局照参红细引听该铁价严")


def corpus(n: int, seed: int = 1) -> list[str]:
    """n distinct Chinese sentences shaped like the sample's (its sentences, mutated)."""
    from pipeline.readers import read_document

    base = [s.source for s in read_document(SAMPLE).segments() if len(s.source) >= 6]
    rng = random.Random(seed)
    out: dict[str, None] = {}
    while len(out) < n:
        s = list(rng.choice(base))
        for _ in range(rng.randint(2, max(3, len(s) // 4))):
            s[rng.randrange(len(s))] = rng.choice(HAN)
        out["".join(s) + str(rng.randint(0, 99))] = None
    return list(out)


def queries(memory: list[str], n: int = 100, seed: int = 2) -> list[str]:
    """Half near-copies of memory units (a fuzzy hit exists), half new sentences."""
    rng = random.Random(seed)
    near = [s[:-3] + rng.choice(HAN) + s[-2:] for s in rng.sample(memory, n // 2)]
    return near + corpus(n - n // 2, seed=seed + 10)


def bench_lookup() -> None:
    from rapidfuzz import fuzz, process

    print("fuzzy lookup (CPU ms per sentence, mean of 100 sentences; half have a hit)")
    for n in (1_000, 10_000, 100_000):
        sources = corpus(n)
        tm = TranslationMemory()
        keys = tm_keys(sources)
        for i, (s, k) in enumerate(zip(sources, keys)):
            tm.add(TMUnit(s, f"English {i}."), key=k)
        qs = queries(sources)
        for q in qs:
            tm_key(q)  # keys are cached: time the lookup, not OpenCC
        start = time.process_time()
        tm.fuzzy(qs[0])
        build = time.process_time() - start
        start = time.process_time()
        hits = sum(1 for q in qs if tm.fuzzy(q))
        indexed = (time.process_time() - start) / len(qs) * 1000
        start = time.process_time()
        for q in qs[:20]:
            process.extract(tm_key(q), keys, scorer=fuzz.ratio, score_cutoff=85, limit=3)
        full = (time.process_time() - start) / 20 * 1000
        line = (f"  {n:>7} units: indexed {indexed:7.2f} ms  (index built in {build:.2f} s, "
                f"{hits}/{len(qs)} with a suggestion); full rapidfuzz scan {full:7.2f} ms "
                f"({full / indexed:.1f}× slower)")
        if n == 1_000:
            start = time.process_time()
            for q in qs[:10]:
                k = tm_key(q)
                [SequenceMatcher(None, k, u, autojunk=False).ratio() for u in keys]
            old = (time.process_time() - start) / 10 * 1000
            line += f"; difflib scan (before) {old:.1f} ms"
        print(line, flush=True)


def write_tmx(path: Path, sources: list[str], dup: bool = False) -> None:
    """An OmegaT-shaped TMX 1.4; with dup, every unit has the same Chinese."""
    with path.open("w", encoding="utf-8") as fh:
        fh.write('<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4">\n  <header '
                 'creationtool="OmegaT" segtype="sentence" srclang="zh-CN" o-tmf="OmegaT TMX" '
                 'adminlang="EN-US" datatype="plaintext"/>\n  <body>\n')
        for i, s in enumerate(sources):
            zh = escape(sources[0] if dup else s)
            fh.write(f'    <tu>\n      <tuv xml:lang="zh-CN">\n        <seg>{zh}</seg>\n      '
                     f'</tuv>\n      <tuv xml:lang="en-US" changedate="2024{i % 12 + 1:02d}01T'
                     f'000000Z" changeid="t">\n        <seg>English sentence number {i}.</seg>\n'
                     f'      </tuv>\n    </tu>\n')
        fh.write("  </body>\n</tmx>\n")


LOAD = """
import json, sys, time
from pathlib import Path
from pipeline.memory.store import load_memory
start = time.process_time()
tm = load_memory(Path(%r))
r = tm.reports[%r]
print(json.dumps(dict(seconds=time.process_time() - start, used=r.used,
                      dups=len(r.duplicates))))
"""


def child(code: str) -> dict:
    """Run `code` in a fresh interpreter under /usr/bin/time: its JSON line plus peak_mb (the
    child's own peak: a forked child's getrusage would inherit this process's, with its corpus)."""
    proc = subprocess.run(["/usr/bin/time", "-f", "%M", sys.executable, "-c",
                           f"import sys; sys.path.insert(0, {str(ROOT)!r})\n" + code],
                          capture_output=True, text=True, cwd=ROOT, check=True)
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    result["peak_mb"] = int(proc.stderr.strip().splitlines()[-1]) / 1024
    return result


def bench_load(tmp: Path, sizes: tuple[int, ...]) -> None:
    print("loading a TMX (fresh process: CPU seconds, peak MB)")
    for n in sizes:
        path = tmp / f"m{n}.tmx"
        write_tmx(path, corpus(n))
        r = child(LOAD % (str(path), str(path)))
        mb = path.stat().st_size / 2**20
        print(f"  {n:>8} units ({mb:6.1f} MB file): {r['seconds']:6.2f} s, peak "
              f"{r['peak_mb']:6.0f} MB, {r['used']} used", flush=True)
    print("loading with duplicate sources (all units share one Chinese sentence)")
    base = None
    for n in (10_000, 20_000, 40_000):
        path = tmp / f"d{n}.tmx"
        write_tmx(path, corpus(n, seed=5), dup=True)
        r = child(LOAD % (str(path), str(path)))
        base = base or r["seconds"]
        print(f"  {n:>8} units: {r['seconds']:6.2f} s ({r['seconds'] / base:.1f}× the 10k "
              f"time), {r['dups']} conflicting duplicates reported", flush=True)


def bench_check(tmp: Path, sizes: tuple[int, ...]) -> None:
    print("bitext check on a TMX (CPU seconds, peak MB of the process)")
    for n in sizes:
        path = tmp / f"c{n}.tmx"
        write_tmx(path, corpus(n, seed=9))
        start = time.perf_counter()
        proc = subprocess.run(["/usr/bin/time", "-f", "%M %U %S", sys.executable, "-m",
                               "pipeline", "check", str(path), "-o", str(tmp / "rev"), "-q"],
                              capture_output=True, text=True, cwd=ROOT)
        wall = time.perf_counter() - start
        kb, user, system = proc.stderr.strip().splitlines()[-1].split()
        print(f"  {n // 1000:>4}× ({n:>7} units): {float(user) + float(system):6.1f} CPU s "
              f"({wall:.1f} s wall), peak {int(kb) / 1024:6.0f} MB, exit {proc.returncode}",
              flush=True)


def main() -> None:
    full = "--full" in sys.argv
    bench_lookup()
    with tempfile.TemporaryDirectory() as tmp:
        bench_load(Path(tmp), (1_000, 10_000, 100_000) + ((1_000_000,) if full else ()))
        bench_check(Path(tmp), (1_000, 10_000, 100_000) + ((1_000_000,) if full else ()))


if __name__ == "__main__":
    main()
