"""SQL for departments and staff. Small functions that take a Database; no rules here.

Records are inserted and updated through desktop_app/records.py (which writes with
desktop_app/storage/tables.py); what is here reads, and writes what is not a record of its own.
"""
from __future__ import annotations

from desktop_app.people.models import Department, Staff
from desktop_app.people.pinyin import is_pinyin_query
from desktop_app.storage import tables
from desktop_app.textnorm import clean_text

_DEPT_SQL = """
SELECT d.*, p.name AS parent_name,
       (SELECT count(*) FROM staff s WHERE s.department_id = d.id AND s.on_duty = 1) AS staff_count
FROM departments d LEFT JOIN departments p ON p.id = d.parent_id
"""

_STAFF_SQL = """
SELECT s.id, s.uid, s.employee_no, s.name, s.gender, s.department_id, d.name AS department_name,
       s.category, s.title, s.licence_no, s.practice_category, s.registered_here,
       s.non_registered_reason, s.hire_date, s.on_duty, s.leave_date, s.phone, s.notes, s.duty_training_passed_on
FROM staff s JOIN departments d ON d.id = s.department_id
"""


def _department(row) -> Department:
    return Department(
        id=row["id"], uid=row["uid"], code=row["code"], name=row["name"], kind=row["kind"],
        parent_id=row["parent_id"], parent_name=row["parent_name"], sort_order=row["sort_order"],
        phone=row["phone"], active=bool(row["active"]), staff_count=row["staff_count"],
    )


def _staff(row) -> Staff:
    return Staff(
        id=row[0], uid=row[1], employee_no=row[2], name=row[3], gender=row[4], department_id=row[5],
        department_name=row[6], category=row[7], title=row[8], licence_no=row[9],
        practice_category=row[10], registered_here=bool(row[11]), non_registered_reason=row[12],
        hire_date=row[13], on_duty=bool(row[14]), leave_date=row[15], phone=row[16], notes=row[17],
        duty_training_passed_on=row[18],
    )


def list_departments(db, *, include_inactive: bool = True) -> list[Department]:
    where = "" if include_inactive else " WHERE d.active = 1"
    return [_department(r) for r in db.query(_DEPT_SQL + where + " ORDER BY d.sort_order, d.id")]


def get_department(db, department_id: int) -> Department | None:
    row = db.query_one(_DEPT_SQL + " WHERE d.id = ?", (department_id,))
    return None if row is None else _department(row)


def department_subtree(db, department_id: int) -> set[int]:
    """A department and every department under it."""
    rows = db.query(
        "WITH RECURSIVE sub(id) AS (SELECT ? UNION SELECT d.id FROM departments d JOIN sub ON d.parent_id = sub.id)"
        " SELECT id FROM sub",
        (department_id,),
    )
    return {r[0] for r in rows}


def staff_department(db, staff_id: int) -> int | None:
    return db.scalar("SELECT department_id FROM staff WHERE id = ?", (staff_id,))


def department_name(db, department_id: int | None) -> str | None:
    if department_id is None:
        return None
    return db.scalar("SELECT name FROM departments WHERE id = ?", (department_id,))


def department_id_named(db, name: str) -> int | None:
    return db.scalar("SELECT id FROM departments WHERE name = ?", (name,))


def department_ids_by_name(db, *, active_only: bool = False) -> dict[str, int]:
    """name -> id, in the department list's order."""
    where = " WHERE active = 1" if active_only else ""
    return {r[1]: r[0] for r in db.query("SELECT id, name FROM departments" + where + " ORDER BY sort_order, id")}


def department_id_coded(db, code: str) -> int | None:
    return db.scalar("SELECT id FROM departments WHERE code = ?", (code,))


def department_exists(db, department_id) -> bool:
    return tables.exists(db, "departments", {"id": department_id})


def departments_in_values(db, values: dict) -> set[int] | None:
    """The department a form's or a file row's values name: ``department_id``, or ``department`` (a
    name or a code, as the staff validator reads it) — every department the text could mean."""
    if not isinstance(values, dict):
        return None
    if values.get("department_id") is not None:
        return {values["department_id"]}
    text = clean_text(values.get("department"))
    if not text:
        return None
    return {r[0] for r in db.query("SELECT id FROM departments WHERE name = ? OR code = ?", (text, text))}


def staff_exists(db, staff_id) -> bool:
    return tables.exists(db, "staff", {"id": staff_id})


def staff_on_duty_in(db, department_id: int) -> int:
    return int(db.scalar("SELECT count(*) FROM staff WHERE department_id = ? AND on_duty = 1", (department_id,)))


def department_references(db, department_id: int) -> str:
    """What still points at a department, in words ('' when nothing does)."""
    parts = []
    for sql, label in (
        ("SELECT count(*) FROM staff WHERE department_id = ?", "人员 {} 名"),
        ("SELECT count(*) FROM departments WHERE parent_id = ?", "下属科室 {} 个"),
        ("SELECT count(*) FROM users WHERE department_id = ?", "用户账户 {} 个"),
    ):
        n = db.scalar(sql, (department_id,))
        if n:
            parts.append(label.format(n))
    return "、".join(parts)


def staff_references(db, staff_id: int) -> str:
    """What keeps a staff record from being deleted, in words ('' when nothing does). Being merely
    expected at a training not yet signed in does not: that row goes with the record."""
    counts = [
        ("用户账户 {} 个", "SELECT count(*) FROM users WHERE staff_id = ?"),
        ("值班安排 {} 个", "SELECT count(*) FROM duty_assignments WHERE staff_id = ?"),
        ("培训签到 {} 次", "SELECT count(*) FROM training_attendees WHERE staff_id = ? AND present IS NOT NULL"),
        ("考核成绩 {} 条", "SELECT count(*) FROM assessment_results WHERE staff_id = ?"),
    ]
    found = [label.format(n) for label, sql in counts if (n := db.scalar(sql, (staff_id,)))]
    return "、".join(found)


def delete_expected_attendance(db, staff_id: int) -> None:
    """Being expected at a training not yet signed in goes with a deleted staff record."""
    tables.delete(db, "training_attendees", {"staff_id": staff_id, "present": None})


def get_staff(db, staff_id: int) -> Staff | None:
    row = db.query_one(_STAFF_SQL + " WHERE s.id = ?", (staff_id,))
    return None if row is None else _staff(row)


def employee_numbers(db) -> dict[str, int]:
    return {r[0]: r[1] for r in db.query("SELECT employee_no, id FROM staff")}


def search_staff(
    db,
    *,
    query: str = "",
    departments: set[int] | None = None,
    category: str | None = None,
    registered_here: bool | None = None,
    on_duty: bool | None = None,
    limit: int | None = None,
) -> list[Staff]:
    clauses, params = [], []
    if query:
        like = f"%{query}%"
        if is_pinyin_query(query):
            clauses.append("(s.pinyin LIKE ? OR s.employee_no LIKE ? OR s.name LIKE ?)")
            params += [f"% {query.lower()}%", like, like]
        else:
            clauses.append("(s.name LIKE ? OR s.employee_no LIKE ? OR s.phone LIKE ?)")
            params += [like, like, like]
    if departments is not None:
        clause, more = tables.in_list("s.department_id", sorted(departments))
        clauses.append(clause)
        params += more
    if category:
        clauses.append("s.category = ?")
        params.append(category)
    if registered_here is not None:
        clauses.append("s.registered_here = ?")
        params.append(int(registered_here))
    if on_duty is not None:
        clauses.append("s.on_duty = ?")
        params.append(int(on_duty))
    sql = _STAFF_SQL + (" WHERE " + " AND ".join(clauses) if clauses else "") + " ORDER BY d.sort_order, s.employee_no"
    if limit:
        sql += " LIMIT ?"
        params.append(int(limit))
    return [_staff(r) for r in db.tuples(sql, params)]


def staff_counts(db) -> dict[str, int]:
    row = db.query_one(
        "SELECT count(*) AS total, sum(CASE WHEN on_duty = 1 THEN 1 ELSE 0 END) AS on_duty,"
        " sum(CASE WHEN on_duty = 1 AND registered_here = 0 THEN 1 ELSE 0 END) AS not_registered"
        " FROM staff"
    )
    return {k: int(row[k] or 0) for k in row.keys()}
