"""工作台: the user's own password nearing or past its expiry."""
from __future__ import annotations

from desktop_app.dashboard import StartupHealth, TodoItem, provider
from desktop_app.session import Session


@provider
def password_status(session: Session, health: StartupHealth) -> list[TodoItem]:
    from desktop_app.accounts import repo
    from desktop_app.accounts.service import password_expiry_days
    from desktop_app.settings import get_setting

    actor = session.actor
    if actor.user_id is None:
        return []
    changed = repo.password_changed_at(session.db, actor.user_id)
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
