"""User accounts: login and lock-out, passwords, user management, the audit log queries.

Accounts, the audit log and a user's own password are hospital-wide matters for the system
administrator, or the user's own (``OWN``): no department scope applies here.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from desktop_app import errors, records
from desktop_app.accounts import audit, repo
from desktop_app.accounts.audit import AuditFilter
from desktop_app.accounts.manifest import AUDIT_VIEW, OWN_ACCOUNT, USERS_MANAGE
from desktop_app.accounts.models import AUDITED_FIELDS, USER_FIELDS, User
from desktop_app.accounts.passwords import check_password_rules, hash_password, verify_password
from desktop_app.accounts.permissions import USER_ROLES, Role, action
from desktop_app.accounts.scope import HOSPITAL, OWN
from desktop_app.clock import Clock, parse_stamp, stamp
from desktop_app.errors import Finding
from desktop_app.people import repo as people_repo
from desktop_app.session import Actor, Session
from desktop_app.settings import get_setting

__all__ = ["AuditFilter", "LoginResult", "User"]  # AuditFilter and User are used as accounts.…

MAX_FAILED_LOGINS = 5
LOCK_MINUTES = 10
_USERNAME_RE = re.compile(r"^[A-Za-z0-9_.\-]{2,32}$")
F = USER_FIELDS


@dataclass(frozen=True)
class LoginResult:
    actor: Actor
    must_change_password: bool
    password_expires_in_days: int | None  # None: passwords do not expire


def _audit_values(user: User) -> dict:
    shown = {"role": user.role.label, "department_id": user.department_name, "staff_id": user.staff_label,
             "active": "是" if user.active else "否", "must_change_password": "是" if user.must_change_password else "否"}
    return {k: shown.get(k, getattr(user, k)) for k in AUDITED_FIELDS}


USER = records.Entity(
    "user", "用户账户", "users", read=lambda session, user_id: repo.get_user(session.db, user_id),
    audit_values=_audit_values, describe=lambda user: user.username,
    field_labels=F.labels((*AUDITED_FIELDS, "locked_until")))


def _get_user(db, user_id: int) -> User:
    user = repo.get_user(db, user_id)
    if user is None:
        raise errors.NotFound(f"用户（编号 {user_id}）不存在，可能已被删除。")
    return user


def count_users(db) -> int:
    return repo.count_users(db)


def usernames_for_login(db) -> list[str]:
    """Active usernames, most recently used first (offered in the login dialog)."""
    return repo.usernames_for_login(db)


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
    found = repo.credentials(db, (username or "").strip())
    wrong = errors.AuthenticationError("用户名或密码不正确。")
    if found is None or not found[0].active:
        with db.transaction():
            audit.record(system, "login_failed", "user", label=username, after={"reason": "用户不存在或已停用"})
        raise wrong
    user, password_hash, failed_logins = found
    if user.locked_until and parse_stamp(user.locked_until) > now:
        until = parse_stamp(user.locked_until).strftime("%H:%M")
        raise errors.AuthenticationError(
            f"账户“{user.username}”因连续 {MAX_FAILED_LOGINS} 次密码错误已被锁定，请于 {until} 后再试，"
            "或请系统管理员解锁。"
        )
    as_user = system.as_actor(user.actor())
    if not verify_password(password, password_hash):
        failed = failed_logins + 1
        with db.transaction():
            if failed >= MAX_FAILED_LOGINS:
                locked = stamp(now + dt.timedelta(minutes=LOCK_MINUTES))
                repo.update_user(db, user.id, {"failed_logins": 0, "locked_until": locked})
                audit.record(as_user, "account_locked", "user", uid=user.uid, label=user.username,
                             after={"locked_until": locked})
            else:
                repo.update_user(db, user.id, {"failed_logins": failed})
                audit.record(as_user, "login_failed", "user", uid=user.uid, label=user.username,
                             after={"reason": f"密码错误（第 {failed} 次）"})
        if failed >= MAX_FAILED_LOGINS:
            raise errors.AuthenticationError(
                f"密码已连续错误 {MAX_FAILED_LOGINS} 次，账户锁定 {LOCK_MINUTES} 分钟。"
            )
        left = MAX_FAILED_LOGINS - failed
        raise errors.AuthenticationError(f"用户名或密码不正确。再错 {left} 次账户将被锁定 {LOCK_MINUTES} 分钟。")
    with db.transaction():
        repo.update_user(db, user.id, {"failed_logins": 0, "locked_until": None, "last_login_at": stamp(now)})
        audit.record(as_user, "login", "user", uid=user.uid, label=user.username)
    return LoginResult(
        actor=user.actor(),
        must_change_password=user.must_change_password,
        password_expires_in_days=password_expiry_days(db, user.password_changed_at, now.date()),
    )


# ----------------------------------------------------------------------------- own account


@action(OWN_ACCOUNT, scope=OWN)
def change_own_password(session: Session, old_password: str, new_password: str) -> None:
    db = session.db
    actor = session.actor
    if actor.user_id is None:
        raise errors.UserError("系统账户没有密码。")
    found = repo.password_hash(db, actor.user_id)
    if found is None:
        raise errors.NotFound("当前用户已不存在。")
    password_hash, username = found
    findings = []
    if not verify_password(old_password, password_hash):
        findings.append(F.finding("old_password", "原密码不正确。"))
    findings += check_password_rules(new_password, username=username)
    if old_password == new_password:
        findings.append(F.finding("new_password", "新密码不能与原密码相同。"))
    if findings:
        raise errors.ValidationError(findings)
    with db.transaction():
        now = session.stamp()
        repo.update_user(db, actor.user_id, {"password_hash": hash_password(new_password),
                                             "must_change_password": False, "password_changed_at": now,
                                             "updated_at": now})
        audit.record(session, "password_change", "user", label=username)


# ----------------------------------------------------------------------------- administration


def _validate_user_values(db, values: dict, *, user_id: int | None) -> list[Finding]:
    findings = []
    username = (values.get("username") or "").strip()
    if user_id is None:
        if not _USERNAME_RE.match(username):
            findings.append(F.finding("username", "用户名为 2–32 位字母、数字或 _ . -（不能用汉字，便于登录时输入）。"))
        elif repo.username_taken(db, username):
            findings.append(F.finding("username", f"用户名“{username}”已被使用，请换一个。"))
    if not (values.get("display_name") or "").strip():
        findings.append(F.finding("display_name", "请填写姓名。"))
    try:
        role = Role(values.get("role"))
        if role not in USER_ROLES:
            raise ValueError
    except ValueError:
        findings.append(F.finding("role", "请选择角色。"))
        role = None
    dept = values.get("department_id")
    if dept is not None and not people_repo.department_exists(db, dept):
        findings.append(F.finding("department_id", "所选科室不存在。"))
    if role == Role.DEPT_HEAD and dept is None:
        findings.append(F.finding("department_id", "科室负责人必须指定所属科室（只能处理本科室的事务）。"))
    staff = values.get("staff_id")
    if staff is not None and not people_repo.staff_exists(db, staff):
        findings.append(F.finding("staff_id", "所选人员不存在。"))
    return findings


@action(USERS_MANAGE, scope=HOSPITAL)
def list_users(session: Session) -> list[User]:
    return repo.list_users(session.db)


@action(USERS_MANAGE, scope=HOSPITAL)
def create_user(session: Session, values: dict, password: str) -> User:
    """Create an account; the password is temporary and must be changed at first login."""
    db = session.db
    findings = _validate_user_values(db, values, user_id=None)
    findings += check_password_rules(password, username=values.get("username") or "", field="initial_password")
    if findings:
        raise errors.ValidationError(findings)
    with db.transaction():
        return records.create(session, USER, {
            "username": values["username"].strip(),
            "display_name": values["display_name"].strip(),
            "role": Role(values["role"]).value,
            "department_id": values.get("department_id"),
            "staff_id": values.get("staff_id"),
            "password_hash": hash_password(password),
            "must_change_password": not values.get("password_is_final"),
            "password_changed_at": session.stamp(),
        })


@action(USERS_MANAGE, scope=HOSPITAL)
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
    if losing_admin and repo.active_admins(db, excluding=user_id) == 0:
        findings.append(F.finding("role", "至少要保留一个启用的系统管理员账户。"))
    if findings:
        raise errors.ValidationError(findings)
    with db.transaction():
        return records.change(session, USER, before, {
            "display_name": merged["display_name"].strip(),
            "role": Role(merged["role"]).value,
            "department_id": merged["department_id"],
            "staff_id": merged["staff_id"],
            "active": bool(merged["active"]),
        })


@action(USERS_MANAGE, scope=HOSPITAL)
def reset_password(session: Session, user_id: int, temporary: str) -> None:
    """Set a temporary password; the user must change it at the next login. Also unlocks."""
    db = session.db
    user = _get_user(db, user_id)
    findings = check_password_rules(temporary, username=user.username, field="temporary_password")
    if findings:
        raise errors.ValidationError(findings)
    with db.transaction():
        now = session.stamp()
        repo.update_user(db, user_id, {"password_hash": hash_password(temporary), "must_change_password": True,
                                       "password_changed_at": now, "failed_logins": 0, "locked_until": None,
                                       "updated_at": now})
        audit.record(session, "password_reset", "user", uid=user.uid, label=user.username)


@action(USERS_MANAGE, scope=HOSPITAL)
def unlock_user(session: Session, user_id: int) -> None:
    db = session.db
    user = _get_user(db, user_id)
    with db.transaction():
        repo.update_user(db, user_id, {"failed_logins": 0, "locked_until": None})
        audit.record(session, "unlock", "user", uid=user.uid, label=user.username,
                     before={"locked_until": user.locked_until}, after={"locked_until": None})


# ----------------------------------------------------------------------------- audit log queries


@action(AUDIT_VIEW, scope=HOSPITAL)
def search_audit(session: Session, flt: AuditFilter, *, limit: int = 200,
                 before_id: int | None = None) -> list[audit.AuditEntry]:
    """Newest first, ``limit`` rows at a time; pass the smallest id seen to get the next page."""
    return audit.search(session.db, flt, limit=limit, before_id=before_id)


@action(AUDIT_VIEW, scope=HOSPITAL)
def audit_actor_names(session: Session) -> list[str]:
    return audit.actor_names(session.db)


@action(AUDIT_VIEW, scope=HOSPITAL)
def verify_audit(session: Session) -> audit.ChainReport:
    return audit.verify_chain(session.db)
