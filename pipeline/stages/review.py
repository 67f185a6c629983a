"""The term-consistency review: what `bitext check` reports and the translate run embeds.

One function decides whether a segment's English honours the glossary (`segment_issues`), so the
translate stage, the TM test and `bitext check` can never disagree.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..glossary.matcher import Match, TermMatcher, find_english
from ..model import Segment

_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9.\-]*[A-Za-z0-9]|[0-9]")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august",
           "september", "october", "november", "december"]
_WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
          "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
          "eighteen", "nineteen", "twenty"]
_MULTIPLES = {2: ["double", "twice", "twofold"], 3: ["triple", "threefold"], 10: ["tenfold"]}

ERROR_KINDS = ("missing", "forbidden", "inconsistent", "han", "number", "untranslated")


@dataclass
class Issue:
    segment: str
    kind: str  # one of ERROR_KINDS
    message: str
    term: str | None = None


@dataclass
class TermUsage:
    term_id: str
    source: str
    target: str
    occurrences: int = 0
    renderings: dict[str, int] = field(default_factory=dict)
    to_fix: list[str] = field(default_factory=list)


@dataclass
class Review:
    issues: list[Issue] = field(default_factory=list)
    terms: dict[str, TermUsage] = field(default_factory=dict)
    segments: int = 0

    @property
    def clean(self) -> bool:
        return not self.issues


def _number_present(number: str, source: str, end: int, target: str) -> bool:
    target_numbers = _NUMBER.findall(target)
    if number in target_numbers:
        return True
    low = target.lower()
    after = source[end:end + 2].strip()
    if number.isdigit():
        n = int(number)
        if after.startswith("月") and 1 <= n <= 12 and _MONTHS[n - 1] in low:
            return True
        if after.startswith("年") and len(number) == 2 and any(
                t.endswith(number) and len(t) == 4 for t in target_numbers):
            return True
        words = ([_WORDS[n]] if n < len(_WORDS) else []) + _MULTIPLES.get(n, [])
        if any(re.search(rf"\b{w}", low) for w in words):
            return True
    return False


def _token_issues(seg: Segment, target: str) -> list[Issue]:
    issues = []
    for m in _TOKEN.finditer(seg.source):
        token = m.group(0)
        if not re.search(r"\d", token):
            continue
        if re.search(rf"(?<![A-Za-z0-9]){re.escape(token)}s?(?![A-Za-z0-9])", target, re.I):
            continue
        numbers = _NUMBER.findall(token)
        if token.replace(".", "").isdigit() or re.fullmatch(r"[\d.\-–~]+[KkMmBb%]?", token):
            if all(_number_present(n, seg.source, m.end(), target) for n in numbers):
                continue
        issues.append(Issue(seg.id, "number", f"'{token}' from the source is missing in the "
                                              f"English"))
    return issues


def forbidden_hits(target: str, matches: list[Match]) -> list[tuple[Match, str, tuple[int, int]]]:
    """Forbidden renderings present in `target`, each once per term occurrence.

    A forbidden word inside another term's preferred rendering is legitimate there
    ("reasoning model" beside 推理侧 → "inference side").
    """
    claimed = [span for m in matches for span in find_english(target, m.entry.target)]
    hits = []
    seen: set[tuple[str, str]] = set()
    for m in matches:
        for bad in m.entry.forbidden:
            if (m.entry.id, bad) in seen:
                continue
            seen.add((m.entry.id, bad))
            for x, y in find_english(target, bad, inflect=False):
                if not any(a <= x and y <= b for a, b in claimed):
                    hits.append((m, bad, (x, y)))
    return hits


def segment_issues(seg: Segment, matcher: TermMatcher, *, usage: dict[str, TermUsage] | None = None
                   ) -> list[Issue]:
    """Everything wrong with one segment's English; records renderings into `usage`."""
    if seg.target is None or not seg.target.strip():
        return [Issue(seg.id, "untranslated", "no English for this segment")]
    target = seg.target
    issues: list[Issue] = []
    matches = matcher.find(seg.source)
    for m, bad, _ in forbidden_hits(target, matches):
        issues.append(Issue(seg.id, "forbidden", f"forbidden rendering '{bad}' for '{m.form}' "
                                                 f"(use '{m.entry.target}')", m.entry.id))
    for m in matches:
        entry = m.entry
        found = find_english(target, entry.target)
        if usage is not None:
            u = usage.setdefault(entry.id, TermUsage(entry.id, entry.sources[0], entry.target))
            u.occurrences += 1
            for a, b in found:
                surface = target[a:b]
                u.renderings[surface] = u.renderings.get(surface, 0) + 1
            if not found:
                u.renderings["(missing)"] = u.renderings.get("(missing)", 0) + 1
                u.to_fix.append(seg.id)
        if not found:
            issues.append(Issue(seg.id, "missing", f"'{m.form}' should be rendered "
                                                   f"'{entry.target}'", entry.id))
    if _HAN.search(target):
        issues.append(Issue(seg.id, "han", "Chinese characters left in the English"))
    issues.extend(_token_issues(seg, target))
    return issues


def _canonical(surface: str) -> str:
    """Spelling that matters for a name: case and letters, not spacing or a plural s."""
    return re.sub(r"(?:'s|s)$", "", re.sub(r"[\s\-]+", " ", surface))


def review_segments(segments: list[Segment], matcher: TermMatcher) -> Review:
    """Per-segment issues, plus names and keep-as-is terms spelled differently across segments.

    Concept renderings are already pinned to the preferred English (inflections allowed), so
    only spelling and case of fixed names can still drift ("GPT-4o" vs "GPT-4O").
    """
    review = Review(segments=len(segments))
    for seg in segments:
        review.issues.extend(segment_issues(seg, matcher, usage=review.terms))
    entries = matcher.glossary.by_id()
    for usage in review.terms.values():
        entry = entries.get(usage.term_id)
        if entry is None or not (entry.keep or entry.category != "concept"):
            continue
        forms = {_canonical(s) for s in usage.renderings if s != "(missing)"}
        if len(forms) > 1:
            review.issues.append(Issue("*", "inconsistent", f"'{usage.source}' rendered "
                                                            f"inconsistently: "
                                                            f"{', '.join(sorted(usage.renderings))}",
                                       usage.term_id))
    return review


def flag_segments(segments: list[Segment], review: Review) -> None:
    """Copy the review onto the segments (`review:<kind>`), so JSON/XLIFF carry it."""
    kinds: dict[str, set[str]] = {}
    for issue in review.issues:
        kinds.setdefault(issue.segment, set()).add(issue.kind)
    for seg in segments:
        seg.flags = [f for f in seg.flags if not f.startswith("review:")]
        seg.flags.extend(sorted(f"review:{k}" for k in kinds.get(seg.id, ()) if k != "untranslated"))
