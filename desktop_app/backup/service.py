"""Backups: a verified copy of the live database, taken safely while it is in use.

* A backup is made with SQLite's online backup API into a temporary file, checked with
  ``PRAGMA integrity_check`` and only then renamed into place, with a small ``.json`` note
  beside it (when, why, size, checksum, data version, verified). A copy that fails the check
  is deleted — a bad backup never sits beside the good ones.
* Automatic: once a day at the first start, and before every upgrade. Old automatic backups
  are pruned after the configured number of days; the newest good backup is always kept, and
  manual backups are never pruned.
* Restore first saves the current file (even a damaged one) as its own backup, then replaces
  the database atomically.
Backups live in ``backups/`` beside the database file.

This is storage-level work on files: it opens backup copies with :mod:`sqlite3` directly and copies
the live database through its connection (``Database.conn``), since SQLite's online backup API is a
method of the connection. (It belongs behind a ``Database`` method in desktop_app/storage/, which
another engine would implement its own way.)
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from desktop_app import errors
from desktop_app.clock import Clock, SystemClock
from desktop_app.paths import backup_dir
from desktop_app.storage.database import SQLITE_HEADER, Database, translate_error

AUTO_REASONS = {"每日自动", "升级前", "恢复前"}


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    created_at: str
    reason: str
    size: int
    sha256: str
    user_version: int
    verified: bool
    note: str = ""

    @property
    def is_automatic(self) -> bool:
        return self.reason in AUTO_REASONS

    @property
    def created(self) -> dt.datetime:
        return dt.datetime.strptime(self.created_at, "%Y-%m-%d %H:%M:%S")

    def describe(self) -> str:
        size_mb = self.size / 1024 / 1024
        state = "已校验" if self.verified else "未通过校验"
        return f"{self.created_at}（{self.reason}，{size_mb:.1f} MB，{state}）"


def _sidecar(path: Path) -> Path:
    return path.with_suffix(".json")


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _check_file(path: Path) -> tuple[bool, int, str]:
    """(sound, user_version, message) for a database file, opened read-only."""
    try:
        with open(path, "rb") as fh:
            if fh.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
                return False, 0, "不是数据库文件"
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            rows = [r[0] for r in conn.execute("PRAGMA integrity_check")]
            version = conn.execute("PRAGMA user_version").fetchone()[0]
        finally:
            conn.close()
    except (sqlite3.Error, OSError) as exc:
        return False, 0, str(exc)
    return rows == ["ok"], int(version), "" if rows == ["ok"] else rows[0]


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def make_backup(db: Database, *, reason: str = "手动", clock: Clock | None = None, progress=None,
                folder: Path | None = None) -> BackupInfo:
    """Copy the live database into the backup folder and verify the copy.

    ``progress(done_pages, total_pages)`` may be given; raising :class:`Cancelled` from it stops
    the copy and removes the partial file.
    """
    clock = clock or SystemClock()
    folder = folder or backup_dir(db.path)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise errors.StorageEnvironmentError(f"无法创建备份文件夹“{folder}”（{exc}）。请检查磁盘和权限。") from exc
    now = clock.now()
    base = f"{db.path.stem}-{now:%Y%m%d-%H%M%S}"
    final = folder / f"{base}.db"
    n = 1
    while final.exists():
        n += 1
        final = folder / f"{base}-{n}.db"
    tmp = final.with_suffix(".partial")
    try:
        target = sqlite3.connect(str(tmp))
        try:
            def _progress(status, remaining, total):
                if progress is not None:
                    progress(total - remaining, total)

            db.conn.backup(target, pages=256, progress=_progress)
            target.execute("PRAGMA journal_mode = DELETE")
        finally:
            target.close()
        sound, version, message = _check_file(tmp)
        if not sound:
            raise errors.DatabaseDamaged(
                f"备份副本未通过完整性检查（{message}），已删除该副本。当前数据库可能已损坏，请尽快从较早的备份恢复。",
                path=db.path, offer_backup=True,
            )
        _fsync_file(tmp)
        os.replace(tmp, final)
    except BaseException as exc:
        tmp.unlink(missing_ok=True)
        if isinstance(exc, sqlite3.Error):
            raise translate_error(exc, db.path) from exc
        if isinstance(exc, OSError):
            if exc.errno == 28:
                raise errors.DiskFull("磁盘空间不足，备份没有完成；已有的备份未受影响。请清理磁盘后再试。") from exc
            raise errors.StorageEnvironmentError(f"写入备份失败（{exc}）。已有的备份未受影响。") from exc
        raise
    info = BackupInfo(
        path=final,
        created_at=now.strftime("%Y-%m-%d %H:%M:%S"),
        reason=reason,
        size=final.stat().st_size,
        sha256=_sha256(final),
        user_version=version,
        verified=True,
    )
    _sidecar(final).write_text(
        json.dumps({k: (str(v) if isinstance(v, Path) else v) for k, v in info.__dict__.items()},
                   ensure_ascii=False, indent=1),
        encoding="utf-8",
    )
    return info


def _read_info(path: Path) -> BackupInfo:
    try:
        meta = json.loads(_sidecar(path).read_text(encoding="utf-8"))
        return BackupInfo(
            path=path, created_at=meta["created_at"], reason=meta.get("reason", ""), size=path.stat().st_size,
            sha256=meta.get("sha256", ""), user_version=int(meta.get("user_version", 0)),
            verified=bool(meta.get("verified")),
        )
    except (OSError, ValueError, KeyError):
        stamp = dt.datetime.fromtimestamp(path.stat().st_mtime).strftime("%Y-%m-%d %H:%M:%S")
        return BackupInfo(path, stamp, "外部文件", path.stat().st_size, "", 0, False, "缺少说明文件")


def list_backups(db_path: Path, folder: Path | None = None) -> list[BackupInfo]:
    """Backups of this database, newest first."""
    folder = folder or backup_dir(db_path)
    if not folder.exists():
        return []
    infos = [_read_info(p) for p in folder.glob("*.db")]
    return sorted(infos, key=lambda i: i.created_at, reverse=True)


def verify_backup(info: BackupInfo) -> tuple[bool, str]:
    """Re-check a backup now: the checksum still matches and SQLite finds it sound."""
    if info.sha256 and _sha256(info.path) != info.sha256:
        return False, "文件内容与备份时的校验值不一致（文件被改动或磁盘损坏）"
    sound, _version, message = _check_file(info.path)
    return sound, message or "完整性检查通过"


def newest_good_backup(db_path: Path, folder: Path | None = None) -> BackupInfo | None:
    for info in list_backups(db_path, folder):
        if info.verified and verify_backup(info)[0]:
            return info
    return None


def prune_backups(db_path: Path, keep_days: int, today: dt.date, folder: Path | None = None) -> list[Path]:
    """Delete automatic backups older than ``keep_days``; never the newest good one."""
    infos = list_backups(db_path, folder)
    newest_good = next((i for i in infos if i.verified), None)
    cutoff = today - dt.timedelta(days=keep_days)
    removed = []
    for info in infos:
        if info is newest_good or not info.is_automatic or info.created.date() >= cutoff:
            continue
        info.path.unlink(missing_ok=True)
        _sidecar(info.path).unlink(missing_ok=True)
        removed.append(info.path)
    return removed


def daily_backup_due(db_path: Path, today: dt.date, folder: Path | None = None) -> bool:
    return not any(i.created.date() == today and i.verified for i in list_backups(db_path, folder))


def run_daily_backup(db: Database, keep_days: int, clock: Clock | None = None) -> BackupInfo | None:
    """The start-of-day routine: back up once a day, then prune. Returns the new backup, if any."""
    clock = clock or SystemClock()
    made = None
    if daily_backup_due(db.path, clock.today()):
        made = make_backup(db, reason="每日自动", clock=clock)
    prune_backups(db.path, keep_days, clock.today())
    return made


def restore_backup(db_path: Path, backup: BackupInfo, *, clock: Clock | None = None) -> BackupInfo | None:
    """Replace the database at ``db_path`` with ``backup``. All connections must be closed.

    The current file is saved first (as a verified backup if it can be read, otherwise copied
    as ``*.damaged``), so a restore never destroys anything. Returns the saved current file.
    """
    clock = clock or SystemClock()
    db_path = Path(db_path)
    ok, message = verify_backup(backup)
    if not ok:
        raise errors.UserError(f"所选备份“{backup.path.name}”不可用（{message}），请选择其他备份。")
    saved = None
    if db_path.exists():
        try:
            from desktop_app.storage.database import open_database

            current = open_database(db_path, migrate=False)
            try:
                saved = make_backup(current, reason="恢复前", clock=clock)
            finally:
                current.close()
        except (errors.DatabaseOpenError, errors.StorageEnvironmentError, sqlite3.Error):
            folder = backup_dir(db_path)
            folder.mkdir(parents=True, exist_ok=True)
            damaged = folder / f"{db_path.stem}-{clock.now():%Y%m%d-%H%M%S}.damaged"
            shutil.copy2(db_path, damaged)
    tmp = db_path.with_name(db_path.name + ".restoring")
    shutil.copyfile(backup.path, tmp)
    _fsync_file(tmp)
    # A stale WAL beside the old file would be replayed into the restored one: remove it first.
    for suffix in ("-wal", "-shm", "-journal"):
        Path(str(db_path) + suffix).unlink(missing_ok=True)
    os.replace(tmp, db_path)
    return saved
