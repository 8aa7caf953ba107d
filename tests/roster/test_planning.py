"""Planning a month: copying, rotation, publishing with confirmation, revisions, who sees what."""
import json

import pytest

from desktop_app import errors
from desktop_app.accounts.audit import verify_chain
from desktop_app.accounts.permissions import Role
from desktop_app.roster import rules, service as roster
from tests.roster.test_rules import MONTH


def test_rotation_fills_in_turn_and_continues_after_last_duty(system, posts, doctors):
    roster.set_rotation(system, posts["first"].id, doctors)
    roster.assign(system, "2026-11-30", posts["night"].id, doctors[1])  # November ended with the 2nd
    added = roster.fill_from_rotation(system, MONTH, posts["first"].id)
    view = roster.month_view(system, MONTH, group="内科系统")
    assert view.people("2026-12-01", posts["day"].id)[0].name == "孙医生"  # the turn after the last duty
    assert view.people("2026-12-01", posts["night"].id)[0].name == "吴医生"
    assert added == 31 + 23  # every night and every workday day shift
    broken = {v.rule for v in view.violations if v.post_name == "内科一线"}
    assert not broken & {rules.OVERLAP, rules.REST, rules.COVERAGE, rules.NIGHTS}


def test_rotation_needs_a_list(system, posts):
    with pytest.raises(errors.ValidationError, match="还没有轮转表"):
        roster.fill_from_rotation(system, MONTH, posts["first"].id)


def test_copy_previous_month_keeps_weekdays(system, posts, doctors):
    # Tuesday 2026-11-03 and Wednesday 2026-11-04
    roster.assign(system, "2026-11-03", posts["night"].id, doctors[0])
    roster.assign(system, "2026-11-04", posts["night"].id, doctors[1])
    roster.copy_previous_month(system, MONTH)
    view = roster.month_view(system, MONTH)
    assert [p.id for p in view.people("2026-12-01", posts["night"].id)] == [doctors[0]]  # Tuesday again
    assert [p.id for p in view.people("2026-12-02", posts["night"].id)] == [doctors[1]]


def test_copy_a_week(system, posts, doctors):
    roster.assign(system, "2026-12-01", posts["night"].id, doctors[2])
    added = roster.copy_days(system, "2026-12-01", "2026-12-08", 7)
    assert added == 1
    assert roster.month_view(system, MONTH).people("2026-12-08", posts["night"].id)[0].id == doctors[2]


def test_publish_needs_confirmation_with_violations_and_records_it(system, posts, doctors, db):
    roster.assign(system, "2026-12-01", posts["night"].id, doctors[0])
    with pytest.raises(roster.NeedsConfirmation) as exc:
        roster.publish(system, MONTH)
    assert exc.value.violations and roster.month_status(system, MONTH).status == "草稿"
    published = roster.publish(system, MONTH, confirm_violations=True)
    assert (published.status, published.version) == ("已发布", 1)
    stored = roster.confirmed_violations(system, MONTH)
    assert len(stored) == len(exc.value.violations) and stored[0]["规则"] in rules.RULES
    last = db.query_one("SELECT after_json FROM audit_log ORDER BY id DESC LIMIT 1")
    assert "经确认后发布" in json.loads(last[0])["confirmed"]
    with pytest.raises(errors.Conflict, match="换班"):
        roster.assign(system, "2026-12-02", posts["night"].id, doctors[1])
    with pytest.raises(errors.Conflict, match="已经发布"):
        roster.publish(system, MONTH, confirm_violations=True)


def test_publishing_nothing_is_refused(system, posts):
    with pytest.raises(errors.UserError, match="还没有排班"):
        roster.publish(system, MONTH, confirm_violations=True)


def test_cover_and_swap_after_publishing(system, posts, doctors, db):
    night = posts["night"].id
    roster.assign(system, "2026-12-01", night, doctors[0])
    roster.assign(system, "2026-12-03", night, doctors[1])
    roster.publish(system, MONTH, confirm_violations=True)
    base = {"reason": "家中有事", "requested_by": "张三", "approved_by": "内科主任"}
    with pytest.raises(errors.ValidationError) as exc:
        roster.record_revision(system, {"kind": "替班", "date": "2026-12-01", "shift_id": night,
                                        "from_staff_id": doctors[0], "to_staff_id": doctors[2]})
    assert {f.label for f in exc.value.findings} == {"原因", "申请人", "批准人"}
    cover = roster.record_revision(system, {**base, "kind": "替班", "date": "2026-12-01", "shift_id": night,
                                            "from_staff_id": doctors[0], "to_staff_id": doctors[2]})
    assert cover.version == 2 and "孙医生 替 张三" in cover.text()
    swap = roster.record_revision(system, {**base, "kind": "换班", "date": "2026-12-01", "shift_id": night,
                                           "from_staff_id": doctors[2], "to_staff_id": doctors[1],
                                           "other_date": "2026-12-03", "other_shift_id": night})
    view = roster.month_view(system, MONTH)
    assert view.people("2026-12-01", night)[0].id == doctors[1]
    assert view.people("2026-12-03", night)[0].id == doctors[2]
    assert view.version == 3 and [r.kind for r in view.revisions] == ["替班", "换班"]
    assert swap.requested_by == "张三" and swap.approved_by == "内科主任"
    assert verify_chain(db).ok


def test_revision_that_breaks_a_rule_needs_confirmation(system, posts, doctors, hospital):
    night = posts["night"].id
    roster.assign(system, "2026-12-01", night, doctors[0])
    roster.publish(system, MONTH, confirm_violations=True)
    values = {"kind": "替班", "date": "2026-12-01", "shift_id": night, "from_staff_id": doctors[0],
              "to_staff_id": hospital.staff["曾志伟"], "reason": "病假", "requested_by": "张三", "approved_by": "主任"}
    with pytest.raises(roster.NeedsConfirmation) as exc:
        roster.record_revision(system, values)
    assert any(v.rule == rules.QUALIFICATION for v in exc.value.violations)
    assert roster.month_view(system, MONTH).people("2026-12-01", night)[0].id == doctors[0]  # nothing changed
    roster.record_revision(system, values, confirm_violations=True)
    assert roster.month_view(system, MONTH).people("2026-12-01", night)[0].name == "曾志伟"


def test_draft_is_visible_only_to_planners(system, posts, doctors, session_as):
    roster.assign(system, "2026-12-01", posts["night"].id, doctors[0])
    nurse = session_as(Role.CLINICIAN)
    with pytest.raises(errors.UserError, match="尚未发布"):
        roster.month_view(nurse, MONTH)
    roster.publish(system, MONTH, confirm_violations=True)
    assert roster.month_view(nurse, MONTH).people("2026-12-01", posts["night"].id)[0].name == "张三"
    with pytest.raises(errors.PermissionDenied):
        roster.assign(nurse, "2026-12-02", posts["night"].id, doctors[1])


def test_a_draft_shows_a_department_head_her_posts_and_her_people_only(system, hospital, posts, doctors,
                                                                       session_as):
    surgery = roster.save_post(system, {"name": "外科一线", "kind": "一线", "group_name": "外科系统",
                                        "department_id": hospital.departments["外科"]})
    their_night = roster.save_shift(system, surgery.id, {"name": "夜班", "starts": "17:30", "ends": "08:00"})
    night = posts["night"].id
    roster.assign(system, "2026-12-01", night, doctors[0])  # 张三 on 内科一线
    roster.assign(system, "2026-12-10", their_night.id, doctors[0])  # and on 外科一线: she is busy that night
    roster.assign(system, "2026-12-02", their_night.id, hospital.staff["李四"])  # 外科's own draft
    head = session_as(Role.DEPT_HEAD, "内科")
    view = roster.month_view(head, MONTH)
    assert {p.name for p in view.posts} == {"内科一线", "内科一病区护理夜班"} and view.editable
    assert set(view.cells) == {("2026-12-01", night), ("2026-12-10", their_night.id)}
    assert [t.name for t in view.tallies] == ["张三"]
    for found in (view.violations, roster.check_month(head, MONTH)):
        assert found and all(v.post_name != "外科一线" or v.staff_id == doctors[0] for v in found)
    assert any(v.post_name == "外科一线" and v.staff_id is None for v in roster.check_month(system, MONTH))
    roster.publish(system, MONTH, confirm_violations=True)
    published = roster.month_view(head, MONTH)  # the published roster is the whole hospital's
    assert ("2026-12-02", their_night.id) in published.cells and "外科一线" in {p.name for p in published.posts}


def test_department_head_plans_only_own_posts(posts, doctors, session_as):
    head = session_as(Role.DEPT_HEAD, "内科")
    roster.assign(head, "2026-12-01", posts["night"].id, doctors[0])
    roster.assign(head, "2026-12-01", posts["ward_night"].id, doctors[1])  # the ward under 内科
    with pytest.raises(errors.PermissionDenied, match="本科室"):
        roster.assign(head, "2026-12-01", posts["chief_shift"].id, doctors[2])


def test_post_and_shift_validation(system):
    with pytest.raises(errors.ValidationError) as exc:
        roster.save_post(system, {"name": "", "kind": "乱写", "headcount": 0, "min_title_rank": 9})
    assert {f.label for f in exc.value.findings} == {"岗位名称", "岗位类型", "每班人数", "最低职称"}
    post = roster.save_post(system, {"name": "医技值班", "kind": "医技值班", "group_name": "医技"})
    with pytest.raises(errors.ValidationError) as exc:
        roster.save_shift(system, post.id, {"name": "夜班", "starts": "25:00", "ends": "8点",
                                            "on_workdays": False, "on_weekends": False, "on_holidays": False})
    assert {f.label for f in exc.value.findings} == {"开始时间", "结束时间", "适用日"}
    shift = roster.save_shift(system, post.id, {"name": "夜班", "starts": "17：30", "ends": "8:00"})
    assert (shift.starts, shift.ends) == ("17:30", "08:00")
    chief = roster.save_post(system, {"name": "护理总值班", "kind": "护理总值班", "group_name": "总值班"})
    assert chief.duty_training_required  # 总值班 posts need the training by default


def test_dashboard_shows_gaps_and_unpublished_months(system, posts, clock):
    from desktop_app.dashboard import StartupHealth, collect

    clock.advance(days=4)  # 2026-11-27: past the default publishing day (25th)
    titles = [t.title for t in collect(system, StartupHealth(integrity_checked=True))]
    assert any("个班次人数不足" in t for t in titles)
    assert any("2026-12 的值班表尚未发布" in t for t in titles)


def test_publishing_or_revising_a_month_changed_meanwhile_writes_nothing(system, posts, doctors, db, monkeypatch):
    """Another computer published the month, or recorded a revision, after this one read it."""
    night = posts["night"].id
    roster.assign(system, "2026-12-01", night, doctors[0])
    roster.assign(system, "2026-12-03", night, doctors[1])
    draft = roster.month_status(system, MONTH)
    roster.publish(system, MONTH, confirm_violations=True)
    with monkeypatch.context() as m:
        m.setattr(roster.repo, "month", lambda _db, _month: draft)  # as read before the other publication
        with pytest.raises(errors.Conflict, match="刚被他人发布"):
            roster.publish(system, MONTH, confirm_violations=True)
    first = roster.month_status(system, MONTH)
    base = {"kind": "替班", "shift_id": night, "reason": "病假", "requested_by": "张三", "approved_by": "内科主任"}
    roster.record_revision(system, {**base, "date": "2026-12-03", "from_staff_id": doctors[1],
                                    "to_staff_id": doctors[3]}, confirm_violations=True)
    audit_rows = db.scalar("SELECT count(*) FROM audit_log")
    with monkeypatch.context() as m:
        m.setattr(roster.repo, "month", lambda _db, _month: first)  # version 1: the revision above not seen
        with pytest.raises(errors.Conflict, match="刚被他人修改过"):
            roster.record_revision(system, {**base, "date": "2026-12-01", "from_staff_id": doctors[0],
                                            "to_staff_id": doctors[2]}, confirm_violations=True)
    view = roster.month_view(system, MONTH)
    assert view.version == 2 and [r.date for r in view.revisions] == ["2026-12-03"]
    assert view.people("2026-12-01", night)[0].id == doctors[0]  # the duty was not moved either
    assert db.scalar("SELECT count(*) FROM audit_log") == audit_rows
