"""SQL for training categories, sessions, attendance, assessments and requirements. No rules here.

Rows are written through :mod:`desktop_app.storage.tables` (records.py for the audited records);
the scope lookups at the end say which departments a record belongs to (accounts/scope.py).
"""
from __future__ import annotations

import json

from desktop_app.storage import tables
from desktop_app.training.models import (
    ASSESSMENT,
    AWARENESS,
    DUTY_CODE,
    Assessment,
    Attendee,
    Audience,
    Category,
    Requirement,
    Result,
    SessionRow,
    TrainingSession,
)

# ----------------------------------------------------------------------------- categories


def categories(db, *, active_only: bool = False) -> list[Category]:
    where = " WHERE active = 1" if active_only else ""
    return [Category(r["id"], r["code"], r["name"], r["sort_order"], bool(r["active"]))
            for r in db.query("SELECT * FROM training_categories" + where + " ORDER BY sort_order, id")]


def category(db, category_id: int) -> Category | None:
    return next((c for c in categories(db) if c.id == category_id), None)


def category_named(db, name: str, *, other_than: int | None = None) -> int | None:
    """The id of the category called ``name`` (other than ``other_than``), if any."""
    if other_than is None:
        return db.scalar("SELECT id FROM training_categories WHERE name = ?", (name,))
    return db.scalar("SELECT id FROM training_categories WHERE name = ? AND id <> ?", (name, other_than))


def next_category_order(db) -> int:
    return (db.scalar("SELECT max(sort_order) FROM training_categories") or 0) + 1


# ----------------------------------------------------------------------------- people


def employed_staff(db, day: str) -> list:
    """Staff employed on ``day`` (hired by then, not yet left), with department and category."""
    return db.query(
        "SELECT s.id, s.employee_no, s.name, s.department_id, d.name AS department, s.category, s.title,"
        " s.hire_date, s.leave_date, s.on_duty FROM staff s JOIN departments d ON d.id = s.department_id"
        " WHERE (s.hire_date IS NULL OR s.hire_date <= ?)"
        " AND (s.on_duty = 1 OR (s.leave_date IS NOT NULL AND s.leave_date > ?))"
        " ORDER BY d.sort_order, d.name, s.employee_no", (day, day))


def staff_rows(db, staff_ids) -> dict[int, object]:
    # ids as a form or a file gives them: anything but a whole number or text finds no one
    ids = list(dict.fromkeys(i for i in staff_ids if isinstance(i, (int, str)) and not isinstance(i, bool)))
    if not ids:
        return {}
    where, params = tables.in_list("s.id", ids)
    return {r["id"]: r for r in db.query(
        "SELECT s.id, s.employee_no, s.name, s.department_id, d.name AS department, s.category, s.title, s.on_duty"
        " FROM staff s JOIN departments d ON d.id = s.department_id WHERE " + where, params)}


def every_staff(db) -> list:
    """Everyone on the staff list (employed or not), in department order — what a sign-in sheet is
    matched against."""
    return db.query(
        "SELECT s.id, s.employee_no, s.name, s.department_id, d.name AS department, s.hire_date, s.leave_date,"
        " s.on_duty FROM staff s JOIN departments d ON d.id = s.department_id ORDER BY d.sort_order, d.name,"
        " s.employee_no")


def staff_record(db, staff_id: int):
    """A person with their department's name (个人培训档案), or None."""
    return db.query_one("SELECT s.*, d.name AS department FROM staff s JOIN departments d ON d.id = s.department_id"
                        " WHERE s.id = ?", (staff_id,))


def staff_id_by_employee_no(db, employee_no: str) -> int | None:
    return db.scalar("SELECT id FROM staff WHERE employee_no = ?", (employee_no,))






def left_during(db, first: str, last: str, departments: set[int] | None) -> int:
    """Staff (of ``departments``, or everyone) who left between ``first`` and ``last``."""
    sql, params = "SELECT count(*) FROM staff WHERE leave_date >= ? AND leave_date <= ?", [first, last]
    if departments is not None:
        where, more = tables.in_list("department_id", sorted(departments))
        sql, params = f"{sql} AND {where}", params + more
    return int(db.scalar(sql, params) or 0)


def duty_dates_on_staff_records(db) -> dict[int, str]:
    """staff → the 总值班培训考核合格日期 entered on the staff record (before this module existed)."""
    return {r[0]: r[1] for r in db.query(
        "SELECT id, duty_training_passed_on FROM staff WHERE duty_training_passed_on IS NOT NULL")}


# ----------------------------------------------------------------------------- sessions

_SESSION_SQL = ("SELECT t.*, c.name AS category, d.name AS department,"
                " (SELECT count(*) FROM assessments a WHERE a.session_id = t.id) AS assessment_count,"
                " (SELECT count(*) FROM training_attendees x WHERE x.session_id = t.id AND x.expected = 1"
                " AND x.present = 1) AS present_expected"
                " FROM training_sessions t JOIN training_categories c ON c.id = t.category_id"
                " LEFT JOIN departments d ON d.id = t.department_id")


def _session_row(r) -> SessionRow:
    return SessionRow(r["id"], r["title"], r["category_id"], r["category"], r["date"], r["starts"], r["place"],
                      r["lecturer"], r["department"], r["hours"], r["form"], r["audience_label"], r["expected_count"],
                      r["present_count"], bool(r["attendance_recorded"]), r["assessment_count"],
                      r["present_expected"])


def _session_within(departments) -> tuple[str, list]:
    """A condition on session ``t``: organised by one of ``departments``, or one of their people was
    expected at it or came (see the scope of a session in service.py)."""
    organised, params = tables.in_list("t.department_id", sorted(departments))
    theirs, more = tables.in_list("s.department_id", sorted(departments))
    return (f"({organised} OR EXISTS (SELECT 1 FROM training_attendees x JOIN staff s ON s.id = x.staff_id"
            f" WHERE x.session_id = t.id AND {theirs}))", params + more)


def session_rows(db, *, first: str, last: str, category_id: int | None = None, department_id: int | None = None,
                 text: str | None = None, within: frozenset[int] | None = None) -> list[SessionRow]:
    """The sessions of the period; ``within``: only those of these departments (None: all)."""
    where, params = ["t.date >= ?", "t.date <= ?"], [first, last]
    if category_id is not None:
        where.append("t.category_id = ?")
        params.append(category_id)
    if department_id is not None:
        where.append("t.department_id = ?")
        params.append(department_id)
    if text:
        where.append("(t.title LIKE ? OR t.lecturer LIKE ? OR t.content LIKE ?)")
        params += [f"%{text}%"] * 3
    if within is not None:
        condition, more = _session_within(within)
        where.append(condition)
        params += more
    sql = _SESSION_SQL + " WHERE " + " AND ".join(where) + " ORDER BY t.date DESC, t.starts DESC, t.id DESC"
    return [_session_row(r) for r in db.query(sql, params)]


def session_record(db, session_id: int):
    return db.query_one(_SESSION_SQL + " WHERE t.id = ?", (session_id,))


def attendees(db, session_id: int) -> list[Attendee]:
    rows = db.query(
        "SELECT a.staff_id, s.employee_no, s.name, d.name AS department, s.category, s.title, a.expected, a.present,"
        " a.note FROM training_attendees a JOIN staff s ON s.id = a.staff_id JOIN departments d ON d.id = s.department_id"
        " WHERE a.session_id = ? ORDER BY a.expected DESC, d.sort_order, d.name, s.employee_no", (session_id,))
    return [Attendee(r[0], r[1], r[2], r[3], r[4], r[5], bool(r[6]), None if r[7] is None else bool(r[7]), r[8])
            for r in rows]


def session(db, row, *, with_people: bool = True) -> TrainingSession:
    return TrainingSession(
        row["id"], row["uid"], row["title"], row["category_id"], row["category"], row["content"], row["date"],
        row["starts"], row["ends"], row["place"], row["lecturer"], row["lecturer_title"], row["department_id"],
        row["department"], row["hours"], row["form"], Audience.from_json(json.loads(row["audience_json"])),
        row["audience_label"], row["expected_count"], row["present_count"], bool(row["attendance_recorded"]),
        row["notes"], tuple(attendees(db, row["id"])) if with_people else (),
        tuple(assessments_of(db, row["id"])) if with_people else ())


# the columns a session is written with (besides created_by and the stamps)
_SESSION_COLS = ("title", "category_id", "content", "date", "starts", "ends", "place", "lecturer", "lecturer_title",
                 "department_id", "hours", "form", "audience_json", "audience_label", "notes")


def set_expected(db, session_id: int, staff_ids: list[int]) -> None:
    """The expected list (应到) becomes exactly ``staff_ids``; recorded attendance of people who stay is kept,
    people no longer expected are kept only if they came (as walk-ins)."""
    keep = set(staff_ids)
    existing = {r[0]: (r[1], r[2]) for r in db.tuples(
        "SELECT staff_id, expected, present FROM training_attendees WHERE session_id = ?", (session_id,))}
    for staff_id, (expected, present) in existing.items():
        key = {"session_id": session_id, "staff_id": staff_id}
        if staff_id in keep:
            if not expected:
                tables.update(db, "training_attendees", key, {"expected": 1})
        elif present:
            tables.update(db, "training_attendees", key, {"expected": 0})
        else:
            tables.delete(db, "training_attendees", key)
    tables.insert_many(db, "training_attendees", ("session_id", "staff_id", "expected"),
                       [(session_id, s, 1) for s in staff_ids if s not in existing])
    refresh_counts(db, session_id)


def refresh_counts(db, session_id: int) -> None:
    db.execute("UPDATE training_sessions SET expected_count = (SELECT count(*) FROM training_attendees"
               " WHERE session_id = ? AND expected = 1), present_count = (SELECT count(*) FROM training_attendees"
               " WHERE session_id = ? AND present = 1) WHERE id = ?", (session_id, session_id, session_id))


def save_attendance(db, session_id: int, marks: dict[int, tuple[bool, bool, str | None]], now: str) -> None:
    """``marks``: staff id → (expected, present, note) for everyone of the session, written in one go."""
    tables.delete(db, "training_attendees", {"session_id": session_id})
    tables.insert_many(db, "training_attendees", ("session_id", "staff_id", "expected", "present", "note"),
                       [(session_id, s, e, p, n) for s, (e, p, n) in marks.items()])
    tables.update(db, "training_sessions", session_id, {"attendance_recorded": True, "updated_at": now})
    refresh_counts(db, session_id)


def session_has_results(db, session_id: int) -> bool:
    """Whether any assessment of the session has a score."""
    return db.scalar("SELECT 1 FROM assessment_results r JOIN assessments a ON a.id = r.assessment_id"
                     " WHERE a.session_id = ?", (session_id,)) is not None


# ----------------------------------------------------------------------------- assessments

_ASSESSMENT_SQL = (
    "SELECT a.*, c.name AS category,"
    " (SELECT count(*) FROM assessment_results r WHERE r.assessment_id = a.id AND r.attempt = 1) AS tested,"
    " (SELECT count(*) FROM assessment_results r WHERE r.assessment_id = a.id AND r.attempt = 1 AND r.passed = 1)"
    " AS passed_first,"
    " (SELECT count(DISTINCT r.staff_id) FROM assessment_results r WHERE r.assessment_id = a.id AND r.passed = 1)"
    " AS passed_final"
    " FROM assessments a JOIN training_categories c ON c.id = a.category_id")


def _assessment(r, results: tuple[Result, ...] = ()) -> Assessment:
    return Assessment(r["id"], r["uid"], r["session_id"], r["kind"], r["title"], r["category_id"], r["category"],
                      r["date"], r["full_mark"], r["pass_mark"], r["notes"], r["tested"], r["passed_first"],
                      r["passed_final"], results)


def assessments_of(db, session_id: int) -> list[Assessment]:
    return [_assessment(r) for r in db.query(_ASSESSMENT_SQL + " WHERE a.session_id = ? ORDER BY a.date, a.id",
                                             (session_id,))]


def assessment_rows(db, *, first: str, last: str, kind: str | None = None, standalone: bool = False,
                    within: frozenset[int] | None = None) -> list[Assessment]:
    """The assessments of the period; ``within``: only those of these departments (None: all)."""
    where, params = ["a.date >= ?", "a.date <= ?"], [first, last]
    if kind:
        where.append("a.kind = ?")
        params.append(kind)
    if standalone:
        where.append("a.session_id IS NULL")
    if within is not None:
        session_within, more = _session_within(within)
        examined, more2 = tables.in_list("s.department_id", sorted(within))
        where.append(f"(EXISTS (SELECT 1 FROM training_sessions t WHERE t.id = a.session_id AND {session_within})"
                     f" OR EXISTS (SELECT 1 FROM assessment_results r JOIN staff s ON s.id = r.staff_id"
                     f" WHERE r.assessment_id = a.id AND {examined}))")
        params += more + more2
    return [_assessment(r) for r in db.query(_ASSESSMENT_SQL + " WHERE " + " AND ".join(where)
                                             + " ORDER BY a.date DESC, a.id DESC", params)]


def assessment_record(db, assessment_id: int):
    return db.query_one(_ASSESSMENT_SQL + " WHERE a.id = ?", (assessment_id,))


def results(db, assessment_id: int) -> list[Result]:
    rows = db.query(
        "SELECT r.staff_id, s.employee_no, s.name, d.name, r.attempt, r.score, r.passed, r.date"
        " FROM assessment_results r JOIN staff s ON s.id = r.staff_id JOIN departments d ON d.id = s.department_id"
        " WHERE r.assessment_id = ? ORDER BY d.sort_order, d.name, s.employee_no, r.attempt", (assessment_id,))
    return [Result(r[0], r[1], r[2], r[3], r[4], r[5], bool(r[6]), r[7]) for r in rows]


def has_results(db, assessment_id: int) -> bool:
    return tables.exists(db, "assessment_results", {"assessment_id": assessment_id})


# the columns an assessment is written with (besides created_by and the stamps)
_ASSESSMENT_COLS = ("session_id", "kind", "title", "category_id", "date", "full_mark", "pass_mark", "notes")


def replace_results(db, assessment_id: int, rows: list[tuple[int, int, float, bool, str]]) -> None:
    """rows: (staff id, attempt, score, passed, date) — the assessment's whole result list."""
    tables.delete(db, "assessment_results", {"assessment_id": assessment_id})
    tables.insert_many(db, "assessment_results", ("assessment_id", "staff_id", "attempt", "score", "passed", "date"),
                       [(assessment_id, *r) for r in rows])


# ----------------------------------------------------------------------------- requirements


def requirements(db, *, active_only: bool = False) -> list[Requirement]:
    where = " WHERE r.active = 1" if active_only else ""
    rows = db.query("SELECT r.*, c.name AS category, c.code AS category_code FROM training_requirements r"
                    " JOIN training_categories c ON c.id = r.category_id" + where + " ORDER BY c.sort_order, r.id")
    return [Requirement(r["id"], r["category_id"], r["category"], r["category_code"], r["staff_group"],
                        r["times_per_year"], bool(r["before_duty"]), bool(r["must_pass"]), bool(r["active"]),
                        r["notes"]) for r in rows]


def requirement(db, requirement_id: int) -> Requirement | None:
    return next((r for r in requirements(db) if r.id == requirement_id), None)


# ----------------------------------------------------------------------------- coverage inputs


def attendance_counts(db, first: str, last: str) -> dict[tuple[int, int], int]:
    """(staff, category) → sessions attended in the period."""
    rows = db.tuples(
        "SELECT a.staff_id, t.category_id, count(*) FROM training_sessions t"
        " JOIN training_attendees a ON a.session_id = t.id AND a.present = 1"
        " WHERE t.date >= ? AND t.date <= ? GROUP BY a.staff_id, t.category_id", (first, last))
    return {(r[0], r[1]): r[2] for r in rows}


def exam_outcomes(db, first: str | None, last: str) -> dict[tuple[int, int], bool]:
    """(staff, category) → passed (any attempt, 补考 included), for everyone examined in a 考核 of the period
    (``first`` None: ever, up to ``last``)."""
    rows = db.tuples(
        "SELECT r.staff_id, a.category_id, max(CASE WHEN r.passed = 1 THEN 1 ELSE 0 END) FROM assessments a"
        " JOIN assessment_results r ON r.assessment_id = a.id"
        " WHERE a.kind = ? AND a.date >= ? AND a.date <= ? AND r.date <= ? GROUP BY r.staff_id, a.category_id",
        (ASSESSMENT, first or "0000", last, last))
    return {(r[0], r[1]): bool(r[2]) for r in rows}


def awareness_results(db, first: str, last: str) -> dict[int, bool]:
    """staff → passed, for the first attempt of each 知晓率调查 in the period (the latest survey counts)."""
    rows = db.tuples(
        "SELECT r.staff_id, r.passed FROM assessments a JOIN assessment_results r ON r.assessment_id = a.id"
        " AND r.attempt = 1 WHERE a.kind = ? AND a.date >= ? AND a.date <= ? ORDER BY a.date, a.id",
        (AWARENESS, first, last))
    return {r[0]: bool(r[1]) for r in rows}


def duty_passed_dates(db) -> dict[int, str]:
    """staff → the first date a 总值班培训 assessment was passed (the roster's qualification check)."""
    # CROSS JOIN fixes the order: the few 总值班 assessments first, then their results by primary key
    # (the planner otherwise walks every result through the staff index: 30 ms on ten years, read at login)
    rows = db.tuples(
        "SELECT r.staff_id, min(r.date) FROM training_categories c CROSS JOIN assessments a"
        " CROSS JOIN assessment_results r WHERE c.code = ? AND a.category_id = c.id AND r.assessment_id = a.id"
        " AND r.passed = 1 GROUP BY r.staff_id", (DUTY_CODE,))
    return {r[0]: r[1] for r in rows}


def duty_staff(db, first: str, last: str) -> set[int]:
    """People on the rotation of, or on duty in the period on, an active post requiring 总值班 training."""
    posts = [r[0] for r in db.tuples("SELECT id FROM duty_posts WHERE duty_training_required = 1 AND active = 1")]
    if not posts:
        return set()
    out: set[int] = set()
    where, params = tables.in_list("post_id", posts)
    for r in db.tuples("SELECT staff_ids FROM rotation_lists WHERE " + where, params):
        out.update(json.loads(r[0]))
    where, params = tables.in_list("s.post_id", posts)
    out.update(r[0] for r in db.tuples(
        "SELECT DISTINCT a.staff_id FROM duty_assignments a JOIN duty_shifts s ON s.id = a.shift_id"
        " WHERE " + where + " AND a.date >= ? AND a.date <= ?", [*params, first, last]))
    return out


def session_stats(db, first: str, last: str, within: frozenset[int] | None = None) -> tuple[int, int]:
    """(sessions, attendances) in the period; ``within``: the sessions of these departments (as a
    list shows them) and their people's attendances."""
    if within is None:
        row = db.tuples("SELECT count(*), coalesce(sum(present_count), 0) FROM training_sessions"
                        " WHERE date >= ? AND date <= ?", (first, last))[0]
        return row[0], row[1]
    condition, params = _session_within(within)
    sessions = db.scalar("SELECT count(*) FROM training_sessions t WHERE t.date >= ? AND t.date <= ? AND "
                         + condition, [first, last, *params])
    theirs, more = tables.in_list("s.department_id", sorted(within))
    present = db.scalar("SELECT count(*) FROM training_sessions t JOIN training_attendees x ON x.session_id = t.id"
                        " AND x.present = 1 JOIN staff s ON s.id = x.staff_id WHERE t.date >= ? AND t.date <= ? AND "
                        + theirs, [first, last, *more])
    return int(sessions or 0), int(present or 0)


def assessment_pass(db, first: str, last: str, within: frozenset[int] | None = None) -> tuple[int, int]:
    """(tested, passed at the first attempt) over the period's 考核 (``within``: of these departments' people)."""
    sql = ("SELECT count(*), coalesce(sum(CASE WHEN r.passed = 1 THEN 1 ELSE 0 END), 0) FROM assessments a"
           " JOIN assessment_results r ON r.assessment_id = a.id AND r.attempt = 1")
    params: list = [ASSESSMENT, first, last]
    where = " WHERE a.kind = ? AND a.date >= ? AND a.date <= ?"
    if within is not None:
        theirs, more = tables.in_list("s.department_id", sorted(within))
        sql += " JOIN staff s ON s.id = r.staff_id"
        where += " AND " + theirs
        params += more
    row = db.tuples(sql + where, params)[0]
    return row[0], row[1]


# ----------------------------------------------------------------------------- 个人培训档案


def transcript_sessions(db, staff_id: int, first: str, last: str) -> list[tuple]:
    """(date, title, category, hours, present, lecturer) of every session the person was expected at or came to."""
    return db.tuples(
        "SELECT t.date, t.title, c.name, t.hours, a.present, t.lecturer FROM training_attendees a"
        " JOIN training_sessions t ON t.id = a.session_id JOIN training_categories c ON c.id = t.category_id"
        " WHERE a.staff_id = ? AND t.date >= ? AND t.date <= ? ORDER BY t.date, t.starts", (staff_id, first, last))


def transcript_exams(db, staff_id: int, first: str, last: str) -> list[tuple]:
    """(date, title, kind, category, attempt, score, full mark, passed) of every result of the person."""
    return db.tuples(
        "SELECT a.date, a.title, a.kind, c.name, r.attempt, r.score, a.full_mark, r.passed FROM assessment_results r"
        " JOIN assessments a ON a.id = r.assessment_id JOIN training_categories c ON c.id = a.category_id"
        " WHERE r.staff_id = ? AND a.date >= ? AND a.date <= ? ORDER BY a.date, a.id, r.attempt", (staff_id, first, last))


# ----------------------------------------------------------------------------- built-in data


def install_defaults(db, data: dict, now: str) -> None:
    """Categories and requirements shipped in resources/training/defaults.json (an existing code is left alone)."""
    for order, c in enumerate(data["categories"], 1):
        if db.scalar("SELECT 1 FROM training_categories WHERE code = ? OR name = ?", (c["code"], c["name"])):
            continue
        tables.insert(db, "training_categories", {"code": c["code"], "name": c["name"], "sort_order": order,
                                                  "active": True, "updated_at": now}, returning=None)
    if db.scalar("SELECT 1 FROM training_requirements"):
        return
    for r in data["requirements"]:
        category_id = db.scalar("SELECT id FROM training_categories WHERE code = ?", (r["category"],))
        tables.insert(db, "training_requirements", {
            "category_id": category_id, "staff_group": r["staff_group"], "times_per_year": r.get("times_per_year"),
            "before_duty": bool(r.get("before_duty")), "must_pass": bool(r.get("must_pass")), "active": True,
            "notes": r.get("notes"), "updated_at": now}, returning=None)


# ----------------------------------------------------------------------------- scope lookups
# What accounts/scope.py checks a 科室负责人's call against: the departments a record belongs to
# (None: no such record, the action says so).
#
# A session no department organises (组织科室 left empty: the hospital's own) belongs to
# NO_DEPARTMENT, an id no department has, so only those who reach the whole hospital may record it.
# (A lookup that found no department at all would let everyone through.)
NO_DEPARTMENT = 0


def organiser_of_session(db, session_id) -> int | None:
    """The department that organises the session (NO_DEPARTMENT: the hospital)."""
    row = db.query_one("SELECT department_id FROM training_sessions WHERE id = ?", (session_id,))
    return None if row is None else row[0] or NO_DEPARTMENT


def organiser_of_assessment(db, assessment_id) -> int | None:
    """The department that organises the assessment's session (NO_DEPARTMENT: a standalone assessment
    or 知晓率调查, the hospital's)."""
    row = db.query_one("SELECT t.department_id FROM assessments a LEFT JOIN training_sessions t ON t.id = a.session_id"
                       " WHERE a.id = ?", (assessment_id,))
    return None if row is None else row[0] or NO_DEPARTMENT


def session_departments(db, session_id) -> set[int] | None:
    """The organiser and the departments of everyone expected at or attending the session."""
    organiser = organiser_of_session(db, session_id)
    if organiser is None:
        return None
    return {organiser} | {r[0] for r in db.tuples(
        "SELECT DISTINCT s.department_id FROM training_attendees x JOIN staff s ON s.id = x.staff_id"
        " WHERE x.session_id = ?", (session_id,))}


def assessment_departments(db, assessment_id) -> set[int] | None:
    """The assessment's session's departments (or NO_DEPARTMENT) and those of everyone examined."""
    row = db.query_one("SELECT session_id FROM assessments WHERE id = ?", (assessment_id,))
    if row is None:
        return None
    found = session_departments(db, row[0]) if row[0] is not None else {NO_DEPARTMENT}
    return (found or set()) | {r[0] for r in db.tuples(
        "SELECT DISTINCT s.department_id FROM assessment_results r JOIN staff s ON s.id = r.staff_id"
        " WHERE r.assessment_id = ?", (assessment_id,))}


def department_of_staff(db, staff_id) -> int | None:
    return db.scalar("SELECT department_id FROM staff WHERE id = ?", (staff_id,))
