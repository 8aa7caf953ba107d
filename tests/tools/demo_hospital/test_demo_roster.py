"""The demo hospital's duty rosters: a year of published months, planned and revised as people would."""
from __future__ import annotations

import datetime as dt
import hashlib
import statistics
from collections import Counter

import pytest

from desktop_app.clock import FixedClock
from desktop_app.dashboard import StartupHealth, collect
from desktop_app.roster import service as roster
from desktop_app.roster.models import COVER, DRAFT, PUBLISHED, SWAP
from desktop_app.roster.rules import COVERAGE, QUALIFICATION
from desktop_app.session import SYSTEM_ACTOR, Session
from desktop_app.storage.database import open_database
from tests.conftest import TODAY
from tools.demo_hospital.roster import REVISION_REASONS

PAST_MONTHS = ["2025-12"] + [f"2026-{m:02d}" for m in range(1, 12)]


@pytest.fixture(scope="module")
def session(demo_path):
    db = open_database(demo_path)
    yield Session(db, SYSTEM_ACTOR, FixedClock(TODAY))
    db.close()


@pytest.fixture(scope="module")
def posts(session):
    return roster.list_posts(session)


def _duties(db) -> list[tuple]:
    return [tuple(r) for r in db.query(
        "SELECT a.date, p.name, s.name, st.employee_no FROM duty_assignments a JOIN duty_shifts s ON s.id = a.shift_id"
        " JOIN duty_posts p ON p.id = s.post_id JOIN staff st ON st.id = a.staff_id ORDER BY a.date, p.name, s.name,"
        " st.employee_no")]


# ----------------------------------------------------------------------------- posts


def test_about_forty_posts_in_groups_with_their_qualifications(posts):
    assert 38 <= len(posts) <= 48
    groups = Counter(p.group_name for p in posts)
    assert {"总值班", "内科系统", "外科系统", "妇儿", "急诊与重症", "医技", "护理"} == set(groups)
    kinds = Counter(p.kind for p in posts)
    assert {k: kinds[k] for k in ("医院总值班", "行政总值班", "医疗总值班", "护理总值班")} == dict.fromkeys(
        ("医院总值班", "行政总值班", "医疗总值班", "护理总值班"), 1)
    assert kinds["一线"] >= 12 and kinds["二线"] >= 3 and kinds["三线听班"] >= 3 and kinds["医技值班"] == 4
    assert kinds["护理夜班"] == 16  # every ward
    by_name = {p.name: p for p in posts}
    assert by_name["医院总值班"].shifts[0].label() == "24小时 08:00–次日08:00"
    assert all(p.duty_training_required for p in posts if p.group_name == "总值班")
    assert all(p.min_title_rank == 3 and p.required_category == "医师" for p in posts if p.kind == "二线")
    assert all(p.min_title_rank == 4 for p in posts if p.kind == "三线听班")
    assert {p.headcount for p in posts if p.kind == "护理夜班"} == {1, 2}
    assert all(p.shifts and p.duties for p in posts)


def test_every_rotation_list_is_on_duty_staff_who_qualify(session, posts):
    from desktop_app.roster import repo
    from desktop_app.roster.rules import qualification_problems

    staff = repo.staff_info(session.db)
    joined_later = 0
    for post in posts:
        ids = roster.rotation(session, post.id)
        assert len(ids) >= 3, post.name
        for i in ids:
            person = staff[i]
            assert person.on_duty and person.registered_here and person.phone, (post.name, person.name)
            assert not qualification_problems(post, person, "2026-12-01"), (post.name, person.name)
            joined_later += person.hire_date > "2025-11-23"
    assert joined_later > 0  # newcomers of the year were added to the rotations


# ----------------------------------------------------------------------------- the months


def test_every_past_month_is_published_and_fully_covered(session):
    total = 0
    for month in PAST_MONTHS:
        status = roster.month_status(session, month)
        assert status.status == PUBLISHED and status.published_by, month
        found = roster.check_month(session, month)
        assert not [v for v in found if v.rule in (COVERAGE, QUALIFICATION)], month
        assert len(found) <= 3, (month, [v.text() for v in found])
        # what is left was confirmed when the month was published
        assert [v["说明"] for v in roster.confirmed_violations(session, month)] == [v.message for v in found], month
        total += len(found)
    assert total <= 12  # a handful of confirmed short-staffed days in a year, no more


def test_a_month_of_the_roster_reads_like_a_hospital_roster(session):
    view = roster.month_view(session, "2026-11")
    assert view.status == PUBLISHED and view.version >= 2  # revised after publication
    per_day = Counter()
    for (day, _shift), people in view.cells.items():
        per_day[day] += len(people)
    assert min(per_day.values()) >= 55  # about sixty people on duty every day and night
    saturday = "2026-11-21"
    chief = next(p for p in view.posts if p.name == "行政总值班")
    assert [s.name for s in chief.shifts if view.people(saturday, s.id)] == ["24小时"]
    # fair shares: within a ward's night shifts nobody has twice the median
    for post in (p for p in view.posts if p.kind == "护理夜班"):
        counts = Counter(i.id for s in post.shifts for d in view.days for i in view.people(d.isoformat(), s.id))
        assert max(counts.values()) <= 2 * statistics.median(counts.values()) + 1, post.name


def test_nobody_is_rostered_before_joining_or_after_leaving(session):
    db = session.db
    wrong = db.query("SELECT a.date, s.name, s.hire_date, s.leave_date FROM duty_assignments a JOIN staff s"
                     " ON s.id = a.staff_id WHERE a.date < s.hire_date OR (s.leave_date IS NOT NULL AND a.date >= s.leave_date)")
    assert [tuple(r) for r in wrong] == []
    left_after_duty = db.scalar("SELECT count(DISTINCT s.id) FROM staff s JOIN duty_assignments a ON a.staff_id = s.id"
                                " WHERE s.on_duty = 0 AND s.registered_here = 1")
    assert left_after_duty >= 3  # people who later left were on the roster until then
    assert db.scalar("SELECT count(*) FROM duty_assignments a JOIN staff s ON s.id = a.staff_id"
                     " WHERE s.registered_here = 0") == 0


def test_chief_duty_staff_have_passed_the_training_recorded_in_the_training_records(session, posts):
    from desktop_app.training.repo import duty_passed_dates

    db = session.db
    chief_posts = [p.id for p in posts if p.duty_training_required]
    rows = db.query(
        "SELECT a.date, a.staff_id, st.name FROM duty_assignments a JOIN duty_shifts s ON s.id = a.shift_id"
        f" JOIN staff st ON st.id = a.staff_id WHERE s.post_id IN ({','.join('?' * len(chief_posts))})", chief_posts)
    assert len(rows) > 1000
    passed = duty_passed_dates(db)  # what the roster's qualification check reads
    assert all(r["staff_id"] in passed and passed[r["staff_id"]] <= r["date"] for r in rows)
    # the staff record's own field is no longer used by the demo: the passed 总值班培训 assessments are
    assert db.scalar("SELECT count(*) FROM staff WHERE duty_training_passed_on IS NOT NULL") == 0
    assert len(passed) >= 60
    duty_exams = [r[0] for r in db.query(
        "SELECT a.uid FROM assessments a JOIN training_categories c ON c.id = a.category_id WHERE c.code = 'duty'")]
    audited = {r[0] for r in db.query("SELECT entity_uid FROM audit_log WHERE entity = 'assessment'")}
    assert duty_exams and set(duty_exams) <= audited  # entered through the training services


def test_revisions_have_reason_requester_and_approver(session):
    db = session.db
    leaders = {r[0] for r in db.query("SELECT name FROM staff WHERE notes IN"
                                      " ('科主任', '护士长', '科长', '院长', '护理部主任', '办公室主任')")}
    kinds = Counter()
    reasons = {r for rs in REVISION_REASONS.values() for r in rs}
    for month in PAST_MONTHS:
        revisions = roster.list_revisions(session, month)
        assert revisions, month
        assert roster.month_status(session, month).version == 1 + len(revisions)
        for r in revisions:
            kinds[r.kind] += 1
            assert r.reason in reasons or "离" in r.reason or "退休" in r.reason, r.reason
            assert r.requested_by in (r.from_staff, r.approved_by)
            assert r.approved_by in leaders and r.recorded_by in leaders
            assert r.date[:7] == month
    assert kinds[SWAP] >= 5 and kinds[COVER] >= 5


def test_planned_and_published_by_the_medical_and_nursing_offices(session):
    db = session.db
    planners = dict(db.query("SELECT s.name, d.name FROM staff s JOIN departments d ON d.id = s.department_id"
                             " WHERE s.notes IN ('科长', '护理部主任') AND d.name IN ('医务科', '护理部')"))
    actors = Counter(r[0] for r in db.query("SELECT actor_name FROM audit_log WHERE entity IN ('roster', 'duty_post')"))
    assert set(actors) == set(planners)
    assert {roster.month_status(session, m).published_by for m in PAST_MONTHS} == {
        n for n, d in planners.items() if d == "医务科"}
    # bulk steps, not one audit row per duty: a month costs a few dozen rows at most
    assert sum(actors.values()) < 40 * 13


# ----------------------------------------------------------------------------- today


def test_next_month_is_a_partly_planned_draft_with_gaps_on_the_dashboard(session):
    status = roster.month_status(session, "2026-12")
    assert status.status == DRAFT
    view = roster.month_view(session, "2026-12")
    gaps = [v for v in view.violations if v.rule == COVERAGE]
    planned = {p for p in view.posts if any(view.people(d.isoformat(), s.id) for d in view.days for s in p.shifts)}
    assert 0.5 * len(view.posts) < len(planned) < len(view.posts) and gaps
    later = Session(session.db, SYSTEM_ACTOR, FixedClock(TODAY + dt.timedelta(days=3)))  # 2026-11-26
    titles = [t.title for t in collect(later, StartupHealth(integrity_checked=True))]
    assert "2026-12 的值班表尚未发布" in titles
    assert any("个班次人数不足" in t for t in titles)


# ----------------------------------------------------------------------------- reproducible


def test_same_seed_same_rosters(session, demo_again):
    path = demo_again

    def digest(db) -> str:
        revisions = [tuple(r) for r in db.query("SELECT date, kind, reason, requested_by, approved_by FROM roster_revisions"
                                                " ORDER BY id")]
        return hashlib.sha256(repr((_duties(db), revisions)).encode()).hexdigest()

    with open_database(path) as db:
        assert digest(db) == digest(session.db)
