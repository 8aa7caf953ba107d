"""值班表: what the role-matrix test calls (see tests/role_samples/__init__.py)."""
from __future__ import annotations

import datetime as dt

import desktop_app.session  # noqa: F401 - samples call desktop_app.session.SYSTEM_ACTOR
from tests.role_samples import OTHER


def build(system, h, users, folder) -> dict:
    """内科一线 with a night shift and a rotation, and 外科's post likewise (its name and group carry
    OTHER); November published, December a draft with a duty on each."""
    from desktop_app.roster import service as roster

    post = roster.save_post(system, {"name": "内科一线", "kind": "一线", "group_name": "内科系统",
                                     "department_id": h.departments["内科"], "required_category": "医师"})
    night = roster.save_shift(system, post.id, {"name": "夜班", "starts": "17:30", "ends": "08:00"})
    roster.set_rotation(system, post.id, [h.staff["张三"], h.staff["李四"]])
    other = roster.save_post(system, {"name": f"{OTHER}外科一线", "kind": "一线", "group_name": f"{OTHER}外科系统",
                                      "department_id": h.departments["外科"], "required_category": "医师"})
    other_night = roster.save_shift(system, other.id, {"name": "夜班", "starts": "17:30", "ends": "08:00"})
    roster.set_rotation(system, other.id, [h.staff["李四"]])
    roster.assign(system, "2026-11-05", night.id, h.staff["张三"])
    roster.assign(system, "2026-11-06", other_night.id, h.staff["李四"])
    roster.publish(system, "2026-11", confirm_violations=True)
    roster.assign(system, "2026-12-01", night.id, h.staff["张三"])
    roster.assign(system, "2026-12-01", other_night.id, h.staff["李四"])
    return {"post": post.id, "night": night.id, "other_post": other.id, "other_night": other_night.id}


def samples(ctx):
    from desktop_app.roster import calendar, setup
    from desktop_app.roster import service as roster

    h, r = ctx["hospital"], ctx["roster"]
    night, zs, ls = r["night"], h.staff["张三"], h.staff["李四"]
    return {
        "roster.calendar.list_holidays": lambda s: calendar.list_holidays(s, 2026),
        "roster.calendar.set_holiday": lambda s: calendar.set_holiday(s, "2026-12-31", "法定节假日", "元旦"),
        "roster.calendar.confirm_year": lambda s: calendar.confirm_year(s, 2027),
        "roster.service.list_posts": lambda s: roster.list_posts(s),
        "roster.service.post_groups": lambda s: roster.post_groups(s),
        "roster.service.save_post": lambda s: roster.save_post(s, {"name": "外科一线", "kind": "一线",
                                                                   "group_name": "外科系统"}),
        "roster.service.save_shift": lambda s: roster.save_shift(s, r["post"], {"name": "白班", "starts": "08:00",
                                                                                "ends": "17:30"}),
        "roster.service.set_rotation": lambda s: roster.set_rotation(s, r["post"], [zs, ls]),
        "roster.service.rotation": lambda s: roster.rotation(s, r["post"]),
        "roster.service.month_view": lambda s: roster.month_view(s, "2026-11"),
        "roster.service.check_month": lambda s: roster.check_month(s, "2026-11"),
        "roster.service.check_range": lambda s: roster.check_range(s, s.today(), s.today()),
        "roster.service.candidates": lambda s: roster.candidates(s, "2026-12-02", night),
        "roster.service.assign": lambda s: roster.assign(s, "2026-12-02", night, zs),
        "roster.service.unassign": lambda s: roster.unassign(s, "2026-12-01", night, zs),
        "roster.service.copy_days": lambda s: roster.copy_days(s, "2026-12-01", "2026-12-08", 7),
        "roster.service.copy_previous_month": lambda s: roster.copy_previous_month(s, "2026-12"),
        "roster.service.fill_from_rotation": lambda s: roster.fill_from_rotation(s, "2026-12", r["post"]),
        "roster.service.clear_month": lambda s: roster.clear_month(s, "2026-12"),
        "roster.service.publish": lambda s: roster.publish(s, "2026-12", confirm_violations=True),
        "roster.service.confirmed_violations": lambda s: roster.confirmed_violations(s, "2026-11"),
        "roster.service.record_revision": lambda s: roster.record_revision(s, {
            "kind": "替班", "date": "2026-11-05", "shift_id": night, "from_staff_id": zs, "to_staff_id": ls,
            "reason": "病假", "requested_by": "张三", "approved_by": "内科主任"}, confirm_violations=True),
        "roster.service.list_revisions": lambda s: roster.list_revisions(s, "2026-11"),
        "roster.service.month_status": lambda s: roster.month_status(s, "2026-12"),
        "roster.setup.save_post_with_shifts": lambda s: setup.save_post_with_shifts(
            s, {"name": "外科一线", "kind": "一线"}, [{"name": "夜班", "starts": "17:30", "ends": "08:00"}]),
        "roster.setup.set_holiday_range": lambda s: setup.set_holiday_range(
            s, "2026-10-01", "2026-10-08", "法定节假日", "国庆节、中秋节"),
        "roster.setup.remove_holidays": lambda s: setup.remove_holidays(s, ["2027-01-01"]),
        "roster.service.view_scopes": lambda s: roster.view_scopes(s),
        "roster.service.apply_changes": lambda s: roster.apply_changes(
            s, "2026-12", add=[("2026-12-03", night, zs)], remove=[("2026-12-01", night, zs)]),
        **roster_output_samples(ctx),
    }


def roster_output_samples(ctx):
    from desktop_app.roster import excel_io, reports
    from tests.excel.files import write_xlsx

    def roster_file():
        return write_xlsx(ctx["path"].parent / "值班表导入.xlsx", [["日期", "内科一线 夜班"], ["3日", "张三"]])

    def roster_plan(s):
        return excel_io.preview_roster_import(s.as_actor(desktop_app.session.SYSTEM_ACTOR), roster_file(), "2026-12")

    return {
        "roster.reports.roster_snapshot": lambda s: reports.roster_snapshot(s, "2026-11"),
        "roster.excel_io.preview_roster_import": lambda s: excel_io.preview_roster_import(s, roster_file(), "2026-12"),
        "roster.excel_io.apply_roster_import": lambda s: excel_io.apply_roster_import(s, roster_plan(s)),
        "roster.excel_io.write_roster_template": lambda s: excel_io.write_roster_template(
            s, ctx["path"].parent / "值班表导入模板.xlsx", "2026-12"),
    }


# The published roster is public to the whole hospital (值班表全院公开), and so are its posts, their
# rotation lists, the calendar and a published month's status, revisions and accepted violations; the
# planner's choice of posts to show names public posts (a 科室负责人 is offered her own department).
HOSPITAL_WIDE = {
    "roster.calendar.list_holidays", "roster.service.list_posts", "roster.service.post_groups",
    "roster.service.rotation", "roster.service.month_status", "roster.service.list_revisions",
    "roster.service.confirmed_violations", "roster.service.view_scopes",
}


def other_department(ctx):
    """外科's post and its draft duty of December: planning it is refused; a draft shows a 科室负责人
    only her posts (and a clinician no draft at all); a bulk step leaves 外科's duties alone."""
    from desktop_app.roster import excel_io, reports
    from desktop_app.roster import service as roster
    from tests.excel.files import write_xlsx

    h, r = ctx["hospital"], ctx["roster"]
    other, zs, ls = r["other_night"], h.staff["张三"], h.staff["李四"]
    folder = ctx["path"].parent

    def other_duties(s) -> int:
        return s.db.scalar("SELECT count(*) FROM duty_assignments WHERE shift_id = ?", (other,))

    def leaves_other_alone(step):
        """A bulk step's count carries no marker: OTHER when it changed 外科's duties."""
        def call(s):
            before = other_duties(s)
            step(s)
            return OTHER if other_duties(s) != before else None
        return call

    def preview(s):
        own = write_xlsx(folder / "内科值班.xlsx", [["日期", "内科一线 夜班"], ["3日", "张三"]])
        theirs = write_xlsx(folder / "外科值班.xlsx", [["日期", f"{OTHER}外科一线 夜班"], ["3日", "李四"]])
        mine = excel_io.preview_roster_import(s, own, "2026-12")  # the month after it: her posts' violations
        plan = excel_io.preview_roster_import(s, theirs, "2026-12")  # 外科's column: an error, not a duty
        return [mine.violations, list(plan.columns.values()), [OTHER for _d, shift, _p in plan.assignments
                                                                 if shift == other]]

    def their_plan(s):
        path = write_xlsx(folder / "外科值班导入.xlsx", [["日期", f"{OTHER}外科一线 夜班"], ["3日", "李四"]])
        return excel_io.preview_roster_import(s.as_actor(desktop_app.session.SYSTEM_ACTOR), path, "2026-12")

    def template(s):
        path = excel_io.write_roster_template(s, folder / "值班表模板.xlsx", "2026-12")
        from openpyxl import load_workbook

        return [c.value for c in load_workbook(path)["值班表"][1]]

    revision = {"kind": "替班", "date": "2026-11-06", "shift_id": other, "from_staff_id": ls, "to_staff_id": zs,
                "reason": "病假", "requested_by": "李四", "approved_by": "外科主任"}
    return {
        "roster.service.rotation": lambda s: roster.rotation(s, r["other_post"]),
        "roster.service.month_view": lambda s: roster.month_view(s, "2026-12"),
        "roster.service.check_month": lambda s: roster.check_month(s, "2026-12"),
        "roster.service.check_range": lambda s: roster.check_range(s, dt.date(2026, 12, 1), dt.date(2026, 12, 3)),
        "roster.reports.roster_snapshot": lambda s: reports.roster_snapshot(s, "2026-12"),
        "roster.service.candidates": lambda s: roster.candidates(s, "2026-12-02", other),
        "roster.service.assign": lambda s: roster.assign(s, "2026-12-02", other, ls),
        "roster.service.unassign": lambda s: roster.unassign(s, "2026-12-01", other, ls),
        "roster.service.apply_changes": lambda s: roster.apply_changes(
            s, "2026-12", add=[("2026-12-03", other, ls)], remove=[("2026-12-01", other, ls)]),
        "roster.service.fill_from_rotation": lambda s: roster.fill_from_rotation(s, "2026-12", r["other_post"]),
        "roster.service.copy_days": leaves_other_alone(lambda s: roster.copy_days(s, "2026-12-01", "2026-12-08", 7)),
        "roster.service.copy_previous_month": leaves_other_alone(lambda s: roster.copy_previous_month(s, "2026-12")),
        "roster.service.clear_month": leaves_other_alone(lambda s: roster.clear_month(s, "2026-12")),
        "roster.service.record_revision": lambda s: roster.record_revision(s, revision, confirm_violations=True),
        "roster.excel_io.preview_roster_import": preview,
        "roster.excel_io.apply_roster_import": lambda s: excel_io.apply_roster_import(s, their_plan(s)),
        "roster.excel_io.write_roster_template": template,
    }
