"""SQL for submissions and the indicator sets. No rules here.

Rows are written through desktop_app/storage/tables.py (submissions are created and changed as records
by the service, desktop_app/records.py); the reads are plain SQL that runs on any engine."""
from __future__ import annotations

import json

from desktop_app.storage import tables
from desktop_app.submissions.models import Submission

_COLS = ("id, uid, period_kind, first_day, last_day, title, version, status, narrative_json, indicators_json,"
         " signers_json, verification_code, finalized_by, finalized_at, amends_id, amend_reason, superseded,"
         " created_by, created_at, updated_at")
_SELECT = "SELECT " + _COLS + " FROM submissions"


def _submission(r) -> Submission:
    return Submission(r["id"], r["uid"], r["period_kind"], r["first_day"], r["last_day"], r["title"], r["version"],
                      r["status"], json.loads(r["narrative_json"]), json.loads(r["indicators_json"]),
                      json.loads(r["signers_json"]), r["verification_code"], r["finalized_by"], r["finalized_at"],
                      r["amends_id"], r["amend_reason"], bool(r["superseded"]), r["created_by"], r["created_at"],
                      r["updated_at"])


def submissions(db) -> list[Submission]:
    return [_submission(r) for r in db.query(_SELECT + " ORDER BY first_day DESC, last_day DESC, version DESC")]


def submission(db, submission_id: int) -> Submission | None:
    row = db.query_one(_SELECT + " WHERE id = ?", (submission_id,))
    return _submission(row) if row else None


def for_period(db, first: str, last: str) -> list[Submission]:
    return [_submission(r) for r in db.query(_SELECT + " WHERE first_day = ? AND last_day = ? ORDER BY version",
                                             (first, last))]


def by_code(db, code: str) -> Submission | None:
    row = db.query_one(_SELECT + " WHERE verification_code = ?", (code,))
    return _submission(row) if row else None


def by_file_hash(db, digest: str) -> tuple[Submission, str] | None:
    row = db.query_one("SELECT " + _COLS + ", CASE WHEN pdf_sha256 = ? THEN 'PDF' ELSE 'XLSX' END AS kind"
                       " FROM submissions WHERE pdf_sha256 = ? OR xlsx_sha256 = ?", (digest, digest, digest))
    return (_submission(row), row["kind"]) if row else None


def snapshot(db, submission_id: int) -> dict | None:
    raw = db.scalar("SELECT snapshot_json FROM submissions WHERE id = ?", (submission_id,))
    return json.loads(raw) if raw else None


_FILE_SQL = {"pdf": "SELECT pdf FROM submissions WHERE id = ?", "xlsx": "SELECT xlsx FROM submissions WHERE id = ?"}


def stored_file(db, submission_id: int, kind: str) -> bytes | None:
    return db.scalar(_FILE_SQL[kind], (submission_id,))


def mark_superseded(db, submission_id: int) -> None:
    """The version a finalised amendment replaces (kept as it was, flagged 已被新版本替代)."""
    tables.update(db, "submissions", submission_id, {"superseded": True})


# ----------------------------------------------------------------------------- indicator sets


def indicator_set_exists(db, year: int) -> bool:
    return tables.exists(db, "indicator_sets", {"year": year})


def add_indicator_set(db, year: int, name: str, indicators: list[dict]) -> int:
    """A set and its indicators (the keys of the indicators table; ``sort_order`` as listed)."""
    set_id = tables.insert(db, "indicator_sets", {"year": year, "name": name})
    columns = ("set_id", "code", "name", "definition", "numerator_label", "denominator_label", "unit", "multiplier",
               "target_op", "target_value", "computed_from", "sort_order")
    tables.insert_many(db, "indicators", columns, ([set_id, *(i[c] for c in columns[1:])] for i in indicators))
    return set_id


def indicator_set_for(db, year: int):
    """The latest set not after ``year`` (the earliest set if none), or None."""
    return (db.query_one("SELECT * FROM indicator_sets WHERE year <= ? ORDER BY year DESC LIMIT 1", (year,))
            or db.query_one("SELECT * FROM indicator_sets ORDER BY year LIMIT 1"))


def indicator_rows(db, set_id: int):
    return db.query("SELECT * FROM indicators WHERE set_id = ? ORDER BY sort_order, id", (set_id,))
