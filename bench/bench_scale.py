"""The whole TM-only pipeline (read → segment → TM → check → all writers) at 1×, 10×, 100× the
sample, each in a fresh process: time and peak memory. Targets: 100× ≤ 120× the 1× time,
100× under 1 GB; the plain sample run ≤ 2 s wall and ≤ 200 MB.
"""
from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _util import ROOT, SAMPLE, child, sample_times

RUN = """
import time
from pathlib import Path
from pipeline.glossary.matcher import TermMatcher
from pipeline.glossary.termbase import load_glossary
from pipeline.run import load_tm, translate_file
start = time.perf_counter()
glossary = load_glossary([Path('glossary/ai-terms.tsv')])
result = translate_file(Path(%r), Path(%r), glossary=glossary, matcher=TermMatcher(glossary),
                        tm=load_tm([Path(%r)]), engine=None)
RESULT = dict(seconds=time.perf_counter() - start, segments=sum(result.summary.origins.values()),
              tm=result.summary.origins['tm'])
"""


def main() -> None:
    tmx = SAMPLE.with_suffix(".tmx")
    with tempfile.TemporaryDirectory() as tmp:
        rows = []
        for n in (1, 10, 100):
            path = sample_times(n, Path(tmp))
            rows.append((n, child(RUN % (str(path), str(Path(tmp) / f"out{n}"), str(tmx)))))
        # the README's command, end to end, as a user runs it
        start = time.perf_counter()
        proc = subprocess.run(["/usr/bin/time", "-f", "%M", sys.executable, "-m", "pipeline",
                               "translate", str(SAMPLE), "-o", str(Path(tmp) / "cli"), "-q"],
                              capture_output=True, text=True, cwd=ROOT)
        wall = time.perf_counter() - start
        cli_mb = int(proc.stderr.strip().splitlines()[-1]) / 1024  # GNU time's %M, in KB
    base = rows[0][1]["seconds"]
    print(f"{'input':>6} {'segments':>9} {'tm hits':>8} {'seconds':>8} {'× 1×':>6} {'peak MB':>8}")
    for n, r in rows:
        print(f"{n:>5}× {r['segments']:>9} {r['tm']:>8} {r['seconds']:>8.2f} "
              f"{r['seconds'] / base:>6.1f} {r['peak_mb']:>8.0f}")
    ratio = rows[-1][1]["seconds"] / base
    print(f"100×/1× time = {ratio:.0f} (target ≤ 120): {'OK' if ratio <= 120 else 'NOT LINEAR'}; "
          f"100× peak {rows[-1][1]['peak_mb']:.0f} MB (target < 1024): "
          f"{'OK' if rows[-1][1]['peak_mb'] < 1024 else 'TOO BIG'}")
    print(f"`bitext translate input/o1-roundtable.md` (TM only): {wall:.2f} s wall, {cli_mb:.0f} MB "
          f"peak (targets ≤ 2 s, ≤ 200 MB): {'OK' if wall <= 2 and cli_mb <= 200 else 'MISSED'}")


if __name__ == "__main__":
    main()
