"""Find, unpack, install and list models of every family.

`--model PATH` may be an Argos `.argosmodel`, an unpacked package, a CTranslate2 model folder
(with its tokenizer files), a zip of such a folder, or the name of an installed model. Argos
packages install where argostranslate looks (`ARGOS_PACKAGES_DIR`), so both tools see them;
other families install under `$BITEXT_MODELS_DIR` (default `$XDG_DATA_HOME/bitext/models`).
Every install is staged in a temporary sibling and renamed into place, so an interrupted
install never leaves half a model that later runs would trip over.
"""
from __future__ import annotations

import logging
import os
import shutil
import tempfile
import zipfile
from pathlib import Path, PurePosixPath

from ..safezip import model_archive_members
from . import argos_package
from .argos_package import MAX_UNPACKED_BYTES, METADATA, _extract
from .base import Family, ModelError, ModelInfo, describe_folder
from .digests import file_digest

log = logging.getLogger(__name__)


def models_dir() -> Path:
    """Where non-Argos models are installed."""
    if os.environ.get("BITEXT_MODELS_DIR"):
        return Path(os.environ["BITEXT_MODELS_DIR"])
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "bitext" / "models"


# --------------------------------------------------------------------------- loading

def load_model(path: Path | str, *, family: Family | None = None,
               cache_dir: Path | None = None) -> ModelInfo:
    """Describe the model at `path` (folder, zip, or installed name), detecting its family."""
    given = Path(path).expanduser()
    shown = str(path)
    if not given.exists():
        installed = _installed_by_name(str(path))
        if installed is not None:
            return installed
        raise ModelError("model not found", path=shown,
                         hint="give a model folder, an .argosmodel or a zip of a model folder, "
                              "or the name of a model that `bitext model list` shows")
    if given.is_dir():
        return describe_folder(given, shown=shown, family=family)
    if not zipfile.is_zipfile(given):
        raise ModelError("not a model: a file that is not a zip archive", path=shown,
                         hint="give the model folder, or an .argosmodel / .zip of it")
    if _zip_top(given, shown) is not None and _is_argos_zip(given):
        info = argos_package.load_package(given, cache_dir=cache_dir).as_model()
    else:
        root = Path(cache_dir) if cache_dir is not None else argos_package.default_cache_dir()
        dest = root / file_digest(given)[:32]
        if not dest.is_dir():
            _extract(given, dest)
        info = describe_folder(_model_root(dest), shown=shown, family=family)
    if family is not None and info.family != family:
        raise ModelError(f"this is a {info.family.value} model, not {family.value}", path=shown,
                         hint=f"drop --engine, or use --engine {info.family.value}")
    return info


def _is_argos_zip(path: Path) -> bool:
    with zipfile.ZipFile(path) as zf:
        return any(PurePosixPath(n).parts[1:] == (METADATA,) for n in zf.namelist())


def _zip_top(path: Path, shown: str) -> str | None:
    """Check a model zip before anything is extracted; return its single top folder, if any.

    Refuses absolute or parent-relative member paths and archives that would unpack to
    more than a real model does (the same limit as Argos packages).
    """
    infos = model_archive_members(path, error=ModelError, max_bytes=MAX_UNPACKED_BYTES,
                                  damaged_hint="copy or download it again")
    names = [PurePosixPath(i.filename) for i in infos]
    tops = {n.parts[0] for n in names if n.parts}
    loose = any(len(n.parts) == 1 and not i.is_dir() for n, i in zip(names, infos))
    return tops.pop() if len(tops) == 1 and not loose else None


def _model_root(unpacked: Path) -> Path:
    """The model folder inside an unpacked zip: the zip's root, or its one top folder."""
    entries = [p for p in unpacked.iterdir() if not p.name.startswith(".")]
    if len(entries) == 1 and entries[0].is_dir():
        return entries[0]
    return unpacked


# --------------------------------------------------------------------------- installing

def install_model(path: Path | str) -> ModelInfo:
    """Install an Argos package or a CTranslate2 model folder (or a zip of either)."""
    source = Path(path).expanduser()
    shown = str(path)
    if not source.exists():
        raise ModelError("model not found", path=shown, hint="check the path")
    if source.is_file() and zipfile.is_zipfile(source) and _is_argos_zip(source):
        return argos_package.install_package(source).as_model()
    info = load_model(source)  # validates (and unpacks a zip) before anything is installed
    if info.family == Family.ARGOS:
        install_root, _ = argos_package._packages_dirs()
    else:
        install_root = models_dir()
    dest = install_root / info.path.name
    try:
        install_root.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".bitext-install-", dir=install_root))
    except OSError as exc:
        raise ModelError(f"cannot write to the models folder ({exc})", path=str(install_root),
                         hint="set BITEXT_MODELS_DIR (or ARGOS_PACKAGES_DIR for Argos packages) "
                              "to a writable folder") from None
    try:
        shutil.copytree(info.path, staging / info.path.name)
        describe_folder(staging / info.path.name, shown=shown, family=info.family)
        if dest.exists():
            shutil.rmtree(dest)
        os.replace(staging / info.path.name, dest)
    except OSError as exc:
        raise ModelError(f"could not install the model ({exc})", path=shown,
                         hint=f"check free space and permissions of {install_root}") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return describe_folder(dest, shown=str(dest), family=info.family)


# --------------------------------------------------------------------------- listing

def installed_models() -> list[ModelInfo]:
    """bitext's own models (by name), then the Argos packages; unusable folders are skipped."""
    found: list[ModelInfo] = []
    root = models_dir()
    if root.is_dir():
        for folder in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")):
            try:
                found.append(describe_folder(folder, shown=str(folder)))
            except ModelError as exc:
                log.warning("skipping unusable model: %s", exc)
    for pkg in argos_package.installed_packages():
        try:
            found.append(pkg.as_model())
        except ModelError as exc:
            log.warning("skipping unusable package: %s", exc)
    return found


def find_model(source_lang: str = "zh", target_lang: str = "en") -> ModelInfo | None:
    """The installed model for a pair: bitext's own first (by name), else the newest Argos one."""
    root = models_dir()
    if root.is_dir():
        for info in installed_models():
            if info.family == Family.ARGOS:
                break
            if info.source_lang in (source_lang, "") and info.target_lang in (target_lang, ""):
                return info
    package = argos_package.find_package(source_lang, target_lang)
    return package.as_model() if package is not None else None


def _installed_by_name(name: str) -> ModelInfo | None:
    if "/" in name or os.sep in name:
        return None
    return next((m for m in installed_models() if m.name == name), None)
