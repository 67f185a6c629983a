"""Model file digests remembered across runs: reused only while the file is provably unchanged."""
from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest

from pipeline.engines import digests

SIZE = digests.MIN_REMEMBERED_BYTES + 123


@pytest.fixture
def cache_home(tmp_path, monkeypatch):
    home = tmp_path / "cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))
    monkeypatch.setattr(digests, "_memo", {})  # each step below acts as a new run
    return home / "bitext"


def _big_file(path: Path, fill: bytes) -> Path:
    path.write_bytes(os.urandom(1000) + fill * (SIZE - 1000))
    return path


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _new_run(monkeypatch) -> None:
    monkeypatch.setattr(digests, "_memo", {})


def test_remembered_digest_is_reused_by_the_next_run_without_hashing(cache_home, tmp_path,
                                                                     monkeypatch):
    monkeypatch.setattr(digests, "SETTLE_S", 0.0)
    model = _big_file(tmp_path / "model.bin", b"w")
    first = digests.file_digest(model)
    assert first == _sha(model)
    record = json.loads((cache_home / digests.RECORD_NAME).read_text(encoding="utf-8"))
    assert record["files"][str(model.resolve())][-1] == first

    _new_run(monkeypatch)

    def no_hashing(path: str) -> str:
        raise AssertionError(f"{path} was hashed again although unchanged")

    monkeypatch.setattr(digests, "_hash", no_hashing)
    assert digests.file_digest(model) == first
    assert digests.file_digest(tmp_path / "." / "model.bin") == first  # same file, other spelling


def test_rewritten_file_with_same_size_and_restored_mtime_is_hashed_again(cache_home, tmp_path,
                                                                         monkeypatch):
    """What `cp -p` or an unzip that restores dates does: only the ctime tells."""
    monkeypatch.setattr(digests, "SETTLE_S", 0.0)
    model = _big_file(tmp_path / "model.bin", b"a")
    before = model.stat()
    old = digests.file_digest(model)
    _new_run(monkeypatch)
    with model.open("r+b") as fh:  # same inode, same size, new content
        fh.seek(SIZE // 2)
        fh.write(b"CHANGED")
    os.utime(model, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert model.stat().st_size == before.st_size and model.stat().st_mtime_ns == before.st_mtime_ns
    new = digests.file_digest(model)
    assert new == _sha(model) != old


def test_file_written_just_now_is_not_remembered(cache_home, tmp_path):
    """Coarse file-system clocks: another write in the same tick would leave every stamp as is."""
    model = _big_file(tmp_path / "model.bin", b"n")
    assert digests.file_digest(model) == _sha(model)
    assert not (cache_home / digests.RECORD_NAME).exists()


def test_small_files_are_hashed_each_run_and_not_recorded(cache_home, tmp_path, monkeypatch):
    monkeypatch.setattr(digests, "SETTLE_S", 0.0)
    small = tmp_path / "metadata.json"
    small.write_text('{"from_code": "zh"}', encoding="utf-8")
    assert digests.file_digest(small) == _sha(small)
    assert not (cache_home / digests.RECORD_NAME).exists()


@pytest.mark.parametrize("damage", [b"\x00\xff not json", b'{"version": 1, "files": []}',
                                    b'{"version": 1, "files": {"/x": [1, 2, "3", 4, "ab"]}}'])
def test_damaged_record_is_ignored_and_replaced(cache_home, tmp_path, monkeypatch, damage):
    monkeypatch.setattr(digests, "SETTLE_S", 0.0)
    cache_home.mkdir(parents=True)
    (cache_home / digests.RECORD_NAME).write_bytes(damage)
    model = _big_file(tmp_path / "model.bin", b"d")
    assert digests.file_digest(model) == _sha(model)
    record = json.loads((cache_home / digests.RECORD_NAME).read_text(encoding="utf-8"))
    assert list(record["files"]) == [str(model.resolve())]


def test_a_record_for_another_state_is_not_trusted(cache_home, tmp_path, monkeypatch):
    """An entry whose stamps do not match the file (edited, replaced) is never used."""
    model = _big_file(tmp_path / "model.bin", b"s")
    st = model.stat()
    cache_home.mkdir(parents=True)
    wrong = "0" * 64
    (cache_home / digests.RECORD_NAME).write_text(json.dumps({"version": 1, "files": {
        str(model.resolve()): [st.st_size, st.st_ino, st.st_mtime_ns, st.st_ctime_ns - 1, wrong]
    }}), encoding="utf-8")
    assert digests.file_digest(model) == _sha(model)


def test_unusable_cache_folder_only_costs_a_hash(tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    monkeypatch.setattr(digests, "_memo", {})
    monkeypatch.setattr(digests, "SETTLE_S", 0.0)
    model = _big_file(tmp_path / "model.bin", b"u")
    assert digests.file_digest(model) == _sha(model)
    assert blocker.read_text(encoding="utf-8") == "x"


def test_record_keeps_only_the_most_recent_files(cache_home, tmp_path, monkeypatch):
    monkeypatch.setattr(digests, "SETTLE_S", 0.0)
    monkeypatch.setattr(digests, "MAX_ENTRIES", 2)
    files = [_big_file(tmp_path / f"m{i}.bin", bytes([65 + i])) for i in range(3)]
    for f in files:
        digests.file_digest(f)
    record = json.loads((cache_home / digests.RECORD_NAME).read_text(encoding="utf-8"))
    assert list(record["files"]) == [str(f.resolve()) for f in files[1:]]

