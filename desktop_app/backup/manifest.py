"""备份与恢复：备份、校验与恢复。

What the module brings to the program, in one place (see desktop_app/manifest.py)."""
from desktop_app.accounts.permissions import Permission, Role
from desktop_app.manifest import Module
from desktop_app.settings import SettingDef

BACKUP_CREATE = Permission("backup.create", "立即备份", roles={Role.QUALITY})
BACKUP_RESTORE = Permission("backup.restore", "从备份恢复", roles=set())

MODULE = Module(
    key="backup",
    label="备份与恢复",
    package=__package__,
    permissions=(BACKUP_CREATE, BACKUP_RESTORE),
    settings=(
        SettingDef("backup.keep_days", "自动备份保留天数", int, 30, 3, 3650,
                   "超过天数的自动备份会被清理；最近一份有效备份始终保留。", "备份"),
    ),
    services=("actions",),
    todos="todos",
)
