"""The practice hospital (``qledger demo``): built in seconds through the services by the demo
accounts, a record in every module, the hushi → jieban handover waiting, atomic and safe."""
from __future__ import annotations

import ast
import shutil
import time
from pathlib import Path

import pytest

from desktop_app import errors
from desktop_app.accounts import audit
from desktop_app.accounts.service import authenticate
from desktop_app.cli import main
from desktop_app.clock import FixedClock
from desktop_app.dashboard import StartupHealth, collect
from desktop_app.handover import service as handover
from desktop_app.practice import hospital as practice
from desktop_app.practice.accounts import DEMO_ACCOUNTS, DEMO_PASSWORD, demo_info, is_demo_file
from desktop_app.session import SYSTEM_ACTOR, Session
from desktop_app.storage.database import open_database
from tests.conftest import TODAY


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, practice.PracticeSummary, float]:
    path = tmp_path_factory.mktemp("practice") / "practice.db"
    started = time.perf_counter()
    summary = practice.build_practice(path, clock=FixedClock(TODAY))
    return path, summary, time.perf_counter() - started


@pytest.fixture(scope="module")
def session(built):
    db = open_database(built[0])
    yield Session(db, SYSTEM_ACTOR, FixedClock(TODAY))
    db.close()


def login(session: Session, username: str) -> Session:
    account = next(a for a in DEMO_ACCOUNTS if a.username == username)
    actor = authenticate(session.db, username, account.password, FixedClock(TODAY)).actor
    return Session(session.db, actor, FixedClock(TODAY))


def test_builds_in_a_few_seconds(built):
    assert built[2] < 15  # about a second on an idle machine
    assert built[1].seconds <= built[2]


def test_the_builder_has_no_sql_of_its_own():
    """Every record comes from a service call: no statements, no repository modules, no connection."""
    source = Path(practice.__file__).read_text(encoding="utf-8")
    tree = ast.parse(source)
    calls = {n.func.attr for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)}
    assert not calls & {"execute", "executemany", "executescript", "scalar", "query", "query_one", "connect"}
    imported = {a.name for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) for a in n.names}
    modules = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    assert "repo" not in imported and not any(m and m.endswith(".repo") for m in modules)
    assert "sqlite3" not in source


def test_every_record_was_made_by_a_logged_in_demo_account(session):
    """Each audited change names a demo account (or the first set-up), each account logged in."""
    db = session.db
    users = {r[0]: r[1] for r in db.query("SELECT id, username FROM users")}
    actors = {r[0] for r in db.query("SELECT DISTINCT actor_id FROM audit_log WHERE action NOT IN ('login', 'login_failed')"
                                     " AND actor_id IS NOT NULL")}
    assert {users[a] for a in actors} == {"admin", "zhikong", "neike", "hushi", "jieban"}
    anonymous = [r[0] for r in db.query("SELECT entity FROM audit_log WHERE actor_id IS NULL AND action <> 'login'")]
    assert set(anonymous) <= {"database", "hospital", "user", "setting"}  # the first start, before anyone logs in
    logins = {r[0] for r in db.query("SELECT entity_label FROM audit_log WHERE action = 'login'")}
    assert {"admin", "zhikong", "neike", "hushi", "jieban"} <= logins
    assert db.scalar("SELECT count(*) FROM audit_log WHERE action = 'login_failed'") == 0


@pytest.mark.parametrize("account", DEMO_ACCOUNTS, ids=lambda a: a.username)
def test_every_demo_account_logs_in_as_its_person(session, account):
    result = authenticate(session.db, account.username, account.password, FixedClock(TODAY))
    assert result.actor.role == account.role and not result.must_change_password
    staff = session.db.query_one("SELECT s.name, s.on_duty, d.name AS dept FROM staff s JOIN departments d"
                                 " ON d.id = s.department_id WHERE s.id = ?", (result.actor.staff_id,))
    assert staff["on_duty"] and staff["name"] == result.actor.display_name and staff["dept"] == account.department


def test_every_module_has_records(session):
    db = session.db

    def count(sql: str) -> int:
        return db.scalar(sql)

    assert count("SELECT count(*) FROM departments") == len(practice.DEPARTMENTS) >= 10
    assert count("SELECT count(*) FROM staff WHERE registered_here = 0") == 3
    statuses = {r[0] for r in db.query("SELECT status FROM ledger_items")}
    assert statuses == {"待整改", "整改中", "已整改待复查", "已销号"}
    assert count(f"SELECT count(*) FROM ledger_items WHERE status <> '已销号' AND deadline < '{TODAY.date()}'") >= 1
    assert count("SELECT count(*) FROM ledger_items WHERE source = '投诉'") == 1
    assert {r[0] for r in db.query("SELECT status FROM inspections")} == {"已完成", "进行中"}
    assert count("SELECT count(*) FROM duty_posts") == len(practice.POSTS)
    months = dict(db.query("SELECT month, status FROM roster_months"))
    assert months == {"2026-11": "已发布", "2026-12": "草稿"}
    assert count("SELECT count(*) FROM duty_assignments d JOIN roster_months m ON m.id = d.month_id"
                 " WHERE m.month = '2026-11'") >= 30 * len(practice.POSTS)
    assert count("SELECT count(*) FROM handover_reports") >= 3
    assert count("SELECT count(*) FROM handover_entries WHERE bedside_at IS NOT NULL") >= 2
    assert count("SELECT count(*) FROM training_sessions WHERE attendance_recorded = 1") == 1
    assert count("SELECT count(*) FROM training_sessions WHERE date > '2026-11-23'") == 1
    assert count("SELECT count(*) FROM training_attendees WHERE present = 0") == 2
    assert count("SELECT count(*) FROM assessment_results WHERE attempt = 2") == 1
    assert count("SELECT count(*) FROM assessments WHERE kind = '知晓率调查'") == 1
    assert dict(db.query("SELECT status, filed FROM surgery_catalogues")) == {"已批准": 1}
    assert count("SELECT count(*) FROM surgeon_privileges WHERE scope = 'procedure' AND grade = 4") >= 4
    assert count("SELECT count(*) FROM operations WHERE privileged = 0") == 1
    assert [r[0] for r in db.query("SELECT status FROM submissions")] == ["草稿"]


def test_the_self_test_writes_every_modules_printouts_from_it(built, tmp_path):
    from desktop_app import selftest

    copy = tmp_path / "copy.db"
    shutil.copyfile(built[0], copy)
    with open_database(copy) as db:
        s = Session(db, SYSTEM_ACTOR, FixedClock(TODAY))
        for output in selftest.outputs():
            selftest.write_outputs(output, s, tmp_path)
    assert all((tmp_path / f"{o.key}.pdf").exists() and (tmp_path / f"{o.key}.xlsx").exists() for o in selftest.outputs())


def test_hushi_handed_over_the_last_shift_and_jieban_can_receive_it(built, session, tmp_path):
    hushi = login(session, "hushi")
    ward = session.db.scalar("SELECT id FROM departments WHERE name = '心血管内科病区'")
    board = {(s.date, s.shift.name): s for s in handover.shift_board(hushi, "nurse", "2026-11-22", "2026-11-23", ward)}
    night = board[("2026-11-22", "大夜班")]
    assert night.state == "已交班" and night.report.outgoing_name == hushi.actor.display_name
    evening = board[("2026-11-22", "小夜班")]
    assert evening.state == "已接班" and evening.report.receiving_name == hushi.actor.display_name
    assert board[("2026-11-23", "白班")].state == "未书写"
    titles = [i.title for i in collect(hushi, StartupHealth(integrity_checked=True)) if i.module == "交接班"]
    assert "待接班：心血管内科病区 2026-11-22 大夜班护理交接班" in titles

    copy = tmp_path / "copy.db"
    shutil.copyfile(built[0], copy)
    with open_database(copy) as db:
        hushi = login(Session(db, SYSTEM_ACTOR, FixedClock(TODAY)), "hushi")
        [waiting] = [r for r in handover.open_reports(hushi) if r.status == "已交班"]
        done = handover.sign_receive(hushi, waiting.id, "jieban", DEMO_PASSWORD)
        assert done.status == "已接班" and done.receiving_name == login(hushi, "jieban").actor.display_name


def test_the_audit_chain_verifies_and_follows_the_calendar(session):
    assert audit.verify_chain(session.db).ok
    stamps = [r[0] for r in session.db.query("SELECT ts FROM audit_log ORDER BY id")]
    assert stamps == sorted(stamps) and stamps[-1] <= TODAY.strftime("%Y-%m-%d %H:%M:%S")
    assert stamps[0] < "2026-10-20"  # the hospital started using the program six weeks ago


def test_the_file_says_it_is_a_demo(built, session):
    assert demo_info(session.db) == {"built_for": "2026-11-23"} and is_demo_file(built[0])
    assert any("Demo2026" in line for line in built[1].lines())


def test_every_character_can_be_printed():
    from desktop_app.reports.fonts import missing_glyphs

    tree = ast.parse(Path(practice.__file__).read_text(encoding="utf-8"))
    text = "".join(n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str))
    assert missing_glyphs(text) == set()


# ----------------------------------------------------------------------------- files and the command


def test_existing_files_are_not_overwritten(tmp_path):
    path = tmp_path / "hospital.db"
    path.write_bytes(b"not ours")
    with pytest.raises(errors.Conflict):
        practice.build_practice(path, clock=FixedClock(TODAY))
    with pytest.raises(errors.Conflict, match="不是演示数据库"):
        practice.build_practice(path, clock=FixedClock(TODAY), force=True)
    assert path.read_bytes() == b"not ours"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["hospital.db"]


def test_a_failed_build_leaves_nothing(tmp_path, monkeypatch):
    def boom(p):
        raise RuntimeError("步骤出错")

    monkeypatch.setattr(practice, "STEPS", [practice.add_ledger, boom])
    with pytest.raises(RuntimeError):
        practice.build_practice(tmp_path / "demo.db", clock=FixedClock(TODAY))
    assert list(tmp_path.iterdir()) == []


def test_command_builds_then_if_missing_leaves_the_file_alone_and_force_replaces_it(tmp_path, capsys):
    path = tmp_path / "qledger.db"
    assert main(["--db", str(path), "demo"]) == 0
    out = capsys.readouterr().out
    assert "演练医院" in out and "青山县人民医院" in out and "hushi" in out and "Demo2026" in out
    before = (path.read_bytes(), path.stat().st_mtime_ns)
    assert main(["demo", "--db", str(path), "--if-missing"]) == 0
    assert "已存在" in capsys.readouterr().out
    assert main(["demo", "--db", str(path)]) == 1
    assert "--force" in capsys.readouterr().err
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before
    assert main(["demo", "--db", str(path), "--force"]) == 0
    with open_database(path) as db:
        assert demo_info(db) is not None


def test_command_has_no_simulator_options():
    from desktop_app.cli import build_parser

    with pytest.raises(SystemExit):
        build_parser().parse_args(["demo", "--years", "10"])
