"""User accounts: login and lock-out, passwords, user management, the audit log queries."""
from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass

from desktop_app import errors
from desktop_app.accounts import audit
from desktop_app.accounts.manifest import AUDIT_VIEW, OWN_ACCOUNT, USERS_MANAGE
from desktop_app.accounts.passwords import check_password_rules, hash_password, verify_password
from desktop_app.accounts.permissions import USER_ROLES, Role, action
from desktop_app.clock import Clock, parse_stamp, stamp
from desktop_app.errors import Finding
from desktop_app.session import Actor, Session
from desktop_app.settings import get_setting

MAX_FAILED_LOGINS = 5
LOCK_MINUTES = 10
_USERNAME_RE = re.compile(r"^[A-Za-z0-9_.\-]{2,32}$")

audit.register_entity(
    "user",
    "用户账户",
    {
        "username": "用户名",
        "display_name": "姓名",
        "role": "角色",
        "department_id": "所属科室",
        "staff_id": "对应人员",
        "active": "启用",
        "must_change_password": "下次登录须改密码",
        "locked_until": "锁定至",
    },
)


@dataclass(frozen=True)
class User:
    id: int
    uid: str
    username: str
    display_name: str
    role: Role
    department_id: int | None
    department_name: str | None
    staff_id: int | None
    staff_label: str | None
    active: bool
    must_change_password: bool
    password_changed_at: str
    locked_until: str | None
    last_login_at: str | None

    @property
    def role_label(self) -> str:
        return self.role.label

    def actor(self) -> Actor:
        return Actor(self.id, self.username, self.display_name, self.role, self.department_id, self.staff_id)


@dataclass(frozen=True)
class LoginResult:
    actor: Actor
    must_change_password: bool
    password_expires_in_days: int | None  # None: passwords do not expire


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


def _audit_values(user: User) -> dict:
    return {
        "username": user.username,
        "display_name": user.display_name,
        "role": user.role.label,
        "department_id": user.department_name,
        "staff_id": user.staff_label,
        "active": "是" if user.active else "否",
        "must_change_password": "是" if user.must_change_password else "否",
    }


def _get_user(db, user_id: int) -> User:
    row = db.query_one(_USER_SQL + " WHERE u.id = ?", (user_id,))
    if row is None:
        raise errors.NotFound(f"用户（编号 {user_id}）不存在，可能已被删除。")
    return _user(row)


def count_users(db) -> int:
    return int(db.scalar("SELECT count(*) FROM users"))


def usernames_for_login(db) -> list[str]:
    """Active usernames, most recently used first (offered in the login dialog)."""
    rows = db.query(
        "SELECT username FROM users WHERE active = 1 ORDER BY last_login_at IS NULL, last_login_at DESC, username"
    )
    return [r[0] for r in rows]


# ----------------------------------------------------------------------------- login


def password_expiry_days(db, changed_at: str, today: dt.date) -> int | None:
    max_age = int(get_setting(db, "security.password_max_age_days"))
    if max_age <= 0:
        return None
    changed = parse_stamp(changed_at).date()
    return (changed + dt.timedelta(days=max_age) - today).days


def authenticate(db, username: str, password: str, clock: Clock) -> LoginResult:
    """Check a login. Five wrong passwords lock the account for ten minutes."""
    now = clock.now()
    system = Session(db, Actor(None, username or "?", "（未登录）", Role.SYSTEM), clock)
    row = db.query_one(_USER_SQL + " WHERE u.username = ?", ((username or "").strip(),))
    wrong = errors.AuthenticationError("用户名或密码不正确。")
    if row is None or not row["active"]:
        with db.transaction():
            audit.record(system, "login_failed", "user", label=username, after={"reason": "用户不存在或已停用"})
        raise wrong
    user = _user(row)
    if user.locked_until and parse_stamp(user.locked_until) > now:
        until = parse_stamp(user.locked_until).strftime("%H:%M")
        raise errors.AuthenticationError(
            f"账户“{user.username}”因连续 {MAX_FAILED_LOGINS} 次密码错误已被锁定，请于 {until} 后再试，"
            "或请系统管理员解锁。"
        )
    as_user = system.as_actor(user.actor())
    if not verify_password(password, row["password_hash"]):
        failed = row["failed_logins"] + 1
        with db.transaction():
            if failed >= MAX_FAILED_LOGINS:
                locked = stamp(now + dt.timedelta(minutes=LOCK_MINUTES))
                db.execute("UPDATE users SET failed_logins = 0, locked_until = ? WHERE id = ?", (locked, user.id))
                audit.record(as_user, "account_locked", "user", uid=user.uid, label=user.username,
                             after={"locked_until": locked})
            else:
                db.execute("UPDATE users SET failed_logins = ? WHERE id = ?", (failed, user.id))
                audit.record(as_user, "login_failed", "user", uid=user.uid, label=user.username,
                             after={"reason": f"密码错误（第 {failed} 次）"})
        if failed >= MAX_FAILED_LOGINS:
            raise errors.AuthenticationError(
                f"密码已连续错误 {MAX_FAILED_LOGINS} 次，账户锁定 {LOCK_MINUTES} 分钟。"
            )
        left = MAX_FAILED_LOGINS - failed
        raise errors.AuthenticationError(f"用户名或密码不正确。再错 {left} 次账户将被锁定 {LOCK_MINUTES} 分钟。")
    with db.transaction():
        db.execute(
            "UPDATE users SET failed_logins = 0, locked_until = NULL, last_login_at = ? WHERE id = ?",
            (stamp(now), user.id),
        )
        audit.record(as_user, "login", "user", uid=user.uid, label=user.username)
    return LoginResult(
        actor=user.actor(),
        must_change_password=user.must_change_password,
        password_expires_in_days=password_expiry_days(db, user.password_changed_at, now.date()),
    )


# ----------------------------------------------------------------------------- own account


@action(OWN_ACCOUNT)
def change_own_password(session: Session, old_password: str, new_password: str) -> None:
    db = session.db
    actor = session.actor
    if actor.user_id is None:
        raise errors.UserError("系统账户没有密码。")
    row = db.query_one("SELECT password_hash, username FROM users WHERE id = ?", (actor.user_id,))
    if row is None:
        raise errors.NotFound("当前用户已不存在。")
    findings = []
    if not verify_password(old_password, row["password_hash"]):
        findings.append(Finding("原密码不正确。", field="原密码"))
    findings += check_password_rules(new_password, username=row["username"])
    if old_password == new_password:
        findings.append(Finding("新密码不能与原密码相同。", field="新密码"))
    if findings:
        raise errors.ValidationError(findings)
    with db.transaction():
        db.execute(
            "UPDATE users SET password_hash = ?, must_change_password = 0, password_changed_at = ?,"
            " updated_at = ? WHERE id = ?",
            (hash_password(new_password), session.stamp(), session.stamp(), actor.user_id),
        )
        audit.record(session, "password_change", "user", label=row["username"])


# ----------------------------------------------------------------------------- administration


def _validate_user_values(db, values: dict, *, user_id: int | None) -> list[Finding]:
    findings = []
    username = (values.get("username") or "").strip()
    if user_id is None:
        if not _USERNAME_RE.match(username):
            findings.append(Finding("用户名为 2–32 位字母、数字或 _ . -（不能用汉字，便于登录时输入）。", field="用户名"))
        elif db.scalar("SELECT 1 FROM users WHERE username = ?", (username,)):
            findings.append(Finding(f"用户名“{username}”已被使用，请换一个。", field="用户名"))
    if not (values.get("display_name") or "").strip():
        findings.append(Finding("请填写姓名。", field="姓名"))
    try:
        role = Role(values.get("role"))
        if role not in USER_ROLES:
            raise ValueError
    except ValueError:
        findings.append(Finding("请选择角色。", field="角色"))
        role = None
    dept = values.get("department_id")
    if dept is not None and not db.scalar("SELECT 1 FROM departments WHERE id = ?", (dept,)):
        findings.append(Finding("所选科室不存在。", field="所属科室"))
    if role == Role.DEPT_HEAD and dept is None:
        findings.append(Finding("科室负责人必须指定所属科室（只能处理本科室的事务）。", field="所属科室"))
    staff = values.get("staff_id")
    if staff is not None and not db.scalar("SELECT 1 FROM staff WHERE id = ?", (staff,)):
        findings.append(Finding("所选人员不存在。", field="对应人员"))
    return findings


def _active_admins(db, excluding: int | None = None) -> int:
    return int(
        db.scalar(
            "SELECT count(*) FROM users WHERE role = 'admin' AND active = 1 AND id <> ?",
            (excluding if excluding is not None else -1,),
        )
    )


@action(USERS_MANAGE)
def list_users(session: Session) -> list[User]:
    return [_user(r) for r in session.db.query(_USER_SQL + " ORDER BY u.active DESC, u.role, u.username")]


@action(USERS_MANAGE)
def create_user(session: Session, values: dict, password: str) -> User:
    """Create an account; the password is temporary and must be changed at first login."""
    db = session.db
    findings = _validate_user_values(db, values, user_id=None)
    findings += check_password_rules(password, username=values.get("username") or "", field="初始密码")
    if findings:
        raise errors.ValidationError(findings)
    now = session.stamp()
    with db.transaction():
        cur = db.execute(
            "INSERT INTO users (username, display_name, role, department_id, staff_id, password_hash,"
            " must_change_password, password_changed_at, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                values["username"].strip(),
                values["display_name"].strip(),
                Role(values["role"]).value,
                values.get("department_id"),
                values.get("staff_id"),
                hash_password(password),
                0 if values.get("password_is_final") else 1,
                now,
                now,
                now,
            ),
        )
        user = _get_user(db, cur.lastrowid)
        audit.record(session, "create", "user", uid=user.uid, label=user.username, after=_audit_values(user))
    return user


@action(USERS_MANAGE)
def update_user(session: Session, user_id: int, values: dict) -> User:
    """Change name, role, department, linked staff or the active flag of an account."""
    db = session.db
    before = _get_user(db, user_id)
    merged = {
        "display_name": before.display_name,
        "role": before.role.value,
        "department_id": before.department_id,
        "staff_id": before.staff_id,
        "active": before.active,
        **values,
    }
    findings = _validate_user_values(db, merged, user_id=user_id)
    losing_admin = before.role == Role.ADMIN and before.active and (
        merged["role"] != Role.ADMIN.value or not merged["active"]
    )
    if losing_admin and _active_admins(db, excluding=user_id) == 0:
        findings.append(Finding("至少要保留一个启用的系统管理员账户。", field="角色"))
    if findings:
        raise errors.ValidationError(findings)
    with db.transaction():
        db.execute(
            "UPDATE users SET display_name = ?, role = ?, department_id = ?, staff_id = ?, active = ?,"
            " updated_at = ? WHERE id = ?",
            (
                merged["display_name"].strip(),
                Role(merged["role"]).value,
                merged["department_id"],
                merged["staff_id"],
                1 if merged["active"] else 0,
                session.stamp(),
                user_id,
            ),
        )
        after = _get_user(db, user_id)
        old, new = audit.diff(_audit_values(before), _audit_values(after))
        if new:
            audit.record(session, "update", "user", uid=after.uid, label=after.username, before=old, after=new)
    return after


@action(USERS_MANAGE)
def reset_password(session: Session, user_id: int, temporary: str) -> None:
    """Set a temporary password; the user must change it at the next login. Also unlocks."""
    db = session.db
    user = _get_user(db, user_id)
    findings = check_password_rules(temporary, username=user.username, field="临时密码")
    if findings:
        raise errors.ValidationError(findings)
    with db.transaction():
        db.execute(
            "UPDATE users SET password_hash = ?, must_change_password = 1, password_changed_at = ?,"
            " failed_logins = 0, locked_until = NULL, updated_at = ? WHERE id = ?",
            (hash_password(temporary), session.stamp(), session.stamp(), user_id),
        )
        audit.record(session, "password_reset", "user", uid=user.uid, label=user.username)


@action(USERS_MANAGE)
def unlock_user(session: Session, user_id: int) -> None:
    db = session.db
    user = _get_user(db, user_id)
    with db.transaction():
        db.execute("UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = ?", (user_id,))
        audit.record(session, "unlock", "user", uid=user.uid, label=user.username,
                     before={"locked_until": user.locked_until}, after={"locked_until": None})


# ----------------------------------------------------------------------------- audit log queries


@dataclass(frozen=True)
class AuditFilter:
    actor_name: str | None = None
    entity: str | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    text: str | None = None


def _audit_where(f: AuditFilter) -> tuple[str, list]:
    clauses, params = [], []
    if f.actor_name:
        clauses.append("actor_name = ?")
        params.append(f.actor_name)
    if f.entity:
        clauses.append("entity = ?")
        params.append(f.entity)
    if f.date_from:
        clauses.append("ts >= ?")
        params.append(f.date_from.isoformat())
    if f.date_to:
        clauses.append("ts < ?")
        params.append((f.date_to + dt.timedelta(days=1)).isoformat())
    if f.text:
        clauses.append("(entity_label LIKE ? OR before_json LIKE ? OR after_json LIKE ?)")
        params += [f"%{f.text}%"] * 3
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


@action(AUDIT_VIEW)
def search_audit(session: Session, flt: AuditFilter, *, limit: int = 200, before_id: int | None = None) -> list[audit.AuditEntry]:
    """Newest first, ``limit`` rows at a time; pass the smallest id seen to get the next page."""
    where, params = _audit_where(flt)
    if before_id is not None:
        where += (" AND " if where else " WHERE ") + "id < ?"
        params.append(before_id)
    rows = session.db.query(
        "SELECT id, ts, actor_name, action, entity, entity_uid, entity_label, before_json, after_json"
        f" FROM audit_log{where} ORDER BY id DESC LIMIT ?",
        [*params, limit],
    )
    return [
        audit.AuditEntry(
            id=r["id"],
            ts=r["ts"],
            actor_name=r["actor_name"],
            action=r["action"],
            entity=r["entity"],
            entity_uid=r["entity_uid"],
            entity_label=r["entity_label"],
            before=json.loads(r["before_json"]) if r["before_json"] else None,
            after=json.loads(r["after_json"]) if r["after_json"] else None,
        )
        for r in rows
    ]


@action(AUDIT_VIEW)
def audit_actor_names(session: Session) -> list[str]:
    return [r[0] for r in session.db.query("SELECT DISTINCT actor_name FROM audit_log ORDER BY actor_name")]


@action(AUDIT_VIEW)
def verify_audit(session: Session) -> audit.ChainReport:
    return audit.verify_chain(session.db)
