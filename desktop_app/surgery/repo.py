"""SQL for catalogues, procedures, privileges, ability assessments and operations logs. No rules here."""
from __future__ import annotations

import json

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


_CATALOGUE_COLS = ("name", "based_on_id", "effective_date", "notes")


def insert_catalogue(db, values: dict, by: str, now: str) -> int:
    cols = [*_CATALOGUE_COLS, "created_by", "created_at", "updated_at"]
    return db.execute(f"INSERT INTO surgery_catalogues ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                      [values.get(c) for c in _CATALOGUE_COLS] + [by, now, now]).lastrowid


def update_catalogue(db, catalogue_id: int, values: dict, now: str) -> None:
    db.execute(f"UPDATE surgery_catalogues SET {', '.join(f'{k} = ?' for k in values)}, updated_at = ? WHERE id = ?",
               [*values.values(), now, catalogue_id])


def copy_procedures(db, source_id: int, target_id: int) -> None:
    db.execute("INSERT INTO surgery_procedures (catalogue_id, code, name, grade, department_id, specialty, restricted,"
               " day_surgery, minimally_invasive, notes, initials) SELECT ?, code, name, grade, department_id, specialty,"
               " restricted, day_surgery, minimally_invasive, notes, initials FROM surgery_procedures"
               " WHERE catalogue_id = ?", (target_id, source_id))


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
    for column, flag in (("restricted", restricted), ("day_surgery", day_surgery),
                         ("minimally_invasive", minimally_invasive)):
        if flag is not None:
            where.append(f"p.{column} = ?")
            params.append(int(flag))
    sql = _PROCEDURE_SQL + " WHERE " + " AND ".join(where) + " ORDER BY p.grade DESC, p.code"
    if limit:
        sql += f" LIMIT {int(limit)}"
    return [_procedure(r) for r in db.query(sql, params)]


_PROCEDURE_COLS = ("code", "name", "grade", "department_id", "specialty", "restricted", "day_surgery",
                   "minimally_invasive", "notes", "initials")


def insert_procedures(db, catalogue_id: int, rows: list[dict]) -> None:
    db.conn.executemany(
        f"INSERT INTO surgery_procedures (catalogue_id, {', '.join(_PROCEDURE_COLS)})"
        f" VALUES (?, {', '.join('?' * len(_PROCEDURE_COLS))})",
        [[catalogue_id, *(r[c] for c in _PROCEDURE_COLS)] for r in rows])


def update_procedure(db, procedure_id: int, values: dict) -> None:
    db.execute(f"UPDATE surgery_procedures SET {', '.join(f'{c} = ?' for c in _PROCEDURE_COLS)} WHERE id = ?",
               [values[c] for c in _PROCEDURE_COLS] + [procedure_id])


def delete_procedure(db, procedure_id: int) -> None:
    db.execute("DELETE FROM surgery_procedures WHERE id = ?", (procedure_id,))


def change_reasons(db, catalogue_id: int) -> dict[str, str]:
    return {r[0]: r[1] for r in db.execute("SELECT code, reason FROM surgery_changes WHERE catalogue_id = ?",
                                           (catalogue_id,))}


def set_change_reason(db, catalogue_id: int, code: str, reason: str | None) -> None:
    if reason:
        db.execute("INSERT INTO surgery_changes (catalogue_id, code, reason) VALUES (?, ?, ?) ON CONFLICT"
                   " (catalogue_id, code) DO UPDATE SET reason = excluded.reason", (catalogue_id, code, reason))
    else:
        db.execute("DELETE FROM surgery_changes WHERE catalogue_id = ? AND code = ?", (catalogue_id, code))


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
        where.append(f"g.staff_id IN ({', '.join('?' * len(staff_ids))})")
        params += staff_ids
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


_PRIVILEGE_COLS = ("staff_id", "scope", "grade", "code", "name", "granted_on", "valid_until", "assessment_id",
                   "approved_by", "approved_on", "replaces_id")


def insert_privilege(db, values: dict, by: str, now: str) -> int:
    cols = [*_PRIVILEGE_COLS, "created_by", "created_at"]
    return db.execute(f"INSERT INTO surgeon_privileges ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                      [values.get(c) for c in _PRIVILEGE_COLS] + [by, now]).lastrowid


def end_privilege(db, privilege_id: int, status: str, on: str, reason: str | None) -> None:
    db.execute("UPDATE surgeon_privileges SET status = ?, ended_on = ?, end_reason = ? WHERE id = ?",
               (status, on, reason, privilege_id))


def resume_privilege(db, privilege_id: int) -> None:
    db.execute("UPDATE surgeon_privileges SET status = '有效', ended_on = NULL, end_reason = NULL WHERE id = ?",
               (privilege_id,))


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


_ASSESSMENT_COLS = ("staff_id", "period_from", "period_to", "grade", "procedures_json", "cases", "complications",
                    "adverse_events", "conclusion", "assessed_on", "assessors", "approved_by", "approved_on", "notes")


def insert_assessment(db, values: dict, by: str, now: str) -> int:
    cols = [*_ASSESSMENT_COLS, "created_by", "created_at", "updated_at"]
    return db.execute(f"INSERT INTO privilege_assessments ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                      [values.get(c) for c in _ASSESSMENT_COLS] + [by, now, now]).lastrowid


def update_assessment(db, assessment_id: int, values: dict, now: str) -> None:
    db.execute(f"UPDATE privilege_assessments SET {', '.join(f'{k} = ?' for k in values)}, updated_at = ?"
               " WHERE id = ?", [*values.values(), now, assessment_id])


# ----------------------------------------------------------------------------- operations


def insert_log(db, values: dict) -> int:
    cols = list(values)
    return db.execute(f"INSERT INTO operation_logs ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                      list(values.values())).lastrowid


def insert_operations(db, log_id: int, rows: list[tuple]) -> None:
    """rows: (date, patient_no, code, name, grade, staff_id, privileged, finding)."""
    db.conn.executemany("INSERT INTO operations (log_id, date, patient_no, code, name, grade, staff_id, privileged,"
                        " finding) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", [(log_id, *r) for r in rows])


def recorded_operations(db, first: str, last: str) -> set[tuple[str, str, str, int]]:
    """(date, patient_no, code, staff_id) of the operations already recorded between first and last."""
    return {tuple(r) for r in db.execute("SELECT date, patient_no, code, staff_id FROM operations"
                                         " WHERE date >= ? AND date <= ?", (first, last))}


def log_by_sha(db, sha256: str):
    return db.query_one("SELECT * FROM operation_logs WHERE sha256 = ?", (sha256,))


def unprivileged_operations(db, first: str, last: str) -> list:
    return db.query(
        "SELECT o.date, o.patient_no, o.code, o.name, o.grade, o.staff_id, s.name AS staff_name,"
        " d.name AS department, o.finding FROM operations o JOIN staff s ON s.id = o.staff_id"
        " JOIN departments d ON d.id = s.department_id WHERE o.privileged = 0 AND o.date >= ? AND o.date <= ?"
        " ORDER BY o.date, s.name", (first, last))


def performed_codes(db, first: str, last: str, min_grade: int = 3) -> set[str]:
    return {r[0] for r in db.execute("SELECT DISTINCT code FROM operations WHERE date >= ? AND date <= ? AND grade >= ?",
                                     (first, last, min_grade))}


def operation_counts(db, first: str, last: str) -> tuple[int, int, int]:
    """(operations, grade 3–4 operations, without privilege) in the period."""
    row = db.execute("SELECT count(*), coalesce(sum(grade >= 3), 0), coalesce(sum(privileged = 0), 0) FROM operations"
                     " WHERE date >= ? AND date <= ?", (first, last)).fetchone()
    return row[0], row[1], row[2]
