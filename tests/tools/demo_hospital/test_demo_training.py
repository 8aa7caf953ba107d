"""The demo hospital's training records: a county hospital's programme, realistic sign-in and exams,
知晓率 in its band, 总值班 trained before duty, recent days through the services, reproducible."""
from __future__ import annotations

import datetime as dt
import json
import random
from collections import Counter, defaultdict

import pytest

from desktop_app.accounts import audit
from desktop_app.dashboard import StartupHealth, collect
from desktop_app.storage.database import open_database
from desktop_app.training import coverage as training_coverage
from desktop_app.training import service as training
from desktop_app.training.models import Audience
from desktop_app.training.repo import duty_passed_dates
from tests.conftest import TODAY
from tests.tools.demo_hospital.conftest import login
from tools.demo_hospital.training import RECENT_DAYS

TODAY_ISO = TODAY.date().isoformat()
RECENT = (TODAY.date() - dt.timedelta(days=RECENT_DAYS)).isoformat()


@pytest.fixture(scope="module")
def session(demo_session):
    return demo_session


@pytest.fixture(scope="module")
def held(session) -> list[dict]:
    return [dict(r) for r in session.db.query(
        "SELECT t.*, c.code, c.name AS category FROM training_sessions t JOIN training_categories c"
        " ON c.id = t.category_id WHERE t.date < ? ORDER BY t.date, t.id", (TODAY_ISO,))]


# ----------------------------------------------------------------------------- the programme


def test_a_year_of_the_programme_at_a_tenth_of_the_ten_year_scale(session, held):
    year = [s for s in held if s["date"] > (TODAY.date() - dt.timedelta(days=365)).isoformat()]
    assert 430 <= len(year) <= 650  # the 10-year demo: about 5,000 sessions
    rows = session.db.scalar("SELECT count(*) FROM training_attendees a JOIN training_sessions t ON t.id = a.session_id"
                             " WHERE t.date < ?", (TODAY_ISO,))
    assert 38_000 <= rows <= 65_000  # … and about 500,000 sign-in rows
    codes = Counter(s["code"] for s in year)
    for code in ("core", "sanji", "duty", "infection", "emergency", "law", "surgery", "prejob", "ethics"):
        assert codes[code] > 0, code
    assert codes["sanji"] > 250  # the departments' monthly sessions and the hospital's lectures
    forms = Counter(s["form"] for s in year)
    assert forms["科室"] > 250 and forms["集中"] > 40 and forms["线上"] > 40


def test_hospital_wide_core_training_twice_a_year_with_an_exam_each(session):
    rows = session.db.query(
        "SELECT t.title, t.date, a.id, a.pass_mark FROM training_sessions t JOIN assessments a ON a.session_id = t.id"
        " WHERE t.title LIKE '%核心制度全员培训%' AND t.date < ? ORDER BY t.date", (TODAY_ISO,))
    assert len(rows) == 4  # 2026: 上半年 and 下半年, two sittings each
    for r in rows:
        results = session.db.query("SELECT attempt, score, passed FROM assessment_results WHERE assessment_id = ?",
                                   (r["id"],))
        first = [x for x in results if x["attempt"] == 1]
        fail = sum(1 for x in first if not x["passed"]) / len(first)
        assert 0.02 <= fail <= 0.14, (r["title"], fail)
        scores = [x["score"] for x in first]
        assert 75 <= sum(scores) / len(scores) <= 86
        makeups = [x for x in results if x["attempt"] == 2]
        assert len(makeups) <= sum(1 for x in first if not x["passed"])
    every = session.db.query("SELECT r.passed FROM assessment_results r JOIN assessments a ON a.id = r.assessment_id"
                             " WHERE a.kind = '考核' AND r.attempt = 2")
    assert len(every) > 30 and sum(r[0] for r in every) / len(every) > 0.75  # most make-ups pass


def test_no_make_up_without_a_failed_first_attempt_and_scores_in_range(session):
    db = session.db
    assert db.scalar("SELECT count(*) FROM assessment_results r JOIN assessments a ON a.id = r.assessment_id"
                     " WHERE r.score < 0 OR r.score > a.full_mark OR r.passed <> (r.score >= a.pass_mark)") == 0
    assert db.scalar("SELECT count(*) FROM assessment_results m WHERE m.attempt > 1 AND NOT EXISTS (SELECT 1 FROM"
                     " assessment_results f WHERE f.assessment_id = m.assessment_id AND f.staff_id = m.staff_id"
                     " AND f.attempt = m.attempt - 1 AND f.passed = 0)") == 0


def test_attendance_is_realistic(session, held):
    recorded = [s for s in held if s["attendance_recorded"]]
    rate = sum(s["present_count"] for s in recorded) / sum(s["expected_count"] for s in recorded)
    assert 0.85 <= rate <= 0.98
    for s in recorded:
        assert s["present_count"] <= s["expected_count"] + 2
    db = session.db
    by_kind = dict(db.query(
        "SELECT d.kind, avg(a.present) FROM training_attendees a JOIN training_sessions t ON t.id = a.session_id"
        " JOIN staff s ON s.id = a.staff_id JOIN departments d ON d.id = s.department_id"
        " WHERE t.form = '集中' AND t.attendance_recorded = 1 AND a.expected = 1 GROUP BY d.kind"))
    assert by_kind["护理单元"] < by_kind["职能"]  # night shifts
    notes = Counter(r[0] for r in db.query("SELECT note FROM training_attendees WHERE expected = 1 AND present = 0"))
    assert notes["产假"] and notes["病假"] and notes["外出进修"] and notes["夜班"] + notes["下夜班休息"] > 0
    walk_ins = db.scalar("SELECT count(*) FROM training_attendees WHERE expected = 0")
    assert 0 < walk_ins < 0.002 * sum(s["present_count"] for s in recorded)


def test_bulk_sessions_expect_who_the_service_would_expect(session, held):
    bulk = [s for s in held if s["date"] < RECENT and s["code"] != "duty"]
    for s in random.Random(5).sample(bulk, 25):
        audience = Audience.from_json(json.loads(s["audience_json"]))
        wanted = sorted(p["id"] for p in training.audience_people(session, audience, s["date"]))
        stored = sorted(r[0] for r in session.db.query(
            "SELECT staff_id FROM training_attendees WHERE session_id = ? AND expected = 1", (s["id"],)))
        assert stored == wanted, s["title"]
        assert s["audience_label"] == training.audience_label(session.db, audience)


def test_awareness_surveys_every_quarter_in_band(session):
    db = session.db
    surveys = db.query("SELECT id, date FROM assessments WHERE kind = '知晓率调查' ORDER BY date")
    assert [s["date"][:7] for s in surveys] == ["2025-12", "2026-03", "2026-06", "2026-09"]
    cov = training_coverage.coverage(session, "2026-01-01", "2026-12-31")
    assert 0.88 <= cov.total.awareness <= 0.96
    assert 300 <= cov.total.tested <= 700
    per_department = [d for d in cov.by_department[:-1] if d.tested >= 6]
    assert len(per_department) > 30
    assert any(d.awareness < 0.9 for d in per_department)  # a few departments below the target
    sampled = Counter(r[0] for r in db.query(
        "SELECT s.department_id FROM assessment_results r JOIN staff s ON s.id = r.staff_id WHERE r.assessment_id = ?",
        (surveys[-1]["id"],)))
    assert len(sampled) > 45 and max(sampled.values()) <= 4  # a random sample of 3–4 from every department


def test_coverage_has_something_to_show(session):
    cov = training_coverage.coverage(session, "2026-01-01", "2026-12-31")
    short = [p for p in cov.people if p.gaps]
    assert 0.02 * len(cov.people) < len(short) < 0.5 * len(cov.people)
    rates = {r.requirement.category_code: r.rate for r in cov.by_requirement}
    assert rates["core"] > 0.8 and rates["infection"] > 0.9 and rates["duty"] == 1.0
    assert 0.8 < rates["sanji"] < 1  # a few missed or failed both exams, or were away
    newcomers = next(r for r in cov.by_requirement if r.requirement.category_code == "prejob")
    assert newcomers.people > 5 and newcomers.rate > 0.7
    quality = login(session, "zhikong")
    titles = [i.title for i in collect(quality, StartupHealth(integrity_checked=True)) if i.module == "培训考核"]
    assert "1 次已举办的培训尚未登记签到" in titles
    assert any("尚未达到本年培训要求" in t for t in titles)


def test_everyone_on_a_chief_duty_passed_the_exam_before_the_first_duty(session):
    db = session.db
    passed = duty_passed_dates(db)
    first = db.query("SELECT a.staff_id, min(a.date) FROM duty_assignments a JOIN duty_shifts s ON s.id = a.shift_id"
                     " JOIN duty_posts p ON p.id = s.post_id WHERE p.duty_training_required = 1 GROUP BY a.staff_id")
    assert len(first) >= 60
    assert all(r[0] in passed and passed[r[0]] < r[1] for r in first)
    sessions = db.query("SELECT t.date, t.expected_count, t.present_count FROM training_sessions t"
                        " JOIN training_categories c ON c.id = t.category_id WHERE c.code = 'duty'")
    assert len(sessions) >= 4 and all(s["present_count"] == s["expected_count"] for s in sessions)


# ----------------------------------------------------------------------------- the present


def test_the_rest_of_the_year_is_planned_and_one_held_session_waits_for_its_sign_in(session):
    db = session.db
    planned = db.query("SELECT date, attendance_recorded, present_count FROM training_sessions WHERE date >= ?",
                       (TODAY_ISO,))
    assert len(planned) > 30 and {r["date"][:7] for r in planned} >= {"2026-12"}
    assert all(not r["attendance_recorded"] and r["present_count"] == 0 for r in planned)
    assert db.scalar("SELECT count(*) FROM assessment_results r JOIN assessments a ON a.id = r.assessment_id"
                     " WHERE a.date >= ?", (TODAY_ISO,)) == 0
    assert db.scalar("SELECT count(*) FROM assessments WHERE date >= ?", (TODAY_ISO,)) >= 2  # the December exams
    waiting = db.query("SELECT title, form FROM training_sessions WHERE attendance_recorded = 0 AND date < ?",
                       (TODAY_ISO,))
    assert len(waiting) == 1 and waiting[0]["form"] == "科室"


def test_recent_days_through_the_services_and_the_history_one_row_per_year_and_category(session):
    db = session.db
    steps = db.query("SELECT action, entity_label, after_json FROM audit_log WHERE entity = 'training' AND ts >= ?"
                     " AND entity_uid NOT LIKE 'demo-training-history:%'", (RECENT,))
    created = [s for s in steps if s["action"] == "create"]
    signed = [s for s in steps if s["action"] == "update" and '"present"' in (s["after_json"] or "")]
    assert len(created) > 60 and len(signed) > 50
    scores = db.query("SELECT after_json FROM audit_log WHERE entity = 'assessment' AND action = 'update' AND ts >= ?",
                      (RECENT,))
    assert any('"make_up"' in (s[0] or "") for s in scores)  # a 补考 entered a week after the exam
    bulk = db.query("SELECT entity_uid, entity_label, after_json FROM audit_log WHERE entity_uid LIKE"
                    " 'demo-training-history:%' AND entity = 'training'")
    uids = [b[0] for b in bulk]
    assert len(uids) == len(set(uids)) and all("演示数据批量生成" in b[1] for b in bulk)
    years = Counter(u.split(":")[1] for u in uids)
    assert set(years) == {"2025", "2026"}
    assert years["2026"] >= 8  # one per category written in bulk
    total = sum(json.loads(b[2])["expected"] for b in bulk)
    in_bulk = db.scalar("SELECT sum(expected_count) FROM training_sessions t JOIN training_categories c"
                        " ON c.id = t.category_id WHERE t.date < ? AND t.uid NOT IN (SELECT entity_uid FROM audit_log"
                        " WHERE entity = 'training' AND entity_uid IS NOT NULL)", (RECENT,))
    assert total == in_bulk  # every bulk session is accounted for in its year's row


def test_audit_chain_verifies_and_keeps_calendar_order(session):
    assert audit.verify_chain(session.db).ok
    stamps = [r[0] for r in session.db.query("SELECT ts FROM audit_log ORDER BY id")]
    assert stamps == sorted(stamps)


# ----------------------------------------------------------------------------- reproducible


def _training(db) -> list[tuple]:
    sessions = [tuple(r) for r in db.query(
        "SELECT date, title, lecturer, expected_count, present_count, attendance_recorded FROM training_sessions"
        " ORDER BY date, title")]
    results = defaultdict(list)
    for r in db.query("SELECT a.date, a.title, s.employee_no, r.attempt, r.score FROM assessment_results r"
                      " JOIN assessments a ON a.id = r.assessment_id JOIN staff s ON s.id = r.staff_id"
                      " ORDER BY 1, 2, 3, 4"):
        results[r[0]].append(tuple(r))
    return sessions + sorted(results.items())


def test_the_same_seed_gives_the_same_training_records(session, demo_again):
    with open_database(demo_again) as db:
        assert _training(db) == _training(session.db)
