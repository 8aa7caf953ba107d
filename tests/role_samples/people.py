"""人员与科室: what the role-matrix test calls (see tests/role_samples/__init__.py)."""
from __future__ import annotations

import desktop_app.session  # noqa: F401 - samples call desktop_app.session.SYSTEM_ACTOR
from desktop_app.people import excel_io as people_excel
from desktop_app.people import service as people_service
from desktop_app.people.service import StaffFilter
from desktop_app.people import reports as people_reports


def _staff_file(ctx, s):
    """The roster exported by the system into the template's folder, for the import samples."""
    path = ctx["path"].parent / "人员名册.xlsx"
    people_excel.export_staff_xlsx(s.as_actor(desktop_app.session.SYSTEM_ACTOR), path)
    return path


def samples(ctx):
    h = ctx["hospital"]  # noqa: F841
    return {
        "people.service.list_departments": lambda s: people_service.list_departments(s),
        "people.service.get_department": lambda s: people_service.get_department(s, h.departments["内科"]),
        "people.service.create_department": lambda s: people_service.create_department(
            s, {"name": "新科室", "kind": "临床"}),
        "people.service.update_department": lambda s: people_service.update_department(
            s, h.departments["外科"], {"phone": "8001"}),
        "people.service.delete_department": lambda s: people_service.delete_department(
            s, ctx["empty_department"]),
        "people.service.list_staff": lambda s: people_service.list_staff(s),
        "people.service.get_staff": lambda s: people_service.get_staff(s, h.staff["张三"]),
        "people.service.staff_counts": lambda s: people_service.staff_counts(s),
        "people.service.create_staff": lambda s: people_service.create_staff(
            s, {"employee_no": "NEW1", "name": "新人", "department_id": h.departments["内科一病区"], "category": "护士"}),
        "people.service.update_staff": lambda s: people_service.update_staff(
            s, h.staff["王芳"], {"phone": "13500000000"}),
        "people.service.delete_staff": lambda s: people_service.delete_staff(s, h.staff["赵敏"]),
        "people.reports.staff_list_snapshot": lambda s: people_reports.staff_list_snapshot(
            s, StaffFilter(department_id=h.departments["内科"])),
        "people.reports.department_list_snapshot": lambda s: people_reports.department_list_snapshot(s),
        "people.excel_io.write_staff_template": lambda s: people_excel.write_staff_template(
            s, ctx["path"].parent / "人员导入模板.xlsx"),
        "people.excel_io.export_staff_xlsx": lambda s: people_excel.export_staff_xlsx(
            s, ctx["path"].parent / "导出.xlsx"),
        "people.excel_io.preview_staff_import": lambda s: people_excel.preview_staff_import(s, _staff_file(ctx, s)),
        "people.excel_io.apply_staff_import": lambda s: people_excel.apply_staff_import(s, people_excel.preview_staff_import(s.as_actor(desktop_app.session.SYSTEM_ACTOR), _staff_file(ctx, s))),
    }
