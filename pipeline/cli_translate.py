"""`bitext translate`, `bitext model …` and `bitext import` (filled in with the engine)."""
from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    pass
