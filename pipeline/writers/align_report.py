"""The alignment report (`<stem>.align.md`): what an editor checks first after `bitext align`.

Low-confidence pairs, Chinese with no English, English with no Chinese — every unit of both
documents is either paired in the outputs or listed here.
"""
from __future__ import annotations

from ..stages.align import AlignmentReport
from ..stages.meaning import MeaningFlag


def _cell(text: str, limit: int = 160) -> str:
    text = text if len(text) <= limit else text[:limit - 1] + "…"
    return text.replace("|", "\\|").replace("\n", " ")


def align_markdown(report: AlignmentReport, title: str,
                   meaning: list[MeaningFlag] | None = None) -> str:
    lines = [f"# {title}", "", f"- {report.line()}",
             f"- Sentences embedded: {report.embedded} new of {report.units} "
             f"(the rest came from the cache)", ""]
    low = report.low()
    lines += ["## Low-confidence pairs (check first)", ""]
    if low:
        lines += ["| Segment | Score | Chinese | English |", "|---|---|---|---|"]
        lines += [f"| {b.zh[0].id} | {b.cos:.3f} | {_cell(b.source)} | {_cell(' '.join(b.en))} |"
                  for b in low]
    else:
        lines.append("None.")
    lines += ["", "## Chinese with no English partner (left untranslated)", ""]
    lines += [f"- {s.id}: {_cell(s.source)}" for s in report.chinese_only] or ["None."]
    lines += ["", "## English with no Chinese partner (not in the outputs)", ""]
    lines += [f"- line {line}: {_cell(text)}" for text, line in report.english_only] or ["None."]
    if meaning is not None:
        lines += ["", "## Meaning check", ""]
        lines += [f"- {f.segment.id}: {f.kind.value}: {f.detail}" for f in meaning] or [
            "No outliers."]
    return "\n".join(lines) + "\n"
