"""Argos package handling and the CTranslate2 engine, on tiny random-weight packages.

The packages are real `.argosmodel` files built offline (see argos_fixture.py); outputs are
nonsense, so tests check shape, order, determinism and plumbing, never content.
Nothing here touches the network or the user's Argos install: every Argos/XDG dir is a temp dir.
"""
from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
for p in (str(ROOT), str(TESTS)):  # robust to pytest's import mode and to the cwd
    if p not in sys.path:
        sys.path.insert(0, p)

from argos_fixture import PREFIX_TOKEN, build_tiny_argos_package, zip_package  # noqa: E402

from pipeline.errors import BitextError  # noqa: E402
from pipeline.engines import (  # noqa: E402
    CTranslate2Engine,
    MTResult,
    PackageError,
    download_and_install,
    find_package,
    install_package,
    installed_packages,
    load_package,
)

MAXLEN = 16
SENTENCES = [
    "我觉得过去 18 个月是在加速的，而且速度还是非常快的。",
    "OpenAI o1 的发布对行业意味着什么？",
    "数量上，基本上每个月都有新模型、新产品、新应用涌现出来。",
    "今年就变成了群雄并起、你追我赶的局面。",
    "好。",
    "AI 应用层的创业，在今天该怎么做？",
    "未来 18 个月，AI 技术和应用的发展路径是什么？",
    "所以各家肯定是在提速。",
    "信息量很大，我们将现场实录整理如下。",
]


@pytest.fixture(scope="module")
def argos_env(tmp_path_factory: pytest.TempPathFactory):
    """Point argostranslate and our cache at temp dirs (before argostranslate is imported)."""
    base = tmp_path_factory.mktemp("argos-env")
    env = {
        "ARGOS_PACKAGES_DIR": str(base / "packages"),
        "XDG_DATA_HOME": str(base / "data"),
        "XDG_CACHE_HOME": str(base / "cache"),
        "XDG_CONFIG_HOME": str(base / "config"),
    }
    for d in env.values():
        Path(d).mkdir(parents=True, exist_ok=True)
    with pytest.MonkeyPatch.context() as mp:
        for key, value in env.items():
            mp.setenv(key, value)
        yield env


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Three packages: the base one, one with a target prefix, one with other weights."""
    dest = tmp_path_factory.mktemp("built")
    return {
        "base": build_tiny_argos_package(dest, seed=0),
        "prefix": build_tiny_argos_package(dest, seed=0, target_prefix=PREFIX_TOKEN),
        "other": build_tiny_argos_package(dest, seed=1),
    }


@pytest.fixture
def packages_dir(argos_env, tmp_path, monkeypatch) -> Path:
    """An empty packages dir of the test's own (changing the variable after argostranslate
    was imported must work too)."""
    path = tmp_path / "argos-packages"
    path.mkdir()
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(path))
    return path


@pytest.fixture(scope="module")
def engine(argos_env, built) -> CTranslate2Engine:
    return CTranslate2Engine(load_package(built["base"]), beam=1, batch_size=4,
                             max_decoding_length=MAXLEN)


# --------------------------------------------------------------------------- packages

def test_load_from_zip_unpacks_once_into_cache(argos_env, built):
    info = load_package(built["base"])
    assert (info.from_code, info.to_code, info.version) == ("zh", "en", "0.1")
    assert info.name == built["base"].stem and info.target_prefix == ""
    assert info.tokenizer.name == "sentencepiece.model" and info.tokenizer.is_file()
    assert (info.model_dir / "model.bin").is_file()
    assert Path(argos_env["XDG_CACHE_HOME"]) in info.path.parents
    stamp = (info.path / "metadata.json").stat().st_mtime_ns
    again = load_package(built["base"])
    assert again.path == info.path
    assert (again.path / "metadata.json").stat().st_mtime_ns == stamp  # not re-extracted


def test_load_from_dir_and_explicit_cache_dir(argos_env, built, tmp_path):
    unpacked = built["base"].with_suffix("")
    from_dir = load_package(unpacked)
    assert from_dir.path == unpacked
    from_zip = load_package(built["prefix"], cache_dir=tmp_path / "c")
    assert tmp_path / "c" in from_zip.path.parents
    assert from_zip.target_prefix == PREFIX_TOKEN


def test_install_then_installed_and_find(packages_dir, built):
    had_translate = "argostranslate.translate" in sys.modules
    assert find_package("zh", "en") is None
    info = install_package(built["base"])
    assert info.path.parent == packages_dir
    assert [p.name for p in installed_packages()] == [info.name]
    found = find_package("zh", "en")
    assert found is not None and found.identity == info.identity
    assert find_package("en", "zh") is None
    if not had_translate:
        assert "argostranslate.translate" not in sys.modules
    import argostranslate.package as argos_package  # argostranslate itself must see it too
    listed = argos_package.get_installed_packages(path=[packages_dir])
    assert [p.from_code for p in listed] == ["zh"]


def _zip(path: Path, files: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return path


BAD_PACKAGES = {
    "missing": "not found",
    "not_zip": "not a zip",
    "no_top_folder": "exactly one top-level folder",
    "two_top_folders": "exactly one top-level folder",
    "no_metadata": "metadata.json is missing",
    "no_model": "model/model.bin",
    "no_tokenizer": "no tokenizer",
    "dir_no_metadata": "metadata.json is missing",
    "bad_json": "not valid JSON",
}


@pytest.mark.parametrize("kind", BAD_PACKAGES)
def test_bad_packages_raise_clear_errors(argos_env, built, tmp_path, kind):
    expected = BAD_PACKAGES[kind]
    unpacked = built["base"].with_suffix("")
    parts = {f.relative_to(unpacked).as_posix(): f.read_bytes()
             for f in unpacked.rglob("*") if f.is_file()}
    top = unpacked.name
    if kind == "missing":
        target = tmp_path / "nope.argosmodel"
    elif kind == "not_zip":
        target = tmp_path / "x.argosmodel"
        target.write_text("hello")
    elif kind == "no_top_folder":
        target = _zip(tmp_path / "x.argosmodel", parts)
    elif kind == "two_top_folders":
        target = _zip(tmp_path / "x.argosmodel", {**{f"{top}/{k}": v for k, v in parts.items()},
                                                  "extra/readme.txt": b"x"})
    elif kind in ("no_metadata", "no_model", "no_tokenizer"):
        drop = {"no_metadata": "metadata.json", "no_model": "model/model.bin",
                "no_tokenizer": "sentencepiece.model"}[kind]
        target = _zip(tmp_path / "x.argosmodel",
                      {f"{top}/{k}": v for k, v in parts.items() if k != drop})
    elif kind == "dir_no_metadata":
        target = tmp_path / "pkg"
        (target / "model").mkdir(parents=True)
    else:  # bad_json
        target = _zip(tmp_path / "x.argosmodel", {**{f"{top}/{k}": v for k, v in parts.items()},
                                                  f"{top}/metadata.json": b"{oops"})
    with pytest.raises(PackageError) as err:
        load_package(target, cache_dir=tmp_path / "cache")
    message = str(err.value)
    assert expected in message and str(target) in message
    assert "(" in message  # every error carries a hint saying what to do


def test_bad_zip_is_not_installed(packages_dir, tmp_path):
    """A zip without its top folder would break argostranslate's listing: refuse it early."""
    target = _zip(tmp_path / "flat.argosmodel", {"metadata.json": b"{}", "model/model.bin": b""})
    with pytest.raises(PackageError, match="top-level folder"):
        install_package(target)
    assert os.listdir(packages_dir) == []
    assert installed_packages() == []  # still lists without error


@pytest.fixture
def offline_index(packages_dir, tmp_path, monkeypatch):
    """Make argostranslate's index/download offline: the index is whatever the test writes."""
    import argostranslate.package as argos_package
    from argostranslate import settings

    index = tmp_path / "index.json"
    monkeypatch.setattr(settings, "local_package_index", index)
    monkeypatch.setattr(argos_package, "update_package_index", lambda: None)

    def no_network(self):
        raise OSError("network is unreachable")

    monkeypatch.setattr(argos_package.AvailablePackage, "download", no_network)
    return index


ENTRY = {"package_version": "0.2", "argos_version": "1.9", "from_code": "zh", "to_code": "en",
         "from_name": "Chinese", "to_name": "English", "type": "translate", "links": []}


def test_download_without_index_is_a_package_error(offline_index):
    with pytest.raises(PackageError, match="package index"):
        download_and_install("zh", "en")


def test_download_failures_are_package_errors(offline_index):
    offline_index.write_text(json.dumps([{**ENTRY, "from_code": "ja"}]))
    with pytest.raises(PackageError, match="no zh→en package"):
        download_and_install("zh", "en")
    offline_index.write_text(json.dumps([ENTRY]))
    with pytest.raises(PackageError, match="could not download .*network is unreachable"):
        download_and_install("zh", "en")


def test_download_installs_what_it_fetched(offline_index, built, monkeypatch):
    import argostranslate.package as argos_package

    offline_index.write_text(json.dumps([ENTRY]))
    monkeypatch.setattr(argos_package.AvailablePackage, "download", lambda self: built["other"])
    info = download_and_install("zh", "en")
    assert info.identity == load_package(built["other"]).identity
    assert [p.path for p in installed_packages()] == [info.path]


# --------------------------------------------------------------------------- identity

def test_identity_is_stable_and_content_based(argos_env, built, tmp_path):
    a = load_package(built["base"]).identity
    assert a == load_package(built["base"]).identity
    assert a == load_package(built["base"].with_suffix("")).identity  # zip and folder alike
    rezipped = zip_package(built["base"].with_suffix(""), tmp_path / "copy.argosmodel")
    assert a == load_package(rezipped, cache_dir=tmp_path / "c").identity
    assert a != load_package(built["prefix"]).identity
    assert a != load_package(built["other"]).identity
    assert len(a) == 64 and int(a, 16) >= 0


def test_engine_identity_tracks_output_options_only(argos_env, built):
    pkg = load_package(built["base"])
    base = CTranslate2Engine(pkg, beam=4).identity
    assert base == CTranslate2Engine(pkg, beam=4, device="cpu", compute_type="float32",
                                     batch_size=7).identity
    assert base != CTranslate2Engine(pkg, beam=2).identity
    assert base != CTranslate2Engine(pkg, beam=4, max_decoding_length=100).identity
    assert base != CTranslate2Engine(load_package(built["other"]), beam=4).identity


# --------------------------------------------------------------------------- translation

def test_translate_returns_one_result_per_input_in_order(engine):
    texts = ["", *SENTENCES[:5], "   ", SENTENCES[5]]
    progress: list[int] = []
    starts: list[int] = []
    results = engine.translate(texts, on_batch=progress.append,
                               on_results=lambda start, rs: starts.append(start))
    assert len(results) == len(texts)
    assert all(isinstance(r, MTResult) for r in results)
    assert results[0] == MTResult("", None) and results[6] == MTResult("", None)
    for text, r in zip(texts, results):
        if text.strip():
            assert r.text and isinstance(r.score, float)
    assert progress == [4, 4] and starts == [0, 4]
    reversed_results = engine.translate(texts[::-1])
    assert [r.text for r in reversed_results] == [r.text for r in results[::-1]]


def test_blank_inputs_never_load_the_model(argos_env, built, tmp_path):
    pkg = load_package(built["base"])
    broken = CTranslate2Engine(dataclasses.replace(pkg, path=tmp_path / "gone"))
    assert broken.translate(["", " ", "\n"]) == [MTResult("", None)] * 3
    with pytest.raises(PackageError, match="cannot load the translation model"):
        broken.translate(["你好"])
    bpe = CTranslate2Engine(dataclasses.replace(pkg, tokenizer=pkg.path / "bpe.model"))
    with pytest.raises(PackageError, match="only SentencePiece"):
        bpe.translate(["你好"])


def test_bad_device_is_rejected(argos_env, built):
    pkg = load_package(built["base"])
    with pytest.raises(ValueError, match="device"):
        CTranslate2Engine(pkg, device="tpu")
    import ctranslate2

    if ctranslate2.get_cuda_device_count() == 0:
        with pytest.raises(BitextError, match="no CUDA device"):
            CTranslate2Engine(pkg, device="cuda").translate(["你好"])


def test_batched_equals_one_at_a_time(engine):
    batched = engine.translate(SENTENCES)
    single = engine.translate_one_at_a_time(SENTENCES)
    assert [r.text for r in batched] == [r.text for r in single]
    assert [r.score for r in batched] == pytest.approx([r.score for r in single], abs=1e-3)


def test_target_prefix_is_forced_and_stripped(argos_env, built):
    import ctranslate2
    import sentencepiece

    pkg = load_package(built["prefix"])
    eng = CTranslate2Engine(pkg, beam=1, batch_size=8, max_decoding_length=MAXLEN)
    results = eng.translate(SENTENCES[:4])
    sp = sentencepiece.SentencePieceProcessor(model_file=str(pkg.tokenizer))
    raw = ctranslate2.Translator(str(pkg.model_dir), compute_type="int8").translate_batch(
        [sp.encode(s, out_type=str) for s in SENTENCES[:4]], beam_size=1,
        target_prefix=[[PREFIX_TOKEN]] * 4, max_decoding_length=MAXLEN + 1)
    for r, out in zip(results, raw):
        pieces = out.hypotheses[0]
        assert pieces[0] == PREFIX_TOKEN and len(pieces) == MAXLEN + 1
        assert r.text == sp.decode_pieces(pieces[1:]).strip()
        assert not r.text.startswith(PREFIX_TOKEN)


def test_run_path_does_not_import_heavy_modules(argos_env, built):
    """Translating must not pull torch/spaCy/stanza (seconds and hundreds of MB)."""
    script = f"""
import json, sys
from pipeline.engines.ctranslate import CTranslate2Engine
from pipeline.engines.argos_package import load_package
eng = CTranslate2Engine(load_package({str(built["base"])!r}), beam=2, max_decoding_length=8)
out = eng.translate(["我觉得过去 18 个月是在加速的。", ""])
heavy = ["torch", "stanza", "spacy", "argostranslate.translate"]
print(json.dumps({{"texts": [r.text for r in out],
                  "loaded": [m for m in heavy if sys.modules.get(m) is not None]}}))
"""
    env = {**os.environ, **argos_env, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          env=env, cwd=str(ROOT), timeout=120)
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout.strip().splitlines()[-1])
    assert report["loaded"] == []
    assert report["texts"][0] and report["texts"][1] == ""
