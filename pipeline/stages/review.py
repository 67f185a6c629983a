"""The term review: what `bitext check` reports and the translate run embeds.

One function decides whether a segment's English honours the glossary (`segment_issues`), so the
translate stage, the TM test and `bitext check` can never disagree.

Every row must be worth a reviewer's minute, so each check states its evidence:
- a term is checked only where it is a word of the text (not 量化 inside 轻量化) and outside
  code, URLs and file names;
- a sense (推理: inference or reasoning) is enforced as far as its cue words reach;
- a missing rendering is a must-fix the first time, a "check" where a pronoun or paraphrase is
  plausible (the term already appeared in this or the previous segment);
- numbers are compared by value (numbers.py), so 62 亿 → "6.2 billion" is right and
  3万亿 → "3 billion" is wrong.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from enum import Enum

from ..glossary.boundaries import inside_longer_word
from ..glossary.matcher import Match, TermMatcher, find_english, find_renderings
from ..glossary.senses import STRONG, Decided, document_senses
from ..glossary.termbase import Entry, Tier
from ..model import Document, Segment
from ..review.numbers import NumberKind, number_problems
from ..review.scope import mask
from .inline import FLAG_UNCERTAIN

_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
# a Latin name in the Chinese: has a capital after its first letter, a digit, or is all caps
_NAME = re.compile(r"(?<![A-Za-z0-9])[A-Za-z0-9][A-Za-z0-9.+\-]*[A-Za-z0-9+]|(?<![A-Za-z0-9])[A-Z](?![A-Za-z0-9])")


# pronouns that stand for a noun; determiners ("this tutorial") do not
_PRONOUN = re.compile(r"\b(?:it|its|they|them|their|one|ones|he|she|him|her|his|the former|"
                      r"the latter)\b", re.IGNORECASE)


class Kind(Enum):
    FORBIDDEN = "forbidden"  # a rendering the glossary forbids
    MISSING = "missing"  # the glossary's rendering is absent
    REPEAT_DROPPED = "repeat-dropped"  # the term occurs more often in Chinese than English
    LOST_NAME = "lost-name"  # a name, model or product from the Chinese is absent
    NUMBER = "number"  # a number's value is absent
    MAGNITUDE = "magnitude"  # same digits, wrong magnitude (3万亿 → "3 billion")
    SWAPPED = "swapped"  # two numbers at each other's place
    HAN = "han"  # Chinese characters left in the English
    DRIFT = "drift"  # a name spelled differently across segments
    UNTRANSLATED = "untranslated"
    ALIGNMENT = "alignment"  # `bitext align`: a pair whose English may not belong there
    ENGLISH_ONLY = "english-only"  # `bitext align`: English with no Chinese partner
    MEANING = "meaning"  # `--meaning`: the English may say something else (an outlier)
    SPEAKER_NAME = "speaker-name"  # a speaker label with no English in the glossary
    FORMATTING = "formatting"  # bold, italic or a link placed by a fallback, not by tags


class Severity(Enum):
    MUST_FIX = "must-fix"  # wrong as it stands: the exit code follows these
    CHECK = "check"  # likely fine (a pronoun, a paraphrase), worth a look


KIND_TITLES = {
    Kind.UNTRANSLATED: "Untranslated segments", Kind.FORBIDDEN: "Forbidden renderings",
    Kind.NUMBER: "Numbers missing", Kind.MAGNITUDE: "Numbers with the wrong magnitude",
    Kind.SWAPPED: "Numbers swapped", Kind.LOST_NAME: "Names and models lost",
    Kind.HAN: "Chinese left in the English", Kind.MISSING: "Terms not rendered",
    Kind.REPEAT_DROPPED: "Terms dropped at a repeat", Kind.DRIFT: "Names spelled two ways",
    Kind.ALIGNMENT: "Low-confidence alignments", Kind.ENGLISH_ONLY: "English with no Chinese",
    Kind.MEANING: "Meaning outliers", Kind.SPEAKER_NAME: "Speaker names guessed",
    Kind.FORMATTING: "Formatting placed by estimate",
}


@dataclass
class Issue:
    segment: str
    kind: Kind
    message: str
    term: str | None = None
    severity: Severity = Severity.MUST_FIX
    source_span: tuple[int, int] | None = None  # the term in the Chinese, for marking
    target_span: tuple[int, int] | None = None  # the offending English, for marking


@dataclass
class TermUsage:
    term_id: str
    source: str
    target: str
    occurrences: int = 0
    renderings: dict[str, int] = field(default_factory=dict)
    to_fix: list[str] = field(default_factory=list)
    spellings: dict[str, list[str]] = field(default_factory=dict)  # canonical → segment ids


@dataclass
class Review:
    issues: list[Issue] = field(default_factory=list)
    terms: dict[str, TermUsage] = field(default_factory=dict)
    segments: int = 0
    untranslated: int = 0
    sources: dict[str, str] = field(default_factory=dict)  # segment id → Chinese, for the report
    targets: dict[str, str] = field(default_factory=dict)

    @property
    def clean(self) -> bool:
        return not self.issues

    @property
    def must_fix(self) -> list[Issue]:
        return [i for i in self.issues if i.severity is Severity.MUST_FIX]

    @property
    def fully_untranslated(self) -> bool:
        return self.segments > 0 and self.untranslated == self.segments


@dataclass
class Context:
    """What a segment's review may know beyond the segment: its paragraph, the document's
    sense defaults, and the terms of the previous segment (for pronouns)."""

    paragraph: str = ""
    document: dict[str, Entry] = field(default_factory=dict)
    previous_terms: frozenset[str] = frozenset()


def forbidden_hits(target: str, matches: list[Match]) -> list[tuple[Match, str, tuple[int, int]]]:
    """Forbidden renderings present in `target`, each once per term occurrence.

    A forbidden word inside another term's preferred rendering is legitimate there
    ("reasoning model" beside 推理侧 → "inference side"), and so is a word another sense of
    the same form prefers when the text gives no evidence for either sense.
    """
    claimed = [span for m in matches for span in find_renderings(target, m.entry)]
    hits = []
    seen: set[tuple[str, str]] = set()
    for m in matches:
        weak = m.decided not in STRONG and m.decided is not Decided.PARAGRAPH
        other_senses = {r.casefold() for e in m.alternatives for r in e.renderings()}
        for bad in m.entry.forbidden:
            if (m.entry.id, bad) in seen or (weak and bad.casefold() in other_senses):
                continue
            seen.add((m.entry.id, bad))
            for x, y in find_english(target, bad, inflect=False):
                taken = any(a < y and x < b for _, _, (a, b) in hits)  # "big model(s)": one row
                if not taken and not any(a <= x and y <= b for a, b in claimed):
                    hits.append((m, bad, (x, y)))
    return hits


def _canonical(surface: str) -> str:
    """Spelling that matters for a name: case and letters, not spacing or a plural s."""
    return re.sub(r"(?:'s|s'|s)$", "", re.sub(r"[\s\-]+", " ", surface))


def _term_issues(seg: Segment, source: str, target: str, matches: list[Match], context: Context,
                 usage: dict[str, TermUsage] | None) -> list[Issue]:
    issues: list[Issue] = []
    for m, bad, span in forbidden_hits(target, matches):
        if inside_longer_word(source, m.start, m.end):
            continue
        severity = Severity.MUST_FIX if m.decided in STRONG else Severity.CHECK
        issues.append(Issue(seg.id, Kind.FORBIDDEN, f"'{bad}' is forbidden for {m.form}; use "
                                                    f"'{m.entry.target}'", m.entry.id, severity,
                            (m.start, m.end), span))
    by_entry: dict[str, list[Match]] = {}
    for m in matches:
        by_entry.setdefault(m.entry.id, []).append(m)
    forbidden_terms = {i.term for i in issues}
    for term_id, group in by_entry.items():
        entry = group[0].entry
        weak = any(m.decided not in STRONG for m in group)
        found = find_renderings(target, entry)
        if weak and len(found) < len(group):  # no evidence for one sense: any sense will do
            others = [s for m in group for e in m.alternatives for s in find_renderings(target, e)]
            found = sorted(set(found) | set(others))
        if usage is not None:
            _record(usage, entry, seg.id, target, group, found)
        if len(found) >= len(group) or entry.tier is Tier.SUGGESTED or term_id in forbidden_terms:
            continue
        unmatched = [m for m in group[len(found):] if not inside_longer_word(source, m.start, m.end)]
        if not unmatched:
            continue
        m = unmatched[0]
        wanted = " or ".join(f"'{r}'" for r in entry.renderings()[:2])
        if found and _PRONOUN.search(target, found[0][1]):
            continue  # "some think o1 matters, others think it doesn't": the pronoun is the term
        if found:
            issues.append(Issue(seg.id, Kind.REPEAT_DROPPED,
                                f"{m.form} occurs {len(found) + len(unmatched)} times in the "
                                f"Chinese, {wanted} {len(found)} in the English", term_id,
                                Severity.CHECK, (m.start, m.end)))
            continue
        seen_before = term_id in context.previous_terms
        if entry.is_name:
            kind = Kind.LOST_NAME
            text = (f"'{entry.target}' is not in the English" if m.form == entry.target
                    else f"{m.form} ({entry.target}) is not in the English")
        else:
            kind, text = Kind.MISSING, f"{m.form} should be rendered {wanted}"
        severity = Severity.MUST_FIX
        if seen_before or weak:
            severity = Severity.CHECK
            text += (" (it was in the previous segment: a pronoun may stand for it)"
                     if seen_before else f" (sense chosen by the {m.decided.value})")
        issues.append(Issue(seg.id, kind, text, term_id, severity, (m.start, m.end)))
    return issues


def _record(usage: dict[str, TermUsage], entry: Entry, segment: str, target: str,
            group: list[Match], found: list[tuple[int, int]]) -> None:
    """Count each Chinese occurrence once: its rendering, or "(missing)"."""
    u = usage.setdefault(entry.id, TermUsage(entry.id, entry.sources[0], entry.target))
    for i, _ in enumerate(group):
        u.occurrences += 1
        if i < len(found):
            a, b = found[i]
            surface = target[a:b]
            u.renderings[surface] = u.renderings.get(surface, 0) + 1
            if _canonical(surface) != _canonical(group[i].form) or not group[i].form.isascii():
                # a Latin name copied exactly as the Chinese wrote it ("cuda") is faithful,
                # not drift
                u.spellings.setdefault(_canonical(surface), []).append(segment)
        else:
            u.renderings["(missing)"] = u.renderings.get("(missing)", 0) + 1
            if segment not in u.to_fix:
                u.to_fix.append(segment)


def _name_issues(seg: Segment, source: str, target: str, matches: list[Match]) -> list[Issue]:
    """Latin names in the Chinese (FSDP, Q-LoRA, GPT-4o, 7B) that the English lost."""
    covered = [(m.start, m.end) for m in matches]
    issues = []
    seen: set[str] = set()
    for m in _NAME.finditer(source):
        token = m.group(0).rstrip(".-")
        if token in seen or any(a <= m.start() < b for a, b in covered):
            continue
        if not (re.search(r"\d", token) or re.search(r"[A-Z]", token[1:])
                or (token.isupper() and len(token) >= 2)):
            continue  # ordinary words (Transformer, prompt) may be translated
        if token.replace(".", "").replace(",", "").isdigit():
            continue  # plain numbers are the number check's
        seen.add(token)
        pattern = rf"(?<![A-Za-z0-9]){re.escape(token)}(?:s|es|'s)?(?![A-Za-z0-9])"
        if re.search(pattern, target, re.IGNORECASE):
            continue
        size = re.fullmatch(r"(\d+(?:\.\d+)?)\s*([KkMmBbTt])", token)
        if size and _size_present(float(size.group(1)), size.group(2), target):
            continue
        base = re.split(r"[-_](?=[0-9]|[A-Za-z]*[0-9])", token)[0]
        if base != token and len(base) > 2 and re.search(
                rf"(?<![A-Za-z0-9]){re.escape(base)}(?![A-Za-z0-9])", target, re.IGNORECASE):
            issues.append(Issue(seg.id, Kind.LOST_NAME, f"'{token}' is shortened to '{base}' in "
                                                        f"the English", token, Severity.CHECK,
                                (m.start(), m.start() + len(token))))
            continue  # "MiniCPM" for "MiniCPM-2B": the family is there, the size is not
        issues.append(Issue(seg.id, Kind.LOST_NAME, f"'{token}' from the Chinese is not in the "
                                                    f"English", token, Severity.MUST_FIX,
                            (m.start(), m.start() + len(token))))
    return issues


def _size_present(value: float, unit: str, target: str) -> bool:
    """7B as "7 billion", 32K as "32,000" or "32k"."""
    from ..review.numbers import target_values

    scale = {"k": 1e3, "m": 1e6, "b": 1e9, "t": 1e12}[unit.lower()]
    return any(abs(f.value - value * scale) < 1e-6 * value * scale for f in target_values(target))


def _number_issues(seg: Segment, source: str, target: str, matches: list[Match]) -> list[Issue]:
    """One row per distinct wrong value; numbers inside a glossary term (a name such as
    三星, 360) are the term check's."""
    issues = []
    reported_swap = False
    seen: set[tuple[NumberKind, float]] = set()
    for p in number_problems(source, target):
        q = p.quantity
        span = (q.start, q.end)
        if (p.kind, q.value) in seen or any(m.start <= q.start < m.end for m in matches):
            continue
        seen.add((p.kind, q.value))
        if p.kind is NumberKind.MAGNITUDE:
            issues.append(Issue(seg.id, Kind.MAGNITUDE, f"{q.text} is {_spell(q.value)}; the "
                                                        f"English says '{p.found}'", q.text,
                                source_span=span))
        elif p.kind is NumberKind.SWAPPED:
            if not reported_swap:
                issues.append(Issue(seg.id, Kind.SWAPPED, f"{q.text} sits at another name's place "
                                                          f"in the English", q.text,
                                    source_span=span))
            reported_swap = True
        else:
            value = "" if _spell(q.value) == q.text else f" ({_spell(q.value)})"
            instead = f"; it has '{p.found}'" if p.found else ""
            issues.append(Issue(seg.id, Kind.NUMBER, f"{q.text}{value} is not in the English"
                                                     f"{instead}", q.text, source_span=span))
    return issues


def _spell(value: float) -> str:
    for name, scale in (("trillion", 1e12), ("billion", 1e9), ("million", 1e6)):
        if value >= scale:
            return f"{value / scale:g} {name}"
    return f"{value:,.10g}"


def segment_issues(seg: Segment, matcher: TermMatcher, *, usage: dict[str, TermUsage] | None = None,
                   context: Context | None = None, matches: list[Match] | None = None
                   ) -> list[Issue]:
    """Everything wrong with one segment's English; records renderings into `usage`.
    `matches` are the glossary hits in the masked source when the caller has them already."""
    if seg.target is None or not seg.target.strip():
        return [Issue(seg.id, Kind.UNTRANSLATED, "no English for this segment")]
    context = context or Context()
    source, target = mask(seg.source), mask(seg.target)
    if matches is None:
        matches = matcher.find(source, paragraph=context.paragraph, document=context.document)
    issues = _term_issues(seg, source, target, matches, context, usage)
    han = _HAN.search(target)
    if han:
        issues.append(Issue(seg.id, Kind.HAN, f"'{han.group(0)}' left in the English", None,
                            Severity.MUST_FIX, None, han.span()))
    issues.extend(_number_issues(seg, source, target, matches))
    issues.extend(_name_issues(seg, source, target, matches))
    return issues


def _paragraph_of(segment_id: str) -> str:
    return segment_id.rsplit(".", 1)[0] if "." in segment_id else segment_id


def review_segments(segments: list[Segment], matcher: TermMatcher) -> Review:
    """Per-segment issues, plus names spelled differently across segments (drift).

    Concept renderings are already pinned to the preferred English (inflections allowed), so
    only spelling and case of names can drift ("GPT-4o" vs "GPT-4O"); each drifting segment is
    a row naming the segments that use the other spelling.
    """
    review = Review(segments=len(segments))
    paragraphs: dict[str, list[str]] = {}
    for seg in segments:
        paragraphs.setdefault(_paragraph_of(seg.id), []).append(mask(seg.source))
    document = document_senses(matcher.glossary.entries, (mask(s.source) for s in segments))
    previous: frozenset[str] = frozenset()
    for seg in segments:
        review.sources[seg.id], review.targets[seg.id] = seg.source, seg.target or ""
        context = Context("".join(paragraphs[_paragraph_of(seg.id)]), document, previous)
        matches = matcher.find(mask(seg.source), paragraph=context.paragraph, document=document)
        issues = segment_issues(seg, matcher, usage=review.terms, context=context,
                                matches=matches)
        review.untranslated += any(i.kind is Kind.UNTRANSLATED for i in issues)
        review.issues.extend(issues)
        previous = frozenset(m.entry.id for m in matches)
    review.issues.extend(_drift(review, matcher))
    return review


def _drift(review: Review, matcher: TermMatcher) -> list[Issue]:
    entries = matcher.glossary.by_id()
    issues = []
    for usage in review.terms.values():
        entry = entries.get(usage.term_id)
        if entry is None or not entry.is_name or len(usage.spellings) < 2:
            continue
        preferred = _canonical(entry.target)
        ranked = sorted(usage.spellings.items(),
                        key=lambda kv: (-len(kv[1]), kv[0] != preferred, kv[0]))
        main, main_ids = ranked[0]
        listed = ", ".join(main_ids[:5]) + (f" and {len(main_ids) - 5} more" if len(main_ids) > 5 else "")
        for spelling, ids in ranked[1:]:
            for segment in dict.fromkeys(ids):
                issues.append(Issue(segment, Kind.DRIFT, f"spelled '{spelling}' here, "
                                                         f"'{main}' in {listed}", usage.term_id,
                                    Severity.CHECK))
    return issues


def speaker_issues(doc: Document) -> list[Issue]:
    """One row per speaker whose English name bitext romanised itself (no glossary entry), at
    the speaker's first turn: a name is the owner's to spell, so an editor confirms it."""
    first: dict[str, str] = {}
    for section in doc.sections:
        for para in section.paragraphs:
            if para.speaker and para.speaker not in first and para.segments:
                first[para.speaker] = para.segments[0].id
    return [Issue(first.get(s, "-"), Kind.SPEAKER_NAME,
                  f"speaker {s} has no English in the glossary; printed as "
                  f"'{doc.speaker_names.get(s, '')}' (pinyin): confirm the owner's spelling and "
                  f"add it with `bitext glossary import`", term=s, severity=Severity.CHECK)
            for s in doc.guessed_speaker_names]


def formatting_issues(doc: Document) -> list[Issue]:
    """One row per segment whose English bold, italic or link was placed by a fallback (the
    memory had no inline tags, or the model lost them): an editor checks where it landed."""
    out = []
    for seg in doc.segments():
        marks = [f.split(":", 1)[1] for f in seg.flags if f.startswith(FLAG_UNCERTAIN + ":")]
        if marks:
            out.append(Issue(seg.id, Kind.FORMATTING,
                             f"{' and '.join(marks)} placed by estimate: check which English "
                             f"words carry it", severity=Severity.CHECK))
    return out


def document_issues(doc: Document) -> list[Issue]:
    """What the review finds in the document as a whole, beyond each segment's terms."""
    return speaker_issues(doc) + formatting_issues(doc)


def flag_segments(segments: list[Segment], review: Review) -> None:
    """Copy the review onto the segments (`review:<kind>`), so JSON/XLIFF carry it."""
    kinds: dict[str, set[str]] = {}
    for issue in review.issues:
        kinds.setdefault(issue.segment, set()).add(issue.kind.value)
    for seg in segments:
        seg.flags = [f for f in seg.flags if not f.startswith("review:")]
        seg.flags.extend(sorted(f"review:{k}" for k in kinds.get(seg.id, ())
                                if k != Kind.UNTRANSLATED.value))


def severity_counts(review: Review) -> Counter:
    return Counter((i.kind, i.severity) for i in review.issues)
