"""工作台: the to-do list every module contributes to.

A module registers a provider ``fn(session, health) -> list[TodoItem]``; the 工作台 page shows
them all, most urgent first. ``health`` carries what the program learned at start-up (the
integrity check and the daily backup), which is not stored in the database.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from desktop_app.accounts.permissions import Perm
from desktop_app.session import Session

SEVERITY_ORDER = {"alert": 0, "warning": 1, "info": 2, "ok": 3}


@dataclass(frozen=True)
class TodoItem:
    severity: str  # alert / warning / info / ok
    title: str
    detail: str = ""
    page: str | None = None  # navigation key of the page that deals with it
    module: str = "系统"


@dataclass
class StartupHealth:
    integrity_checked: bool = False
    integrity_problems: list[str] = field(default_factory=list)
    backup_made: str | None = None  # path of today's automatic backup, when one was made now
    backup_error: str | None = None


@dataclass(frozen=True)
class Stat:
    label: str
    value: str
    page: str | None = None
    note: str = ""


Provider = Callable[[Session, StartupHealth], list[TodoItem]]
PROVIDERS: list[Provider] = []
STAT_PROVIDERS: list[Callable[[Session], list[Stat]]] = []


def provider(fn: Provider) -> Provider:
    PROVIDERS.append(fn)
    return fn


def stat_provider(fn):
    STAT_PROVIDERS.append(fn)
    return fn


def collect_stats(session: Session) -> list[Stat]:
    _load_all_modules()
    stats: list[Stat] = []
    for fn in STAT_PROVIDERS:
        stats.extend(fn(session))
    return stats


# Modules that register 工作台 providers (kept apart from the heavy report modules, so the
# 工作台 after login does not pay for importing reportlab and openpyxl).
PROVIDER_MODULES = ["desktop_app.ledger.todos", "desktop_app.roster.todos", "desktop_app.handover.todos",
                    "desktop_app.training.todos", "desktop_app.surgery.todos", "desktop_app.submissions.todos"]


def _load_all_modules() -> None:
    import importlib

    for name in PROVIDER_MODULES:
        importlib.import_module(name)


def collect(session: Session, health: StartupHealth) -> list[TodoItem]:
    _load_all_modules()
    items: list[TodoItem] = []
    for fn in PROVIDERS:
        try:
            items.extend(fn(session, health))
        except Exception as exc:  # noqa: BLE001 - one broken provider must not hide the others
            items.append(TodoItem("warning", f"待办事项读取失败：{fn.__name__}", str(exc)))
    return sorted(items, key=lambda i: SEVERITY_ORDER.get(i.severity, 9))


# ----------------------------------------------------------------------------- foundation providers


@provider
def integrity_status(session: Session, health: StartupHealth) -> list[TodoItem]:
    if not health.integrity_checked:
        return [TodoItem("info", "正在检查数据库完整性…", module="数据安全")]
    if health.integrity_problems:
        return [TodoItem("alert", "数据库完整性检查未通过",
                         f"{health.integrity_problems[0]}。请立即从最近的有效备份恢复（备份与恢复页）。",
                         page="backup", module="数据安全")]
    return [TodoItem("ok", "数据库完整性检查通过", module="数据安全")]


@provider
def backup_status(session: Session, health: StartupHealth) -> list[TodoItem]:
    from desktop_app.backup.service import list_backups

    if health.backup_error:
        return [TodoItem("alert", "今日自动备份失败", health.backup_error, page="backup", module="数据安全")]
    good = [b for b in list_backups(session.db.path) if b.verified]
    page = "backup" if session.actor.can(Perm.BACKUP_CREATE) else None
    if not good:
        return [TodoItem("warning", "还没有任何有效备份", "请在“备份与恢复”页立即备份一次。", page=page, module="数据安全")]
    newest = good[0]
    age = (session.today() - newest.created.date()).days
    if age >= 2:
        return [TodoItem("warning", f"最近一次有效备份在 {age} 天前", newest.describe(), page=page, module="数据安全")]
    return [TodoItem("ok", "最近一次有效备份", newest.describe(), page=page, module="数据安全")]


@provider
def password_status(session: Session, health: StartupHealth) -> list[TodoItem]:
    from desktop_app.accounts.service import password_expiry_days
    from desktop_app.settings import get_setting

    actor = session.actor
    if actor.user_id is None:
        return []
    changed = session.db.scalar("SELECT password_changed_at FROM users WHERE id = ?", (actor.user_id,))
    if not changed:
        return []
    days = password_expiry_days(session.db, changed, session.today())
    if days is None:
        return []
    warn = int(get_setting(session.db, "security.password_warn_days"))
    if days < 0:
        return [TodoItem("alert", "您的密码已过期", "请点击右上角“修改密码”设置新密码。", page="password", module="账户")]
    if days <= warn:
        return [TodoItem("warning", f"您的密码将在 {days} 天后过期", "请及时修改密码。", page="password", module="账户")]
    return []


@stat_provider
def people_stats(session: Session) -> list[Stat]:
    from desktop_app.people import service as people

    if not session.actor.can(Perm.PEOPLE_VIEW):
        return []
    counts = people.staff_counts(session)
    departments = [d for d in people.list_departments(session) if d.active]
    return [
        Stat("科室", str(len(departments)), page="departments"),
        Stat("在岗人员", str(counts["on_duty"]), page="staff"),
        Stat("非本机构执业（在岗）", str(counts["not_registered"]), page="staff",
             note="进修、规培、实习、外院会诊人员不得单独值班"),
    ]


def days_until(target: dt.date, today: dt.date) -> int:
    return (target - today).days
