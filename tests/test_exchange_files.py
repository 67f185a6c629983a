"""Files other tools open: every exchange output validates against its official schema
(../shared/schemas), Markdown notes come out once in pandoc, DOCX lists are Word lists.

Each validator is also shown a broken file, so a check that passes is one that could fail.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import zipfile

import pytest
from lxml import etree, isoschematron

from pipeline.glossary.matcher import TermMatcher
from pipeline.memory.inline import read_inline
from pipeline.glossary.tbx import read_tbx, tbx_bytes, write_tbx
from pipeline.glossary.termbase import Entry, load_file, load_glossary, write_tsv
from pipeline.run import Options, load_tm, translate_file
from pipeline.writers.exchange import XliffTargets, document_xliff
from tests.conftest import ROOT, SAMPLE

SCHEMAS = ROOT.parent.parent / "shared" / "schemas"
if not SCHEMAS.is_dir():  # a worktree under /work/wt/<name>, or a checkout beside shared/
    SCHEMAS = ROOT.parent / "shared" / "schemas"
needs_schemas = pytest.mark.skipif(not SCHEMAS.is_dir(), reason="../shared/schemas not present")
XLIFF = "{urn:oasis:names:tc:xliff:document:1.2}"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    glossary = load_glossary()
    out = tmp_path_factory.mktemp("exchange")
    result = translate_file(SAMPLE, out, glossary=glossary, matcher=TermMatcher(glossary),
                            tm=load_tm([SAMPLE.with_suffix(".tmx")]), engine=None,
                            options=Options(formats=["tmx", "xlf", "parallel.md", "en.docx",
                                                     "parallel.docx"]))
    return result.doc, out


def _xsd(name: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMAS / name)))


# ---------------------------------------------------------------------------- XLIFF


@needs_schemas
@pytest.mark.parametrize("targets", list(XliffTargets))
def test_xliff_variants_validate_strict_and_transitional(run, targets):
    doc, _ = run
    data = document_xliff(doc, targets=targets, target_lang="en-GB")
    root = etree.fromstring(data)
    for name in ("xliff-core-1.2-strict.local.xsd", "xliff-core-1.2-transitional.local.xsd"):
        schema = _xsd(name)
        assert schema.validate(root), (name, schema.error_log.last_error)
    file_el = root.find(f"{XLIFF}file")
    assert file_el.get("target-language") == "en-GB" and file_el.get("source-language") == "zh-CN"
    units = root.iter(f"{XLIFF}trans-unit")
    ids = [s.id for s in doc.segments()]
    units = list(units)
    assert [u.get("id") for u in units] == ids
    assert all(u.get("{http://www.w3.org/XML/1998/namespace}space") == "preserve" for u in units)
    # the visible text is the source; bold/italic are <g> tags that read back as the spans
    sources = [read_inline(u.find(f"{XLIFF}source")) for u in units]
    assert [s.text for s in sources] == [s.source for s in doc.segments()]
    assert [list(s.spans) for s in sources] == [s.spans for s in doc.segments()]
    assert any(s.spans for s in sources) and not any(s.codes for s in sources)
    targets_found = [u.find(f"{XLIFF}target") for u in units]
    if targets is XliffTargets.NONE:
        # what OmegaT needs: nothing it would take as the text to translate
        assert all(t is None for t in targets_found)
        assert not any(u.get("approved") for u in units)
    else:
        assert all(t is not None and read_inline(t).text for t in targets_found)
        english = [read_inline(t) for t in targets_found]
        assert [list(e.spans) for e in english] == [s.target_spans for s in doc.segments()]
    # the validator bites: an unknown state value fails the strict schema
    broken = etree.fromstring(document_xliff(doc))
    next(broken.iter(f"{XLIFF}target")).set("state", "done-ish")
    assert not _xsd("xliff-core-1.2-strict.local.xsd").validate(broken)


def test_cli_xliff_targets_none_and_target_lang(tmp_path):
    import sys

    result = subprocess.run([sys.executable, "-m", "pipeline", "translate", str(SAMPLE), "-o",
                             str(tmp_path), "--formats", "xlf,tmx", "--xliff-targets", "none",
                             "--target-lang", "en-GB", "--quiet"],
                            capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    raw = (tmp_path / "o1-roundtable" / "o1-roundtable.xlf").read_text(encoding="utf-8")
    assert 'target-language="en-GB"' in raw and "<target" not in raw
    assert "我觉得过去 18 个月是在加速的" in raw
    tmx = (tmp_path / "o1-roundtable" / "o1-roundtable.tmx").read_text(encoding="utf-8")
    assert 'xml:lang="en-GB"' in tmx and "I think the past 18 months" in tmx


# ---------------------------------------------------------------------------- TMX


@needs_schemas
def test_tmx_validates_with_dates_tuids_and_no_note_noise(run, monkeypatch):
    doc, out = run
    dtd = etree.DTD(str(SCHEMAS / "tmx14.dtd"))
    root = etree.parse(str(out / "o1-roundtable.tmx")).getroot()
    assert dtd.validate(root), dtd.error_log.last_error
    header = root.find("header")
    assert header.get("creationdate") == "20000101T000000Z"  # the fixed default
    units = root.findall("body/tu")
    translated = [s for s in doc.segments() if s.target and s.origin in ("tm", "mt")]
    assert [u.get("tuid") for u in units] == [s.id for s in translated]
    assert all(u.get("creationdate") == u.get("changedate") == "20000101T000000Z" for u in units)
    assert not root.findall(".//note")
    assert {u.findtext("prop[@type='x-bitext-origin']") for u in units} <= {"tm", "mt"}
    english = [read_inline(u.find("tuv[2]/seg")) for u in units]
    assert [e.text for e in english] == [s.target for s in translated]
    assert [list(e.spans) for e in english] == [s.target_spans for s in translated]
    assert sum(bool(e.spans) for e in english) > 12  # the TM's tagged clauses and bold questions
    # SOURCE_DATE_EPOCH moves every date, deterministically
    from pipeline.writers.exchange import document_tmx

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    dated = etree.fromstring(document_tmx(doc))
    assert dated.find("header").get("creationdate") == "20231114T221320Z"
    assert dtd.validate(dated)
    dated.find("body/tu").set("creationdate", "yesterday")
    dated.find("body/tu").insert(0, etree.Element("bogus"))
    assert not dtd.validate(dated)


def test_bad_source_date_epoch_is_one_clear_error(tmp_path):
    import sys

    env = {**os.environ, "SOURCE_DATE_EPOCH": "last tuesday", "PYTHONPATH": str(ROOT)}
    result = subprocess.run([sys.executable, "-m", "pipeline", "translate", str(SAMPLE), "-o",
                             str(tmp_path), "--formats", "tmx", "--quiet"],
                            capture_output=True, text=True, cwd=ROOT, env=env)
    assert result.returncode == 2
    assert "SOURCE_DATE_EPOCH" in result.stderr and "Traceback" not in result.stderr


# ---------------------------------------------------------------------------- TBX


def _schematron() -> isoschematron.Schematron:
    """TBX-Basic's DCA rules. The file declares XSLT 2 (lxml has XSLT 1 only) but uses just two
    XPath 2 forms, rewritten here to their XPath 1 equivalents: `matches(@target,'https?://.+')`
    and the `./local-name()` step."""
    text = (SCHEMAS / "TBX-Basic_DCA.sch").read_text(encoding="utf-8-sig")
    text = (text.replace('queryBinding="xslt2"', 'queryBinding="xslt"')
            .replace("matches(@target,'https?://.+')",
                     "(starts-with(@target,'http://') or starts-with(@target,'https://'))")
            .replace("./local-name()", "local-name()"))
    assert "matches(" not in text
    return isoschematron.Schematron(etree.fromstring(text.encode()))


@needs_schemas
def test_tbx_is_valid_tbx_basic_v3():
    entries = load_file(ROOT / "glossary" / "ai-terms.tsv")[0]
    root = etree.fromstring(tbx_bytes(entries))
    rng = etree.RelaxNG(etree.parse(str(SCHEMAS / "TBXcoreStructV03_TBX-Basic_integrated.rng")))
    sch = _schematron()
    assert rng.validate(root), rng.error_log.last_error
    assert sch.validate(root), sch.error_log.last_error
    # and the reference example passes the adapted rules too, while a wrong status fails them
    assert sch.validate(etree.parse(str(SCHEMAS / "Example_Astronomy_DCA_VALID.tbx")))
    bad = etree.fromstring(tbx_bytes(entries[:3]))
    bad.find(".//{urn:iso:std:iso:30042:ed-2}termNote").text = "forbiddenTerm"
    assert not sch.validate(bad)


def test_tbx_expresses_synonyms_and_forbidden_renderings_in_tbx_terms(tmp_path):
    entry = Entry(["智能体", "代理"], "agent", ["intelligent agent", "proxy"], "concept",
                  "Note with\ttab, <angle> & ampersand", False, ["~框架"])
    keep = Entry(["o1"], "o1", category="product", keep=True)
    path = tmp_path / "t.tbx"
    write_tbx(path, [entry, keep])
    root = etree.parse(str(path)).getroot()
    ns = {"t": "urn:iso:std:iso:30042:ed-2"}

    def statuses(lang: str) -> list[tuple[str, str]]:
        return [(ts.findtext("t:term", namespaces=ns),
                 ts.findtext("t:termNote[@type='administrativeStatus']", namespaces=ns))
                for ts in root.xpath(f"//t:conceptEntry[1]/t:langSec[@xml:lang='{lang}']/t:termSec",
                                     namespaces=ns)]

    assert statuses("zh-CN") == [("智能体", "preferredTerm-admn-sts"),
                                 ("代理", "admittedTerm-admn-sts")]
    assert statuses("en") == [("agent", "preferredTerm-admn-sts"),
                              ("intelligent agent", "deprecatedTerm-admn-sts"),
                              ("proxy", "deprecatedTerm-admn-sts")]
    assert root.xpath("//t:conceptEntry[1]/t:note/text()", namespaces=ns) == [entry.note]
    assert root.xpath("//t:conceptEntry[2]/t:descrip[@type='subjectField']/text()",
                      namespaces=ns) == ["product"]
    assert b"bitext:" not in path.read_bytes()  # no private note format any more
    back = read_tbx(path)
    assert [e.to_row() for e in back] == [entry.to_row(), keep.to_row()]


def test_tbx_round_trip_of_the_shipped_glossary_is_lossless(tmp_path):
    entries = load_glossary().entries
    path = tmp_path / "all.tbx"
    write_tbx(path, entries)
    assert write_tsv(read_tbx(path)) == write_tsv(entries)


@needs_schemas
def test_annotate_no_survives_tsv_tbx_tsv_and_glossary_import(tmp_path):
    import sys

    tsv = tmp_path / "mine.tsv"
    tsv.write_text("source\ttarget\tcategory\tnote\tannotate\n"
                   "跃问\tYuewen\tproduct\tStepFun's chatbot app.\tno\n"
                   "阶跃星辰\tStepFun\torg\tShanghai AI start-up.\tyes\n"
                   "月之暗面\tMoonshot AI\torg\tBeijing AI start-up.\t\n", encoding="utf-8")
    entries, problems = load_file(tsv)
    assert problems == [] and [e.annotate for e in entries] == [False, True, True]
    data = tbx_bytes(entries)
    root = etree.fromstring(data)
    rng = etree.RelaxNG(etree.parse(str(SCHEMAS / "TBXcoreStructV03_TBX-Basic_integrated.rng")))
    assert rng.validate(root), rng.error_log.last_error
    sch = _schematron()
    assert sch.validate(root), sch.error_log.last_error
    ns = {"t": "urn:iso:std:iso:30042:ed-2"}
    assert root.xpath("//t:conceptEntry[1]/t:admin[@type='projectSubset']/text()",
                      namespaces=ns) == ["bitext-no-note"]
    assert root.xpath("//t:conceptEntry[1]/t:note/text()", namespaces=ns) == ["StepFun's chatbot app."]
    path = tmp_path / "mine.tbx"
    path.write_bytes(data)
    assert write_tsv(read_tbx(path)) == write_tsv(entries)
    into = tmp_path / "project.tsv"
    result = subprocess.run([sys.executable, "-m", "pipeline", "glossary", "import", str(path),
                             "--into", str(into)], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    header, first = into.read_text(encoding="utf-8").splitlines()[:2]
    assert header.endswith("\tannotate") and first.endswith("\tno")
    assert [(e.target, e.note, e.annotate) for e in load_file(into)[0]] == [
        ("Yuewen", "StepFun's chatbot app.", False), ("StepFun", "Shanghai AI start-up.", True),
        ("Moonshot AI", "Beijing AI start-up.", True)]


def test_annotate_values_are_checked(tmp_path):
    tsv = tmp_path / "bad.tsv"
    tsv.write_text("source\ttarget\tnote\tannotate\n跃问\tYuewen\tA note.\tmaybe\n"
                   "阶跃\tStepFun\t\tyes\n", encoding="utf-8")
    problems = [str(p) for p in load_file(tsv)[1]]
    assert problems == [f"{tsv}:2: unknown annotate value 'maybe' (use yes, no or leave it empty)",
                        f"{tsv}:3: annotate 'yes' for '阶跃' but the entry has no note to show"]


def test_old_martif_tbx_still_reads(tmp_path):
    path = tmp_path / "old.tbx"
    path.write_text('<?xml version="1.0"?>\n<martif type="TBX" xml:lang="en"><text><body>'
                    '<termEntry><langSet xml:lang="zh-CN"><tig><term>智能体</term></tig></langSet>'
                    '<langSet xml:lang="en"><tig><term>agent</term></tig></langSet></termEntry>'
                    '</body></text></martif>', encoding="utf-8")
    entries = read_tbx(path)
    assert [(e.sources, e.target) for e in entries] == [(["智能体"], "agent")]


# ---------------------------------------------------------------------------- Markdown


@pytest.mark.skipif(shutil.which("pandoc") is None, reason="pandoc is not installed")
@pytest.mark.parametrize("reader", ["markdown", "gfm", "commonmark_x"])
def test_pandoc_sees_each_note_once_and_one_title(run, reader):
    doc, out = run
    result = subprocess.run(["pandoc", "-f", reader, "-t", "json",
                             str(out / "o1-roundtable.parallel.md")],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    counts = {"Note": 0, "H1": 0}

    def walk(node) -> None:  # noqa: ANN001 - pandoc JSON
        if isinstance(node, dict):
            if node.get("t") == "Note":
                counts["Note"] += 1
            if node.get("t") == "Header" and node["c"][0] == 1:
                counts["H1"] += 1
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(json.loads(result.stdout))
    assert counts == {"Note": len(doc.notes), "H1": 1}
    assert len(doc.notes) > 1


# ---------------------------------------------------------------------------- DOCX


def test_docx_bullets_are_word_lists_and_metadata_is_honest(run):
    from pipeline import __version__

    doc, out = run
    items = [p for s in doc.sections for p in s.paragraphs if p.kind == "list_item"]
    assert items
    for name, expected in (("o1-roundtable.en.docx", len(items)),
                           ("o1-roundtable.parallel.docx", 2 * len(items))):
        with zipfile.ZipFile(out / name) as zf:
            body = etree.fromstring(zf.read("word/document.xml"))
            numbering = etree.fromstring(zf.read("word/numbering.xml"))
            app = zf.read("docProps/app.xml").decode()
        listed = body.xpath("//w:p[w:pPr/w:numPr]", namespaces={"w": W[1:-1]})
        assert len(listed) == expected, name
        num_id = {p.find(f"{W}pPr/{W}numPr/{W}numId").get(f"{W}val") for p in listed}
        assert len(num_id) == 1
        abstract = numbering.xpath(
            f"w:abstractNum[@w:abstractNumId=//w:num[@w:numId='{num_id.pop()}']/w:abstractNumId/"
            f"@w:val]/w:lvl[@w:ilvl='0']", namespaces={"w": W[1:-1]})[0]
        assert abstract.find(f"{W}numFmt").get(f"{W}val") == "bullet"
        text = "".join(body.itertext())
        assert "•" not in text  # the bullet is numbering, not a typed character
        assert f"<Application>bitext {__version__}</Application>" in app
        assert "Microsoft" not in app
