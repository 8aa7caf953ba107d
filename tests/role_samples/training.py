"""培训考核: what the role-matrix test calls (see tests/role_samples/__init__.py)."""
from __future__ import annotations

import desktop_app.session  # noqa: F401 - samples call desktop_app.session.SYSTEM_ACTOR


def build(system, h, users, folder) -> dict:
    """内科's own 三基 session (held, with an exam), a planned hospital-wide one, an exam without results."""
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
    return {"sanji": cats["sanji"], "held": held.id, "exam": exam.id, "empty_exam": empty.id, "planned": planned.id}


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
