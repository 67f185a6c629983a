"""Machine translation: Argos packages run directly on CTranslate2 (no argostranslate.translate)."""
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
from .ctranslate import CTranslate2Engine, MTResult

__all__ = [
    "CTranslate2Engine", "MTResult", "PackageError", "PackageInfo", "default_cache_dir",
    "download_and_install", "find_package", "install_package", "installed_packages",
    "load_package",
]
