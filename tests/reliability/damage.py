"""Ways a database file goes bad, and how the program meets each (shared by the tests and run.py).

``damage(kind, path)`` spoils a closed, checkpointed file in place; :func:`open_like_the_program`
opens it as the program does at start (open, then the start-up ``quick_check``) and returns the
error it reports, or None when it noticed nothing.
"""
from __future__ import annotations

import contextlib
import hashlib
import os
import random
import shutil
import sqlite3
import subprocess
import tempfile
from pathlib import Path

from desktop_app import errors
from desktop_app.storage.database import SCHEMA_VERSION, open_database

PAGE = 4096


def _overwrite(path: Path, offset: int, data: bytes) -> None:
    with open(path, "r+b") as fh:
        fh.seek(offset)
        fh.write(data)


def damage(kind: str, path: Path, seed: int = 0) -> None:
    rng = random.Random(seed)
    size = path.stat().st_size
    pages = size // PAGE
    if kind == "truncated":  # a copy or a download cut short
        with open(path, "r+b") as fh:
            fh.truncate(rng.randrange(PAGE, size - PAGE) // PAGE * PAGE or PAGE)
    elif kind == "truncated-mid-page":
        with open(path, "r+b") as fh:
            fh.truncate(rng.randrange(PAGE + 1, size - 1))
    elif kind == "zero-bytes":
        path.write_bytes(b"")
    elif kind == "random-page":  # a bad sector: one whole page of the file overwritten
        page = rng.randrange(1, pages)
        _overwrite(path, page * PAGE, rng.randbytes(PAGE))
    elif kind == "random-bytes":  # a short run of garbage anywhere after the header
        _overwrite(path, rng.randrange(100, size - 64), rng.randbytes(64))
    elif kind == "header":
        _overwrite(path, 16, rng.randbytes(84))
    elif kind == "zeroed-start":  # what some file-recovery tools leave
        _overwrite(path, 0, bytes(PAGE * 2))
    elif kind == "text-file":
        path.write_text("姓名,科室\n张三,内科\n", encoding="utf-8")
    elif kind == "pdf":
        path.write_bytes(b"%PDF-1.7\n" + rng.randbytes(2000))
    elif kind == "other-sqlite":
        path.unlink()
        conn = sqlite3.connect(path)
        conn.execute("CREATE TABLE notes (x)")
        conn.commit()
        conn.close()
    elif kind == "newer-version":
        conn = sqlite3.connect(path)
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
        conn.close()
    else:
        raise ValueError(kind)
    for suffix in ("-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)


DAMAGE = ("truncated", "truncated-mid-page", "zero-bytes", "random-page", "header", "zeroed-start", "text-file", "pdf",
          "other-sqlite")


def open_like_the_program(path: Path) -> BaseException | None:
    """The error the program reports when it opens ``path`` (open + start-up quick check), or None."""
    try:
        db = open_database(path, check="quick")
    except (errors.DatabaseOpenError, errors.StorageEnvironmentError) as exc:
        return exc
    db.close()
    return None


def has_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def files_state(folder: Path) -> dict[str, str]:
    """name → SHA-256 of every file in ``folder`` (to prove nothing was written over a backup)."""
    if not folder.exists():
        return {}
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}


# ----------------------------------------------------------------------------- read-only


@contextlib.contextmanager
def read_only(path: Path):
    """Make ``path`` (file or folder) unwritable, even for root: ``chattr +i`` when running as root (the
    permission bits do not stop root), else the permission bits. Yields False when neither is possible."""
    if os.geteuid() == 0:
        if shutil.which("chattr") is None or subprocess.run(["chattr", "+i", str(path)],
                                                            capture_output=True).returncode != 0:
            yield False
            return
        try:
            yield True
        finally:
            subprocess.run(["chattr", "-i", str(path)], capture_output=True)
        return
    mode = path.stat().st_mode
    path.chmod(0o555 if path.is_dir() else 0o444)
    try:
        yield True
    finally:
        path.chmod(mode)


# ----------------------------------------------------------------------------- a full disk


@contextlib.contextmanager
def small_filesystem(size_kb: int):
    """A folder on a filesystem of ``size_kb`` (a tmpfs mount; needs root). Yields None when it cannot be
    made — callers then fall back to SQLite's ``max_page_count``."""
    folder = Path(tempfile.mkdtemp(prefix="qledger-full-"))
    mounted = False
    try:
        if os.geteuid() == 0 and shutil.which("mount"):
            mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size_kb}k", "tmpfs", str(folder)],
                                     capture_output=True).returncode == 0
        yield folder if mounted else None
    finally:
        if mounted:
            subprocess.run(["umount", "-l", str(folder)], capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)


def fill(folder: Path, leave_bytes: int) -> Path:
    """Fill the filesystem of ``folder`` until about ``leave_bytes`` are free; returns the filler file."""
    filler = folder / "filler.bin"
    st = os.statvfs(folder)
    free = st.f_bavail * st.f_frsize
    with open(filler, "wb") as fh:
        remaining = max(0, free - leave_bytes)
        chunk = b"\0" * (1 << 20)
        while remaining > 0:
            n = min(remaining, len(chunk))
            try:
                fh.write(chunk[:n])
                fh.flush()
            except OSError:
                break
            remaining -= n
    return filler
