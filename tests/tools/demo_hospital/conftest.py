"""One 1-year demo hospital for every demo test module (a build takes half a minute), and a second
build with the same seed for the reproducibility tests. Tests read them; a test that writes works
on a copy."""
from __future__ import annotations

from pathlib import Path

import pytest

from desktop_app.clock import FixedClock
from tests.conftest import TODAY
from tools.demo_hospital import hospital as demo


@pytest.fixture(scope="session")
def demo_build(tmp_path_factory) -> tuple[Path, demo.DemoSummary]:
    path = tmp_path_factory.mktemp("demo-shared") / "demo.db"
    summary = demo.build_demo(path, years=1, clock=FixedClock(TODAY))
    return path, summary


@pytest.fixture(scope="session")
def demo_path(demo_build) -> Path:
    return demo_build[0]


@pytest.fixture(scope="session")
def demo_again(tmp_path_factory) -> Path:
    """The same seed built again (the same hospital, record for record)."""
    path = tmp_path_factory.mktemp("demo-again") / "again.db"
    demo.build_demo(path, years=1, clock=FixedClock(TODAY))
    return path


@pytest.fixture(scope="module")
def demo_session(demo_path):
    """A system session on the shared demo (each module its own connection)."""
    from desktop_app.session import SYSTEM_ACTOR, Session
    from desktop_app.storage.database import open_database

    db = open_database(demo_path)
    yield Session(db, SYSTEM_ACTOR, FixedClock(TODAY))
    db.close()


def login(session, username: str):
    """A session of a demo account on the same database."""
    from desktop_app.accounts.service import authenticate
    from desktop_app.session import Session

    actor = authenticate(session.db, username, demo.DEMO_PASSWORD, FixedClock(TODAY)).actor
    return Session(session.db, actor, FixedClock(TODAY))
