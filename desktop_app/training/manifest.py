"""培训考核：培训、签到、考核与培训覆盖。

What the module brings to the program, in one place (see desktop_app/manifest.py)."""
from desktop_app.accounts.permissions import Permission, Role
from desktop_app.manifest import Module, SchemaStep, SelftestSample, SubmissionSection
from desktop_app.settings import SettingDef

TRAINING_VIEW = Permission("training.view", "查看与打印培训、考核、覆盖情况与个人培训档案",
                            roles={Role.QUALITY, Role.LEADER, Role.DEPT_HEAD, Role.READONLY})
TRAINING_RECORD = Permission("training.record", "登记培训、签到与考核成绩", roles={Role.QUALITY, Role.DEPT_HEAD})
TRAINING_SETUP = Permission("training.setup", "设置培训类别与培训要求", roles={Role.QUALITY})

MODULE = Module(
    key="training",
    label="培训考核",
    package=__package__,
    permissions=(TRAINING_VIEW, TRAINING_RECORD, TRAINING_SETUP),
    schema=(SchemaStep(5, "0005_training.sql", install_data=True),),
    builtin_data="service:install_defaults",
    settings=(
        SettingDef("training.awareness_target", "核心制度知晓率目标（%）", int, 90, 1, 100,
                   "知晓率 = 考核合格人数 ÷ 抽考人数，低于目标的科室标红。", "培训"),
        SettingDef("training.pass_mark", "考核默认合格分", int, 60, 0, 1000,
                   "新建考核时合格分的默认值（满分 100 时）。", "培训"),
        SettingDef("training.remind_days", "培训要求到期前提醒（天）", int, 60, 0, 183,
                   "距半年末或年末不到这个天数时，工作台列出尚未达到培训要求的人员。", "培训"),
    ),
    services=("coverage", "excel_io", "reports", "service",),
    todos="todos",
    cli="cli",
    submission=SubmissionSection(2, "submission:section"),
    selftest=SelftestSample("培训覆盖 training", "reports:write_selftest_sample", ("汇总", "按科室")),
)
