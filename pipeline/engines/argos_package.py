"""Find, validate, unpack and install Argos Translate packages (`.argosmodel`).

An `.argosmodel` is a zip whose single top-level folder holds `metadata.json`, a tokenizer
(`sentencepiece.model` or `bpe.model`) and `model/` (a CTranslate2 model). We read packages
ourselves instead of going through `argostranslate.translate`, because that module drags in
spaCy, stanza and torch (seconds of start-up, hundreds of MB) just to translate one line.
Only `argostranslate.package` (light) is used, and only inside the functions that need it.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import sys
import tempfile
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from ..cache import cache_home
from ..safezip import model_archive_members
from .base import Family, ModelError, ModelInfo
from .digests import file_digest as _file_digest

log = logging.getLogger(__name__)

TOKENIZER_NAMES = ("sentencepiece.model", "bpe.model")
METADATA = "metadata.json"
MODEL_DIR = "model"
MODEL_BIN = "model.bin"
# Real zh→en packages unpack to a few hundred MB, and model weights barely compress (about
# 1.1×); anything far beyond either is not a package (a 3 MB zip of 3 GB of zeros is a bomb).
MAX_UNPACKED_BYTES = 2 * 1024**3
MAX_RATIO = 20
_RATIO_SLACK = 1024 * 1024  # tiny test packages (metadata, a small model) compress well
_CHUNK = 1024 * 1024
_INSTALL_HINT = "install one with `argospm install translate-zh_en` or pass a .argosmodel file"


class PackageError(ModelError):
    """A package is missing, malformed or could not be installed; the message says what to do."""


@dataclass
class PackageInfo:
    """An unpacked Argos package, described by what the engine needs to run it."""

    path: Path
    from_code: str
    to_code: str
    name: str
    version: str
    target_prefix: str  # metadata "target_prefix"; "" when the package has none
    tokenizer: Path  # sentencepiece.model or bpe.model

    @property
    def model_dir(self) -> Path:
        return self.path / MODEL_DIR

    @property
    def identity(self) -> str:
        """sha256 over what decides the output: metadata, tokenizer and every model file.

        Content-based (not size or mtime) so a cache keyed by it survives copies and
        re-installs; model.bin's digest is memoised because it is the only large file.
        """
        h = hashlib.sha256(b"argos-package/1\0")
        h.update((self.path / METADATA).read_bytes())
        h.update(b"\0tokenizer\0" + self.tokenizer.name.encode() + b"\0")
        h.update(_file_digest(self.tokenizer).encode())
        for f in sorted(p for p in self.model_dir.rglob("*") if p.is_file()):
            h.update(b"\0" + f.relative_to(self.model_dir).as_posix().encode() + b"\0")
            h.update(_file_digest(f).encode())
        return h.hexdigest()

    def as_model(self) -> ModelInfo:
        """The package as the CTranslate2 engine sees it: one SentencePiece model for both
        sides, and the metadata's target prefix (multilingual packages) forced and stripped."""
        if self.tokenizer.name != "sentencepiece.model":
            raise PackageError(
                f"package uses a {self.tokenizer.name} tokenizer; only SentencePiece "
                "packages are supported", path=str(self.path),
                hint="use a SentencePiece package (current zh→en Argos packages are)")
        return ModelInfo(
            family=Family.ARGOS, path=self.path, model_dir=self.model_dir, name=self.name,
            source_lang=self.from_code, target_lang=self.to_code, source_spm=self.tokenizer,
            target_spm=self.tokenizer,
            target_prefix=(self.target_prefix,) if self.target_prefix else (),
            version=self.version)


def describe(folder: Path, *, shown: str, family: Family = Family.ARGOS) -> ModelInfo | None:
    """Registry hook: an unpacked Argos package folder (it holds metadata.json), else None."""
    if not (folder / METADATA).is_file():
        return None
    return _describe_dir(folder, shown=shown).as_model()


# --------------------------------------------------------------------------- loading

def default_cache_dir() -> Path:
    """Where zipped packages are unpacked: `$XDG_CACHE_HOME/bitext/packages`."""
    return cache_home() / "packages"


def load_package(path: Path | str, cache_dir: Path | str | None = None) -> PackageInfo:
    """Describe a package given as an `.argosmodel` zip or as an unpacked folder.

    A zip is unpacked once into `cache_dir` (default `default_cache_dir()`) under its sha256,
    so loading the same file again costs one hash and no extraction.
    """
    path = Path(path).expanduser()
    if not path.exists():
        raise PackageError("model package not found", path=str(path),
                           hint=f"check the path, or {_INSTALL_HINT}")
    if path.is_dir():
        return _describe_dir(path, shown=str(path))
    top = _check_zip(path)
    root = Path(cache_dir) if cache_dir is not None else default_cache_dir()
    dest = root / _file_digest(path)[:32]
    if not (dest / top / METADATA).is_file():
        _extract(path, dest)
    return _describe_dir(dest / top, shown=str(path))


def _describe_dir(pkg_dir: Path, *, shown: str) -> PackageInfo:
    """Validate an unpacked package folder and read its metadata."""
    meta_path = pkg_dir / METADATA
    if not meta_path.is_file():
        nested = [p.parent for p in pkg_dir.glob(f"*/{METADATA}")]
        hint = (f"did you mean {nested[0]}?" if nested else
                "a package folder holds metadata.json, sentencepiece.model and model/")
        raise PackageError("not an Argos package: metadata.json is missing", path=shown, hint=hint)
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        if not isinstance(meta, dict):
            raise ValueError("top level is not an object")
    except (ValueError, UnicodeDecodeError) as exc:
        raise PackageError(f"metadata.json is not valid JSON ({exc})", path=shown,
                           hint="the package is damaged: download it again") from None
    if not (pkg_dir / MODEL_DIR / MODEL_BIN).is_file():
        raise PackageError("package has no CTranslate2 model (model/model.bin is missing)",
                           path=shown, hint="the package is incomplete: download it again")
    tokenizer = next((pkg_dir / n for n in TOKENIZER_NAMES if (pkg_dir / n).is_file()), None)
    if tokenizer is None:
        raise PackageError("package has no tokenizer (sentencepiece.model or bpe.model)",
                           path=shown, hint="the package is incomplete: download it again")
    from_code, to_code = meta.get("from_code"), meta.get("to_code")
    if not from_code or not to_code:
        raise PackageError("metadata.json lacks from_code/to_code", path=shown,
                           hint="this is not a translation package")
    return PackageInfo(
        path=pkg_dir,
        from_code=str(from_code),
        to_code=str(to_code),
        name=pkg_dir.name,
        version=str(meta.get("package_version", "")),
        target_prefix=str(meta.get("target_prefix") or ""),
        tokenizer=tokenizer,
    )


def _check_zip(path: Path) -> str:
    """Check that `path` is a package zip; return its single top-level folder name.

    Done before anything is extracted: a zip without that folder would be unpacked by
    argostranslate straight into its packages dir and break every later package listing.
    """
    shown = str(path)
    if not zipfile.is_zipfile(path):
        raise PackageError("not an Argos package: the file is not a zip archive", path=shown,
                           hint=f"expected a .argosmodel file; {_INSTALL_HINT}")
    infos = model_archive_members(path, error=PackageError, max_bytes=MAX_UNPACKED_BYTES,
                                  max_ratio=MAX_RATIO, slack=_RATIO_SLACK,
                                  damaged_hint="download the package again")
    names = [PurePosixPath(i.filename) for i in infos]
    tops = {n.parts[0] for n in names if n.parts}
    loose = [i.filename for i in infos if "/" not in i.filename.rstrip("/") and not i.is_dir()]
    if len(tops) != 1 or loose:
        raise PackageError(
            "not an Argos package: the archive must contain exactly one top-level folder "
            f"(found {', '.join(sorted(tops)[:5]) or 'nothing'})", path=shown,
            hint="re-zip the package folder itself, e.g. `zip -r pkg.argosmodel translate-zh_en/`")
    top = tops.pop()
    inside = {n.parts[1:] for n in names if len(n.parts) > 1}
    if (METADATA,) not in inside:
        raise PackageError(f"not an Argos package: {top}/metadata.json is missing", path=shown,
                           hint=f"expected a .argosmodel file; {_INSTALL_HINT}")
    if (MODEL_DIR, MODEL_BIN) not in inside:
        raise PackageError(f"package has no CTranslate2 model ({top}/model/model.bin missing)",
                           path=shown, hint="the package is incomplete: download it again")
    if not any((t,) in inside for t in TOKENIZER_NAMES):
        raise PackageError("package has no tokenizer (sentencepiece.model or bpe.model)",
                           path=shown, hint="the package is incomplete: download it again")
    return top


def _damaged(zip_path: Path, exc: Exception) -> PackageError:
    """A member that fails its CRC or does not decompress: the download is broken."""
    return PackageError(f"the package archive is damaged ({exc})", path=str(zip_path),
                        hint="download the package again")


def _extract(zip_path: Path, dest: Path) -> None:
    """Unpack into a temporary sibling, then rename it into place in one step.

    A crash never leaves half a package, and runs racing on first use (24 at once was tried)
    each unpack privately: the first rename wins, the others find `dest` complete and use it.
    Nothing is ever deleted from under a run that is reading `dest`.
    """
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=".unpack-", dir=dest.parent))
    except OSError as exc:
        raise PackageError(f"cannot unpack the package ({exc.strerror or exc})",
                           path=str(zip_path), hint=f"make {dest.parent} writable or set "
                                                    "XDG_CACHE_HOME to a writable folder") from None
    try:
        _extract_members(zip_path, tmp)
        try:
            os.rename(tmp, dest)
        except OSError:
            if _unpacked(dest):
                return  # another run unpacked the same file first
            # a leftover from an interrupted unpack of an older bitext: move it out of the way
            stale = Path(tempfile.mkdtemp(prefix=".stale-", dir=dest.parent))
            os.rename(dest, stale / "old")
            shutil.rmtree(stale, ignore_errors=True)
            os.rename(tmp, dest)
    except OSError as exc:
        if _unpacked(dest):
            return
        raise PackageError(f"could not unpack the package ({exc.strerror or exc})",
                           path=str(zip_path),
                           hint=f"check free space and permissions of {dest.parent}") from None
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


def _unpacked(dest: Path) -> bool:
    """True when `dest` holds a complete unpacked package (its metadata is the last file a
    rename makes visible, since the whole folder appears at once)."""
    return any((d / METADATA).is_file() for d in dest.glob("*")) if dest.is_dir() else False


def _extract_members(zip_path: Path, folder: Path) -> None:
    """Unpack every member into `folder` (names and sizes were checked by `_check_zip`).

    The sizes checked there bound what is written: zipfile stops each member at its declared
    size and then fails its CRC, so a zip that lies about sizes is refused here as damaged.
    """
    try:
        with zipfile.ZipFile(zip_path) as zf:
            zf.extractall(folder)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, ValueError) as exc:
        raise PackageError(f"the zip archive is damaged ({exc})", path=str(zip_path),
                           hint="download the package again") from None


# --------------------------------------------------------------------------- installed packages

def _packages_dirs() -> tuple[Path, list[Path]]:
    """(install dir, dirs to search), honouring ARGOS_PACKAGES_DIR as it is *now*.

    argostranslate reads the variable once, at import; re-reading it lets a caller (or a
    test) point at another packages dir after argostranslate was imported.
    """
    from argostranslate import settings

    install_dir = Path(os.environ.get("ARGOS_PACKAGES_DIR") or settings.package_data_dir)
    others = [Path(d) for d in settings.package_dirs if Path(d) != Path(settings.package_data_dir)]
    return install_dir, [install_dir, *others]


def installed_packages() -> list[PackageInfo]:
    """Every installed translation package that is complete enough to run."""
    import argostranslate.package as argos_package

    _, search = _packages_dirs()
    search = [d for d in search if d.is_dir()]
    try:
        packages = argos_package.get_installed_packages(path=search)
    except (OSError, ValueError) as exc:
        raise PackageError(f"cannot list installed Argos packages ({exc})",
                           path=", ".join(map(str, search)),
                           hint="remove folders there that are not Argos packages") from None
    found: list[PackageInfo] = []
    for pkg in packages:
        if getattr(pkg, "type", "translate") != "translate":
            continue
        try:
            found.append(_describe_dir(Path(pkg.package_path), shown=str(pkg.package_path)))
        except PackageError as exc:
            log.warning("skipping unusable package: %s", exc)
    return found


def find_package(from_code: str = "zh", to_code: str = "en") -> PackageInfo | None:
    """The installed package for a language pair (newest version first), or None."""
    matches = [p for p in installed_packages()
               if p.from_code == from_code and p.to_code == to_code]
    matches.sort(key=lambda p: _version_key(p.version), reverse=True)
    return matches[0] if matches else None


def _version_key(version: str) -> tuple:
    return tuple(int(x) if x.isdigit() else 0 for x in version.replace("-", ".").split("."))


def install_package(zip_path: Path | str) -> PackageInfo:
    """Validate an `.argosmodel` and install it where argostranslate looks for packages.

    This mirrors `argostranslate.package.install_from_path` (extract under its lock) but
    does not call it: that function imports `argostranslate.translate` (spaCy, stanza, torch)
    only to clear a cache. A zip is checked first so a bad one can't poison the packages dir.
    """
    import argostranslate.package as argos_package

    zip_path = Path(zip_path).expanduser()
    if not zip_path.is_file():
        raise PackageError("model package not found", path=str(zip_path),
                           hint=f"check the path, or {_INSTALL_HINT}")
    top = _check_zip(zip_path)
    install_dir, _ = _packages_dirs()
    dest = install_dir / top
    with argos_package.package_lock:
        try:
            install_dir.mkdir(parents=True, exist_ok=True)
            staging = Path(tempfile.mkdtemp(prefix=".bitext-install-", dir=install_dir.parent))
        except OSError as exc:
            raise PackageError(f"cannot write to the packages dir ({exc})", path=str(install_dir),
                               hint="set ARGOS_PACKAGES_DIR to a writable folder") from None
        try:
            _extract_members(zip_path, staging)
            _describe_dir(staging / top, shown=str(zip_path))
            if dest.exists():
                shutil.rmtree(dest)
            shutil.move(str(staging / top), str(dest))
        except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
            raise _damaged(zip_path, exc) from None
        except OSError as exc:
            raise PackageError(f"could not install the package ({exc})", path=str(zip_path),
                               hint=f"check free space and permissions of {install_dir}") from None
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    translate_mod = sys.modules.get("argostranslate.translate")
    if translate_mod is not None:  # only if someone else already paid for importing it
        translate_mod.get_installed_languages.cache_clear()
    return _describe_dir(dest, shown=str(dest))


def download_and_install(from_code: str = "zh", to_code: str = "en") -> PackageInfo:
    """Fetch the package index and the pair's package, then install it (needs network).

    Only used for `--model auto` when nothing is installed; every failure becomes a
    PackageError because argostranslate mostly logs and returns instead of raising.
    """
    import argostranslate.package as argos_package
    from argostranslate import settings

    hint = f"no network? copy a translate-{from_code}_{to_code} .argosmodel here and pass its path"
    try:
        argos_package.update_package_index()
    except Exception as exc:  # noqa: BLE001 - any network/IO failure means the same to the user
        raise PackageError(f"could not download the Argos package index ({exc})",
                           hint=hint) from None
    if not Path(settings.local_package_index).is_file():
        raise PackageError("could not download the Argos package index", hint=hint)
    try:
        available = argos_package.get_available_packages()
    except (OSError, ValueError) as exc:
        raise PackageError(f"the Argos package index is unreadable ({exc})", hint=hint) from None
    wanted = [p for p in available if p.from_code == from_code and p.to_code == to_code]
    if not wanted:
        raise PackageError(f"the Argos index has no {from_code}→{to_code} package",
                           hint="pass a model package file with --model PATH")
    wanted.sort(key=lambda p: _version_key(p.package_version), reverse=True)
    try:
        zip_path = wanted[0].download()
    except Exception as exc:  # noqa: BLE001 - urllib/HTTP/IO errors alike
        raise PackageError(f"could not download the {from_code}→{to_code} package ({exc})",
                           hint=hint) from None
    return install_package(zip_path)
