"""Step-by-step upgrades of older database files.

``MIGRATIONS[n]`` upgrades a file from version ``n - 1`` to ``n``. Each step runs in its own
transaction together with the ``PRAGMA user_version`` bump, after one verified backup of the
file taken before the first step; if a step fails, the file stays at the last completed version
and the backup is named in the error.

When you change ``db_schema.sql``: bump its ``user_version``, add the matching step here, and
add a database saved at the old version to ``tests/data/`` (the migration tests open every one).
"""
from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

from desktop_app import errors

Step = Callable[[sqlite3.Connection], None]
STEPS_DIR = Path(__file__).with_name("steps")


def run_script(conn: sqlite3.Connection, script: str) -> None:
    """Run SQL statements one by one inside the caller's transaction.

    (``executescript`` would COMMIT first, breaking the one-transaction-per-step rule.)
    """
    statement = ""
    for line in script.splitlines(keepends=True):
        statement += line
        if sqlite3.complete_statement(statement):
            if statement.strip():
                conn.execute(statement)
            statement = ""
    if statement.strip() and not statement.strip().startswith("--"):
        raise ValueError(f"incomplete SQL statement: {statement[:80]}")


def sql_step(file_name: str, then: Step | None = None) -> Step:
    def step(conn: sqlite3.Connection) -> None:
        run_script(conn, (STEPS_DIR / file_name).read_text(encoding="utf-8"))
        if then is not None:
            then(conn)

    step.__name__ = f"step_{file_name}"
    return step


def _install_checklists(conn: sqlite3.Connection) -> None:
    from desktop_app.ledger.checklists import install_builtin_checklists

    install_builtin_checklists(conn)


def _install_holidays(conn: sqlite3.Connection) -> None:
    from desktop_app.roster.calendar import install_builtin_holidays

    install_builtin_holidays(conn)


def _install_training(conn: sqlite3.Connection) -> None:
    from desktop_app.training.service import install_defaults

    install_defaults(conn)


def _install_indicators(conn: sqlite3.Connection) -> None:
    from desktop_app.submissions.indicators import install_indicator_sets

    install_indicator_sets(conn)


MIGRATIONS: dict[int, Step] = {
    2: sql_step("0002_ledger.sql", then=_install_checklists),  # 自查自纠 · 问题台账
    3: sql_step("0003_roster.sql", then=_install_holidays),  # 值班
    4: sql_step("0004_handover.sql"),  # 交接班
    5: sql_step("0005_training.sql", then=_install_training),  # 培训与考核
    6: sql_step("0006_surgery.sql"),  # 手术分级与授权
    7: sql_step("0007_submissions.sql", then=_install_indicators),  # 半年/全年报送
}


def upgrade(db, *, clock=None, target: int | None = None) -> list[int]:
    """Upgrade ``db`` to ``target`` (default: this program's version). Returns the steps run."""
    from desktop_app.backup.service import make_backup
    from desktop_app.storage.database import SCHEMA_VERSION

    target = SCHEMA_VERSION if target is None else target
    current = db.user_version()
    if current >= target:
        return []
    missing = [v for v in range(current + 1, target + 1) if v not in MIGRATIONS]
    if missing:
        raise errors.DatabaseOpenError(
            f"无法把数据库从版本 {current} 升级到 {target}：缺少升级步骤 {missing}。请联系维护人员。",
            path=db.path,
        )
    backup = make_backup(db, reason="升级前", clock=clock)
    done = []
    for version in range(current + 1, target + 1):
        try:
            with db.transaction():
                MIGRATIONS[version](db.conn)
                db.conn.execute(f"PRAGMA user_version = {version}")
        except Exception as exc:
            raise errors.DatabaseOpenError(
                f"数据库升级到版本 {version} 时失败（{exc}）。文件仍保持在版本 {version - 1}，"
                f"升级前的备份在“{backup.path}”。",
                path=db.path,
            ) from exc
        done.append(version)
    return done
