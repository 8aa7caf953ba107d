"""自查自纠与问题台账：检查表、检查与问题台账（整改—复查—销号）。

What the module brings to the program, in one place (see desktop_app/manifest.py)."""
from desktop_app.accounts.permissions import Permission, Role
from desktop_app.manifest import Module, SchemaStep, SelftestSample, SubmissionSection
from desktop_app.settings import SettingDef

LEDGER_VIEW = Permission("ledger.view", "查看问题台账与检查",
                          roles={Role.QUALITY, Role.LEADER, Role.DEPT_HEAD, Role.READONLY})
LEDGER_REGISTER = Permission("ledger.register", "登记问题", roles={Role.QUALITY, Role.DEPT_HEAD})
LEDGER_RECTIFY = Permission("ledger.rectify", "填写整改（原因分析、措施、整改情况、佐证）", roles={Role.QUALITY, Role.DEPT_HEAD})
LEDGER_VERIFY = Permission("ledger.verify", "复查、销号、重新打开", roles={Role.QUALITY})
LEDGER_MANAGE = Permission("ledger.manage", "修改与删除问题、导入台账", roles={Role.QUALITY})
LEDGER_EXPORT = Permission("ledger.export", "打印/导出台账与整改通知书",
                            roles={Role.QUALITY, Role.LEADER, Role.DEPT_HEAD, Role.READONLY})
INSPECTIONS_RECORD = Permission("inspections.record", "开展检查、录入检查结果", roles={Role.QUALITY, Role.DEPT_HEAD})
CHECKLISTS_MANAGE = Permission("checklists.manage", "维护检查表", roles={Role.QUALITY})

MODULE = Module(
    key="ledger",
    label="自查自纠与问题台账",
    package=__package__,
    permissions=(LEDGER_VIEW, LEDGER_REGISTER, LEDGER_RECTIFY, LEDGER_VERIFY, LEDGER_MANAGE, LEDGER_EXPORT,
                 INSPECTIONS_RECORD, CHECKLISTS_MANAGE),
    schema=(SchemaStep(2, "0002_ledger.sql", install_data=True),),
    builtin_data="checklists:install_builtin_checklists",
    settings=(
        SettingDef("ledger.default_deadline_days", "默认整改时限（天）", int, 30, 1, 365,
                   "登记问题时，整改时限默认为发现日期加上这个天数。", "问题台账"),
        SettingDef("ledger.due_soon_days", "即将到期提醒（天）", int, 7, 1, 60,
                   "整改时限在这个天数以内的未销号问题显示在工作台并标色。", "问题台账"),
        SettingDef("inspection.base_score", "科室检查基础分", int, 100, 1, 1000,
                   "科室得分 = 基础分 − 不符合项扣分之和。", "问题台账"),
    ),
    services=("checklists", "excel_io", "inspections", "reports", "service", "stats",),
    todos="todos",
    cli="cli",
    submission=SubmissionSection(1, "submission:section"),
    selftest=SelftestSample("问题台账 ledger", "reports:write_selftest_sample", ("问题台账",)),
)
