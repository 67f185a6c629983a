"""Read what a CTranslate2 model folder holds: model.bin, config.json and its vocabularies.

The converters (`ct2-opus-mt-converter`, `ct2-transformers-converter`) write
`shared_vocabulary.json` when source and target vocabularies are equal, else
`source_vocabulary.json` + `target_vocabulary.json`; CTranslate2 before 3.0 wrote `.txt`
files (one token per line). Families read these to recognise their language tokens and to
check that the tokens they will force (`</s>`, `eng_Latn`) exist, before any model loads.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from .base import ModelError

MODEL_BIN = "model.bin"
CONFIG = "config.json"


@dataclass(frozen=True)
class CT2Folder:
    """A CTranslate2 folder's config and vocabularies (read once, small next to model.bin)."""

    path: Path
    config: dict
    source_vocab: frozenset[str]
    target_vocab: frozenset[str]

    @property
    def vocab_files(self) -> list[Path]:
        return [p for p in self.path.iterdir()
                if p.is_file() and p.name.endswith(("_vocabulary.json", "_vocabulary.txt"))]


def is_ct2_folder(folder: Path) -> bool:
    return (folder / MODEL_BIN).is_file()


def read_ct2_folder(folder: Path, *, shown: str) -> CT2Folder:
    """Read config.json and the vocabularies; a clear error when they are missing or broken."""
    config: dict = {}
    if (folder / CONFIG).is_file():
        try:
            loaded = json.loads((folder / CONFIG).read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError) as exc:
            raise ModelError(f"config.json is not valid JSON ({exc})", path=shown,
                             hint="convert the model again") from None
        config = loaded if isinstance(loaded, dict) else {}
    shared = _vocabulary(folder, "shared", shown)
    source = shared if shared is not None else _vocabulary(folder, "source", shown)
    target = shared if shared is not None else _vocabulary(folder, "target", shown)
    if source is None or target is None:
        raise ModelError("CTranslate2 model has no vocabulary (shared_vocabulary.json, or "
                         "source_ and target_vocabulary.json)", path=shown,
                         hint="convert the model again; the converter writes them beside model.bin")
    return CT2Folder(folder, config, frozenset(source), frozenset(target))


def _vocabulary(folder: Path, name: str, shown: str) -> list[str] | None:
    json_path, txt_path = folder / f"{name}_vocabulary.json", folder / f"{name}_vocabulary.txt"
    try:
        if json_path.is_file():
            tokens = json.loads(json_path.read_text(encoding="utf-8"))
            if not isinstance(tokens, list):
                raise ValueError("not a list of tokens")
            return [str(t) for t in tokens]
        if txt_path.is_file():
            return txt_path.read_text(encoding="utf-8").splitlines()
    except (ValueError, UnicodeDecodeError) as exc:
        raise ModelError(f"{name}_vocabulary is unreadable ({exc})", path=shown,
                         hint="convert the model again") from None
    return None


def require_tokens(folder: CT2Folder, tokens: dict[str, frozenset[str]], *, shown: str,
                   what: str) -> None:
    """Fail early when a token the family forces is not in the vocabulary it must be in."""
    for token, vocab in tokens.items():
        if token not in vocab:
            raise ModelError(f"{what}: the vocabulary has no {token!r} token", path=shown,
                             hint="this model cannot translate zh→en, or was converted from "
                                  "another model")
