"""Sessions, audience (应到), sign-in (实到) and scores: the rules a quality officer meets."""
import pytest

from desktop_app import errors
from desktop_app.accounts.permissions import Role
from desktop_app.training import service as training
from desktop_app.training.models import Audience


def test_audience_resolves_to_the_staff_employed_that_day(system, hospital, cats):
    d = hospital.departments
    everyone = training.audience_people(system, Audience(everyone=True), "2026-11-20")
    assert len(everyone) == 7
    doctors_of_medicine = training.audience_people(system, Audience(departments=(d["内科"],), categories=("护士",)),
                                                   "2026-11-20")
    assert [p["name"] for p in doctors_of_medicine] == ["王芳", "赵敏"]  # the ward under 内科 is included
    named = training.audience_people(system, Audience(staff=(hospital.staff["周明"],)), "2026-11-20")
    assert [p["name"] for p in named] == ["周明"]


def test_planning_a_session_sets_expected_and_an_audited_label(system, hospital, cats, db):
    s = training.save_session(system, {
        "title": "医疗质量安全核心制度培训（一）", "category_id": cats["core"], "date": "2026-11-20", "starts": "14:30",
        "ends": "16:30", "place": "门诊楼六楼会议室", "lecturer": "周明", "lecturer_title": "主任医师", "hours": "2",
        "department_id": hospital.departments["医务科"], "audience": Audience(categories=("医师",))})
    assert s.expected == 3 and s.audience_label == "全院医师" and s.when == "2026-11-20 14:30–16:30"
    assert not s.attendance_recorded and all(a.present is None for a in s.attendees)
    after = db.scalar("SELECT after_json FROM audit_log WHERE entity = 'training' ORDER BY id DESC LIMIT 1")
    assert "全院医师" in after and "门诊楼六楼会议室" in after


def test_session_form_findings_name_every_field(system, cats):
    with pytest.raises(errors.ValidationError) as caught:
        training.save_session(system, {"title": "", "date": "2026-13-45", "starts": "25:00", "hours": "两小时",
                                       "form": "函授"})
    fields = {f.label for f in caught.value.findings}
    assert fields == {"培训主题", "类别", "日期", "开始时间", "学时", "形式", "培训对象"}


def test_attendance_ticks_the_absent_and_counts_walk_ins(system, hospital, cats, db):
    st = hospital.staff
    s = training.save_session(system, {"title": "三基培训", "category_id": cats["sanji"], "date": "2026-11-20",
                                       "audience": Audience(departments=(hospital.departments["内科"],))})
    expected = [a.staff_id for a in s.attendees]
    rows = [{"staff_id": i, "present": i != st["赵敏"], "note": "病假" if i == st["赵敏"] else None} for i in expected]
    rows.append({"staff_id": st["周明"], "present": True})  # came although not expected
    done = training.record_attendance(system, s.id, rows)
    assert (done.expected, done.present) == (len(expected), len(expected))  # one absent, one walk-in
    zhao = next(a for a in done.attendees if a.staff_id == st["赵敏"])
    assert zhao.present is False and zhao.note == "病假"
    assert next(a for a in done.attendees if a.staff_id == st["周明"]).expected is False
    after = db.scalar("SELECT after_json FROM audit_log WHERE entity = 'training' ORDER BY id DESC LIMIT 1")
    assert "赵敏" in after and "周明" in after


def test_attendance_refusals_leave_nothing_half_saved(system, hospital, cats):
    st = hospital.staff
    future = training.save_session(system, {"title": "计划", "category_id": cats["core"], "date": "2026-12-10",
                                            "audience": Audience(everyone=True)})
    with pytest.raises(errors.ValidationError, match="在今天之后，还不能登记签到"):
        training.record_attendance(system, future.id, [{"staff_id": st["张三"], "present": True}])
    held = training.save_session(system, {"title": "已办", "category_id": cats["core"], "date": "2026-11-20",
                                          "audience": Audience(everyone=True)})
    with pytest.raises(errors.ValidationError, match="张三（D001）签到了两次"):
        training.record_attendance(system, held.id, [{"staff_id": st["张三"], "present": True},
                                                     {"staff_id": st["张三"], "present": True}])
    assert not training.get_session(system, held.id).attendance_recorded


def test_scores_pass_mark_make_ups_and_refusals(system, hospital, cats):
    st = hospital.staff
    s = training.save_session(system, {"title": "核心制度", "category_id": cats["core"], "date": "2026-11-20",
                                       "audience": Audience(everyone=True)})
    exam = training.save_assessment(system, {"session_id": s.id, "pass_mark": 80})
    assert exam.title == "核心制度考核" and exam.category_id == cats["core"] and exam.date == "2026-11-20"
    bad = [{"staff_id": st["张三"], "score": 120}, {"staff_id": st["王芳"], "score": "优"},
           {"staff_id": st["李四"], "score": 90, "attempt": 2}]
    with pytest.raises(errors.ValidationError) as caught:
        training.record_scores(system, exam.id, bad)
    text = caught.value.message
    assert "第 1 行 张三（D001）：成绩 120 超出 0–100 分" in text and "第 2 行 王芳（N001）：成绩“优”不是数字" in text
    assert "李四" in text and "没有上一次的成绩" in text
    done = training.record_scores(system, exam.id, [
        {"staff_id": st["张三"], "score": "85分"}, {"staff_id": st["王芳"], "score": 70},
        {"staff_id": st["王芳"], "score": 88, "attempt": 2}, {"staff_id": st["李四"], "score": ""}])
    assert (done.tested, done.passed_first, done.passed_final) == (2, 1, 2)
    with pytest.raises(errors.ValidationError, match="上一次已合格"):
        training.record_scores(system, exam.id, [{"staff_id": st["张三"], "score": 85},
                                                 {"staff_id": st["张三"], "score": 90, "attempt": 2}])
    with pytest.raises(errors.ValidationError, match="不能再改满分或合格分"):
        training.save_assessment(system, {"session_id": s.id, "pass_mark": 60}, exam.id)


def test_a_session_with_records_cannot_be_deleted(system, hospital, cats):
    s = training.save_session(system, {"title": "核心制度", "category_id": cats["core"], "date": "2026-11-20",
                                       "audience": Audience(everyone=True)})
    training.record_attendance(system, s.id, [{"staff_id": hospital.staff["张三"], "present": True}])
    with pytest.raises(errors.Conflict, match="已登记签到或考核成绩，不能删除"):
        training.delete_session(system, s.id)


def test_department_head_records_only_her_departments_sessions(session_as, hospital, cats):
    head = session_as(Role.DEPT_HEAD)  # 内科
    own = training.save_session(head, {"title": "科室三基", "category_id": cats["sanji"], "date": "2026-11-20",
                                       "department_id": hospital.departments["内科"], "form": "科室",
                                       "audience": Audience(departments=(hospital.departments["内科"],))})
    assert own.department == "内科"
    with pytest.raises(errors.PermissionDenied, match="只能登记本科室组织的培训"):
        training.save_session(head, {"title": "外科", "category_id": cats["sanji"], "date": "2026-11-20",
                                     "department_id": hospital.departments["外科"], "audience": Audience(everyone=True)})


def test_roster_reads_the_passed_duty_assessment(system, hospital, cats):
    from tests.training.conftest import hold
    from desktop_app.roster.repo import staff_info

    zhou = hospital.staff["周明"]
    assert staff_info(system.db)[zhou].duty_training_passed_on is None
    hold(system, cats["duty"], "2026-10-12", scores={zhou: [50, 75]}, title="总值班岗前培训")
    # failed on 10-12, passed the 补考 entered today (no date given): qualified from today, not 10-12
    assert staff_info(system.db)[zhou].duty_training_passed_on == "2026-11-23"
    hold(system, cats["duty"], "2026-11-02", scores={zhou: 90}, title="总值班培训（复训）")
    assert staff_info(system.db)[zhou].duty_training_passed_on == "2026-11-02"


def test_sheet_saves_sign_in_and_scores_together_or_not_at_all(system, hospital, cats):
    st = hospital.staff
    s = training.save_session(system, {"title": "核心制度", "category_id": cats["core"], "date": "2026-11-20",
                                       "audience": Audience(everyone=True)})
    exam = training.save_assessment(system, {"session_id": s.id})
    attendance = [{"staff_id": a.staff_id, "present": a.name != "赵敏"} for a in s.attendees]
    with pytest.raises(errors.ValidationError, match="超出"):
        training.record_sheet(system, s.id, attendance, exam.id, [{"staff_id": st["张三"], "score": 101}])
    assert not training.get_session(system, s.id).attendance_recorded  # the sign-in was not kept either
    done = training.record_sheet(system, s.id, attendance, exam.id, [{"staff_id": st["张三"], "score": 88}])
    assert done.present == 6 and done.assessments[0].passed_first == 1


def test_awareness_sample_draws_from_each_department(system, hospital):
    picked = training.sample_people(system, 1, "2026-11-20", seed=7)
    assert len(picked) == 5 and len({p["department_id"] for p in picked}) == 5  # one from each department
    medicine = training.sample_people(system, 5, "2026-11-20", department_ids=[hospital.departments["内科"]],
                                      categories=["医师"], seed=7)
    assert {p["name"] for p in medicine} == {"张三", "曾志伟"}
    with pytest.raises(errors.ValidationError, match="每个科室抽取 1–100 人"):
        training.sample_people(system, 0, "2026-11-20")


def test_a_make_up_is_dated_the_day_it_was_sat(system, hospital, cats, db):
    from desktop_app.training import repo

    st = hospital.staff
    s = training.save_session(system, {"title": "总值班岗前培训", "category_id": cats["duty"], "date": "2026-11-20",
                                       "audience": Audience(staff=(st["王芳"], st["张三"]))})
    exam = training.save_assessment(system, {"session_id": s.id, "pass_mark": 80})
    with pytest.raises(errors.ValidationError) as caught:
        training.record_scores(system, exam.id, [
            {"staff_id": st["王芳"], "score": 70}, {"staff_id": st["王芳"], "score": 88, "attempt": 2, "date": "2026-11-19"},
            {"staff_id": st["张三"], "score": 60}, {"staff_id": st["张三"], "score": 90, "attempt": 2, "date": "2026-11-30"}])
    assert [f.label for f in caught.value.findings] == ["补考日期", "补考日期"]
    assert "补考日期 2026-11-19 须在考核日期 2026-11-20 与今天之间" in caught.value.message
    assert not training.get_assessment(system, exam.id).results  # nothing half-saved

    rows = [{"staff_id": st["王芳"], "score": 70}, {"staff_id": st["王芳"], "score": 88, "attempt": 2, "date": "2026-11-21"},
            {"staff_id": st["张三"], "score": 60}, {"staff_id": st["张三"], "score": 90, "attempt": 2}]
    done = training.record_scores(system, exam.id, rows)
    dates = {(r.name, r.attempt): r.date for r in done.results}
    assert dates == {("王芳", 1): "2026-11-20", ("王芳", 2): "2026-11-21", ("张三", 1): "2026-11-20",
                     ("张三", 2): "2026-11-23"}  # no date given: the day the score was entered (today)
    # saving the list again (as the page does) keeps the dates; the 总值班 qualification counts from the pass
    training.record_scores(system, exam.id, [{k: v for k, v in r.items() if k != "date"} for r in rows])
    assert repo.duty_passed_dates(db)[st["王芳"]] == "2026-11-21"
    assert repo.duty_passed_dates(db)[st["张三"]] == "2026-11-23"
