"""The simulator's own bulk SQL stays in step with the schema, and the program has no bulk back door."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

from desktop_app.storage.database import open_database
from tools.demo_hospital import bulk

ROOT = Path(__file__).resolve().parents[3]

TABLES = [
    ("handover_reports", bulk.REPORT_COLUMNS),
    ("handover_entries", bulk.ENTRY_COLUMNS),
    ("training_sessions", bulk.SESSION_COLUMNS),
    ("training_attendees", bulk.ATTENDEE_COLUMNS),
    ("assessments", bulk.ASSESSMENT_COLUMNS),
    ("assessment_results", bulk.RESULT_COLUMNS),
    ("privilege_assessments", bulk.PRIVILEGE_ASSESSMENT_COLUMNS),
    ("surgeon_privileges", bulk.PRIVILEGE_COLUMNS),
    ("surgery_procedures", ("catalogue_id", *bulk.PROCEDURE_FIELDS)),
    ("users", bulk.USER_COLUMNS),
]


@pytest.mark.parametrize(("table", "columns"), TABLES, ids=[t for t, _c in TABLES])
def test_every_bulk_column_list_fills_its_table(template_db_path, table, columns):
    with open_database(template_db_path) as db:
        info = db.query(f"PRAGMA table_info({table})")
    names = {r["name"] for r in info}
    required = {r["name"] for r in info if r["notnull"] and r["dflt_value"] is None and not r["pk"]}
    assert len(set(columns)) == len(columns)
    assert set(columns) <= names, set(columns) - names
    assert required <= set(columns), required - set(columns)


def test_the_wards_light_password_hashes_are_the_programs_format():
    from desktop_app.accounts.passwords import verify_password

    stored = bulk.light_password_hash("随便一个 password")
    assert verify_password("随便一个 password", stored) and not verify_password("other", stored)


def test_the_program_has_no_bulk_writes_and_never_imports_the_tools():
    for path in sorted((ROOT / "desktop_app").rglob("*.py")) + sorted((ROOT / "ui").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        assert "bulk history" not in text and "insert_history" not in text, path
        tree = ast.parse(text)
        modules = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
        modules |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        assert not any(m == "tools" or m.startswith("tools.") for m in modules), path
    assert not (ROOT / "desktop_app" / "demo").exists()
