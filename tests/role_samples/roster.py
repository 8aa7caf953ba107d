"""值班表: what the role-matrix test calls (see tests/role_samples/__init__.py)."""
from __future__ import annotations

import desktop_app.session  # noqa: F401 - samples call desktop_app.session.SYSTEM_ACTOR


def build(system, h, users, folder) -> dict:
    """内科一线 with a night shift and a rotation; November published, December a draft."""
    from desktop_app.roster import service as roster

    post = roster.save_post(system, {"name": "内科一线", "kind": "一线", "group_name": "内科系统",
                                     "department_id": h.departments["内科"], "required_category": "医师"})
    night = roster.save_shift(system, post.id, {"name": "夜班", "starts": "17:30", "ends": "08:00"})
    roster.set_rotation(system, post.id, [h.staff["张三"], h.staff["李四"]])
    roster.assign(system, "2026-11-05", night.id, h.staff["张三"])
    roster.publish(system, "2026-11", confirm_violations=True)
    roster.assign(system, "2026-12-01", night.id, h.staff["张三"])
    return {"post": post.id, "night": night.id}


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
