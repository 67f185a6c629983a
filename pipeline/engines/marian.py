"""OPUS-MT (Marian) models converted by `ct2-opus-mt-converter` or `ct2-transformers-converter`.

The folder holds model.bin, config.json, the vocabularies, and the two SentencePiece models
the user copies beside them: `source.spm` (Chinese side) and `target.spm` (English side).
Marian reads the pieces followed by `</s>`: the OPUS-MT converter sets `add_source_eos` in
config.json so CTranslate2 appends it, the Transformers converter does not, so it is added
here only when the config does not. The decoder starts from `</s>` (config.json's
`decoder_start_token`); there is no language token for a one-pair model like zh→en.
"""
from __future__ import annotations

import re
from pathlib import Path

from .base import Family, ModelError, ModelInfo
from .ct2_folder import is_ct2_folder, read_ct2_folder, require_tokens

SOURCE_SPM = "source.spm"
TARGET_SPM = "target.spm"
EOS = "</s>"
# Helsinki-NLP names its models opus-mt-<src>-<tgt>; the folder records no languages otherwise.
_PAIR = re.compile(r"opus-mt-([a-z]{2,3})-([a-z]{2,3})(?![a-z])", re.IGNORECASE)


def describe(folder: Path, *, shown: str, family: Family = Family.MARIAN) -> ModelInfo | None:
    """Registry hook: a CTranslate2 folder with source.spm and target.spm, else None."""
    if not is_ct2_folder(folder):
        return None
    have = [n for n in (SOURCE_SPM, TARGET_SPM) if (folder / n).is_file()]
    if not have:
        return None
    if len(have) == 1:
        missing = TARGET_SPM if have == [SOURCE_SPM] else SOURCE_SPM
        raise ModelError(f"OPUS-MT model folder lacks {missing}", path=shown,
                         hint=f"copy {missing} from the original model beside model.bin")
    ct2 = read_ct2_folder(folder, shown=shown)
    eos = str(ct2.config.get("eos_token") or EOS)
    require_tokens(ct2, {eos: ct2.source_vocab}, shown=shown, what="OPUS-MT model")
    start = ct2.config.get("decoder_start_token", EOS)
    pair = _PAIR.search(folder.resolve().name)
    return ModelInfo(
        family=Family.MARIAN, path=folder, model_dir=folder, name=folder.name,
        source_lang=pair.group(1).lower() if pair else "",
        target_lang=pair.group(2).lower() if pair else "",
        source_spm=folder / SOURCE_SPM, target_spm=folder / TARGET_SPM,
        source_suffix=() if ct2.config.get("add_source_eos") else (eos,),
        # A model converted without a start token expects the caller to give it.
        target_prefix=(eos,) if "decoder_start_token" in ct2.config and start is None else (),
        files=_output_files(folder, ct2.vocab_files))


def _output_files(folder: Path, vocab_files: list[Path]) -> tuple[Path, ...]:
    """What decides the output: weights, config, vocabularies and both tokenizers."""
    names = ["model.bin", "config.json", SOURCE_SPM, TARGET_SPM]
    return tuple(sorted({folder / n for n in names if (folder / n).is_file()} | set(vocab_files)))
