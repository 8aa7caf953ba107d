"""节假日: which dates are workdays, weekends or public holidays (法定节假日, 调休上班).

The State Council publishes each year's arrangement; the program ships the current year and
pre-fills the next with the statutory days only (``confirmed`` = 0), and the administrator
edits the calendar per year. A date not in the table is a workday Monday to Friday.
"""
from __future__ import annotations

import datetime as dt
import json

from desktop_app import errors
from desktop_app.accounts import audit
from desktop_app.accounts.permissions import action
from desktop_app.accounts.scope import HOSPITAL
from desktop_app.paths import resource_path
from desktop_app.roster import repo
from desktop_app.roster.manifest import ROSTER_SETUP, ROSTER_VIEW
from desktop_app.roster.models import HOLIDAY_FIELDS, Holiday
from desktop_app.session import Session
from desktop_app.textnorm import clean_text, parse_date

WORKDAY, WEEKEND, HOLIDAY = "工作日", "周末", "节假日"
HOLIDAY_KIND, MAKEUP_WORKDAY = "法定节假日", "调休上班"

F = HOLIDAY_FIELDS
# A holiday is a row keyed by its date (no id), which desktop_app.records cannot address: its audit
# rows are written here.
audit.register_entity("holiday", "节假日", F.labels(("date", "kind", "name", "confirmed")))


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
        if repo.year_has_holidays(db, year):
            continue
        confirmed = bool(spec["confirmed"])
        rows = [(day, HOLIDAY_KIND, name, confirmed, now) for first, last, name in spec["holidays"]
                for day in _span(first, last)]
        rows += [(day, MAKEUP_WORKDAY, name, confirmed, now) for day, name in spec["workdays"]]
        repo.add_holidays(db, rows)
        added += len(rows)
    return added


class DayTypes:
    """The kind of every date, from one read of the calendar."""

    def __init__(self, entries: dict[str, str]):
        self.entries = entries  # date -> 法定节假日 / 调休上班

    @classmethod
    def load(cls, db, first: dt.date, last: dt.date) -> "DayTypes":
        return cls({date: kind for date, kind, _name in repo.holiday_entries(db, first, last)})

    def kind(self, day: dt.date) -> str:
        entry = self.entries.get(day.isoformat())
        if entry == HOLIDAY_KIND:
            return HOLIDAY
        if entry == MAKEUP_WORKDAY:
            return WORKDAY
        return WEEKEND if day.weekday() >= 5 else WORKDAY


# The calendar is the hospital's: everyone who may see the roster reads it; 质控/医务科 set it.


@action(ROSTER_VIEW, scope=HOSPITAL)
def list_holidays(session: Session, year: int) -> list[Holiday]:
    return repo.holidays(session.db, year)


@action(ROSTER_SETUP, scope=HOSPITAL)
def set_holiday(session: Session, date, kind: str | None, name: str = "") -> None:
    """Mark a date as 法定节假日 or 调休上班 (``kind`` None: an ordinary day again)."""
    try:
        day = parse_date(date)
    except (TypeError, ValueError):
        day = None
    findings = []
    if day is None:
        findings.append(F.finding("date", "请填写日期。"))
    if kind not in (None, HOLIDAY_KIND, MAKEUP_WORKDAY):
        findings.append(F.finding("kind", "类型须为“法定节假日”或“调休上班”。"))
    name = clean_text(name)
    if kind and not name:
        findings.append(F.finding("name", "请填写节日名称，例如“春节”。"))
    if findings:
        raise errors.ValidationError(findings)
    db = session.db
    with db.transaction():
        before = repo.holiday(db, day.isoformat())
        if kind is None:
            repo.delete_holiday(db, day.isoformat())
        else:
            repo.set_holiday(db, day.isoformat(), kind, name, session.stamp())
        audit.record(session, "update", "holiday", label=day.isoformat(),
                     before={"kind": before.kind, "name": before.name} if before else None,
                     after={"kind": kind, "name": name} if kind else None)


@action(ROSTER_SETUP, scope=HOSPITAL)
def confirm_year(session: Session, year: int) -> int:
    """The administrator has checked a pre-filled year against the State Council notice."""
    db = session.db
    with db.transaction():
        n = repo.confirm_holidays(db, year, session.stamp())
        if n:
            audit.record(session, "update", "holiday", label=f"{year} 年", after={"confirmed": f"已核对 {n} 天"})
    return n
