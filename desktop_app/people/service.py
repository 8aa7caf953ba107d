"""人员与科室: departments and staff — validation, search, create/update/delete, audited.

The staff roster and the department list are the hospital's: everyone who may see them sees them
all. A 科室负责人 edits only the staff of her department and the wards under it — declared with each
action (``scope=``) and checked in desktop_app/accounts/scope.py.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from desktop_app import errors, records
from desktop_app.accounts.permissions import action
from desktop_app.accounts.scope import HOSPITAL, department, on
from desktop_app.errors import Finding
from desktop_app.people import repo
from desktop_app.people.manifest import DEPARTMENTS_EDIT, PEOPLE_EDIT, PEOPLE_VIEW
from desktop_app.people.models import (
    DEPARTMENT_FIELDS,
    DEPARTMENT_KINDS,
    GENDERS,
    NON_REGISTERED_REASONS,
    STAFF_CATEGORIES,
    STAFF_EDITABLE,
    STAFF_FIELDS,
    TITLES_BY_CATEGORY,
    Department,
    Staff,
    category_of_title,
    normalise_title,
)
from desktop_app.people.pinyin import search_keys
from desktop_app.session import Session
from desktop_app.textnorm import clean_optional, clean_prose, clean_text, parse_bool, parse_date

F = STAFF_FIELDS
D = DEPARTMENT_FIELDS

CATEGORY_ALIASES = {
    "医生": "医师", "临床医师": "医师", "执业医师": "医师", "护理": "护士", "护理人员": "护士",
    "技师": "医技", "医技人员": "医技", "药剂": "药师", "药剂人员": "药师", "行政": "管理",
    "管理人员": "管理", "行政管理": "管理", "后勤": "其他", "工勤": "其他",
}
GENDER_ALIASES = {"男性": "男", "女性": "女", "m": "男", "f": "女"}
_EMPLOYEE_NO_RE = re.compile(r"^[A-Za-z0-9\-_]{1,20}$")
_NAME_RE = re.compile(r"^[\u3400-\u9fffA-Za-z·• ]{2,30}$")
_PHONE_RE = re.compile(r"^[0-9+\-() ]{3,20}$")
_LICENCE_RE = re.compile(r"^[A-Za-z0-9]{6,30}$")


# ----------------------------------------------------------------------------- departments


def _department_audit(dept: Department) -> dict:
    return {
        "code": dept.code, "name": dept.name, "kind": dept.kind, "parent_id": dept.parent_name,
        "sort_order": dept.sort_order, "phone": dept.phone, "active": "是" if dept.active else "否",
    }


DEPARTMENT = records.Entity(
    "department", "科室", "departments", read=lambda session, dept_id: repo.get_department(session.db, dept_id),
    audit_values=_department_audit, describe=lambda dept: dept.name, field_labels=D.labels())


@action(PEOPLE_VIEW, scope=HOSPITAL)
def list_departments(session: Session, *, include_inactive: bool = True) -> list[Department]:
    return repo.list_departments(session.db, include_inactive=include_inactive)


@action(PEOPLE_VIEW, scope=HOSPITAL)
def get_department(session: Session, department_id: int) -> Department:
    dept = repo.get_department(session.db, department_id)
    if dept is None:
        raise errors.NotFound(f"科室（编号 {department_id}）不存在，可能已被删除。")
    return dept


def validate_department(db, values: dict, *, department_id: int | None = None) -> tuple[dict, list[Finding]]:
    findings: list[Finding] = []
    clean = {
        "code": clean_optional(values.get("code")),
        "name": clean_text(values.get("name")),
        "kind": clean_text(values.get("kind")),
        "parent_id": values.get("parent_id") or None,
        "sort_order": values.get("sort_order") or 0,
        "phone": clean_optional(values.get("phone")),
        "active": True if values.get("active") is None else bool(values.get("active")),
    }
    if not clean["name"]:
        findings.append(D.finding("name", "请填写科室名称。"))
    elif len(clean["name"]) > 30:
        findings.append(D.finding("name", "科室名称不能超过 30 个字。"))
    else:
        other = repo.department_id_named(db, clean["name"])
        if other is not None and other != department_id:
            findings.append(D.finding("name", f"已有名为“{clean['name']}”的科室。"))
    if clean["kind"] not in DEPARTMENT_KINDS:
        findings.append(D.finding("kind", "科室类型须为：" + "、".join(DEPARTMENT_KINDS) + "。"))
    if clean["code"]:
        other = repo.department_id_coded(db, clean["code"])
        if other is not None and other != department_id:
            findings.append(D.finding("code", f"科室编码“{clean['code']}”已被使用。"))
    if clean["parent_id"] is not None:
        if not repo.department_exists(db, clean["parent_id"]):
            findings.append(D.finding("parent_id", "所选上级科室不存在。"))
        elif department_id is not None and clean["parent_id"] in repo.department_subtree(db, department_id):
            findings.append(D.finding("parent_id", "上级科室不能是本科室或其下属科室。"))
    if clean["phone"] and not _PHONE_RE.match(clean["phone"]):
        findings.append(D.finding("phone", "电话只能包含数字和“-”。"))
    try:
        clean["sort_order"] = int(clean["sort_order"])
        if abs(clean["sort_order"]) > 10**9:  # beyond what SQLite stores as an integer, and any real list
            raise ValueError
    except (TypeError, ValueError, OverflowError):
        findings.append(D.finding("sort_order", "排序须为整数。"))
    if department_id is not None and not clean["active"]:
        on_duty = repo.staff_on_duty_in(db, department_id)
        if on_duty:
            findings.append(D.finding("active", f"该科室还有 {on_duty} 名在岗人员，请先调整他们的科室再停用。"))
    return clean, findings


@action(DEPARTMENTS_EDIT, scope=HOSPITAL)
def create_department(session: Session, values: dict) -> Department:
    db = session.db
    clean, findings = validate_department(db, values)
    if findings:
        raise errors.ValidationError(findings)
    with db.transaction():
        return records.create(session, DEPARTMENT, {**clean, "pinyin": search_keys(clean["name"])})


@action(DEPARTMENTS_EDIT, scope=HOSPITAL)
def update_department(session: Session, department_id: int, values: dict) -> Department:
    db = session.db
    before = get_department(session, department_id)
    merged = {
        "code": before.code, "name": before.name, "kind": before.kind, "parent_id": before.parent_id,
        "sort_order": before.sort_order, "phone": before.phone, "active": before.active, **values,
    }
    clean, findings = validate_department(db, merged, department_id=department_id)
    if findings:
        raise errors.ValidationError(findings)
    with db.transaction():
        return records.change(session, DEPARTMENT, before, {**clean, "pinyin": search_keys(clean["name"])})


@action(DEPARTMENTS_EDIT, scope=HOSPITAL)
def delete_department(session: Session, department_id: int) -> None:
    """Only a department that nothing refers to can be deleted; otherwise stop using it (停用)."""
    db = session.db
    dept = get_department(session, department_id)
    refs = repo.department_references(db, department_id)
    if refs:
        raise errors.Conflict(
            f"科室“{dept.name}”仍被使用（{refs}），不能删除。如不再使用，请在编辑中取消“启用”。"
        )
    with db.transaction():
        records.remove(session, DEPARTMENT, dept)


# ----------------------------------------------------------------------------- staff


@dataclass(frozen=True)
class StaffFilter:
    query: str = ""
    department_id: int | None = None
    include_sub_departments: bool = True
    category: str | None = None
    registered_here: bool | None = None
    on_duty: bool | None = True  # None: everyone, including those who left


@action(PEOPLE_VIEW, scope=HOSPITAL)
def list_staff(session: Session, flt: StaffFilter = StaffFilter(), *, limit: int | None = None) -> list[Staff]:
    """Staff matching the filter; ``query`` matches name, 工号, phone or pinyin initials."""
    departments = None
    if flt.department_id is not None:
        departments = (
            repo.department_subtree(session.db, flt.department_id) if flt.include_sub_departments else {flt.department_id}
        )
    return repo.search_staff(
        session.db,
        query=clean_text(flt.query),
        departments=departments,
        category=flt.category,
        registered_here=flt.registered_here,
        on_duty=flt.on_duty,
        limit=limit,
    )


@action(PEOPLE_VIEW, scope=HOSPITAL)
def get_staff(session: Session, staff_id: int) -> Staff:
    staff = repo.get_staff(session.db, staff_id)
    if staff is None:
        raise errors.NotFound(f"人员（编号 {staff_id}）不存在，可能已被删除。")
    return staff


@action(PEOPLE_VIEW, scope=HOSPITAL)
def staff_counts(session: Session) -> dict[str, int]:
    return repo.staff_counts(session.db)


class StaffValidator:
    """Checks one staff record's values; reused for forms and for thousands of import rows.

    ``values`` may name the department by ``department_id`` or by ``department`` (its name or
    code), and hold raw text for every field. :meth:`validate` returns the cleaned values and a
    list of findings (errors and warnings), each naming its field.
    """

    def __init__(self, db, today: dt.date):
        self.db = db
        self.today = today
        self.departments = {d.id: d for d in repo.list_departments(db, include_inactive=True)}
        self.by_name = {d.name: d.id for d in self.departments.values()}
        self.by_name.update({d.code: d.id for d in self.departments.values() if d.code})
        self.employee_nos = repo.employee_numbers(db)  # 工号 -> id

    def validate(self, values: dict[str, Any], *, staff_id: int | None = None) -> tuple[dict, list[Finding]]:
        f: list[Finding] = []
        c: dict[str, Any] = {}

        c["employee_no"] = clean_text(values.get("employee_no"))
        if not c["employee_no"]:
            f.append(F.finding("employee_no", "请填写工号。"))
        elif not _EMPLOYEE_NO_RE.match(c["employee_no"]):
            f.append(F.finding("employee_no", "工号只能由字母、数字和“-”组成，最长 20 位。"))
        else:
            other = self.employee_nos.get(c["employee_no"])
            if other is not None and other != staff_id:
                f.append(F.finding("employee_no", f"工号“{c['employee_no']}”已被其他人员使用。"))

        c["name"] = clean_text(values.get("name")).replace("•", "·")
        if not c["name"]:
            f.append(F.finding("name", "请填写姓名。"))
        elif not _NAME_RE.match(c["name"]):
            f.append(F.finding("name", "姓名应为 2–30 个汉字或字母（少数民族姓名用“·”分隔）。"))

        gender = clean_text(values.get("gender"))
        gender = GENDER_ALIASES.get(gender.lower(), gender) or None
        if gender is not None and gender not in GENDERS:
            f.append(F.finding("gender", "性别须为“男”或“女”。"))
        c["gender"] = gender

        dept_id = values.get("department_id")
        if dept_id is None and values.get("department") not in (None, ""):
            name = clean_text(values.get("department"))
            dept_id = self.by_name.get(name)
            if dept_id is None:
                f.append(F.finding("department_id",
                                   f"科室“{name}”不存在，请先在“科室”中添加，或改为已有的科室名称。"))
        if dept_id is None:
            if values.get("department") in (None, ""):
                f.append(F.finding("department_id", "请选择科室。"))
        elif dept_id not in self.departments:
            f.append(F.finding("department_id", "所选科室不存在。"))
        elif not self.departments[dept_id].active and self._current_department(staff_id) != dept_id:
            f.append(F.finding("department_id", f"科室“{self.departments[dept_id].name}”已停用，不能再加入人员。"))
        c["department_id"] = dept_id

        category = clean_text(values.get("category"))
        category = CATEGORY_ALIASES.get(category, category)
        if category not in STAFF_CATEGORIES:
            f.append(F.finding("category", "人员类别须为：" + "、".join(STAFF_CATEGORIES) + "。"))
        c["category"] = category

        title = normalise_title(clean_optional(values.get("title")))
        c["title"] = title
        if title and category in TITLES_BY_CATEGORY:
            owner = category_of_title(title)
            if owner and owner != category:
                f.append(F.finding("title", f"职称“{title}”属于{owner}系列，与人员类别“{category}”不符。"))
            elif owner is None:
                f.append(F.finding("title", f"“{title}”不是常见的{category}职称（"
                                   + "、".join(TITLES_BY_CATEGORY[category]) + "），请核对。", severity="warning"))

        c["licence_no"] = clean_optional(values.get("licence_no"))
        if c["licence_no"] and not _LICENCE_RE.match(c["licence_no"]):
            f.append(F.finding("licence_no", "执业证书编号应为 6–30 位字母或数字。"))
        c["practice_category"] = clean_optional(values.get("practice_category"))

        registered = values.get("registered_here")
        reason = clean_optional(values.get("non_registered_reason"))
        if isinstance(registered, str) and clean_text(registered) in NON_REGISTERED_REASONS:
            reason, registered = clean_text(registered), False
        try:
            registered = parse_bool(registered)
        except ValueError:
            f.append(F.finding("registered_here", "本机构执业须填“是”或“否”（或填进修/规培/实习/外院会诊）。"))
            registered = True
        if registered is None:
            registered = reason is None
        if registered:
            if reason is not None:
                f.append(F.finding("non_registered_reason", "本机构执业人员不应填写“非本机构执业原因”。"))
        else:
            if reason is None:
                f.append(F.finding("non_registered_reason",
                                   "非本机构执业人员须注明原因：" + "、".join(NON_REGISTERED_REASONS) + "。"))
            elif reason not in NON_REGISTERED_REASONS:
                f.append(F.finding("non_registered_reason", "原因须为：" + "、".join(NON_REGISTERED_REASONS) + "。"))
        c["registered_here"] = bool(registered)
        c["non_registered_reason"] = None if registered else reason
        if registered and category in ("医师", "护士") and not c["licence_no"]:
            f.append(F.finding("licence_no", "本机构执业的医师、护士应填写执业证书编号，否则不能独立值班或获得手术授权。",
                               severity="warning"))

        for key in ("hire_date", "leave_date"):
            try:
                c[key] = parse_date(values.get(key))
            except (ValueError, TypeError):
                f.append(F.finding(key, "日期格式无法识别，请写成 2024-03-05 或 2024年3月5日。"))
                c[key] = None
        if c["hire_date"] and c["hire_date"] > self.today + dt.timedelta(days=365):
            f.append(F.finding("hire_date", "入职日期不能晚于一年以后。"))
        if c["hire_date"] and c["leave_date"] and c["leave_date"] < c["hire_date"]:
            f.append(F.finding("leave_date", "离岗日期不能早于入职日期。"))

        try:
            on_duty = parse_bool(values.get("on_duty"))
        except ValueError:
            f.append(F.finding("on_duty", "在岗须填“是”或“否”。"))
            on_duty = True
        c["on_duty"] = True if on_duty is None else on_duty
        if c["on_duty"] and c["leave_date"] and c["leave_date"] <= self.today:
            f.append(F.finding("on_duty", "已填写离岗日期的人员不能标为“在岗”。"))

        c["phone"] = clean_optional(values.get("phone"))
        if c["phone"] and not _PHONE_RE.match(c["phone"]):
            f.append(F.finding("phone", "联系电话只能包含数字和“-”，如 13800000000 或 0564-5012345。"))
        c["notes"] = clean_prose(values.get("notes"))
        if c["notes"] and len(c["notes"]) > 200:
            f.append(F.finding("notes", "备注不能超过 200 字。"))
        try:
            c["duty_training_passed_on"] = parse_date(values.get("duty_training_passed_on"))
        except (ValueError, TypeError):
            f.append(F.finding("duty_training_passed_on", "日期格式无法识别，请写成 2024-03-05。"))
            c["duty_training_passed_on"] = None
        if c["duty_training_passed_on"] and c["duty_training_passed_on"] > self.today:
            f.append(F.finding("duty_training_passed_on", "考核合格日期不能晚于今天。"))
        for key in ("hire_date", "leave_date", "duty_training_passed_on"):
            c[key] = c[key].isoformat() if c[key] else None
        return c, f

    def _current_department(self, staff_id: int | None) -> int | None:
        """Someone already in a stopped department may still be edited (e.g. marked 离岗)."""
        if staff_id is None:
            return None
        return repo.staff_department(self.db, staff_id)

    def remember(self, employee_no: str, staff_id: int) -> None:
        """After a row is accepted in a batch, later rows must not reuse its 工号."""
        self.employee_nos[employee_no] = staff_id


def _staff_audit(staff: Staff) -> dict:
    shown = {"department_id": staff.department_name, "registered_here": "是" if staff.registered_here else "否",
             "on_duty": "是" if staff.on_duty else "否"}
    return {k: shown.get(k, getattr(staff, k)) for k in STAFF_EDITABLE}


STAFF = records.Entity(
    "staff", "人员", "staff", read=lambda session, staff_id: repo.get_staff(session.db, staff_id),
    audit_values=_staff_audit, describe=Staff.label, field_labels=F.labels(STAFF_EDITABLE))


def check_staff(session: Session, values: dict, *, staff_id: int | None = None) -> list[Finding]:
    """Validation only (for live messages in the edit dialog); nothing is written."""
    return StaffValidator(session.db, session.today()).validate(values, staff_id=staff_id)[1]


def _staff_scope(doing: str, *targets):
    return department(*targets, doing=doing, what="人员")


# the department a form's values move someone to (by id, or by name or code)
_MOVED_TO = on("values", repo.departments_in_values)


@action(PEOPLE_EDIT, scope=_staff_scope("添加", _MOVED_TO))
def create_staff(session: Session, values: dict) -> Staff:
    db = session.db
    clean, findings = StaffValidator(db, session.today()).validate(values)
    errors_only = [x for x in findings if x.is_error]
    if errors_only:
        raise errors.ValidationError(errors_only)
    with db.transaction():
        return insert_staff_row(session, clean)


def insert_staff_row(session: Session, clean: dict) -> Staff:
    """Insert validated values and audit them; the caller holds the transaction."""
    return records.create(session, STAFF, {**clean, "pinyin": search_keys(clean["name"])})


@action(PEOPLE_EDIT, scope=_staff_scope("修改", on("staff_id", repo.staff_department), _MOVED_TO))
def update_staff(session: Session, staff_id: int, values: dict) -> Staff:
    db = session.db
    before = get_staff(session, staff_id)
    merged = {k: getattr(before, k) for k in STAFF_EDITABLE}
    merged.update(values)
    clean, findings = StaffValidator(db, session.today()).validate(merged, staff_id=staff_id)
    errors_only = [x for x in findings if x.is_error]
    if errors_only:
        raise errors.ValidationError(errors_only)
    with db.transaction():
        return update_staff_row(session, before, clean)


def update_staff_row(session: Session, before: Staff, clean: dict) -> Staff:
    """Write validated values over ``before`` and audit what changed; the caller holds the transaction."""
    return records.change(session, STAFF, before, {**clean, "pinyin": search_keys(clean["name"])})


@action(PEOPLE_EDIT, scope=_staff_scope("删除", on("staff_id", repo.staff_department)))
def delete_staff(session: Session, staff_id: int) -> None:
    """For records entered by mistake; anyone with history should be marked 离岗 instead."""
    db = session.db
    staff = get_staff(session, staff_id)
    refs = repo.staff_references(db, staff_id)
    if refs:
        raise errors.Conflict(f"“{staff.name}”已有{refs}，不能删除；如已离开本院，请改为“离岗”并填写离岗日期。")
    with db.transaction():
        repo.delete_expected_attendance(db, staff_id)
        records.remove(session, STAFF, staff)
