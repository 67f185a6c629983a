"""What every translation engine offers the pipeline, and the registry of model families.

The translate stage only needs three things from an engine: an identity (the cache key, so
a cached translation is never reused for another model or decoding setting), a batch size,
and `translate(batch)` returning one result per input, in order. An engine that declares
`reads_context` also takes a `SegmentContext` per text (speaker, section, required terms).
Everything family-specific (which tokenizer, which language tokens, which decoder prefix)
is declared by the family's module as a `ModelInfo`, so one CTranslate2 engine drives them all.

Families are found by looking at what a folder holds, never by its name: each family module
has a `describe(path)` that returns a `ModelInfo` when the folder is of its layout, None when
it is not, and raises a `BitextError` naming the missing file when it is but is incomplete.
"""
from __future__ import annotations

import hashlib
import importlib
import json
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Protocol, runtime_checkable

from ..errors import BitextError
from .digests import file_digest


class Family(str, Enum):
    """A model family: how its folder is laid out and how text becomes its tokens."""

    ARGOS = "argos"  # Argos Translate package (.argosmodel): metadata.json, model/, sentencepiece
    MARIAN = "marian"  # OPUS-MT via ct2-opus-mt-converter: source.spm + target.spm
    NLLB = "nllb"  # NLLB-200 via ct2-transformers-converter: zho_Hans … </s> → eng_Latn
    M2M100 = "m2m100"  # M2M-100 via ct2-transformers-converter: __zh__ … </s> → __en__


# Detection order matters only where layouts overlap: an Argos package holds a model folder,
# so it is tried first. Module names keep this file free of imports of the families.
FAMILY_MODULES: dict[Family, str] = {
    Family.ARGOS: "pipeline.engines.argos_package",
    Family.MARIAN: "pipeline.engines.marian",
    Family.NLLB: "pipeline.engines.nllb",
    Family.M2M100: "pipeline.engines.nllb",
}


class ModelError(BitextError):
    """A model folder is missing, incomplete or of no known layout; says what to do."""


@dataclass
class MTResult:
    """One translation; `score` is the engine's (length-penalised) log-probability, if any."""

    text: str
    score: float | None


@dataclass(frozen=True)
class TermNote:
    """A glossary term of a segment as a context-reading engine is told it: the Chinese, the
    English the edition requires, and the renderings the review rejects."""

    source: str
    target: str
    forbidden: tuple[str, ...] = ()


@dataclass(frozen=True)
class SegmentContext:
    """What surrounds a segment, for engines that read it (`reads_context = True`: the LLM).

    An MT model translates a sentence alone and gets none of this. An instruction model
    translates better knowing who speaks and under which heading, and it can be told a term's
    required English instead of copying a placeholder it does not understand.
    """

    speaker: str | None = None
    section: str | None = None
    terms: tuple[TermNote, ...] = ()

    def key(self) -> str:
        """Everything the engine sees of this context, for the cache key."""
        return json.dumps([self.speaker, self.section,
                           [[t.source, t.target, list(t.forbidden)] for t in self.terms]],
                          ensure_ascii=False)


@runtime_checkable
class Engine(Protocol):
    """What the translate stage calls. Results must come back one per input, in input order."""

    batch_size: int

    @property
    def identity(self) -> str: ...

    def translate(self, texts: list[str]) -> list[MTResult]: ...


def reads_context(engine: object) -> bool:
    """True for an engine whose `translate(texts, contexts)` takes a `SegmentContext` per text:
    it gets the Chinese as written with the terms' English in the context, never placeholders."""
    return bool(getattr(engine, "reads_context", False))


@dataclass(frozen=True)
class ModelInfo:
    """A model folder described by what decoding needs: its family's declared tokenization.

    `source_prefix`/`source_suffix` wrap every source's SentencePiece pieces (NLLB:
    `zho_Hans` … `</s>`); `target_prefix` is forced at the start of every output and
    stripped from it (NLLB: `eng_Latn`). `files` are the files that decide the output;
    their content (not name, size or date) makes the cache identity.
    """

    family: Family
    path: Path  # the folder the user gave (or where a zip was unpacked)
    model_dir: Path  # holds model.bin
    name: str
    source_lang: str
    target_lang: str
    source_spm: Path
    target_spm: Path
    source_prefix: tuple[str, ...] = ()
    source_suffix: tuple[str, ...] = ()
    target_prefix: tuple[str, ...] = ()
    version: str = ""
    files: tuple[Path, ...] = field(default=(), compare=False)

    @property
    def size_bytes(self) -> int:
        return sum(f.stat().st_size for f in self.path.rglob("*") if f.is_file())

    @property
    def identity(self) -> str:
        """sha256 over the family, its declared tokens and every file that decides output."""
        h = hashlib.sha256(b"bitext-model/1\0")
        h.update(json.dumps([self.family.value, self.source_prefix, self.source_suffix,
                             self.target_prefix]).encode())
        for f in sorted(self.files or _all_files(self.path)):
            h.update(b"\0" + f.relative_to(self.path).as_posix().encode() + b"\0")
            h.update(file_digest(f).encode())
        return h.hexdigest()


def _all_files(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file()]


# --------------------------------------------------------------------------- registry

def family_module(family: Family):  # noqa: ANN201 - a module with describe(path, shown=...)
    return importlib.import_module(FAMILY_MODULES[family])


def describe_folder(folder: Path, *, shown: str, family: Family | None = None) -> ModelInfo:
    """The `ModelInfo` of a model folder, detected from its contents (or forced by `family`)."""
    families = [family] if family is not None else list(FAMILY_MODULES)
    for fam in families:
        info = family_module(fam).describe(folder, shown=shown, family=fam)
        if info is not None:
            return info
    if family is not None:
        raise ModelError(f"not a {family.value} model folder", path=shown,
                         hint="drop --engine to detect the family from the folder's files")
    if (folder / "model.bin").is_file():
        raise ModelError("CTranslate2 model without a tokenizer this family needs", path=shown,
                         hint="copy source.spm and target.spm (OPUS-MT), or "
                              "sentencepiece.bpe.model (NLLB-200, M2M-100) beside model.bin")
    nested = sorted({p.parent for p in folder.glob("*/model.bin")}
                    | {p.parent.parent for p in folder.glob("*/model/model.bin")})
    hint = (f"did you mean {nested[0]}?" if nested else
            "expected an Argos package, or a CTranslate2 model folder (model.bin, config.json, "
            "vocabulary) with its tokenizer: source.spm + target.spm (OPUS-MT) or "
            "sentencepiece.bpe.model (NLLB-200, M2M-100)")
    raise ModelError("no known model layout in this folder", path=shown, hint=hint)


def order_by_length(texts: list[str]) -> list[str]:
    """Texts grouped by length (ties by text, so the order is deterministic).

    Sentences of similar length in one batch waste no decoding steps on padding; the
    alphabetical order mixes one-word and 100-character sentences in every batch.
    """
    return sorted(texts, key=lambda t: (len(t), t))


def batch_order(engine: object, texts: list[str]) -> list[str]:
    """The order in which `engine` wants `texts` (given in document order) batched.

    MT engines want them by length (padding); an engine that reads its batch as running
    text (`document_order = True`, the LLM engine) wants neighbours together, for context.
    """
    return list(texts) if getattr(engine, "document_order", False) else order_by_length(texts)
