"""SQL for training categories, sessions, attendance, assessments and requirements. No rules here."""
from __future__ import annotations

import json

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
            for r in db.query(f"SELECT * FROM training_categories{where} ORDER BY sort_order, id")]


def category(db, category_id: int) -> Category | None:
    return next((c for c in categories(db) if c.id == category_id), None)


def save_category(db, category_id: int | None, name: str, active: bool, now: str) -> int:
    if category_id is None:
        order = (db.scalar("SELECT max(sort_order) FROM training_categories") or 0) + 1
        return db.execute("INSERT INTO training_categories (name, sort_order, active, updated_at) VALUES (?, ?, ?, ?)",
                          (name, order, int(active), now)).lastrowid
    db.execute("UPDATE training_categories SET name = ?, active = ?, updated_at = ? WHERE id = ?",
               (name, int(active), now, category_id))
    return category_id


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
    ids = sorted(set(staff_ids))
    if not ids:
        return {}
    out = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        for r in db.query("SELECT s.id, s.employee_no, s.name, s.department_id, d.name AS department, s.category,"
                          " s.title, s.on_duty FROM staff s JOIN departments d ON d.id = s.department_id"
                          f" WHERE s.id IN ({', '.join('?' * len(chunk))})", chunk):
            out[r["id"]] = r
    return out


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


def session_rows(db, *, first: str, last: str, category_id: int | None = None, department_id: int | None = None,
                 text: str | None = None) -> list[SessionRow]:
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


_SESSION_COLS = ("title", "category_id", "content", "date", "starts", "ends", "place", "lecturer", "lecturer_title",
                 "department_id", "hours", "form", "audience_json", "audience_label", "notes")


def insert_session(db, values: dict, by: str, now: str) -> int:
    cols = [*_SESSION_COLS, "created_by", "created_at", "updated_at"]
    data = [values[c] for c in _SESSION_COLS] + [by, now, now]
    return db.execute(f"INSERT INTO training_sessions ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                      data).lastrowid


def update_session(db, session_id: int, values: dict, now: str) -> None:
    sets = ", ".join(f"{c} = ?" for c in _SESSION_COLS)
    db.execute(f"UPDATE training_sessions SET {sets}, updated_at = ? WHERE id = ?",
               [values[c] for c in _SESSION_COLS] + [now, session_id])


def set_expected(db, session_id: int, staff_ids: list[int]) -> None:
    """The expected list (应到) becomes exactly ``staff_ids``; recorded attendance of people who stay is kept,
    people no longer expected are kept only if they came (as walk-ins)."""
    keep = set(staff_ids)
    existing = {r[0]: (r[1], r[2]) for r in db.execute(
        "SELECT staff_id, expected, present FROM training_attendees WHERE session_id = ?", (session_id,))}
    for staff_id, (expected, present) in existing.items():
        if staff_id in keep:
            if not expected:
                db.execute("UPDATE training_attendees SET expected = 1 WHERE session_id = ? AND staff_id = ?",
                           (session_id, staff_id))
        elif present:
            db.execute("UPDATE training_attendees SET expected = 0 WHERE session_id = ? AND staff_id = ?",
                       (session_id, staff_id))
        else:
            db.execute("DELETE FROM training_attendees WHERE session_id = ? AND staff_id = ?", (session_id, staff_id))
    db.conn.executemany("INSERT INTO training_attendees (session_id, staff_id, expected) VALUES (?, ?, 1)",
                        [(session_id, s) for s in staff_ids if s not in existing])
    refresh_counts(db, session_id)


def refresh_counts(db, session_id: int) -> None:
    db.execute("UPDATE training_sessions SET expected_count = (SELECT count(*) FROM training_attendees"
               " WHERE session_id = ?1 AND expected = 1), present_count = (SELECT count(*) FROM training_attendees"
               " WHERE session_id = ?1 AND present = 1) WHERE id = ?1", (session_id,))


def save_attendance(db, session_id: int, marks: dict[int, tuple[bool, bool, str | None]], now: str) -> None:
    """``marks``: staff id → (expected, present, note) for everyone of the session, written in one go."""
    db.execute("DELETE FROM training_attendees WHERE session_id = ?", (session_id,))
    db.conn.executemany(
        "INSERT INTO training_attendees (session_id, staff_id, expected, present, note) VALUES (?, ?, ?, ?, ?)",
        [(session_id, s, int(e), int(p), n) for s, (e, p, n) in marks.items()])
    db.execute("UPDATE training_sessions SET attendance_recorded = 1, updated_at = ? WHERE id = ?", (now, session_id))
    refresh_counts(db, session_id)


def delete_session(db, session_id: int) -> None:
    db.execute("DELETE FROM training_sessions WHERE id = ?", (session_id,))


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


def assessment_rows(db, *, first: str, last: str, kind: str | None = None,
                    standalone: bool = False) -> list[Assessment]:
    where, params = ["a.date >= ?", "a.date <= ?"], [first, last]
    if kind:
        where.append("a.kind = ?")
        params.append(kind)
    if standalone:
        where.append("a.session_id IS NULL")
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


_ASSESSMENT_COLS = ("session_id", "kind", "title", "category_id", "date", "full_mark", "pass_mark", "notes")


def insert_assessment(db, values: dict, by: str, now: str) -> int:
    cols = [*_ASSESSMENT_COLS, "created_by", "created_at", "updated_at"]
    return db.execute(f"INSERT INTO assessments ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                      [values[c] for c in _ASSESSMENT_COLS] + [by, now, now]).lastrowid


def update_assessment(db, assessment_id: int, values: dict, now: str) -> None:
    sets = ", ".join(f"{c} = ?" for c in _ASSESSMENT_COLS)
    db.execute(f"UPDATE assessments SET {sets}, updated_at = ? WHERE id = ?",
               [values[c] for c in _ASSESSMENT_COLS] + [now, assessment_id])


def replace_results(db, assessment_id: int, rows: list[tuple[int, int, float, bool, str]]) -> None:
    """rows: (staff id, attempt, score, passed, date) — the assessment's whole result list."""
    db.execute("DELETE FROM assessment_results WHERE assessment_id = ?", (assessment_id,))
    db.conn.executemany("INSERT INTO assessment_results (assessment_id, staff_id, attempt, score, passed, date)"
                        " VALUES (?, ?, ?, ?, ?, ?)", [(assessment_id, *r) for r in rows])


def delete_assessment(db, assessment_id: int) -> None:
    db.execute("DELETE FROM assessments WHERE id = ?", (assessment_id,))


# ----------------------------------------------------------------------------- requirements


def requirements(db, *, active_only: bool = False) -> list[Requirement]:
    where = " WHERE r.active = 1" if active_only else ""
    rows = db.query("SELECT r.*, c.name AS category, c.code AS category_code FROM training_requirements r"
                    f" JOIN training_categories c ON c.id = r.category_id{where} ORDER BY c.sort_order, r.id")
    return [Requirement(r["id"], r["category_id"], r["category"], r["category_code"], r["staff_group"],
                        r["times_per_year"], bool(r["before_duty"]), bool(r["must_pass"]), bool(r["active"]),
                        r["notes"]) for r in rows]


_REQUIREMENT_COLS = ("category_id", "staff_group", "times_per_year", "before_duty", "must_pass", "active", "notes")


def save_requirement(db, requirement_id: int | None, values: dict, now: str) -> int:
    data = [values[c] for c in _REQUIREMENT_COLS] + [now]
    if requirement_id is None:
        cols = [*_REQUIREMENT_COLS, "updated_at"]
        return db.execute(f"INSERT INTO training_requirements ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                          data).lastrowid
    db.execute(f"UPDATE training_requirements SET {', '.join(f'{c} = ?' for c in _REQUIREMENT_COLS)}, updated_at = ?"
               " WHERE id = ?", [*data, requirement_id])
    return requirement_id


# ----------------------------------------------------------------------------- coverage inputs


def attendance_counts(db, first: str, last: str) -> dict[tuple[int, int], int]:
    """(staff, category) → sessions attended in the period."""
    rows = db.execute(
        "SELECT a.staff_id, t.category_id, count(*) FROM training_sessions t"
        " JOIN training_attendees a ON a.session_id = t.id AND a.present = 1"
        " WHERE t.date >= ? AND t.date <= ? GROUP BY a.staff_id, t.category_id", (first, last))
    return {(r[0], r[1]): r[2] for r in rows}


def exam_outcomes(db, first: str | None, last: str) -> dict[tuple[int, int], bool]:
    """(staff, category) → passed (any attempt, 补考 included), for everyone examined in a 考核 of the period
    (``first`` None: ever, up to ``last``)."""
    rows = db.execute(
        "SELECT r.staff_id, a.category_id, max(r.passed) FROM assessments a"
        " JOIN assessment_results r ON r.assessment_id = a.id"
        " WHERE a.kind = ? AND a.date >= ? AND a.date <= ? AND r.date <= ? GROUP BY r.staff_id, a.category_id",
        (ASSESSMENT, first or "0000", last, last))
    return {(r[0], r[1]): bool(r[2]) for r in rows}


def awareness_results(db, first: str, last: str) -> dict[int, bool]:
    """staff → passed, for the first attempt of each 知晓率调查 in the period (the latest survey counts)."""
    rows = db.execute(
        "SELECT r.staff_id, r.passed FROM assessments a JOIN assessment_results r ON r.assessment_id = a.id"
        " AND r.attempt = 1 WHERE a.kind = ? AND a.date >= ? AND a.date <= ? ORDER BY a.date, a.id",
        (AWARENESS, first, last))
    return {r[0]: bool(r[1]) for r in rows}


def duty_passed_dates(db) -> dict[int, str]:
    """staff → the first date a 总值班培训 assessment was passed (the roster's qualification check)."""
    # CROSS JOIN fixes the order: the few 总值班 assessments first, then their results by primary key
    # (the planner otherwise walks every result through the staff index: 30 ms on ten years, read at login)
    rows = db.execute(
        "SELECT r.staff_id, min(r.date) FROM training_categories c CROSS JOIN assessments a"
        " CROSS JOIN assessment_results r WHERE c.code = ? AND a.category_id = c.id AND r.assessment_id = a.id"
        " AND r.passed = 1 GROUP BY r.staff_id", (DUTY_CODE,))
    return {r[0]: r[1] for r in rows}


def duty_staff(db, first: str, last: str) -> set[int]:
    """People on the rotation of, or on duty in the period on, an active post requiring 总值班 training."""
    posts = [r[0] for r in db.execute("SELECT id FROM duty_posts WHERE duty_training_required = 1 AND active = 1")]
    if not posts:
        return set()
    marks = ", ".join("?" * len(posts))
    out: set[int] = set()
    for r in db.execute(f"SELECT staff_ids FROM rotation_lists WHERE post_id IN ({marks})", posts):
        out.update(json.loads(r[0]))
    out.update(r[0] for r in db.execute(
        f"SELECT DISTINCT a.staff_id FROM duty_assignments a JOIN duty_shifts s ON s.id = a.shift_id"
        f" WHERE s.post_id IN ({marks}) AND a.date >= ? AND a.date <= ?", [*posts, first, last]))
    return out


def session_stats(db, first: str, last: str) -> tuple[int, int]:
    """(sessions, attendances) in the period."""
    row = db.execute("SELECT count(*), coalesce(sum(present_count), 0) FROM training_sessions"
                     " WHERE date >= ? AND date <= ?", (first, last)).fetchone()
    return row[0], row[1]


def assessment_pass(db, first: str, last: str) -> tuple[int, int]:
    """(tested, passed at the first attempt) over the period's 考核."""
    row = db.execute("SELECT count(*), coalesce(sum(r.passed), 0) FROM assessments a JOIN assessment_results r"
                     " ON r.assessment_id = a.id AND r.attempt = 1 WHERE a.kind = ? AND a.date >= ? AND a.date <= ?",
                     (ASSESSMENT, first, last)).fetchone()
    return row[0], row[1]


def install_defaults(db, data: dict, now: str) -> None:
    """Categories and requirements shipped in resources/training/defaults.json (an existing code is left alone)."""
    for order, c in enumerate(data["categories"], 1):
        if db.execute("SELECT 1 FROM training_categories WHERE code = ? OR name = ?", (c["code"], c["name"])).fetchone():
            continue
        db.execute("INSERT INTO training_categories (code, name, sort_order, active, updated_at) VALUES (?, ?, ?, 1, ?)",
                     (c["code"], c["name"], order, now))
    if db.execute("SELECT 1 FROM training_requirements").fetchone():
        return
    for r in data["requirements"]:
        category_id = db.execute("SELECT id FROM training_categories WHERE code = ?", (r["category"],)).fetchone()[0]
        db.execute("INSERT INTO training_requirements (category_id, staff_group, times_per_year, before_duty,"
                     " must_pass, active, notes, updated_at) VALUES (?, ?, ?, ?, ?, 1, ?, ?)",
                     (category_id, r["staff_group"], r.get("times_per_year"), int(bool(r.get("before_duty"))),
                      int(bool(r.get("must_pass"))), r.get("notes"), now))
