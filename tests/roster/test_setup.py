"""A post saved with its shifts in one step; holidays added as a run and removed together."""
import pytest

from desktop_app import errors
from desktop_app.roster import calendar, service as roster, setup

DAY = {"name": "白班", "starts": "08:00", "ends": "17:30", "on_weekends": False, "on_holidays": False}
NIGHT = {"name": "夜班", "starts": "17:30", "ends": "08:00"}


def audit_count(db):
    return db.scalar("SELECT count(*) FROM audit_log")


def test_new_post_and_its_shifts_are_saved_together(system, hospital):
    post = setup.save_post_with_shifts(system, {"name": "外科一线", "kind": "一线", "group_name": "外科系统",
                                                "department_id": hospital.departments["外科"]}, [DAY, NIGHT])
    assert [s.label() for s in post.shifts] == ["白班 08:00–17:30", "夜班 17:30–次日08:00"]
    assert [p.name for p in roster.list_posts(system)] == ["外科一线"]


def test_a_bad_shift_leaves_no_post_and_says_which_row(system, db):
    before = audit_count(db)
    with pytest.raises(errors.ValidationError) as exc:
        setup.save_post_with_shifts(system, {"name": "外科一线", "kind": "一线"},
                                    [DAY, {"name": "夜班", "starts": "25:00", "ends": "08:00"}])
    (finding,) = exc.value.findings
    assert (finding.row, finding.record, finding.label) == (2, "夜班", "开始时间")
    assert roster.list_posts(system, include_inactive=True) == [] and audit_count(db) == before


def test_post_and_shift_problems_are_reported_together(system):
    with pytest.raises(errors.ValidationError) as exc:
        setup.save_post_with_shifts(system, {"name": "", "kind": "一线"}, [DAY, dict(DAY)])
    assert {(f.row, f.label) for f in exc.value.findings} == {(None, "岗位名称"), (2, "班次名称")}
    assert roster.list_posts(system, include_inactive=True) == []


def test_editing_changes_only_what_changed_and_removes_by_deactivating(system, db):
    post = setup.save_post_with_shifts(system, {"name": "外科一线", "kind": "一线"}, [DAY, NIGHT])
    day, night = post.shifts
    before = audit_count(db)
    post = setup.save_post_with_shifts(system, {"headcount": 2}, [
        {"id": day.id, **DAY}, {"id": night.id, **NIGHT, "active": False}], post.id)
    assert post.headcount == 2
    assert [(s.name, s.active) for s in post.shifts] == [("白班", True), ("夜班", False)]
    assert audit_count(db) == before + 2  # the post and the night shift; the day shift did not change


def test_holiday_run_and_removal(system):
    assert setup.set_holiday_range(system, "2028-10-01", "2028-10-07", "法定节假日", "国庆节") == 7
    assert [h.date for h in calendar.list_holidays(system, 2028)][-1] == "2028-10-07"
    setup.remove_holidays(system, ["2028-10-06", "2028-10-07"])
    assert len(calendar.list_holidays(system, 2028)) == 5


def test_holiday_run_problems_write_nothing(system):
    with pytest.raises(errors.ValidationError) as exc:
        setup.set_holiday_range(system, "2028-10-07", "2028-10-01", "法定节假日", "国庆节")
    assert exc.value.findings[0].label == "至"
    with pytest.raises(errors.ValidationError) as exc:
        setup.set_holiday_range(system, "2028-10-01", "2028-10-03", "法定节假日", "")
    assert exc.value.findings[0].label == "名称"
    assert calendar.list_holidays(system, 2028) == []


def test_reader_cannot_set_up(session_as):
    from desktop_app.accounts.permissions import Role

    with pytest.raises(errors.PermissionDenied):
        setup.save_post_with_shifts(session_as(Role.CLINICIAN), {"name": "外科一线"}, [])
