"""The demo databases' logins and how to tell a demo database — kept apart from the builders so the
login dialog can list them without importing a hospital builder.

Both demo databases have these accounts: the practice hospital that ships with the program
(:mod:`desktop_app.practice.hospital`, ``qledger demo``) and the multi-year simulator kept beside the
source tree for development (``python -m tools.demo_hospital``)."""
from __future__ import annotations

import json
from pathlib import Path
from typing import NamedTuple

from desktop_app.accounts import audit
from desktop_app.accounts.permissions import Role
from desktop_app.hospital import repo as hospital_repo
from desktop_app.storage.database import peek_meta

DEMO_PASSWORD = "Demo2026"
ADMIN_PASSWORD = "Admin2026"


class DemoAccount(NamedTuple):
    username: str
    password: str
    role: Role
    description: str
    department: str


# Nobody needs to change these passwords at first login; they are for trying the program only.
DEMO_ACCOUNTS: list[DemoAccount] = [
    DemoAccount("admin", ADMIN_PASSWORD, Role.ADMIN, "系统管理员（信息科科长）：用户与权限、系统设置、备份与恢复、审计日志", "信息科"),
    DemoAccount("zhikong", DEMO_PASSWORD, Role.QUALITY, "质控管理员（质控科科长）：人员与科室维护，开展各项质控工作", "质控科"),
    DemoAccount("yuanzhang", DEMO_PASSWORD, Role.LEADER, "院领导（院长）：查看全院情况，审核、签发、打印报送材料", "院办"),
    DemoAccount("neike", DEMO_PASSWORD, Role.DEPT_HEAD, "科室负责人（心血管内科主任）：维护本科室及心血管内科病区人员", "心血管内科"),
    DemoAccount("hushi", DEMO_PASSWORD, Role.CLINICIAN, "医务人员（心血管内科病区护士）：查看名册，书写本病区交接班记录", "心血管内科病区"),
    DemoAccount("jieban", DEMO_PASSWORD, Role.CLINICIAN, "医务人员（心血管内科病区护士）：在同一台电脑上为 hushi 交来的班接班签名",
                "心血管内科病区"),
    DemoAccount("chakan", DEMO_PASSWORD, Role.READONLY, "只读（院办工作人员）：查看与打印，不能修改", "院办"),
]


def demo_info(db) -> dict | None:
    """What :func:`finish_demo` recorded when the open database is a demo database, else None: the
    practice hospital's ``{"built_for"}``, the simulator's ``{"seed", "years", "built_for"}``.

    The login dialog shows :data:`DEMO_ACCOUNTS` only for a demo database.
    """
    raw = hospital_repo.meta_value(db, "demo")
    return json.loads(raw) if raw else None


def is_demo_file(path: Path) -> bool:
    """Whether the file ``path`` is a demo database (read only, without opening it as the program
    would: an older file must not be upgraded just to ask)."""
    return peek_meta(path, "demo") is not None


def finish_demo(session, info: dict, label: str) -> None:
    """A demo builder's last write: the marker :func:`demo_info` reads (audited), then the write-ahead
    log folded into the file, so the builder can close it and rename it into place."""
    db = session.db
    with db.transaction():
        hospital_repo.set_meta(db, "demo", json.dumps(info))
        audit.record(session, "create", "database", label=label, after=info)
    db.fold_log()
