"""SQL for user accounts. Small functions that take a Database; no rules here.

An account is created and changed through desktop_app/records.py (the USER entity in
accounts/service.py); what is here reads, and writes what is not a change the audit log shows
field by field (a login's counters, a password). The audit log's own SQL is in accounts/audit.py.
"""
from __future__ import annotations

from desktop_app.accounts.models import User
from desktop_app.accounts.permissions import Role
from desktop_app.storage import tables

_USER_SQL = """
SELECT u.*, d.name AS department_name, s.name || '（' || s.employee_no || '）' AS staff_label FROM users u
LEFT JOIN departments d ON d.id = u.department_id
LEFT JOIN staff s ON s.id = u.staff_id
"""


def _user(row) -> User:
    return User(
        id=row["id"],
        uid=row["uid"],
        username=row["username"],
        display_name=row["display_name"],
        role=Role(row["role"]),
        department_id=row["department_id"],
        department_name=row["department_name"],
        staff_id=row["staff_id"],
        staff_label=row["staff_label"],
        active=bool(row["active"]),
        must_change_password=bool(row["must_change_password"]),
        password_changed_at=row["password_changed_at"],
        locked_until=row["locked_until"],
        last_login_at=row["last_login_at"],
    )


def get_user(db, user_id: int) -> User | None:
    row = db.query_one(_USER_SQL + " WHERE u.id = ?", (user_id,))
    return None if row is None else _user(row)


def list_users(db) -> list[User]:
    return [_user(r) for r in db.query(_USER_SQL + " ORDER BY u.active DESC, u.role, u.username")]


def credentials(db, username: str) -> tuple[User, str, int] | None:
    """(the account, its password hash, failed logins so far) for a login, or None."""
    row = db.query_one(_USER_SQL + " WHERE u.username = ?", (username,))
    return None if row is None else (_user(row), row["password_hash"], row["failed_logins"])


def password_hash(db, user_id: int) -> tuple[str, str] | None:
    """(password hash, username) of an account, or None."""
    row = db.query_one("SELECT password_hash, username FROM users WHERE id = ?", (user_id,))
    return None if row is None else (row["password_hash"], row["username"])


def password_changed_at(db, user_id: int) -> str | None:
    return db.scalar("SELECT password_changed_at FROM users WHERE id = ?", (user_id,))


def count_users(db) -> int:
    return int(db.scalar("SELECT count(*) FROM users"))


def usernames_for_login(db) -> list[str]:
    """Active usernames, most recently used first."""
    rows = db.query("SELECT username FROM users WHERE active = 1"
                    " ORDER BY CASE WHEN last_login_at IS NULL THEN 1 ELSE 0 END, last_login_at DESC, username")
    return [r[0] for r in rows]


def username_taken(db, username: str) -> bool:
    return tables.exists(db, "users", {"username": username})  # the column compares without case


def active_admins(db, excluding: int | None = None) -> int:
    return int(db.scalar("SELECT count(*) FROM users WHERE role = ? AND active = 1 AND id <> ?",
                         (Role.ADMIN.value, excluding if excluding is not None else -1)))


def insert_user(db, values: dict) -> int:
    return tables.insert(db, "users", values)


def update_user(db, user_id: int, values: dict) -> int:
    return tables.update(db, "users", user_id, values)
