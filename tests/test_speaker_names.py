"""A speaker with no English in the glossary: romanised in the English edition (never the Chinese
label), and reported by the review so an editor confirms the owner's spelling."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from pipeline.glossary.names import pinyin_name, romanised_label

ROOT = Path(__file__).resolve().parents[1]
TEXT = ROOT / "tests" / "corpus" / "wechat-cubox-robotaxi.md"  # 楼天城 (Pony.ai) is not in the glossary


def test_pinyin_name_is_surname_first_given_name_joined() -> None:
    assert pinyin_name("楼天城") == "Lou Tiancheng"
    assert pinyin_name("张小珺") == "Zhang Xiaojun"
    assert pinyin_name("《远光灯》") == ""  # not a personal name: no name-shaped guess
    assert romanised_label("《远光灯》") == "Yuanguangdeng"  # but never Chinese in English
    assert romanised_label("Founder Park") == "Founder Park"


def test_unknown_speaker_is_romanised_in_english_and_reported(tmp_path: Path) -> None:
    out = tmp_path / "out"
    run = subprocess.run([sys.executable, "-m", "pipeline", "translate", str(TEXT), "--model",
                          "none", "--tm", "none", "--cache", "none", "--formats",
                          "json,en.md,review.md", "-o", str(out), "-q"],
                         capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert run.returncode == 3, run.stderr  # no model: untranslated, but written
    folder = out / TEXT.stem
    data = json.loads((folder / f"{TEXT.stem}.json").read_text(encoding="utf-8"))
    names = {s["source"]: s["target"] for s in data["speakers"]}
    assert names["楼天城"] == "Lou Tiancheng"
    english = (folder / f"{TEXT.stem}.en.md").read_text(encoding="utf-8")
    assert "**Lou Tiancheng:**" in english and "**楼天城" not in english
    labels = [line.split(":**")[0] for line in english.splitlines() if line.startswith("**")
              and ":**" in line]
    assert "**Yuanguangdeng" in labels
    assert not [lab for lab in labels if any("\u4e00" <= c <= "\u9fff" for c in lab)], labels
    review = (folder / f"{TEXT.stem}.review.md").read_text(encoding="utf-8")
    assert "Speaker names guessed" in review and "楼天城" in review and "Lou Tiancheng" in review
    first_turn = next(p["segments"][0] for sec in data["sections"] for p in sec["paragraphs"]
                      if p.get("speaker") == "楼天城" and p["segments"])
    assert "review:speaker-name" in first_turn["flags"]
