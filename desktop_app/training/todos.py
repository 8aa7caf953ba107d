"""What training puts on the 工作台: requirement gaps as the half year or the year draws to its end,
sessions held without a recorded sign-in, and 知晓率 below the target.

Page keys: ``training_coverage`` (the coverage page, this year) and ``training:unrecorded`` (the
session list with the sessions still waiting for their sign-in first).
"""
from __future__ import annotations

import datetime as dt
from collections import Counter

from desktop_app.dashboard import StartupHealth, Stat, TodoItem, provider, stat_provider
from desktop_app.session import Session
from desktop_app.settings import get_setting
from desktop_app.training import coverage as training_coverage
from desktop_app.training import service as training
from desktop_app.training.manifest import TRAINING_RECORD, TRAINING_VIEW

MODULE = "培训考核"


def period_end(today: dt.date) -> dt.date:
    """The end of the current half year (submissions are due after 6-30 and 12-31)."""
    return dt.date(today.year, 6, 30) if today.month <= 6 else dt.date(today.year, 12, 31)


@provider
def training_todos(session: Session, health: StartupHealth) -> list[TodoItem]:
    if not session.actor.can(TRAINING_RECORD):
        return []
    today = session.today()
    items: list[TodoItem] = []
    year_start = dt.date(today.year, 1, 1)
    held = [s for s in training.list_sessions(session, year_start, today) if not s.attendance_recorded]
    if held:
        first = "；".join(f"{s.date} {s.title}" for s in sorted(held, key=lambda s: s.date)[:3])
        items.append(TodoItem("warning", f"{len(held)} 次已举办的培训尚未登记签到", f"{first}。",
                              page="training:unrecorded", module=MODULE))
    end = period_end(today)
    days_left = (end - today).days
    cov = training_coverage.coverage(session, year_start, dt.date(today.year, 12, 31))
    if days_left <= int(get_setting(session.db, "training.remind_days")):
        short = [p for p in cov.people if p.gaps]
        if short:
            rules = Counter(g.label.split("：")[0] for p in short for g in p.gaps)
            detail = "、".join(f"{name} {n} 人" for name, n in rules.most_common(4))
            half = "上半年" if end.month == 6 else "全年"
            items.append(TodoItem("warning" if days_left > 14 else "alert",
                                  f"距{half}结束还有 {days_left} 天，{len(short)} 人尚未达到本年培训要求",
                                  f"{detail}。", page="training_coverage", module=MODULE))
    total = cov.total
    if total.awareness is not None and total.awareness < cov.awareness_target:
        items.append(TodoItem("warning", f"本年核心制度知晓率 {total.awareness * 100:.1f}%，低于目标 "
                                         f"{cov.awareness_target * 100:g}%",
                              f"抽考 {total.tested} 人，合格 {total.aware} 人。", page="training_coverage", module=MODULE))
    return items


@stat_provider
def training_figures(session: Session) -> list[Stat]:
    if not session.actor.can(TRAINING_VIEW):
        return []
    today = session.today()
    rows = training.list_sessions(session, dt.date(today.year, 1, 1), today)
    return [Stat("本年培训", f"{len(rows)} 次", page="training", note=f"参训 {sum(r.present for r in rows)} 人次")]
