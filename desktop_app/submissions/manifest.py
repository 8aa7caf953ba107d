"""半年/全年报送：半年/全年报送：汇总、指标、定稿与验证。

What the module brings to the program, in one place (see desktop_app/manifest.py)."""
from desktop_app.accounts.permissions import Permission, Role
from desktop_app.manifest import Module, SchemaStep, SelftestSample
from desktop_app.settings import SettingDef

SUBMISSION_VIEW = Permission("submission.view", "查看、打印与验证报送材料", roles={Role.QUALITY, Role.LEADER, Role.READONLY})
SUBMISSION_EDIT = Permission("submission.edit", "起草与修订报送材料", roles={Role.QUALITY})
SUBMISSION_FINALIZE = Permission("submission.finalize", "审核定稿报送材料", roles={Role.LEADER})

MODULE = Module(
    key="submissions",
    label="半年/全年报送",
    package=__package__,
    permissions=(SUBMISSION_VIEW, SUBMISSION_EDIT, SUBMISSION_FINALIZE),
    schema=(SchemaStep(7, "0007_submissions.sql", install_data=True),),
    builtin_data="indicators:install_indicator_sets",
    settings=(
        SettingDef("submission.half_year_due", "上半年报送截止日（月日，如 710 即 7 月 10 日）", int, 710, 101, 1231,
                   "上半年（1 月 1 日至 6 月 30 日）工作报送的截止日期；工作台在截止前倒计时。", "报送"),
        SettingDef("submission.year_due", "全年报送截止日（次年月日，如 110 即次年 1 月 10 日）", int, 110, 101, 1231,
                   "全年工作报送的截止日期（在次年）。", "报送"),
        SettingDef("submission.remind_days", "报送截止前提醒（天）", int, 30, 1, 180,
                   "距截止日不到这个天数时，工作台提醒尚未定稿的报送。", "报送"),
    ),
    services=("service",),
    todos="todos",
    cli="cli",
    selftest=SelftestSample("半年/全年报送 submission", "reports:write_selftest_sample", ("结果监测指标", "工作总结")),
)
