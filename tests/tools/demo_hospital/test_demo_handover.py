"""The demo hospital's handover books: a year of every ward's and department's shifts, consistent
shift to shift, signed by the ward's own staff, and today's open states on the 工作台."""
from __future__ import annotations

import ast
import datetime as dt
import json
import shutil
from collections import Counter
from pathlib import Path

import pytest

from desktop_app.accounts import audit
from desktop_app.accounts.service import authenticate
from desktop_app.clock import FixedClock
from desktop_app.dashboard import StartupHealth, collect
from desktop_app.handover import service as handover
from desktop_app.handover.census import census_findings
from desktop_app.handover.models import entry_sort_key
from desktop_app.session import SYSTEM_ACTOR, Session
from desktop_app.storage.database import open_database
from tests.conftest import TODAY
from tools.demo_hospital import handover as demo_handover
from tools.demo_hospital import hospital as demo

YEAR = ((TODAY - dt.timedelta(days=365)).date().isoformat(), TODAY.date().isoformat())


@pytest.fixture(scope="module")
def built(demo_path) -> Path:
    return demo_path


@pytest.fixture(scope="module")
def session(built):
    db = open_database(built)
    yield Session(db, SYSTEM_ACTOR, FixedClock(TODAY))
    db.close()


def login(session, username: str) -> Session:
    actor = authenticate(session.db, username, demo.DEMO_PASSWORD, FixedClock(TODAY)).actor
    return Session(session.db, actor, FixedClock(TODAY))


@pytest.fixture(scope="module")
def reports(session) -> list[dict]:
    """Every report with its department, in book order (department, kind, day, shift)."""
    return [dict(r) for r in session.db.query(
        "SELECT r.*, d.name AS department FROM handover_reports r JOIN departments d ON d.id = r.department_id"
        " ORDER BY r.department_id, r.kind, r.date, r.shift_order")]


@pytest.fixture(scope="module")
def staff(session) -> dict[int, dict]:
    return {r["id"]: dict(r) for r in session.db.query(
        "SELECT s.*, d.name AS department FROM staff s JOIN departments d ON d.id = s.department_id")}


# ----------------------------------------------------------------------------- volume and shape


def test_a_year_of_books_for_every_ward_and_the_doctors(session, reports):
    kinds = Counter(r["kind"] for r in reports)
    wards = {r["department"] for r in reports if r["kind"] == "nurse"}
    departments = {r["department"] for r in reports if r["kind"] == "doctor"}
    assert len(wards) == 16 and wards == {d[1] for d in demo.DEPARTMENTS if d[2] == "护理单元"}
    assert departments == set(demo_handover.DOCTOR_DEPARTMENTS) and len(departments) == 19
    days = 366  # 2025-11-23 … 2026-11-23 (today's 白班 is still running)
    assert 0.99 * (13 * 3 + 3 * 2) * days < kinds["nurse"] <= (13 * 3 + 3 * 2) * days
    assert 0.99 * 19 * 2 * days < kinds["doctor"] <= 19 * 2 * days
    two_shift = {t.department_name for t in (handover.get_template(session, session.db.scalar(
        "SELECT id FROM departments WHERE name = ?", (w,)), "nurse") for w in wards) if len(t.shifts) == 2}
    assert two_shift == {"重症监护病房", "急诊观察室", "手术室"}
    entries = session.db.scalar("SELECT count(*) FROM handover_entries")
    assert 3 * len(reports) < entries < 10 * len(reports)


def test_every_signed_report_adds_up(reports):
    signed = [r for r in reports if r["status"] != "草稿"]
    assert signed and all(r["census_ok"] for r in signed)
    for r in signed:
        census = json.loads(r["census_json"])
        assert census_findings(census) == [], (r["department"], r["date"], r["shift_name"])


def test_each_report_carries_the_previous_current_count(reports):
    previous: dict[tuple, dict] = {}
    checked = 0
    for r in reports:
        book = (r["department_id"], r["kind"])
        census = json.loads(r["census_json"])
        if book in previous:
            assert census["原有"] == json.loads(previous[book]["census_json"])["现有"], (
                r["department"], r["kind"], r["date"], r["shift_name"])
            checked += 1
        previous[book] = r
    assert checked > 30_000


def test_occupancy_is_plausible_and_movements_happen_by_day(reports):
    beds = {w: spec.beds for w, spec in demo_handover.WARDS.items()}
    nurse = [r for r in reports if r["kind"] == "nurse" and r["department"] in beds]
    for ward, size in beds.items():
        current = [json.loads(r["census_json"])["现有"] for r in nurse if r["department"] == ward]
        assert 0.45 * size < sum(current) / len(current) < 1.1 * size, ward
    by_shift = Counter()
    deaths = admissions = 0
    for r in nurse:
        c = json.loads(r["census_json"])
        by_shift[r["shift_name"]] += c["入院"] + c["出院"]
        deaths += c["死亡"]
        admissions += c["入院"]
    assert by_shift["白班"] > by_shift["小夜班"] + by_shift["大夜班"]
    assert 0 < deaths < 0.01 * admissions


def test_signers_are_the_wards_own_staff_employed_that_day(reports, staff):
    for r in reports:
        category = "护士" if r["kind"] == "nurse" else "医师"
        people = [(r["outgoing_staff_id"], r["outgoing_at"])]
        if r["status"] == "已接班":
            assert r["receiving_staff_id"] != r["outgoing_staff_id"]
            people.append((r["receiving_staff_id"], r["receiving_at"]))
        elif r["status"] == "草稿":
            continue
        for staff_id, at in people:
            person = staff[staff_id]
            assert person["category"] == category and person["department"] == r["department"], r
            assert person["hire_date"] <= at[:10] and (person["leave_date"] is None or person["leave_date"] >= r["date"])
            assert person["registered_here"] and person["licence_no"]


def test_entries_in_the_customary_order_with_key_patients_carried_over(session):
    db = session.db
    rows = db.query("SELECT report_id, category, bed, position FROM handover_entries ORDER BY report_id, position")
    by_report: dict[int, list] = {}
    for r in rows:
        by_report.setdefault(r["report_id"], []).append(r)
    for items in by_report.values():
        keys = [entry_sort_key(r["category"], r["bed"]) for r in items]
        assert keys == sorted(keys)
    # a carried entry continues an entry of the same book's previous report
    wrong = db.scalar(
        "WITH ordered AS (SELECT id, lag(id) OVER (PARTITION BY department_id, kind ORDER BY date, shift_order) AS prev"
        " FROM handover_reports)"
        " SELECT count(*) FROM handover_entries e JOIN handover_entries c ON c.uid = e.carried_from"
        " JOIN ordered o ON o.id = e.report_id WHERE c.report_id IS NOT o.prev")
    carried = db.scalar("SELECT count(*) FROM handover_entries WHERE carried_from IS NOT NULL")
    assert wrong == 0 and carried > 20_000
    # critically ill patients stay on the book for several shifts
    spans = db.query("SELECT patient_name, count(*) AS n FROM handover_entries e JOIN handover_reports r ON r.id ="
                     " e.report_id WHERE r.kind = 'nurse' AND e.category = '病危' GROUP BY r.department_id, patient_name")
    assert sum(r["n"] for r in spans) / len(spans) >= 3


def test_operations_fit_the_ward_and_grade_4_come_from_the_catalogue(session):
    grade4 = {name for cases in demo_handover.SURGERY.values() for *_x, options in cases
              for name, is4 in options if is4}
    rows = session.db.query(
        "SELECT DISTINCT d.name, e.operation FROM handover_entries e JOIN handover_reports r ON r.id = e.report_id"
        " JOIN departments d ON d.id = r.department_id WHERE e.grade4 = 1")
    assert rows and {r["operation"] for r in rows} <= grade4
    surgical = {"普外科病区", "骨科病区", "泌尿外科病区", "神经外科病区", "妇产科病区", "普外科", "胸外科", "骨科", "泌尿外科",
                "神经外科", "妇产科"}
    # … and 重症监护病房 (重症医学科's doctors), where a patient may be taken to theatre
    assert surgical <= {r["name"] for r in rows} <= surgical | {"重症监护病房", "重症医学科"}
    births = session.db.query("SELECT DISTINCT d.name FROM handover_entries e JOIN handover_reports r ON"
                              " r.id = e.report_id JOIN departments d ON d.id = r.department_id WHERE e.category = '分娩'")
    assert {r["name"] for r in births} == {"妇产科病区", "妇产科"}


def test_bedside_handover_recorded_before_every_receipt(session):
    db = session.db
    assert db.scalar("SELECT count(*) FROM handover_entries e JOIN handover_reports r ON r.id = e.report_id"
                     " WHERE r.status = '已接班' AND e.needs_bedside = 1 AND e.bedside_at IS NULL") == 0
    evidence = [r[0] for r in db.query("SELECT DISTINCT bedside_evidence FROM handover_entries"
                                       " WHERE bedside_at IS NOT NULL LIMIT 200")]
    assert evidence and all(e.startswith(("床旁交接记录单第 ", "医师床旁交接记录第 ")) and e.endswith(" 页")
                            for e in evidence)
    # what keeps a report from being received is a 四级手术当日 patient without a bedside record
    stuck = db.query("SELECT r.id FROM handover_reports r WHERE r.status = '已交班' AND r.date < ?",
                     ((TODAY.date() - dt.timedelta(days=2)).isoformat(),))
    for row in stuck:
        missing = handover.get_report(session, row["id"]).missing_bedside()
        assert any(e.category == "四级手术当日" for e in missing)


def test_the_bedside_ratio_is_high(session):
    total = handover.figures(session, *YEAR)[-1]
    assert total.grade4 > 300
    assert 0.9 <= total.bedside_ratio < 1.0
    assert 0.9 < total.on_time / total.received < 1.0


# ----------------------------------------------------------------------------- today


def test_today_the_cardiology_ward_awaits_the_receiver(session, staff):
    hushi, jieban = login(session, "hushi"), login(session, "jieban")
    ward = hushi.db.scalar("SELECT id FROM departments WHERE name = '心血管内科病区'")
    board = {(s.date, s.shift.name): s for s in handover.shift_board(hushi, "nurse", "2026-11-22", "2026-11-23", ward)}
    # 09:30: the 大夜班 of 11-22 ended at 08:00 and is handed over by hushi; the 白班 runs, not written
    night = board[("2026-11-22", "大夜班")]
    assert night.state == "已交班" and night.report.outgoing_name == hushi.actor.display_name
    assert board[("2026-11-22", "小夜班")].state == "已接班"
    assert board[("2026-11-22", "小夜班")].report.receiving_name == hushi.actor.display_name
    assert board[("2026-11-23", "白班")].state == "未书写"
    for s in (hushi, jieban):
        person = staff[s.actor.staff_id]
        assert person["department"] == "心血管内科病区" and person["category"] == "护士" and person["on_duty"]
        assert not person["notes"] or "护士长" not in person["notes"]
    assert hushi.actor.staff_id != jieban.actor.staff_id
    titles = [i.title for i in collect(hushi, StartupHealth(integrity_checked=True)) if i.module == "交接班"]
    assert "待接班：心血管内科病区 2026-11-22 大夜班护理交接班" in titles


def test_jieban_can_receive_on_the_same_pc(built, tmp_path):
    copy = tmp_path / "copy.db"
    shutil.copyfile(built, copy)
    with open_database(copy) as db:
        hushi = login(Session(db, SYSTEM_ACTOR, FixedClock(TODAY)), "hushi")
        [waiting] = [r for r in handover.open_reports(hushi) if r.status == "已交班" and r.date == "2026-11-22"]
        done = handover.sign_receive(hushi, waiting.id, "jieban", demo.DEMO_PASSWORD)
        assert done.status == "已接班" and done.receiving_name == login(hushi, "jieban").actor.display_name


def test_other_wards_leave_a_draft_and_a_missing_report_for_the_dashboard(session):
    quality = login(session, "zhikong")
    titles = [i.title for i in collect(quality, StartupHealth(integrity_checked=True)) if i.module == "交接班"]
    assert "未交班：呼吸内科病区 2026-11-22 大夜班护理交接班" in titles
    assert "缺交接班记录：消化内科病区 2026-11-22 小夜班护理交接班" in titles
    # the report after the missing one carries the count of the one before and writes both shifts' movements
    ward = session.db.scalar("SELECT id FROM departments WHERE name = '消化内科病区'")
    board = {s.shift.name: s for s in handover.shift_board(quality, "nurse", "2026-11-22", "2026-11-22", ward)}
    assert board["小夜班"].report is None and board["大夜班"].report is not None
    day, night = (handover.get_report(quality, board[s].report.id).census for s in ("白班", "大夜班"))
    assert night["原有"] == day["现有"] and not census_findings(night)


# ----------------------------------------------------------------------------- audit


def test_the_recent_week_is_audited_step_by_step_and_the_history_per_ward_and_year(session):
    db = session.db
    recent = (TODAY.date() - dt.timedelta(days=demo_handover.RECENT_DAYS)).isoformat()
    rows = db.query("SELECT action, entity_uid, entity_label, after_json FROM audit_log WHERE entity = 'handover'"
                    " AND ts >= ?", (recent,))
    text = " ".join(r["after_json"] or "" for r in rows)
    for key in ('"bedside"', '"outgoing"', '"receiving"', '"reason"', '"addendum"'):
        assert key in text
    assert sum(r["action"] == "create" for r in rows) > 400
    bulk = db.query("SELECT entity_label, after_json FROM audit_log WHERE entity_uid LIKE 'demo-history:%'")
    books = 16 + 19
    assert len(bulk) == books * 2  # the years 2025 and 2026 of the history
    assert all("演示数据批量生成" in r["entity_label"] for r in bulk)
    assert audit.verify_chain(db).ok
    stamps = [r[0] for r in db.query("SELECT ts FROM audit_log ORDER BY id")]
    assert stamps == sorted(stamps) and stamps[-1] <= TODAY.strftime("%Y-%m-%d %H:%M:%S")


def test_the_recent_week_is_signed_by_the_nurses_own_logins(session):
    """Through the services as typed: each signature of the recent week is an account of the signer,
    each receipt a login with the receiver's password (no signature without a login)."""
    db = session.db
    recent = (TODAY.date() - dt.timedelta(days=demo_handover.RECENT_DAYS)).isoformat()
    rows = db.query("SELECT r.status, r.outgoing_staff_id, o.staff_id AS out_staff, r.receiving_staff_id,"
                    " i.staff_id AS in_staff FROM handover_reports r LEFT JOIN users o ON o.id = r.outgoing_user_id"
                    " LEFT JOIN users i ON i.id = r.receiving_user_id WHERE r.date >= ? AND r.status <> '草稿'",
                    (recent,))
    assert len(rows) > 400
    assert all(r["out_staff"] == r["outgoing_staff_id"] for r in rows)
    received = [r for r in rows if r["status"] == "已接班"]
    assert received and all(r["in_staff"] == r["receiving_staff_id"] for r in received)
    logins = db.scalar("SELECT count(*) FROM audit_log WHERE action = 'login' AND ts >= ?", (recent,))
    assert logins >= len(received)
    assert db.scalar("SELECT count(*) FROM audit_log WHERE action = 'login_failed'") == 0
    accounts = {r[0]: r[1] for r in db.query("SELECT username, staff_id FROM users")}
    waiting = db.query_one("SELECT outgoing_staff_id FROM handover_reports WHERE status = '已交班' AND date = '2026-11-22'"
                           " AND department_id = (SELECT id FROM departments WHERE name = '心血管内科病区')")
    assert accounts["hushi"] == waiting["outgoing_staff_id"]


def test_every_character_of_the_demo_text_can_be_printed():
    from desktop_app.reports.fonts import missing_glyphs

    tree = ast.parse(Path(demo_handover.__file__).read_text(encoding="utf-8"))
    text = "".join(n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str))
    assert missing_glyphs(text) == set()


def test_the_same_seed_writes_the_same_books(built, demo_again):
    again = demo_again

    def books(path):
        with open_database(path) as db:
            reports = db.query("SELECT department_id, kind, date, shift_order, status, census_json, outgoing_name,"
                               " receiving_name FROM handover_reports ORDER BY department_id, kind, date, shift_order")
            entries = db.query("SELECT r.department_id, r.kind, r.date, r.shift_order, e.position, e.patient_name,"
                               " e.situation, e.bedside_evidence FROM handover_entries e JOIN handover_reports r"
                               " ON r.id = e.report_id ORDER BY 1, 2, 3, 4, 5")
            return [tuple(r) for r in reports] + [tuple(r) for r in entries]

    assert books(again) == books(built)
