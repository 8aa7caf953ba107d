"""What the duty roster puts on the 工作台: gaps and violations in the next 14 days, and next
month's roster still unpublished after the configured day."""
from __future__ import annotations

import datetime as dt
from collections import Counter

from desktop_app.dashboard import StartupHealth, TodoItem, provider
from desktop_app.roster import service as roster
from desktop_app.roster.manifest import ROSTER_PLAN
from desktop_app.roster.models import PUBLISHED
from desktop_app.roster.rules import COVERAGE
from desktop_app.session import Session
from desktop_app.settings import get_setting

AHEAD_DAYS = 14


@provider
def roster_todos(session: Session, health: StartupHealth) -> list[TodoItem]:
    if not session.actor.can(ROSTER_PLAN) or not roster.list_posts(session):
        return []
    today = session.today()
    items: list[TodoItem] = []
    found = roster.check_range(session, today, today + dt.timedelta(days=AHEAD_DAYS - 1))
    gaps = [v for v in found if v.rule == COVERAGE]
    others = [v for v in found if v.rule != COVERAGE]
    month = today.strftime("%Y-%m")
    if gaps:
        first = "；".join(f"{v.date} {v.post_name}{v.shift_name}" for v in gaps[:3])
        items.append(TodoItem("alert", f"未来 {AHEAD_DAYS} 天有 {len(gaps)} 个班次人数不足",
                              f"最早：{first}。", page=f"roster:{gaps[0].date[:7]}", module="值班"))
    if others:
        kinds = "、".join(f"{rule} {n} 处" for rule, n in Counter(v.rule for v in others).most_common())
        items.append(TodoItem("warning", f"未来 {AHEAD_DAYS} 天的值班有 {len(others)} 处违反规则",
                              f"{kinds}。", page=f"roster:{others[0].date[:7]}", module="值班"))
    next_month = (today.replace(day=28) + dt.timedelta(days=4)).strftime("%Y-%m")
    due_day = int(get_setting(session.db, "roster.publish_by_day"))
    if today.day >= due_day and roster.month_status(session, next_month).status != PUBLISHED:
        items.append(TodoItem("warning", f"{next_month} 的值班表尚未发布",
                              f"按本院设置应在每月 {due_day} 日前发布下月值班表。", page=f"roster:{next_month}",
                              module="值班"))
    current = roster.month_status(session, month)
    if current.status != PUBLISHED:
        items.append(TodoItem("alert", f"本月（{month}）值班表尚未发布", "值班表须全院公开。",
                              page=f"roster:{month}", module="值班"))
    return items
