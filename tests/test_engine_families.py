"""Every model family end to end: OPUS-MT (Marian), NLLB-200, M2M-100 and Argos, on tiny
random-weight CTranslate2 models laid out exactly as the converters leave them.

Outputs are nonsense; the tests check what the family's layout decides: which folder is
which family, which tokens reach the model (compared with a direct CTranslate2 call given
the documented token layout), that the forced target prefix never shows in the text, that
glossary placeholders survive the family's tokenizers, and that `bitext translate --model DIR`
publishes every segment with the glossary enforced or flagged.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
for p in (str(ROOT), str(TESTS)):
    if p not in sys.path:
        sys.path.insert(0, p)

from argos_fixture import (  # noqa: E402
    build_marian_folder,
    build_multilingual_folder,
    build_tiny_argos_package,
    zip_folder,
)

from pipeline.engines import (  # noqa: E402
    CTranslate2Engine,
    Family,
    ModelError,
    install_model,
    installed_models,
    load_model,
)
from pipeline.engines.base import order_by_length  # noqa: E402
from pipeline.glossary.matcher import TermMatcher  # noqa: E402
from pipeline.glossary.termbase import load_glossary  # noqa: E402
from pipeline.stages.translate import protect, restore  # noqa: E402

MAXLEN = 10
SENTENCES = [
    "OpenAI o1 的发布对行业意味着什么？",
    "我觉得过去 18 个月是在加速的，而且速度还是非常快的。",
    "好。",
    "大模型的推理能力和强化学习，是今年最重要的进展。",
]
# What each family's converter documents as the model's input and forced output start.
LAYOUT = {
    Family.ARGOS: ((), (), ()),
    Family.MARIAN: ((), (), ()),  # </s> is appended by CTranslate2 (add_source_eos)
    Family.NLLB: (("zho_Hans",), ("</s>",), ("eng_Latn",)),
    Family.M2M100: (("__zh__",), ("</s>",), ("__en__",)),
}


@pytest.fixture(scope="session")
def folders(tmp_path_factory: pytest.TempPathFactory) -> dict[Family, Path]:
    """One tiny model per family, built once per test session (under a second each)."""
    dest = tmp_path_factory.mktemp("families")
    argos_zip = build_tiny_argos_package(dest, seed=3, name="translate-zh_en-families")
    return {
        Family.ARGOS: argos_zip.with_suffix(""),
        Family.MARIAN: build_marian_folder(dest),
        Family.NLLB: build_multilingual_folder(dest, "nllb"),
        Family.M2M100: build_multilingual_folder(dest, "m2m100"),
    }


@pytest.fixture(scope="session")
def engines(folders) -> dict[Family, CTranslate2Engine]:
    return {fam: CTranslate2Engine(load_model(path), beam=1, batch_size=8,
                                   max_decoding_length=MAXLEN) for fam, path in folders.items()}


@pytest.fixture
def models_home(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("BITEXT_MODELS_DIR", str(tmp_path / "models"))
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(tmp_path / "argos"))
    return tmp_path / "models"


# --------------------------------------------------------------------------- detection

@pytest.mark.parametrize("family", list(Family))
def test_family_is_detected_from_the_folder(folders, family):
    info = load_model(folders[family])
    assert info.family == family
    assert (info.source_prefix, info.source_suffix, info.target_prefix) == LAYOUT[family]
    assert info.model_dir.joinpath("model.bin").is_file() and info.source_spm.is_file()
    if family is Family.MARIAN:
        assert info.source_spm.name == "source.spm" and info.target_spm.name == "target.spm"
        assert (info.source_lang, info.target_lang) == ("zh", "en")  # from opus-mt-zh-en
    assert len(info.identity) == 64


def test_identities_differ_between_families_and_survive_copies(folders, tmp_path):
    ids = {fam: load_model(path).identity for fam, path in folders.items()}
    assert len(set(ids.values())) == len(ids)
    copy = shutil.copytree(folders[Family.NLLB], tmp_path / "elsewhere")
    assert load_model(copy).identity == ids[Family.NLLB]
    (copy / "sentencepiece.bpe.model").write_bytes(
        folders[Family.M2M100].joinpath("sentencepiece.bpe.model").read_bytes()[::-1][:10]
        + folders[Family.NLLB].joinpath("sentencepiece.bpe.model").read_bytes()[10:])
    assert load_model(copy).identity != ids[Family.NLLB]


def test_forced_family_must_match(folders):
    assert load_model(folders[Family.NLLB], family=Family.NLLB).family is Family.NLLB
    with pytest.raises(ModelError, match="not a m2m100 model folder"):
        load_model(folders[Family.NLLB], family=Family.M2M100)
    with pytest.raises(ModelError, match="not a marian model folder"):
        load_model(folders[Family.ARGOS], family=Family.MARIAN)


def _copy_without(folder: Path, dest: Path, *names: str) -> Path:
    copy = shutil.copytree(folder, dest / folder.name)
    for name in names:
        (copy / name).unlink()
    return copy


@pytest.mark.parametrize("family, remove, message", [
    (Family.MARIAN, ("target.spm",), "lacks target.spm"),
    (Family.NLLB, ("sentencepiece.bpe.model",), "lacks sentencepiece.bpe.model"),
    (Family.M2M100, ("shared_vocabulary.json",), "has no vocabulary"),
    (Family.MARIAN, ("source.spm", "target.spm"), "without a tokenizer"),
])
def test_incomplete_folders_say_what_is_missing(folders, tmp_path, family, remove, message):
    broken = _copy_without(folders[family], tmp_path, *remove)
    with pytest.raises(ModelError, match=message) as err:
        load_model(broken)
    assert str(broken) in str(err.value) and "(" in str(err.value)  # a hint follows


def test_parent_folder_points_at_the_model(folders, tmp_path):
    parent = tmp_path / "downloads"
    shutil.copytree(folders[Family.MARIAN], parent / "opus-mt-zh-en")
    with pytest.raises(ModelError, match="did you mean .*opus-mt-zh-en"):
        load_model(parent)
    with pytest.raises(ModelError, match="model not found"):
        load_model(tmp_path / "nothing-here")


def test_vocabulary_without_the_language_token_is_refused(folders, tmp_path):
    copy = shutil.copytree(folders[Family.NLLB], tmp_path / "nllb-no-eng")
    vocab = json.loads((copy / "shared_vocabulary.json").read_text(encoding="utf-8"))
    vocab[vocab.index("eng_Latn")] = "xxx_Latn"
    (copy / "shared_vocabulary.json").write_text(json.dumps(vocab), encoding="utf-8")
    with pytest.raises(ModelError, match="no 'eng_Latn' token"):
        load_model(copy)


# --------------------------------------------------------------------------- tokens

@pytest.mark.parametrize("family", list(Family))
def test_model_reads_the_documented_tokens(folders, engines, family):
    """Engine output equals a direct CTranslate2 call with the converter's documented layout."""
    import ctranslate2
    import sentencepiece

    info = load_model(folders[family])
    src = sentencepiece.SentencePieceProcessor(model_file=str(info.source_spm))
    tgt = sentencepiece.SentencePieceProcessor(model_file=str(info.target_spm))
    prefix, suffix, target_prefix = LAYOUT[family]
    source = [[*prefix, *src.encode(s, out_type=str), *suffix] for s in SENTENCES]
    assert [engines[family].encode(s) for s in SENTENCES] == source
    raw = ctranslate2.Translator(str(info.model_dir), compute_type="int8").translate_batch(
        source, beam_size=1, max_decoding_length=MAXLEN + len(target_prefix),
        target_prefix=[list(target_prefix)] * len(source) if target_prefix else None)
    results = engines[family].translate(SENTENCES)
    for result, out in zip(results, raw):
        pieces = out.hypotheses[0]
        assert pieces[:len(target_prefix)] == list(target_prefix)
        assert len(pieces) == MAXLEN + len(target_prefix)
        assert result.text == tgt.decode_pieces(pieces[len(target_prefix):]).strip()
        assert result.text and not any(t in result.text for t in target_prefix)


def test_marian_without_source_eos_in_config_gets_it_appended(tmp_path):
    folder = build_marian_folder(tmp_path, add_source_eos=False, name="opus-mt-zh-en-hf")
    engine = CTranslate2Engine(load_model(folder), beam=1, max_decoding_length=4)
    tokens = engine.encode("你好。")
    assert tokens[-1] == "</s>" and tokens.count("</s>") == 1
    assert engine.translate(["你好。"])[0].text


@pytest.mark.parametrize("family", list(Family))
def test_glossary_placeholders_survive_the_family_tokenizers(engines, family):
    """A placeholder the model copies must come back intact through encode → decode."""
    matcher = TermMatcher(load_glossary([ROOT / "glossary" / "ai-terms.tsv"]))
    for sentence in SENTENCES:
        hits = matcher.hits(sentence)
        protected, mapping = protect(sentence, hits, "placeholder")
        if not mapping:
            continue
        copied = engines[family].copied(protected)
        assert "⁇" not in copied
        restored = restore(copied, mapping)
        assert restored is not None, (family, protected, copied)
        for hit in hits:
            assert hit.target in restored


def test_batches_are_ordered_by_length():
    texts = ["很长很长很长的一句话。", "好。", "中等长度的话。", "甲。", "很长很长很长的一句话！"]
    ordered = order_by_length(texts)
    assert [len(t) for t in ordered] == sorted(len(t) for t in texts)
    assert sorted(ordered) == sorted(texts) and ordered == order_by_length(texts[::-1])


def test_token_budget_splits_work_over_replicas(folders):
    engine = CTranslate2Engine(load_model(folders[Family.NLLB]), beam=4, inter_threads=2,
                               intra_threads=1, max_decoding_length=4)
    assert engine.max_batch_tokens == 1024  # 4096 source tokens × beam hypotheses
    assert CTranslate2Engine(load_model(folders[Family.NLLB]), beam=1).max_batch_tokens == 4096
    batched = engine.translate(SENTENCES * 3)
    single = engine.translate_one_at_a_time(SENTENCES * 3)
    assert [r.text for r in batched] == [r.text for r in single]
    assert engine.loads == 1


# --------------------------------------------------------------------------- zips and installs

@pytest.mark.parametrize("top", [True, False])
def test_zip_of_a_folder_loads_like_the_folder(folders, tmp_path, top):
    archive = zip_folder(folders[Family.MARIAN], tmp_path / "opus.zip", top=top)
    info = load_model(archive, cache_dir=tmp_path / "cache")
    assert info.family is Family.MARIAN
    assert info.identity == load_model(folders[Family.MARIAN]).identity
    again = load_model(archive, cache_dir=tmp_path / "cache")
    assert again.path == info.path


def test_unsafe_zip_is_refused(tmp_path):
    import zipfile

    archive = tmp_path / "evil.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("../model.bin", b"x")
    with pytest.raises(ModelError, match="unsafe path"):
        load_model(archive, cache_dir=tmp_path / "cache")
    assert not (tmp_path / "model.bin").exists()


def test_install_and_list_every_family(folders, models_home, tmp_path):
    nllb_zip = zip_folder(folders[Family.NLLB], tmp_path / "nllb.zip")
    argos_zip = folders[Family.ARGOS].with_suffix(".argosmodel")
    for source in (folders[Family.MARIAN], nllb_zip, folders[Family.M2M100], argos_zip):
        install_model(source)
    listed = {m.name: m for m in installed_models()}
    assert {m.family for m in listed.values()} == set(Family)
    assert listed["opus-mt-zh-en-tiny"].path.parent == models_home
    assert listed["translate-zh_en-families"].path.parent == Path(os.environ["ARGOS_PACKAGES_DIR"])
    assert listed["nllb-tiny"].identity == load_model(folders[Family.NLLB]).identity
    assert not [p for p in models_home.iterdir() if p.name.startswith(".")]  # no staging left
    # an installed model is found by name
    assert load_model("m2m100-tiny").family is Family.M2M100


def _bitext(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline", *args], capture_output=True,
                          text=True, cwd=str(ROOT), timeout=300,
                          env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})})


def test_model_commands(folders, tmp_path):
    env = {"BITEXT_MODELS_DIR": str(tmp_path / "m"), "ARGOS_PACKAGES_DIR": str(tmp_path / "a")}
    assert "no models installed" in _bitext("model", "list", env=env).stdout
    done = _bitext("model", "install", str(folders[Family.NLLB]), env=env)
    assert done.returncode == 0, done.stderr
    assert "installed nllb-tiny (nllb, zh→en)" in done.stdout
    listing = _bitext("model", "list", env=env).stdout.splitlines()
    name, family, size, langs, path = listing[0].split("\t")
    assert (name, family, langs) == ("nllb-tiny", "nllb", "zh→en") and size.endswith(" MB")
    bad = _bitext("model", "install", str(tmp_path / "nope"), env=env)
    assert bad.returncode == 2 and "model not found" in bad.stderr and "Traceback" not in bad.stderr


# --------------------------------------------------------------------------- end to end

SMALL_DOC = """# 圆桌

大模型的推理能力是今年最重要的进展。OpenAI o1 的发布对行业意味着什么？

我觉得过去 18 个月是在加速的。强化学习让模型学会思考。
"""


@pytest.mark.parametrize("family", list(Family))
def test_translate_end_to_end_with_each_family(folders, tmp_path, family):
    doc = tmp_path / "doc.md"
    doc.write_text(SMALL_DOC, encoding="utf-8")
    args = ["translate", str(doc), "--model", str(folders[family]), "--tm", "none",
            "--cache", str(tmp_path / "cache.sqlite"), "--max-length", "12", "--beam", "1",
            "--formats", "json,en.md", "-o", str(tmp_path / "out")]
    first = _bitext(*args)
    assert first.returncode in (0, 1), first.stderr  # 1: the review found problems
    data = json.loads((tmp_path / "out" / "doc" / "doc.json").read_text(encoding="utf-8"))
    segments = [s for sec in data["sections"] for p in sec["paragraphs"] for s in p["segments"]]
    assert len(segments) == 4
    glossary = TermMatcher(load_glossary([ROOT / "glossary" / "ai-terms.tsv"]))
    for seg in segments:
        assert seg["origin"] == "mt" and seg["target"].strip()
        for hit in glossary.hits(seg["source"]):  # enforced, or flagged: never silent
            assert hit.target.lower() in seg["target"].lower() or any(
                f.startswith("term-lost") for f in seg["flags"]), seg
    english = (tmp_path / "out" / "doc" / "doc.en.md").read_text(encoding="utf-8")
    assert all(seg["target"].strip() in english for seg in segments)
    again = _bitext(*args)
    assert again.returncode == first.returncode
    assert (tmp_path / "out" / "doc" / "doc.en.md").read_text(encoding="utf-8") == english
    assert re.search(r"(\d+) segments \(mt \1\); \1 from cache", again.stderr), again.stderr


def test_forcing_the_wrong_family_exits_2(folders, tmp_path):
    doc = tmp_path / "doc.md"
    doc.write_text(SMALL_DOC, encoding="utf-8")
    run = _bitext("translate", str(doc), "--model", str(folders[Family.MARIAN]),
                  "--engine", "nllb", "--tm", "none", "-o", str(tmp_path / "out"))
    assert run.returncode == 2 and "not a nllb model folder" in run.stderr
    assert "Traceback" not in run.stderr


def test_folder_mode_loads_the_model_once(folders, tmp_path, monkeypatch):
    import ctranslate2

    from pipeline.cli import main

    made: list[str] = []
    real = ctranslate2.Translator

    def counting(path, **kw):  # noqa: ANN001, ANN202
        made.append(path)
        return real(path, **kw)

    monkeypatch.setattr(ctranslate2, "Translator", counting)
    docs = tmp_path / "docs"
    docs.mkdir()
    for i in range(3):
        (docs / f"part{i}.md").write_text(SMALL_DOC.replace("18", str(20 + i)), encoding="utf-8")
    code = main(["translate", str(docs), "--model", str(folders[Family.M2M100]), "--tm", "none",
                 "--cache", "none", "--max-length", "6", "--beam", "1", "--formats", "en.md",
                 "-q", "-o", str(tmp_path / "out")])
    assert code in (0, 1)
    assert len(made) == 1
    assert len(list((tmp_path / "out").rglob("*.en.md"))) == 3
