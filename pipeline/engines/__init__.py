"""Machine translation engines: one CTranslate2 engine for Argos, OPUS-MT, NLLB-200 and M2M-100.

`base` holds the Engine protocol and the family registry; each family module says how its
folder is laid out and which tokens its model expects; `store` finds, installs and lists
models. `argostranslate.translate` is never imported.
"""
from __future__ import annotations

from .argos_package import (
    PackageError,
    PackageInfo,
    default_cache_dir,
    download_and_install,
    find_package,
    install_package,
    installed_packages,
    load_package,
)
from .base import Engine, Family, ModelError, ModelInfo, MTResult
from .ctranslate import CTranslate2Engine
from .store import find_model, install_model, installed_models, load_model, models_dir

__all__ = [
    "CTranslate2Engine", "Engine", "Family", "MTResult", "ModelError", "ModelInfo",
    "PackageError", "PackageInfo", "default_cache_dir", "download_and_install", "find_model",
    "find_package", "install_model", "install_package", "installed_models", "installed_packages",
    "load_model", "load_package", "models_dir",
]
