"""Roles, permissions and the check every service action makes before it runs.

Each module declares its permissions, with the roles that hold them, in its ``manifest.py``
(:class:`Permission`). Permissions are enforced here, in the core: a service called without the
right raises :class:`~desktop_app.errors.PermissionDenied`, whatever the UI shows. Every service
function that reads or writes on a user's behalf is decorated with :func:`action`, which
registers it in :data:`ACTIONS`; the role-matrix test walks every registered action against
every role.
"""
from __future__ import annotations

import functools
import inspect
from enum import StrEnum

from desktop_app.errors import PermissionDenied


class Role(StrEnum):
    ADMIN = "admin"
    QUALITY = "quality"
    LEADER = "leader"
    DEPT_HEAD = "dept_head"
    CLINICIAN = "clinician"
    READONLY = "readonly"
    # Not a user role: the command line and scheduled tasks run as the system.
    SYSTEM = "system"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.ADMIN: "系统管理员",
    Role.QUALITY: "质控管理员",
    Role.LEADER: "院领导",
    Role.DEPT_HEAD: "科室负责人",
    Role.CLINICIAN: "医务人员",
    Role.READONLY: "只读",
    Role.SYSTEM: "系统",
}

ROLE_DESCRIPTIONS = {
    Role.ADMIN: "信息科/系统管理：用户与权限、系统设置、备份与恢复、审计日志；拥有全部权限（小医院常由质控人员兼任）",
    Role.QUALITY: "质控科/医务科/护理部：开展检查、登记问题、复查销号，维护检查表、人员与科室",
    Role.LEADER: "院长/分管院长：查看全院问题台账与统计，审核、签发、打印报送材料",
    Role.DEPT_HEAD: "科主任/护士长：本科室（含下属病区）的问题整改、科室自查和人员维护；可查看全院名册",
    Role.CLINICIAN: "医师/护士：查看名册，填写本人工作记录（如交接班）",
    Role.READONLY: "只读：查看与打印名册、台账，不能修改",
}

USER_ROLES = [Role.ADMIN, Role.QUALITY, Role.LEADER, Role.DEPT_HEAD, Role.CLINICIAN, Role.READONLY]


class Permission(str):
    """A right, declared by the module that needs it (in its ``manifest.py``) with the roles that
    hold it. 系统管理员 and the system (command line, scheduled tasks) hold every right.

    It is the permission's key (``"ledger.view"``) as a string, so it can be stored and compared
    as text; ``label`` is what the role table and refusals show."""

    label: str
    roles: frozenset[Role]

    def __new__(cls, key: str, label: str, *, roles: set[Role] | frozenset[Role] = frozenset()):
        if key in PERMISSIONS:
            raise RuntimeError(f"permission {key} declared twice")
        perm = super().__new__(cls, key)
        perm.label = label
        perm.roles = frozenset(roles) | {Role.ADMIN, Role.SYSTEM}
        PERMISSIONS[key] = perm
        return perm


# key -> Permission, filled as the modules' manifests are imported (desktop_app.modules imports all)
PERMISSIONS: dict[str, Permission] = {}

# Roles whose permissions reach only their own department (and the departments under it): the
# scope an action declares (see desktop_app.accounts.scope) is enforced for them.
DEPARTMENT_SCOPED: frozenset[Role] = frozenset({Role.DEPT_HEAD})


def role_permissions(role: Role) -> list[Permission]:
    """Every declared permission the role holds, in declaration order."""
    return [p for p in PERMISSIONS.values() if has_permission(role, p)]


def has_permission(role: Role | str, perm: Permission) -> bool:
    return Role(role) in perm.roles


def require(actor, perm: Permission) -> None:
    if not has_permission(actor.role, perm):
        raise PermissionDenied(
            f"当前用户“{actor.display_name}”（{Role(actor.role).label}）没有“{perm.label}”的权限。"
            "如需办理，请联系系统管理员。"
        )


# name -> permission, and name -> scope, filled by @action as service modules are imported
ACTIONS: dict[str, Permission] = {}
SCOPES: dict[str, object] = {}  # name -> accounts.scope.Scope


def action(perm: Permission, *, scope, name: str | None = None):
    """Mark a service function ``fn(session, ...)`` as an action that needs ``perm`` and reaches the
    records ``scope`` says (see desktop_app/accounts/scope.py): both are checked before it runs,
    and it runs with ``session.reach`` set."""
    from desktop_app.accounts.scope import check

    def decorate(fn):
        key = name or f"{fn.__module__.removeprefix('desktop_app.')}.{fn.__name__}"
        if key in ACTIONS:
            raise RuntimeError(f"duplicate service action {key}")
        ACTIONS[key] = perm
        SCOPES[key] = scope
        signature = inspect.signature(fn)

        @functools.wraps(fn)
        def wrapper(session, *args, **kwargs):
            require(session.actor, perm)
            return fn(check(scope, signature, session, args, kwargs), *args, **kwargs)

        wrapper.permission = perm
        wrapper.scope = scope
        wrapper.action_name = key
        return wrapper

    return decorate
