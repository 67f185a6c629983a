"""What inline formatting markup means, read from and written to TMX and XLIFF.

CAT tools carry formatting in two ways: a type on the tag (TMX `type="bold"`, XLIFF 1.2
`ctype="bold"` or `ctype="x-bold"`, XLIFF 2.0 `subType="xlf:b"`), or only the native markup the
tag stands for (`&lt;b&gt;`, `&lt;a href="…"&gt;`, OmegaT's short tags `&lt;b0&gt;`, Word's
`<w:b/>`, RTF's `{\\b `). Both are recognised here, by the *name* of the formatting after any
vendor prefix (`x-`, `xlf:`, `html-`), so a tool we have not seen that calls bold `x-strong`
still reads as bold. Anything else (underline, colour, a font, a `<span>`) is not one of bitext's
marks and stays an inline code.

Writing uses the same vocabulary in reverse, so bitext's own files read back as they were
written: TMX `<bpt i type="bold">&lt;b&gt;</bpt>`, XLIFF 1.2 `<g ctype="bold">`, and a link as
`<bpt ctype="link">&lt;a href="…"&gt;</bpt>` (a `<g>` has no place for the address).
"""
from __future__ import annotations

import html
import re
from collections import Counter
from typing import Sequence

from lxml import etree

from ..model import InlineSpan, Mark
from ..spans import normalise

# the name of a formatting, as tools spell it (HTML tags, TMX/XLIFF type values, OmegaT letters)
_NAMES: dict[str, Mark] = {
    "b": Mark.BOLD, "bold": Mark.BOLD, "strong": Mark.BOLD,
    "i": Mark.ITALIC, "italic": Mark.ITALIC, "em": Mark.ITALIC, "emphasis": Mark.ITALIC,
    "a": Mark.LINK, "link": Mark.LINK, "hyperlink": Mark.LINK,
    "code": Mark.CODE, "tt": Mark.CODE, "kbd": Mark.CODE, "samp": Mark.CODE,
}
_PREFIX = re.compile(r"^(?:x-|xlf:|html[:_-])+", re.I)
_HREF = re.compile(r"""\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.I)
_OPEN_TAG = re.compile(r"^\s*<\s*(?:[\w.-]+:)?([A-Za-z][\w-]*)\b[^>]*?>\s*$", re.S)
_OMEGAT = re.compile(r"^\s*<([A-Za-z])(\d+)>\s*$")  # OmegaT short tags: <b0>, <i1>
_WORD_PROP = re.compile(r"<w:(b|i)(?:\s+w:val\s*=\s*[\"'](\w+)[\"'])?\s*/>")
_RTF = re.compile(r"^\s*\{?\\(b|i)(?:1)?(?=[\s\\{]|$)")
_MARKDOWN = {"**": Mark.BOLD, "__": Mark.BOLD, "*": Mark.ITALIC, "_": Mark.ITALIC,
             "`": Mark.CODE}


def mark_of_type(value: str | None) -> Mark | None:
    """The mark a tag's type names (`bold`, `x-bold`, `xlf:b`, `x-html-strong`), or None."""
    if not value:
        return None
    return _NAMES.get(_PREFIX.sub("", value.strip()).lower())


def href_of(native: str) -> str | None:
    """The address in a native link tag (`<a href="…">`), unescaped; None when there is none."""
    match = _HREF.search(native)
    if match is None:
        return None
    return html.unescape(next(g for g in match.groups() if g is not None)) or None


def native_marks(native: str) -> list[tuple[Mark, str | None]]:
    """The marks an opening native code stands for, with a link's address: `<b>`, `<strong>`,
    `<em>`, `<a href>`, `<code>`; OmegaT's `<b0>`/`<i0>`; Markdown's `**`; RTF's `{\\b `; a
    Word run whose properties are only bold and/or italic. [] for anything else, including a
    link whose address is not in the code (it could not be written back)."""
    text = native.strip()
    if text in _MARKDOWN:
        return [(_MARKDOWN[text], None)]
    omegat = _OMEGAT.match(text)
    if omegat:
        mark = _NAMES.get(omegat.group(1).lower())
        return [(mark, None)] if mark in (Mark.BOLD, Mark.ITALIC) else []
    if "<w:" in text:
        return _word_marks(text)
    rtf = _RTF.match(text)
    if rtf:
        return [(Mark.BOLD if rtf.group(1) == "b" else Mark.ITALIC, None)]
    tag = _OPEN_TAG.match(text)
    if tag is None:
        return []
    mark = _NAMES.get(tag.group(1).lower())
    if mark is None:
        return []
    if mark is Mark.LINK:
        href = href_of(text)
        return [(mark, href)] if href else []
    return [(mark, None)]


def _word_marks(text: str) -> list[tuple[Mark, str | None]]:
    """Bold/italic of a WordprocessingML run opening, only when its properties hold nothing
    else that changes how it reads (a style, a font, a colour make it a code, not a mark)."""
    props = re.search(r"<w:rPr>(.*?)</w:rPr>", text, re.S)
    if props is None:
        return []
    marks: list[tuple[Mark, str | None]] = []
    rest = props.group(1)
    for match in _WORD_PROP.finditer(props.group(1)):
        if (match.group(2) or "true").lower() in ("1", "true", "on"):
            marks.append((Mark.BOLD if match.group(1) == "b" else Mark.ITALIC, None))
        rest = rest.replace(match.group(0), "")
    simple = not re.sub(r"<w:(?:bCs|iCs|lang|noProof)\b[^>]*/>", "", rest).strip()
    return marks if simple else []


# --- writing ---------------------------------------------------------------------------------
_NATIVE_TAG = {Mark.BOLD: "b", Mark.ITALIC: "i", Mark.CODE: "code", Mark.LINK: "a"}
TMX_TYPE = {Mark.BOLD: "bold", Mark.ITALIC: "italic", Mark.LINK: "link", Mark.CODE: "x-code"}
XLIFF_CTYPE = TMX_TYPE  # XLIFF 1.2 names bold/italic/link; code is a user-defined x- value


def native_open(mark: Mark, href: str | None = None) -> str:
    """The HTML opening tag a span stands for (what a CAT tool shows inside a `<bpt>`)."""
    tag = _NATIVE_TAG[mark]
    if mark is Mark.LINK:
        return f'<a href="{html.escape(href or "", quote=True)}">'
    return f"<{tag}>"


def native_close(mark: Mark) -> str:
    return f"</{_NATIVE_TAG[mark]}>"


def _add_text(parent: etree._Element, text: str) -> None:
    """Append text after the last child of `parent` (or inside it, before any child)."""
    if not text:
        return
    if len(parent):
        last = parent[-1]
        last.tail = (last.tail or "") + text
    else:
        parent.text = (parent.text or "") + text


def _code(parent: etree._Element, tag: str, native: str, **attrs: str) -> None:
    el = etree.SubElement(parent, tag, **attrs)
    el.text = native


def tmx_inline(seg: etree._Element, text: str, spans: Sequence[InlineSpan]) -> None:
    """Fill a TMX `<seg>` with `text` and each span as `<bpt i type>native</bpt>…<ept i>`.

    Paired codes need no nesting, so spans of different marks that overlap are written as they
    are. At one offset, closing tags come before opening ones (a span that ends where the next
    begins), a later-opened span closes first, and a longer span opens first."""
    spans = normalise(spans, len(text))
    ns = seg.tag[:seg.tag.index("}") + 1] if seg.tag.startswith("{") else ""  # the seg's own
    seg.text = ""  # an element with text is never re-indented by pretty printing
    events: list[tuple[int, int, int, int]] = []  # offset, 0 close / 1 open, order, span
    for k, span in enumerate(spans):
        events.append((span.end, 0, -k, k))
        events.append((span.start, 1, -span.end, k))
    at = 0
    for offset, opening, _, k in sorted(events):
        _add_text(seg, text[at:offset])
        at = offset
        span = spans[k]
        if opening:
            _code(seg, f"{ns}bpt", native_open(span.mark, span.href), i=str(k + 1),
                  type=TMX_TYPE[span.mark])
        else:
            _code(seg, f"{ns}ept", native_close(span.mark), i=str(k + 1))
    _add_text(seg, text[at:])


_ID_LETTER = {Mark.BOLD: "b", Mark.ITALIC: "i", Mark.CODE: "c", Mark.LINK: "a"}


def xliff_inline(el: etree._Element, text: str, spans: Sequence[InlineSpan], ns: str) -> None:
    """Fill an XLIFF 1.2 `<source>`/`<target>` with `text` and its spans: bold, italic and code
    as nested `<g ctype>` elements, a link as `<bpt ctype="link">&lt;a href="…"&gt;</bpt>` …
    `<ept>` (its address has to travel, and a `<g>` has nowhere to keep it).

    `<g>` elements must nest; a span that overlaps another of a different mark without
    containing it is split where the other ends (a bold clause that begins inside an italic
    phrase becomes two bold `<g>`s), which reads back as one span. Ids name the mark and its
    occurrence (`b1`, `i1`, `a1`; a split piece `b1-2`), so the source's and the target's tags
    correspond by mark, as CAT tools expect."""
    spans = normalise(spans, len(text))
    el.text = ""
    numbers: dict[InlineSpan, str] = {}
    count: Counter[Mark] = Counter()
    for span in sorted(spans, key=lambda s: (s.start, -s.end, s.mark.value)):
        count[span.mark] += 1
        numbers[span] = f"{_ID_LETTER[span.mark]}{count[span.mark]}"
    nesting = [s for s in spans if s.mark is not Mark.LINK]
    links = [s for s in spans if s.mark is Mark.LINK]
    points = sorted({0, len(text)} | {p for s in spans for p in (s.start, s.end)})
    stack: list[tuple[InlineSpan, etree._Element]] = []
    pieces: Counter[InlineSpan] = Counter()

    def top() -> etree._Element:
        return stack[-1][1] if stack else el

    for p, nxt in zip(points, points[1:] + [len(text)]):
        for link in links:
            if link.end == p:
                _code(top(), f"{{{ns}}}ept", native_close(link.mark), id=numbers[link])
        reopen: list[InlineSpan] = []
        if any(s.end == p for s, _ in stack):
            while stack and any(s.end == p for s, _ in stack):
                span, _ = stack.pop()
                if span.end > p:
                    reopen.append(span)
        starting = reopen + [s for s in nesting if s.start == p]
        for span in sorted(starting, key=lambda s: (-s.end, s.mark.value)):
            pieces[span] += 1
            ident = numbers[span] + (f"-{pieces[span]}" if pieces[span] > 1 else "")
            g = etree.SubElement(top(), f"{{{ns}}}g", id=ident, ctype=XLIFF_CTYPE[span.mark])
            g.text = ""
            stack.append((span, g))
        for link in links:
            if link.start == p:
                _code(top(), f"{{{ns}}}bpt", native_open(link.mark, link.href),
                      id=numbers[link], ctype=XLIFF_CTYPE[link.mark])
        _add_text(top(), text[p:nxt])
