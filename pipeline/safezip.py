"""Open untrusted zip containers (DOCX, .argosmodel) without being bombed."""
from __future__ import annotations

import io
import zipfile
import zlib
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
