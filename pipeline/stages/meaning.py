"""The meaning check (`--meaning`): does each segment's English say what its Chinese says?

Cross-lingual embeddings of every pair in a bilingual file, judged against the file itself,
never against a fixed cosine (e5 cosines sit in a narrow band):

* mismatch — another segment's English fits this Chinese clearly better *and* this English fits
  another Chinese clearly better: a swapped or misplaced translation;
* low similarity — the pair's margin over its neighbours is a low outlier among the file's
  pairs (robust z-score): an English that says something else;
* omission — the English is far shorter than the Chinese predicts *and* less similar than usual:
  a dropped clause.

Opt-in because it loads the embedding model; `translate` never imports this module.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

import numpy as np

from ..model import Segment
from .align_score import chinese_features, english_features, knn_means
from .review import Issue

MIN_HAN = 6  # shorter pairs (headings, labels) are too noisy to judge
MISMATCH_GAP = 0.02  # how much better the other pairing must be, in cosine
OUTLIER_Z = -2.5  # robust z-score of the margin below which a pair is an outlier
SHORT_RATIO = 0.55  # English shorter than this share of its expected length …
SHORT_Z = -1.0  # … and less similar than usual: an omission
_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


class MeaningKind(str, Enum):
    MISMATCH = "mismatch"
    LOW_SIMILARITY = "low-similarity"
    OMISSION = "omission"

    @property
    def flag(self) -> str:
        return f"meaning:{self.value}"


@dataclass
class MeaningFlag:
    segment: Segment
    kind: MeaningKind
    cosine: float
    detail: str


def _checkable(seg: Segment) -> bool:
    return bool(seg.target and seg.target.strip()) and len(_HAN.findall(seg.source)) >= MIN_HAN


def check_meaning(segments: list[Segment], embedder) -> list[MeaningFlag]:  # noqa: ANN001
    """Flags for outlying pairs; also writes `meaning:<kind>` onto the segments' flags."""
    pairs = [s for s in segments if _checkable(s)]
    for seg in segments:
        seg.flags = [f for f in seg.flags if not f.startswith("meaning:")]
    if len(pairs) < 3:
        return []
    vz = embedder.embed([s.source for s in pairs])
    ve = embedder.embed([s.target or "" for s in pairs])
    sim = vz @ ve.T
    own = np.diag(sim).copy()
    kz, ke = knn_means(sim)
    margin = own - (kz + ke) / 2
    median = float(np.median(margin))
    mad = float(np.median(np.abs(margin - median))) * 1.4826 or 1e-6
    z = (margin - median) / mad
    out: list[MeaningFlag] = []
    for i, seg in enumerate(pairs):
        others = sim[i].copy()
        others[i] = -1
        col = sim[:, i].copy()
        col[i] = -1
        j, k = int(others.argmax()), int(col.argmax())
        zh, en = chinese_features(seg.source), english_features(seg.target or "")
        ratio = (en.length + 8) / (zh.length + 8)
        if others[j] > own[i] + MISMATCH_GAP and col[k] > own[i] + MISMATCH_GAP:
            out.append(MeaningFlag(seg, MeaningKind.MISMATCH, float(own[i]),
                                   f"the English of {pairs[j].id} fits this Chinese better "
                                   f"({others[j]:.2f} vs {own[i]:.2f})"))
        elif z[i] < OUTLIER_Z:
            out.append(MeaningFlag(seg, MeaningKind.LOW_SIMILARITY, float(own[i]),
                                   f"similarity {own[i]:.2f} is far below this file's pairs "
                                   f"(z = {z[i]:.1f})"))
        elif ratio < SHORT_RATIO and z[i] < SHORT_Z:
            out.append(MeaningFlag(seg, MeaningKind.OMISSION, float(own[i]),
                                   f"the English is {ratio:.0%} of the expected length and less "
                                   f"similar than usual: a clause may be missing"))
    for flag in out:
        flag.segment.flags.append(flag.kind.flag)
    return out


def meaning_issues(flags: list[MeaningFlag]) -> list[Issue]:
    """The flags as review issues, so the review report lists them with the term problems."""
    return [Issue(f.segment.id, f"meaning:{f.kind.value}", f.detail) for f in flags]

