"""台账统计: counts by category × status and by department, 整改率 / 销号率, the monthly trend.

整改率 = (已整改待复查 + 已销号) ÷ 问题总数; 销号率 = 已销号 ÷ 问题总数; 逾期 = not 已销号 and
past 整改时限 (computed from today). All figures respect the same filter as the ledger list.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from desktop_app.accounts.permissions import action
from desktop_app.ledger import repo
from desktop_app.ledger.manifest import LEDGER_VIEW
from desktop_app.ledger.models import AWAITING_RECHECK, CLOSED, SOURCES, LedgerFilter
from desktop_app.ledger.service import ALL_ITEMS, _due_soon_days, departments_for
from desktop_app.people import repo as people_repo
from desktop_app.session import Session


def rate(part: int, whole: int) -> float | None:
    return None if whole == 0 else part / whole


def percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


@dataclass(frozen=True)
class Counts:
    total: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    overdue: int = 0

    @property
    def rectified(self) -> int:
        return self.by_status.get(AWAITING_RECHECK, 0) + self.by_status.get(CLOSED, 0)

    @property
    def closed(self) -> int:
        return self.by_status.get(CLOSED, 0)

    @property
    def open(self) -> int:
        return self.total - self.closed

    @property
    def rectification_rate(self) -> float | None:
        return rate(self.rectified, self.total)

    @property
    def closure_rate(self) -> float | None:
        return rate(self.closed, self.total)


@dataclass(frozen=True)
class LedgerStats:
    overall: Counts
    by_category: list[tuple[str, Counts]]
    by_department: list[tuple[str, Counts]]
    by_source: list[tuple[str, Counts]]
    by_severity: list[tuple[str, Counts]]
    monthly: list[tuple[str, int, int]]  # (YYYY-MM, found, closed)


def _grouped(db, by: str, where: str, params: list, today: str) -> dict[str, Counts]:
    raw: dict[str, dict] = {}
    rows = repo.counts_by_status(db, by, where, params, today)
    for r in rows:
        entry = raw.setdefault(r["k"], {"by_status": {}, "overdue": 0})
        entry["by_status"][r["status"]] = r["n"]
        entry["overdue"] += r["overdue"] or 0
    return {k: Counts(sum(v["by_status"].values()), v["by_status"], v["overdue"]) for k, v in raw.items()}


def _months(start: dt.date, end: dt.date) -> list[str]:
    out, y, m = [], start.year, start.month
    while (y, m) <= (end.year, end.month):
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


@action(LEDGER_VIEW, scope=ALL_ITEMS)
def ledger_stats(session: Session, flt: LedgerFilter = LedgerFilter()) -> LedgerStats:
    db = session.db
    today = session.today()
    departments = departments_for(session, flt)
    where, params = repo.where_clause(flt, today, departments, _due_soon_days(db))
    t = today.isoformat()
    overall = _grouped(db, "all", where, params, t).get("全部", Counts())
    by_category = _grouped(db, "category", where, params, t)
    by_department = _grouped(db, "department", where, params, t)
    by_source = _grouped(db, "source", where, params, t)
    by_severity = _grouped(db, "severity", where, params, t)
    dept_order = {name: i for i, name in enumerate(people_repo.department_ids_by_name(db))}

    # monthly trend: problems found per month and problems closed per month
    found = repo.counts_by_month(db, "found_on", where, params)
    closed = repo.counts_by_month(db, "closed_on", where, params)
    start = flt.date_from or (dt.date.fromisoformat(min(found) + "-01") if found else today.replace(day=1))
    end = min(flt.date_to or today, today)
    months = _months(max(start, end.replace(day=1) - dt.timedelta(days=366 * 3)), end)[-24:]
    return LedgerStats(
        overall=overall,
        by_category=sorted(by_category.items(), key=lambda kv: -kv[1].total),
        by_department=sorted(by_department.items(), key=lambda kv: dept_order.get(kv[0], 9999)),
        by_source=[(s, by_source[s]) for s in SOURCES if s in by_source],
        by_severity=[(s, by_severity[s]) for s in ("一般", "较重", "严重") if s in by_severity],
        monthly=[(m, found.get(m, 0), closed.get(m, 0)) for m in months],
    )

