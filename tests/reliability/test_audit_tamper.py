"""Audit tamper through the real command: `qledger audit verify` on a file whose audit rows were edited,
deleted, reordered, inserted, or whose head was reset, says so (exit 1) and names where; on the untouched
file it says the chain is whole (exit 0). tests/core/test_audit.py checks verify_chain itself.

Not detectable, and said so in the README: cutting rows off the end *and* rewriting the head to match
(whoever can edit the file can recompute the chain; it guards against quiet edits, not the file's owner)."""
import shutil
import sqlite3
import subprocess
import sys

import pytest

TAMPER = {
    "edit-value": ["UPDATE audit_log SET after_json = coalesce(after_json, '{{}}') || ' ' WHERE id = {mid}"],
    "edit-actor": ["UPDATE audit_log SET actor_name = '他人' WHERE id = {mid}"],
    "edit-time": ["UPDATE audit_log SET ts = '2020-01-01 00:00:00' WHERE id = {mid}"],
    "delete-middle": ["DELETE FROM audit_log WHERE id = {mid}"],
    "delete-last": ["DELETE FROM audit_log WHERE id = {last}"],
    "delete-last-and-edit-count": ["DELETE FROM audit_log WHERE id = {last}",
                                   "UPDATE audit_head SET row_count = row_count - 1"],
    "swap-two": ["UPDATE audit_log SET id = -1 WHERE id = {mid}", "UPDATE audit_log SET id = {mid} WHERE id = {mid} + 1",
                 "UPDATE audit_log SET id = {mid} + 1 WHERE id = -1"],
    "insert-forged": ["INSERT INTO audit_log (id, ts, actor_id, actor_name, action, entity, entity_uid, entity_label,"
                      " before_json, after_json, prev_hash, hash) SELECT {last} + 1, ts, actor_id, actor_name, action,"
                      " entity, entity_uid, entity_label, before_json, after_json, hash, hash FROM audit_log"
                      " WHERE id = {last}"],
    "empty-log": ["DELETE FROM audit_log"],
    "drop-head": ["DELETE FROM audit_head"],
}


@pytest.fixture(scope="module")
def audited(tmp_path_factory, template_db):
    """The workload's template after a few seconds of writes: a few hundred audit rows."""
    from tests.reliability import drivers, workload

    folder = tmp_path_factory.mktemp("audit")
    path = workload.copy_database(template_db, folder / "audited.db")
    workload.run_worker(path, 0, 3, folder / "j.jsonl", drivers._clock(), seconds=1.0)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return path


def _verify(path):
    return subprocess.run([sys.executable, "-m", "desktop_app", "audit", "verify", "--db", str(path)],
                          capture_output=True, text=True)


def test_untouched_chain_verifies(audited):
    out = _verify(audited)
    assert out.returncode == 0 and "完整" in out.stdout


@pytest.mark.parametrize("how", list(TAMPER))
def test_tampering_is_reported_by_the_command(how, audited, tmp_path):
    path = tmp_path / "tampered.db"
    shutil.copyfile(audited, path)
    conn = sqlite3.connect(path, isolation_level=None)
    last = conn.execute("SELECT max(id) FROM audit_log").fetchone()[0]
    mid = last // 2
    for sql in TAMPER[how]:
        conn.execute(sql.format(mid=mid, last=last))
    conn.close()
    out = _verify(path)
    assert out.returncode == 1, out.stdout
    assert "审计日志校验未通过" in out.stderr and "Traceback" not in out.stderr
    if how in ("edit-value", "edit-actor", "edit-time", "delete-middle", "swap-two"):
        assert f"编号 {mid}" in out.stderr or f"编号 {mid + 1}" in out.stderr
