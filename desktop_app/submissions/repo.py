"""SQL for submissions. No rules here."""
from __future__ import annotations

import json

from desktop_app.submissions.models import Submission

_COLS = ("id, uid, period_kind, first_day, last_day, title, version, status, narrative_json, indicators_json,"
         " signers_json, verification_code, finalized_by, finalized_at, amends_id, amend_reason, superseded,"
         " created_by, created_at, updated_at")


def _submission(r) -> Submission:
    return Submission(r["id"], r["uid"], r["period_kind"], r["first_day"], r["last_day"], r["title"], r["version"],
                      r["status"], json.loads(r["narrative_json"]), json.loads(r["indicators_json"]),
                      json.loads(r["signers_json"]), r["verification_code"], r["finalized_by"], r["finalized_at"],
                      r["amends_id"], r["amend_reason"], bool(r["superseded"]), r["created_by"], r["created_at"],
                      r["updated_at"])


def submissions(db) -> list[Submission]:
    return [_submission(r) for r in db.query(f"SELECT {_COLS} FROM submissions ORDER BY first_day DESC, last_day DESC,"
                                             " version DESC")]


def submission(db, submission_id: int) -> Submission | None:
    row = db.query_one(f"SELECT {_COLS} FROM submissions WHERE id = ?", (submission_id,))
    return _submission(row) if row else None


def for_period(db, first: str, last: str) -> list[Submission]:
    return [_submission(r) for r in db.query(f"SELECT {_COLS} FROM submissions WHERE first_day = ? AND last_day = ?"
                                             " ORDER BY version", (first, last))]


def by_code(db, code: str) -> Submission | None:
    row = db.query_one(f"SELECT {_COLS} FROM submissions WHERE verification_code = ?", (code,))
    return _submission(row) if row else None


def by_file_hash(db, digest: str) -> tuple[Submission, str] | None:
    row = db.query_one(f"SELECT {_COLS}, CASE WHEN pdf_sha256 = ?1 THEN 'PDF' ELSE 'XLSX' END AS kind FROM submissions"
                       " WHERE pdf_sha256 = ?1 OR xlsx_sha256 = ?1", (digest,))
    return (_submission(row), row["kind"]) if row else None


def snapshot(db, submission_id: int) -> dict | None:
    raw = db.scalar("SELECT snapshot_json FROM submissions WHERE id = ?", (submission_id,))
    return json.loads(raw) if raw else None


def stored_file(db, submission_id: int, kind: str) -> bytes | None:
    column = {"pdf": "pdf", "xlsx": "xlsx"}[kind]
    return db.scalar(f"SELECT {column} FROM submissions WHERE id = ?", (submission_id,))


def insert(db, values: dict) -> int:
    cols = list(values)
    return db.execute(f"INSERT INTO submissions ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                      list(values.values())).lastrowid


def update(db, submission_id: int, values: dict) -> None:
    db.execute(f"UPDATE submissions SET {', '.join(f'{k} = ?' for k in values)} WHERE id = ?",
               [*values.values(), submission_id])
