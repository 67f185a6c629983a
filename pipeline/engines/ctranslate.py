"""One CTranslate2 engine for every family: batched, length-sorted, tokens declared by the family.

argostranslate translates through `argostranslate.translate`, which imports spaCy/stanza/torch
and hands CTranslate2 sub-batches of 32 tokens. Here the family's SentencePiece models and
CTranslate2 model are driven directly: each call's sentences go to CTranslate2 at once, cut
into token-bounded sub-batches that it sorts by length and spreads over the translator
replicas. `bench/bench_argos.py` prints the speed-up over argostranslate's own API on the
same model; `bench/bench_engine.py` the speed-up over one sentence per call.

`ctranslate2` and `sentencepiece` are imported lazily so `import pipeline.engines` stays
cheap for commands that never translate; neither imports torch.
"""
from __future__ import annotations

import hashlib
import json
import math
import os
from typing import TYPE_CHECKING, Any, Callable

from ..errors import BitextError
from .argos_package import PackageError, PackageInfo
from .base import MTResult, ModelInfo

if TYPE_CHECKING:
    import ctranslate2
    import sentencepiece

# Same decoding knobs as argostranslate, so output quality matches `argos-translate`.
LENGTH_PENALTY = 0.2
REPLACE_UNKNOWNS = True
DEVICES = ("auto", "cpu", "cuda")
ENGINE_REVISION = 2  # bump when a change here alters translations, to invalidate caches
# Source tokens per sub-batch and beam hypothesis: the cap for models that stop early.
TOKENS_PER_BEAM = 4096
# Decoding memory grows with hypotheses × steps (each step's attention cache), so a sub-batch
# holds at most HYPOTHESIS_STEPS // (beam × steps) sentences, where steps is what a real model
# writes at most (twice the longest source, plus a margin) within max_decoding_length. Measured with
# Transformer-base int8, 24 sentences, outputs running to 256 tokens, beam 4, 2 replicas:
# 4 sentences per sub-batch peak at 520 MB RSS, 8 at 760 MB, for the same CPU time (85 s);
# bench_argos.py prints the peak of a whole `bitext translate` run.
HYPOTHESIS_STEPS = 6144
# Translator replicas on CPU. Measured on 2 cores (verified-facts.md): 2 replicas × 1 thread
# translate batches 1.9× faster than 1 replica × 2 threads; each replica costs memory.
# `bench/bench_engine.py` (without --no-extra) prints both legs on the machine at hand.
MAX_REPLICAS = 2

__all__ = ["CTranslate2Engine", "MTResult"]


def _available_cores() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


class CTranslate2Engine:
    """Batched translation with any CTranslate2 family (Argos, OPUS-MT, NLLB-200, M2M-100).

    The model loads on first use and stays loaded, so a folder of files reuses one warm
    model. On CPU it runs `min(2, cores)` replicas with `cores // replicas` threads each.
    """

    def __init__(self, model: ModelInfo | PackageInfo, device: str = "auto", beam: int = 4,
                 batch_size: int = 32, max_decoding_length: int = 256, *,
                 min_decoding_length: int = 0, compute_type: str = "auto",
                 inter_threads: int | None = None, intra_threads: int | None = None,
                 max_batch_tokens: int | None = None) -> None:
        if beam < 1 or batch_size < 1 or max_decoding_length < 1:
            raise ValueError("beam, batch_size and max_decoding_length must be >= 1")
        if device not in DEVICES:
            raise ValueError(f"device must be one of {', '.join(DEVICES)}, not {device!r}")
        self.source = model
        self.beam = beam
        self.batch_size = batch_size
        self.max_decoding_length = max_decoding_length
        self.min_decoding_length = min_decoding_length
        self.max_batch_tokens = max_batch_tokens or max(64, TOKENS_PER_BEAM // beam)
        self._requested = (device, compute_type, inter_threads, intra_threads)
        self._translator: ctranslate2.Translator | None = None
        self._source_sp: sentencepiece.SentencePieceProcessor | None = None
        self._target_sp: sentencepiece.SentencePieceProcessor | None = None
        self.model: ModelInfo | None = model if isinstance(model, ModelInfo) else None
        self.device = ""
        self.compute_type = ""
        self.inter_threads = 1
        self.loads = 0  # how many times a model was loaded (folder mode must load once)
        self._identity: str | None = None

    # ----------------------------------------------------------------- identity

    @property
    def identity(self) -> str:
        """sha256 of the model identity and every option that changes the text produced.

        Device, compute type, threading and batching are left out on purpose: a
        translation cache should survive moving between CPU and GPU. Computed once: the
        translate stage asks for it per chunk.
        """
        if self._identity is None:
            self._identity = self._compute_identity()
        return self._identity

    def _compute_identity(self) -> str:
        options = {
            "engine": "ctranslate2", "revision": ENGINE_REVISION,
            "package": self.source.identity, "beam": self.beam,
            "max_decoding_length": self.max_decoding_length,
            "min_decoding_length": self.min_decoding_length,
            "length_penalty": LENGTH_PENALTY, "replace_unknowns": REPLACE_UNKNOWNS,
        }
        return hashlib.sha256(json.dumps(options, sort_keys=True).encode()).hexdigest()

    # ----------------------------------------------------------------- loading

    def load(self) -> None:
        """Load tokenizers and model now (otherwise done on the first translation)."""
        if self._translator is not None:
            return
        import ctranslate2
        import sentencepiece

        model = self.model or self.source.as_model()  # type: ignore[union-attr]
        device, compute_type, inter, intra = self._requested
        gpus = ctranslate2.get_cuda_device_count()
        if device == "auto":
            device = "cuda" if gpus > 0 else "cpu"
        elif device == "cuda" and gpus == 0:
            raise BitextError("no CUDA device is available to CTranslate2",
                              hint="use --device cpu (or auto)")
        if compute_type == "auto":
            supported = ctranslate2.get_supported_compute_types(device)
            preferred = "int8" if device == "cpu" else "int8_float16"
            compute_type = preferred if preferred in supported else "default"
        if device == "cpu":
            cores = _available_cores()
            inter = inter or min(MAX_REPLICAS, cores)
            intra = intra or max(1, cores // inter)
        else:
            inter, intra = inter or 1, intra or 0
        try:
            self._source_sp = sentencepiece.SentencePieceProcessor(
                model_file=str(model.source_spm))
            self._target_sp = (self._source_sp if model.target_spm == model.source_spm else
                               sentencepiece.SentencePieceProcessor(
                                   model_file=str(model.target_spm)))
            self._translator = ctranslate2.Translator(
                str(model.model_dir), device=device, compute_type=compute_type,
                inter_threads=inter, intra_threads=intra)
        except (RuntimeError, ValueError, OSError) as exc:
            raise PackageError(f"cannot load the translation model ({exc})",
                               path=str(model.path),
                               hint="the model may be damaged or for another CTranslate2 "
                                    "version: reinstall it") from None
        self.model = model
        self.device, self.compute_type, self.inter_threads = device, compute_type, inter
        self.loads += 1

    # ----------------------------------------------------------------- tokens

    def encode(self, text: str) -> list[str]:
        """The source tokens the model reads: family prefix + SentencePiece pieces + suffix."""
        self.load()
        assert self._source_sp is not None and self.model is not None
        return [*self.model.source_prefix, *self._source_sp.encode(text, out_type=str),
                *self.model.source_suffix]

    def decode(self, tokens: list[str]) -> str:
        """Output tokens back to text, without the forced target prefix."""
        self.load()
        assert self._target_sp is not None and self.model is not None
        prefix = list(self.model.target_prefix)
        if prefix and tokens[:len(prefix)] == prefix:
            tokens = tokens[len(prefix):]
        return self._target_sp.decode_pieces(list(tokens)).strip()

    def copied(self, text: str) -> str:
        """`text` as it comes back if the model copies every source piece unchanged.

        Shows what this family's tokenizers do to a glossary placeholder (`XT1`): a piece the
        target side does not know decodes to ` ⁇ `, and the placeholder could never survive.
        """
        self.load()
        assert self._source_sp is not None
        return self.decode(self._source_sp.encode(text, out_type=str))

    # ----------------------------------------------------------------- translation

    def translate(self, texts: list[str], on_batch: Callable[[int], None] | None = None, *,
                  on_results: Callable[[int, list[MTResult]], None] | None = None,
                  ) -> list[MTResult]:
        """Translate `texts`, returning one result per input, in input order.

        Work goes in chunks of `batch_size` consecutive inputs; after each chunk
        `on_batch(len(chunk))` is called (progress) and `on_results(start, results)` with
        the results for `texts[start:start + len(chunk)]` (so a caller can persist them
        before the next chunk; an interrupted run then loses at most one chunk).
        Blank inputs give "" without reaching the model.
        """
        results: list[MTResult] = []
        for start in range(0, len(texts), self.batch_size):
            chunk = texts[start:start + self.batch_size]
            done = self._translate_chunk(chunk)
            results.extend(done)
            if on_batch is not None:
                on_batch(len(chunk))
            if on_results is not None:
                on_results(start, done)
        return results

    def translate_one_at_a_time(self, texts: list[str]) -> list[MTResult]:
        """One sentence per model call, as argostranslate does per line; for benchmarks."""
        results: list[MTResult] = []
        for text in texts:
            results.extend(self._translate_chunk([text], split=False))
        return results

    def _translate_chunk(self, chunk: list[str], split: bool = True) -> list[MTResult]:
        results: list[MTResult] = [MTResult("", None) for _ in chunk]
        todo = [i for i, t in enumerate(chunk) if t.strip()]
        if not todo:
            return results
        self.load()
        assert self._translator is not None and self.model is not None
        tokens = {i: self.encode(chunk[i]) for i in todo}
        # CTranslate2 sorts the examples by length and cuts them into sub-batches of at most
        # `budget` source tokens, run in parallel on the replicas: split the call's tokens
        # evenly over the replicas so they finish together, within the memory cap.
        lengths = [len(t) for t in tokens.values()]
        total = sum(lengths)
        if split:
            steps = min(self.max_decoding_length, 2 * max(lengths) + 16)
            sentences = max(1, HYPOTHESIS_STEPS // (self.beam * steps))
            budget = min(self.max_batch_tokens, math.ceil(total / self.inter_threads),
                         math.ceil(sentences * total / len(lengths)))
        else:
            budget = total
        budget = max(budget, max(lengths))
        prefix = list(self.model.target_prefix)
        options: dict[str, Any] = {}
        if prefix:
            options["target_prefix"] = [prefix] * len(todo)
        outputs = self._translator.translate_batch(
            [tokens[i] for i in todo],
            beam_size=self.beam, max_batch_size=budget, batch_type="tokens",
            max_decoding_length=self.max_decoding_length + len(prefix),
            min_decoding_length=self.min_decoding_length + len(prefix),
            length_penalty=LENGTH_PENALTY, replace_unknowns=REPLACE_UNKNOWNS,
            return_scores=True, **options)
        for i, out in zip(todo, outputs):
            score = float(out.scores[0]) if out.scores else None
            results[i] = MTResult(self.decode(list(out.hypotheses[0])), score)
        return results
