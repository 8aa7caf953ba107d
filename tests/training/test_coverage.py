"""Coverage of the requirement rules: who still lacks what, per person, rule and department."""
import pytest

from desktop_app import errors
from desktop_app.accounts.permissions import Role
from desktop_app.people import service as people
from desktop_app.training import coverage as training_coverage
from desktop_app.training import service as training
from desktop_app.training.models import Audience, Requirement
from tests.training.conftest import hold

YEAR = ("2026-01-01", "2026-12-31")


def gaps(coverage, name):
    person = next(p for p in coverage.people if p.name == name)
    return {g.label.split("：")[0]: g.text() for g in person.gaps}


def only_rules(system, cats, *codes):
    """Keep the seeded rules of these categories active, switch the others off."""
    for r in training.list_requirements(system):
        training.save_requirement(system, {"category_id": r.category_id, "staff_group": r.staff_group,
                                           "times_per_year": r.times_per_year, "before_duty": r.before_duty,
                                           "must_pass": r.must_pass, "active": r.category_code in codes}, r.id)


def test_core_rule_counts_sessions_and_a_passed_exam(system, hospital, cats):
    only_rules(system, cats, "core")
    st = hospital.staff
    hold(system, cats["core"], "2026-03-10", scores={st["张三"]: 90, st["王芳"]: 50})
    hold(system, cats["core"], "2026-09-10", present={st["张三"], st["王芳"]})
    cov = training_coverage.coverage(system, *YEAR)
    assert gaps(cov, "张三") == {}
    assert gaps(cov, "王芳") == {"核心制度": "考核未合格"}
    assert gaps(cov, "李四") == {"核心制度": "还差 1 次，未参加考核"}  # came once, no exam result
    total = cov.total
    assert (total.department, total.people, total.complete) == ("全院", 7, 1)
    rule = cov.by_requirement[0]
    assert (rule.people, rule.met) == (7, 1)


def test_make_up_exam_counts_as_passed(system, hospital, cats):
    only_rules(system, cats, "core")
    wang = hospital.staff["王芳"]
    hold(system, cats["core"], "2026-03-10", scores={wang: [50, 75]})
    hold(system, cats["core"], "2026-09-10", present={wang})
    assert gaps(training_coverage.coverage(system, *YEAR), "王芳") == {}


def test_new_staff_owe_a_share_and_staff_who_left_are_not_counted(system, hospital, cats):
    only_rules(system, cats, "core", "prejob")
    d = hospital.departments
    new = people.create_staff(system, {"employee_no": "N010", "name": "新护士", "department_id": d["内科一病区"],
                                       "category": "护士", "hire_date": "2026-10-08"}).id
    people.update_staff(system, hospital.staff["李四"], {"on_duty": False, "leave_date": "2026-06-30"})
    cov = training_coverage.coverage(system, *YEAR)
    assert "李四" not in {p.name for p in cov.people} and cov.left == 1
    newcomer = next(p for p in cov.people if p.staff_id == new)
    core = next(g for g in newcomer.results if g.label.startswith("核心制度"))
    assert core.required == 1  # 2 a year × 85 of 365 days, rounded up
    assert gaps(cov, "新护士") == {"核心制度": "还差 1 次，未参加考核", "岗前培训": "还差 1 次"}
    assert "岗前培训" not in gaps(cov, "张三")  # not new this year
    hold(system, cats["prejob"], "2026-10-08", audience=Audience(staff=(new,)))
    assert "岗前培训" not in gaps(training_coverage.coverage(system, *YEAR), "新护士")


def test_half_year_asks_half_rounded_up(system, hospital, cats):
    only_rules(system, cats, "core")
    hold(system, cats["core"], "2026-03-10", scores={hospital.staff["张三"]: 90})
    cov = training_coverage.coverage(system, "2026-01-01", "2026-06-30")
    assert gaps(cov, "张三") == {}
    assert gaps(cov, "孙立") == {"核心制度": "未参加考核"}  # attended (the half year's one), not examined


def test_required_in_proportion():
    rule = Requirement(1, 1, "核心制度", "core", "全体人员", 2, False, True, True, None)
    assert [rule.required_in(days, 365) for days in (365, 181, 182, 1, 0)] == [2, 1, 1, 1, 0]


def test_duty_staff_need_a_passed_duty_assessment_before_duty(system, hospital, cats):
    from desktop_app.roster import service as roster

    only_rules(system, cats, "duty")
    post = roster.save_post(system, {"name": "医院总值班", "kind": "医院总值班", "group_name": "总值班"})
    roster.set_rotation(system, post.id, [hospital.staff["周明"], hospital.staff["李四"]])
    cov = training_coverage.coverage(system, *YEAR)
    assert {p.name for p in cov.people if p.gaps} == {"周明", "李四"}
    assert gaps(cov, "周明") == {"总值班培训": "未参加考核"}
    hold(system, cats["duty"], "2026-02-01", scores={hospital.staff["周明"]: 88}, audience=Audience(
        staff=(hospital.staff["周明"],)))
    people.update_staff(system, hospital.staff["李四"], {"duty_training_passed_on": "2025-12-20"})  # before the module
    assert not [p for p in training_coverage.coverage(system, *YEAR).people if p.gaps]


def test_awareness_per_department_uses_the_first_attempt(system, hospital, cats):
    st = hospital.staff
    survey = training.save_assessment(system, {"kind": "知晓率调查", "title": "核心制度知晓率抽考",
                                               "category_id": cats["core"], "date": "2026-11-15"})
    training.record_scores(system, survey.id, [
        {"staff_id": st["张三"], "score": 95}, {"staff_id": st["曾志伟"], "score": 40},
        {"staff_id": st["曾志伟"], "score": 80, "attempt": 2}, {"staff_id": st["王芳"], "score": 70}])
    cov = training_coverage.coverage(system, *YEAR)
    medicine = next(d for d in cov.by_department if d.department == "内科")
    assert (medicine.tested, medicine.aware, medicine.awareness) == (2, 1, 0.5)
    assert cov.total.awareness == pytest.approx(2 / 3) and cov.awareness_target == 0.9


def test_department_head_sees_her_department_only(session_as, hospital, cats):
    head = session_as(Role.DEPT_HEAD)  # 内科 (and 内科一病区)
    cov = training_coverage.coverage(head, *YEAR)
    assert {p.department for p in cov.people} == {"内科", "内科一病区"} and cov.total.department == "合计"
    with pytest.raises(errors.PermissionDenied):
        training_coverage.coverage(head, *YEAR, department_id=hospital.departments["外科"])
    with pytest.raises(errors.PermissionDenied):
        training_coverage.transcript(head, hospital.staff["李四"])


def test_transcript_lists_sessions_and_exams_with_hours(system, hospital, cats):
    st = hospital.staff
    hold(system, cats["core"], "2026-03-10", scores={st["王芳"]: [50, 75]}, title="核心制度培训（一）")
    hold(system, cats["sanji"], "2026-04-10", present={st["张三"]}, title="三基理论")
    t = training_coverage.transcript(system, st["王芳"])
    assert [(s.title, s.present) for s in t.sessions] == [("核心制度培训（一）", True), ("三基理论", False)]
    assert [(e.attempt, e.score, e.passed) for e in t.exams] == [(1, 50, False), (2, 75, True)]
    assert t.hours == 0  # sessions planned without 学时
