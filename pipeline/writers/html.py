"""The web editions: `parallel.html` (Chinese and English side by side) and `en.html`.

One self-contained static file each, so publishing is copying a file: CSS inline, no fonts,
images or scripts fetched, and everything readable with JS off. Design choices:

* Layout. Each paragraph is a two-cell CSS grid row (Chinese | English); below 44rem the grid
  collapses to one column, so a phone reads the pair interleaved, Chinese then English.
* Language toggle. Three radio buttons styled as a switch, before `<main>`, hide a column with
  the `~` sibling selector: it works without JS, and print follows what is on screen.
* Counterparts. Every segment carries `data-s=<segment id>` in both columns; a few lines of JS
  highlight all elements sharing it on hover, focus or tap. Without JS the whole pair is
  highlighted on hover (CSS only).
* Footnotes. One list at the end, each note once. Both columns link to it; the English
  reference is the note's back-link target (the Chinese one gets a second back-link).
* Glossary terms are focusable spans whose note shows on hover or focus (a tap focuses), drawn
  by CSS from `data-note`; no `title`, which would show a second, native tooltip.
* Accessibility. `lang` on every Chinese and English element (an untranslated segment is
  marked Chinese even in the English column), h1 the title and h2… by section level,
  DPUB-ARIA note roles, text colours at 7:1 or better against the background.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING

from .. import __version__
from ..model import Document, Mark, Note, Paragraph, ParagraphKind, Section, Segment
from ..spans import Run, runs
from ..textio import atomic_write_text
from .common import (ORIGINAL_TITLE, REVIEW_MARK, first_anchors, footnote_numbers,
                     footnote_order, needs_review, note_label, note_term, original_title,
                     shown_spans, source_details, source_text, speaker_label, split_at_notes,
                     target_text,
                     translation_statement)

if TYPE_CHECKING:
    from ..run import Options
    from ..stages.review import Review

ZH_LANG = {"simplified": "zh-Hans", "traditional": "zh-Hant"}

CSS = """
:root{--ink:#1a1a1a;--muted:#4a4a4a;--rule:#d8d8d8;--link:#1a4f8b;--hl:#fff1b8;--pair:#f6f4ee}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0 auto;max-width:76rem;padding:1rem 1.25rem 3rem;color:var(--ink);background:#fff;
 font:1.0625rem/1.7 Georgia,"Times New Roman","Liberation Serif",serif}
:lang(zh-Hans){font-family:"Noto Serif CJK SC","Source Han Serif SC","Songti SC",SimSun,serif}
:lang(zh-Hant){font-family:"Noto Serif CJK TC","Source Han Serif TC","Songti TC",PMingLiU,serif}
a{color:var(--link)}
h1{font-size:1.7rem;line-height:1.35;margin:1.5rem 0 .5rem}
h1>span{display:block}h1>.en{font-size:1.35rem;margin-top:.35rem}
h2{font-size:1.25rem;line-height:1.4;margin:2.2rem 0 .6rem;padding-bottom:.25rem;
 border-bottom:1px solid var(--rule)}
.source{color:var(--muted);font-size:.95rem;overflow-wrap:anywhere}.source p{margin:.15rem 0}
h3,h4,h5,h6{font-size:1.1rem;line-height:1.4;margin:1.6rem 0 .5rem}
pre.code{margin:.6rem .4rem;padding:.6rem .8rem;background:var(--pair);border-radius:.3rem;
 overflow-x:auto;font:.9rem/1.5 "DejaVu Sans Mono",Consolas,monospace;white-space:pre}
.tbl table{border-collapse:collapse;font-size:.95rem}
.tbl th,.tbl td{border:1px solid var(--rule);padding:.2rem .5rem;text-align:left;vertical-align:top}
.vh{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
.toggle{display:inline-flex;border:1px solid var(--link);border-radius:.4rem;overflow:hidden;
 margin:.5rem 0 1rem}
.toggle label{padding:.3rem .9rem;cursor:pointer;color:var(--link);user-select:none}
.toggle label+label{border-left:1px solid var(--link)}
#v-both:checked~header label[for=v-both],#v-zh:checked~header label[for=v-zh],
#v-en:checked~header label[for=v-en]{background:var(--link);color:#fff}
#v-both:focus-visible~header label[for=v-both],#v-zh:focus-visible~header label[for=v-zh],
#v-en:focus-visible~header label[for=v-en]{outline:3px solid #e08a00;outline-offset:-3px}
#v-zh:checked~* .en,#v-en:checked~* .zh{display:none}
#v-zh:checked~* .pair,#v-en:checked~* .pair{grid-template-columns:1fr}
.toc ol{padding-left:1.4rem;margin:.3rem 0}.toc li{margin:.15rem 0}
.toc .zh+.en::before,h2:not(.pair)>.zh+.en::before{content:" · "}
#v-both:checked~* .zh+.en>.num{display:none}
.pair{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1.2fr);column-gap:2rem;
 margin:0;padding:.15rem .4rem;border-radius:.3rem}
.pair>*{margin:.35rem 0}
h2.pair{padding:.15rem .4rem .25rem}
.pair:hover{background:var(--pair)}
.li>p::before{content:"•";position:absolute;margin-left:-1rem;
 font-family:Georgia,"Times New Roman","Liberation Serif",serif}
.li>p{padding-left:1.1rem}
.speaker{font-weight:700}
.s{border-radius:.2rem;transition:background-color .1s}
.s.hl{background:var(--hl);box-shadow:0 0 0 .12rem var(--hl)}
.untranslated{color:var(--muted);font-style:italic}
.term{border-bottom:1px dotted #8a8a8a;position:relative;cursor:help}
h1 .term,h2 .term{border-bottom:0}
.term:hover::after,.term:focus::after{content:attr(data-note);position:absolute;left:0;top:100%;
 z-index:2;width:max-content;max-width:min(22rem,80vw);padding:.35rem .55rem;font-size:.85rem;
 line-height:1.45;font-weight:400;font-style:normal;color:#fff;background:#1f2933;
 border-radius:.3rem;white-space:normal}
.term:focus{outline:2px solid #e08a00}
.fnref{text-decoration:none;font-size:.75em;vertical-align:super;line-height:0;padding:0 .1em}
.fnref+.fnref::before{content:",";padding-right:.1em}
.footnotes{margin-top:2.5rem;font-size:.95rem}
.footnotes li{margin:.5rem 0}.footnotes li>p{margin:.2rem 0}
.footnotes li:target{background:var(--hl)}
.back{text-decoration:none;margin-left:.3rem}
@media (max-width:44rem){
 body{padding:.5rem .9rem 2rem;font-size:1rem}
 h1{font-size:1.4rem}h1 .en{font-size:1.15rem}
 .pair{grid-template-columns:1fr}
 .pair>.zh+.en{margin-top:0;padding-left:.7rem;border-left:3px solid var(--rule)}
 h2.pair>.zh+.en,#v-en:checked~* .pair>.en{border-left:0;padding-left:0}
 .li>.zh+.en{padding-left:1.8rem}#v-en:checked~* .li>.en{padding-left:1.1rem}
}
@media print{
 @page{margin:16mm}
 body{max-width:none;padding:0;font-size:10.5pt}
 .toggle,.back{display:none}
 .pair:hover{background:none}
 .pair{break-inside:avoid}
 h2{break-after:avoid}
 a{color:inherit;text-decoration:none}
 .source a::after{content:" (" attr(href) ")"}
 .term{border:0}
}
"""

# Highlights every element of the segment under the pointer (or focus, or tap): both columns.
SCRIPT = """(function(){var on=[];function mark(t){var s=t&&t.closest?t.closest("[data-s]"):null,
id=s?s.getAttribute("data-s"):null;on.forEach(function(e){e.classList.remove("hl")});
on=id?Array.prototype.slice.call(document.querySelectorAll('[data-s="'+id+'"]')):[];
on.forEach(function(e){e.classList.add("hl")})}["mouseover","focusin","touchstart"].forEach(
function(k){document.addEventListener(k,function(e){mark(e.target)},{passive:true})})})();"""

_WORD = re.compile(r"\w", re.UNICODE)


def _wrap(inner: str, run: Run) -> str:
    """Escaped run text inside the elements its marks call for: a link around bold around
    italic around code, so elements always nest."""
    for mark, tag in ((Mark.CODE, "code"), (Mark.ITALIC, "em"), (Mark.BOLD, "strong")):
        if mark in run.marks:
            inner = f"<{tag}>{inner}</{tag}>"
    return f'<a href="{escape(run.href)}">{inner}</a>' if run.href else inner


@dataclass
class _Span:
    start: int
    end: int
    note: str


@dataclass
class _Page:
    """Renders one edition; `langs` is ("zh", "en") for the parallel page, ("en",) alone."""

    doc: Document
    langs: tuple[str, ...]
    script: str = "simplified"
    numbers: dict[str, int] = field(init=False)
    first: dict[str, str] = field(init=False)
    term_notes: dict[str, str] = field(init=False)
    notes: dict[str, Note] = field(init=False)

    def __post_init__(self) -> None:
        self.numbers = footnote_numbers(self.doc)
        self.first = first_anchors(self.doc, set(self.numbers))
        self.notes = {n.id: n for n in self.doc.notes}
        self.term_notes = {n.segment.source: target_text(n.segment) for n in self.doc.notes
                           if n.kind == "glossary"}

    @property
    def zh_lang(self) -> str:
        return ZH_LANG.get(self.script, "zh")

    # -- text

    def _terms(self, seg: Segment, lang: str, text: str) -> list[_Span]:
        """Where glossary terms sit in `text`: by offset on the Chinese side (when the shown
        text is aligned with `source`), by first whole-word occurrence on the English side."""
        spans: list[_Span] = []
        for hit in seg.terms:
            note = f"{hit.source} → {hit.target}"
            if hit.source in self.term_notes:
                note += f". {self.term_notes[hit.source]}"
            if lang == "zh":
                if len(text) == len(seg.source):
                    spans.append(_Span(hit.start, hit.end, note))
                continue
            if not hit.target:
                continue
            for m in re.finditer(re.escape(hit.target), text, re.IGNORECASE):
                before = text[m.start() - 1:m.start()]
                after = text[m.end():m.end() + 1]
                if not (_WORD.match(before) or _WORD.match(after)):
                    spans.append(_Span(m.start(), m.end(), note))
                    break
        spans.sort(key=lambda s: (s.start, -s.end))
        kept: list[_Span] = []
        for span in spans:
            if not kept or span.start >= kept[-1].end:
                kept.append(span)
        return kept

    def _marked(self, seg: Segment, lang: str, text: str, cuts: dict[int, str]) -> str:
        """Escaped text with its formatting (strong, em, code, links), term spans, and `cuts`
        (offset -> note references) inserted; a cut inside a term span moves to its end. Each
        run is wrapped on its own, so elements always nest, whatever the spans overlap."""
        terms = self._terms(seg, lang, text)
        moved: dict[int, str] = {}
        for at, refs in cuts.items():
            for term in terms:
                if term.start < at < term.end:
                    at = term.end
            moved[at] = moved.get(at, "") + refs
        edges = set(moved) | {t.start for t in terms} | {t.end for t in terms}
        out = [moved.pop(0, "")]
        for run in runs(text, shown_spans(seg, text, lang), edges):
            if not run.text:
                continue
            inner = escape(run.text)
            term = next((t for t in terms if t.start <= run.start and run.end <= t.end), None)
            if term is not None:
                inner = (f'<span class="term" tabindex="0" data-note="{escape(term.note)}">'
                         f"{inner}</span>")
            out.append(_wrap(inner, run) + moved.pop(run.end, ""))
        out.extend(moved[k] for k in sorted(moved))  # past the end: never lost
        return "".join(out)

    def _formatted(self, seg: Segment, lang: str) -> str:
        """A note's text with its formatting (no marks: a note holds none)."""
        text = (source_text(seg, self.script, self.doc.script) if lang == "zh"
                else target_text(seg))
        return "".join(_wrap(escape(run.text), run)
                       for run in runs(text, shown_spans(seg, text, lang)))

    def _refs(self, seg: Segment, lang: str, ids: list[str] | None = None) -> str:
        out = []
        for nid in seg.note_ids if ids is None else ids:
            if nid not in self.numbers:
                continue
            n = self.numbers[nid]
            anchor = (f' id="{self._ref_id(n, lang)}"' if self.first.get(nid) == seg.id else "")
            out.append(f'<a class="fnref" href="#fn-{n}"{anchor} role="doc-noteref" '
                       f'aria-label="note {n}">{n}</a>')
        return "".join(out)

    @staticmethod
    def _ref_id(number: int, lang: str) -> str:
        return f"fnref-{number}" + ("" if lang == "en" else f"-{lang}")

    def segment(self, seg: Segment, lang: str) -> str:
        """One segment as a span sharing `data-s` with its counterpart. It inherits its
        column's `lang`, except an untranslated segment in the English column: Chinese."""
        untranslated = lang == "en" and seg.target is None
        text = (source_text(seg, self.script, self.doc.script) if lang == "zh"
                else target_text(seg))
        cuts: dict[int, str] = {}
        end = ""
        pos = 0
        for piece, ids in split_at_notes(seg, text, self.notes, self.numbers, lang):
            pos += len(piece)
            if pos < len(text):
                cuts[pos] = self._refs(seg, lang, ids)
            else:
                end = self._refs(seg, lang, ids)
        body = self._marked(seg, lang, text, cuts)
        marks = f' class="s untranslated" lang="{self.zh_lang}"' if untranslated else ' class="s"'
        # the review mark sits outside the span, as in the DOCX (parallel page only)
        review = (f' <span class="review" title="check this pair">{REVIEW_MARK}</span>'
                  if lang == "en" and "zh" in self.langs and needs_review(seg) else "")
        return f'<span{marks} data-s="{escape(seg.id)}">{body}</span>' + end + review

    def cell(self, tag: str, lang: str, inner: str) -> str:
        """An element of one language column: its class hides it under the language switch."""
        code = "en" if lang == "en" else self.zh_lang
        return f'<{tag} class="{lang}" lang="{code}">{inner}</{tag}>'

    # -- blocks

    def paragraph(self, para: Paragraph) -> str:
        if para.kind == ParagraphKind.CODE:
            return self.code(para)
        if para.kind == ParagraphKind.TABLE:
            return self.table(para)
        cells = []
        for lang in self.langs:
            joiner = " " if lang == "en" else ""
            inner = joiner.join(self.segment(s, lang) for s in para.segments)
            label = (speaker_label(self.doc, para.speaker, lang, self.script)
                     if para.turn_start else None)
            if label:
                inner = (f'<b class="speaker">{escape(label)}:</b> {inner}' if lang == "en"
                         else f'<b class="speaker">{escape(label)}</b>：{inner}')
            cells.append(self.cell("p", lang, inner))
        kind = " li" if para.kind == "list_item" else ""
        return f'<div class="pair{kind}">{"".join(cells)}</div>'

    @staticmethod
    def code(para: Paragraph) -> str:
        """A code block verbatim, once (it is not translated), across both columns."""
        lang = f' class="language-{escape(para.language)}"' if para.language else ""
        return f'<pre class="code"><code{lang}>{escape(para.verbatim)}</code></pre>'

    def table(self, para: Paragraph) -> str:
        """The table in each language column, first row as header, every cell's segments
        rendered like running text (so they highlight with their counterparts)."""
        cells = []
        for lang in self.langs:
            joiner = " " if lang == "en" else ""
            rows = []
            for r, row in enumerate(para.table_rows()):
                tag = "th" if r == 0 else "td"
                rows.append("<tr>" + "".join(
                    f"<{tag}>{joiner.join(self.segment(seg, lang) for seg in cell)}</{tag}>"
                    for cell in row) + "</tr>")
            cells.append(self.cell("div", lang, f'<table>{"".join(rows)}</table>'))
        return f'<div class="pair tbl">{"".join(cells)}</div>'

    def heading_text(self, section: Section, lang: str, *, links: bool = True) -> str:
        """`01 · title`; with both columns shown, CSS hides the English copy of the number."""
        number = f'<span class="num">{escape(section.number or "")}'
        if section.title is None:
            return number + "</span>" if section.number else ""
        title = (self.segment(section.title, lang) if links else
                 escape(source_text(section.title, self.script, self.doc.script)
                        if lang == "zh" else target_text(section.title)))
        return f"{number} · </span>{title}" if section.number else title

    def section(self, section: Section) -> str:
        out = []
        if section.number or section.title is not None:
            cells = "".join(self.cell("span", lang, self.heading_text(section, lang))
                            for lang in self.langs)
            tag = f"h{min(6, 1 + max(1, section.level))}"  # h1 is the title
            out.append(f'<{tag} class="pair" id="{self.section_id(section)}">{cells}</{tag}>')
        out.extend(self.paragraph(p) for p in section.paragraphs)
        return "\n".join(out)

    @staticmethod
    def section_id(section: Section) -> str:
        return f"sec-{re.sub(r'[^A-Za-z0-9_-]', '-', section.id)}"

    def contents(self) -> str:
        items = []
        for section in self.doc.sections:
            if not (section.number or section.title is not None):
                continue
            label = "".join(self.cell("span", lang, self.heading_text(section, lang, links=False))
                            for lang in self.langs)
            items.append(f'<li><a href="#{self.section_id(section)}">{label}</a></li>')
        if not items:
            return ""
        heading = "".join(self.cell("span", lang, "目录" if lang == "zh" else "Contents")
                          for lang in self.langs)
        return (f'<nav class="toc" aria-labelledby="toc-h"><h2 id="toc-h" class="toc-h">'
                f'{heading}</h2><ol>{"".join(items)}</ol></nav>')

    def note(self, note: Note) -> str:
        n = self.numbers[note.id]
        label = note_label(note)
        term = note_term(note, "zh" in self.langs)
        back = ""
        if note.id in self.first:
            back = "".join(
                f'<a class="back" href="#{self._ref_id(n, lang)}" role="doc-backlink" '
                f'aria-label="back to the {"Chinese" if lang == "zh" else "English"} text">↩'
                f'{"中" if lang == "zh" else ""}</a>' for lang in reversed(self.langs))
        parts = [self.cell("p", "en", f"<em>{label}:</em> "
                            f"{f'<b>{escape(term)}</b>: ' if term else ''}"
                            f"{self._formatted(note.segment, 'en')}"
                            f"{back}")]
        if "zh" in self.langs and note.kind == "editor" and note.segment.display.strip():
            parts.append(self.cell("p", "zh", self._formatted(note.segment, "zh")))
        return f'<li id="fn-{n}" role="doc-endnote">{"".join(parts)}</li>'

    def footnotes(self) -> str:
        notes = footnote_order(self.doc)
        if not notes:
            return ""
        heading = "".join(self.cell("span", lang, "注释" if lang == "zh" else "Notes")
                          for lang in self.langs)
        return (f'<section class="footnotes" role="doc-endnotes" aria-labelledby="notes-h">'
                f'<h2 id="notes-h">{heading}</h2><ol>'
                + "\n".join(self.note(n) for n in notes) + "</ol></section>")

    def front_matter(self) -> str:
        """Under the title: the original title, the source (linked) and its metadata, and
        what the English is."""
        doc, lines = self.doc, []
        title = original_title(doc)
        if title:
            lines.append(f'{ORIGINAL_TITLE}: <span lang="{self.zh_lang}">{escape(title)}</span>')
        details = source_details(doc)
        if doc.source_url or details:
            label = self.cell("span", "zh", "原文") + " " if "zh" in self.langs else ""
            parts = ([f'<a href="{escape(doc.source_url)}">{escape(doc.source_url)}</a>']
                     if doc.source_url else []) + [escape(d) for d in details]
            lines.append(f'{label}<span lang="en">Source:</span> ' + " · ".join(parts))
        lines.append(f"<em>{escape(translation_statement(doc))}</em>")
        return '<div class="source">' + "".join(f"<p>{line}</p>" for line in lines) + "</div>"

    def render(self) -> str:
        doc = self.doc
        title = target_text(doc.title) if doc.title else Path(doc.path).stem
        parallel = "zh" in self.langs
        h1 = ""
        if doc.title is not None:
            h1 = "<h1>" + "".join(self.cell("span", lang, self.segment(doc.title, lang))
                                  for lang in self.langs) + "</h1>"
        source = self.front_matter()
        radios = toggle = ""
        if parallel:
            radios = ('<input type="radio" name="view" id="v-both" class="vh" checked>'
                      '<input type="radio" name="view" id="v-zh" class="vh">'
                      '<input type="radio" name="view" id="v-en" class="vh">')
            toggle = (f'<div class="toggle" role="group" aria-label="Languages shown">'
                      f'<label for="v-both"><span lang="{self.zh_lang}">双语</span> / Both</label>'
                      f'<label for="v-zh" lang="{self.zh_lang}">中文</label>'
                      f'<label for="v-en">English</label></div>')
        body = "\n".join(self.section(s) for s in doc.sections)
        return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="bitext {__version__}">
<title>{escape(title)}</title>
<style>{CSS}</style>
</head>
<body>
{radios}
<header>{h1}
{source}
{toggle}</header>
{self.contents()}
<main>
{body}
</main>
{self.footnotes()}
<script>{SCRIPT}</script>
</body>
</html>
"""


def parallel_html(doc: Document, script: str = "simplified") -> str:
    return _Page(doc, ("zh", "en"), script).render()


def english_html(doc: Document) -> str:
    return _Page(doc, ("en",), doc.script).render()


def write_parallel(doc: Document, path: Path, review: Review, options: Options) -> None:
    atomic_write_text(path, parallel_html(doc, options.source_script or doc.script))


def write_english(doc: Document, path: Path, review: Review, options: Options) -> None:
    atomic_write_text(path, english_html(doc))
