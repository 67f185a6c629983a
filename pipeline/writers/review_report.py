"""The term review as Markdown for reviewers and JSON for machines.

Grouped by problem, one row per problem, each row with its segment id, severity, and the
Chinese and English with the term marked, so a reviewer decides from the row alone. Counts are
of rows, so the summary adds up to the table.
"""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

from ..stages.review import KIND_TITLES, Issue, Kind, Review, Severity
from ..textio import atomic_write_text

if TYPE_CHECKING:
    from ..model import Document
    from ..run import Options

_CONTEXT = 60  # characters of context either side of a marked span


def _cell(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def _marked(text: str, span: tuple[int, int] | None) -> str:
    """A window of `text` around `span`, the span in bold."""
    if not text:
        return ""
    if span is None:
        return _cell(text[:2 * _CONTEXT] + ("…" if len(text) > 2 * _CONTEXT else ""))
    a, b = span
    left, right = max(0, a - _CONTEXT), min(len(text), b + _CONTEXT)
    return _cell(("…" if left else "") + text[left:a] + "**" + text[a:b] + "**" + text[b:right]
                 + ("…" if right < len(text) else ""))


def _summary(review: Review) -> list[str]:
    must = len(review.must_fix)
    check = len(review.issues) - must
    if review.fully_untranslated:
        state = f"untranslated: none of the {review.segments} segments has English"
    elif review.clean:
        state = "clean"
    else:
        state = f"{must} must-fix, {check} to check"
    return [f"- Segments checked: {review.segments}" + (f" ({review.untranslated} without English)"
                                                       if review.untranslated else ""),
            f"- Glossary terms found: {len(review.terms)} distinct, "
            f"{sum(u.occurrences for u in review.terms.values())} occurrences",
            f"- Result: {state}"]


SCOPE = ("What this review covers: each glossary term rendered as the glossary says, and "
         "rendered the same way throughout; numbers, names and model names carried over; "
         "Chinese left in the English; bold, italic and links whose place in the English was "
         "estimated. It is not a judgement of translation quality: \"clean\" "
         "means none of these checks found a problem, not that the English reads well or is "
         "accurate. An editor still reads the text against the original.")


def review_markdown(review: Review, title: str = "Term review") -> str:
    # the scope first: a reader must not take "clean" for a verdict on the translation
    lines = [f"# {title}", "", SCOPE, "", *_summary(review), ""]
    by_kind: dict[Kind, list[Issue]] = {}
    for issue in review.issues:
        by_kind.setdefault(issue.kind, []).append(issue)
    if review.issues:
        lines += ["| Problem | Must-fix | Check | Rows |", "|---|---|---|---|"]
        for kind in KIND_TITLES:
            rows = by_kind.get(kind, [])
            if rows:
                n = sum(i.severity is Severity.MUST_FIX for i in rows)
                lines.append(f"| {KIND_TITLES[kind]} | {n} | {len(rows) - n} | {len(rows)} |")
        n = len(review.must_fix)
        lines += [f"| **Total** | {n} | {len(review.issues) - n} | {len(review.issues)} |", ""]
    for kind in KIND_TITLES:
        rows = by_kind.get(kind, [])
        if not rows or kind is Kind.UNTRANSLATED and review.fully_untranslated:
            continue
        lines += [f"## {KIND_TITLES[kind]} ({len(rows)})", "",
                  "| Segment | Severity | Problem | Chinese | English |", "|---|---|---|---|---|"]
        for i in sorted(rows, key=lambda i: (i.severity is not Severity.MUST_FIX, i.term or "")):
            lines.append(f"| {i.segment} | {i.severity.value} | {_cell(i.message)} | "
                         f"{_marked(review.sources.get(i.segment, ''), i.source_span)} | "
                         f"{_marked(review.targets.get(i.segment, ''), i.target_span)} |")
        lines.append("")
    lines += ["## Terms", "", "| Term | Preferred | Occurrences | Renderings | Not rendered in |",
              "|---|---|---|---|---|"]
    for usage in sorted(review.terms.values(), key=lambda u: (-u.occurrences, u.term_id)):
        renderings = ", ".join(f"{r} ×{n}" for r, n in sorted(usage.renderings.items()))
        lines.append("| " + " | ".join(_cell(c) for c in (
            usage.source, usage.target, str(usage.occurrences), renderings,
            ", ".join(usage.to_fix) or "—")) + " |")
    return "\n".join(lines) + "\n"


def review_dict(review: Review) -> dict:
    counts = Counter(i.severity.value for i in review.issues)
    return {
        "clean": review.clean,
        "untranslated": review.fully_untranslated,
        "segments": review.segments,
        "must_fix": counts.get(Severity.MUST_FIX.value, 0),
        "check": counts.get(Severity.CHECK.value, 0),
        "issues": [{"segment": i.segment, "kind": i.kind.value, "severity": i.severity.value,
                    "term": i.term, "message": i.message}
                   for i in review.issues],
        "terms": [{"id": u.term_id, "source": u.source, "target": u.target,
                   "occurrences": u.occurrences, "renderings": u.renderings, "to_fix": u.to_fix}
                  for u in sorted(review.terms.values(), key=lambda u: u.term_id)],
    }


def review_json(review: Review) -> str:
    return json.dumps(review_dict(review), ensure_ascii=False, indent=1) + "\n"


def write(doc: Document, path: Path, review: Review, options: Options) -> None:
    """The run's review as Markdown (registry entry `review.md`)."""
    atomic_write_text(path, review_markdown(review, f"Term-consistency review: {Path(doc.path).name}"))
