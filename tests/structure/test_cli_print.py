import subprocess
import sys

from tests.conftest import ROOT


def test_segment_shows_metadata_tree_and_speakers():
    path = ROOT / "tests" / "corpus" / "omnivore-jensen-transformer.md"
    out = subprocess.run([sys.executable, "-m", "pipeline", "segment", str(path)],
                         capture_output=True, text=True, cwd=ROOT, timeout=120).stdout
    assert "Metadata: author: AI 科技大本营" in out and "整理: 王轶群" in out
    assert "  Full Content:  (level 1, 4 paragraphs)\n    对谈精简版  (level 2" in out
    assert "      递归神经网络没办法满足需要  (level 3" in out
    assert "黄仁勋 (5 turns)" in out and "Illia Polosukhin (1 turns)" in out
