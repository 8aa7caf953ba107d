"""Every database saved at a past schema version opens in this program, upgraded and sound.

When db_schema.sql changes version, save a database at the old version here as
``tests/data/schema-v<N>.db`` (small, made with tests/factories.py) before changing the code.
"""
import shutil
from pathlib import Path

import pytest

from desktop_app.accounts.audit import verify_chain
from desktop_app.accounts.service import authenticate
from desktop_app.storage.database import SCHEMA_VERSION, open_database

SAVED = sorted((Path(__file__).resolve().parents[1] / "data").glob("schema-v*.db"))


def test_a_database_of_every_version_is_kept():
    versions = {int(p.stem.split("-v")[1]) for p in SAVED}
    assert versions == set(range(1, SCHEMA_VERSION + 1))


@pytest.mark.parametrize("saved", SAVED, ids=lambda p: p.stem)
def test_old_database_opens_upgraded_and_sound(saved, tmp_path, clock):
    copy = tmp_path / "hospital.db"
    shutil.copyfile(saved, copy)
    db = open_database(copy, clock=clock)
    try:
        assert db.user_version() == SCHEMA_VERSION
        assert db.integrity_check() == []
        assert verify_chain(db).ok
        assert db.scalar("SELECT count(*) FROM staff") == 7
        if int(saved.stem.split("-v")[1]) >= 2:  # files from the ledger's version on keep their problems
            assert db.scalar("SELECT count(*) FROM ledger_items") == 4
        if int(saved.stem.split("-v")[1]) >= 3:
            assert db.scalar("SELECT count(*) FROM duty_assignments") == 2
        assert db.scalar("SELECT count(*) FROM holidays WHERE date LIKE '2026-%'") > 0  # installed by the upgrade
        assert authenticate(db, "admin", "Admin2026", clock).actor.role == "admin"
    finally:
        db.close()


def test_upgraded_schema_equals_new_schema(tmp_path, clock):
    """A file upgraded step by step ends with exactly the tables a new file gets."""
    from desktop_app.storage.database import create_database

    def schema(db):
        rows = db.query("SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY name")
        return [(r[0], r[1], r[2], " ".join((r[3] or "").split())) for r in rows]

    fresh = create_database(tmp_path / "fresh.db")
    copy = tmp_path / "old.db"
    shutil.copyfile(SAVED[0], copy)
    upgraded = open_database(copy, clock=clock)
    try:
        assert schema(upgraded) == schema(fresh)
        types = lambda db: db.query("SELECT name, source FROM inspection_types ORDER BY name")  # noqa: E731
        assert [tuple(r) for r in types(upgraded)] == [tuple(r) for r in types(fresh)]
    finally:
        fresh.close()
        upgraded.close()
