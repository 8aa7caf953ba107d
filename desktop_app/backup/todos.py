"""工作台: the database's health at start-up and the newest verified backup."""
from __future__ import annotations

from desktop_app.backup.manifest import BACKUP_CREATE
from desktop_app.dashboard import StartupHealth, TodoItem, provider
from desktop_app.session import Session


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
    page = "backup" if session.actor.can(BACKUP_CREATE) else None
    if not good:
        return [TodoItem("warning", "还没有任何有效备份", "请在“备份与恢复”页立即备份一次。", page=page, module="数据安全")]
    newest = good[0]
    age = (session.today() - newest.created.date()).days
    if age >= 2:
        return [TodoItem("warning", f"最近一次有效备份在 {age} 天前", newest.describe(), page=page, module="数据安全")]
    return [TodoItem("ok", "最近一次有效备份", newest.describe(), page=page, module="数据安全")]
