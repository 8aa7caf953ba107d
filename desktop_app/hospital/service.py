"""The hospital profile, hospital-wide settings, and creating a new database (first start)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from desktop_app import errors
from desktop_app.accounts import audit
from desktop_app.accounts.passwords import check_password_rules, hash_password
from desktop_app.accounts.permissions import Role, action
from desktop_app.clock import Clock, SystemClock
from desktop_app.errors import Finding
from desktop_app.hospital.manifest import HOSPITAL_EDIT, SETTINGS_EDIT
from desktop_app.session import SYSTEM_ACTOR, Session
from desktop_app.settings import validate_setting, write_setting
from desktop_app.storage.database import Database, create_database

HOSPITAL_LEVELS = [
    "三级甲等", "三级乙等", "三级未定等", "二级甲等", "二级乙等", "二级未定等",
    "一级甲等", "一级乙等", "一级未定等", "未定级",
]

audit.register_entity(
    "hospital",
    "医院基本信息",
    {"name": "医院名称", "level": "医院等级", "region": "所在地区", "credit_code": "统一社会信用代码",
     "address": "地址", "phone": "联系电话"},
)
audit.register_entity("setting", "系统设置", {})
audit.register_entity("database", "数据库", {
    "hospital": "医院", "admin": "管理员账户", "user_id": "用户编号", "backup": "备份文件",
    "backup_time": "备份时间", "saved_current_as": "恢复前另存为", "reason": "原因",
    "built_for": "演示数据日期", "seed": "随机种子", "years": "模拟年数",
})


@dataclass(frozen=True)
class HospitalProfile:
    name: str
    level: str
    region: str
    credit_code: str | None = None
    address: str | None = None
    phone: str | None = None

    def as_dict(self) -> dict:
        return {
            "name": self.name, "level": self.level, "region": self.region,
            "credit_code": self.credit_code, "address": self.address, "phone": self.phone,
        }


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
        findings.append(Finding("请填写医院名称（与执业许可证一致）。", field="医院名称"))
    elif len(name) > 60:
        findings.append(Finding("医院名称不能超过 60 个字。", field="医院名称"))
    if level not in HOSPITAL_LEVELS:
        findings.append(Finding("请从列表中选择医院等级。", field="医院等级"))
    if not region:
        findings.append(Finding("请填写所在地区，例如“安徽省六安市霍山县”。", field="所在地区"))
    if code and not credit_code_is_valid(code):
        findings.append(Finding("统一社会信用代码应为 18 位且校验位正确，请核对（可不填）。", field="统一社会信用代码"))
    if phone and not re.fullmatch(r"[0-9+\-() ]{3,20}", phone):
        findings.append(Finding("联系电话只能包含数字和“-”。", field="联系电话"))
    if findings:
        return None, findings
    return HospitalProfile(name, level, region, code, str(values.get("address") or "").strip() or None, phone), []


def get_profile(db) -> HospitalProfile | None:
    """The hospital's name and level are public to every user (they head every printout)."""
    row = db.query_one("SELECT name, level, region, credit_code, address, phone FROM hospital WHERE id = 1")
    return None if row is None else HospitalProfile(**dict(row))


@action(HOSPITAL_EDIT)
def save_profile(session: Session, values: dict) -> HospitalProfile:
    profile, findings = validate_profile(values)
    if findings:
        raise errors.ValidationError(findings)
    db = session.db
    with db.transaction():
        before = get_profile(db)
        now = session.stamp()
        if before is None:
            db.execute(
                "INSERT INTO hospital (id, name, level, region, credit_code, address, phone, created_at, updated_at)"
                " VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?)",
                (profile.name, profile.level, profile.region, profile.credit_code, profile.address,
                 profile.phone, now, now),
            )
            audit.record(session, "create", "hospital", label=profile.name, after=profile.as_dict())
        else:
            db.execute(
                "UPDATE hospital SET name = ?, level = ?, region = ?, credit_code = ?, address = ?, phone = ?,"
                " updated_at = ? WHERE id = 1",
                (profile.name, profile.level, profile.region, profile.credit_code, profile.address,
                 profile.phone, now),
            )
            old, new = audit.diff(before.as_dict(), profile.as_dict())
            if new:
                audit.record(session, "update", "hospital", label=profile.name, before=old, after=new)
    return profile


@action(SETTINGS_EDIT)
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
    from desktop_app.accounts.service import _validate_user_values

    clock = clock or SystemClock()
    profile, findings = validate_profile(profile_values)
    username = (admin.get("username") or "").strip()
    if not re.fullmatch(r"[A-Za-z0-9_.\-]{2,32}", username):
        findings.append(Finding("用户名为 2–32 位字母、数字或 _ . -。", field="用户名"))
    if not (admin.get("display_name") or "").strip():
        findings.append(Finding("请填写管理员姓名。", field="姓名"))
    findings += check_password_rules(admin.get("password") or "", username=username, field="密码")
    if findings:
        raise errors.ValidationError(findings)
    db = create_database(path)
    session = Session(db, SYSTEM_ACTOR, clock)
    try:
        with db.transaction():
            now = session.stamp()
            db.execute("INSERT INTO meta (key, value) VALUES ('created_at', ?)", (now,))
            save_profile(session, profile.as_dict())
            assert not _validate_user_values(db, {"username": username, "display_name": admin["display_name"],
                                                  "role": Role.ADMIN.value}, user_id=None)
            cur = db.execute(
                "INSERT INTO users (username, display_name, role, password_hash, must_change_password,"
                " password_changed_at, created_at, updated_at) VALUES (?, ?, 'admin', ?, 0, ?, ?, ?)",
                (username, admin["display_name"].strip(), hash_password(admin["password"]), now, now, now),
            )
            from desktop_app import modules

            modules.install_builtin_data(db, now)
            audit.record(session, "initialize", "database", label=str(Path(path).name),
                         after={"hospital": profile.name, "admin": username, "user_id": cur.lastrowid})
    except BaseException:
        db.close()
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        raise
    return db
