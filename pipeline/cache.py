"""The persistent MT cache: finished work survives Ctrl-C, kill -9 and re-runs.

SQLite in WAL mode, one transaction per finished batch: a killed run loses at most the batch in
flight, and the database is never left half-written.
"""
from __future__ import annotations

import hashlib
import os
import sqlite3
from pathlib import Path

from .errors import BitextError


def default_cache_path() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "bitext" / "mt-cache.sqlite"


def cache_key(*parts: str) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(part.encode("utf-8"))
        h.update(b"\x1f")
    return h.hexdigest()


class MTCache:
    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(str(path), timeout=30)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute("CREATE TABLE IF NOT EXISTS mt (key TEXT PRIMARY KEY, target TEXT NOT "
                             "NULL, score REAL, flags TEXT NOT NULL DEFAULT '')")
            self._db.commit()
        except (sqlite3.Error, OSError) as exc:
            raise BitextError(f"cannot open the translation cache ({exc})", path=str(path),
                              hint="use --cache PATH or --cache none")

    def get_many(self, keys: list[str]) -> dict[str, tuple[str, float | None, str]]:
        out: dict[str, tuple[str, float | None, str]] = {}
        for i in range(0, len(keys), 500):
            chunk = keys[i:i + 500]
            rows = self._db.execute(
                f"SELECT key, target, score, flags FROM mt WHERE key IN ({','.join('?' * len(chunk))})",
                chunk)
            out.update({k: (t, s, f) for k, t, s, f in rows})
        return out

    def put_many(self, rows: list[tuple[str, str, float | None, str]]) -> None:
        with self._db:  # one transaction: all of the batch or none of it
            self._db.executemany("INSERT OR REPLACE INTO mt VALUES (?, ?, ?, ?)", rows)

    def close(self) -> None:
        self._db.close()
