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

import math
import re
from dataclasses import dataclass
from enum import Enum

import numpy as np

from ..model import Segment
from .align_score import chinese_features, english_features, knn_means
from .review import Issue, Kind, Severity

MIN_HAN = 6  # shorter pairs (headings, labels) are too noisy to judge
MISMATCH_GAP = 0.02  # how much better the other pairing must be, in cosine
OUTLIER_Z = -2.5  # robust z-score of the margin below which a pair is an outlier
SHORT_Z = -2.0  # English this much shorter than the file's usual length ratio (robust z) …
OMISSION_Z = -3.0  # … with length and similarity z-scores summing below this: an omission
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
    z = _robust_z(margin)
    # how much shorter than this file's usual English-per-Chinese each English is
    ratios = np.array([math.log((english_features(s.target or "").length + 8)
                                / (chinese_features(s.source).length + 8)) for s in pairs])
    z_len = _robust_z(ratios)
    out: list[MeaningFlag] = []
    for i, seg in enumerate(pairs):
        others = sim[i].copy()
        others[i] = -1
        col = sim[:, i].copy()
        col[i] = -1
        j, k = int(others.argmax()), int(col.argmax())
        if others[j] > own[i] + MISMATCH_GAP and col[k] > own[i] + MISMATCH_GAP:
            out.append(MeaningFlag(seg, MeaningKind.MISMATCH, float(own[i]),
                                   f"the English of {pairs[j].id} fits this Chinese better "
                                   f"({others[j]:.2f} vs {own[i]:.2f})"))
        elif z[i] < OUTLIER_Z:
            out.append(MeaningFlag(seg, MeaningKind.LOW_SIMILARITY, float(own[i]),
                                   f"similarity {own[i]:.2f} is far below this file's pairs "
                                   f"(z = {z[i]:.1f})"))
        elif z_len[i] < SHORT_Z and z_len[i] + z[i] < OMISSION_Z:
            out.append(MeaningFlag(seg, MeaningKind.OMISSION, float(own[i]),
                                   f"the English is much shorter than this file's usual ratio "
                                   f"(z = {z_len[i]:.1f}) and less similar: a clause may be "
                                   f"missing"))
    for flag in out:
        flag.segment.flags.append(flag.kind.flag)
    return out


def _robust_z(values: np.ndarray) -> np.ndarray:
    """(x − median) / (1.4826 · MAD): outliers do not inflate their own yardstick."""
    median = float(np.median(values))
    mad = float(np.median(np.abs(values - median))) * 1.4826 or 1e-6
    return (values - median) / mad


def meaning_issues(flags: list[MeaningFlag]) -> list[Issue]:
    """The flags as review issues, so the review report lists them with the term problems."""
    return [Issue(f.segment.id, Kind.MEANING, f"{f.kind.value}: {f.detail}",
                  severity=Severity.CHECK) for f in flags]

