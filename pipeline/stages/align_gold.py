"""Hand-checked gold alignments and how a predicted alignment is scored against them.

Gold is stored as text (Chinese sentences ⇥ English sentences, ' ‖ ' between the sentences of a
1–n bead), not as segment ids, so it survives changes to numbering. A pair counts as correct only
when both sides match exactly (whitespace aside): a 1–2 bead predicted as 1–1 is wrong.
Verbatim pairs (code, URLs, identical lines) are left out of both sides: they prove nothing.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .align import AlignmentReport

SEPARATOR = " ‖ "
_SPACE = re.compile(r"\s+")

Pair = tuple[str, str]


def _key(text: str) -> str:
    return _SPACE.sub("", text)


def read_gold(path: Path) -> set[Pair]:
    pairs: set[Pair] = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        zh, en = line.split("\t")
        pairs.add((_key(zh.replace(SEPARATOR, "")), _key(en.replace(SEPARATOR, ""))))
    return {p for p in pairs if p[0] != p[1]}


def predicted_pairs(report: AlignmentReport) -> set[Pair]:
    pairs = {(_key(b.source), _key("".join(b.en))) for b in report.beads}
    return {p for p in pairs if p[0] != p[1]}


@dataclass
class Score:
    correct: int
    predicted: int
    gold: int

    @property
    def precision(self) -> float:
        return self.correct / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.correct / self.gold if self.gold else 1.0

    def __add__(self, other: "Score") -> "Score":
        return Score(self.correct + other.correct, self.predicted + other.predicted,
                     self.gold + other.gold)


def score(predicted: set[Pair], gold: set[Pair]) -> Score:
    return Score(len(predicted & gold), len(predicted), len(gold))
