"""Memory and time against input size (issue 18), each case in a fresh process.

1. The whole TM-only pipeline on Markdown and DOCX inputs at 1×, 10×, 100× the sample: seconds,
   peak RSS, and the ratios to 1×; then where the memory goes at 100× (peak RSS after each
   stage), and what that projects for the largest input the default limit admits.
2. DOCX footnote writing at 1k, 2k, 4k, 8k notes: seconds and the per-note ratio (was quadratic).
3. 200k short paragraphs (one sentence each) translated with no model: seconds, peak RSS.

`python bench/bench_hostile_scale.py [--big]`; `--big` also runs a real 50 MB Markdown file
(about 20 minutes on a laptop core).
"""
from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _util import ROOT, SAMPLE, child, sample_times

STAGES = """
import resource, time
from pathlib import Path
from pipeline.glossary.matcher import TermMatcher
from pipeline.glossary.termbase import load_glossary
from pipeline.readers import read_document
from pipeline.run import FORMATS, Options, load_tm
from pipeline.stages.annotate import annotate
from pipeline.stages.review import flag_segments, review_segments
from pipeline.stages.translate import Translator

def rss():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

glossary = load_glossary([Path('glossary/ai-terms.tsv')])
matcher = TermMatcher(glossary)
tm = load_tm([Path('input/o1-roundtable.tmx')])
stages = [('start', rss())]
start = time.perf_counter()
doc = read_document(Path(%r))
stages.append(('read', rss()))
Translator(matcher, tm=tm, engine=None, glossary_version=glossary.version).run(doc)
annotate(doc, glossary, matcher)
segments = list(doc.segments())
review = review_segments(segments, matcher)
flag_segments(segments, review)
stages.append(('translate+review', rss()))
out = Path(%r)
out.mkdir(parents=True, exist_ok=True)
for fmt, write in FORMATS.items():
    write(doc, out / f'x.{fmt}', review, Options())
    stages.append((fmt, rss()))
RESULT = dict(seconds=time.perf_counter() - start, segments=len(segments), stages=stages)
"""

FOOTNOTES = """
import time
from pathlib import Path
from pipeline.model import Document, Note, Paragraph, Section, Segment
from pipeline.writers.docx_writer import write_english_docx

n = %d
paragraphs, notes = [], []
for i in range(n):
    paragraphs.append(Paragraph(f'p{i}', [Segment(f'1.{i}.1', f'第{i}句。', target=f'Line {i}.',
                                                  note_ids=[f'n{i}'])]))
    notes.append(Note(f'n{i}', f'1.{i}.1', Segment(f'n.{i}', f'注{i}。', target=f'Note {i}.')))
doc = Document(title=None, sections=[Section('1', paragraphs=paragraphs)], notes=notes)
start = time.perf_counter()
write_english_docx(doc, Path(%r))
RESULT = dict(seconds=time.perf_counter() - start)
"""


def docx_times(n: int, folder: Path) -> Path:
    """The sample's paragraphs as a Word document, n times over (headings kept as headings)."""
    import docx

    path = folder / f"sample-{n}x.docx"
    if path.exists():
        return path
    document = docx.Document()
    blocks = [b.strip() for b in SAMPLE.read_text(encoding="utf-8").split("\n\n") if b.strip()]
    for _ in range(n):
        for block in blocks:
            if block.startswith("#"):
                document.add_heading(block.lstrip("#").strip(), level=2)
            else:
                document.add_paragraph(block.replace("**", "").replace("\\*", "*"))
    document.save(path)
    return path


def scale(kind: str, make, folder: Path) -> list[tuple[int, float, dict]]:  # noqa: ANN001
    rows = []
    for n in (1, 10, 100):
        path = make(n, folder)
        size_mb = path.stat().st_size / 1024 / 1024
        rows.append((n, size_mb, child(STAGES % (str(path), str(folder / f"out-{kind}-{n}")))))
    base = rows[0][2]
    print(f"\n{kind}: whole TM-only pipeline, all 8 outputs")
    print(f"{'input':>6} {'MB':>7} {'segments':>9} {'seconds':>8} {'× 1×':>6} {'peak MB':>8} "
          f"{'× 1×':>6}")
    for n, size_mb, r in rows:
        print(f"{n:>5}× {size_mb:>7.2f} {r['segments']:>9} {r['seconds']:>8.1f} "
              f"{r['seconds'] / base['seconds']:>6.1f} {r['peak_mb']:>8.0f} "
              f"{r['peak_mb'] / base['peak_mb']:>6.1f}")
    n, size_mb, big = rows[-1]
    print(f"where the memory goes at {n}× (peak RSS growth per stage, MB; per input MB):")
    previous = big["stages"][0][1]
    for stage, peak in big["stages"][1:]:
        grew = peak - previous
        if grew >= 1:
            print(f"  {stage:<17} +{grew:>6.0f} MB  ({grew / size_mb:>5.1f} MB per input MB)")
        previous = max(previous, peak)
    from pipeline.limits import MAX_INPUT_MB

    start_mb = big["stages"][0][1]
    per_mb = (big["peak_mb"] - start_mb) / size_mb
    limit = MAX_INPUT_MB.default
    print(f"  total above start-up ({start_mb:.0f} MB): {per_mb:.0f} MB per input MB → the "
          f"default limit ({limit} MB) ≈ {(start_mb + per_mb * limit) / 1024:.1f} GB, 50 MB ≈ "
          f"{(start_mb + per_mb * 50) / 1024:.1f} GB (projected)")
    return rows


def footnotes(folder: Path) -> None:
    print("\nDOCX footnote writing (English edition), one note per paragraph")
    print(f"{'notes':>6} {'seconds':>8} {'ms/note':>8}")
    first = None
    for n in (1000, 2000, 4000, 8000):
        r = child(FOOTNOTES % (n, str(folder / f"notes-{n}.docx")))
        per = r["seconds"] / n * 1000
        first = first or per
        print(f"{n:>6} {r['seconds']:>8.2f} {per:>8.2f}")
    print(f"8000 vs 1000 notes: {per / first:.1f}× the time per note (linear: ≈ 1)")


def many_paragraphs(folder: Path) -> None:
    path = folder / "short-200k.md"
    path.write_text("".join(f"第{i}段。\n\n" for i in range(200_000)), encoding="utf-8")
    start = time.perf_counter()
    proc = subprocess.run(["/usr/bin/time", "-f", "%M", sys.executable, "-m", "pipeline",
                           "translate", str(path), "-o", str(folder / "short"), "--model", "none",
                           "--tm", "none", "-q"], capture_output=True, text=True, cwd=ROOT)
    wall = time.perf_counter() - start
    lines = proc.stderr.strip().splitlines()
    peak = int(lines[-1]) / 1024
    print(f"\n200k short paragraphs ({path.stat().st_size / 1e6:.1f} MB), `bitext translate "
          f"--model none`, all 8 outputs, default limits: exit {proc.returncode} (3: untranslated, "
          f"no model) in {wall:.0f} s, peak {peak:.0f} MB")


def big_markdown(folder: Path) -> None:
    path = sample_times(1250, folder)  # ≈ 50 MB
    start = time.perf_counter()
    proc = subprocess.run(["/usr/bin/time", "-f", "%M", sys.executable, "-m", "pipeline",
                           "translate", str(path), "-o", str(folder / "big"), "--model", "none",
                           "--tm", str(SAMPLE.with_suffix(".tmx")), "-q", "--max-input-mb",
                           "64", "--max-segments", "1000000"],
                          capture_output=True, text=True, cwd=ROOT)
    wall = time.perf_counter() - start
    peak = int(proc.stderr.strip().splitlines()[-1]) / 1024
    print(f"\n50 MB Markdown, TM only: exit {proc.returncode}, {wall:.0f} s, peak {peak:.0f} MB "
          f"(target < 2048): {'OK' if peak < 2048 else 'OVER'}")


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        footnotes(folder)
        many_paragraphs(folder)
        scale("Markdown", sample_times, folder)
        scale("DOCX", docx_times, folder)
        if "--big" in sys.argv:
            big_markdown(folder)


if __name__ == "__main__":
    main()
