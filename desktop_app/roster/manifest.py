"""值班表：值班岗位、节假日、排班、发布与换班替班。

What the module brings to the program, in one place (see desktop_app/manifest.py)."""
from desktop_app.accounts.permissions import Permission, Role
from desktop_app.manifest import Module, SchemaStep, SelftestSample
from desktop_app.settings import SettingDef

# The published roster is public to the whole hospital (值班表全院公开); drafts only to planners.
ROSTER_VIEW = Permission("roster.view", "查看值班表（未发布的草稿仅排班人员可见）",
                          roles={Role.QUALITY, Role.LEADER, Role.DEPT_HEAD, Role.CLINICIAN, Role.READONLY})
ROSTER_SETUP = Permission("roster.setup", "设置值班岗位、班次、轮转表与节假日", roles={Role.QUALITY})
ROSTER_PLAN = Permission("roster.plan", "排班（草稿）", roles={Role.QUALITY, Role.DEPT_HEAD})
ROSTER_PUBLISH = Permission("roster.publish", "发布值班表", roles={Role.QUALITY})
ROSTER_REVISE = Permission("roster.revise", "登记换班、替班", roles={Role.QUALITY, Role.DEPT_HEAD})
ROSTER_EXPORT = Permission("roster.export", "打印/导出值班表",
                            roles={Role.QUALITY, Role.LEADER, Role.DEPT_HEAD, Role.CLINICIAN, Role.READONLY})

MODULE = Module(
    key="roster",
    label="值班表",
    package=__package__,
    permissions=(ROSTER_VIEW, ROSTER_SETUP, ROSTER_PLAN, ROSTER_PUBLISH, ROSTER_REVISE, ROSTER_EXPORT),
    schema=(SchemaStep(3, "0003_roster.sql", install_data=True),),
    builtin_data="calendar:install_builtin_holidays",
    settings=(
        SettingDef("roster.max_consecutive_nights", "最多连续夜班/24 小时班（次）", int, 2, 1, 14,
                   "连续值夜班或 24 小时班超过这个次数即提示违反规则。", "值班"),
        SettingDef("roster.min_rest_hours", "夜班后最少休息（小时）", int, 12, 0, 72,
                   "夜班或 24 小时班结束后，至少间隔这么多小时才能再上班。", "值班"),
        SettingDef("roster.publish_by_day", "下月值班表最迟发布日", int, 25, 1, 28,
                   "每月这一天之后，下月值班表仍未发布就在工作台提醒。", "值班"),
    ),
    services=("calendar", "excel_io", "reports", "service", "setup",),
    todos="todos",
    cli="cli",
    selftest=SelftestSample("值班表 roster", "reports:write_selftest_sample", ("值班表",)),
)
