"""The persistent MT cache: finished work survives Ctrl-C, kill -9 and re-runs.

SQLite in WAL mode, one transaction per finished batch: a killed run loses at most the batch in
flight, and the database is never left half-written.

A cache is a convenience, never a reason to lose a run. So:
- a file that is not a bitext cache (damaged pages, another schema) is set aside, renamed to
  `<name>.damaged-N`, and a fresh cache is built, with a one-line warning;
- rows with values a cache never writes are treated as misses (and overwritten);
- trouble during the run (a lock held past the timeout, a read-only file, a full disk) stops
  the cache, with one warning; translation goes on and the run's outputs are complete;
- a path that cannot hold a cache at all (a folder, an uncreatable parent) is a user error.
"""
from __future__ import annotations

import hashlib
import math
import os
import sqlite3
import sys
from pathlib import Path

from .errors import BitextError

SCHEMA_VERSION = 1
COLUMNS = ("key", "target", "score", "flags")
LOCK_TIMEOUT_S = 30.0
_DAMAGE = ("not a database", "malformed", "corrupt", "file is encrypted")


def cache_home() -> Path:
    """bitext's folder for caches: `$XDG_CACHE_HOME/bitext` (default ~/.cache/bitext)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "bitext"


def default_cache_path() -> Path:
    return cache_home() / "mt-cache.sqlite"


def cache_key(*parts: str) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(part.encode("utf-8"))
        h.update(b"\x1f")
    return h.hexdigest()


class _NotACache(sqlite3.DatabaseError):
    """A valid SQLite file with tables a bitext cache never has."""


def _damaged(exc: sqlite3.Error) -> bool:
    """Damaged or not ours: either way the file cannot serve as this cache, and moving it
    aside loses nothing. (Pages are checked as queries touch them, not all at start-up.)"""
    return isinstance(exc, _NotACache) or (isinstance(exc, sqlite3.DatabaseError) and any(
        word in str(exc).lower() for word in _DAMAGE))


def _inode(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_dev, st.st_ino


def _valid_row(target: object, score: object, flags: object) -> bool:
    """Only what `put_many` writes: text, a finite number or NULL, text."""
    return (isinstance(target, str) and isinstance(flags, str)
            and (score is None or (isinstance(score, (int, float)) and math.isfinite(score))))


class MTCache:
    def __init__(self, path: Path, *, timeout: float = LOCK_TIMEOUT_S) -> None:
        self.path = path
        self.timeout = timeout
        self.warnings: list[str] = []
        self._db: sqlite3.Connection | None = None
        self._inode: tuple[int, int] | None = None  # the file the connection has open
        if path.is_dir():
            raise BitextError("the translation cache path is a folder", path=str(path),
                              hint="give a file with --cache PATH, or --cache none")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise BitextError(f"cannot create the translation cache folder ({exc.strerror or exc})",
                              path=str(path.parent),
                              hint="use --cache PATH or --cache none") from None
        try:
            self._db = self._open()
        except sqlite3.Error as exc:
            if _damaged(exc):
                self._rebuild(exc)
            else:
                self._stop(f"cannot use the translation cache ({exc})")

    @property
    def active(self) -> bool:
        return self._db is not None

    # ----------------------------------------------------------------- opening

    def _open(self) -> sqlite3.Connection:
        db = sqlite3.connect(str(self.path), timeout=self.timeout)
        try:
            self._inode = _inode(self.path)
            version = db.execute("PRAGMA user_version").fetchone()[0]
            tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            if "mt" in tables:
                columns = tuple(r[1] for r in db.execute("PRAGMA table_info(mt)"))
                if columns != COLUMNS or version not in (0, SCHEMA_VERSION):
                    raise _NotACache(f"another schema: table mt has columns "
                                                f"{', '.join(columns)}, version {version}")
            elif tables:
                raise _NotACache(f"another schema: tables {', '.join(sorted(tables))}")
            if "mt" not in tables or version == 0:
                with db:
                    db.execute("CREATE TABLE IF NOT EXISTS mt (key TEXT PRIMARY KEY, target TEXT "
                               "NOT NULL, score REAL, flags TEXT NOT NULL DEFAULT '')")
                    db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            return db
        except sqlite3.Error:
            db.close()
            raise

    def _rebuild(self, exc: sqlite3.Error) -> None:
        """Set the unusable file aside and start a new cache; never stops the run.

        Only the file our connection found unusable is moved: if another run has replaced it
        meanwhile, the new file is used as it is, not moved aside in turn.
        """
        self.close()
        if _inode(self.path) == self._inode:
            n = 1
            while (aside := self.path.with_name(f"{self.path.name}.damaged-{n}")).exists():
                n += 1
            try:
                os.replace(self.path, aside)
                for suffix in ("-wal", "-shm"):
                    if Path(f"{self.path}{suffix}").exists():
                        os.replace(f"{self.path}{suffix}", f"{aside}{suffix}")
            except FileNotFoundError:
                pass  # another run moved it first
            except OSError as move:
                self._stop(f"the translation cache is damaged ({exc}) and cannot be moved aside "
                           f"({move.strerror or move}); going on without it: delete it")
                return
            else:
                self._warn(f"the translation cache was damaged or not a bitext cache ({exc}); "
                           f"moved it to {aside.name} and started a new one")
        try:
            self._db = self._open()
        except sqlite3.Error as again:
            self._stop(f"cannot create a new translation cache ({again}); going on without it")

    # ----------------------------------------------------------------- use

    def get_many(self, keys: list[str]) -> dict[str, tuple[str, float | None, str]]:
        """Cached rows for `keys`; invalid rows are misses. Trouble: a warning and no hits."""
        out: dict[str, tuple[str, float | None, str]] = {}
        if self._db is None:
            return out
        bad = 0
        try:
            for i in range(0, len(keys), 500):
                chunk = keys[i:i + 500]
                rows = self._db.execute(
                    f"SELECT key, target, score, flags FROM mt WHERE key IN "
                    f"({','.join('?' * len(chunk))})", chunk)
                for k, t, s, f in rows:
                    if _valid_row(t, s, f):
                        out[k] = (t, None if s is None else float(s), f)
                    else:
                        bad += 1
        except sqlite3.Error as exc:
            self._trouble(exc)
            return {}
        if bad:
            self._warn(f"{bad} cache row(s) held values bitext never writes; translating them "
                       "again")
        return out

    def put_many(self, rows: list[tuple[str, str, float | None, str]]) -> None:
        """Store one batch in one transaction; trouble stops the cache with a warning."""
        if self._db is None:
            return
        try:
            with self._db:  # one transaction: all of the batch or none of it
                self._db.executemany("INSERT OR REPLACE INTO mt VALUES (?, ?, ?, ?)", rows)
        except sqlite3.Error as exc:
            self._trouble(exc)

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    # ----------------------------------------------------------------- trouble

    def _trouble(self, exc: sqlite3.Error) -> None:
        """Damage found mid-run: set the file aside and go on with a new cache. Anything else
        (locked, read-only, disk full): go on without the cache."""
        if _damaged(exc):
            self._rebuild(exc)
            return
        hint = {"locked": f"another bitext run held it for more than {self.timeout:g} s",
                "readonly": "the file is read-only", "full": "the disk is full"}
        why = next((v for k, v in hint.items() if k in str(exc).lower().replace("-", "")),
                   str(exc))
        self._stop(f"cannot use the translation cache ({why}); going on without it, this run's "
                   "results are not saved for the next one")

    def _stop(self, message: str) -> None:
        self.close()
        self._warn(message)

    def _warn(self, message: str) -> None:
        line = f"bitext: warning: {self.path}: {message}"
        self.warnings.append(line)
        sys.stderr.write(line + "\n")
