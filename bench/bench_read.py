"""Reading stays linear: a ~4 MB document, one 1 MB paragraph, one 5 MB line, 100k `\\*` marks
and a ~21 MB DOCX, each next to an input 10× smaller, with the time ratio (10 is linear) and,
for the DOCX, peak memory of a fresh process."""
from __future__ import annotations

import tempfile
import time
from pathlib import Path

from _util import child, sample_times

from pipeline.readers import read_document

SENTENCE = "模型输出变慢了，怎么向用户交待？我们看到 AI 技术在 18 个月里发展很快。"


def _seconds(path: Path) -> float:
    start = time.perf_counter()
    read_document(path)
    return time.perf_counter() - start


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def _pair(label: str, small: Path, big: Path) -> None:
    t_small, t_big = _seconds(small), _seconds(big)
    print(f"{label:<32} {small.stat().st_size / 1e6:>6.2f} MB {t_small:>7.2f} s   "
          f"{big.stat().st_size / 1e6:>6.2f} MB {t_big:>7.2f} s   ratio {t_big / t_small:>5.1f}")


def _docx(folder: Path, paragraphs: int) -> Path:
    """A real DOCX (python-docx's package) whose body is written directly: python-docx's own
    add_paragraph is too slow to build 100k paragraphs for a bench."""
    import io
    import zipfile

    import docx

    buffer = io.BytesIO()
    docx.Document().save(buffer)
    body = "".join(f'<w:p><w:r><w:rPr><w:b/></w:rPr><w:t>{"张鹏" if i % 2 else "朱军"}：</w:t></w:r>'
                   f"<w:r><w:t>{SENTENCE}{i}</w:t></w:r></w:p>" for i in range(paragraphs))
    path = folder / f"long-{paragraphs}.docx"
    with zipfile.ZipFile(buffer) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "word/document.xml":
                text = data.decode("utf-8")
                cut = text.index("<w:body>") + len("<w:body>")
                data = (text[:cut] + body + text[cut:]).encode("utf-8")
            out.writestr(item, data)
    return path


def _docx_peak(path: Path) -> tuple[float, float]:
    result = child("import time\nfrom pipeline.readers import read_document\n"
                   f"t = time.perf_counter(); read_document({str(path)!r})\n"
                   "RESULT = {'seconds': time.perf_counter() - t}")
    return result["seconds"], result["peak_mb"]


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        print(f"{'input':<32} {'small':>9} {'':>9}   {'10× bigger':>9} {'':>9}")
        _pair("document (sample ×10 / ×100)", sample_times(10, folder), sample_times(100, folder))
        per = len(SENTENCE.encode())
        _pair("one paragraph (0.1 / 1 MB)",
              _write(folder, "p1.md", SENTENCE * (100_000 // per)),
              _write(folder, "p10.md", SENTENCE * (1_000_000 // per)))
        line = SENTENCE.replace("。", "，").replace("？", "，")
        _pair("one line, no full stop (0.5/5 MB)",
              _write(folder, "l1.txt", line * (500_000 // len(line.encode()))),
              _write(folder, "l10.txt", line * (5_000_000 // len(line.encode()))))
        _pair("\\* marks (10k / 100k)",
              _write(folder, "m1.md", "句子\\*。" * 10_000 + "\n\n注：说明。\n"),
              _write(folder, "m10.md", "句子\\*。" * 100_000 + "\n\n注：说明。\n"))
        small, big = _docx(folder, 10_000), _docx(folder, 100_000)
        (s_t, s_mb), (b_t, b_mb) = _docx_peak(small), _docx_peak(big)
        print(f"{'DOCX (10k / 100k paragraphs)':<32} {small.stat().st_size / 1e6:>6.2f} MB "
              f"{s_t:>7.2f} s   {big.stat().st_size / 1e6:>6.2f} MB {b_t:>7.2f} s   "
              f"ratio {b_t / s_t:>5.1f}; peak {s_mb:.0f} MB / {b_mb:.0f} MB")


if __name__ == "__main__":
    main()
