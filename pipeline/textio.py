"""Bytes in, text out, and files written so that a crash never leaves half a file behind."""
from __future__ import annotations

import codecs
import os
import tempfile
from pathlib import Path

from .errors import BitextError

MAX_INPUT_BYTES = 200 * 1024 * 1024


def read_bytes(path: Path) -> bytes:
    """Read an input file, turning every OS-level problem into one actionable line."""
    if not path.exists():
        raise BitextError("no such file", path=str(path), hint="check the path")
    if path.is_dir():
        raise BitextError("is a directory, expected a file", path=str(path),
                          hint="give a file, or use `bitext translate DIR` for a folder")
    try:
        size = path.stat().st_size
        if size > MAX_INPUT_BYTES:
            raise BitextError(f"file is {size} bytes, more than the {MAX_INPUT_BYTES} byte limit",
                              path=str(path), hint="split it into smaller files")
        data = path.read_bytes()
    except PermissionError:
        raise BitextError("permission denied", path=str(path), hint="check the file's permissions")
    except OSError as exc:
        raise BitextError(f"cannot read: {exc.strerror}", path=str(path))
    return data


def decode(data: bytes, path: str) -> str:
    """Detect the encoding from the bytes (BOM, then UTF-8, then GB18030), never the file name."""
    if not data.strip():
        raise BitextError("file is empty", path=path, hint="give a file with text in it")
    for bom, enc in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                     (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            try:
                return _clean(data.decode(enc), path)
            except UnicodeDecodeError as exc:
                raise BitextError(f"invalid {enc} at byte {exc.start}", path=path,
                                  hint="re-save the file as UTF-8")
    if b"\x00" in data:
        raise BitextError("binary file (contains NUL bytes)", path=path,
                          hint="give a Markdown, text or DOCX file")
    try:
        return _clean(data.decode("utf-8"), path)
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise BitextError(f"undecodable bytes at byte {exc.start} (not UTF-8, UTF-16 or GB18030)",
                          path=path, line=line, hint="re-save the file as UTF-8")
    return _clean(text, path)


def _clean(text: str, path: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    controls = sum(1 for ch in text[:65536] if ord(ch) < 32 and ch not in "\n\t\f\v")
    if controls > 8:
        raise BitextError("binary file (control characters in the text)", path=path,
                          hint="give a Markdown, text or DOCX file")
    if not text.strip():
        raise BitextError("file is empty", path=path, hint="give a file with text in it")
    return text


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write to a temp file in the same folder, fsync, then rename over the target."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def atomic_write_text(path: Path, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))
