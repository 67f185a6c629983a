"""NLLB-200 and M2M-100 models converted by `ct2-transformers-converter`.

Both are many-to-many models with one shared vocabulary holding a token per language and
one SentencePiece model (`sentencepiece.bpe.model`, copied with `--copy_files`). The source
is the language token, the pieces, then `</s>`; the decoder (starting from `</s>`) is forced
to begin with the target language token, which is stripped from the output:

    NLLB-200:  zho_Hans ▁… </s>   →   eng_Latn ▁…
    M2M-100:   __zh__ ▁… </s>     →   __en__ ▁…

The family is told apart by which language tokens the vocabulary holds, not by names.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .base import Family, ModelError, ModelInfo
from .ct2_folder import is_ct2_folder, read_ct2_folder, require_tokens

SPM_NAMES = ("sentencepiece.bpe.model", "spm.model", "sentencepiece.model")
EOS = "</s>"


@dataclass(frozen=True)
class LanguageTokens:
    """How a family writes the zh and en language tokens."""

    source: str
    target: str
    label: str


TOKENS = {
    Family.NLLB: LanguageTokens("zho_Hans", "eng_Latn", "NLLB-200"),
    Family.M2M100: LanguageTokens("__zh__", "__en__", "M2M-100"),
}


def describe(folder: Path, *, shown: str, family: Family = Family.NLLB) -> ModelInfo | None:
    """Registry hook: a CTranslate2 folder whose vocabulary holds this family's zh/en tokens."""
    if not is_ct2_folder(folder) or not any((folder / n).is_file() for n in
                                            (*SPM_NAMES, "shared_vocabulary.json",
                                             "shared_vocabulary.txt")):
        return None
    ct2 = read_ct2_folder(folder, shown=shown)
    tokens = TOKENS[family]
    if tokens.source not in ct2.source_vocab and tokens.target not in ct2.target_vocab:
        return None
    require_tokens(ct2, {tokens.source: ct2.source_vocab, tokens.target: ct2.target_vocab,
                         EOS: ct2.source_vocab}, shown=shown, what=f"{tokens.label} model")
    spm = next((folder / n for n in SPM_NAMES if (folder / n).is_file()), None)
    if spm is None:
        raise ModelError(f"{tokens.label} model folder lacks sentencepiece.bpe.model", path=shown,
                         hint="convert again with `--copy_files sentencepiece.bpe.model`, or "
                              "copy it from the original model beside model.bin")
    files = {folder / n for n in ("model.bin", "config.json") if (folder / n).is_file()}
    return ModelInfo(
        family=family, path=folder, model_dir=folder, name=folder.name,
        source_lang="zh", target_lang="en", source_spm=spm, target_spm=spm,
        source_prefix=(tokens.source,), source_suffix=(EOS,), target_prefix=(tokens.target,),
        files=tuple(sorted(files | {spm, *ct2.vocab_files})))
