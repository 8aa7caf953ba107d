"""First start, opening a damaged or foreign file, and the upgrade of an old file."""
import sqlite3


from desktop_app.backup import service as backups
from tests.conftest import PROFILE


def test_first_run_wizard_creates_hospital_and_admin(qtbot, tmp_path, clock):
    from desktop_app.accounts.service import authenticate
    from ui.dialogs.first_run import FirstRunWizard

    target = tmp_path / "new" / "qledger.db"
    wizard = FirstRunWizard(target, clock)
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.next()
    assert wizard.currentPage() is wizard.profile
    wizard.next()  # empty profile: stays, with messages beside the fields
    assert wizard.currentPage() is wizard.profile
    assert "请填写医院名称" in wizard.profile.form.messages()["医院名称"]
    wizard.profile.name.setText(PROFILE["name"])
    wizard.profile.region.setText(PROFILE["region"])
    wizard.next()
    assert wizard.currentPage() is wizard.admin
    wizard.admin.display.setText("王管理")
    wizard.admin.password.setText("Admin2026")
    wizard.admin.again.setText("Admin2026")
    wizard.accept()
    assert target.exists() and wizard.db is not None
    assert authenticate(wizard.db, "admin", "Admin2026", clock).actor.display_name == "王管理"
    wizard.db.close()


def test_damaged_file_offers_newest_good_backup(monkeypatch, db, db_path, clock):
    from ui import app

    good = backups.make_backup(db, clock=clock)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    db_path.write_bytes(b"not a database at all" * 100)
    offered = []

    def answer(parent, exc, backup):
        offered.append((exc.message, backup))
        return "restore"

    monkeypatch.setattr(app, "ask_open_problem", answer)
    reopened = app.open_or_create(None, db_path, clock)
    assert offered[0][1].path == good.path and "不是本程序的数据库" in offered[0][0]
    assert reopened.scalar("SELECT name FROM hospital") == PROFILE["name"]
    assert reopened.scalar("SELECT action FROM audit_log ORDER BY id DESC LIMIT 1") == "restore"
    assert list(db_path.parent.joinpath("backups").glob("*.damaged"))  # the bad file was kept aside
    reopened.close()


def test_foreign_sqlite_file_is_explained_without_backup_offer(monkeypatch, tmp_path, clock):
    from ui import app

    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE x (a)")
    conn.commit()
    conn.close()
    seen = []
    monkeypatch.setattr(app, "ask_open_problem", lambda p, exc, b: seen.append((exc.message, b)) or "quit")
    assert app.open_or_create(None, other, clock) is None
    assert "不是本程序的数据库" in seen[0][0] and seen[0][1] is None


def test_newer_file_is_refused(messages, db, db_path, clock):
    from desktop_app.storage.database import SCHEMA_VERSION
    from ui import app

    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    db.close()
    assert app.open_or_create(None, db_path, clock) is None
    assert messages[0][0] == "critical" and "更新版本" in messages[0][2]


def _corrupt_pages(path, start_page=3, pages=4, page_size=4096):
    data = bytearray(path.read_bytes())
    for i in range(start_page * page_size, min(len(data), (start_page + pages) * page_size), 7):
        data[i] = 0xA5
    path.write_bytes(bytes(data))


def test_damage_found_after_start_offers_restore_to_admin(qtbot, monkeypatch, db, db_path, clock, hospital,
                                                          messages):
    from desktop_app.accounts.service import authenticate
    from desktop_app.session import Session
    from ui import app
    from ui.context import AppContext
    from ui.jobs import active_jobs

    backups.make_backup(db, clock=clock)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    actor = authenticate(db, "admin", "Admin2026", clock).actor
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    _corrupt_pages(db_path)
    from desktop_app.storage.database import open_database

    ctx = AppContext(Session(open_database(db_path), actor, clock))
    asked = []
    monkeypatch.setattr(app, "ask_open_problem", lambda parent, exc, backup, **kw: asked.append(backup) or "restore")
    app.start_background_checks(ctx)
    qtbot.waitUntil(lambda: active_jobs() == 0 and bool(asked), timeout=10000)
    qtbot.waitUntil(lambda: any(t == "恢复完成" for _k, t, _x in messages), timeout=10000)
    assert ctx.db.quick_check() == []
    assert ctx.db.scalar("SELECT count(*) FROM staff") == 7
    ctx.db.close()


def test_damage_found_by_a_nurse_tells_whom_to_call(qtbot, db, db_path, clock, system, messages):
    from desktop_app.accounts import service as accounts
    from desktop_app.session import Session
    from ui import app
    from ui.context import AppContext

    nurse = accounts.create_user(system, {"username": "nurse", "display_name": "护士", "role": "clinician"}, "Passw0rd1")
    backups.make_backup(db, clock=clock)
    ctx = AppContext(Session(db, nurse.actor(), clock))
    app.offer_restore_after_damage(ctx, ["*** in database main ***"])
    assert messages[-1][0] == "critical" and "请通知系统管理员" in messages[-1][2]
