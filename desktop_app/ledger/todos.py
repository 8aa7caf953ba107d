"""What the problem ledger puts on the 工作台: overdue and soon-due items, items awaiting re-check."""
from __future__ import annotations

from desktop_app.dashboard import StartupHealth, Stat, TodoItem, provider, stat_provider
from desktop_app.ledger import service as ledger
from desktop_app.ledger.manifest import LEDGER_VERIFY, LEDGER_VIEW
from desktop_app.ledger.models import AWAITING_RECHECK, LedgerFilter
from desktop_app.session import Session


@provider
def ledger_todos(session: Session, health: StartupHealth) -> list[TodoItem]:
    if not session.actor.can(LEDGER_VIEW):
        return []
    days = int(ledger._due_soon_days(session.db))
    overdue = ledger.list_items(session, LedgerFilter(overdue=True))
    soon = ledger.list_items(session, LedgerFilter(due_soon=True))
    items: list[TodoItem] = []
    if overdue:
        by_dept: dict[str, int] = {}
        for row in overdue:
            by_dept[row.department_name] = by_dept.get(row.department_name, 0) + 1
        worst = "、".join(f"{d} {n} 项" for d, n in sorted(by_dept.items(), key=lambda kv: -kv[1])[:5])
        items.append(TodoItem("alert", f"逾期未销号的问题 {len(overdue)} 项", f"{worst}。",
                              page="ledger:overdue", module="问题台账"))
    if soon:
        first = "；".join(f"{r.number} {r.department_name} {r.deadline}" for r in sorted(soon, key=lambda r: r.deadline)[:3])
        items.append(TodoItem("warning", f"{days} 天内到期的问题 {len(soon)} 项", f"最早到期：{first}。",
                              page="ledger:due_soon", module="问题台账"))
    if session.actor.can(LEDGER_VERIFY):
        waiting = ledger.count_items(session, LedgerFilter(status=AWAITING_RECHECK))
        if waiting:
            items.append(TodoItem("info", f"已整改待复查的问题 {waiting} 项", "请安排复查并销号。",
                                  page="ledger:recheck", module="问题台账"))
    return items


@stat_provider
def ledger_figures(session: Session) -> list[Stat]:
    if not session.actor.can(LEDGER_VIEW):
        return []
    open_count = ledger.count_items(session, LedgerFilter(status="未销号"))
    overdue = ledger.count_items(session, LedgerFilter(overdue=True))
    return [Stat("未销号问题", str(open_count), page="ledger:open"),
            Stat("逾期问题", str(overdue), page="ledger:overdue", note="超过整改时限仍未销号")]
