"""人员与科室：科室与人员名册。

What the module brings to the program, in one place (see desktop_app/manifest.py)."""
from desktop_app.accounts.permissions import Permission, Role
from desktop_app.manifest import Module, SelftestSample

PEOPLE_VIEW = Permission("people.view", "查看科室与人员",
                          roles={Role.QUALITY, Role.LEADER, Role.DEPT_HEAD, Role.CLINICIAN, Role.READONLY})
PEOPLE_EDIT = Permission("people.edit", "编辑人员", roles={Role.QUALITY, Role.DEPT_HEAD})
DEPARTMENTS_EDIT = Permission("departments.edit", "编辑科室", roles={Role.QUALITY})
PEOPLE_IMPORT = Permission("people.import", "从 Excel 导入人员", roles={Role.QUALITY})
PEOPLE_EXPORT = Permission("people.export", "打印/导出人员与科室名册",
                            roles={Role.QUALITY, Role.LEADER, Role.DEPT_HEAD, Role.READONLY})

MODULE = Module(
    key="people",
    label="人员与科室",
    package=__package__,
    permissions=(PEOPLE_VIEW, PEOPLE_EDIT, DEPARTMENTS_EDIT, PEOPLE_IMPORT, PEOPLE_EXPORT),
    services=("service", "excel_io", "reports"),
    todos="todos",
    cli="cli",
    selftest=SelftestSample("人员名册 people", "reports:write_selftest_sample", ("人员名册",)),
)
