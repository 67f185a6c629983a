"""Bytes in, text out, and files written so that a crash never leaves half a file behind.

Every input bitext reads goes through `read_bytes`: regular files only (a FIFO, a device or a
symlink to /dev/zero would hang or never end), never more than the input size limit
(`pipeline.limits`). Every output goes through `atomic_write_bytes`.
"""
from __future__ import annotations

import codecs
import errno
import json
import os
import re
import secrets
import stat
from pathlib import Path
from typing import Any, Iterable

from . import limits
from .errors import BitextError

_CHUNK = 1024 * 1024


def read_bytes(path: Path) -> bytes:
    """Read an input file, turning every OS-level problem into one actionable line."""
    shown = str(path)
    try:
        # O_NONBLOCK: opening a FIFO with no writer would otherwise block forever
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise BitextError("no such file", path=shown, hint="check the path") from None
    except IsADirectoryError:
        raise _directory(shown) from None
    except PermissionError:
        raise BitextError("permission denied", path=shown,
                          hint="check the permissions of the file and its folders") from None
    except OSError as exc:
        raise BitextError(f"cannot open: {exc.strerror}", path=shown) from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise _directory(shown)
        if not stat.S_ISREG(info.st_mode):
            raise BitextError(f"not a regular file ({_kind(info.st_mode)})", path=shown,
                              hint="give an ordinary file; devices, pipes and sockets are not "
                                   "read")
        limit = limits.max_input_bytes()
        if info.st_size > limit:
            raise limits.too_big(limits.MAX_INPUT_MB, "file size", -(-info.st_size // limits.MB),
                                 path=shown)
        os.set_blocking(fd, True)
        chunks, total = [], 0
        while True:  # bounded even when st_size lies (a file still growing, /proc)
            chunk = os.read(fd, min(_CHUNK, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > limit:
                raise limits.too_big(limits.MAX_INPUT_MB, "file size", -(-total // limits.MB),
                                     path=shown)
        return b"".join(chunks)
    except OSError as exc:
        raise BitextError(f"cannot read: {exc.strerror}", path=shown) from None
    finally:
        os.close(fd)


def _directory(shown: str) -> BitextError:
    return BitextError("is a directory, expected a file", path=shown,
                       hint="give a file, or use `bitext translate DIR` for a folder")


def _kind(mode: int) -> str:
    for test, name in ((stat.S_ISFIFO, "a named pipe"), (stat.S_ISCHR, "a character device"),
                       (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket")):
        if test(mode):
            return name
    return "a special file"


def read_json_object(path: Path) -> dict[str, Any]:
    """A JSON file whose top level must be an object; strings must be valid Unicode.

    `json` accepts lone-surrogate escapes (`"\\ud800"`) that no file can encode later, and any
    top-level value: both are refused here, with the file named, instead of failing deep inside.
    """
    shown = str(path)
    try:
        data = json.loads(decode(read_bytes(path), shown))
    except (ValueError, RecursionError) as exc:
        raise BitextError(f"not valid JSON ({exc})", path=shown,
                          hint="give the .json that `bitext translate` wrote") from None
    if not isinstance(data, dict):
        raise BitextError(f"JSON top level is {type(data).__name__}, expected an object",
                          path=shown, hint="give the .json that `bitext translate` wrote")
    try:
        json.dumps(data, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError as exc:
        bad = exc.object[exc.start:exc.end]
        raise BitextError(f"JSON holds an invalid character escape ({bad!r}: a lone surrogate)",
                          path=shown,
                          hint="fix or re-export the file") from None
    return data


def decode(data: bytes, path: str) -> str:
    """Detect the encoding from the bytes (BOM, UTF-8, then GB18030 or Big5), never the name."""
    if not data.strip():
        raise BitextError("file is empty", path=path, hint="give a file with text in it")
    for bom, enc in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                     (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            try:
                return _clean(data.decode(enc), path)
            except UnicodeDecodeError as exc:
                raise BitextError(f"invalid {enc} at byte {exc.start}", path=path,
                                  hint="re-save the file as UTF-8") from None
    if b"\x00" in data:
        raise BitextError("binary file (contains NUL bytes)", path=path,
                          hint="give a Markdown, text or DOCX file")
    try:
        return _clean(data.decode("utf-8"), path)
    except UnicodeDecodeError:
        pass
    return _clean(_decode_legacy(data, path), path)


# Legacy Chinese encodings, tried strictly. GB18030 decodes almost any byte string (Big5 bytes
# included, as nonsense), so "decodes without error" cannot decide: the more plausible text wins.
_LEGACY = ("gb18030", "cp950")  # cp950: Big5 as Windows writes it
_SAMPLE_HAN = 20_000


def _decode_legacy(data: bytes, path: str) -> str:
    candidates: list[tuple[int, str, str]] = []
    first_error: UnicodeDecodeError | None = None
    for enc in _LEGACY:
        try:
            text = data.decode(enc)
        except UnicodeDecodeError as exc:
            first_error = first_error or exc
            continue
        candidates.append((_common_han(text), enc, text))
    if not candidates:
        assert first_error is not None
        line = data[: first_error.start].count(b"\n") + 1
        raise BitextError(f"undecodable bytes at byte {first_error.start} (not UTF-8, UTF-16, "
                          "GB18030 or Big5)", path=path, line=line,
                          hint="re-save the file as UTF-8")
    best = max(candidates, key=lambda c: c[0])  # ties: the first, GB18030
    return best[2]


def _common_han(text: str) -> int:
    """How many of the first Han characters are everyday ones (GB2312 level 1, after
    converting to Simplified): high for the right decoding, about half for the wrong one."""
    from .script import is_han, to_simplified

    han = []
    for ch in text:
        if is_han(ch):
            han.append(ch)
            if len(han) >= _SAMPLE_HAN:
                break
    return sum(1 for ch in to_simplified("".join(han)) if _everyday(ch))


def _everyday(ch: str) -> bool:
    try:
        raw = ch.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return len(raw) == 2 and 0xB0 <= raw[0] <= 0xD7


def _clean(text: str, path: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    controls = sum(1 for ch in text[:65536] if ord(ch) < 32 and ch not in "\n\t\f\v")
    if controls > 8:
        raise BitextError("binary file (control characters in the text)", path=path,
                          hint="give a Markdown, text or DOCX file")
    if not text.strip():
        raise BitextError("file is empty", path=path, hint="give a file with text in it")
    return text


# -- atomic writes -----------------------------------------------------------------------------

# `.<name>.bitext-<pid>-<token>.tmp`: recognisably ours, and the pid says whether the writer
# still runs, so the next run can remove what a killed one left behind.
_TEMP = re.compile(r"^\.(?P<name>.+)\.bitext-(?P<pid>\d+)-[0-9a-f]+\.tmp$")


def temp_name(target: Path) -> Path:
    return target.with_name(f".{target.name}.bitext-{os.getpid()}-{secrets.token_hex(4)}.tmp")


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # EPERM: alive, someone else's
        return True
    return True


def remove_stale_temps(folder: Path, name: str | None = None) -> list[Path]:
    """Delete our temp files in `folder` (for target `name`, or all) whose writer is gone."""
    removed: list[Path] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        match = _TEMP.match(entry.name)
        if not match or (name is not None and match["name"] != name):
            continue
        if _pid_alive(int(match["pid"])):
            continue
        try:
            os.unlink(entry.path)
            removed.append(Path(entry.path))
        except OSError:
            pass
    return removed


def _write_error(path: Path, exc: OSError) -> BitextError:
    return BitextError(f"cannot write ({exc.strerror or exc})", path=str(path),
                       hint="check free space and permissions, or choose another path")


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write to a temp file in the same folder, fsync, then rename over the target.

    The temp file is created with mode 0666 less the umask (like any new file), so outputs get
    the usual permissions; leftovers of a killed run for the same target are removed first.
    """
    atomic_write_chunks(path, (data,))


def atomic_write_chunks(path: Path, chunks: Iterable[bytes]) -> None:
    """`atomic_write_bytes` for output produced piece by piece: a big output never has to
    exist in memory as one string and one bytes copy of it."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _write_error(path.parent, exc) from None
    remove_stale_temps(path.parent, path.name)
    tmp = temp_name(path)
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0),
                     0o666)
    except OSError as exc:
        raise _write_error(path, exc) from None
    try:
        with os.fdopen(fd, "wb") as fh:
            for chunk in chunks:
                fh.write(chunk)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(exc, OSError) and exc.errno != errno.EINTR:
            raise _write_error(path, exc) from None
        raise


def atomic_write_text(path: Path, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))
