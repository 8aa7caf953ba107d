import sqlite3

import pytest

from desktop_app import errors
from desktop_app.storage import migrations
from desktop_app.storage.database import APPLICATION_ID, SCHEMA_VERSION, create_database, open_database


def test_new_database_is_ours_current_and_configured(db):
    assert db.user_version() == SCHEMA_VERSION
    assert db.scalar("PRAGMA application_id") == APPLICATION_ID
    assert db.scalar("PRAGMA foreign_keys") == 1
    assert db.journal_mode() == "wal"
    assert db.scalar("PRAGMA busy_timeout") >= 1000


def test_schema_file_ends_with_user_version():
    from desktop_app.storage.database import schema_script

    last = [line for line in schema_script().strip().splitlines() if line.strip()][-1]
    assert last.startswith("PRAGMA user_version")


def test_foreign_keys_are_enforced(db):
    with pytest.raises(sqlite3.IntegrityError):
        with db.transaction():
            db.conn.execute(
                "INSERT INTO staff (employee_no, name, department_id, category, created_at, updated_at)"
                " VALUES ('X1', '测试', 999, '医师', '', '')"
            )


def test_failed_transaction_leaves_nothing(db):
    before = db.scalar("SELECT count(*) FROM departments")
    with pytest.raises(RuntimeError):
        with db.transaction():
            db.execute("INSERT INTO departments (name, kind, created_at, updated_at) VALUES ('甲', '临床', '', '')")
            raise RuntimeError("boom")
    assert db.scalar("SELECT count(*) FROM departments") == before


def test_user_records_get_a_global_uid(hospital, db):
    uids = [r[0] for r in db.query("SELECT uid FROM staff")]
    assert all(len(u) == 32 for u in uids) and len(set(uids)) == len(uids)


def test_missing_file_is_reported(tmp_path):
    with pytest.raises(errors.DatabaseOpenError, match="找不到数据库文件"):
        open_database(tmp_path / "nope.db")


def test_a_text_file_is_not_a_database(tmp_path):
    p = tmp_path / "notes.db"
    p.write_text("这不是数据库", encoding="utf-8")
    with pytest.raises(errors.NotADatabase) as exc:
        open_database(p)
    assert exc.value.offer_backup


def test_someone_elses_sqlite_file_is_refused(tmp_path):
    p = tmp_path / "other.db"
    conn = sqlite3.connect(p)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    with pytest.raises(errors.NotADatabase, match="不是本程序的数据库"):
        open_database(p)


def test_newer_database_is_refused_and_untouched(db_path, db):
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.close()
    before = db_path.read_bytes()
    with pytest.raises(errors.DatabaseTooNew, match="更新版本"):
        open_database(db_path)
    assert db_path.read_bytes() == before


def test_truncated_file_is_reported_as_damaged(db_path, db, hospital):
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    data = db_path.read_bytes()
    db_path.write_bytes(data[: len(data) // 2])
    with pytest.raises(errors.DatabaseOpenError):
        s = open_database(db_path, check="quick")
        s.close()


def test_create_refuses_existing_file(db_path, db):
    with pytest.raises(errors.Conflict):
        create_database(db_path)


def test_older_file_is_backed_up_then_upgraded_step_by_step(db_path, db, monkeypatch):
    from desktop_app.backup.service import list_backups

    db.close()
    steps_run = []

    v = SCHEMA_VERSION

    def step_a(db, now):
        steps_run.append(v + 1)
        db.execute("CREATE TABLE extra (id INTEGER PRIMARY KEY)")

    def step_b(db, now):
        steps_run.append(v + 2)
        db.execute("ALTER TABLE extra ADD COLUMN note TEXT")

    monkeypatch.setattr(migrations, "STEPS", {v + 1: ("test", step_a), v + 2: ("test", step_b)})
    monkeypatch.setattr("desktop_app.storage.database.SCHEMA_VERSION", v + 2)
    upgraded = open_database(db_path)
    assert steps_run == [v + 1, v + 2]
    assert upgraded.user_version() == v + 2
    assert "note" in upgraded.columns("extra")
    backups = list_backups(db_path)
    assert [b.reason for b in backups] == ["升级前"] and backups[0].user_version == SCHEMA_VERSION
    upgraded.close()


def test_failed_upgrade_step_keeps_last_good_version(db_path, db, monkeypatch):
    db.close()

    def good(db, now):
        db.execute("CREATE TABLE extra (id INTEGER PRIMARY KEY)")

    def bad(db, now):
        db.execute("CREATE TABLE half (id INTEGER)")
        raise ValueError("broken step")

    v = SCHEMA_VERSION
    monkeypatch.setattr(migrations, "STEPS", {v + 1: ("test", good), v + 2: ("test", bad)})
    monkeypatch.setattr("desktop_app.storage.database.SCHEMA_VERSION", v + 2)
    with pytest.raises(errors.DatabaseOpenError, match=f"升级到版本 {v + 2} 时失败"):
        open_database(db_path)
    conn = sqlite3.connect(db_path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == v + 1
    assert not conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'half'").fetchone()
    conn.close()


def test_busy_database_gives_a_calm_error(db_path, db, monkeypatch):
    monkeypatch.setattr("desktop_app.storage.database.BUSY_TIMEOUT_MS", 100)
    other = open_database(db_path)
    other.conn.execute("PRAGMA busy_timeout = 100")
    db.conn.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(errors.DatabaseBusy, match="稍候"):
            with other.transaction():
                pass
    finally:
        db.conn.execute("ROLLBACK")
        other.close()
