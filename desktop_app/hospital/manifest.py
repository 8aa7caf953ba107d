"""医院信息与系统设置：医院基本信息、系统设置与新建数据库。

What the module brings to the program, in one place (see desktop_app/manifest.py)."""
from desktop_app.accounts.permissions import Permission
from desktop_app.manifest import Module

HOSPITAL_EDIT = Permission("hospital.edit", "修改医院基本信息", roles=set())
SETTINGS_EDIT = Permission("settings.edit", "修改系统设置", roles=set())

MODULE = Module(
    key="hospital",
    label="医院信息与系统设置",
    package=__package__,
    permissions=(HOSPITAL_EDIT, SETTINGS_EDIT),
    services=("service",),
)
