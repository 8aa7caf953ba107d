"""The simulator's own SQL: how its older history goes into the file in bulk.

Through the services, ten years of history (300,000 handover reports, 5,000 training sessions with
half a million sign-ins, thousands of grants) would cost an audit row and, for signatures, a
password check per step: hours of build time. So the simulator checks each record with the
services' own pure rule functions first (see the callers in :mod:`~tools.demo_hospital.handover`,
:mod:`~tools.demo_hospital.training` and :mod:`~tools.demo_hospital.surgery`), writes a year, a
ward or an assessment round here with a few statements, and audits each batch in one row
(:func:`desktop_app.accounts.audit.record`). The same goes for the accounts of the simulated ward
staff, who sign their receipts of the recent days through the handover service
(:func:`insert_staff_accounts`). The program itself has no such back door: these statements live
only in this development tool, which is not shipped.

Every function writes inside the caller's transaction (``db.transaction()``, as each build step
runs) through :class:`desktop_app.storage.database.Database`. Column lists name the columns each
row tuple fills, in order; ``tests/tools/demo_hospital`` checks them against the schema.
"""
from __future__ import annotations

import hashlib
import secrets


def _insert(db, table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
    if rows:
        db.conn.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
                            rows)


def _next_id(db, table: str) -> int:
    return int(db.scalar(f"SELECT coalesce(max(id), 0) FROM {table}")) + 1


# ----------------------------------------------------------------------------- the wards' accounts

USER_COLUMNS = ("username", "display_name", "role", "department_id", "staff_id", "password_hash", "must_change_password",
                "password_changed_at", "created_at", "updated_at")
# The simulated nurses and doctors sign about 600 receipts a week through the handover service, each a
# login (scrypt). Their accounts share one random password the simulator keeps to itself, so the cost
# of its hash protects nothing: it is 2**4 instead of the program's 2**14 (desktop_app.accounts.passwords),
# and the week's logins take a second instead of a minute. The format is the program's, so
# verify_password reads the cost from the stored hash.
STAFF_SCRYPT_N = 2**4


def light_password_hash(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=STAFF_SCRYPT_N, r=8, p=1, dklen=32)
    return f"scrypt${STAFF_SCRYPT_N}$8$1${salt.hex()}${digest.hex()}"


def insert_staff_accounts(db, rows: list[dict], password: str, now: str) -> None:
    """Accounts (username, display_name, role, department_id, staff_id) with ``password``, final."""
    db.require_transaction()
    _insert(db, "users", USER_COLUMNS, [(r["username"], r["display_name"], r["role"], r["department_id"], r["staff_id"],
                                         light_password_hash(password), 0, now, now, now) for r in rows])


# ----------------------------------------------------------------------------- handover books

REPORT_COLUMNS = ("id", "uid", "department_id", "kind", "date", "shift_order", "shift_name", "shift_starts_at",
                  "shift_ends_at", "status", "census_json", "census_ok", "items_json", "notes", "outgoing_staff_id",
                  "outgoing_name", "outgoing_at", "receiving_staff_id", "receiving_name", "receiving_at", "created_by",
                  "created_at", "updated_at")
ENTRY_COLUMNS = ("uid", "report_id", "category", "bed", "patient_name", "diagnosis", "marks", "event_time", "place",
                 "operation", "situation", "background", "assessment", "recommendation", "grade4", "needs_bedside",
                 "bedside_at", "bedside_evidence", "bedside_by", "carried_from", "position")


def next_report_id(db) -> int:
    return _next_id(db, "handover_reports")


def insert_handover_history(db, reports: list[tuple], entries: list[tuple]) -> None:
    """Checked reports (REPORT_COLUMNS, ids given) and their entries (ENTRY_COLUMNS)."""
    db.require_transaction()
    _insert(db, "handover_reports", REPORT_COLUMNS, reports)
    _insert(db, "handover_entries", ENTRY_COLUMNS, entries)


# ----------------------------------------------------------------------------- training records

# the values of a session as the training service cleans them (training.service._clean_session)
SESSION_FIELDS = ("title", "category_id", "content", "date", "starts", "ends", "place", "lecturer", "lecturer_title",
                  "department_id", "hours", "form", "audience_json", "audience_label", "notes")
SESSION_COLUMNS = ("id", "uid", *SESSION_FIELDS, "expected_count", "present_count", "attendance_recorded",
                   "created_by", "created_at", "updated_at")
# … and of an assessment (training.service._clean_assessment, with its session)
ASSESSMENT_FIELDS = ("session_id", "kind", "title", "category_id", "date", "full_mark", "pass_mark", "notes")
ASSESSMENT_COLUMNS = ("id", "uid", *ASSESSMENT_FIELDS, "created_by", "created_at", "updated_at")
ATTENDEE_COLUMNS = ("session_id", "staff_id", "expected", "present", "note")
RESULT_COLUMNS = ("assessment_id", "staff_id", "attempt", "score", "passed", "date")


def next_training_ids(db) -> tuple[int, int]:
    """The next free (session id, assessment id)."""
    return _next_id(db, "training_sessions"), _next_id(db, "assessments")


def insert_training_history(db, sessions: list[tuple], attendees: list[tuple], assessments: list[tuple],
                            results: list[tuple]) -> None:
    """Checked sessions (SESSION_COLUMNS, ids given), their attendees (ATTENDEE_COLUMNS), assessments
    (ASSESSMENT_COLUMNS) and results (RESULT_COLUMNS)."""
    db.require_transaction()
    _insert(db, "training_sessions", SESSION_COLUMNS, sessions)
    _insert(db, "training_attendees", ATTENDEE_COLUMNS, attendees)
    _insert(db, "assessments", ASSESSMENT_COLUMNS, assessments)
    _insert(db, "assessment_results", RESULT_COLUMNS, results)


# ----------------------------------------------------------------------------- surgical privileges

PRIVILEGE_ASSESSMENT_COLUMNS = ("id", "uid", "staff_id", "period_from", "period_to", "grade", "procedures_json", "cases",
                                "complications", "adverse_events", "conclusion", "assessed_on", "assessors",
                                "approved_by", "approved_on", "notes", "applied_on", "created_by", "created_at",
                                "updated_at")
PRIVILEGE_COLUMNS = ("id", "uid", "staff_id", "scope", "grade", "code", "name", "granted_on", "valid_until",
                     "assessment_id", "approved_by", "approved_on", "replaces_id", "status", "ended_on", "end_reason",
                     "created_by", "created_at")
# the values of a procedure as the catalogue service cleans them (surgery.catalogue.clean_procedure)
PROCEDURE_FIELDS = ("code", "name", "grade", "department_id", "specialty", "restricted", "day_surgery",
                    "minimally_invasive", "notes", "initials")


def next_privilege_ids(db) -> tuple[int, int]:
    """The next free (assessment id, privilege id)."""
    return _next_id(db, "privilege_assessments"), _next_id(db, "surgeon_privileges")


def insert_privilege_history(db, assessments: list[tuple], grants: list[tuple], ended: list[tuple]) -> None:
    """Checked assessments (PRIVILEGE_ASSESSMENT_COLUMNS, ids given) and grants (PRIVILEGE_COLUMNS), and
    the grants they end: (status, ended_on, reason, privilege id)."""
    db.require_transaction()
    _insert(db, "privilege_assessments", PRIVILEGE_ASSESSMENT_COLUMNS, assessments)
    _insert(db, "surgeon_privileges", PRIVILEGE_COLUMNS, grants)
    if ended:
        db.conn.executemany("UPDATE surgeon_privileges SET status = ?, ended_on = ?, end_reason = ? WHERE id = ?", ended)


def insert_approved_catalogue(db, catalogue: dict, procedures: list[dict], by: str, now: str) -> int:
    """A catalogue version already approved and filed when the hospital started using the program
    (``catalogue``: name, effective_date, notes, status, approved_by, approved_on, filed, filed_on),
    with its checked procedures (PROCEDURE_FIELDS); returns its id."""
    db.require_transaction()
    columns = (*catalogue, "created_by", "created_at", "updated_at")
    catalogue_id = db.execute(f"INSERT INTO surgery_catalogues ({', '.join(columns)})"
                              f" VALUES ({', '.join('?' * len(columns))})", (*catalogue.values(), by, now, now)).lastrowid
    _insert(db, "surgery_procedures", ("catalogue_id", *PROCEDURE_FIELDS),
            [(catalogue_id, *(p[c] for c in PROCEDURE_FIELDS)) for p in procedures])
    return catalogue_id
