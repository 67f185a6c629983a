"""Shared fixtures. Tests never touch the network or the user's real Argos/cache folders."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "input" / "o1-roundtable.md"


@pytest.fixture(autouse=True, scope="session")
def _isolated_dirs(tmp_path_factory: pytest.TempPathFactory) -> None:
    base = tmp_path_factory.mktemp("home")
    for var in ("XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME"):
        os.environ[var] = str(base / var.lower())
    os.environ["ARGOS_PACKAGES_DIR"] = str(base / "argos-packages")


@pytest.fixture(scope="session")
def sample_doc():
    from pipeline.readers import read_document

    return read_document(SAMPLE)
