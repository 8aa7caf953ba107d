"""账户、角色与审计日志：用户账户、登录、角色与审计日志。

What the module brings to the program, in one place (see desktop_app/manifest.py)."""
from desktop_app.accounts.permissions import Permission, Role
from desktop_app.manifest import Module
from desktop_app.settings import SettingDef

# 系统管理员 holds every right: in a county hospital it is often the same person as 质控.
OWN_ACCOUNT = Permission("account.self", "修改本人密码",
                          roles={Role.QUALITY, Role.LEADER, Role.DEPT_HEAD, Role.CLINICIAN, Role.READONLY})
USERS_MANAGE = Permission("users.manage", "管理用户账户", roles=set())
AUDIT_VIEW = Permission("audit.view", "查看与校验审计日志", roles=set())

MODULE = Module(
    key="accounts",
    label="账户、角色与审计日志",
    package=__package__,
    permissions=(OWN_ACCOUNT, USERS_MANAGE, AUDIT_VIEW),
    settings=(
        SettingDef("security.idle_lock_minutes", "无操作自动锁定（分钟）", int, 15, 0, 480,
                   "0 表示不自动锁定。共用电脑建议 5–15 分钟。", "安全"),
        SettingDef("security.password_max_age_days", "密码有效期（天）", int, 180, 0, 3650,
                   "0 表示密码不过期。", "安全"),
        SettingDef("security.password_warn_days", "密码到期前提醒（天）", int, 14, 0, 90,
                   "到期前若干天在工作台提醒。", "安全"),
    ),
    services=("service",),
    todos="todos",
)
