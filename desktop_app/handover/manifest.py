"""交接班记录：病区护理与医师交接班记录。

What the module brings to the program, in one place (see desktop_app/manifest.py)."""
from desktop_app.accounts.permissions import Permission, Role
from desktop_app.manifest import Module, SchemaStep, SelftestSample, SubmissionSection
from desktop_app.settings import SettingDef

HANDOVER_VIEW = Permission("handover.view", "查看交接班记录（本病区；全院者患者姓名隐去）",
                            roles={Role.QUALITY, Role.LEADER, Role.DEPT_HEAD, Role.CLINICIAN, Role.READONLY})
# A nurse or doctor writes and signs her own ward's reports (the staff record decides the ward);
# 护士长 (a dept_head of a ward) also sets up her ward's handover book.
HANDOVER_WRITE = Permission("handover.write", "书写、签名交接班记录（本病区）",
                             roles={Role.QUALITY, Role.DEPT_HEAD, Role.CLINICIAN})
HANDOVER_ALL = Permission("handover.all", "查看全院交接班记录（含患者姓名）", roles={Role.QUALITY})
HANDOVER_SETUP = Permission("handover.setup", "设置病区班次与交接物品", roles={Role.QUALITY, Role.DEPT_HEAD})

MODULE = Module(
    key="handover",
    label="交接班记录",
    package=__package__,
    permissions=(HANDOVER_VIEW, HANDOVER_WRITE, HANDOVER_ALL, HANDOVER_SETUP),
    schema=(SchemaStep(4, "0004_handover.sql"),),
    settings=(
        SettingDef("handover.sign_within_minutes", "交接班按时签名时限（分钟）", int, 30, 0, 240,
                   "接班者在交班时间后这么多分钟内签名，统计为按时完成交接班。", "交接班"),
    ),
    services=("reports", "service",),
    todos="todos",
    cli="cli",
    submission=SubmissionSection(3, "submission:section"),
    selftest=SelftestSample("交接班记录 handover", "reports:write_selftest_sample", ("交班报告", "统计")),
)
