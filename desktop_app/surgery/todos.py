"""What surgery grading puts on the 工作台: grants lapsing soon (the 90/60/30/7-day steps), grants
already lapsed, approved assessments whose conclusion is not yet applied, operations done without a
valid privilege this year, and a catalogue not approved or not filed.

Page keys: ``surgery_privileges`` (``surgery_privileges:staff=<id>`` opens that surgeon's card),
``surgery_operations`` (the 越权手术 of the year), ``surgery_catalogue``.
"""
from __future__ import annotations

import datetime as dt

from desktop_app.dashboard import StartupHealth, Stat, TodoItem, provider, stat_provider
from desktop_app.session import Session
from desktop_app.surgery import catalogue, operations, privileges, repo
from desktop_app.surgery.manifest import SURGERY_PRIVILEGES, SURGERY_VIEW

MODULE = "手术授权"


@provider
def surgery_todos(session: Session, health: StartupHealth) -> list[TodoItem]:
    if not session.actor.can(SURGERY_PRIVILEGES):
        return []
    today = session.today()
    items: list[TodoItem] = []
    if not repo.any_catalogue(session.db):
        return items
    in_force = catalogue.catalogue_in_force(session)
    if in_force is None:
        items.append(TodoItem("alert", "没有已批准生效的手术分级目录", "请在“手术分级目录”中批准目录，手术授权须以目录为依据。",
                              page="surgery_catalogue", module=MODULE))
    elif not in_force.filed:
        items.append(TodoItem("warning", f"{in_force.name}尚未备案", "三、四级手术目录须报卫生健康行政部门备案，备案后请登记备案日期。",
                              page="surgery_catalogue", module=MODULE))
    lapses = privileges.lapsing(session)
    lapsed = [lp for lp in lapses if lp.days_left < 0]
    coming = [lp for lp in lapses if lp.days_left >= 0]
    if lapsed:
        names = "、".join(dict.fromkeys(lp.privilege.staff_name for lp in lapsed))
        items.append(TodoItem("alert", f"{len(lapsed)} 项手术授权已过期未再评估",
                              f"涉及：{names[:120]}。过期授权不能再开展相应手术，请安排能力评估。",
                              page=f"surgery_privileges:staff={lapsed[0].privilege.staff_id}", module=MODULE))
    for tier in privileges.REMINDER_TIERS:  # the nearest step first: 7, 30, 60, 90 days
        group = [lp for lp in coming if lp.tier == tier]
        if group:
            first = min(group, key=lambda lp: lp.days_left)
            names = "、".join(dict.fromkeys(f"{lp.privilege.staff_name}（{lp.privilege.valid_until}）" for lp in group))
            items.append(TodoItem("alert" if tier <= 7 else "warning" if tier <= 30 else "info",
                                  f"{len(group)} 项手术授权将在 {tier} 天内到期", f"{names[:160]}。",
                                  page=f"surgery_privileges:staff={first.privilege.staff_id}", module=MODULE))
    pending = [a for a in privileges.list_assessments(session, today - dt.timedelta(days=365), today)
               if a.approved_on and not a.applied_on]
    if pending:
        items.append(TodoItem("warning", f"{len(pending)} 份已批准的能力评估尚未执行结论",
                              "、".join(f"{a.staff_name}（{a.conclusion}）" for a in pending[:6]) + "。",
                              page=f"surgery_privileges:staff={pending[0].staff_id}", module=MODULE))
    bad = operations.unprivileged(session, dt.date(today.year, 1, 1), today)
    if bad:
        items.append(TodoItem("alert", f"本年发现越权手术 {len(bad)} 例",
                              "、".join(dict.fromkeys(r["staff_name"] for r in bad))[:120] + "：手术时无有效授权。",
                              page="surgery_operations", module=MODULE))
    return items


@stat_provider
def surgery_figures(session: Session) -> list[Stat]:
    if not session.actor.can(SURGERY_VIEW) or not repo.any_catalogue(session.db):
        return []
    soon = [lp for lp in privileges.lapsing(session, 30) if lp.days_left >= 0]
    return [Stat("30 天内到期授权", f"{len(soon)} 项", page="surgery_privileges", note="手术授权有效期即将届满")]
