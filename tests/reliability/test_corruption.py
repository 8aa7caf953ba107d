"""Damaged, foreign, too new, read-only files and a full disk: each is noticed on open or on write, told in
plain Chinese with what to do, the newest good backup is offered, and nothing is written over a backup."""
import shutil
import sqlite3
import subprocess
import sys

import pytest

from desktop_app import errors
from desktop_app.backup import service as backups
from desktop_app.ledger import service as ledger
from desktop_app.paths import backup_dir
from desktop_app.storage.database import Database, open_database
from tests.reliability import damage as dmg


@pytest.fixture(scope="module")
def kept_folder(tmp_path_factory):
    """A database with some records and a verified backup beside it, closed and checkpointed (built once)."""
    from desktop_app.clock import FixedClock
    from desktop_app.hospital.service import initialize_database
    from desktop_app.session import SYSTEM_ACTOR, Session
    from tests.conftest import PROFILE, TODAY
    from tests.factories import build_small_hospital

    folder = tmp_path_factory.mktemp("kept")
    clock = FixedClock(TODAY)
    db = initialize_database(folder / "hospital.db", PROFILE,
                             {"username": "admin", "display_name": "王管理", "password": "Admin2026"}, clock=clock)
    system = Session(db, SYSTEM_ACTOR, clock)
    hospital = build_small_hospital(system)
    with db.transaction():  # one transaction: forty items without forty fsyncs
        for n in range(40):
            ledger.register_item(system, {**_item(hospital.departments["内科"]),
                                          "description": f"第 {n} 个问题：" + "核对不全。" * 20})
    backups.make_backup(db, clock=clock)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    return folder


@pytest.fixture
def kept(kept_folder, db_path):
    """A fresh copy of that folder at ``db_path``; returns its backup."""
    shutil.copytree(kept_folder, db_path.parent, dirs_exist_ok=True)
    (db_path.parent / "hospital.db").rename(db_path) if db_path.name != "hospital.db" else None
    return backups.list_backups(db_path)[0]


@pytest.fixture
def writer(kept, db_path, clock):
    """(session maker, department id): a session on a given connection, as the system."""
    from desktop_app.session import SYSTEM_ACTOR, Session

    db = open_database(db_path)
    dept = db.scalar("SELECT id FROM departments WHERE name = '内科'")
    db.close()
    return (lambda conn: Session(conn, SYSTEM_ACTOR, clock)), dept


def _item(dept):
    return {"found_on": "2026-11-02", "deadline": "2026-11-30", "source": "自查", "category": "查对制度",
            "description": "写入测试", "department_id": dept}


@pytest.mark.parametrize("kind", dmg.DAMAGE)
@pytest.mark.parametrize("seed", [1, 2])
def test_damage_is_reported_the_newest_good_backup_offered_and_restorable(kind, seed, db_path, kept, clock):
    before = dmg.files_state(backup_dir(db_path))
    dmg.damage(kind, db_path, seed)
    exc = dmg.open_like_the_program(db_path)
    assert isinstance(exc, errors.DatabaseOpenError), f"{kind}: not noticed"
    assert dmg.has_chinese(exc.message) and ("备份" in exc.message or "正确的" in exc.message)
    if kind != "other-sqlite":  # someone else's database is not damage: the user picked the wrong file
        assert exc.offer_backup
    offered = backups.newest_good_backup(db_path)
    assert offered is not None and offered.path == kept.path
    assert dmg.files_state(backup_dir(db_path)) == before  # noticing wrote nothing over a backup
    spoiled = db_path.read_bytes()
    backups.restore_backup(db_path, offered, clock=clock)
    after = dmg.files_state(backup_dir(db_path))
    assert {k: v for k, v in after.items() if k in before} == before  # every backup as it was
    kept_copies = [p for p in backup_dir(db_path).iterdir() if p.name not in before and p.suffix in (".damaged", ".db")]
    assert kept_copies, "the spoiled file must be kept beside the backups"
    if any(p.suffix == ".damaged" for p in kept_copies):
        assert any(p.read_bytes() == spoiled for p in kept_copies)
    restored = open_database(db_path, check="full")
    assert restored.scalar("SELECT count(*) FROM ledger_items") == 40
    restored.close()


def test_damage_found_on_write_is_calm_and_offers_the_backup(db_path, kept, writer):
    """A page broken under a file that opened fine: the write that meets it is refused as damage."""
    db = open_database(db_path)
    root = db.scalar("SELECT rootpage FROM sqlite_master WHERE name = 'ledger_items'")
    db.close()
    dmg._overwrite(db_path, (root - 1) * dmg.PAGE, b"\xff" * dmg.PAGE)
    db = open_database(db_path)  # no check asked: the damage is met on the write
    try:
        with pytest.raises(errors.DatabaseOpenError) as exc:
            ledger.register_item(writer[0](db), _item(writer[1]))
        assert exc.value.offer_backup and "备份" in exc.value.message
    finally:
        db.close()
    assert backups.newest_good_backup(db_path).path == kept.path


def test_the_daily_backup_of_a_damaged_file_leaves_the_good_ones_alone(db_path, kept, clock):
    dmg.damage("random-page", db_path, 3)
    before = dmg.files_state(backup_dir(db_path))
    conn = sqlite3.connect(db_path, isolation_level=None)
    with pytest.raises((errors.DatabaseOpenError, errors.StorageEnvironmentError)):
        backups.make_backup(Database(db_path, conn), clock=clock)
    conn.close()
    assert dmg.files_state(backup_dir(db_path)) == before
    assert backups.newest_good_backup(db_path).path == kept.path


def test_a_newer_file_is_refused_untouched_and_no_older_backup_is_pushed(db_path, kept):
    dmg.damage("newer-version", db_path)
    data = db_path.read_bytes()
    exc = dmg.open_like_the_program(db_path)
    assert isinstance(exc, errors.DatabaseTooNew) and "新版本" in exc.message
    # restoring an older backup over a newer file would throw away the newer records
    assert not exc.offer_backup
    assert db_path.read_bytes() == data


def test_command_line_names_the_newest_good_backup_and_the_command(db_path, kept):
    dmg.damage("truncated", db_path, 1)
    out = subprocess.run([sys.executable, "-m", "desktop_app", "check", "--db", str(db_path)],
                         capture_output=True, text=True)
    assert out.returncode == 1
    assert "损坏" in out.stderr and kept.path.name in out.stderr and "qledger restore --latest" in out.stderr
    assert "Traceback" not in out.stderr


# ----------------------------------------------------------------------------- read-only


@pytest.mark.parametrize("what", ["file", "folder"])
def test_read_only_file_or_folder_is_refused_on_open_in_chinese(what, db_path, kept):
    target = db_path if what == "file" else db_path.parent
    with dmg.read_only(target) as made:
        if not made:
            pytest.skip("cannot make the file read-only here")
        exc = dmg.open_like_the_program(db_path)
    assert isinstance(exc, errors.DatabaseOpenError) and "只读" in exc.message and "--db" in exc.message


def test_read_only_met_on_write_is_calm_and_writes_nothing(db_path, kept, writer):
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, isolation_level=None)
    conn.row_factory = sqlite3.Row
    db = Database(db_path, conn)
    try:
        with pytest.raises(errors.DatabaseReadOnly) as exc:
            ledger.register_item(writer[0](db), _item(writer[1]))
        assert not exc.value.retry_possible and "只读" in exc.value.message and "没有写入" in exc.value.message
    finally:
        db.close()
    check = open_database(db_path)
    assert check.scalar("SELECT count(*) FROM ledger_items") == 40
    check.close()


# ----------------------------------------------------------------------------- a full disk


def _fill_until_full(writer, db) -> tuple[int, BaseException]:
    saved = 0
    for n in range(100_000):
        try:
            ledger.register_item(writer[0](db), {**_item(writer[1]), "description": f"满盘测试 {n} " + "填" * 1500})
        except (errors.StorageEnvironmentError, errors.DatabaseOpenError) as exc:
            return saved, exc
        saved += 1
    raise AssertionError("the disk never filled")


def test_full_disk_is_calm_loses_nothing_and_writes_again_after_cleaning(db_path, kept, writer, clock):
    with dmg.small_filesystem(4096) as folder:
        if folder is None:  # no mount here: SQLite's page limit plays the full disk
            db = open_database(db_path)
            db.execute(f"PRAGMA max_page_count = {db.scalar('PRAGMA page_count') + 8}")
            filler = None
        else:
            target = folder / "qledger.db"
            target.write_bytes(db_path.read_bytes())
            (folder / "backups").mkdir()
            (folder / "backups" / kept.path.name).write_bytes(kept.path.read_bytes())
            db = open_database(target)
            filler = dmg.fill(folder, 200 * 1024)
        saved, exc = _fill_until_full(writer, db)
        assert isinstance(exc, errors.DiskFull), repr(exc)
        assert "磁盘空间已满" in exc.message and "没有写入" in exc.message and exc.retry_possible
        assert db.scalar("SELECT count(*) FROM ledger_items") == 40 + saved  # every saved one, no half one
        assert db.integrity_check() == []
        if filler is not None:
            before = dmg.files_state(folder / "backups")
            with pytest.raises(errors.StorageEnvironmentError, match="磁盘空间"):
                backups.make_backup(db, clock=clock)
            assert dmg.files_state(folder / "backups") == before  # no partial copy, the old one intact
            filler.unlink()
        else:
            db.execute("PRAGMA max_page_count = 1073741823")
        ledger.register_item(writer[0](db), _item(writer[1]))  # room again: writing works
        assert db.scalar("SELECT count(*) FROM ledger_items") == 41 + saved
        db.close()
