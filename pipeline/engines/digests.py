"""Content digests of model files, remembered across runs while the file is unchanged.

A model's cache identity is the sha256 of its files' content (so a cache survives copies and
re-installs), and a zipped package is unpacked under its own digest. Hashing reads every
byte of the model, the same work on every run, growing with the model's size. So each large
file's digest is kept in `$XDG_CACHE_HOME/bitext/digests.json` next to what
identifies the file's state on disk: its resolved path, size, inode, mtime and ctime (ctime
changes with every write and cannot be set back by tools that restore mtimes). A digest is
reused only when all five still match. Like git's index, a file stamped within
`SETTLE_S` of hashing is not remembered: on a file system with coarse timestamps, a write in
the same tick would leave every stamp unchanged.

The record is only a cache: unreadable, damaged or unwritable, it is ignored and the file is
hashed as before; concurrent runs may drop each other's new entries, never use a wrong one.
"""
from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import astuple, dataclass
from pathlib import Path

CHUNK = 1024 * 1024
RECORD_NAME = "digests.json"
RECORD_VERSION = 1
MIN_REMEMBERED_BYTES = 4 * CHUNK  # smaller files hash in a few ms: not worth a record
MAX_ENTRIES = 256  # the most recently used are kept; a user has a handful of models
SETTLE_S = 2.0


@dataclass(frozen=True)
class FileState:
    """What must be unchanged for a remembered digest to be reused."""

    size: int
    inode: int
    mtime_ns: int
    ctime_ns: int

    @classmethod
    def of(cls, st: os.stat_result) -> FileState:
        return cls(st.st_size, st.st_ino, st.st_mtime_ns, st.st_ctime_ns)


_memo: dict[tuple[str, FileState], str] = {}


def record_path() -> Path:
    from ..cache import cache_home  # sqlite3 stays off the import path of commands that never hash

    return cache_home() / RECORD_NAME


def file_digest(path: Path) -> str:
    """sha256 (hex) of a file's content; remembered within the process for every file, and
    across runs for files of at least MIN_REMEMBERED_BYTES."""
    resolved = str(Path(path).resolve())
    state = FileState.of(os.stat(resolved))
    digest = _memo.get((resolved, state))
    if digest is not None:
        return digest
    remember = state.size >= MIN_REMEMBERED_BYTES
    record = _read_record() if remember else {}
    entry = record.get(resolved)
    if entry is not None and entry[:-1] == list(astuple(state)):
        digest = entry[-1]
    else:
        digest = _hash(resolved)
        settled = time.time_ns() - max(state.mtime_ns, state.ctime_ns) > SETTLE_S * 1e9
        after = FileState.of(os.stat(resolved))
        if remember and settled and after == state:  # not written to while it was hashed
            record.pop(resolved, None)
            record[resolved] = [*astuple(state), digest]
            _write_record(record)
    _memo[(resolved, state)] = digest
    return digest


def _hash(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(CHUNK), b""):
            h.update(chunk)
    return h.hexdigest()


def _read_record() -> dict[str, list]:
    """The remembered digests, oldest first; {} when there is no usable record."""
    try:
        data = json.loads(record_path().read_text(encoding="utf-8"))
    except (OSError, ValueError, UnicodeDecodeError, RuntimeError):
        return {}
    if not isinstance(data, dict) or data.get("version") != RECORD_VERSION:
        return {}
    entries = data.get("files")
    if not isinstance(entries, dict):
        return {}
    return {path: entry for path, entry in entries.items() if _well_formed(entry)}


def _well_formed(entry: object) -> bool:
    return (isinstance(entry, list) and len(entry) == 5
            and all(type(v) is int for v in entry[:4])
            and isinstance(entry[4], str) and len(entry[4]) == 64)


def _write_record(record: dict[str, list]) -> None:
    from ..errors import BitextError
    from ..textio import atomic_write_text

    kept = dict(list(record.items())[-MAX_ENTRIES:])
    try:
        atomic_write_text(record_path(), json.dumps({"version": RECORD_VERSION, "files": kept}))
    except (BitextError, OSError, RuntimeError):
        pass  # a cache that cannot be written only costs the next run a hash
