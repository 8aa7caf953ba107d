"""节假日: which dates are workdays, weekends or public holidays (法定节假日, 调休上班).

The State Council publishes each year's arrangement; the program ships the current year and
pre-fills the next with the statutory days only (``confirmed`` = 0), and the administrator
edits the calendar per year. A date not in the table is a workday Monday to Friday.
"""
from __future__ import annotations

import datetime as dt
import json
import sqlite3
from dataclasses import dataclass

from desktop_app import errors
from desktop_app.accounts import audit
from desktop_app.accounts.permissions import action
from desktop_app.errors import Finding
from desktop_app.paths import resource_path
from desktop_app.roster.manifest import ROSTER_SETUP, ROSTER_VIEW
from desktop_app.session import Session
from desktop_app.textnorm import clean_text, parse_date

WORKDAY, WEEKEND, HOLIDAY = "工作日", "周末", "节假日"
HOLIDAY_KIND, MAKEUP_WORKDAY = "法定节假日", "调休上班"

audit.register_entity("holiday", "节假日", {"date": "日期", "kind": "类型", "name": "名称", "confirmed": "已核对"})


@dataclass(frozen=True)
class Holiday:
    date: str
    kind: str
    name: str
    confirmed: bool


def _span(first: str, last: str):
    d, end = dt.date.fromisoformat(first), dt.date.fromisoformat(last)
    while d <= end:
        yield d.isoformat()
        d += dt.timedelta(days=1)


def install_builtin_holidays(db, now: str | None = None) -> int:
    """Copy the shipped years into the calendar (a year already present is left alone)."""
    now = now or dt.datetime.now().strftime("%Y-%m-%d %H:%M:%S")
    data = json.loads(resource_path("holidays", "holidays.json").read_text(encoding="utf-8"))
    added = 0
    for year, spec in data["years"].items():
        if db.execute("SELECT 1 FROM holidays WHERE date >= ? AND date < ?", (f"{year}-", f"{int(year) + 1}-")).fetchone():
            continue
        confirmed = 1 if spec["confirmed"] else 0
        for first, last, name in spec["holidays"]:
            for day in _span(first, last):
                db.execute("INSERT INTO holidays (date, kind, name, confirmed, updated_at) VALUES (?, ?, ?, ?, ?)",
                             (day, HOLIDAY_KIND, name, confirmed, now))
                added += 1
        for day, name in spec["workdays"]:
            db.execute("INSERT INTO holidays (date, kind, name, confirmed, updated_at) VALUES (?, ?, ?, ?, ?)",
                         (day, MAKEUP_WORKDAY, name, confirmed, now))
            added += 1
    return added


class DayTypes:
    """The kind of every date, from one read of the calendar."""

    def __init__(self, entries: dict[str, str]):
        self.entries = entries  # date -> 法定节假日 / 调休上班

    @classmethod
    def load(cls, db, first: dt.date, last: dt.date) -> "DayTypes":
        rows = db.query("SELECT date, kind FROM holidays WHERE date >= ? AND date <= ?",
                        (first.isoformat(), last.isoformat()))
        return cls({r[0]: r[1] for r in rows})

    def kind(self, day: dt.date) -> str:
        entry = self.entries.get(day.isoformat())
        if entry == HOLIDAY_KIND:
            return HOLIDAY
        if entry == MAKEUP_WORKDAY:
            return WORKDAY
        return WEEKEND if day.weekday() >= 5 else WORKDAY


@action(ROSTER_VIEW)
def list_holidays(session: Session, year: int) -> list[Holiday]:
    rows = session.db.query("SELECT * FROM holidays WHERE date >= ? AND date < ? ORDER BY date",
                            (f"{year}-", f"{year + 1}-"))
    return [Holiday(r["date"], r["kind"], r["name"], bool(r["confirmed"])) for r in rows]


@action(ROSTER_SETUP)
def set_holiday(session: Session, date, kind: str | None, name: str = "") -> None:
    """Mark a date as 法定节假日 or 调休上班 (``kind`` None: an ordinary day again)."""
    try:
        day = parse_date(date)
    except (TypeError, ValueError):
        day = None
    findings = []
    if day is None:
        findings.append(Finding("请填写日期。", field="日期"))
    if kind not in (None, HOLIDAY_KIND, MAKEUP_WORKDAY):
        findings.append(Finding("类型须为“法定节假日”或“调休上班”。", field="类型"))
    name = clean_text(name)
    if kind and not name:
        findings.append(Finding("请填写节日名称，例如“春节”。", field="名称"))
    if findings:
        raise errors.ValidationError(findings)
    db = session.db
    with db.transaction():
        before = db.query_one("SELECT kind, name FROM holidays WHERE date = ?", (day.isoformat(),))
        if kind is None:
            db.execute("DELETE FROM holidays WHERE date = ?", (day.isoformat(),))
        else:
            db.execute("INSERT INTO holidays (date, kind, name, confirmed, updated_at) VALUES (?, ?, ?, 1, ?)"
                       " ON CONFLICT(date) DO UPDATE SET kind = excluded.kind, name = excluded.name, confirmed = 1,"
                       " updated_at = excluded.updated_at", (day.isoformat(), kind, name, session.stamp()))
        audit.record(session, "update", "holiday", label=day.isoformat(),
                     before={"kind": before["kind"], "name": before["name"]} if before else None,
                     after={"kind": kind, "name": name} if kind else None)


@action(ROSTER_SETUP)
def confirm_year(session: Session, year: int) -> int:
    """The administrator has checked a pre-filled year against the State Council notice."""
    db = session.db
    with db.transaction():
        n = db.execute("UPDATE holidays SET confirmed = 1, updated_at = ? WHERE date >= ? AND date < ? AND confirmed = 0",
                       (session.stamp(), f"{year}-", f"{year + 1}-")).rowcount
        if n:
            audit.record(session, "update", "holiday", label=f"{year} 年", after={"confirmed": f"已核对 {n} 天"})
    return n
