"""The meaning check (`--meaning`) on clean human pairs vs errors planted in them.

The clean pairs are the hand-checked gold of tests/fixtures/align (verbatim pairs left out).
For each document and each kind of error, a copy gets errors planted in every 5th pair:
  swap      two pairs exchange their English (a sentence paired with the wrong translation)
  omission  the English loses its longest clause (a dropped clause)
  foreign   the English is replaced by a sentence from another document (says something else)
Printed: share of planted errors flagged (recall) and share of untouched pairs flagged (false
positives), per kind and overall.
"""
from __future__ import annotations

import re
import tempfile
from pathlib import Path

from _util import ROOT

from pipeline.embeddings import load_embedder
from pipeline.model import Segment
from pipeline.stages.meaning import check_meaning

FIXTURES = ROOT / "tests" / "fixtures" / "align"
EVERY = 5


def gold(folder: Path) -> list[Segment]:
    out = []
    for n, line in enumerate((folder / "gold.tsv").read_text(encoding="utf-8").splitlines()):
        if line.startswith("#"):
            continue
        zh, en = (x.replace(" ‖ ", "") if i == 0 else x.replace(" ‖ ", " ")
                  for i, x in enumerate(line.split("\t")))
        if re.sub(r"\s", "", zh) != re.sub(r"\s", "", en):
            out.append(Segment(id=f"{folder.name}:{n}", source=zh, target=en))
    return out


def drop_clause(text: str) -> str | None:
    clauses = re.split(r"(?<=[,;:])\s+|\s+(?=(?:and|while|which|but|so)\s)", text)
    if len(clauses) < 2:
        return None
    longest = max(clauses, key=len)
    if len(longest) < 0.3 * len(text):
        return None
    return " ".join(c for c in clauses if c is not longest)


def plant(segments: list[Segment], kind: str, donor: list[str]) -> set[str]:
    planted: set[str] = set()
    for i in range(2, len(segments), EVERY):
        seg = segments[i]
        if kind == "swap" and i + 2 < len(segments):
            other = segments[i + 2]
            seg.target, other.target = other.target, seg.target
            planted |= {seg.id, other.id}
        elif kind == "omission":
            cut = drop_clause(seg.target or "")
            if cut:
                seg.target = cut
                planted.add(seg.id)
        elif kind == "foreign":
            seg.target = donor[i % len(donor)]
            planted.add(seg.id)
    return planted


def main() -> None:
    folders = sorted(p for p in FIXTURES.iterdir() if (p / "gold.tsv").is_file())
    with tempfile.TemporaryDirectory() as tmp:
        embedder = load_embedder(cache=str(Path(tmp) / "e.sqlite"))
        clean_flagged = clean_total = 0
        for folder in folders:
            segments = gold(folder)
            flagged = check_meaning(segments, embedder)
            clean_flagged += len(flagged)
            clean_total += len(segments)
        print(f"clean human pairs: {clean_flagged}/{clean_total} flagged "
              f"(false-positive rate {clean_flagged / clean_total:.3f})")
        all_hit = all_planted = 0
        for kind in ("swap", "omission", "foreign"):
            hit = planted_n = fp = untouched = 0
            for k, folder in enumerate(folders):
                segments = gold(folder)
                donor = [s.target or "" for s in gold(folders[(k + 1) % len(folders)])]
                planted = plant(segments, kind, donor)
                flagged = {f.segment.id for f in check_meaning(segments, embedder)}
                hit += len(planted & flagged)
                planted_n += len(planted)
                fp += len(flagged - planted)
                untouched += len(segments) - len(planted)
            all_hit += hit
            all_planted += planted_n
            print(f"{kind:<9} planted {planted_n:>3}: flagged {hit / planted_n:.3f}; "
                  f"untouched pairs flagged {fp}/{untouched} ({fp / untouched:.3f})")
        print(f"overall: {all_hit}/{all_planted} planted errors flagged "
              f"({all_hit / all_planted:.3f})")


if __name__ == "__main__":
    main()
