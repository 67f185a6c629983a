"""Build real `.argosmodel` packages offline, with random weights, for tests and benchmarks.

Nothing can be downloaded here, so the package is made from scratch: a SentencePiece model
trained on a few hundred lines, a CTranslate2 Transformer filled with seeded numpy weights,
and the metadata.json argostranslate expects, zipped under one top-level folder exactly like
a published package. The translations are nonsense; the file format, tokenizer, vocabulary
and decoding path are the real ones, so the engine is exercised end to end.

Deterministic for a given seed. Torch is never imported: `ctranslate2.specs` would import it
if installed, so it is blocked while the spec module loads.
"""
from __future__ import annotations

import contextlib
import io
import json
import random
import re
import string
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import numpy as np

ROUNDTABLE = Path(__file__).resolve().parents[1] / "input" / "o1-roundtable.md"
PREFIX_TOKEN = "__en__"
# Output bias for special tokens: random weights would otherwise stop at a random step or emit
# <s>/<unk> (which decode to nothing); with it every output runs to max_decoding_length and
# decodes to visible text, so tests can rely on its shape.
SPECIAL_BIAS = -1e4
SPECIALS = ("<unk>", "<s>", "</s>")
# Markdown images, links (text kept), html tags and emphasis/heading characters.
_MARKUP = re.compile(r"!\[.*?\]\(.*?\)|\[(.*?)\]\(.*?\)|<[^>]+>|[*#>=\-_`]")


@dataclass(frozen=True)
class Dims:
    """Model size; `ct2_vocab` > SentencePiece's size pads the CTranslate2 vocabulary.

    `tied` shares the output projection with the embeddings (as OpenNMT-trained Argos models
    do, and smaller on disk); untied gives varied output pieces from random weights.
    """

    enc_layers: int = 2
    dec_layers: int = 2
    d_model: int = 64
    heads: int = 4
    ffn: int = 128
    sp_vocab: int = 1000
    ct2_vocab: int | None = None
    tied: bool = False
    stop_after: int = 0  # > 0: every output is this many tokens, then </s> (see below)


def build_tiny_argos_package(dest_dir: Path, *, layers: int = 2, d_model: int = 64,
                             heads: int = 4, ffn: int = 128, vocab_size: int = 1000,
                             seed: int = 0, target_prefix: str = "",
                             name: str | None = None) -> Path:
    """A small zh→en package (seconds to build, < 1 MB); returns the `.argosmodel` path.

    `vocab_size` is a SentencePiece target: Chinese text needs one piece per distinct
    character (about 600 in the roundtable text), so ~300 is impossible and 1000 is used.
    `target_prefix="__en__"` makes a package whose decoder is forced to start with that token
    (it is in the vocabulary), like multilingual Argos models.
    """
    dims = Dims(layers, layers, d_model, heads, ffn, vocab_size)
    default_name = f"translate-zh_en-tiny{seed}" + ("-prefix" if target_prefix else "")
    return _build_package(Path(dest_dir), dims, seed=seed, target_prefix=target_prefix,
                          name=name or default_name)


def build_realistic_model(dest_dir: Path, *, layers: int = 6, d_model: int = 512,
                          heads: int = 8, ffn: int = 2048, vocab_size: int = 8000,
                          padded_vocab: int = 32000, tied: bool = True, seed: int = 0,
                          target_prefix: str = "", name: str = "translate-zh_en-bench",
                          stop_after: int = 0) -> Path:
    """A package with Transformer-base dimensions (~61 MB int8) for speed/memory benchmarks.

    SentencePiece can't learn 32k pieces from one article, so it learns what it can and the
    CTranslate2 vocabulary is padded with synthetic `<extra_N>` tokens up to `padded_vocab`:
    the output softmax, embeddings and model size are those of a real 32k-vocabulary model.
    Tied by default, like real Argos models; outputs then repeat one piece, which is
    irrelevant to timing. `stop_after=N` makes every output N tokens long and then end, like
    a real model's: the projection is the embeddings permuted so that the echoed token is
    each token's successor in a cycle that reaches `</s>` N steps after the start token.
    """
    dims = Dims(layers, layers, d_model, heads, ffn, vocab_size, padded_vocab, tied, stop_after)
    return _build_package(Path(dest_dir), dims, seed=seed, target_prefix=target_prefix, name=name)


# --------------------------------------------------------------------------- text

def training_lines(seed: int = 0) -> list[str]:
    """A few hundred mixed Chinese/English lines, from the sample article when present."""
    rng = random.Random(seed)
    zh: list[str] = []
    if ROUNDTABLE.is_file():
        for line in ROUNDTABLE.read_text(encoding="utf-8").splitlines():
            line = _MARKUP.sub(r"\1", line).strip()
            if len(line) >= 4:
                zh.append(line)
    if len(zh) < 50:  # synthetic fallback: random phrases over common characters
        chars = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单风切打白教速花带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今集温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连断深难近矿千周委素技备半办青省列习响约支般史感劳便团往酸历市克何除消构府称太准精值号率族维划选标写存候毛亲快效斯院查江型眼王按格养易置派层片始却专状育厂京识适属圆包火住调满县局照参红细引听该铁价严"
        for _ in range(300):
            zh.append("".join(rng.choice(chars) for _ in range(rng.randint(6, 30))) + "。")
    words = ("the model data training compute scale reasoning language agent product company "
             "market user future year open research team paper test search learn build fast "
             "large small new good because which would could should first last").split()
    en = [" ".join(rng.choice(words) for _ in range(rng.randint(4, 14))).capitalize() + "."
          for _ in range(200)]
    en += english_names(rng)
    lines = zh + en
    rng.shuffle(lines)
    return lines


def english_lines(seed: int = 0) -> list[str]:
    """English-only lines (an OPUS-MT target tokenizer never sees Chinese)."""
    return [line for line in training_lines(seed) if not re.search(r"[\u4e00-\u9fff]", line)]


def english_names(rng: random.Random) -> list[str]:
    """Lines with product names, acronyms and versions, as any real English corpus has:
    every ASCII letter and digit occurs, so no Latin text is unknown to the tokenizer."""
    alphabet = string.ascii_uppercase + string.ascii_lowercase + string.digits
    lines = []
    for i in range(60):
        name = "".join(rng.choice(string.ascii_uppercase) for _ in range(rng.randint(2, 4)))
        lines.append(f"The {name}-{rng.randint(1, 99)} release has {alphabet[i % len(alphabet)]} "
                     f"and {alphabet[(7 * i) % len(alphabet)]}{rng.randint(0, 9)} in it.")
    return lines


# --------------------------------------------------------------------------- tokenizer

def train_sentencepiece(lines: list[str], vocab_size: int, *, model_type: str = "unigram",
                        user_symbols: tuple[str, ...] = (PREFIX_TOKEN,)) -> bytes:
    """Train a SentencePiece model in memory (no files, no network)."""
    import sentencepiece as spm

    out = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(lines), model_writer=out, vocab_size=vocab_size,
        hard_vocab_limit=False, character_coverage=1.0, model_type=model_type,
        user_defined_symbols=list(user_symbols), minloglevel=2, num_threads=1)
    return out.getvalue()


def sentencepiece_vocab(model: bytes) -> list[str]:
    import sentencepiece as spm

    sp = spm.SentencePieceProcessor(model_proto=model)
    return [sp.id_to_piece(i) for i in range(sp.get_piece_size())]


# --------------------------------------------------------------------------- model

@contextlib.contextmanager
def _torch_blocked() -> Iterator[None]:
    """Make `import torch` fail while ctranslate2.specs loads (it imports torch if present)."""
    saved = sys.modules.get("torch", ...)
    sys.modules["torch"] = None  # type: ignore[assignment]
    try:
        yield
    finally:
        if saved is ...:
            sys.modules.pop("torch", None)
        else:
            sys.modules["torch"] = saved


def write_ct2_transformer(out_dir: Path, vocab: list[str], dims: Dims, seed: int, *,
                          target_vocab: list[str] | None = None, config: dict | None = None,
                          never_emit: tuple[str, ...] = ()) -> None:
    """Save a pre-norm Transformer with seeded random weights.

    Source and target share embeddings unless `target_vocab` differs (OPUS-MT style).
    Tied random weights make the decoder echo its input token forever (fine for timing);
    an untied projection gives varied output pieces (better for tests). `config` sets
    CTranslate2 config fields (decoder_start_token, add_source_eos) as the converters do;
    `never_emit` tokens (language tokens) get the same negative bias as the specials.
    """
    with _torch_blocked():
        from ctranslate2.specs import common_spec, transformer_spec

    rng = np.random.default_rng(seed)
    target = target_vocab if target_vocab is not None else vocab
    d, v = dims.d_model, len(target)

    def dense(out: int, inp: int) -> np.ndarray:
        return (rng.standard_normal((out, inp)) / np.sqrt(inp)).astype(np.float32)

    def linear(spec: common_spec.LinearSpec, out: int, inp: int) -> None:
        spec.weight = dense(out, inp)
        spec.bias = np.zeros(out, np.float32)

    def norm(spec: common_spec.LayerNormSpec) -> None:
        spec.gamma = np.ones(d, np.float32)
        spec.beta = np.zeros(d, np.float32)

    def attention(spec, cross: bool) -> None:
        norm(spec.layer_norm)
        if cross:  # query, fused key/value, output
            linear(spec.linear[0], d, d)
            linear(spec.linear[1], 2 * d, d)
            linear(spec.linear[2], d, d)
        else:  # fused query/key/value, output
            linear(spec.linear[0], 3 * d, d)
            linear(spec.linear[1], d, d)

    def ffn(spec) -> None:
        norm(spec.layer_norm)
        linear(spec.linear_0, dims.ffn, d)
        linear(spec.linear_1, d, dims.ffn)

    spec = transformer_spec.TransformerSpec.from_config(
        (dims.enc_layers, dims.dec_layers), dims.heads, pre_norm=True)
    embeddings = (rng.standard_normal((v, d)) / np.sqrt(d)).astype(np.float32)
    spec.encoder.embeddings[0].weight = (
        embeddings if target is vocab else
        (rng.standard_normal((len(vocab), d)) / np.sqrt(d)).astype(np.float32))
    spec.decoder.embeddings.weight = embeddings
    if dims.stop_after:
        _stopping_weights(spec, embeddings, target, dims.stop_after, rng)
    elif dims.tied:
        spec.decoder.projection.weight = embeddings
        spec.decoder.projection.bias = np.zeros(v, np.float32)
    else:
        linear(spec.decoder.projection, v, d)
    ends = ("</s>",) if dims.stop_after else ()
    for token in (*SPECIALS, *never_emit):
        if token in target and token not in ends:
            spec.decoder.projection.bias[target.index(token)] = SPECIAL_BIAS
    norm(spec.encoder.layer_norm)
    norm(spec.decoder.layer_norm)
    for layer in spec.encoder.layer:
        attention(layer.self_attention, cross=False)
        ffn(layer.ffn)
    for layer in spec.decoder.layer:
        attention(layer.self_attention, cross=False)
        attention(layer.attention, cross=True)
        ffn(layer.ffn)
    for key, value in (config or {}).items():
        setattr(spec.config, key, value)
    spec.register_source_vocabulary(vocab)
    spec.register_target_vocabulary(target)
    spec.validate()
    spec.optimize(quantization="int8")
    spec.save(str(out_dir))


def _stopping_weights(spec, embeddings: np.ndarray, vocab: list[str], length: int,  # noqa: ANN001
                      rng: np.random.Generator) -> None:
    """Embeddings and projection that make every hypothesis end like a real model's output.

    A decoder with large embeddings echoes its input token through the random layers, so the
    projection row of token j decides which input leads to j. Chain tokens c1 … c(length-1)
    get orthogonal embeddings and each row holds its predecessor's: `<s>` → c1 → … → `</s>`.
    Every other token shares one direction that leads to c1, so a beam hypothesis that strays
    joins the chain and ends too; beam search (which waits for `beam` finished hypotheses)
    then stops within about twice `length` steps instead of running to the maximum.
    """
    d = embeddings.shape[1]
    scale = 8.0
    start, end = vocab.index("<s>"), vocab.index("</s>")
    others = [i for i in rng.permutation(len(vocab)).tolist() if i not in (start, end)]
    chain = [start, *others[:length - 1], end]
    basis, _ = np.linalg.qr(rng.standard_normal((d, len(chain) + 1)))
    directions = basis.T.astype(np.float32) * scale  # orthogonal: chain tokens, then "the rest"
    rest = directions[-1]
    embeddings[:] = rest + (rng.standard_normal(embeddings.shape) * 0.05).astype(np.float32)
    for k, token in enumerate(chain):
        embeddings[token] = directions[k]
    projection = (rng.standard_normal(embeddings.shape) * 0.05).astype(np.float32)
    for k in range(1, len(chain)):
        projection[chain[k]] = directions[k - 1]
    projection[chain[1]] += rest
    spec.decoder.projection.weight = projection
    spec.decoder.projection.bias = np.zeros(len(vocab), np.float32)


# --------------------------------------------------------------------------- package

def _build_package(dest_dir: Path, dims: Dims, *, seed: int, target_prefix: str,
                   name: str) -> Path:
    """Write `dest_dir/name/` (the unpacked package) and `dest_dir/name.argosmodel`."""
    pkg = dest_dir / name
    (pkg / "model").mkdir(parents=True, exist_ok=False)
    sp_model = train_sentencepiece(training_lines(seed), dims.sp_vocab)
    (pkg / "sentencepiece.model").write_bytes(sp_model)
    vocab = sentencepiece_vocab(sp_model)
    if target_prefix and target_prefix not in vocab:
        raise ValueError(f"target prefix {target_prefix!r} is not a SentencePiece piece")
    if dims.ct2_vocab and dims.ct2_vocab > len(vocab):
        vocab += [f"<extra_{i}>" for i in range(dims.ct2_vocab - len(vocab))]
    write_ct2_transformer(pkg / "model", vocab, dims, seed)
    metadata = {
        "package_version": "0.1", "argos_version": "1.9",
        "from_code": "zh", "from_name": "Chinese", "to_code": "en", "to_name": "English",
        "type": "translate", "target_prefix": target_prefix,
    }
    (pkg / "metadata.json").write_text(json.dumps(metadata, indent=2), encoding="utf-8")
    return zip_package(pkg, dest_dir / f"{name}.argosmodel")


def zip_package(pkg_dir: Path, zip_path: Path) -> Path:
    """Zip a package folder the way Argos publishes it: under one top-level folder."""
    with zipfile.ZipFile(zip_path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        for f in sorted(pkg_dir.rglob("*")):
            zf.write(f, f"{pkg_dir.name}/{f.relative_to(pkg_dir).as_posix()}")
    return zip_path


# --------------------------------------------------------------------------- CTranslate2 folders
# The layouts users get from the CTranslate2 converters, with random weights.

NLLB_LANGS = ("zho_Hans", "zho_Hant", "eng_Latn", "fra_Latn", "deu_Latn")
M2M_LANGS = ("__zh__", "__en__", "__fr__", "__de__")


def build_marian_folder(dest_dir: Path, *, dims: Dims = Dims(), seed: int = 0,
                        name: str = "opus-mt-zh-en-tiny", add_source_eos: bool = True) -> Path:
    """An OPUS-MT folder as `ct2-opus-mt-converter` leaves it once source.spm and target.spm
    are copied in: separate source (Chinese) and target (English) SentencePiece models and
    vocabularies, `add_source_eos`, decoder starting from `</s>`."""
    folder = Path(dest_dir) / name
    folder.mkdir(parents=True)
    source_sp = train_sentencepiece(training_lines(seed), dims.sp_vocab, user_symbols=())
    target_sp = train_sentencepiece(english_lines(seed), 400, user_symbols=())
    (folder / "source.spm").write_bytes(source_sp)
    (folder / "target.spm").write_bytes(target_sp)
    write_ct2_transformer(folder, sentencepiece_vocab(source_sp), dims, seed,
                          target_vocab=sentencepiece_vocab(target_sp),
                          config={"decoder_start_token": "</s>", "add_source_eos": add_source_eos})
    return folder


def build_multilingual_folder(dest_dir: Path, family: str, *, dims: Dims = Dims(),
                              seed: int = 0, name: str | None = None) -> Path:
    """An NLLB-200 (`family="nllb"`) or M2M-100 (`"m2m100"`) folder as
    `ct2-transformers-converter … --copy_files sentencepiece.bpe.model` leaves it: one shared
    vocabulary of BPE pieces plus language tokens, decoder starting from `</s>`."""
    langs = {"nllb": NLLB_LANGS, "m2m100": M2M_LANGS}[family]
    folder = Path(dest_dir) / (name or f"{family}-tiny")
    folder.mkdir(parents=True)
    sp_model = train_sentencepiece(training_lines(seed), dims.sp_vocab, model_type="bpe",
                                   user_symbols=())
    (folder / "sentencepiece.bpe.model").write_bytes(sp_model)
    vocab = sentencepiece_vocab(sp_model) + list(langs) + ["<mask>"]
    write_ct2_transformer(folder, vocab, dims, seed, never_emit=(*langs, "<mask>"),
                          config={"decoder_start_token": "</s>"})
    return folder


def zip_folder(folder: Path, zip_path: Path, *, top: bool = True) -> Path:
    """Zip a model folder, under its own name (`top`) or with its files at the root."""
    with zipfile.ZipFile(zip_path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        for f in sorted(folder.rglob("*")):
            rel = f.relative_to(folder).as_posix()
            zf.write(f, f"{folder.name}/{rel}" if top else rel)
    return zip_path


# --------------------------------------------------------------------------- GGUF (llama.cpp)

CHAT_TEMPLATE = ("{% for m in messages %}<|{{ m['role'] }}|>\n{{ m['content'] }}</s>\n"
                 "{% endfor %}<|assistant|>\n")


def build_tiny_gguf(path: Path, *, seed: int = 0, d_model: int = 64, layers: int = 2,
                    heads: int = 4, ffn: int = 128, vocab_size: int = 1000) -> Path:
    """A llama-architecture GGUF with random weights and a real SentencePiece vocabulary
    (byte fallback on, so any text tokenizes): llama.cpp loads it and answers in
    milliseconds. Its answers are gibberish: protocol and enforcement tests only."""
    import gguf
    import sentencepiece as spm

    out = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(training_lines(seed)), model_writer=out, vocab_size=vocab_size,
        hard_vocab_limit=False, character_coverage=0.995, model_type="unigram", byte_fallback=True,
        minloglevel=2, num_threads=1)
    sp = spm.SentencePieceProcessor(model_proto=out.getvalue())
    n = sp.get_piece_size()
    types = []
    for i in range(n):
        if sp.is_unknown(i):
            types.append(gguf.TokenType.UNKNOWN)
        elif sp.is_control(i):
            types.append(gguf.TokenType.CONTROL)
        elif sp.is_byte(i):
            types.append(gguf.TokenType.BYTE)
        else:
            types.append(gguf.TokenType.NORMAL)
    rng = np.random.default_rng(seed)

    def weight(*shape: int) -> np.ndarray:
        return (rng.standard_normal(shape) / np.sqrt(shape[-1])).astype(np.float32)

    writer = gguf.GGUFWriter(str(path), "llama")
    writer.add_name("bitext-tiny-llama")
    writer.add_context_length(2048)
    writer.add_embedding_length(d_model)
    writer.add_block_count(layers)
    writer.add_feed_forward_length(ffn)
    writer.add_head_count(heads)
    writer.add_head_count_kv(heads)
    writer.add_layer_norm_rms_eps(1e-5)
    writer.add_rope_dimension_count(d_model // heads)
    writer.add_file_type(gguf.LlamaFileType.ALL_F32)
    writer.add_tokenizer_model("llama")
    writer.add_token_list([sp.id_to_piece(i).encode("utf-8") for i in range(n)])
    writer.add_token_scores([float(sp.get_score(i)) for i in range(n)])
    writer.add_token_types([int(t) for t in types])
    writer.add_bos_token_id(sp.bos_id())
    writer.add_eos_token_id(sp.eos_id())
    writer.add_unk_token_id(sp.unk_id())
    writer.add_chat_template(CHAT_TEMPLATE)
    writer.add_tensor("token_embd.weight", weight(n, d_model))
    writer.add_tensor("output_norm.weight", np.ones(d_model, np.float32))
    writer.add_tensor("output.weight", weight(n, d_model))
    for b in range(layers):
        writer.add_tensor(f"blk.{b}.attn_norm.weight", np.ones(d_model, np.float32))
        for name in ("attn_q", "attn_k", "attn_v", "attn_output"):
            writer.add_tensor(f"blk.{b}.{name}.weight", weight(d_model, d_model))
        writer.add_tensor(f"blk.{b}.ffn_norm.weight", np.ones(d_model, np.float32))
        writer.add_tensor(f"blk.{b}.ffn_gate.weight", weight(ffn, d_model))
        writer.add_tensor(f"blk.{b}.ffn_up.weight", weight(ffn, d_model))
        writer.add_tensor(f"blk.{b}.ffn_down.weight", weight(d_model, ffn))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return path
