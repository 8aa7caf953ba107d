"""Backup and restore as actions of a logged-in user (permission-checked and audited).

Backups are of the whole database: hospital-wide (``scope=HOSPITAL``). The copying itself is file
and storage work in backup/service.py (SQLite's online backup API on the open connection).
"""
from __future__ import annotations

from desktop_app.accounts import audit
from desktop_app.accounts.permissions import action
from desktop_app.accounts.scope import HOSPITAL
from desktop_app.backup import service
from desktop_app.backup.manifest import BACKUP_CREATE, BACKUP_RESTORE
from desktop_app.session import Session
from desktop_app.storage.database import Database, open_database


@action(BACKUP_CREATE, scope=HOSPITAL)
def list_backups(session: Session) -> list[service.BackupInfo]:
    return service.list_backups(session.db.path)


@action(BACKUP_CREATE, scope=HOSPITAL)
def backup_now(session: Session, *, reason: str = "手动", progress=None) -> service.BackupInfo:
    return service.make_backup(session.db, reason=reason, clock=session.clock, progress=progress)


@action(BACKUP_RESTORE, scope=HOSPITAL)
def restore_from_backup(session: Session, backup: service.BackupInfo) -> tuple[Database, service.BackupInfo | None]:
    """Close the session's database, restore ``backup`` over it, reopen, and audit the restore.

    Returns the reopened database and the backup taken of the file that was replaced.
    """
    path = session.db.path
    session.db.close()
    saved = service.restore_backup(path, backup, clock=session.clock)
    db = open_database(path, clock=session.clock)
    restored = session.on(db)
    with db.transaction():
        audit.record(
            restored, "restore", "database", label=path.name,
            after={"backup": backup.path.name, "backup_time": backup.created_at,
                   "saved_current_as": saved.path.name if saved else None},
        )
    return db, saved
