import json
import sqlite3
import subprocess
import sys

import pytest

from desktop_app.accounts.audit import verify_chain
from desktop_app.people import service as people


@pytest.fixture
def audited(hospital, system, db):
    people.update_staff(system, hospital.staff["张三"], {"phone": "13900000000"})
    assert verify_chain(db).ok
    return db


def test_every_change_is_audited_with_before_and_after(audited):
    row = audited.query_one("SELECT * FROM audit_log WHERE entity = 'staff' AND action = 'update'")
    assert row["actor_name"] == "系统"
    assert json.loads(row["before_json"]) == {"phone": "13800000000"}
    assert json.loads(row["after_json"]) == {"phone": "13900000000"}
    assert row["entity_label"] == "张三（D001）"


def _raw(db_path):
    conn = sqlite3.connect(db_path)
    conn.isolation_level = None
    return conn


def test_edited_row_is_detected(audited, db_path):
    conn = _raw(db_path)
    conn.execute("UPDATE audit_log SET after_json = '{\"phone\": \"1\"}' WHERE id = 5")
    report = verify_chain(audited)
    assert not report.ok and report.broken_id == 5 and "修改" in report.text()


def test_deleted_middle_row_is_detected(audited, db_path):
    _raw(db_path).execute("DELETE FROM audit_log WHERE id = 4")
    report = verify_chain(audited)
    assert not report.ok and report.broken_id == 5 and "不衔接" in report.text()


def test_reordered_rows_are_detected(audited, db_path):
    conn = _raw(db_path)
    conn.execute("UPDATE audit_log SET id = -1 WHERE id = 3")
    conn.execute("UPDATE audit_log SET id = 3 WHERE id = 4")
    conn.execute("UPDATE audit_log SET id = 4 WHERE id = -1")
    report = verify_chain(audited)
    assert not report.ok and report.broken_id == 3


def test_deleted_last_row_is_detected(audited, db_path):
    _raw(db_path).execute("DELETE FROM audit_log WHERE id = (SELECT max(id) FROM audit_log)")
    report = verify_chain(audited)
    assert not report.ok and "末尾" in report.text()


def test_cli_audit_verify_reports_tampering(audited, db_path):
    audited.close()
    ok = subprocess.run([sys.executable, "-m", "desktop_app", "audit", "verify", "--db", str(db_path)],
                        capture_output=True, text=True)
    assert ok.returncode == 0 and "完整" in ok.stdout
    _raw(db_path).execute("UPDATE audit_log SET actor_name = '他人' WHERE id = 2")
    bad = subprocess.run([sys.executable, "-m", "desktop_app", "audit", "verify", "--db", str(db_path)],
                         capture_output=True, text=True)
    assert bad.returncode == 1 and "编号 2" in bad.stderr
