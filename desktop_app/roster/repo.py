"""All the SQL of the roster: posts, shifts, rotation lists, holidays, months, duties and revisions.
No rules here. Rows are written through desktop_app/storage/tables.py; the text is portable SQL.
"""
from __future__ import annotations

import datetime as dt
import json

from desktop_app.people.models import title_rank
from desktop_app.roster.models import Assignment, Holiday, Post, Revision, RosterMonth, Shift, StaffInfo
from desktop_app.storage import tables

# The "department" of a post without one (医院总值班 …): it belongs to the whole hospital, which is no
# department's reach, so a 科室负责人 cannot plan it (see service.py's scopes).
WHOLE_HOSPITAL = 0


# ----------------------------------------------------------------------------- posts and shifts

_SHIFT_SQL = ("SELECT s.id, s.post_id, s.name, s.starts, s.ends, s.on_workdays, s.on_weekends, s.on_holidays,"
              " s.sort_order, s.active, s.uid, p.name FROM duty_shifts s JOIN duty_posts p ON p.id = s.post_id")


def _shift(r) -> Shift:
    return Shift(r[0], r[1], r[2], r[3], r[4], bool(r[5]), bool(r[6]), bool(r[7]), r[8], bool(r[9]), uid=r[10],
                 post_name=r[11])


def shifts(db) -> dict[int, Shift]:
    return {r[0]: _shift(r) for r in db.tuples(_SHIFT_SQL + " ORDER BY s.post_id, s.sort_order, s.id")}


def shift(db, shift_id: int) -> Shift | None:
    rows = db.tuples(_SHIFT_SQL + " WHERE s.id = ?", (shift_id,))
    return _shift(rows[0]) if rows else None


def posts(db, *, include_inactive: bool = True) -> list[Post]:
    by_post: dict[int, list[Shift]] = {}
    for s in shifts(db).values():
        by_post.setdefault(s.post_id, []).append(s)
    where = "" if include_inactive else " WHERE p.active = 1"
    rows = db.query("SELECT p.*, d.name AS department_name FROM duty_posts p LEFT JOIN departments d"
                    " ON d.id = p.department_id" + where + " ORDER BY p.sort_order, p.id")
    return [Post(r["id"], r["uid"], r["name"], r["kind"], r["group_name"], r["department_id"], r["department_name"],
                 r["duties"], r["required_category"], r["min_title_rank"], bool(r["licence_required"]),
                 bool(r["duty_training_required"]), r["headcount"], r["sort_order"], bool(r["active"]),
                 tuple(by_post.get(r["id"], []))) for r in rows]


def post(db, post_id: int) -> Post | None:
    return next((p for p in posts(db) if p.id == post_id), None)


def post_name_taken(db, name: str, post_id: int | None) -> bool:
    return db.scalar("SELECT 1 FROM duty_posts WHERE name = ? AND id <> ?", (name, post_id or -1)) is not None


def next_shift_order(db, post_id: int) -> int:
    return (db.scalar("SELECT max(sort_order) FROM duty_shifts WHERE post_id = ?", (post_id,)) or 0) + 1




def rotation(db, post_id: int) -> list[int]:
    raw = db.scalar("SELECT staff_ids FROM rotation_lists WHERE post_id = ?", (post_id,))
    return json.loads(raw) if raw else []


def set_rotation(db, post_id: int, staff_ids: list[int], now: str) -> None:
    tables.upsert(db, "rotation_lists", {"post_id": post_id, "staff_ids": json.dumps(staff_ids), "updated_at": now},
                  ("post_id",))


# -- what a scope looks at: the department(s) whose posts an argument names (WHOLE_HOSPITAL for a
# hospital-wide post; None when there is no such record, and the action says so)


def _department(value) -> int:
    return WHOLE_HOSPITAL if value is None else value


def department_of_post(db, post_id) -> int | None:
    row = db.query_one("SELECT department_id FROM duty_posts WHERE id = ?", (post_id,))
    return None if row is None else _department(row[0])


def department_of_shift(db, shift_id) -> int | None:
    row = db.query_one("SELECT p.department_id FROM duty_shifts s JOIN duty_posts p ON p.id = s.post_id"
                       " WHERE s.id = ?", (shift_id,))
    return None if row is None else _department(row[0])


def departments_of_shifts(db, shift_ids) -> set[int]:
    ids = {int(i) for i in shift_ids if i is not None}
    if not ids:
        return set()
    where, params = tables.in_list("s.id", sorted(ids))
    rows = db.tuples("SELECT DISTINCT p.department_id FROM duty_shifts s JOIN duty_posts p ON p.id = s.post_id"
                     " WHERE " + where, params)
    return {_department(r[0]) for r in rows}


def departments_of_duties(db, duties) -> set[int]:
    """The departments of the posts of (date, shift id, staff id) rows."""
    return departments_of_shifts(db, {row[1] for row in duties or ()})


# ----------------------------------------------------------------------------- people


def staff_info(db) -> dict[int, StaffInfo]:
    """Everyone the rules may judge. 总值班 training counts from the first passed 总值班培训 assessment
    in the training records, or the date entered on the staff record, whichever is earlier."""
    from desktop_app.training.repo import duty_passed_dates

    passed = duty_passed_dates(db)
    rows = db.tuples(
        "SELECT s.id, s.name, s.employee_no, s.department_id, d.name, s.category, s.title, s.licence_no,"
        " s.registered_here, s.non_registered_reason, s.on_duty, s.hire_date, s.leave_date,"
        " s.duty_training_passed_on, s.phone, s.pinyin FROM staff s JOIN departments d ON d.id = s.department_id")
    return {r[0]: StaffInfo(r[0], r[1], r[2], r[3], r[4], r[5], r[6], title_rank(r[6]), r[7], bool(r[8]), r[9],
                            bool(r[10]), r[11], r[12], _earliest(r[13], passed.get(r[0])), r[14], r[15]) for r in rows}


def _earliest(*dates: str | None) -> str | None:
    known = [d for d in dates if d]
    return min(known) if known else None


def staff_exists(db, staff_id) -> bool:
    return tables.exists(db, "staff", {"id": staff_id})


def staff_ids(db) -> set[int]:
    return {r[0] for r in db.tuples("SELECT id FROM staff")}


def staff_label(db, staff_id: int) -> str:
    r = db.query_one("SELECT name, employee_no FROM staff WHERE id = ?", (staff_id,))
    return f"{r['name']}（{r['employee_no']}）" if r else str(staff_id)


def shared_staff_names(db) -> set[str]:
    """Names that two or more staff on duty share (printed with the 工号)."""
    return {r[0] for r in db.tuples("SELECT name FROM staff WHERE on_duty = 1 GROUP BY name HAVING count(*) > 1")}


# ----------------------------------------------------------------------------- holidays


def holidays(db, year: int) -> list[Holiday]:
    rows = db.query("SELECT date, kind, name, confirmed FROM holidays WHERE date >= ? AND date < ? ORDER BY date",
                    (f"{year}-", f"{year + 1}-"))
    return [Holiday(r["date"], r["kind"], r["name"], bool(r["confirmed"])) for r in rows]


def holiday_entries(db, first: dt.date, last: dt.date) -> list[tuple[str, str, str]]:
    """(date, kind, name) of the calendar's entries from ``first`` to ``last``."""
    return db.tuples("SELECT date, kind, name FROM holidays WHERE date >= ? AND date <= ? ORDER BY date",
                     (first.isoformat(), last.isoformat()))


def holiday(db, date: str) -> Holiday | None:
    r = db.query_one("SELECT date, kind, name, confirmed FROM holidays WHERE date = ?", (date,))
    return None if r is None else Holiday(r["date"], r["kind"], r["name"], bool(r["confirmed"]))


def year_has_holidays(db, year: int | str) -> bool:
    return db.scalar("SELECT 1 FROM holidays WHERE date >= ? AND date < ?", (f"{year}-", f"{int(year) + 1}-")) is not None


def add_holidays(db, rows) -> None:
    """(date, kind, name, confirmed, updated_at) rows."""
    tables.insert_many(db, "holidays", ("date", "kind", "name", "confirmed", "updated_at"), rows)


def set_holiday(db, date: str, kind: str, name: str, now: str) -> None:
    tables.upsert(db, "holidays", {"date": date, "kind": kind, "name": name, "confirmed": True, "updated_at": now},
                  ("date",))


def delete_holiday(db, date: str) -> int:
    return tables.delete(db, "holidays", {"date": date})


def confirm_holidays(db, year: int, now: str) -> int:
    """Mark a pre-filled year as checked; returns how many days were."""
    return db.execute("UPDATE holidays SET confirmed = 1, updated_at = ? WHERE date >= ? AND date < ? AND confirmed = 0",
                      (now, f"{year}-", f"{year + 1}-")).rowcount


# ----------------------------------------------------------------------------- duties


def assignments(db, first: dt.date, last: dt.date) -> list[Assignment]:
    rows = db.tuples("SELECT date, shift_id, staff_id FROM duty_assignments WHERE date >= ? AND date <= ?"
                     " ORDER BY date, shift_id, id", (first.isoformat(), last.isoformat()))
    return [Assignment(*r) for r in rows]


def load(db, first: dt.date, last: dt.date, *, max_nights: int, min_rest_hours: int):
    """The snapshot the rules judge (rules.RosterData): a week before the range and a day after are included."""
    from desktop_app.roster.calendar import DayTypes
    from desktop_app.roster.rules import RosterData

    before, after = first - dt.timedelta(days=7), last + dt.timedelta(days=1)
    post_list = posts(db)
    return RosterData(
        first=first, last=last, posts={p.id: p for p in post_list},
        shifts={s.id: s for p in post_list for s in p.shifts}, staff=staff_info(db),
        assignments=assignments(db, before, after), day_types=DayTypes.load(db, before, after),
        max_nights=max_nights, min_rest_hours=min_rest_hours,
    )


def on_duty(db, date: str, shift_id: int, staff_id: int) -> bool:
    return tables.exists(db, "duty_assignments", {"date": date, "shift_id": shift_id, "staff_id": staff_id})


def add_assignment(db, month_id: int, date: str, shift_id: int, staff_id: int, now: str) -> int:
    return tables.insert(db, "duty_assignments", {"month_id": month_id, "date": date, "shift_id": shift_id,
                                                  "staff_id": staff_id, "created_at": now})


def add_assignments(db, month_id: int, rows, now: str) -> int:
    """Insert (date, shift id, staff id) rows not there yet (a duty is one row per date, shift and person);
    returns how many were added."""
    wanted = sorted(set(rows))
    if not wanted:
        return 0
    have = {tuple(r) for r in db.tuples("SELECT date, shift_id, staff_id FROM duty_assignments"
                                        " WHERE date >= ? AND date <= ?", (wanted[0][0], wanted[-1][0]))}
    new = [r for r in wanted if r not in have]
    tables.insert_many(db, "duty_assignments", ("month_id", "date", "shift_id", "staff_id", "created_at"),
                       [(month_id, d, s, p, now) for d, s, p in new])
    return len(new)


def remove_assignment(db, date: str, shift_id: int, staff_id: int, *, month_id: int | None = None) -> int:
    key = {"date": date, "shift_id": shift_id, "staff_id": staff_id}
    return tables.delete(db, "duty_assignments", key if month_id is None else {"month_id": month_id, **key})


def month_duties(db, month_id: int) -> list[tuple[int, int]]:
    """(id, shift id) of a month's duties."""
    return db.tuples("SELECT id, shift_id FROM duty_assignments WHERE month_id = ? ORDER BY id", (month_id,))


def delete_assignments(db, ids) -> None:
    db.execute_many("DELETE FROM duty_assignments WHERE id = ?", [(i,) for i in ids])


def month_has_duties(db, month_id: int) -> bool:
    return tables.exists(db, "duty_assignments", {"month_id": month_id})


def move_duty(db, date: str, shift_id: int, from_staff: int, to_staff: int) -> int:
    return tables.update(db, "duty_assignments", {"date": date, "shift_id": shift_id, "staff_id": from_staff},
                         {"staff_id": to_staff})


# ----------------------------------------------------------------------------- months and revisions

_MONTH_SQL = "SELECT id, month, status, version, published_at, published_by FROM roster_months"


def _month(r) -> RosterMonth:
    return RosterMonth(r[0], r[1], r[2], r[3], r[4], r[5])


def month(db, month: str) -> RosterMonth | None:
    rows = db.tuples(_MONTH_SQL + " WHERE month = ?", (month,))
    return _month(rows[0]) if rows else None


def month_by_id(db, month_id: int) -> RosterMonth | None:
    rows = db.tuples(_MONTH_SQL + " WHERE id = ?", (month_id,))
    return _month(rows[0]) if rows else None


def months(db, first: str, last: str) -> dict[str, RosterMonth]:
    """The months from ``first`` to ``last`` (YYYY-MM) that have a record."""
    return {r[1]: _month(r) for r in db.tuples(_MONTH_SQL + " WHERE month >= ? AND month <= ?", (first, last))}


def ensure_month(db, month_: str, now: str) -> RosterMonth:
    found = month(db, month_)
    if found is None:
        tables.insert(db, "roster_months", {"month": month_, "created_at": now, "updated_at": now})
        found = month(db, month_)
    return found


def confirmed_findings(db, month: str) -> list[dict]:
    raw = db.scalar("SELECT confirmed_findings FROM roster_months WHERE month = ?", (month,))
    return json.loads(raw) if raw else []


def revisions(db, month_id: int) -> list[Revision]:
    rows = db.query(
        "SELECT r.*, p.name AS post_name, s.name AS shift_name, f.name AS from_name, t.name AS to_name"
        " FROM roster_revisions r JOIN duty_shifts s ON s.id = r.shift_id JOIN duty_posts p ON p.id = s.post_id"
        " JOIN staff f ON f.id = r.from_staff_id JOIN staff t ON t.id = r.to_staff_id"
        " WHERE r.month_id = ? ORDER BY r.id", (month_id,))
    return [Revision(r["id"], r["version"], r["kind"], r["date"], r["shift_id"], r["post_name"], r["shift_name"],
                     r["from_name"], r["to_name"], r["other_date"], r["reason"], r["requested_by"], r["approved_by"],
                     r["recorded_by"], r["recorded_at"]) for r in rows]


def add_revision(db, values: dict) -> int:
    return tables.insert(db, "roster_revisions", values)
