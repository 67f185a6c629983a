"""Open untrusted zip containers (DOCX, .argosmodel) without being bombed."""
from __future__ import annotations

import io
import zipfile
import zlib
from pathlib import Path, PurePosixPath
from typing import Iterator

from .errors import BitextError

MAX_UNCOMPRESSED = 200 * 1024 * 1024
MAX_RATIO = 200
MAX_ENTRIES = 10_000


def check_zip(data: bytes, path: str) -> zipfile.ZipFile:
    """Reject archives that are corrupt or would expand far beyond their size."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise BitextError(f"not a valid zip/DOCX container ({exc})", path=path,
                          hint="re-save the document from Word or LibreOffice")
    if len(infos) > MAX_ENTRIES:
        raise BitextError(f"archive has {len(infos)} entries", path=path,
                          hint="this does not look like a document")
    total = sum(i.file_size for i in infos)
    if total > MAX_UNCOMPRESSED or total > MAX_RATIO * max(len(data), 1) + 10 * 1024 * 1024:
        raise BitextError(f"archive would expand to {total} bytes (zip bomb?)", path=path,
                          hint="refusing to open it")
    return zf


def model_archive_members(path: Path, *, error: type[BitextError], max_bytes: int,
                          max_ratio: float | None = None, slack: int = 0,
                          damaged_hint: str) -> list[zipfile.ZipInfo]:
    """The members of a model archive (an .argosmodel, a zipped model folder), checked before
    anything is extracted: readable, no absolute or `..` paths, and an unpacked size within
    `max_bytes` (and `max_ratio` × the file, plus `slack`, when given). One check for every
    model family, raising the caller's error class so messages name the right thing."""
    shown = str(path)
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise error(f"the zip archive is damaged ({exc})", path=shown,
                    hint=damaged_hint) from None
    for info in infos:
        name = PurePosixPath(info.filename)
        if name.is_absolute() or ".." in name.parts or "\\" in info.filename:
            raise error(f"unsafe path in archive: {name}", path=shown, hint="refusing to unpack it")
    total = sum(i.file_size for i in infos)
    size = path.stat().st_size
    if total > max_bytes or (max_ratio is not None and total > max_ratio * size + slack):
        ratio = f", {max_ratio:g}× the file" if max_ratio is not None else ""
        raise error(f"archive would unpack to {total:,} bytes from {size:,} (limit "
                    f"{max_bytes // 1024**3} GB{ratio})", path=shown,
                    hint="this is not a model bitext can use; refusing to unpack it")
    return infos


def open_docx(data: bytes, path: str, hint: str) -> zipfile.ZipFile:
    """A DOCX container both DOCX readers can trust: not a bomb, really Word, no entities."""
    from .xmlsafe import reject_entities_in

    zf = check_zip(data, path)
    names = zf.namelist()
    if "word/document.xml" not in names:
        raise BitextError("not a Word document (no word/document.xml)", path=path, hint=hint)
    for name in names:
        if name.endswith((".xml", ".rels")):  # each part's prolog only, streamed
            reject_entities_in(member_chunks(zf, name, path), f"{path} ({name})")
    return zf


def member_chunks(zf: zipfile.ZipFile, name: str, path: str,
                  size: int = 64 * 1024) -> Iterator[bytes]:
    """A member's bytes in pieces, with the same errors as `read_member`."""
    try:
        with zf.open(name) as fh:
            while chunk := fh.read(size):
                yield chunk
    except _MEMBER_ERRORS as exc:
        raise _damaged(name, path, exc) from None


def read_member(zf: zipfile.ZipFile, name: str, path: str) -> bytes:
    """One member's bytes; a damaged member (bad CRC, truncated or unknown compression) is the
    user's file being broken, not a bug."""
    try:
        return zf.read(name)
    except _MEMBER_ERRORS as exc:
        raise _damaged(name, path, exc) from None


_MEMBER_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError,
                  ValueError, OSError)


def _damaged(name: str, path: str, exc: Exception) -> BitextError:
    return BitextError(f"damaged archive member {name} ({exc})", path=path,
                       hint="re-save the document from Word or LibreOffice")
