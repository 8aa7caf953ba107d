"""First start, opening a damaged or foreign file, and the upgrade of an old file."""
import sqlite3

import pytest

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
