"""SQL for posts, shifts, months, assignments and revisions. No rules here."""
from __future__ import annotations

import datetime as dt
import json

from desktop_app.people.models import title_rank
from desktop_app.roster.calendar import DayTypes
from desktop_app.roster.models import Assignment, Post, Revision, RosterMonth, Shift, StaffInfo
from desktop_app.roster.rules import RosterData


def _shift(r) -> Shift:
    return Shift(r["id"], r["post_id"], r["name"], r["starts"], r["ends"], bool(r["on_workdays"]),
                 bool(r["on_weekends"]), bool(r["on_holidays"]), r["sort_order"], bool(r["active"]))


def shifts(db) -> dict[int, Shift]:
    return {r["id"]: _shift(r) for r in db.query("SELECT * FROM duty_shifts ORDER BY post_id, sort_order, id")}


def posts(db, *, include_inactive: bool = True) -> list[Post]:
    by_post: dict[int, list[Shift]] = {}
    for s in shifts(db).values():
        by_post.setdefault(s.post_id, []).append(s)
    where = "" if include_inactive else " WHERE p.active = 1"
    rows = db.query("SELECT p.*, d.name AS department_name FROM duty_posts p LEFT JOIN departments d"
                    f" ON d.id = p.department_id{where} ORDER BY p.sort_order, p.id")
    return [Post(r["id"], r["uid"], r["name"], r["kind"], r["group_name"], r["department_id"], r["department_name"],
                 r["duties"], r["required_category"], r["min_title_rank"], bool(r["licence_required"]),
                 bool(r["duty_training_required"]), r["headcount"], r["sort_order"], bool(r["active"]),
                 tuple(by_post.get(r["id"], []))) for r in rows]


def staff_info(db) -> dict[int, StaffInfo]:
    """Everyone the rules may judge. 总值班 training counts from the first passed 总值班培训 assessment
    in the training records, or the date entered on the staff record, whichever is earlier."""
    from desktop_app.training.repo import duty_passed_dates

    passed = duty_passed_dates(db)
    rows = db.execute(
        "SELECT s.id, s.name, s.employee_no, s.department_id, d.name, s.category, s.title, s.licence_no,"
        " s.registered_here, s.non_registered_reason, s.on_duty, s.hire_date, s.leave_date,"
        " s.duty_training_passed_on, s.phone, s.pinyin FROM staff s JOIN departments d ON d.id = s.department_id")
    return {r[0]: StaffInfo(r[0], r[1], r[2], r[3], r[4], r[5], r[6], title_rank(r[6]), r[7], bool(r[8]), r[9],
                            bool(r[10]), r[11], r[12], _earliest(r[13], passed.get(r[0])), r[14], r[15]) for r in rows}


def _earliest(*dates: str | None) -> str | None:
    known = [d for d in dates if d]
    return min(known) if known else None


def assignments(db, first: dt.date, last: dt.date) -> list[Assignment]:
    cur = db.conn.cursor()
    cur.row_factory = None
    rows = cur.execute("SELECT date, shift_id, staff_id FROM duty_assignments WHERE date >= ? AND date <= ?"
                       " ORDER BY date, shift_id, id", (first.isoformat(), last.isoformat()))
    return [Assignment(*r) for r in rows]


def load(db, first: dt.date, last: dt.date, *, max_nights: int, min_rest_hours: int) -> RosterData:
    """The snapshot the rules judge: a week before the range and a day after are included."""
    before, after = first - dt.timedelta(days=7), last + dt.timedelta(days=1)
    post_list = posts(db)
    return RosterData(
        first=first, last=last, posts={p.id: p for p in post_list},
        shifts={s.id: s for p in post_list for s in p.shifts}, staff=staff_info(db),
        assignments=assignments(db, before, after), day_types=DayTypes.load(db, before, after),
        max_nights=max_nights, min_rest_hours=min_rest_hours,
    )


def month(db, month: str) -> RosterMonth | None:
    r = db.query_one("SELECT * FROM roster_months WHERE month = ?", (month,))
    return None if r is None else RosterMonth(r["id"], r["month"], r["status"], r["version"], r["published_at"],
                                              r["published_by"])


def ensure_month(db, month_: str, now: str) -> RosterMonth:
    found = month(db, month_)
    if found is None:
        db.execute("INSERT INTO roster_months (month, created_at, updated_at) VALUES (?, ?, ?)", (month_, now, now))
        found = month(db, month_)
    return found


def revisions(db, month_id: int) -> list[Revision]:
    rows = db.query(
        "SELECT r.*, p.name AS post_name, s.name AS shift_name, f.name AS from_name, t.name AS to_name"
        " FROM roster_revisions r JOIN duty_shifts s ON s.id = r.shift_id JOIN duty_posts p ON p.id = s.post_id"
        " JOIN staff f ON f.id = r.from_staff_id JOIN staff t ON t.id = r.to_staff_id"
        " WHERE r.month_id = ? ORDER BY r.id", (month_id,))
    return [Revision(r["id"], r["version"], r["kind"], r["date"], r["shift_id"], r["post_name"], r["shift_name"],
                     r["from_name"], r["to_name"], r["other_date"], r["reason"], r["requested_by"], r["approved_by"],
                     r["recorded_by"], r["recorded_at"]) for r in rows]


def rotation(db, post_id: int) -> list[int]:
    raw = db.scalar("SELECT staff_ids FROM rotation_lists WHERE post_id = ?", (post_id,))
    return json.loads(raw) if raw else []
