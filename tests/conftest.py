"""Shared fixtures: a fixed clock, a fresh database, sessions for every role, a small hospital.

Qt runs offscreen and the bundled Chinese font is registered by the UI tests' conftest; the
core tests never import Qt.
"""
from __future__ import annotations

import datetime as dt
import gc
import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import desktop_app.modules  # noqa: E402,F401 - every module's permissions, settings and schema steps
from desktop_app.accounts.permissions import Role  # noqa: E402
from desktop_app.clock import FixedClock  # noqa: E402
from desktop_app.session import SYSTEM_ACTOR, Session  # noqa: E402

TODAY = dt.datetime(2026, 11, 23, 9, 30, 0)
ADMIN_PASSWORD = "Admin2026"
PROFILE = {"name": "霍山县人民医院", "level": "二级甲等", "region": "安徽省六安市霍山县"}


def pytest_addoption(parser):
    parser.addoption("--run-slow", action="store_true", help="also run the long reliability cases")


def pytest_collection_modifyitems(config, items):
    if config.getoption("--run-slow"):
        return
    skip = pytest.mark.skip(reason="long case: run with --run-slow")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _garbage_collected_in_main_thread():
    """Once the Qt set-up has switched automatic collection off (ui.qt_setup), collect between
    tests in the main thread, as the program's timer does."""
    yield
    if not gc.isenabled():
        from ui.qt_setup import collect_due_garbage

        collect_due_garbage(gc.get_threshold())


@pytest.fixture(autouse=True)
def _isolated_data_dir(tmp_path_factory, monkeypatch):
    """Nothing a test does may touch the real per-machine data folder."""
    home = tmp_path_factory.mktemp("qledger-home")
    monkeypatch.setenv("QLEDGER_HOME", str(home))
    return home


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(TODAY)


@pytest.fixture
def db_path(tmp_path) -> Path:
    return tmp_path / "hospital.db"


@pytest.fixture(scope="session")
def template_db_path(tmp_path_factory) -> Path:
    """One new database (profile, administrator, built-in data), made once per run: each test's
    ``db`` is a copy of it, which is the same file ``initialize_database`` makes, for a fraction
    of the time."""
    from desktop_app.hospital.service import initialize_database

    path = tmp_path_factory.mktemp("template") / "hospital.db"
    initialize_database(
        path, PROFILE, {"username": "admin", "display_name": "王管理", "password": ADMIN_PASSWORD},
        clock=FixedClock(TODAY),
    ).close()
    return path


@pytest.fixture
def db(db_path, template_db_path):
    import shutil

    from desktop_app.storage.database import open_database

    shutil.copyfile(template_db_path, db_path)
    database = open_database(db_path)
    yield database
    database.close()


@pytest.fixture
def system(db, clock) -> Session:
    return Session(db, SYSTEM_ACTOR, clock)


@pytest.fixture
def hospital(system):
    """A small hospital: a few departments (one ward under a clinical department) and staff."""
    from tests.factories import build_small_hospital

    return build_small_hospital(system)


@pytest.fixture
def session_as(db, clock, hospital):
    """``session_as(Role.QUALITY)`` — a real user account of that role, logged in."""
    from desktop_app.accounts import service as accounts

    made: dict[Role, Session] = {}

    def make(role: Role, department: str = "内科") -> Session:
        key = (role, department)
        if key in made:
            return made[key]
        dept_id = hospital.departments[department] if role == Role.DEPT_HEAD else None
        username = f"{role.value}_{len(made)}"
        user = accounts.create_user(
            Session(db, SYSTEM_ACTOR, clock),
            {"username": username, "display_name": f"{role.label}用户", "role": role.value, "department_id": dept_id},
            "Passw0rd1",
        )
        made[key] = Session(db, user.actor(), clock)
        return made[key]

    return make
