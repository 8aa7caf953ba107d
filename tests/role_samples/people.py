"""人员与科室: what the role-matrix test calls (see tests/role_samples/__init__.py)."""
from __future__ import annotations

import desktop_app.session  # noqa: F401 - samples call desktop_app.session.SYSTEM_ACTOR
from desktop_app import errors
from desktop_app.people import excel_io as people_excel
from desktop_app.people import service as people_service
from desktop_app.people.service import StaffFilter
from desktop_app.people import reports as people_reports
from tests.role_samples import OTHER


def build(system, h, users, folder) -> dict:
    """A 外科 doctor nothing refers to (so deleting him is refused by the scope alone)."""
    return {"other_staff": people_service.create_staff(system, {
        "employee_no": "S901", "name": "郑刚", "department_id": h.departments["外科"], "category": "医师"}).id}


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


# The staff roster and the department list are the hospital's: everyone who may see them sees them
# all, prints them and gets the import template (the names, not the module paths: the printouts'
# module is being moved).
HOSPITAL_WIDE = {fn.action_name for fn in (
    people_service.list_departments, people_service.get_department, people_service.list_staff,
    people_service.get_staff, people_service.staff_counts, people_excel.write_staff_template,
    people_excel.export_staff_xlsx, people_reports.staff_list_snapshot, people_reports.department_list_snapshot,
)}


def _each(*calls):
    """Every call aimed at another department: refused when each one is, else what the others returned."""
    def run(s):
        done = []
        for call in calls:
            try:
                done.append(call(s))
            except errors.PermissionDenied:
                pass
        if not done:
            raise errors.PermissionDenied("全部被拒绝")
        return done
    return run


def other_department(ctx):
    h, pp = ctx["hospital"], ctx["people"]
    surgery = h.departments["外科"]
    return {
        # 外科's staff: a new one there (by id, or by the department's name as an import or the command
        # line give it), an edit of 外科's doctor, one of 内科's moved to 外科, a deletion
        "people.service.create_staff": _each(
            lambda s: people_service.create_staff(s, {"employee_no": "S902", "name": "钱进", "department_id": surgery,
                                                      "category": "医师", "notes": OTHER}),
            lambda s: people_service.create_staff(s, {"employee_no": "S903", "name": "孙进", "department": "外科",
                                                      "category": "医师", "notes": OTHER})),
        "people.service.update_staff": _each(
            lambda s: people_service.update_staff(s, h.staff["李四"], {"notes": OTHER}),
            lambda s: people_service.update_staff(s, h.staff["王芳"], {"department_id": surgery, "notes": OTHER})),
        "people.service.delete_staff": lambda s: (people_service.delete_staff(s, pp["other_staff"]), OTHER),
        # hospital-wide: 外科's records are not refused
        "people.service.get_staff": lambda s: people_service.get_staff(s, h.staff["李四"]),
        "people.service.get_department": lambda s: people_service.get_department(s, surgery),
        "people.service.list_staff": lambda s: people_service.list_staff(s, StaffFilter(department_id=surgery)),
        people_reports.staff_list_snapshot.action_name: lambda s: people_reports.staff_list_snapshot(
            s, StaffFilter(department_id=surgery)),
    }
