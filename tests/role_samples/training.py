"""培训考核: what the role-matrix test calls (see tests/role_samples/__init__.py)."""
from __future__ import annotations

import desktop_app.session  # noqa: F401 - samples call desktop_app.session.SYSTEM_ACTOR
from tests.role_samples import OTHER

YEAR = ("2026-01-01", "2026-12-31")


def build(system, h, users, folder) -> dict:
    """内科's own 三基 session (held, with an exam), a planned hospital-wide one, an exam without results;
    外科's own session (held, signed in, with an exam, and an exam without results), a planned one of
    外科's, and a 知晓率调查 of 外科's people (standalone: the hospital's)."""
    from desktop_app.training import service as training
    from desktop_app.training.models import Audience

    cats = {c.code: c.id for c in training.list_categories(system)}
    held = training.save_session(system, {"title": "内科三基三严培训", "category_id": cats["sanji"], "date": "2026-11-10",
                                          "department_id": h.departments["内科"],
                                          "audience": Audience(departments=(h.departments["内科"],))})
    exam = training.save_assessment(system, {"session_id": held.id})
    empty = training.save_assessment(system, {"session_id": held.id, "title": "第二次考核"})
    planned = training.save_session(system, {"title": "核心制度培训", "category_id": cats["core"], "date": "2026-12-10",
                                             "department_id": h.departments["内科"], "audience": Audience(everyone=True)})
    # 外科's records, for the other-department calls (李四 is 外科's one doctor)
    surgery, li = h.departments["外科"], h.staff["李四"]
    other_held = training.save_session(system, {
        "title": f"{OTHER}手术安全核查培训", "category_id": cats["core"], "date": "2026-11-12", "department_id": surgery,
        "audience": Audience(departments=(surgery,))})
    training.record_attendance(system, other_held.id, [{"staff_id": li, "present": True}])
    other_exam = training.save_assessment(system, {"session_id": other_held.id, "title": f"{OTHER}手术安全核查考核"})
    training.record_scores(system, other_exam.id, [{"staff_id": li, "score": 88}])
    other_empty = training.save_assessment(system, {"session_id": other_held.id, "title": f"{OTHER}补充考核"})
    other_planned = training.save_session(system, {
        "title": f"{OTHER}围手术期管理培训", "category_id": cats["sanji"], "date": "2026-12-12", "department_id": surgery,
        "audience": Audience(departments=(surgery,))})
    other_survey = training.save_assessment(system, {
        "kind": "知晓率调查", "title": f"{OTHER}核心制度知晓率抽考", "category_id": cats["core"], "date": "2026-11-15"})
    training.record_scores(system, other_survey.id, [{"staff_id": li, "score": 70}])
    return {"sanji": cats["sanji"], "core": cats["core"], "held": held.id, "exam": exam.id, "empty_exam": empty.id,
            "planned": planned.id, "other_held": other_held.id, "other_exam": other_exam.id,
            "other_empty_exam": other_empty.id, "other_planned": other_planned.id, "other_survey": other_survey.id}


def samples(ctx):
    from desktop_app.training import coverage as training_coverage
    from desktop_app.training import service as training
    from desktop_app.training.models import Audience

    h, t = ctx["hospital"], ctx["training"]
    return {
        "training.service.reachable_departments": lambda s: training.reachable_departments(s),
        "training.service.list_categories": lambda s: training.list_categories(s),
        "training.service.save_category": lambda s: training.save_category(s, None, "医患沟通"),
        "training.service.audience_people": lambda s: training.audience_people(s, Audience(everyone=True), "2026-11-20"),
        "training.service.sample_people": lambda s: training.sample_people(s, 2, "2026-11-20", seed=1),
        "training.service.save_session": lambda s: training.save_session(s, {
            "title": "内科三基培训", "category_id": t["sanji"], "date": "2026-11-25", "department_id": h.departments["内科"],
            "audience": Audience(departments=(h.departments["内科"],))}),
        "training.service.delete_session": lambda s: training.delete_session(s, t["planned"]),
        "training.service.list_sessions": lambda s: training.list_sessions(s, "2026-01-01", "2026-12-31"),
        "training.service.get_session": lambda s: training.get_session(s, t["held"]),
        "training.service.record_attendance": lambda s: training.record_attendance(s, t["held"], [
            {"staff_id": h.staff["张三"], "present": True}, {"staff_id": h.staff["王芳"], "present": False}]),
        "training.service.record_sheet": lambda s: training.record_sheet(s, t["held"], [
            {"staff_id": h.staff["张三"], "present": True}], t["exam"], [{"staff_id": h.staff["张三"], "score": 70}]),
        "training.service.save_assessment": lambda s: training.save_assessment(s, {"session_id": t["held"],
                                                                                   "title": "补充考核"}),
        "training.service.get_assessment": lambda s: training.get_assessment(s, t["exam"]),
        "training.service.list_assessments": lambda s: training.list_assessments(s, "2026-01-01", "2026-12-31"),
        "training.service.record_scores": lambda s: training.record_scores(s, t["exam"], [
            {"staff_id": h.staff["张三"], "score": 90}]),
        "training.service.delete_assessment": lambda s: training.delete_assessment(s, t["empty_exam"]),
        "training.service.list_requirements": lambda s: training.list_requirements(s),
        "training.service.save_requirement": lambda s: training.save_requirement(s, {
            "category_id": t["sanji"], "staff_group": "护士", "times_per_year": 4}),
        "training.coverage.coverage": lambda s: training_coverage.coverage(s, "2026-01-01", "2026-12-31"),
        "training.coverage.transcript": lambda s: training_coverage.transcript(s, h.staff["张三"]),
        **training_output_samples(ctx),
    }


def training_output_samples(ctx):
    from desktop_app.training import excel_io as training_excel
    from desktop_app.training import reports as training_reports
    from tests.excel.files import write_xlsx

    h, t = ctx["hospital"], ctx["training"]

    def sign_in_file():
        return write_xlsx(ctx["path"].parent / "签到导入.xlsx", [["姓名", "签到", "成绩"], ["张三", "到", 90]])

    def sign_in_plan(s):
        return training_excel.preview_attendance_import(s.as_actor(desktop_app.session.SYSTEM_ACTOR), sign_in_file(),
                                                        t["held"], t["exam"])

    return {
        "training.excel_io.preview_attendance_import": lambda s: training_excel.preview_attendance_import(
            s, sign_in_file(), t["held"], t["exam"]),
        "training.excel_io.apply_attendance_import": lambda s: training_excel.apply_attendance_import(
            s, sign_in_plan(s)),
        "training.excel_io.write_attendance_template": lambda s: training_excel.write_attendance_template(
            s, ctx["path"].parent / "签到导入模板.xlsx", t["held"]),
        "training.reports.session_snapshot": lambda s: training_reports.session_snapshot(s, t["held"]),
        "training.reports.transcript_snapshot": lambda s: training_reports.transcript_snapshot(s, h.staff["张三"]),
        "training.reports.coverage_snapshot": lambda s: training_reports.coverage_snapshot(
            s, "2026-01-01", "2026-12-31"),
    }


# The hospital's categories and requirement rules, and the staff list an audience or a 知晓率 sample
# is drawn from (everyone may read the staff list): the same for every department. A 科室负责人 sees
# the training her department organises and the training her people were expected at or came to
# (a hospital-wide session with its whole sign-in sheet); she records only the training her
# department organises: not 外科's, not the hospital's own (no 组织科室), not a standalone 知晓率调查.
HOSPITAL_WIDE = {
    "training.service.list_categories", "training.service.list_requirements", "training.service.audience_people",
    "training.service.sample_people",
}


def _through(*calls, written=None):
    """One sample of several calls: refused when every call is refused; OTHER when one got past the
    scope check (it returned, or failed for a reason other than a refusal), or when ``written(s)``
    finds what a call wrote before something refused it (e.g. reading back the record it made)."""
    def run(s):
        from desktop_app import errors

        for call in calls:
            try:
                call(s)
            except errors.PermissionDenied:
                continue
            except errors.UserError:
                return OTHER
            return OTHER
        if written is not None and written(s):
            return OTHER
        raise errors.PermissionDenied("every call refused")
    return run


def _titled(list_of, *titles):
    """``written`` for _through: a record with one of these titles exists (as the system sees it)."""
    def found(s):
        system = s.as_actor(desktop_app.session.SYSTEM_ACTOR)
        return any(r.title in titles for r in list_of(system))
    return found


def other_department(ctx):
    from desktop_app import errors
    from desktop_app.training import coverage as training_coverage
    from desktop_app.training import excel_io as training_excel
    from desktop_app.training import reports as training_reports
    from desktop_app.training import service as training
    from desktop_app.training.models import Audience
    from tests.excel.files import write_xlsx

    h, t = ctx["hospital"], ctx["training"]
    surgery, medicine, li = h.departments["外科"], h.departments["内科"], h.staff["李四"]

    def sign_in_file():
        return write_xlsx(ctx["path"].parent / "外科签到导入.xlsx", [["姓名", "签到", "成绩"], ["李四", "到", 90]])

    def other_plan():
        system = desktop_app.session.SYSTEM_ACTOR
        return lambda s: training_excel.preview_attendance_import(s.as_actor(system), sign_in_file(), t["other_held"],
                                                                  t["other_exam"])

    def coverage_of(make):
        """外科's coverage asked for by name (refused), and the whole reach's: 外科's people or
        departments in it, or session figures counting more sessions than the user's list shows."""
        def run(s):
            try:
                make(s, surgery)
            except errors.PermissionDenied:
                pass
            else:
                return OTHER
            cov = make(s, None)
            cov = getattr(cov, "coverage", cov)  # the snapshot holds the coverage
            seen = [p for p in cov.people if p.department_id == surgery]
            seen += [d for d in cov.by_department if d.department_id == surgery]
            return OTHER if seen or cov.sessions > len(training.list_sessions(s, *YEAR)) else []
        return run

    def as_system(s):
        return s.as_actor(desktop_app.session.SYSTEM_ACTOR)

    def scored(value):  # ``written``: 李四 has this score in 外科's exam or survey
        return lambda s: any(r.score == value for a in (t["other_exam"], t["other_survey"])
                             for r in training.get_assessment(as_system(s), a).results)

    def noted(s):  # ``written``: 外科's sign-in carries the note the calls below write
        return any(a.note == "内科代登记" for a in training.get_session(as_system(s), t["other_held"]).attendees)

    sheet = [{"staff_id": li, "present": True, "note": "内科代登记"}]
    return {
        "training.service.reachable_departments": lambda s: (
            OTHER if (r := training.reachable_departments(s)) is None or surgery in r else r),
        "training.service.save_session": _through(
            lambda s: training.save_session(s, {"title": f"{OTHER}外科三基培训", "category_id": t["sanji"],
                                                "date": "2026-11-25", "department_id": surgery,
                                                "audience": Audience(departments=(surgery,))}),
            lambda s: training.save_session(s, {"title": "改由内科组织", "category_id": t["sanji"], "date": "2026-12-12",
                                                "department_id": medicine,
                                                "audience": Audience(departments=(medicine,))}, t["other_planned"]),
            lambda s: training.save_session(s, {"title": "全院培训", "category_id": t["sanji"], "date": "2026-12-12",
                                                "audience": Audience(everyone=True)}),
            written=_titled(lambda s: training.list_sessions(s, *YEAR), f"{OTHER}外科三基培训", "改由内科组织", "全院培训")),
        "training.service.delete_session": _through(lambda s: training.delete_session(s, t["other_planned"])),
        "training.service.list_sessions": lambda s: training.list_sessions(s, *YEAR),
        "training.service.get_session": lambda s: training.get_session(s, t["other_held"]),
        "training.service.record_attendance": _through(
            lambda s: training.record_attendance(s, t["other_held"], sheet), written=noted),
        "training.service.record_sheet": _through(lambda s: training.record_sheet(
            s, t["other_held"], sheet, t["other_exam"], [{"staff_id": li, "score": 91}]), written=noted),
        "training.service.save_assessment": _through(
            lambda s: training.save_assessment(s, {"session_id": t["other_held"], "title": f"{OTHER}再次考核"}),
            lambda s: training.save_assessment(s, {"session_id": t["held"], "title": "移到内科的考核"},
                                               t["other_empty_exam"]),
            lambda s: training.save_assessment(s, {"kind": "知晓率调查", "title": "内科自拟知晓率调查",
                                                   "category_id": t["core"], "date": "2026-11-20"}),
            written=_titled(lambda s: training.list_assessments(s, *YEAR), f"{OTHER}再次考核", "移到内科的考核",
                            "内科自拟知晓率调查")),
        "training.service.get_assessment": _through(lambda s: training.get_assessment(s, t["other_exam"]),
                                                    lambda s: training.get_assessment(s, t["other_survey"])),
        "training.service.list_assessments": lambda s: training.list_assessments(s, *YEAR),
        "training.service.record_scores": _through(
            lambda s: training.record_scores(s, t["other_exam"], [{"staff_id": li, "score": 95}]),
            lambda s: training.record_scores(s, t["other_survey"], [{"staff_id": li, "score": 95}]),
            written=scored(95)),
        "training.service.delete_assessment": _through(
            lambda s: training.delete_assessment(s, t["other_empty_exam"])),
        "training.coverage.coverage": coverage_of(lambda s, d: training_coverage.coverage(s, *YEAR, d)),
        "training.coverage.transcript": lambda s: training_coverage.transcript(s, li),
        "training.excel_io.preview_attendance_import": lambda s: training_excel.preview_attendance_import(
            s, sign_in_file(), t["other_held"], t["other_exam"]),
        "training.excel_io.apply_attendance_import": _through(
            lambda s: training_excel.apply_attendance_import(s, other_plan()(s)), written=scored(90)),
        "training.excel_io.write_attendance_template": _through(lambda s: training_excel.write_attendance_template(
            s, ctx["path"].parent / "外科签到导入模板.xlsx", t["other_held"])),
        "training.reports.session_snapshot": lambda s: training_reports.session_snapshot(s, t["other_held"]),
        "training.reports.transcript_snapshot": lambda s: training_reports.transcript_snapshot(s, li),
        "training.reports.coverage_snapshot": coverage_of(
            lambda s, d: training_reports.coverage_snapshot(s, *YEAR, d)),
    }
