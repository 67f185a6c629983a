"""The shipped term base is found in a normal (wheel) install, and user files lay over it."""
from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from pipeline.glossary.termbase import load_glossary, shipped_glossary_files

ROOT = Path(__file__).resolve().parents[1]


def _write(path: Path, rows: list[str]) -> Path:
    path.write_text("source\ttarget\tforbidden\tcategory\tnote\tkeep\tcontext\n"
                    + "".join(r + "\n" for r in rows), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    proc = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                           "-q", "-w", str(out), str(ROOT)], capture_output=True, text=True)
    if proc.returncode != 0:
        pytest.skip(f"cannot build a wheel here: {proc.stderr.strip()[-200:]}")
    return next(out.glob("bitext-*.whl"))


def test_wheel_carries_the_glossary_and_a_plain_install_loads_it(wheel: Path, tmp_path: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    shipped = [n for n in names if n.startswith("pipeline/shipped_glossary/") and n.endswith(".tsv")]
    assert shipped, names
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)  # a wheel is installed by unpacking it
    cwd = tmp_path / "elsewhere"
    (cwd / "glossary").mkdir(parents=True)
    # a stray ./glossary in the working folder must not replace the shipped term base
    _write(cwd / "glossary" / "stray.tsv", ["大模型\tbig fat model\t\tconcept\t\t\t"])
    env = {**os.environ, "PYTHONPATH": str(site)}
    code = ("from pipeline.glossary.termbase import load_glossary; g = load_glossary(); "
            "import pipeline; print(pipeline.__file__); print(len(g.entries)); "
            "print([e.target for e in g.entries if '大模型' in e.sources])")
    proc = subprocess.run([sys.executable, "-c", code], cwd=cwd, env=env, capture_output=True,
                          text=True, check=True)
    where, count, targets = proc.stdout.splitlines()
    assert where.startswith(str(site))
    assert int(count) == len(load_glossary().entries) > 300
    assert targets == "['large model']"


def test_user_glossary_overrides_entry_by_entry_and_adds(tmp_path: Path) -> None:
    user = _write(tmp_path / "mine.tsv", ["大模型\tLLM\t\tconcept\t\t\t",
                                         "刘煜宏\tLiu Yuhong\t\tperson\t\t\t"])
    shipped = load_glossary()
    merged = load_glossary([user], with_shipped=True)
    targets = {s: e.target for e in merged.entries for s in e.sources if not e.context}
    assert targets["大模型"] == "LLM"
    assert targets["刘煜宏"] == "Liu Yuhong"
    assert len(merged.entries) == len(shipped.entries) + 1  # one replaced, one added
    assert [p for p, _ in merged.files][-1] == str(user)
    assert [p for p, _ in merged.files][:-1] == [str(p) for p in shipped_glossary_files()]
    only = load_glossary([user], with_shipped=False)
    assert len(only.entries) == 2


def test_cli_lists_loaded_files_and_uses_shipped_from_any_folder(tmp_path: Path) -> None:
    user = _write(tmp_path / "mine.tsv", ["鲍凡\tBao Fan\t\tperson\t\t\t"])
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([sys.executable, "-m", "pipeline", "glossary", "list", "-g", str(user)],
                          cwd=tmp_path, env=env, capture_output=True, text=True, check=True)
    assert "鲍凡\t→ Bao Fan" in proc.stdout
    assert "大模型\t→ large model" in proc.stdout
    assert f"loaded 1 entries from {user}" in proc.stderr
    assert "ai-terms.tsv" in proc.stderr
