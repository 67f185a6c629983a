"""Shared bench helpers: timing, peak memory in a child process, the sample at N×."""
from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "input" / "o1-roundtable.md"
sys.path.insert(0, str(ROOT))


def sample_times(n: int, folder: Path) -> Path:
    """The sample concatenated n times (a long transcript with repeated sections)."""
    path = folder / f"sample-{n}x.md"
    if not path.exists():
        text = SAMPLE.read_text(encoding="utf-8")
        path.write_text("\n\n".join([text] * n), encoding="utf-8")
    return path


def timed(fn, repeat: int = 3) -> float:  # noqa: ANN001
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def child(code: str) -> dict:
    """Run `code` in a fresh interpreter; it must print one JSON line. Adds peak RSS (MB)."""
    wrapper = ("import json, resource, sys; sys.path.insert(0, %r)\n" % str(ROOT)) + code + (
        "\nprint(json.dumps(dict(RESULT, peak_mb=resource.getrusage(resource.RUSAGE_SELF)"
        ".ru_maxrss / 1024)))")
    out = subprocess.run([sys.executable, "-c", wrapper], capture_output=True, text=True,
                         check=True, cwd=ROOT)
    return json.loads(out.stdout.strip().splitlines()[-1])
