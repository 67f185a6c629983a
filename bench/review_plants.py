"""Plant review errors into copies of clean dev pairs, deterministically, and record where.

Run it to (re)write tests/fixtures/review_dev/planted.tsv:

    python bench/review_plants.py

Each plant copies one dev pair whose human translation the review leaves clean and changes its
English the way real translations go wrong. The kinds are the ones issue 11 lists:

- forbidden: the preferred rendering of a term replaced by a rendering the glossary forbids
- loose: the rendering replaced by a look-alike word the old loose matcher accepted
  (quantification, reason, general, computers…)
- number: a number's value changed; magnitude: the same digits with the wrong magnitude word
- swapped: two numbers exchanged
- han: a term left in Chinese
- lost-name: a Latin model or product name replaced by "the model"
- repeat: a term that occurs twice rendered once (the second rendering replaced by a
  paraphrase that is not a pronoun)

Pairs are visited in file order and every kind takes at most `PER_KIND` plants, spread over the
file by taking every `STRIDE`-th candidate (every one where a kind has few), so the choice is reproducible and not hand-picked.
"""
from __future__ import annotations

import csv
import re
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.glossary.matcher import TermMatcher, find_renderings  # noqa: E402
from pipeline.glossary.senses import STRONG  # noqa: E402
from pipeline.glossary.termbase import load_glossary  # noqa: E402
from pipeline.model import Segment  # noqa: E402
from pipeline.review.scope import mask  # noqa: E402
from pipeline.stages.review import Issue, review_segments  # noqa: E402

DEV = ROOT / "tests" / "fixtures" / "review_dev" / "dev.tsv"
PLANTED = ROOT / "tests" / "fixtures" / "review_dev" / "planted.tsv"
PER_KIND = 8
STRIDE = 2
LOOSE = {"quantization": "quantification", "reasoning": "reason", "generalization": "general",
         "compute": "computers", "fine-tuning": "fine-tuner", "pre-training": "pre-trainer",
         "inference": "inferential", "evaluation": "evaluative",
         "dataset": "datasheet", "model": "modeler", "large language model": "large language modeler"}
_NUMBER = re.compile(r"(?<![A-Za-z0-9.\-])(\d+(?:,\d{3})*(?:\.\d+)?)(?![0-9A-Za-z])")
_NAME = re.compile(r"(?<![A-Za-z0-9\[/])([A-Z][A-Za-z]*(?:[-.][A-Za-z0-9]+)*-?\d[A-Za-z0-9.\-]*)"
                   r"(?![A-Za-z0-9\]/])")


def read_pairs(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def segments(rows: list[dict[str, str]]) -> list[Segment]:
    return [Segment(id=r["id"], source=r["zh"], target=r["en"]) for r in rows]


def _term_spans(matcher: TermMatcher, zh: str, en: str, strong: bool = True):
    """(match, rendering span) for terms rendered in the English, in order."""
    out = []
    for m in matcher.find(mask(zh)):
        if strong and m.decided not in STRONG:
            continue
        spans = find_renderings(mask(en), m.entry)
        if spans:
            out.append((m, spans))
    return out


def _replace(text: str, span: tuple[int, int], new: str) -> str:
    return text[:span[0]] + new + text[span[1]:]


def plant_forbidden(matcher, zh, en):  # noqa: ANN001, ANN201
    for m, spans in _term_spans(matcher, zh, en):
        if m.entry.forbidden and en[spans[0][0]:spans[0][1]].lower() == m.entry.target.lower():
            bad = m.entry.forbidden[0]
            return _replace(en, spans[0], bad), f"{m.entry.target} → {bad}"
    return None


def plant_loose(matcher, zh, en):  # noqa: ANN001, ANN201
    for m, spans in _term_spans(matcher, zh, en):
        surface = en[spans[0][0]:spans[0][1]]
        loose = LOOSE.get(surface.lower())
        if loose:
            return _replace(en, spans[0], loose), f"{surface} → {loose}"
    return None


def plant_han(matcher, zh, en):  # noqa: ANN001, ANN201
    for m, spans in _term_spans(matcher, zh, en):
        if not m.form.isascii():
            return _replace(en, spans[0], m.form), f"{en[spans[0][0]:spans[0][1]]} → {m.form}"
    return None


def _numbers(en: str) -> list[re.Match]:
    masked = mask(en)
    return [m for m in _NUMBER.finditer(masked)]


def plant_number(matcher, zh, en):  # noqa: ANN001, ANN201
    nums = _numbers(en)
    if not nums or not re.search(r"\d", zh):
        return None
    m = nums[0]
    value = m.group(1)
    new = str(int(float(value.replace(",", ""))) + 1) if "." not in value else value + "1"
    return _replace(en, m.span(1), new), f"{value} → {new}"


def plant_magnitude(matcher, zh, en):  # noqa: ANN001, ANN201
    words = {"billion": "million", "million": "billion", "trillion": "billion"}
    for word, other in words.items():
        hit = re.search(rf"\b{word}\b", en)
        if hit:
            return _replace(en, hit.span(), other), f"{word} → {other}"
    for m in _numbers(en):
        value = float(m.group(1).replace(",", ""))
        if value >= 1000 and value == int(value):
            mantissa = f"{value / 1000:g}"
            return _replace(en, m.span(1), f"{mantissa} million"), \
                f"{m.group(1)} → {mantissa} million"
    return None


def plant_swapped(matcher, zh, en):  # noqa: ANN001, ANN201
    nums = [m for m in _numbers(en)]
    for i, a in enumerate(nums):
        for b in nums[i + 1:]:
            if float(a.group(1).replace(",", "")) != float(b.group(1).replace(",", "")):
                text = en[:a.start(1)] + b.group(1) + en[a.end(1):b.start(1)] + a.group(1) \
                    + en[b.end(1):]
                return text, f"{a.group(1)} ⇄ {b.group(1)}"
    return None


def plant_lost_name(matcher, zh, en):  # noqa: ANN001, ANN201
    masked = mask(en)
    for m in _NAME.finditer(masked):
        name = m.group(1)
        if name in zh:
            return _replace(en, m.span(1), "the model"), f"{name} → the model"
    return None


def plant_repeat(matcher, zh, en):  # noqa: ANN001, ANN201
    for m, spans in _term_spans(matcher, zh, en):
        same = [x for x in matcher.find(mask(zh)) if x.entry.id == m.entry.id]
        if len(same) >= 2 and len(spans) >= 2:
            return _replace(en, spans[1], "the process"), \
                f"second {en[spans[1][0]:spans[1][1]]} → the process"
    return None


PLANTERS: dict[str, Callable] = {
    "forbidden": plant_forbidden, "loose": plant_loose, "number": plant_number,
    "magnitude": plant_magnitude, "swapped": plant_swapped, "han": plant_han,
    "lost-name": plant_lost_name, "repeat": plant_repeat,
}


def document_of(row_id: str) -> str:
    """minicpm1-017 → minicpm1: the source document, the unit a sense default is made for."""
    return row_id.split("~")[0].rsplit("-", 1)[0]


def review_by_document(rows: list[dict[str, str]], matcher: TermMatcher) -> list[Issue]:
    """Each source document reviewed on its own, as `bitext check` would see it."""
    documents: dict[str, list[dict[str, str]]] = {}
    for r in rows:
        documents.setdefault(document_of(r["id"]), []).append(r)
    return [i for doc in documents.values() for i in review_segments(segments(doc), matcher).issues]


def clean_rows(rows: list[dict[str, str]], matcher: TermMatcher) -> list[dict[str, str]]:
    """Dev pairs the review leaves clean: plants go only into these."""
    flagged = {i.segment for i in review_by_document(rows, matcher)}
    return [r for r in rows if r["id"] not in flagged]


def plant(rows: list[dict[str, str]], matcher: TermMatcher) -> list[dict[str, str]]:
    out: list[dict[str, str]] = []
    for kind, planter in PLANTERS.items():
        candidates = []
        for r in clean_rows(rows, matcher):
            result = planter(matcher, r["zh"], r["en"])
            if result and result[0] != r["en"]:
                candidates.append((r, result))
        stride = STRIDE if len(candidates) >= PER_KIND * STRIDE else 1  # scarce kinds: take all
        for r, (en, change) in candidates[::stride][:PER_KIND]:
            out.append({"id": f"{r['id']}~{kind}", "original": r["id"], "kind": kind,
                        "zh": r["zh"], "en": en, "change": change})
    return out


def write_planted(planted: list[dict[str, str]], path: Path = PLANTED) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, ["id", "original", "kind", "change", "zh", "en"],
                                delimiter="\t", lineterminator="\n")
        writer.writeheader()
        writer.writerows(planted)


def main() -> None:
    matcher = TermMatcher(load_glossary())
    planted = plant(read_pairs(DEV), matcher)
    write_planted(planted)
    kinds: dict[str, int] = {}
    for p in planted:
        kinds[p["kind"]] = kinds.get(p["kind"], 0) + 1
    print(f"{len(planted)} planted errors → {PLANTED.relative_to(ROOT)}: "
          + ", ".join(f"{k} {n}" for k, n in kinds.items()))


if __name__ == "__main__":
    main()
