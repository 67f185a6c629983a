"""The engine chain per segment: translation memory, then MT with the glossary enforced, else none.

Glossary terms never reach the model as Chinese. First try: each term becomes a placeholder
(`XT1`) the model copies and we swap for the English. A segment whose placeholders come back lost,
mangled or doubled is retried with the English term written into the source instead; if the term
is still missing it is flagged for review. A wrong term is never silent.
"""
from __future__ import annotations

import re
import sys
import time
from collections import Counter
from dataclasses import dataclass, field

from ..cache import MTCache, cache_key
from ..engines.base import Engine, batch_order
from ..glossary.matcher import TermMatcher, find_english
from ..model import Document, Segment, TermHit
from ..segment import engine_chunks
from ..tm import TranslationMemory
from .review import forbidden_hits

PLACEHOLDER = "XT{}"
_PLACEHOLDER_RE = re.compile(r"X\s?T\s?(\d+)", re.IGNORECASE)


@dataclass
class Summary:
    origins: Counter = field(default_factory=Counter)
    seconds: float = 0.0
    cached: int = 0
    retried: int = 0
    flagged: int = 0

    def line(self) -> str:
        parts = ", ".join(f"{k} {self.origins[k]}" for k in ("tm", "mt", "none") if self.origins[k])
        return (f"{sum(self.origins.values())} segments ({parts or 'none'}); "
                f"{self.cached} from cache, {self.retried} retried, {self.flagged} flagged; "
                f"{self.seconds:.1f} s")


def protect(text: str, terms: list[TermHit], strategy: str) -> tuple[str, dict[str, TermHit]]:
    """Replace term spans with placeholders or with their English; return the text and the map."""
    out, last, mapping = [], 0, {}
    for n, hit in enumerate(terms, start=1):
        out.append(text[last:hit.start])
        if strategy == "placeholder":
            token = PLACEHOLDER.format(n)
            mapping[str(n)] = hit
            out.append(f" {token} ")
        else:
            out.append(f" {hit.target} ")
        last = hit.end
    out.append(text[last:])
    return re.sub(r" {2,}", " ", "".join(out)).strip(), mapping


def restore(output: str, mapping: dict[str, TermHit]) -> str | None:
    """Swap placeholders for English; None when any is lost, mangled or duplicated."""
    found = Counter(m.group(1) for m in _PLACEHOLDER_RE.finditer(output))
    if set(found) != set(mapping) or any(n != 1 for n in found.values()):
        return None
    return _PLACEHOLDER_RE.sub(lambda m: mapping[m.group(1)].target, output)


def repair_forbidden(seg: Segment, matcher: TermMatcher) -> str:
    """Replace a forbidden rendering by the preferred one where that is unambiguous: one bad
    span for a term that occurs once. Anything else is left for the review to flag."""
    assert seg.target is not None
    text = seg.target
    matches = matcher.find(seg.source)
    hits = forbidden_hits(text, matches)
    counts = Counter(m.entry.id for m in matches)
    spans = Counter(m.entry.id for m, _, _ in hits)
    for m, _, (a, b) in sorted(hits, key=lambda h: -h[2][0]):
        if counts[m.entry.id] == 1 and spans[m.entry.id] == 1:
            good = m.entry.target
            if text[a].isupper() and not good[0].isupper():
                good = good[0].upper() + good[1:]
            text = text[:a] + good + text[b:]
    return text


class Translator:
    def __init__(self, matcher: TermMatcher, *, tm: TranslationMemory | None = None,
                 engine: Engine | None = None, cache: MTCache | None = None,
                 glossary_version: str = "", progress: bool = False,
                 label: str = "translating") -> None:
        self.matcher = matcher
        self.tm = tm
        self.engine = engine
        self.cache = cache
        self.glossary_version = glossary_version
        self.progress = progress
        self.label = label

    def run(self, doc: Document) -> Summary:
        start = time.perf_counter()
        summary = Summary()
        segments = list(doc.segments())
        bar = self._bar(len(segments))
        need_mt: list[Segment] = []
        for seg in segments:
            seg.terms = self.matcher.hits(seg.source)
            seg.target, seg.origin, seg.score, seg.flags, seg.suggestions = None, "none", None, [], []
            unit = self.tm.exact(seg.source) if self.tm else None
            if unit is not None:
                seg.target, seg.origin = unit.target, "tm"
                bar.update(1)
                continue
            if self.tm:
                seg.suggestions = [{"source": u.source, "target": u.target,
                                    "similarity": round(score, 3)}
                                   for score, u in self.tm.fuzzy(seg.source)]
            if self.engine is not None:
                need_mt.append(seg)
            else:
                seg.flags.append("untranslated")
                bar.update(1)
        if need_mt:
            self._machine_translate(need_mt, summary, bar)
        bar.close()
        for seg in segments:
            if seg.target is not None and seg.origin == "mt":
                seg.target = repair_forbidden(seg, self.matcher)
            summary.origins[seg.origin] += 1
        summary.flagged = sum(1 for s in segments if s.flags)
        summary.seconds = time.perf_counter() - start
        return summary

    def _bar(self, total: int):  # noqa: ANN202 - tqdm or a no-op
        from tqdm import tqdm

        return tqdm(total=total, desc=self.label, unit="seg", file=sys.stderr,
                    disable=not (self.progress and sys.stderr.isatty()), leave=False)

    def _machine_translate(self, segments: list[Segment], summary: Summary, bar) -> None:  # noqa: ANN001
        first = self._mt_pass(segments, "placeholder", summary, bar)
        retry = [seg for seg in segments if first[seg.id] is None]
        summary.retried = len(retry)
        second = self._mt_pass(retry, "inject", summary, None) if retry else {}
        for seg in segments:
            result = first[seg.id] or second.get(seg.id)
            if result is None:
                continue
            seg.target, seg.score = result
            seg.origin = "mt"
            for hit in seg.terms:
                if not find_english(seg.target, hit.target):
                    seg.flags.append(f"term-lost:{hit.source}")

    def _mt_pass(self, segments: list[Segment], strategy: str, summary: Summary,
                 bar) -> dict[str, tuple[str, float | None] | None]:  # noqa: ANN001
        """Translate segments (chunked, cached, batched); None where placeholders broke."""
        assert self.engine is not None
        plans: list[tuple[Segment, list[str], dict[str, TermHit]]] = []
        for seg in segments:
            protected, mapping = protect(seg.source, seg.terms, strategy)
            plans.append((seg, engine_chunks(protected), mapping))
        keys = {chunk: cache_key(self.engine.identity, self.glossary_version, strategy, chunk)
                for _, chunks, _ in plans for chunk in chunks}
        done: dict[str, tuple[str, float | None]] = {}
        if self.cache is not None:
            hits = self.cache.get_many(sorted(set(keys.values())))
            for chunk, key in keys.items():
                if key in hits:
                    done[chunk] = (hits[key][0], hits[key][1])
            if strategy == "placeholder":  # a retried segment is counted once
                summary.cached += sum(1 for _, chunks, _ in plans if all(c in done for c in chunks))
        todo = batch_order(self.engine, [c for c in keys if c not in done])
        users: dict[str, list[str]] = {}
        remaining: dict[str, int] = {}
        for seg, chunks, _ in plans:
            pending = {c for c in chunks if c not in done}
            remaining[seg.id] = len(pending)
            for c in pending:
                users.setdefault(c, []).append(seg.id)
        if bar is not None:
            bar.update(sum(1 for n in remaining.values() if n == 0))
        step = max(1, self.engine.batch_size)
        for i in range(0, len(todo), step):
            batch = todo[i:i + step]
            results = self.engine.translate(batch)
            rows = []
            for chunk, res in zip(batch, results):
                done[chunk] = (res.text, res.score)
                rows.append((keys[chunk], res.text, res.score, ""))
                for sid in users[chunk]:
                    remaining[sid] -= 1
                    if remaining[sid] == 0 and bar is not None:
                        bar.update(1)
            if self.cache is not None:
                self.cache.put_many(rows)
        out: dict[str, tuple[str, float | None] | None] = {}
        for seg, chunks, mapping in plans:
            text = " ".join(done[c][0].strip() for c in chunks).strip()
            scores = [done[c][1] for c in chunks if done[c][1] is not None]
            score = sum(scores) / len(scores) if scores else None
            if strategy == "placeholder":
                restored = restore(text, mapping)
                out[seg.id] = None if restored is None else (restored, score)
            else:
                out[seg.id] = (text, score)
        return out
