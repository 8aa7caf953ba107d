"""The demo hospital's problem ledger: a realistic, consistent history of inspections and rectification."""
from __future__ import annotations

import datetime as dt
import itertools
from collections import Counter

import pytest

from desktop_app import errors
from desktop_app.accounts import audit
from desktop_app.accounts.service import authenticate
from desktop_app.clock import FixedClock
from desktop_app.ledger import inspections
from desktop_app.ledger import service as ledger
from desktop_app.ledger.models import (
    CLOSED,
    OPEN_STATUSES,
    SOURCES,
    STATUSES,
    LedgerFilter,
)
from desktop_app.session import SYSTEM_ACTOR, Session
from desktop_app.storage.database import open_database
from tests.conftest import TODAY
from tools.demo_hospital import hospital as demo

TODAY_ISO = TODAY.date().isoformat()
NOW_STAMP = TODAY.strftime("%Y-%m-%d %H:%M:%S")


@pytest.fixture(scope="module")
def session(demo_path):
    db = open_database(demo_path)
    yield Session(db, SYSTEM_ACTOR, FixedClock(TODAY))
    db.close()


@pytest.fixture(scope="module")
def items(session):
    return [ledger.get_item(session, r.id) for r in ledger.list_items(session)]


def _ledger_rows(db) -> list[tuple]:
    return [tuple(r) for r in db.query(
        "SELECT l.number, l.found_on, l.source, l.category, d.name, l.severity, l.description, l.deadline, l.status,"
        " l.cause_analysis, l.measures, l.responsible_person, l.rectified_on, l.rechecker, l.recheck_on"
        " FROM ledger_items l JOIN departments d ON d.id = l.department_id ORDER BY l.number")]


# ----------------------------------------------------------------------------- size and shape


def test_about_two_thousand_items_a_year_in_every_status(items):
    assert 1700 <= len(items) <= 2300
    statuses = Counter(i.status for i in items)
    assert set(statuses) == set(STATUSES)
    assert statuses[CLOSED] > 0.8 * len(items)  # most of the year's work is done …
    assert all(statuses[s] >= 5 for s in OPEN_STATUSES)  # … and there is open work today


def test_sources_categories_and_severities_look_like_a_real_ledger(items):
    sources = Counter(i.source for i in items)
    assert set(sources) == set(SOURCES)
    assert sources["科室自查"] == max(sources.values())  # monthly self-checks find the most
    categories = Counter(i.category for i in items)
    assert len(categories) >= 20
    assert max(categories.values()) < 0.15 * len(items)
    severities = Counter(i.severity for i in items)
    assert severities["一般"] > 0.75 * len(items)
    assert severities["一般"] > severities["较重"] > severities["严重"] > 0


def test_descriptions_are_varied_chinese_text_without_placeholders(items):
    descriptions = [i.description for i in items]
    assert all("{" not in d and "}" not in d for d in descriptions)
    assert len(set(descriptions)) > 0.6 * len(descriptions)
    assert max(Counter(descriptions).values()) < 25
    assert any(d.startswith("患者") or "投诉" in d for d in descriptions)
    assert any(d.startswith(("Ⅰ级", "Ⅱ级", "Ⅲ级", "Ⅳ级")) for d in descriptions)
    for i in items:
        if i.status != "待整改":
            assert i.cause_analysis.startswith("1. ") and i.measures.startswith("1. ") and i.responsible_person


# ----------------------------------------------------------------------------- dates


def test_no_date_after_today(session, items):
    for i in items:
        for value in (i.found_on, i.rectified_on, i.recheck_on, i.closed_on):
            assert value is None or value <= TODAY_ISO, i.number
    db = session.db
    assert db.scalar("SELECT max(ts) FROM ledger_events") <= NOW_STAMP
    assert db.scalar("SELECT max(inspected_on) FROM inspections") <= TODAY_ISO
    assert db.scalar("SELECT max(completed_on) FROM inspections") <= TODAY_ISO
    assert db.scalar("SELECT max(added_at) FROM ledger_attachments") <= NOW_STAMP


def test_deadlines_are_15_30_or_60_days_after_the_finding(items):
    found = Counter((dt.date.fromisoformat(i.deadline) - dt.date.fromisoformat(i.found_on)).days for i in items)
    assert set(found) == {15, 30, 60}
    assert found[30] > found[15] and found[30] > found[60]


def test_closed_items_have_rechecker_opinion_and_dates_in_order(session, items):
    quality_staff = {r[0] for r in session.db.query(
        "SELECT s.name FROM staff s JOIN departments d ON d.id = s.department_id WHERE d.name = '质控科'")}
    closed = [i for i in items if i.status == CLOSED]
    for i in closed:
        assert i.rechecker in quality_staff and i.closed_by == i.rechecker, i.number
        assert i.recheck_opinion and i.closed_on == i.recheck_on
        assert i.found_on <= i.rectified_on <= i.recheck_on <= TODAY_ISO, i.number


def test_open_items_are_consistent_with_their_status(items):
    for i in items:
        if i.status == "待整改":
            assert i.cause_analysis is None and i.rectified_on is None
        if i.status == "已整改待复查":
            assert i.found_on <= i.rectified_on <= TODAY_ISO and i.progress
        if i.status != CLOSED:
            assert i.closed_on is None and i.closed_by is None


def test_some_items_overdue_and_some_due_within_seven_days(session, items):
    overdue = ledger.list_items(session, LedgerFilter(overdue=True))
    soon = ledger.list_items(session, LedgerFilter(due_soon=True))
    assert len(overdue) >= 10 and len(soon) >= 3
    assert all(r.due == "逾期" and r.deadline < TODAY_ISO for r in overdue)
    assert all(r.due == "即将到期" for r in soon)
    # some closed items were once late: submitted after their deadline
    assert sum(1 for i in items if i.status == CLOSED and i.rectified_on > i.deadline) > 0.05 * len(items)


# ----------------------------------------------------------------------------- timelines and actors


def test_timelines_are_chronological_and_end_in_the_current_status(session, items):
    events: dict[int, list] = {}
    for e in session.db.query("SELECT item_id, ts, actor_name, event, from_status, to_status"
                              " FROM ledger_events ORDER BY id"):
        events.setdefault(e["item_id"], []).append(e)
    kinds = Counter()
    for i in items:
        timeline = events[i.id]
        assert timeline[0]["event"] == "登记" and timeline[0]["to_status"] == "待整改"
        assert timeline[0]["ts"][:10] == i.found_on
        stamps = [e["ts"] for e in timeline]
        assert stamps == sorted(stamps), i.number
        for before, after in itertools.pairwise(timeline):
            assert after["from_status"] == before["to_status"], i.number
        assert timeline[-1]["to_status"] == i.status
        if i.status == CLOSED:
            assert timeline[-1]["event"] == "复查通过（销号）" and timeline[-1]["ts"][:10] == i.closed_on
        kinds.update(e["event"] for e in timeline)
    for kind in ("开始整改", "更新整改", "提交复查", "复查通过（销号）", "复查不通过", "重新打开", "修改", "添加附件"):
        assert kinds[kind] > 0, kind
    assert kinds["复查不通过"] < 0.25 * kinds["复查通过（销号）"]


def test_each_step_is_done_by_the_person_who_would_do_it(session, items):
    leaders = {r[0]: r[1] for r in session.db.query(
        "SELECT s.name || '@' || d.name, s.notes FROM staff s JOIN departments d ON d.id = s.department_id")}
    quality = {r[0] for r in session.db.query(
        "SELECT s.name FROM staff s JOIN departments d ON d.id = s.department_id WHERE d.name = '质控科'")}
    rows = session.db.query(
        "SELECT e.event, e.actor_name, d.name AS department FROM ledger_events e"
        " JOIN ledger_items l ON l.id = e.item_id JOIN departments d ON d.id = l.department_id")
    for r in rows:
        if r["event"] in ("开始整改", "提交复查") and r["department"] != "质控科":
            assert leaders.get(f"{r['actor_name']}@{r['department']}") in ("科主任", "护士长", "科长", "护理部主任",
                                                                            "办公室主任"), tuple(r)
        if r["event"] in ("复查通过（销号）", "复查不通过", "重新打开"):
            assert r["actor_name"] in quality, tuple(r)
    assert "演示数据生成" not in {r["actor_name"] for r in rows}


def test_audit_chain_verifies_with_ledger_steps_in_calendar_order(session):
    assert audit.verify_chain(session.db).ok
    stamps = [r[0] for r in session.db.query("SELECT ts FROM audit_log WHERE entity = 'ledger_item' ORDER BY id")]
    assert len(stamps) > 5000 and stamps == sorted(stamps) and stamps[-1] <= NOW_STAMP


# ----------------------------------------------------------------------------- inspections


def test_inspections_of_every_kind_with_results_and_their_problems(session):
    found = inspections.list_inspections(session)
    types = Counter(i.type for i in found)
    assert types["科室月度自查"] >= 200
    for kind in ("全院半年自查", "交叉检查", "上级督查/专项检查", "质控中心检查"):
        assert types[kind] >= 1, kind
    checklists_used = {i.checklist_label.split("（")[0] for i in found if i.type == "全院半年自查"}
    assert len(checklists_used) == 2  # 核心制度 and, from mid-2025, the 专项整治 checklist
    failed = dict(session.db.query("SELECT inspection_id, count(*) FROM inspection_results"
                                   " WHERE result = '不符合' GROUP BY 1"))
    recorded = dict(session.db.query("SELECT inspection_id, count(*) FROM inspection_results GROUP BY 1"))
    for i in found:
        assert i.status == "已完成" and i.completed_on >= i.inspected_on
        assert recorded.get(i.id, 0) > 0, i.number
        assert failed.get(i.id, 0) == i.problem_count, i.number
    wide = next(i for i in found if i.type == "全院半年自查")
    assert len(wide.department_ids) >= 30
    scores = inspections.department_scores(session, wide.id)
    assert len({s.score for s in scores}) > 3 and all(0 <= s.score <= 100 for s in scores)


def test_the_campaign_checklist_is_used_only_from_mid_2025(session):
    first = session.db.scalar(
        "SELECT min(i.inspected_on) FROM inspections i JOIN checklists c ON c.id = i.checklist_id"
        " WHERE c.kind = '专项整治'")
    assert first is None or first >= "2025-07-01"


def test_monthly_self_checks_are_recorded_by_the_department_head(session):
    rows = session.db.query(
        "SELECT i.inspectors, d.name FROM inspections i JOIN inspection_departments x ON x.inspection_id = i.id"
        " JOIN departments d ON d.id = x.department_id WHERE i.type = '科室月度自查'")
    heads = {r[0]: r[1] for r in session.db.query(
        "SELECT d.name, s.name FROM staff s JOIN departments d ON d.id = s.department_id"
        " WHERE s.notes IN ('科主任', '护士长')")}
    for inspectors, department in rows:
        assert inspectors.split("、")[0] == heads[department]


# ----------------------------------------------------------------------------- scope and attachments


def test_a_department_head_sees_only_their_department_and_its_ward(session, items):
    head = Session(session.db, authenticate(session.db, "neike", demo.DEMO_PASSWORD, FixedClock(TODAY)).actor,
                   FixedClock(TODAY))
    mine = ledger.list_items(head)
    assert mine and len(mine) < len(items)
    assert {r.department_name for r in mine} == {"心血管内科", "心血管内科病区"}
    other = next(i for i in items if i.department_name == "骨科")
    with pytest.raises(errors.PermissionDenied):
        ledger.get_item(head, other.id)


def test_a_few_small_attachments_that_read_back(session, items):
    rows = session.db.query("SELECT id, item_id, size FROM ledger_attachments")
    assert 5 <= len(rows) <= 0.05 * len(items)
    assert max(r["size"] for r in rows) < 20_000
    name, content = ledger.attachment_content(session, rows[0]["id"])
    assert name.endswith(".png") and content.startswith(b"\x89PNG")


# ----------------------------------------------------------------------------- reproducible


def test_same_seed_same_ledger(session, demo_again):
    with open_database(demo_again) as db:
        assert _ledger_rows(db) == _ledger_rows(session.db)
        sql = "SELECT number, title, inspectors, inspected_on FROM inspections ORDER BY number"
        assert [tuple(r) for r in db.query(sql)] == [tuple(r) for r in session.db.query(sql)]
