"""What every embedding backend offers, and the per-text cache in front of them.

Alignment and the meaning check only need "text → unit vector"; which model makes the vectors
is a user's choice (`--embedder`), so the stages talk to this protocol and never to a library.
"""
from __future__ import annotations

import hashlib
import os
import sqlite3
import sys
import time
from pathlib import Path
from typing import Protocol, Sequence

import numpy as np

from ..errors import BitextError

BATCH = 32  # texts per model call: large enough to amortise the call, small enough for the bar


class Embedder(Protocol):
    """A cross-lingual sentence encoder. `name` identifies the model in the cache key, so two
    backends never share vectors."""

    name: str
    dim: int

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """L2-normalised float32 vectors, one row per text, in order."""
        ...


def default_embedding_cache() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "bitext" / "embeddings.sqlite"


def _key(model: str, text: str) -> str:
    return hashlib.sha256(f"{model}\x1f{text}".encode("utf-8")).hexdigest()


class EmbeddingCache:
    """SQLite keyed by a hash of (model, text): re-aligning an edited document only embeds the
    sentences that changed. Vectors are stored as float16 (half the size; cosines move < 1e-3)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(str(path), timeout=30)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("CREATE TABLE IF NOT EXISTS vec (key TEXT PRIMARY KEY, v BLOB NOT NULL)")
            self._db.commit()
        except (sqlite3.Error, OSError) as exc:
            raise BitextError(f"cannot open the embedding cache ({exc})", path=str(path),
                              hint="use --cache PATH or --cache none")

    def get_many(self, keys: list[str]) -> dict[str, np.ndarray]:
        out: dict[str, np.ndarray] = {}
        for i in range(0, len(keys), 500):
            chunk = keys[i:i + 500]
            rows = self._db.execute(
                f"SELECT key, v FROM vec WHERE key IN ({','.join('?' * len(chunk))})", chunk)
            out.update({k: np.frombuffer(v, dtype=np.float16).astype(np.float32) for k, v in rows})
        return out

    def put_many(self, rows: list[tuple[str, np.ndarray]]) -> None:
        with self._db:
            self._db.executemany("INSERT OR REPLACE INTO vec VALUES (?, ?)",
                                 [(k, v.astype(np.float16).tobytes()) for k, v in rows])

    def close(self) -> None:
        self._db.close()


class CachedEmbedder:
    """Any backend behind the cache, deduplicating texts and showing a bar on a terminal."""

    def __init__(self, backend: Embedder, cache: EmbeddingCache | None = None, *,
                 progress: bool = False) -> None:
        self.backend = backend
        self.cache = cache
        self.progress = progress
        self.name = backend.name
        self.dim = backend.dim
        self.embedded = 0  # texts the model actually encoded (cache misses), for the bench
        self.seconds = 0.0  # wall time spent inside the model

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        unique = list(dict.fromkeys(texts))
        keys = {t: _key(self.name, t) for t in unique}
        found = self.cache.get_many(list(keys.values())) if self.cache else {}
        vectors = {t: found[k] for t, k in keys.items() if k in found}
        missing = [t for t in unique if t not in vectors]
        if missing:
            from tqdm import tqdm

            bar = tqdm(total=len(missing), desc="embedding", unit="sent", file=sys.stderr,
                       disable=not (self.progress and sys.stderr.isatty()))
            for i in range(0, len(missing), BATCH):
                batch = missing[i:i + BATCH]
                start = time.perf_counter()
                out = np.asarray(self.backend.embed(batch), dtype=np.float32)
                self.seconds += time.perf_counter() - start
                rows = []
                for text, vec in zip(batch, out):
                    vectors[text] = vec
                    rows.append((keys[text], vec))
                if self.cache:
                    self.cache.put_many(rows)
                self.embedded += len(batch)
                bar.update(len(batch))
            bar.close()
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return normalise(np.stack([vectors[t] for t in texts]))


def normalise(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=-1, keepdims=True)
    return matrix / np.where(norms == 0, 1, norms)
