"""The term-consistency review as Markdown for editors and JSON for machines."""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

from ..stages.review import Review
from ..textio import atomic_write_text

if TYPE_CHECKING:
    from ..model import Document
    from ..run import Options


def review_markdown(review: Review, title: str = "Term-consistency review") -> str:
    kinds = Counter(i.kind for i in review.issues)
    lines = [f"# {title}", "",
             f"- Segments checked: {review.segments}",
             f"- Glossary terms found: {len(review.terms)} distinct, "
             f"{sum(u.occurrences for u in review.terms.values())} occurrences",
             f"- Problems to fix: {len(review.issues)}"
             + (" (" + ", ".join(f"{k}: {n}" for k, n in sorted(kinds.items())) + ")"
                if kinds else " — the edition is clean"), ""]
    if review.issues:
        lines += ["## To fix", "", "| Segment | Problem | Detail |", "|---|---|---|"]
        for issue in review.issues:
            detail = issue.message.replace("|", "\\|")
            lines.append(f"| {issue.segment} | {issue.kind} | {detail} |")
        lines.append("")
    lines += ["## Terms", "", "| Term | Preferred | Occurrences | Renderings | Segments to fix |",
              "|---|---|---|---|---|"]
    for usage in sorted(review.terms.values(), key=lambda u: (-u.occurrences, u.term_id)):
        renderings = ", ".join(f"{r} ×{n}" for r, n in sorted(usage.renderings.items()))
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in (
            usage.source, usage.target, str(usage.occurrences), renderings,
            ", ".join(usage.to_fix) or "—")) + " |")
    return "\n".join(lines) + "\n"


def review_dict(review: Review) -> dict:
    return {
        "clean": review.clean,
        "segments": review.segments,
        "issues": [{"segment": i.segment, "kind": i.kind, "term": i.term, "message": i.message}
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
