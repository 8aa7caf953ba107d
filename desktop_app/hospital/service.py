"""The hospital profile, hospital-wide settings, and creating a new database (first start).

Both are the hospital's, changed by the system administrator (``scope=HOSPITAL``).
"""
from __future__ import annotations

import re
from pathlib import Path

from desktop_app import errors, records
from desktop_app.accounts import audit
from desktop_app.accounts.models import USER_FIELDS
from desktop_app.accounts.passwords import check_password_rules, hash_password
from desktop_app.accounts.permissions import Role, action
from desktop_app.accounts.scope import HOSPITAL
from desktop_app.clock import Clock, SystemClock
from desktop_app.errors import Finding
from desktop_app.hospital import repo
from desktop_app.hospital.manifest import HOSPITAL_EDIT, SETTINGS_EDIT
from desktop_app.hospital.models import HOSPITAL_FIELDS, HOSPITAL_LEVELS, HospitalProfile
from desktop_app.session import SYSTEM_ACTOR, Session
from desktop_app.settings import validate_setting, write_setting
from desktop_app.storage.database import Database, create_database

__all__ = ["HOSPITAL_LEVELS", "HospitalProfile"]  # used as hospital.service.…

F = HOSPITAL_FIELDS

PROFILE = records.Entity(
    "hospital", "医院基本信息", "hospital", read=lambda session, _id: repo.get_profile(session.db),
    audit_values=HospitalProfile.as_dict, describe=lambda profile: profile.name, field_labels=F.labels())
# not one table row each: a setting (audited by desktop_app/settings.py), the database file itself
audit.register_entity("setting", "系统设置", {})
audit.register_entity("database", "数据库", {
    "hospital": "医院", "admin": "管理员账户", "user_id": "用户编号", "backup": "备份文件",
    "backup_time": "备份时间", "saved_current_as": "恢复前另存为", "reason": "原因",
    "built_for": "演示数据日期", "seed": "随机种子", "years": "模拟年数",
})


_CREDIT_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]


def credit_code_is_valid(code: str) -> bool:
    """统一社会信用代码 (GB 32100-2015): 18 characters, the last one a check character."""
    code = code.strip().upper()
    if len(code) != 18 or any(c not in _CREDIT_CHARS for c in code):
        return False
    total = sum(_CREDIT_CHARS.index(c) * w for c, w in zip(code[:17], _CREDIT_WEIGHTS))
    check = (31 - total % 31) % 31
    return _CREDIT_CHARS[check] == code[17]


def validate_profile(values: dict) -> tuple[HospitalProfile | None, list[Finding]]:
    findings = []
    name = str(values.get("name") or "").strip()
    level = str(values.get("level") or "").strip()
    region = str(values.get("region") or "").strip()
    code = str(values.get("credit_code") or "").strip().upper() or None
    phone = str(values.get("phone") or "").strip() or None
    if not name:
        findings.append(F.finding("name", "请填写医院名称（与执业许可证一致）。"))
    elif len(name) > 60:
        findings.append(F.finding("name", "医院名称不能超过 60 个字。"))
    if level not in HOSPITAL_LEVELS:
        findings.append(F.finding("level", "请从列表中选择医院等级。"))
    if not region:
        findings.append(F.finding("region", "请填写所在地区，例如“安徽省六安市霍山县”。"))
    if code and not credit_code_is_valid(code):
        findings.append(F.finding("credit_code", "统一社会信用代码应为 18 位且校验位正确，请核对（可不填）。"))
    if phone and not re.fullmatch(r"[0-9+\-() ]{3,20}", phone):
        findings.append(F.finding("phone", "联系电话只能包含数字和“-”。"))
    if findings:
        return None, findings
    return HospitalProfile(name, level, region, code, str(values.get("address") or "").strip() or None, phone), []


def get_profile(db) -> HospitalProfile | None:
    """The hospital's name and level are public to every user (they head every printout)."""
    return repo.get_profile(db)


@action(HOSPITAL_EDIT, scope=HOSPITAL)
def save_profile(session: Session, values: dict) -> HospitalProfile:
    profile, findings = validate_profile(values)
    if findings:
        raise errors.ValidationError(findings)
    with session.db.transaction():
        before = repo.get_profile(session.db)
        if before is None:
            return records.create(session, PROFILE, {"id": 1, **profile.as_dict()})
        return records.change(session, PROFILE, before, profile.as_dict())


@action(SETTINGS_EDIT, scope=HOSPITAL)
def save_settings(session: Session, values: dict) -> list[str]:
    """Validate every value first, then store them all in one transaction. Returns changed keys."""
    findings = []
    for key, value in values.items():
        findings += validate_setting(key, value)[1]
    if findings:
        raise errors.ValidationError(findings)
    with session.db.transaction():
        return [key for key, value in values.items() if write_setting(session, key, value)]


def initialize_database(
    path: Path | str,
    profile_values: dict,
    admin: dict,
    *,
    clock: Clock | None = None,
) -> Database:
    """First start: create the database, the hospital profile and the first administrator.

    ``admin`` has ``username``, ``display_name`` and ``password`` (chosen by the administrator,
    so it need not be changed at first login). Everything is validated before the file is made.
    """
    from desktop_app.accounts import repo as accounts_repo
    from desktop_app.accounts.service import _validate_user_values

    clock = clock or SystemClock()
    profile, findings = validate_profile(profile_values)
    username = (admin.get("username") or "").strip()
    if not re.fullmatch(r"[A-Za-z0-9_.\-]{2,32}", username):
        findings.append(USER_FIELDS.finding("username", "用户名为 2–32 位字母、数字或 _ . -。"))
    if not (admin.get("display_name") or "").strip():
        findings.append(USER_FIELDS.finding("display_name", "请填写管理员姓名。"))
    findings += check_password_rules(admin.get("password") or "", username=username, field="password")
    if findings:
        raise errors.ValidationError(findings)
    db = create_database(path)
    session = Session(db, SYSTEM_ACTOR, clock)
    try:
        with db.transaction():
            now = session.stamp()
            repo.set_meta(db, "created_at", now)
            save_profile(session, profile.as_dict())
            assert not _validate_user_values(db, {"username": username, "display_name": admin["display_name"],
                                                  "role": Role.ADMIN.value}, user_id=None)
            # the first administrator: named in the database's own audit row below
            admin_id = accounts_repo.insert_user(db, {
                "username": username, "display_name": admin["display_name"].strip(), "role": Role.ADMIN.value,
                "password_hash": hash_password(admin["password"]), "must_change_password": False,
                "password_changed_at": now, "created_at": now, "updated_at": now})
            from desktop_app import modules

            modules.install_builtin_data(db, now)
            audit.record(session, "initialize", "database", label=str(Path(path).name),
                         after={"hospital": profile.name, "admin": username, "user_id": admin_id})
    except BaseException:
        db.close()
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        raise
    return db
