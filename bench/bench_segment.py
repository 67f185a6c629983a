"""Segmenting 1×, 10× and 100× the sample (~4 MB): target ≤ 10 s at 100×, linear growth."""
from __future__ import annotations

import tempfile
from pathlib import Path

from _util import sample_times, timed

from pipeline.readers import read_document


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        rows = []
        for n in (1, 10, 100):
            path = sample_times(n, Path(tmp))
            seconds = timed(lambda: read_document(path), repeat=3 if n < 100 else 1)
            segments = sum(1 for _ in read_document(path).segments()) if n == 1 else None
            rows.append((n, path.stat().st_size, seconds, segments))
        base = rows[0][2]
        print(f"{'input':>6} {'bytes':>10} {'seconds':>8} {'× 1× time':>10}")
        for n, size, seconds, _ in rows:
            print(f"{n:>5}× {size:>10} {seconds:>8.3f} {seconds / base:>10.1f}")
        hundred = rows[-1][2]
        print(f"100× / 1× = {hundred / base:.0f} (linear would be 100); "
              f"100× in {hundred:.2f} s (target ≤ 10 s): {'OK' if hundred <= 10 else 'SLOW'}")


if __name__ == "__main__":
    main()
