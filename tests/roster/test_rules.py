"""Each duty rule with a passing and a failing case, on a small hospital's December roster."""

from desktop_app.roster import rules, service as roster
from desktop_app.roster.calendar import HOLIDAY, WEEKEND, WORKDAY, DayTypes

MONTH = "2026-12"


def found(violations, rule, date=None, staff=None):
    return [v for v in violations if v.rule == rule and (date is None or v.date == date)
            and (staff is None or v.staff_name == staff)]


def test_shift_times(posts):
    assert posts["night"].overnight and posts["night"].hours == 14.5 and posts["night"].is_night
    assert posts["chief_shift"].hours == 24 and posts["chief_shift"].is_night
    assert not posts["day"].is_night and posts["day"].label() == "白班 08:00–17:30"


def test_calendar_knows_holidays_and_makeup_workdays(db):
    import datetime as dt

    days = DayTypes.load(db, dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    assert days.kind(dt.date(2026, 10, 1)) == HOLIDAY
    assert days.kind(dt.date(2026, 10, 10)) == WORKDAY  # a Saturday worked for 国庆节
    assert days.kind(dt.date(2026, 12, 5)) == WEEKEND and days.kind(dt.date(2026, 12, 7)) == WORKDAY


def test_coverage_every_slot_every_day(system, posts, hospital):
    empty = roster.check_month(system, MONTH)
    gaps = found(empty, rules.COVERAGE)
    # 31 nights × 3 night posts + 23 workday day shifts (December 2026 has 8 weekend days)
    assert len(gaps) == 31 * 3 + 23
    assert found(gaps, rules.COVERAGE, "2026-12-05")[0].shift_name != "白班"  # no day shift on a Saturday
    roster.assign(system, "2026-12-01", posts["night"].id, hospital.staff["张三"])
    assert not [v for v in roster.check_month(system, MONTH)
                if v.date == "2026-12-01" and v.shift_id == posts["night"].id]


def test_headcount_and_registered_staff(system, posts, hospital):
    live = roster.assign(system, "2026-12-02", posts["ward_night"].id, hospital.staff["赵敏"])  # 实习, alone
    assert found(live, rules.REGISTERED, "2026-12-02") and "不得单独值班" in found(live, rules.REGISTERED)[0].message
    assert "只排了 1 人" in found(live, rules.COVERAGE, "2026-12-02")[0].message
    live = roster.assign(system, "2026-12-02", posts["ward_night"].id, hospital.staff["王芳"])
    assert not found(live, rules.REGISTERED) and not found(live, rules.COVERAGE)


def test_qualification(system, posts, hospital):
    live = roster.assign(system, "2026-12-03", posts["night"].id, hospital.staff["曾志伟"])  # 规培, no licence
    assert any("没有执业证书" in v.message for v in found(live, rules.QUALIFICATION, staff="曾志伟"))
    live = roster.assign(system, "2026-12-04", posts["night"].id, hospital.staff["王芳"])  # a nurse
    assert any("岗位要求医师" in v.message for v in found(live, rules.QUALIFICATION, staff="王芳"))
    live = roster.assign(system, "2026-12-04", posts["chief_shift"].id, hospital.staff["周明"])
    assert any("未经总值班培训" in v.message for v in found(live, rules.QUALIFICATION, staff="周明"))
    from desktop_app.people import service as people

    people.update_staff(system, hospital.staff["周明"], {"duty_training_passed_on": "2026-06-30"})
    assert not found(roster.check_month(system, MONTH), rules.QUALIFICATION, "2026-12-04", staff="周明")
    people.update_staff(system, hospital.staff["张三"], {"on_duty": False, "leave_date": "2026-11-30"})
    live = roster.assign(system, "2026-12-05", posts["night"].id, hospital.staff["张三"])
    assert any("已离岗" in v.message for v in found(live, rules.QUALIFICATION, staff="张三"))


def test_overlap_and_rest_after_night(system, posts, hospital):
    zs = hospital.staff["张三"]
    roster.assign(system, "2026-12-07", posts["night"].id, zs)
    live = roster.assign(system, "2026-12-07", posts["chief_shift"].id, zs)  # 24 h over the same night
    assert found(live, rules.OVERLAP, staff="张三")
    roster.unassign(system, "2026-12-07", posts["chief_shift"].id, zs)
    live = roster.assign(system, "2026-12-08", posts["day"].id, zs)  # 白班 right after the night
    rest = found(live, rules.REST, "2026-12-08", staff="张三")
    assert rest and "仅隔 0 小时" in rest[0].message
    roster.unassign(system, "2026-12-08", posts["day"].id, zs)
    live = roster.assign(system, "2026-12-09", posts["day"].id, zs)  # a day later: rested
    assert not found(live, rules.REST) and not found(live, rules.OVERLAP)


def test_consecutive_nights(system, posts, hospital):
    zs = hospital.staff["张三"]
    roster.assign(system, "2026-12-10", posts["night"].id, zs)
    live = roster.assign(system, "2026-12-11", posts["night"].id, zs)
    assert not found(live, rules.NIGHTS)  # two in a row is allowed by default
    live = roster.assign(system, "2026-12-12", posts["night"].id, zs)
    nights = found(live, rules.NIGHTS, "2026-12-12", staff="张三")
    assert nights and "连续第 3 个" in nights[0].message


def test_month_edges_are_judged_with_the_previous_month(system, posts, hospital):
    zs = hospital.staff["张三"]
    roster.assign(system, "2026-11-30", posts["night"].id, zs)
    live = roster.assign(system, "2026-12-01", posts["day"].id, zs)
    assert found(live, rules.REST, "2026-12-01")


def test_violation_names_date_post_person_and_rule(system, posts, hospital):
    live = roster.assign(system, "2026-12-03", posts["night"].id, hospital.staff["曾志伟"])
    v = found(live, rules.QUALIFICATION)[0]
    assert (v.date, v.post_name, v.shift_name, v.staff_name) == ("2026-12-03", "内科一线", "夜班", "曾志伟")
    assert v.text().startswith("【资质不符】2026-12-03 内科一线·夜班 曾志伟：")


def test_tallies_count_nights_weekends_holidays_and_hours(system, posts, hospital):
    zs = hospital.staff["张三"]
    roster.assign(system, "2026-12-05", posts["night"].id, zs)   # Saturday night
    roster.assign(system, "2026-12-07", posts["day"].id, zs)     # Monday day
    view = roster.month_view(system, MONTH)
    tally = next(t for t in view.tallies if t.staff_id == zs)
    assert (tally.duties, tally.nights, tally.weekends, tally.hours) == (2, 1, 1, 24.0)


def test_candidates_qualified_first_and_pinyin(system, posts, hospital):
    people = roster.candidates(system, "2026-12-14", posts["night"].id)
    assert people[0].staff.name == "张三" and people[0].qualifies
    assert all(c.staff.category == "医师" for c in people)
    zzw = next(c for c in people if c.staff.name == "曾志伟")
    assert not zzw.qualifies and any("执业证书" in p for p in zzw.problems)
    assert [c.staff.name for c in roster.candidates(system, "2026-12-14", posts["night"].id, "zs")] == ["张三"]
    roster.assign(system, "2026-12-14", posts["chief_shift"].id, hospital.staff["李四"])
    lisi = next(c for c in roster.candidates(system, "2026-12-14", posts["night"].id) if c.staff.name == "李四")
    assert "已排医院总值班" in lisi.busy
