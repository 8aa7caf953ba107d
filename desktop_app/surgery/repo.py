"""SQL for catalogues, procedures, privileges, ability assessments and operations logs. No rules here.

Rows are written through desktop_app/storage/tables.py (records are created and changed through
desktop_app/records.py by the services); the reads are plain SQL that runs on any engine."""
from __future__ import annotations

import json

from desktop_app.storage import tables
from desktop_app.surgery.models import Assessment, Catalogue, Privilege, Procedure

# ----------------------------------------------------------------------------- catalogues

_CATALOGUE_SQL = (
    "SELECT c.*, (SELECT count(*) FROM surgery_procedures p WHERE p.catalogue_id = c.id) AS n,"
    " (SELECT count(*) FROM surgery_procedures p WHERE p.catalogue_id = c.id AND p.grade = 1) AS g1,"
    " (SELECT count(*) FROM surgery_procedures p WHERE p.catalogue_id = c.id AND p.grade = 2) AS g2,"
    " (SELECT count(*) FROM surgery_procedures p WHERE p.catalogue_id = c.id AND p.grade = 3) AS g3,"
    " (SELECT count(*) FROM surgery_procedures p WHERE p.catalogue_id = c.id AND p.grade = 4) AS g4"
    " FROM surgery_catalogues c")


def _catalogue(r) -> Catalogue:
    return Catalogue(r["id"], r["uid"], r["name"], r["based_on_id"], r["effective_date"], r["status"],
                     r["approved_by"], r["approved_on"], bool(r["filed"]), r["filed_on"], r["notes"], r["n"],
                     (r["g1"], r["g2"], r["g3"], r["g4"]))


def catalogues(db) -> list[Catalogue]:
    return [_catalogue(r) for r in db.query(_CATALOGUE_SQL + " ORDER BY coalesce(c.effective_date, c.created_at) DESC,"
                                                          " c.id DESC")]


def any_catalogue(db) -> bool:
    return db.scalar("SELECT 1 FROM surgery_catalogues LIMIT 1") is not None


def catalogue(db, catalogue_id: int) -> Catalogue | None:
    row = db.query_one(_CATALOGUE_SQL + " WHERE c.id = ?", (catalogue_id,))
    return _catalogue(row) if row else None


def in_force(db, day: str) -> Catalogue | None:
    """The approved version in force on ``day`` (the latest effective on or before it)."""
    row = db.query_one(_CATALOGUE_SQL + " WHERE c.status = '已批准' AND c.effective_date <= ?"
                       " ORDER BY c.effective_date DESC, c.id DESC LIMIT 1", (day,))
    return _catalogue(row) if row else None


def latest_filed(db, day: str) -> Catalogue | None:
    row = db.query_one(_CATALOGUE_SQL + " WHERE c.status = '已批准' AND c.filed = 1 AND c.effective_date <= ?"
                       " ORDER BY c.effective_date DESC, c.id DESC LIMIT 1", (day,))
    return _catalogue(row) if row else None


def copy_procedures(db, source_id: int, target_id: int) -> None:
    """Every procedure of one version into another (a new version starts as a copy of the one it is made from)."""
    rows = db.tuples("SELECT " + ", ".join(PROCEDURE_COLUMNS) + " FROM surgery_procedures WHERE catalogue_id = ?"
                     " ORDER BY id", (source_id,))
    tables.insert_many(db, "surgery_procedures", ("catalogue_id", *PROCEDURE_COLUMNS), ((target_id, *r) for r in rows))


# ----------------------------------------------------------------------------- procedures

_PROCEDURE_SQL = ("SELECT p.*, d.name AS department FROM surgery_procedures p"
                  " LEFT JOIN departments d ON d.id = p.department_id")


def _procedure(r) -> Procedure:
    return Procedure(r["id"], r["catalogue_id"], r["code"], r["name"], r["grade"], r["department_id"], r["department"],
                     r["specialty"], bool(r["restricted"]), bool(r["day_surgery"]), bool(r["minimally_invasive"]),
                     r["notes"], r["initials"])


def procedures(db, catalogue_id: int) -> list[Procedure]:
    return [_procedure(r) for r in db.query(_PROCEDURE_SQL + " WHERE p.catalogue_id = ? ORDER BY p.code",
                                            (catalogue_id,))]


def procedure(db, procedure_id: int) -> Procedure | None:
    row = db.query_one(_PROCEDURE_SQL + " WHERE p.id = ?", (procedure_id,))
    return _procedure(row) if row else None


def procedure_by_code(db, catalogue_id: int, code: str) -> Procedure | None:
    row = db.query_one(_PROCEDURE_SQL + " WHERE p.catalogue_id = ? AND p.code = ?", (catalogue_id, code))
    return _procedure(row) if row else None


def search(db, catalogue_id: int, *, text: str = "", grade: int | None = None, department_id: int | None = None,
           restricted: bool | None = None, day_surgery: bool | None = None, minimally_invasive: bool | None = None,
           limit: int | None = None) -> list[Procedure]:
    where, params = ["p.catalogue_id = ?"], [catalogue_id]
    if text:
        where.append("(p.name LIKE ? OR p.code LIKE ? OR p.initials LIKE ?)")
        params += [f"%{text}%", f"{text}%", f"%{text.lower()}%"]
    if grade is not None:
        where.append("p.grade = ?")
        params.append(grade)
    if department_id is not None:
        where.append("p.department_id = ?")
        params.append(department_id)
    for column, flag in (("p.restricted", restricted), ("p.day_surgery", day_surgery),
                         ("p.minimally_invasive", minimally_invasive)):
        if flag is not None:
            where.append(column + " = ?")
            params.append(int(flag))
    sql = _PROCEDURE_SQL + " WHERE " + " AND ".join(where) + " ORDER BY p.grade DESC, p.code"
    if limit:
        sql += f" LIMIT {int(limit)}"
    return [_procedure(r) for r in db.query(sql, params)]


PROCEDURE_COLUMNS = ("code", "name", "grade", "department_id", "specialty", "restricted", "day_surgery",
                     "minimally_invasive", "notes", "initials")


def insert_procedures(db, catalogue_id: int, rows: list[dict]) -> None:
    tables.insert_many(db, "surgery_procedures", ("catalogue_id", *PROCEDURE_COLUMNS),
                       ([catalogue_id, *(r[c] for c in PROCEDURE_COLUMNS)] for r in rows))


def update_procedure(db, procedure_id: int, values: dict) -> None:
    tables.update(db, "surgery_procedures", procedure_id, {c: values[c] for c in PROCEDURE_COLUMNS})


def delete_procedure(db, procedure_id: int) -> None:
    tables.delete(db, "surgery_procedures", procedure_id)


def change_reasons(db, catalogue_id: int) -> dict[str, str]:
    return {r[0]: r[1] for r in db.query("SELECT code, reason FROM surgery_changes WHERE catalogue_id = ?",
                                         (catalogue_id,))}


def set_change_reason(db, catalogue_id: int, code: str, reason: str | None) -> None:
    if reason:
        tables.upsert(db, "surgery_changes", {"catalogue_id": catalogue_id, "code": code, "reason": reason},
                      ("catalogue_id", "code"))
    else:
        tables.delete(db, "surgery_changes", {"catalogue_id": catalogue_id, "code": code})


# ----------------------------------------------------------------------------- departments and staff




def department_name(db, department_id: int) -> str | None:
    return db.scalar("SELECT name FROM departments WHERE id = ?", (department_id,))


def departments(db, *, active_clinical: bool = False) -> list:
    """(id, name, kind) of every department in the department list's order (``active_clinical``: the
    active 临床 ones only)."""
    where = " WHERE active = 1 AND kind = '临床'" if active_clinical else ""
    return db.query("SELECT id, name, kind FROM departments" + where + " ORDER BY sort_order, id")


def surgeon(db, staff_id: int) -> dict | None:
    """What a grant needs to know of a person (category, on duty, licence) and their department's name."""
    row = db.query_one("SELECT s.id, s.name, s.employee_no, s.category, s.title, s.licence_no, s.on_duty,"
                       " s.registered_here, s.non_registered_reason, s.department_id, d.name AS department"
                       " FROM staff s JOIN departments d ON d.id = s.department_id WHERE s.id = ?", (staff_id,))
    return dict(row) if row else None


def surgeons(db, today: str) -> list[dict]:
    """Doctors on duty, with their department and the number of grants in force on ``today``."""
    return [dict(r) for r in db.query(
        "SELECT s.id, s.name, s.employee_no, s.title, s.licence_no, s.pinyin, d.name AS department,"
        " (SELECT count(*) FROM surgeon_privileges g WHERE g.staff_id = s.id AND g.status = '有效'"
        " AND g.valid_until >= ?) AS grants FROM staff s JOIN departments d ON d.id = s.department_id"
        " WHERE s.category = '医师' AND s.on_duty = 1 ORDER BY d.sort_order, d.name, s.name", (today,))]


def doctors_by_employee_no(db) -> dict[str, dict]:
    """Every doctor (id, name, employee_no, category) by 工号: the people an operations log may name."""
    return {r["employee_no"]: dict(r) for r in
            db.query("SELECT id, name, employee_no, category FROM staff WHERE category = '医师'")}


def doctors_named(db, text: str) -> list:
    """Doctors whose 工号 or name is ``text``, the one with that 工号 first."""
    return db.query("SELECT id, name, employee_no FROM staff WHERE category = '医师' AND (employee_no = ? OR name = ?)"
                    " ORDER BY CASE WHEN employee_no = ? THEN 0 ELSE 1 END", (text, text, text))


def staff_index(db) -> dict[int, dict]:
    """Every person's 工号, department id and department name, by id."""
    return {r["id"]: dict(r) for r in db.query(
        "SELECT s.id, s.employee_no, s.department_id, d.name AS department FROM staff s"
        " JOIN departments d ON d.id = s.department_id")}


# ----------------------------------------------------------------------------- privileges

_PRIVILEGE_SQL = "SELECT g.*, s.name AS staff_name FROM surgeon_privileges g JOIN staff s ON s.id = g.staff_id"


def _privilege(r) -> Privilege:
    return Privilege(r["id"], r["uid"], r["staff_id"], r["staff_name"], r["scope"], r["grade"], r["code"], r["name"],
                     r["granted_on"], r["valid_until"], r["assessment_id"], r["approved_by"], r["approved_on"],
                     r["status"], r["ended_on"], r["end_reason"], r["replaces_id"])


def privileges_of(db, staff_id: int) -> list[Privilege]:
    return [_privilege(r) for r in db.query(_PRIVILEGE_SQL + " WHERE g.staff_id = ? ORDER BY g.granted_on DESC, g.id DESC",
                                            (staff_id,))]


def privilege(db, privilege_id: int) -> Privilege | None:
    row = db.query_one(_PRIVILEGE_SQL + " WHERE g.id = ?", (privilege_id,))
    return _privilege(row) if row else None


def active_privileges(db, *, code: str | None = None, staff_ids: list[int] | None = None) -> list[Privilege]:
    """Grants still 有效 (expired ones included: the caller compares valid_until with the day)."""
    where, params = ["g.status = '有效'"], []
    if code is not None:
        where.append("(g.code = ? OR g.scope = 'grade')")
        params.append(code)
    if staff_ids is not None:
        clause, more = tables.in_list("g.staff_id", staff_ids)
        where.append(clause)
        params += more
    return [_privilege(r) for r in db.query(_PRIVILEGE_SQL + " WHERE " + " AND ".join(where)
                                            + " ORDER BY s.name, g.grade DESC, g.code", params)]


def all_privileges(db, first: str | None = None, last: str | None = None) -> list[Privilege]:
    """Every grant that could have been in force between ``first`` and ``last`` (for the log check)."""
    where, params = ["1 = 1"], []
    if last:
        where.append("g.granted_on <= ?")
        params.append(last)
    if first:
        where.append("g.valid_until >= ?")
        params.append(first)
    return [_privilege(r) for r in db.query(_PRIVILEGE_SQL + " WHERE " + " AND ".join(where), params)]


def lapsing(db, until: str) -> list[Privilege]:
    return [_privilege(r) for r in db.query(_PRIVILEGE_SQL + " WHERE g.status = '有效' AND g.valid_until <= ?"
                                            " ORDER BY g.valid_until, s.name", (until,))]


# ----------------------------------------------------------------------------- assessments

_ASSESSMENT_SQL = "SELECT a.*, s.name AS staff_name FROM privilege_assessments a JOIN staff s ON s.id = a.staff_id"


def _assessment(r) -> Assessment:
    return Assessment(r["id"], r["uid"], r["staff_id"], r["staff_name"], r["period_from"], r["period_to"], r["grade"],
                      tuple(json.loads(r["procedures_json"])), r["cases"], r["complications"], r["adverse_events"],
                      r["conclusion"], r["assessed_on"], r["assessors"], r["approved_by"], r["approved_on"],
                      r["applied_on"], r["notes"])


def assessments_of(db, staff_id: int) -> list[Assessment]:
    return [_assessment(r) for r in db.query(_ASSESSMENT_SQL + " WHERE a.staff_id = ? ORDER BY a.assessed_on DESC,"
                                                              " a.id DESC", (staff_id,))]


def assessment(db, assessment_id: int) -> Assessment | None:
    row = db.query_one(_ASSESSMENT_SQL + " WHERE a.id = ?", (assessment_id,))
    return _assessment(row) if row else None


def assessment_rows(db, first: str, last: str) -> list[Assessment]:
    return [_assessment(r) for r in db.query(_ASSESSMENT_SQL + " WHERE a.assessed_on >= ? AND a.assessed_on <= ?"
                                                              " ORDER BY a.assessed_on DESC", (first, last))]


def assessment_dates(db) -> dict[int, str]:
    """Every assessment's date, by id (what a grant names as its basis)."""
    return {r[0]: r[1] for r in db.query("SELECT id, assessed_on FROM privilege_assessments")}


# ----------------------------------------------------------------------------- operations


def insert_log(db, values: dict) -> int:
    return tables.insert(db, "operation_logs", values)


def insert_operations(db, log_id: int, rows: list[tuple]) -> None:
    """rows: (date, patient_no, code, name, grade, staff_id, privileged, finding)."""
    tables.insert_many(db, "operations", ("log_id", "date", "patient_no", "code", "name", "grade", "staff_id",
                                          "privileged", "finding"), ((log_id, *r) for r in rows))


def recorded_operations(db, first: str, last: str) -> set[tuple[str, str, str, int]]:
    """(date, patient_no, code, staff_id) of the operations already recorded between first and last."""
    return set(db.tuples("SELECT date, patient_no, code, staff_id FROM operations WHERE date >= ? AND date <= ?",
                         (first, last)))


def log_by_sha(db, sha256: str):
    return db.query_one("SELECT * FROM operation_logs WHERE sha256 = ?", (sha256,))


def unprivileged_operations(db, first: str, last: str) -> list:
    return db.query(
        "SELECT o.date, o.patient_no, o.code, o.name, o.grade, o.staff_id, s.name AS staff_name,"
        " d.name AS department, o.finding FROM operations o JOIN staff s ON s.id = o.staff_id"
        " JOIN departments d ON d.id = s.department_id WHERE o.privileged = 0 AND o.date >= ? AND o.date <= ?"
        " ORDER BY o.date, s.name", (first, last))


def performed_codes(db, first: str, last: str, min_grade: int = 3) -> set[str]:
    return {r[0] for r in db.tuples("SELECT DISTINCT code FROM operations WHERE date >= ? AND date <= ? AND grade >= ?",
                                    (first, last, min_grade))}


def surgeon_operations(db, staff_id: int, first: str, last: str) -> list:
    """A surgeon's grade 3–4 operations between first and last, by procedure: (code, name, grade, n, bad)."""
    return db.query(
        "SELECT code, name, grade, count(*) AS n, coalesce(sum(CASE WHEN privileged = 0 THEN 1 ELSE 0 END), 0) AS bad"
        " FROM operations WHERE staff_id = ? AND date >= ? AND date <= ? AND grade >= 3 GROUP BY code, name, grade"
        " ORDER BY grade DESC, n DESC, code", (staff_id, first, last))


def operation_counts(db, first: str, last: str) -> tuple[int, int, int]:
    """(operations, grade 3–4 operations, without privilege) in the period."""
    row = db.tuples("SELECT count(*), coalesce(sum(CASE WHEN grade >= 3 THEN 1 ELSE 0 END), 0),"
                    " coalesce(sum(CASE WHEN privileged = 0 THEN 1 ELSE 0 END), 0) FROM operations"
                    " WHERE date >= ? AND date <= ?", (first, last))[0]
    return row[0], row[1], row[2]
