"""Opening, creating and writing the SQLite database — the one place that knows how.

* :func:`open_database` opens a file correctly every time: foreign keys on, busy timeout,
  WAL on local disks (rollback journal on network shares), and checks that the file is ours
  and of a version this program understands; older files are upgraded step by step after a
  backup (see :mod:`desktop_app.storage.migrations`).
* :meth:`Database.transaction` is the only way to write: ``BEGIN IMMEDIATE`` ... ``COMMIT``,
  so every service call is one transaction and a failure leaves the file as it was. A busy
  ``BEGIN IMMEDIATE`` is tried again a bounded number of times (:data:`BUSY_RETRIES`).
* SQLite errors caused by the environment (busy, read-only, disk full, damage) are turned into
  the calm error classes of :mod:`desktop_app.errors`.
"""
from __future__ import annotations

import contextlib
import logging
import os
import random
import re
import sqlite3
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from desktop_app import errors
from desktop_app.paths import is_network_path, schema_path

# 'QLDG' — written by db_schema.sql; tells our files apart from other SQLite databases.
APPLICATION_ID = 0x514C4447
SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 4000
# ``BEGIN IMMEDIATE`` refused as busy (another computer or window holds the write lock longer than
# the busy timeout — an import, a restore, an upgrade) is tried again this many times after a short
# random pause, so a save waits at most about (1 + BUSY_RETRIES) × BUSY_TIMEOUT_MS before the calm
# “数据库忙” message. Only BEGIN is retried: nothing has been done yet, so trying again is always safe.
BUSY_RETRIES = 2

log = logging.getLogger(__name__)

_VERSION_RE = re.compile(r"PRAGMA\s+user_version\s*=\s*(\d+)", re.IGNORECASE)


def schema_script() -> str:
    return schema_path().read_text(encoding="utf-8")


def _schema_version() -> int:
    found = _VERSION_RE.findall(schema_script())
    if not found:
        raise RuntimeError("db_schema.sql must end with PRAGMA user_version = N")
    return int(found[-1])


SCHEMA_VERSION = _schema_version()


# ---------------------------------------------------------------------------- error translation

_BUSY_CODES = {5, 6}  # SQLITE_BUSY, SQLITE_LOCKED
_READONLY = 8
_IOERR = 10
_CORRUPT = 11
_FULL = 13
_CANTOPEN = 14
_NOTADB = 26


def translate_error(exc: BaseException, path: Path | None = None) -> BaseException:
    """Map a sqlite3 error caused by the environment to one of our calm error classes."""
    if not isinstance(exc, sqlite3.Error):
        return exc
    code = getattr(exc, "sqlite_errorcode", None)
    primary = code & 0xFF if isinstance(code, int) else None
    text = str(exc).lower()
    where = f"“{path}”" if path else "数据库文件"
    if primary in _BUSY_CODES or "database is locked" in text or "database is busy" in text:
        return errors.DatabaseBusy(
            "数据库正被另一台电脑或另一个程序窗口使用，本次操作没有写入。请稍候几秒再试。"
        )
    if primary == _READONLY or "readonly database" in text:
        return errors.DatabaseReadOnly(
            f"{where}是只读的，本次操作没有写入。请检查文件或所在文件夹的写入权限，"
            "或把数据库复制到可写的位置后在“系统设置”中重新选择。",
            retry_possible=False,
        )
    if primary == _FULL or "disk is full" in text:
        return errors.DiskFull(
            "磁盘空间已满，本次操作没有写入，已有数据未受影响。请清理磁盘（例如删除旧的备份或临时文件）后再试。"
        )
    if primary in (_CORRUPT, _NOTADB) or "malformed" in text or "not a database" in text:
        return errors.DatabaseDamaged(
            f"{where}已损坏，无法继续读写。请关闭程序，从最近的有效备份恢复（“备份与恢复”页或 qledger restore）。",
            path=path,
            offer_backup=True,
        )
    if primary == _IOERR or primary == _CANTOPEN:
        return errors.StorageEnvironmentError(
            f"读写{where}时发生磁盘错误（{exc}）。数据未被修改；请检查磁盘或网络连接后重试。"
        )
    return exc


# ---------------------------------------------------------------------------- the handle


class Database:
    """One connection to one database file, used by one thread."""

    def __init__(self, path: Path, conn: sqlite3.Connection):
        self.path = Path(path)
        self.conn = conn
        self._depth = 0
        self.busy_retries = 0  # BEGIN IMMEDIATE attempts repeated because the file was busy

    # -- reading
    def execute(self, sql: str, params: Sequence | dict = ()) -> sqlite3.Cursor:
        try:
            return self.conn.execute(sql, params)
        except sqlite3.Error as exc:
            raise translate_error(exc, self.path) from exc

    def query(self, sql: str, params: Sequence | dict = ()) -> list[sqlite3.Row]:
        return self.execute(sql, params).fetchall()

    def query_one(self, sql: str, params: Sequence | dict = ()) -> sqlite3.Row | None:
        return self.execute(sql, params).fetchone()

    def scalar(self, sql: str, params: Sequence | dict = ()) -> Any:
        row = self.execute(sql, params).fetchone()
        return None if row is None else row[0]

    def tuples(self, sql: str, params: Sequence | dict = ()) -> list[tuple]:
        """Rows as plain tuples (several times cheaper than Row objects for tens of thousands)."""
        cursor = self.conn.cursor()
        cursor.row_factory = None
        try:
            return cursor.execute(sql, params).fetchall()
        except sqlite3.Error as exc:
            raise translate_error(exc, self.path) from exc

    def execute_many(self, sql: str, rows) -> None:
        try:
            self.conn.executemany(sql, rows)
        except sqlite3.Error as exc:
            raise translate_error(exc, self.path) from exc

    def table_names(self) -> list[str]:
        return [r[0] for r in self.query("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]

    def columns(self, table: str) -> list[str]:
        """The column names of a table, in order."""
        from desktop_app.storage.tables import _name

        return [r[1] for r in self.query(f"PRAGMA table_info({_name(table)})")]

    # -- writing
    @contextlib.contextmanager
    def transaction(self) -> Iterator["Database"]:
        """One write transaction. Nested calls join the outer transaction."""
        if self._depth:
            self._depth += 1
            try:
                yield self
            finally:
                self._depth -= 1
            return
        self._begin()
        self._depth = 1
        try:
            yield self
            self.conn.execute("COMMIT")
        except BaseException as exc:
            if self.conn.in_transaction:
                try:
                    self.conn.execute("ROLLBACK")
                except sqlite3.Error:
                    pass
            if isinstance(exc, sqlite3.Error):
                translated = translate_error(exc, self.path)
                if translated is not exc:
                    raise translated from exc
            raise
        finally:
            self._depth = 0

    def _begin(self) -> None:
        for attempt in range(BUSY_RETRIES + 1):
            try:
                self.conn.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.Error as exc:
                translated = translate_error(exc, self.path)
                if not isinstance(translated, errors.DatabaseBusy) or attempt == BUSY_RETRIES:
                    raise translated from exc
            self.busy_retries += 1
            log.info("database busy, trying BEGIN IMMEDIATE again (%d of %d)", attempt + 1, BUSY_RETRIES)
            time.sleep(random.uniform(0.05, 0.25))

    @property
    def in_transaction(self) -> bool:
        return self._depth > 0

    def require_transaction(self) -> None:
        if not self._depth:
            raise RuntimeError("this write must run inside Database.transaction()")

    # -- housekeeping
    def user_version(self) -> int:
        return int(self.scalar("PRAGMA user_version"))

    def set_user_version(self, version: int) -> None:
        self.execute(f"PRAGMA user_version = {int(version)}")

    def journal_mode(self) -> str:
        return str(self.scalar("PRAGMA journal_mode"))

    def fold_log(self) -> None:
        """Fold the write-ahead log into the file and leave WAL mode, so the file alone is the
        whole database (a builder about to rename it into place); the next open sets WAL again."""
        self.execute("PRAGMA journal_mode = DELETE")

    def quick_check(self) -> list[str]:
        """``PRAGMA quick_check``: empty list when the file is sound, else SQLite's complaints."""
        rows = [r[0] for r in self.query("PRAGMA quick_check")]
        return [] if rows == ["ok"] else rows

    def integrity_check(self) -> list[str]:
        rows = [r[0] for r in self.query("PRAGMA integrity_check")]
        return [] if rows == ["ok"] else rows

    def reopen(self) -> "Database":
        """A new connection to the same file, for another thread (jobs, backups)."""
        return open_database(self.path, migrate=False)

    def close(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            self.conn.close()

    def __enter__(self) -> "Database":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


# ---------------------------------------------------------------------------- opening


def _connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(
        str(path), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=True
    )
    conn.row_factory = sqlite3.Row
    # Must be set right after connecting: inside a transaction it is silently ignored.
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA temp_store = MEMORY")
    conn.execute("PRAGMA cache_size = -32000")
    return conn


def _set_journal_mode(conn: sqlite3.Connection, path: Path) -> None:
    wanted = "DELETE" if is_network_path(path) else "WAL"
    current = conn.execute("PRAGMA journal_mode").fetchone()[0].upper()
    if current != wanted:
        conn.execute(f"PRAGMA journal_mode = {wanted}")
    # FULL: a commit survives a power cut, not only a crash of the program.
    conn.execute("PRAGMA synchronous = FULL")


def _sniff(path: Path) -> None:
    """Refuse obviously wrong files before SQLite sees them."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(len(SQLITE_HEADER))
    except PermissionError as exc:
        raise errors.DatabaseOpenError(
            f"没有权限读取数据库文件“{path}”。请检查文件权限，或以有权限的账户运行程序。", path=path
        ) from exc
    if head != SQLITE_HEADER:
        raise errors.NotADatabase(
            f"文件“{path}”不是本程序的数据库（也可能已损坏）。请选择正确的数据库文件，或从备份恢复。",
            path=path,
            offer_backup=True,
        )


def open_database(path: Path | str, *, migrate: bool = True, clock=None, check: str = "none") -> Database:
    """Open an existing database file, upgrading it if it is older than this program.

    ``check`` is ``"none"``, ``"quick"`` (``PRAGMA quick_check``) or ``"full"``.
    Raises a :class:`desktop_app.errors.DatabaseOpenError` subclass with a Chinese message when the
    file cannot be used.
    """
    path = Path(path)
    if not path.exists():
        raise errors.DatabaseOpenError(f"找不到数据库文件“{path}”。", path=path)
    _sniff(path)
    if not os.access(path, os.W_OK) or not os.access(path.parent, os.W_OK):
        raise errors.DatabaseOpenError(
            f"数据库文件“{path}”或其所在文件夹是只读的，程序无法保存任何修改。"
            "请取消文件的“只读”属性或更改文件夹权限；也可以把数据库复制到可写的位置后用 --db 指定。",
            path=path,
        )
    try:
        conn = _connect(path)
    except sqlite3.Error as exc:
        raise translate_error(exc, path) from exc
    db = Database(path, conn)
    try:
        app_id = int(db.scalar("PRAGMA application_id"))
        version = db.user_version()
        if app_id != APPLICATION_ID:
            raise errors.NotADatabase(
                f"文件“{path}”是一个 SQLite 数据库，但不是本程序的数据库。请选择正确的文件。", path=path
            )
        if version > SCHEMA_VERSION:
            raise errors.DatabaseTooNew(
                f"数据库“{path}”由更新版本的程序创建（数据版本 {version}），"
                f"本程序只支持到数据版本 {SCHEMA_VERSION}。请安装新版本程序后再打开，"
                "不要用旧版本程序修改它。",
                path=path,
            )
        _set_journal_mode(conn, path)
        if check != "none":
            problems = db.quick_check() if check == "quick" else db.integrity_check()
            if problems:
                raise errors.DatabaseDamaged(
                    f"数据库“{path}”的完整性检查未通过（{problems[0]}）。"
                    "请从最近的有效备份恢复；当前文件不会被覆盖，恢复前会另存一份。",
                    path=path,
                    offer_backup=True,
                )
        if version < SCHEMA_VERSION:
            if not migrate:
                raise errors.DatabaseOpenError(
                    f"数据库“{path}”需要先升级（数据版本 {version} → {SCHEMA_VERSION}）。", path=path
                )
            from desktop_app.storage.migrations import upgrade

            upgrade(db, clock=clock)
    except errors.DatabaseOpenError:
        db.close()
        raise
    except sqlite3.Error as exc:
        db.close()
        translated = translate_error(exc, path)
        if isinstance(translated, errors.DatabaseOpenError):
            raise translated from exc
        if isinstance(translated, errors.StorageEnvironmentError):
            raise translated from exc
        raise errors.DatabaseDamaged(
            f"无法读取数据库“{path}”（{exc}）。文件可能已损坏，请从最近的有效备份恢复。",
            path=path,
            offer_backup=True,
        ) from exc
    except BaseException:
        db.close()
        raise
    return db


def peek_meta(path: Path | str, key: str) -> str | None:
    """A value of the file's ``meta`` table, read without opening the file as the program would
    (an older file is not upgraded just to ask); None when it is not there or not readable."""
    try:
        conn = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True)
        try:
            row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        finally:
            conn.close()
    except sqlite3.Error:
        return None
    return None if row is None else row[0]


def create_database(path: Path | str) -> Database:
    """Create a new, empty database from ``db_schema.sql``.

    The schema is written to a temporary file that is renamed into place only when complete,
    so a crash never leaves a half-created database behind.
    """
    path = Path(path)
    if path.exists() and path.stat().st_size > 0:
        raise errors.Conflict(f"文件“{path}”已存在，不能在其上新建数据库。")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".creating")
    for leftover in (tmp, Path(str(tmp) + "-journal")):
        leftover.unlink(missing_ok=True)
    conn = sqlite3.connect(str(tmp), isolation_level=None)
    try:
        # One transaction: in autocommit every CREATE is its own synced commit (~10× slower).
        conn.executescript(f"BEGIN;\n{schema_script()}\nCOMMIT;")
    except sqlite3.Error as exc:
        conn.close()
        tmp.unlink(missing_ok=True)
        raise translate_error(exc, path) from exc
    conn.close()
    os.replace(tmp, path)
    return open_database(path, migrate=False)
