"""The engine chain per segment: translation memory, then MT with the glossary enforced, else none.

Glossary terms never reach the model as Chinese. First try: each term becomes a placeholder the
model copies and we swap for the English (see `pipeline.placeholders` for why they are made of
characters English never holds). A segment whose placeholders come back lost, mangled or
doubled, or whose output is empty, is retried with the English term written into the source
instead; if the term is still missing it is flagged for review, and a segment the model gives
nothing for is left untranslated and flagged. A wrong term is never silent.

An engine that reads context (`reads_context`: the local LLM) is the exception to the first
rule: an instruction model understands the sentence better than its placeholders, so it gets
the Chinese as written with a `SegmentContext` (speaker, section title, the segment's terms with
their required English and forbidden renderings). The engine checks each reply and retries once
naming what is missing; what still lacks a term's English is flagged here exactly as MT output is.
"""
from __future__ import annotations

import re
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from enum import Enum, IntEnum

from ..cache import MTCache, cache_key
from ..engines.base import Engine, SegmentContext, TermNote, batch_order, reads_context
from ..glossary.matcher import Match, TermMatcher, find_english
from ..glossary.names import speaker_name
from ..glossary.termbase import Entry
from ..model import Document, InlineSpan, Paragraph, Segment, TermHit
from ..memory.paragraphs import paragraph_suggestions, paragraph_targets
from ..memory.store import TranslationMemory
from ..placeholders import TAG_SLOTS, PlaceholderScheme, choose_scheme, engine_check
from . import inline
from ..segment import ABBREVIATIONS, engine_chunks
from .review import forbidden_hits

FLAG_UNTRANSLATED = "untranslated"
FLAG_MT_EMPTY = "mt-empty"  # the model gave no usable text, even on the retry
_SENTENCE_START = re.compile(r"(?:^|([.!?])[\"”’)\]]*\s+)[\"“‘(\[]*")
_ABBREVIATION = re.compile(r"(?:^|[^A-Za-z.])(?:[A-Za-z]|" + "|".join(
    re.escape(a) for a in sorted(ABBREVIATIONS, key=len, reverse=True)) + r")\.$", re.IGNORECASE)
_COMMON_WORDS = re.compile(r"[a-z]+(?:[ \-][a-z]+)*")
_COMMON_CATEGORIES = ("concept", "title")  # the others are names: person, org, product…


class _Edge(IntEnum):
    """What `protect_tagged` inserts at a position, in the order it inserts them."""

    CLOSE = 0
    OPEN = 1
    TERM = 2


class Strategy(str, Enum):
    PLACEHOLDER = "placeholder"  # terms become placeholders, swapped for English afterwards
    INJECT = "inject"  # terms are written into the source in English


@dataclass
class Summary:
    origins: Counter = field(default_factory=Counter)
    seconds: float = 0.0
    cached: int = 0
    retried: int = 0
    flagged: int = 0
    failed: int = 0  # segments the engine gave no usable text for

    def line(self) -> str:
        parts = ", ".join(f"{k} {self.origins[k]}" for k in ("tm", "mt", "none") if self.origins[k])
        failed = f", {self.failed} with no MT output" if self.failed else ""
        return (f"{sum(self.origins.values())} segments ({parts or 'none'}); "
                f"{self.cached} from cache, {self.retried} retried, {self.flagged} flagged"
                f"{failed}; {self.seconds:.1f} s")


def protect(text: str, terms: list[TermHit], strategy: Strategy,
            scheme: PlaceholderScheme | None = None) -> tuple[str, dict[int, TermHit]]:
    """Replace term spans with placeholders (numbered from 1) or with their English.

    Returns the text and the placeholder map. Terms beyond the scheme's capacity are written
    in English, as the inject strategy does."""
    protected, mapping, _ = protect_tagged(text, terms, strategy, scheme, [])
    return protected, mapping


def protect_tagged(text: str, terms: list[TermHit], strategy: Strategy,
                   scheme: PlaceholderScheme | None, tags: list[InlineSpan],
                   ) -> tuple[str, dict[int, TermHit], dict[int, tuple[int, bool]]]:
    """`protect`, plus a tag placeholder at each edge of the formatting spans in `tags`, so
    the model carries a bold clause's edges to where the clause lands in English.

    The third value maps a tag's placeholder number to (span index, opening?). A tag edge that
    falls inside a term moves to the term's edge. Without a scheme no tags are placed (the
    spans are then placed by the fallback, `stages.inline.place`).
    """
    # what happens at one position, in this order: closing tags, opening tags, then a term's
    # replacement (a span that starts with a term opens before it)
    events: list[tuple[int, _Edge, int, TermHit | None]] = [
        (hit.start, _Edge.TERM, n, hit) for n, hit in enumerate(terms, start=1)]
    tag_map: dict[int, tuple[int, bool]] = {}
    if scheme is not None:
        for k, span in enumerate(tags[:TAG_SLOTS // 2]):
            start, end = span.start, span.end
            for hit in terms:
                if hit.start < start < hit.end:
                    start = hit.start
                if hit.start < end < hit.end:
                    end = hit.end
            events.append((start, _Edge.OPEN, k, None))
            events.append((end, _Edge.CLOSE, k, None))
    out, last, mapping = [], 0, {}
    for at, edge, n, hit in sorted(events, key=lambda e: e[:3]):
        out.append(text[last:max(last, at)])
        last = max(last, at)
        if hit is not None:
            if (strategy is Strategy.PLACEHOLDER and scheme is not None
                    and n <= scheme.term_capacity):
                mapping[n] = hit
                out.append(f" {scheme.token(n)} ")
            else:
                out.append(f" {hit.target} ")
            last = hit.end
        else:
            assert scheme is not None
            number = scheme.tag(n, edge is _Edge.OPEN)
            tag_map[number] = (n, edge is _Edge.OPEN)
            out.append(f" {scheme.token(number)} ")
    out.append(text[last:])
    return re.sub(r" {2,}", " ", "".join(out)).strip(), mapping, tag_map


def restore(output: str, mapping: dict[int, TermHit], scheme: PlaceholderScheme) -> str | None:
    """Swap placeholders for English; None when any is lost, mangled or duplicated."""
    return scheme.substitute(output, {n: hit.target for n, hit in mapping.items()})


def usable(output: str, source: str, scheme: PlaceholderScheme | None = None) -> bool:
    """False for an empty answer: no letter, digit or placeholder although the source had some."""
    return (any(c.isalnum() for c in output) or not any(c.isalnum() for c in source)
            or bool(scheme and scheme.spans(output)))


def capitalise_term_starts(text: str, hits: list[TermHit], entries: dict[str, Entry]) -> str:
    """Upper-case a sentence's first letter where a lower-case glossary term opens it.

    Only common words ("reinforcement learning", "founder"): names and symbols keep the
    casing the glossary gives them ("iPhone", "o1", "pass@k").
    """
    words = {hit.target for hit in hits
             if (e := entries.get(hit.term_id)) is not None and e.category in _COMMON_CATEGORIES
             and not e.keep and _COMMON_WORDS.fullmatch(hit.target)}
    if not words:
        return text
    out = list(text)
    for m in _SENTENCE_START.finditer(text):
        if m.group(1) == "." and _ABBREVIATION.search(text, 0, m.start() + 1):
            continue  # "e.g. compute", "vs. compute": not a new sentence
        at = m.end()
        if any(text.startswith(w, at) and not text[at + len(w):at + len(w) + 1].isalnum()
               for w in words):
            out[at] = text[at].upper()
    return "".join(out)


def _independent(spans: list[tuple[Match, tuple[int, int]]]) -> list[tuple[Match, tuple[int, int]]]:
    """Leftmost-longest, non-overlapping forbidden spans: 'computing power' inside
    'computing power cluster' belongs to the longer term and is not a separate occurrence."""
    chosen: list[tuple[Match, tuple[int, int]]] = []
    for m, (a, b) in sorted(spans, key=lambda s: (s[1][0], -(s[1][1] - s[1][0]))):
        if chosen and a < chosen[-1][1][1]:
            continue
        chosen.append((m, (a, b)))
    return chosen


def repair_forbidden(seg: Segment, matcher: TermMatcher) -> tuple[str, list[InlineSpan]]:
    """Replace a forbidden rendering by the preferred one where that is unambiguous: one bad
    span for a term that occurs once. Overlapping spans are resolved first, so one stretch of
    text is replaced at most once. Anything else is left for the review to flag. Returns the
    text and the English formatting spans, moved along with the edits."""
    assert seg.target is not None
    text = seg.target
    formatting = seg.target_spans
    matches = matcher.find(seg.source)
    spans = _independent([(m, span) for m, _, span in forbidden_hits(text, matches)])
    counts = Counter(m.entry.id for m in matches)
    per_term = Counter(m.entry.id for m, _ in spans)
    for m, (a, b) in reversed(spans):
        if counts[m.entry.id] == 1 and per_term[m.entry.id] == 1:
            good = m.entry.target
            if text[a].isupper() and not good[0].isupper():
                good = good[0].upper() + good[1:]
            text = text[:a] + good + text[b:]
            formatting = inline.shift_after_edit(formatting, a, b, len(good))
    return text, formatting


def runtime_identity(engine: Engine) -> str:
    """Device and compute type as the engine resolved them (`auto` → cuda/int8_float16…).

    They change the bits a model produces, so they belong in the cache key; they are known only
    once the engine has loaded, hence the load here (an engine without `load` has no runtime).
    """
    load = getattr(engine, "load", None)
    if callable(load):
        load()
    return f"{getattr(engine, 'device', '')}/{getattr(engine, 'compute_type', '')}"


@dataclass
class _Plan:
    seg: Segment
    chunks: list[str]
    mapping: dict[int, TermHit]
    tags: dict[int, tuple[int, bool]] = field(default_factory=dict)


@dataclass
class _Result:
    """What the engine gave for a segment: the English, its score, and where the formatting
    tags came back (span index, opening?, offset), for `inline.place`."""

    text: str
    score: float | None
    tags: list[tuple[int, bool, int]] = field(default_factory=list)


class Translator:
    def __init__(self, matcher: TermMatcher, *, tm: TranslationMemory | None = None,
                 engine: Engine | None = None, cache: MTCache | None = None,
                 progress: bool = False, label: str = "translating") -> None:
        self.matcher = matcher
        self.tm = tm
        self.engine = engine
        self.cache = cache
        self.progress = progress
        self.label = label
        self._engine_key: str | None = None
        self._scheme: PlaceholderScheme | None = None

    def run(self, doc: Document) -> Summary:
        start = time.perf_counter()
        summary = Summary()
        segments = list(doc.segments())
        bar = self._bar(len(segments))
        need_mt: list[Segment] = []
        paragraphs = paragraph_targets(doc, self.tm) if self.tm else {}
        para_fuzzy = paragraph_suggestions(doc, self.tm) if self.tm else {}
        for seg in segments:
            seg.terms = self.matcher.hits(seg.source)
            seg.target, seg.origin, seg.score, seg.flags, seg.suggestions = None, "none", None, [], []
            if seg.id in paragraphs:  # a paragraph-level unit covers this sentence
                seg.target, seg.origin = paragraphs[seg.id].target, "tm"
                seg.flags.extend(paragraphs[seg.id].flags)
                # the sentence was cut from a paragraph's English: its formatting is estimated
                seg.target_spans, flags = inline.place(seg, seg.target)
                seg.flags.extend(flags)
                bar.update(1)
                continue
            unit = self.tm.exact(seg.source) if self.tm else None
            if unit is not None:
                seg.target, seg.origin = unit.target, "tm"
                known = inline.memory_spans(seg, unit.source, unit.source_spans,
                                           unit.target_spans)
                seg.target_spans, flags = inline.place(seg, seg.target, known=known)
                seg.flags.extend(flags)
                if unit.target_codes:  # codes that are not formatting (a placeholder, a tag)
                    seg.flags.append("tm-inline-codes")
                bar.update(1)
                continue
            if self.tm:
                seg.suggestions = [{"source": u.source, "target": u.target,
                                    "similarity": round(score, 3)}
                                   for score, u in self.tm.fuzzy(seg.source)]
                seg.suggestions += para_fuzzy.get(seg.id, [])
            if self.engine is not None:
                need_mt.append(seg)
            else:
                seg.flags.append(FLAG_UNTRANSLATED)
                bar.update(1)
        if need_mt:
            contexts = (segment_contexts(doc, self.matcher) if reads_context(self.engine)
                        else {})
            self._machine_translate(need_mt, summary, bar, contexts)
        bar.close()
        for seg in segments:
            if seg.target is not None and seg.origin == "mt":
                seg.target, seg.target_spans = repair_forbidden(seg, self.matcher)
            summary.origins[seg.origin] += 1
        summary.flagged = sum(1 for s in segments if s.flags)
        summary.seconds = time.perf_counter() - start
        return summary

    def _bar(self, total: int):  # noqa: ANN202 - tqdm or a no-op
        from tqdm import tqdm

        return tqdm(total=total, desc=self.label, unit="seg", file=sys.stderr,
                    disable=not (self.progress and sys.stderr.isatty()), leave=False)

    def _prepare_engine(self) -> str:
        """Engine key and placeholder scheme, worked out once per run."""
        assert self.engine is not None
        if self._engine_key is None:
            self._engine_key = cache_key(self.engine.identity, runtime_identity(self.engine))
            self._scheme = choose_scheme(engine_check(self.engine))
        return self._engine_key

    def _machine_translate(self, segments: list[Segment], summary: Summary, bar,  # noqa: ANN001
                           contexts: dict[str, SegmentContext]) -> None:
        self._prepare_engine()
        first: dict[str, _Result | None] = {}
        second: dict[str, _Result | None] = {}
        if reads_context(self.engine):  # it retries itself, naming the problem
            before = getattr(self.engine, "retried", 0)
            first = self._context_pass(segments, contexts, summary, bar)
            summary.retried = getattr(self.engine, "retried", 0) - before
        else:
            if self._scheme is not None:
                first = self._mt_pass(segments, Strategy.PLACEHOLDER, summary, bar)
            retry = [seg for seg in segments if first.get(seg.id) is None]
            summary.retried = len(retry) if first else 0
            second = self._mt_pass(retry, Strategy.INJECT, summary,
                                   None if first else bar) if retry else {}
        entries = self.matcher.glossary.by_id()
        for seg in segments:
            result = first.get(seg.id) or second.get(seg.id)
            if result is None:
                seg.flags.extend([FLAG_UNTRANSLATED, FLAG_MT_EMPTY])
                summary.failed += 1
                continue
            seg.score = result.score
            seg.target = capitalise_term_starts(result.text, seg.terms, entries)
            seg.origin = "mt"
            seg.target_spans, flags = inline.place(seg, seg.target, result.tags)
            seg.flags.extend(flags)
            for hit in seg.terms:
                if not find_english(seg.target, hit.target):
                    seg.flags.append(f"term-lost:{hit.source}")

    def _context_pass(self, segments: list[Segment], contexts: dict[str, SegmentContext],
                      summary: Summary,
                      bar) -> dict[str, _Result | None]:  # noqa: ANN001
        """Whole segments as written, each with its context, in document order; cached by
        source and context (what the model sees, bar the neighbouring sentences, which depend on
        where a batch starts and would make a resumed run miss the cache); None where empty."""
        assert self.engine is not None
        engine_key = self._prepare_engine()
        sent = {seg.id: inline.markup(seg) for seg in segments}  # formatting as <b>…</b>
        keys = {seg.id: cache_key(engine_key, sent[seg.id], contexts[seg.id].key())
                for seg in segments}
        done: dict[str, tuple[str, float | None]] = {}  # by cache key
        if self.cache is not None:
            hits = self.cache.get_many(sorted(set(keys.values())))
            done = {k: (v[0], v[1]) for k, v in hits.items() if v[0].strip()}
        summary.cached += sum(1 for seg in segments if keys[seg.id] in done)
        first_of: dict[str, Segment] = {}
        for seg in segments:
            first_of.setdefault(keys[seg.id], seg)
        todo = [key for key in first_of if key not in done]
        users = Counter(keys.values())  # segments sharing a source and context: asked once
        if bar is not None:
            bar.update(len(segments) - sum(users[key] for key in todo))
        step = max(1, self.engine.batch_size)
        for i in range(0, len(todo), step):
            batch = [first_of[key] for key in todo[i:i + step]]
            results = self._engine_results([sent[seg.id] for seg in batch],
                                           [contexts[seg.id] for seg in batch])
            rows = []
            for seg, res in zip(batch, results):
                text = res.text if isinstance(res.text, str) else ""
                done[keys[seg.id]] = (text, res.score)
                if usable(text, seg.source):  # never cache an empty answer: retry it
                    rows.append((keys[seg.id], text, res.score, ""))
            if self.cache is not None and rows:
                self.cache.put_many(rows)
            if bar is not None:
                bar.update(sum(users[keys[seg.id]] for seg in batch))
        out: dict[str, _Result | None] = {}
        for seg in segments:
            text, score = done[keys[seg.id]]
            clean, tags = inline.unmarkup(seg, text) if sent[seg.id] != seg.source else (text, [])
            out[seg.id] = _Result(clean, score, tags) if usable(clean, seg.source) else None
        return out

    def _mt_pass(self, segments: list[Segment], strategy: Strategy, summary: Summary,
                 bar) -> dict[str, _Result | None]:  # noqa: ANN001
        """Translate segments (chunked, cached, batched); None where the output is unusable:
        empty, or (placeholder strategy) with placeholders lost, mangled or doubled."""
        assert self.engine is not None
        engine_key = self._prepare_engine()
        scheme = self._scheme
        plans: list[_Plan] = []
        for seg in segments:
            # formatting tags ride only on the placeholder pass: the retry sends plain text,
            # and `inline.place` then places the spans by anchors (flagged)
            tags = inline.tagged(seg) if strategy is Strategy.PLACEHOLDER else []
            protected, mapping, tag_map = protect_tagged(seg.source, inline.code_terms(seg),
                                                         strategy, scheme, tags)
            keep = [(a, b) for a, b, _ in scheme.spans(protected)] if scheme else []
            plans.append(_Plan(seg, engine_chunks(protected, keep=keep), mapping, tag_map))
        # The key is the exact model input: glossary entries that touch a segment shape it
        # (placeholder positions, injected English); edits elsewhere in the glossary do not.
        keys = {chunk: cache_key(engine_key, chunk) for plan in plans for chunk in plan.chunks}
        done: dict[str, tuple[str, float | None]] = {}
        if self.cache is not None:
            hits = self.cache.get_many(sorted(set(keys.values())))
            for chunk, key in keys.items():
                if key in hits and usable(hits[key][0], chunk, scheme):
                    done[chunk] = (hits[key][0], hits[key][1])
            if strategy is Strategy.PLACEHOLDER or scheme is None:  # count a segment once
                summary.cached += sum(1 for p in plans if all(c in done for c in p.chunks))
        self._translate_missing(plans, keys, done, bar)
        out: dict[str, _Result | None] = {}
        for plan in plans:
            if not all(usable(done[c][0], c, scheme) for c in plan.chunks):
                out[plan.seg.id] = None
                continue
            text = " ".join(done[c][0].strip() for c in plan.chunks).strip()
            scores = [done[c][1] for c in plan.chunks if done[c][1] is not None]
            score = sum(scores) / len(scores) if scores else None
            if strategy is Strategy.PLACEHOLDER and (plan.mapping or plan.tags):
                assert scheme is not None
                decoded = scheme.decode(text, {n: hit.target for n, hit in plan.mapping.items()},
                                        plan.tags)
                out[plan.seg.id] = (None if decoded is None
                                    else _Result(decoded.text, score, decoded.tags))
            elif scheme is not None and scheme.has_trace(text) and not scheme.has_trace(
                    plan.seg.source):
                out[plan.seg.id] = None  # a placeholder the model made up from nothing
            else:
                out[plan.seg.id] = _Result(text, score)
        return out

    def _engine_results(self, texts: list[str], contexts: list | None = None) -> list:
        """One engine call; a model that answers a batch with a different number of results
        would shift every translation onto the wrong sentence, so that stops the run."""
        assert self.engine is not None
        results = (self.engine.translate(texts) if contexts is None else
                   self.engine.translate(texts, contexts))  # type: ignore[call-arg]
        if len(results) != len(texts):
            raise RuntimeError(f"engine returned {len(results)} results for {len(texts)} inputs")
        return results

    def _translate_missing(self, plans: list[_Plan], keys: dict[str, str],
                           done: dict[str, tuple[str, float | None]], bar) -> None:  # noqa: ANN001
        """Send every chunk not in `done` to the engine in batches; persist each batch."""
        assert self.engine is not None
        todo = batch_order(self.engine, [c for c in dict.fromkeys(keys) if c not in done])
        users: dict[str, list[str]] = {}
        remaining: dict[str, int] = {}
        for plan in plans:
            pending = {c for c in plan.chunks if c not in done}
            remaining[plan.seg.id] = len(pending)
            for c in pending:
                users.setdefault(c, []).append(plan.seg.id)
        if bar is not None:
            bar.update(sum(1 for n in remaining.values() if n == 0))
        step = max(1, self.engine.batch_size)
        for i in range(0, len(todo), step):
            batch = todo[i:i + step]
            results = self._engine_results(batch)
            rows = []
            for chunk, res in zip(batch, results):
                text = res.text if isinstance(res.text, str) else ""
                done[chunk] = (text, res.score)
                if usable(text, chunk, self._scheme):  # never cache an empty answer: retry it
                    rows.append((keys[chunk], text, res.score, ""))
                for sid in users[chunk]:
                    remaining[sid] -= 1
                    if remaining[sid] == 0 and bar is not None:
                        bar.update(1)
            if self.cache is not None and rows:
                self.cache.put_many(rows)


def speaker_english(doc: Document, paragraph: Paragraph, matcher: TermMatcher) -> str | None:
    """The speaker's English name: the document's (from a previous annotate), else the one the
    edition will print (the glossary's, else the romanised label), else the label as written."""
    if paragraph.speaker is None:
        return None
    if paragraph.speaker in doc.speaker_names:
        return doc.speaker_names[paragraph.speaker]
    name, _ = speaker_name(matcher.glossary, paragraph.speaker)
    return name or paragraph.label or paragraph.speaker


def segment_contexts(doc: Document, matcher: TermMatcher) -> dict[str, SegmentContext]:
    """A `SegmentContext` per segment id, for engines that read one: speaker and section title
    from where the segment sits, and its glossary terms (`Segment.terms`, set by the stage)
    with the required English and the forbidden renderings."""
    entries = matcher.glossary.by_id()

    def context(seg: Segment, speaker: str | None = None,
                section: str | None = None) -> SegmentContext:
        terms = tuple(dict.fromkeys(
            TermNote(hit.source, hit.target,
                     tuple(entries[hit.term_id].forbidden) if hit.term_id in entries else ())
            for hit in seg.terms))
        return SegmentContext(speaker=speaker, section=section, terms=terms)

    out = {seg.id: context(seg) for seg in doc.segments()}
    for section in doc.sections:
        title = section.title.source if section.title is not None else None
        for paragraph in section.paragraphs:
            speaker = speaker_english(doc, paragraph, matcher)
            for seg in paragraph.segments:
                out[seg.id] = context(seg, speaker, title)
    return out
