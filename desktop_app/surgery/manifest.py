"""手术分级与授权：手术分级目录、逐项授权、能力评估与越权核查。

What the module brings to the program, in one place (see desktop_app/manifest.py)."""
from desktop_app.accounts.permissions import Permission, Role
from desktop_app.manifest import Module, SchemaStep, SelftestSample, SubmissionSection
from desktop_app.settings import SettingDef

# The theatre nurse checks who is authorised for a procedure (授权医师名单): every clinician may look.
SURGERY_VIEW = Permission("surgery.view", "查看手术分级目录、手术授权与授权医师名单",
                           roles={Role.QUALITY, Role.LEADER, Role.DEPT_HEAD, Role.CLINICIAN, Role.READONLY})
SURGERY_CATALOGUE = Permission("surgery.catalogue", "维护手术分级目录（调整、批准、备案、导入）", roles={Role.QUALITY})
SURGERY_PRIVILEGES = Permission("surgery.privileges", "手术授权与能力评估", roles={Role.QUALITY})
SURGERY_OPERATIONS = Permission("surgery.operations", "导入手术记录、核查越权手术", roles={Role.QUALITY})

MODULE = Module(
    key="surgery",
    label="手术分级与授权",
    package=__package__,
    permissions=(SURGERY_VIEW, SURGERY_CATALOGUE, SURGERY_PRIVILEGES, SURGERY_OPERATIONS),
    schema=(SchemaStep(6, "0006_surgery.sql"),),
    settings=(
        SettingDef("surgery.grade4_cycle_months", "四级手术授权有效期（月）", int, 12, 1, 12,
                   "四级手术能力评估周期不超过一年：授权有效期最长为这么多个月。", "手术授权"),
        SettingDef("surgery.cycle_months", "其他手术授权有效期（月）", int, 24, 1, 60,
                   "一至三级手术授权的有效期（再评估周期），常用两年。", "手术授权"),
        SettingDef("surgery.remind_days", "授权到期提醒（天）", int, 90, 7, 365,
                   "授权在这么多天内到期时在工作台提醒（另在 60、30、7 天时升级提醒）。", "手术授权"),
    ),
    services=("catalogue", "excel_io", "operations", "privileges", "reports",),
    todos="todos",
    cli="cli",
    submission=SubmissionSection(4, "submission:section"),
    selftest=SelftestSample("手术分级与授权 surgery", "reports:write_selftest_sample", ()),
)
