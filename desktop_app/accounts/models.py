"""User accounts: the record and its fields."""
from __future__ import annotations

from dataclasses import dataclass

from desktop_app.accounts.permissions import Role
from desktop_app.fields import Field, Fields
from desktop_app.session import Actor

# Every field of an account as forms, messages and the audit log name it (and the password fields
# of the forms that set one).
USER_FIELDS = Fields(
    Field("username", "用户名"),
    Field("display_name", "姓名"),
    Field("role", "角色"),
    Field("department_id", "所属科室"),
    Field("staff_id", "对应人员"),
    Field("active", "启用"),
    Field("must_change_password", "下次登录须改密码"),
    Field("locked_until", "锁定至"),
    Field("password", "密码"),  # the first administrator's, in the first-start wizard
    Field("initial_password", "初始密码"),
    Field("temporary_password", "临时密码"),
    Field("old_password", "原密码"),
    Field("new_password", "新密码"),
    Field("password_again", "再次输入"),
)

# what the audit log records of an account (never a password)
AUDITED_FIELDS = ("username", "display_name", "role", "department_id", "staff_id", "active", "must_change_password")


@dataclass(frozen=True)
class User:
    id: int
    uid: str
    username: str
    display_name: str
    role: Role
    department_id: int | None
    department_name: str | None
    staff_id: int | None
    staff_label: str | None
    active: bool
    must_change_password: bool
    password_changed_at: str
    locked_until: str | None
    last_login_at: str | None

    @property
    def role_label(self) -> str:
        return self.role.label

    def actor(self) -> Actor:
        return Actor(self.id, self.username, self.display_name, self.role, self.department_id, self.staff_id)
