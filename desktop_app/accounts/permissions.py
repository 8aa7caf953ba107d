"""Roles, permissions and the check every service action makes before it runs.

Permissions are enforced here, in the core: a service called without the right raises
:class:`~desktop_app.errors.PermissionDenied`, whatever the UI shows. Every service function
that reads or writes on a user's behalf is decorated with :func:`action`, which registers it
in :data:`ACTIONS`; the role-matrix test walks every registered action against every role.
"""
from __future__ import annotations

import functools
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


class Perm(StrEnum):
    OWN_ACCOUNT = "account.self"
    PEOPLE_VIEW = "people.view"
    PEOPLE_EDIT = "people.edit"
    DEPARTMENTS_EDIT = "departments.edit"
    PEOPLE_IMPORT = "people.import"
    PEOPLE_EXPORT = "people.export"
    USERS_MANAGE = "users.manage"
    HOSPITAL_EDIT = "hospital.edit"
    SETTINGS_EDIT = "settings.edit"
    BACKUP_CREATE = "backup.create"
    BACKUP_RESTORE = "backup.restore"
    AUDIT_VIEW = "audit.view"
    LEDGER_VIEW = "ledger.view"
    LEDGER_REGISTER = "ledger.register"
    LEDGER_RECTIFY = "ledger.rectify"
    LEDGER_VERIFY = "ledger.verify"
    LEDGER_MANAGE = "ledger.manage"
    LEDGER_EXPORT = "ledger.export"
    INSPECTIONS_RECORD = "inspections.record"
    CHECKLISTS_MANAGE = "checklists.manage"
    ROSTER_VIEW = "roster.view"
    ROSTER_SETUP = "roster.setup"
    ROSTER_PLAN = "roster.plan"
    ROSTER_PUBLISH = "roster.publish"
    ROSTER_REVISE = "roster.revise"
    ROSTER_EXPORT = "roster.export"
    HANDOVER_VIEW = "handover.view"
    HANDOVER_WRITE = "handover.write"
    HANDOVER_ALL = "handover.all"
    HANDOVER_SETUP = "handover.setup"
    TRAINING_VIEW = "training.view"
    TRAINING_RECORD = "training.record"
    TRAINING_SETUP = "training.setup"
    SURGERY_VIEW = "surgery.view"
    SURGERY_CATALOGUE = "surgery.catalogue"
    SURGERY_PRIVILEGES = "surgery.privileges"
    SURGERY_OPERATIONS = "surgery.operations"
    SUBMISSION_VIEW = "submission.view"
    SUBMISSION_EDIT = "submission.edit"
    SUBMISSION_FINALIZE = "submission.finalize"

    @property
    def label(self) -> str:
        return PERM_LABELS[self]


PERM_LABELS = {
    Perm.OWN_ACCOUNT: "修改本人密码",
    Perm.PEOPLE_VIEW: "查看科室与人员",
    Perm.PEOPLE_EDIT: "编辑人员",
    Perm.DEPARTMENTS_EDIT: "编辑科室",
    Perm.PEOPLE_IMPORT: "从 Excel 导入人员",
    Perm.PEOPLE_EXPORT: "打印/导出人员与科室名册",
    Perm.USERS_MANAGE: "管理用户账户",
    Perm.HOSPITAL_EDIT: "修改医院基本信息",
    Perm.SETTINGS_EDIT: "修改系统设置",
    Perm.BACKUP_CREATE: "立即备份",
    Perm.BACKUP_RESTORE: "从备份恢复",
    Perm.AUDIT_VIEW: "查看与校验审计日志",
    Perm.LEDGER_VIEW: "查看问题台账与检查",
    Perm.LEDGER_REGISTER: "登记问题",
    Perm.LEDGER_RECTIFY: "填写整改（原因分析、措施、整改情况、佐证）",
    Perm.LEDGER_VERIFY: "复查、销号、重新打开",
    Perm.LEDGER_MANAGE: "修改与删除问题、导入台账",
    Perm.LEDGER_EXPORT: "打印/导出台账与整改通知书",
    Perm.INSPECTIONS_RECORD: "开展检查、录入检查结果",
    Perm.CHECKLISTS_MANAGE: "维护检查表",
    Perm.ROSTER_VIEW: "查看值班表（未发布的草稿仅排班人员可见）",
    Perm.ROSTER_SETUP: "设置值班岗位、班次、轮转表与节假日",
    Perm.ROSTER_PLAN: "排班（草稿）",
    Perm.ROSTER_PUBLISH: "发布值班表",
    Perm.ROSTER_REVISE: "登记换班、替班",
    Perm.ROSTER_EXPORT: "打印/导出值班表",
    Perm.HANDOVER_VIEW: "查看交接班记录（本病区；全院者患者姓名隐去）",
    Perm.HANDOVER_WRITE: "书写、签名交接班记录（本病区）",
    Perm.HANDOVER_ALL: "查看全院交接班记录（含患者姓名）",
    Perm.HANDOVER_SETUP: "设置病区班次与交接物品",
    Perm.TRAINING_VIEW: "查看与打印培训、考核、覆盖情况与个人培训档案",
    Perm.TRAINING_RECORD: "登记培训、签到与考核成绩",
    Perm.TRAINING_SETUP: "设置培训类别与培训要求",
    Perm.SURGERY_VIEW: "查看手术分级目录、手术授权与授权医师名单",
    Perm.SURGERY_CATALOGUE: "维护手术分级目录（调整、批准、备案、导入）",
    Perm.SURGERY_PRIVILEGES: "手术授权与能力评估",
    Perm.SURGERY_OPERATIONS: "导入手术记录、核查越权手术",
    Perm.SUBMISSION_VIEW: "查看、打印与验证报送材料",
    Perm.SUBMISSION_EDIT: "起草与修订报送材料",
    Perm.SUBMISSION_FINALIZE: "审核定稿报送材料",
}

_ALL = frozenset(Perm)
_READ = frozenset({Perm.OWN_ACCOUNT, Perm.PEOPLE_VIEW})

_ROSTER_ALL = frozenset({Perm.ROSTER_VIEW, Perm.ROSTER_SETUP, Perm.ROSTER_PLAN, Perm.ROSTER_PUBLISH,
                         Perm.ROSTER_REVISE, Perm.ROSTER_EXPORT})
_ROSTER_READ = frozenset({Perm.ROSTER_VIEW, Perm.ROSTER_EXPORT})
_HANDOVER_ALL = frozenset({Perm.HANDOVER_VIEW, Perm.HANDOVER_WRITE, Perm.HANDOVER_ALL, Perm.HANDOVER_SETUP})
_HANDOVER_WRITE = frozenset({Perm.HANDOVER_VIEW, Perm.HANDOVER_WRITE})
_TRAINING_ALL = frozenset({Perm.TRAINING_VIEW, Perm.TRAINING_RECORD, Perm.TRAINING_SETUP})
_SURGERY_ALL = frozenset({Perm.SURGERY_VIEW, Perm.SURGERY_CATALOGUE, Perm.SURGERY_PRIVILEGES, Perm.SURGERY_OPERATIONS})
_LEDGER_ALL = frozenset({Perm.LEDGER_VIEW, Perm.LEDGER_REGISTER, Perm.LEDGER_RECTIFY, Perm.LEDGER_VERIFY,
                         Perm.LEDGER_MANAGE, Perm.LEDGER_EXPORT, Perm.INSPECTIONS_RECORD, Perm.CHECKLISTS_MANAGE})

ROLE_PERMISSIONS: dict[Role, frozenset[Perm]] = {
    # 系统管理员 holds every right: in a county hospital it is often the same person as 质控.
    Role.ADMIN: _ALL,
    Role.QUALITY: _READ | _LEDGER_ALL | _ROSTER_ALL | _HANDOVER_ALL | _TRAINING_ALL | _SURGERY_ALL
    | {Perm.SUBMISSION_VIEW, Perm.SUBMISSION_EDIT}
    | {Perm.PEOPLE_EDIT, Perm.DEPARTMENTS_EDIT, Perm.PEOPLE_IMPORT, Perm.PEOPLE_EXPORT, Perm.BACKUP_CREATE},
    Role.LEADER: _READ | _ROSTER_READ | {Perm.HANDOVER_VIEW, Perm.PEOPLE_EXPORT, Perm.LEDGER_VIEW, Perm.LEDGER_EXPORT,
                                         Perm.TRAINING_VIEW, Perm.SURGERY_VIEW, Perm.SUBMISSION_VIEW,
                                         Perm.SUBMISSION_FINALIZE},
    # 科室负责人: only their own department and the wards under it (see DEPARTMENT_SCOPED).
    # 护士长 (a dept_head of a ward) sets up and writes her ward's handover book.
    Role.DEPT_HEAD: _READ | _ROSTER_READ | _HANDOVER_WRITE | {Perm.HANDOVER_SETUP, Perm.PEOPLE_EDIT, Perm.PEOPLE_EXPORT,
                                            Perm.LEDGER_VIEW, Perm.LEDGER_REGISTER, Perm.LEDGER_RECTIFY, Perm.LEDGER_EXPORT,
                                            Perm.INSPECTIONS_RECORD, Perm.ROSTER_PLAN, Perm.ROSTER_REVISE,
                                            Perm.TRAINING_VIEW, Perm.TRAINING_RECORD, Perm.SURGERY_VIEW},
    # The published roster is public to the whole hospital (值班表全院公开).
    # 交接班: a nurse or doctor writes and signs her own ward's reports (the staff record decides the ward).
    # The theatre nurse checks who is authorised for a procedure (授权医师名单): every clinician may look.
    Role.CLINICIAN: _READ | _ROSTER_READ | _HANDOVER_WRITE | {Perm.SURGERY_VIEW},
    Role.READONLY: _READ | _ROSTER_READ | {Perm.HANDOVER_VIEW, Perm.PEOPLE_EXPORT, Perm.LEDGER_VIEW, Perm.LEDGER_EXPORT,
                                           Perm.TRAINING_VIEW, Perm.SURGERY_VIEW, Perm.SUBMISSION_VIEW},
    Role.SYSTEM: _ALL,
}

# Roles whose permissions reach only their own department (and the departments under it).
DEPARTMENT_SCOPED: frozenset[Role] = frozenset({Role.DEPT_HEAD})


def has_permission(role: Role | str, perm: Perm) -> bool:
    return perm in ROLE_PERMISSIONS.get(Role(role), frozenset())


def require(actor, perm: Perm) -> None:
    if not has_permission(actor.role, perm):
        raise PermissionDenied(
            f"当前用户“{actor.display_name}”（{Role(actor.role).label}）没有“{perm.label}”的权限。"
            "如需办理，请联系系统管理员。"
        )


# name -> permission, filled by @action as service modules are imported
ACTIONS: dict[str, Perm] = {}


def action(perm: Perm, name: str | None = None):
    """Mark a service function ``fn(session, ...)`` as an action that needs ``perm``."""

    def decorate(fn):
        key = name or f"{fn.__module__.removeprefix('desktop_app.')}.{fn.__name__}"
        if key in ACTIONS:
            raise RuntimeError(f"duplicate service action {key}")
        ACTIONS[key] = perm

        @functools.wraps(fn)
        def wrapper(session, *args, **kwargs):
            require(session.actor, perm)
            return fn(session, *args, **kwargs)

        wrapper.permission = perm
        wrapper.action_name = key
        return wrapper

    return decorate
