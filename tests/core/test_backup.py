import subprocess
import sys


from desktop_app.backup import actions, service
from desktop_app.people import service as people
from desktop_app.storage.database import open_database


def test_backup_is_verified_and_described(system, hospital, db):
    info = service.make_backup(db, reason="手动", clock=system.clock)
    assert info.verified and info.path.exists() and info.path.with_suffix(".json").exists()
    assert service.verify_backup(info) == (True, "完整性检查通过")
    assert service.list_backups(db.path)[0].path == info.path


def test_tampered_backup_fails_verification(system, db):
    info = service.make_backup(db, clock=system.clock)
    data = bytearray(info.path.read_bytes())
    data[5000] ^= 0xFF
    info.path.write_bytes(bytes(data))
    ok, message = service.verify_backup(info)
    assert not ok and "校验值不一致" in message


def test_daily_backup_once_a_day_and_pruning_keeps_newest_good(system, db, clock):
    assert service.run_daily_backup(db, keep_days=3, clock=clock) is not None
    assert service.run_daily_backup(db, keep_days=3, clock=clock) is None  # already done today
    manual = service.make_backup(db, reason="手动", clock=clock)
    clock.advance(days=10)
    made = service.run_daily_backup(db, keep_days=3, clock=clock)
    remaining = {b.path for b in service.list_backups(db.path)}
    assert made.path in remaining and manual.path in remaining and len(remaining) == 2


def test_restore_brings_back_old_data_and_saves_current_first(system, hospital, db, db_path, clock):
    backup = service.make_backup(db, clock=clock)
    people.update_staff(system, hospital.staff["张三"], {"name": "张三丰"})
    clock.advance(minutes=5)
    restored_db, saved = actions.restore_from_backup(system, backup)
    assert restored_db.scalar("SELECT name FROM staff WHERE employee_no = 'D001'") == "张三"
    kept = open_database(saved.path, migrate=False)
    assert kept.scalar("SELECT name FROM staff WHERE employee_no = 'D001'") == "张三丰"
    kept.close()
    last = restored_db.query_one("SELECT action FROM audit_log ORDER BY id DESC LIMIT 1")
    assert last["action"] == "restore"
    restored_db.close()


def test_restore_over_damaged_file_keeps_a_copy(system, db, db_path, clock):
    backup = service.make_backup(db, clock=clock)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    db_path.write_bytes(b"garbage" * 1000)
    clock.advance(minutes=1)
    service.restore_backup(db_path, backup, clock=clock)
    assert list(db_path.parent.joinpath("backups").glob("*.damaged"))
    assert open_database(db_path).scalar("SELECT name FROM hospital") == "霍山县人民医院"


def test_cli_backup_and_restore_latest(system, hospital, db, db_path):
    db.close()
    run = lambda *a: subprocess.run([sys.executable, "-m", "desktop_app", *a, "--db", str(db_path)],
                                    capture_output=True, text=True)
    out = run("backup")
    assert out.returncode == 0 and "已备份并校验" in out.stdout
    out = run("restore", "--latest")
    assert out.returncode == 0 and "已从" in out.stdout
    assert run("check").returncode == 0
