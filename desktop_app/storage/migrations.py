"""Step-by-step upgrades of older database files.

``STEPS[n]`` upgrades a file from version ``n - 1`` to ``n``. The steps come from the modules'
manifests (each module declares the schema steps it brings; :mod:`desktop_app.modules` imports
every manifest), so storage knows no domain. Each step runs in its own transaction together
with the ``PRAGMA user_version`` bump, after one verified backup of the file taken before the
first step; if a step fails, the file stays at the last completed version and the backup is
named in the error.

When you change ``db_schema.sql``: bump its ``user_version``, declare the matching step in the
module's manifest (an SQL file in the module's ``schema/`` folder), and add a database saved at
the old version to ``tests/data/`` (the migration tests open every one).
"""
from __future__ import annotations

import sqlite3
from collections.abc import Callable

from desktop_app import errors

# (database, timestamp of the upgrade) -> None; runs inside the step's transaction
Step = Callable[..., None]
STEPS: dict[int, tuple[str, Step]] = {}  # version -> (where it comes from, step)


def register_step(version: int, origin: str, step: Step) -> None:
    if version in STEPS and STEPS[version][0] != origin:
        raise RuntimeError(f"schema step {version} declared by {STEPS[version][0]} and {origin}")
    STEPS[version] = (origin, step)


def run_script(db, script: str) -> None:
    """Run SQL statements one by one inside the caller's transaction.

    (``executescript`` would COMMIT first, breaking the one-transaction-per-step rule.)
    """
    statement = ""
    for line in script.splitlines(keepends=True):
        statement += line
        if sqlite3.complete_statement(statement):
            if statement.strip():
                db.execute(statement)
            statement = ""
    if statement.strip() and not statement.strip().startswith("--"):
        raise ValueError(f"incomplete SQL statement: {statement[:80]}")


def upgrade(db, *, clock=None, target: int | None = None) -> list[int]:
    """Upgrade ``db`` to ``target`` (default: this program's version). Returns the steps run."""
    from desktop_app.backup.service import make_backup
    from desktop_app.clock import SystemClock, stamp
    from desktop_app.storage.database import SCHEMA_VERSION

    target = SCHEMA_VERSION if target is None else target
    current = db.user_version()
    if current >= target:
        return []
    missing = [v for v in range(current + 1, target + 1) if v not in STEPS]
    if missing:
        raise errors.DatabaseOpenError(
            f"无法把数据库从版本 {current} 升级到 {target}：缺少升级步骤 {missing}。请联系维护人员。",
            path=db.path,
        )
    backup = make_backup(db, reason="升级前", clock=clock)
    now = stamp((clock or SystemClock()).now())
    done = []
    for version in range(current + 1, target + 1):
        try:
            with db.transaction():
                STEPS[version][1](db, now)
                db.set_user_version(version)
        except Exception as exc:
            raise errors.DatabaseOpenError(
                f"数据库升级到版本 {version} 时失败（{exc}）。文件仍保持在版本 {version - 1}，"
                f"升级前的备份在“{backup.path}”。",
                path=db.path,
            ) from exc
        done.append(version)
    return done
