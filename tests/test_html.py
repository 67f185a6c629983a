"""The web editions: every segment's Chinese and English on the page, footnotes that resolve both
ways, nothing fetched from the network, and a layout that turns interleaved on a phone.

The static checks parse the HTML with lxml; the rendering checks run headless Chromium (Debian
`chromium`) and skip when it is absent.
"""
from __future__ import annotations

import json
import copy
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from lxml import html as lxml_html

from pipeline.glossary.matcher import TermMatcher
from pipeline.glossary.termbase import load_glossary
from pipeline.run import Options, translate_file
from pipeline.writers.common import footnote_numbers, source_text, target_text
from tests.conftest import SAMPLE

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")
SAMPLE_TM = SAMPLE.with_suffix(".tmx")


@pytest.fixture(scope="module")
def edition(tmp_path_factory):
    """The sample translated from its TM (no model needed), both web editions written."""
    from pipeline.run import load_tm

    glossary = load_glossary()
    out = tmp_path_factory.mktemp("html")
    result = translate_file(SAMPLE, out, glossary=glossary, matcher=TermMatcher(glossary),
                            tm=load_tm([SAMPLE_TM]), engine=None,
                            options=Options(formats=["parallel.html", "en.html"]))
    return result.doc, out / "o1-roundtable.parallel.html", out / "o1-roundtable.en.html"


def _text(el) -> str:
    """The text shown, without the note references set inside it after their terms."""
    el = copy.deepcopy(el)
    for ref in el.xpath(".//a[@class='fnref']"):
        ref.drop_tree()
    return re.sub(r"\s+", " ", el.text_content()).strip()


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def test_every_segment_in_both_languages(edition):
    doc, page, _ = edition
    root = lxml_html.fromstring(page.read_bytes())
    shown: dict[str, list] = {}
    for el in root.xpath("//*[@data-s]"):
        shown.setdefault(el.get("data-s"), []).append(el)
    for seg in doc.text_segments():
        els = shown.get(seg.id, [])
        zh = [_text(e) for e in els if e.xpath("ancestor::*[contains(@class,'zh')]")]
        en = [_text(e) for e in els if e.xpath("ancestor::*[contains(@class,'en')]")]
        assert _flat(source_text(seg, doc.script, doc.script)) in zh, seg.id
        assert _flat(target_text(seg)) in en, seg.id
    # the editor's note text, both languages, in the notes list
    notes = _text(root.xpath("//section[@role='doc-endnotes']")[0])
    note = next(n for n in doc.notes if n.kind == "editor")
    assert _flat(target_text(note.segment)) in notes and _flat(note.segment.display) in notes


def test_footnotes_once_and_linked_both_ways(edition):
    doc, page, _ = edition
    root = lxml_html.fromstring(page.read_bytes())
    ids = root.xpath("//@id")
    assert len(ids) == len(set(ids)), "duplicate ids"
    for href in root.xpath("//a/@href"):
        if href.startswith("#"):
            assert href[1:] in ids, f"{href} has no target"
    items = root.xpath("//li[@role='doc-endnote']")
    assert len(items) == len(doc.notes) == len(footnote_numbers(doc)) > 1
    for n, item in enumerate(items, start=1):
        assert item.get("id") == f"fn-{n}"
        refs = root.xpath(f"//a[@role='doc-noteref'][@href='#fn-{n}']")
        assert {r.xpath("string(ancestor::*[@lang][1]/@class)").split()[0] for r in refs} \
            >= {"zh", "en"}, f"note {n} not referenced from both columns"
        backs = item.xpath(".//a[@role='doc-backlink']/@href")
        assert "#fnref-" + str(n) in backs
        assert all(root.xpath(f"//a[@id='{b[1:]}']/@href") == [f"#fn-{n}"] for b in backs)


def test_page_is_self_contained_and_accessible(edition):
    _, page, english = edition
    for path in (page, english):
        raw = path.read_text(encoding="utf-8")
        root = lxml_html.fromstring(raw.encode())
        assert not root.xpath("//link|//img|//iframe|//object|//embed|//script[@src]|//@srcset")
        assert not re.search(r"url\(|@import", raw), "CSS fetches something"
        external = [h for h in root.xpath("//a/@href") if not h.startswith("#")]
        assert external == ["https://mp.weixin.qq.com/s/nqEe8rNnED3-EGZwowPJBg"]  # a link only
        # headings in order: one h1, then h2 only
        levels = [int(h.tag[1]) for h in root.iter("h1", "h2", "h3", "h4", "h5", "h6")]
        assert levels.count(1) == 1 and levels[0] == 1 and set(levels) == {1, 2}
        assert root.get("lang") == "en"
    root = lxml_html.fromstring(page.read_bytes())
    # every column element says its language; Chinese text is never tagged English
    for el in root.xpath("//*[contains(concat(' ', @class, ' '), ' zh ')]"):
        assert el.get("lang") == "zh-Hans"
    for el in root.xpath("//*[contains(concat(' ', @class, ' '), ' en ')]"):
        assert el.get("lang") == "en"
        for seg in el.xpath(".//*[@data-s]"):
            lang = seg.xpath("string(ancestor-or-self::*[@lang][1]/@lang)")
            if re.search(r"[\u4e00-\u9fff]{4}", "".join(seg.itertext())):
                assert lang.startswith("zh"), _text(seg)
    # glossary terms carry their rendering, and their translator's note, on hover/focus
    terms = root.xpath("//span[@class='term']")
    assert terms and all(t.get("tabindex") == "0" for t in terms)
    notes = [t.get("data-note") for t in terms]
    assert any(n.startswith("强化学习 → reinforcement learning") for n in notes)
    # the English edition has no Chinese column and no toggle
    en_root = lxml_html.fromstring(english.read_bytes())
    assert not en_root.xpath("//*[contains(concat(' ', @class, ' '), ' zh ')]|//input")


def test_traditional_column_is_tagged_hant(edition, tmp_path):
    from pipeline.writers.html import parallel_html

    doc, _, _ = edition
    root = lxml_html.fromstring(parallel_html(doc, "traditional").encode())
    zh = root.xpath("//*[contains(concat(' ', @class, ' '), ' zh ')]")
    assert zh and {e.get("lang") for e in zh} == {"zh-Hant"}
    assert "我覺得過去 18 個月" in "".join(e.text_content() for e in zh)


# ---------------------------------------------------------------------------- Chromium

# Written into a copy of the page by the tests only: the computed layout, the segments lit when
# the pointer is over one Chinese segment, and what the English-only switch leaves visible.
_PROBE = """<script>
var d=document.documentElement.dataset,p=document.querySelector('main .pair');
d.cols=getComputedStyle(p).gridTemplateColumns;d.width=innerWidth;
var seg=document.querySelector('main .zh [data-s]');
seg.dispatchEvent(new MouseEvent('mouseover',{bubbles:true}));
d.lit=Array.prototype.map.call(document.querySelectorAll('.hl'),function(e){
  return e.getAttribute('data-s')+'@'+e.closest('.zh,.en').className.split(' ')[0]}).join(' ');
document.getElementById('v-en').checked=true;
d.enonly=getComputedStyle(p.querySelector('.zh')).display+' '
  +getComputedStyle(p).gridTemplateColumns.split(' ').length;
</script></body>"""


def _chromium(url: str, *args: str, net_log: Path | None = None) -> str:
    cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
           "--no-first-run", "--disable-background-networking", *args]
    if net_log is not None:
        cmd.append(f"--log-net-log={net_log}")
    result = subprocess.run([*cmd, url], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def _page_requests(net_log: Path) -> list[str]:
    """URLs the page itself asked the network for: Chromium's own background fetches have no
    origin ('not an origin'); the page's carry its file:// origin ('null')."""
    data = json.loads(net_log.read_text(encoding="utf-8"))
    start = data["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    return [e["params"]["url"] for e in data["events"] if e["type"] == start
            and "url" in e.get("params", {}) and e["params"].get("initiator") != "not an origin"]


@needs_chromium
def test_chromium_renders_every_segment_without_requests(edition, tmp_path):
    doc, page, _ = edition
    log = tmp_path / "net.json"
    dom = _chromium(page.as_uri(), "--dump-dom", "--window-size=1280,900", net_log=log)
    root = lxml_html.fromstring(dom.encode())
    text = _text(root)
    for seg in doc.text_segments():
        assert _flat(source_text(seg, doc.script, doc.script)) in text, seg.id
        assert _flat(target_text(seg)) in text, seg.id
    assert _page_requests(log) == []
    # the detector does see a page's request: the same check on a page that loads an image
    control = tmp_path / "control.html"
    control.write_text('<!DOCTYPE html><img src="http://bitext.invalid/x.png">', encoding="utf-8")
    _chromium(control.as_uri(), "--dump-dom", net_log=log)
    assert _page_requests(log) == ["http://bitext.invalid/x.png"]


@needs_chromium
def test_chromium_layout_switches_at_phone_width(edition, tmp_path):
    """Two grid columns on a desktop, one (interleaved) on a phone; pointing at a segment lights
    its counterpart; the English switch hides the Chinese column. Headless Chromium's window is
    at least 500 px wide, a large phone; the page switches below 44rem (704 px)."""
    _, page, _ = edition
    probe = tmp_path / "probe.html"
    probe.write_text(page.read_text(encoding="utf-8").replace("</body>", _PROBE),
                     encoding="utf-8")
    columns = {}
    for width in (1280, 500):
        dom = _chromium(probe.as_uri(), "--dump-dom", f"--window-size={width},900")
        root = lxml_html.fromstring(dom.encode())
        assert root.get("data-width") == str(width)
        columns[width] = root.get("data-cols").split()
        if width == 1280:
            segment = root.xpath("//main//*[contains(@class,'zh')]//*[@data-s]/@data-s")[0]
            assert sorted(root.get("data-lit").split()) == [f"{segment}@en", f"{segment}@zh"]
            assert root.get("data-enonly") == "none 1"  # the switch hides Chinese, one column
    assert len(columns[1280]) == 2 and len(columns[500]) == 1
    wide = [float(c.removesuffix("px")) for c in columns[1280]]
    assert 0.6 < wide[0] / wide[1] < 1.0  # English gets the wider column
    shot = tmp_path / "phone.png"
    _chromium(page.as_uri(), f"--screenshot={shot}", "--window-size=390,1200")
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(a: str, b: str) -> float:
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_text_colours_meet_wcag_aaa():
    """Every text colour in the style sheet against the backgrounds it is drawn on: 7:1."""
    from pipeline.writers.html import CSS

    colours = dict(re.findall(r"--(\w+):(#[0-9a-f]{6})", CSS))
    for text in ("ink", "muted", "link"):
        for background in ("#ffffff", colours["pair"], colours["hl"]):
            assert _contrast(colours[text], background) >= 7, (text, background)
    assert _contrast("#ffffff", colours["link"]) >= 7  # the selected switch button
    assert _contrast("#ffffff", "#1f2933") >= 7  # the term note


def test_untranslated_segment_is_marked_and_tagged_chinese(tmp_path):
    """With no model and no TM every segment stays Chinese: the English column says so (lang,
    class) instead of passing Chinese off as English."""
    from pipeline.writers.html import parallel_html

    glossary = load_glossary()
    result = translate_file(SAMPLE, tmp_path, glossary=glossary, matcher=TermMatcher(glossary),
                            tm=None, engine=None, options=Options(formats=["json"]))
    root = lxml_html.fromstring(parallel_html(result.doc).encode())
    en = root.xpath("//main//p[contains(concat(' ', @class, ' '), ' en ')]//*[@data-s]")
    assert en and all(e.get("lang") == "zh-Hans" and "untranslated" in e.get("class") for e in en)
    assert "我觉得过去 18 个月是在加速的" in "".join(e.text_content() for e in en)
