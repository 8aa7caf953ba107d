"""人员名册 and 科室名册: printed (PDF) and exported (XLSX).

Two steps, so the slow part never touches the database: a snapshot function reads everything
through the people services (permission-checked: 打印/导出人员与科室名册), then a writer lays
the snapshot out — on a worker thread if need be, with progress and cancellation::

    snap = staff_list_snapshot(session, StaffFilter(department_id=内科))
    write_staff_list_pdf(snap, "人员名册.pdf", progress=cb)
"""
from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from desktop_app.accounts.permissions import action
from desktop_app.accounts.scope import HOSPITAL
from desktop_app.hospital.service import get_profile
from desktop_app.people import service as people
from desktop_app.people.manifest import PEOPLE_EXPORT
from desktop_app.people.models import (
    DEPARTMENT_FIELDS,
    NON_REGISTERED_REASONS,
    STAFF_CATEGORIES,
    STAFF_FIELDS,
    Department,
    Staff,
)
from desktop_app.people.service import StaffFilter
from desktop_app.reports.base import Column, GroupRow, ProgressCallback, ReportInfo
from desktop_app.reports.pdf import PdfReport
from desktop_app.reports.xlsx import XlsxReport
from desktop_app.session import Session

# The 人员名册 and 科室名册 print and export the same columns: the fields' labels and print widths.
STAFF_KEYS = ("seq", "employee_no", "name", "gender", "department_id", "category", "title", "licence_no",
              "practice_status", "hire_date", "on_duty", "phone")
STAFF_COLUMNS = STAFF_FIELDS.pdf_columns(STAFF_KEYS)
# 类型, 电话 and 状态 (启用/停用) print shorter headings than the department's fields' labels (科室类型,
# 科室电话, 启用 — what its dialog and the audit log say): they stay the printout's own until one
# heading is chosen for both.
DEPARTMENT_COLUMNS = [
    *DEPARTMENT_FIELDS.pdf_columns(("seq", "code", "name")), Column("类型", 9, "center"),
    *DEPARTMENT_FIELDS.pdf_columns(("parent_id", "staff_count")), Column("电话", 13), Column("状态", 5, "center"),
]


@dataclass(frozen=True)
class StaffListSnapshot:
    info: ReportInfo
    staff: tuple[Staff, ...]  # in print order: department (as in the department tree), category, 工号


@dataclass(frozen=True)
class DepartmentListSnapshot:
    info: ReportInfo
    departments: tuple[Department, ...]  # tree order: each department followed by those under it


def _tree_order(departments: list[Department]) -> list[Department]:
    ids = {d.id for d in departments}
    children: dict[int | None, list[Department]] = {}
    for d in departments:  # already sorted by sort_order, id
        children.setdefault(d.parent_id if d.parent_id in ids else None, []).append(d)
    out: list[Department] = []

    def walk(parent_id):
        for d in children.get(parent_id, []):
            out.append(d)
            walk(d.id)

    walk(None)
    return out


def _as_of(today: dt.date) -> str:
    return f"截至{today.year}年{today.month}月{today.day}日"


def _info(session: Session, title: str, filters: list[str]) -> ReportInfo:
    profile = get_profile(session.db)
    return ReportInfo(
        title=title, hospital=profile.name if profile else "", period=_as_of(session.today()),
        filters=tuple(filters), author=session.actor.display_name, printed_at=session.now(),
    )


def describe_staff_filter(session: Session, flt: StaffFilter) -> list[str]:
    """The filter in words, as printed under the title."""
    out = []
    if flt.department_id is not None:
        name = people.get_department(session, flt.department_id).name
        out.append(f"科室：{name}" + ("（含下属科室）" if flt.include_sub_departments else ""))
    if flt.category:
        out.append(f"人员类别：{flt.category}")
    if flt.registered_here is not None:
        out.append("执业状态：" + ("本机构执业" if flt.registered_here
                                   else "非本机构执业（" + "、".join(NON_REGISTERED_REASONS) + "）"))
    out.append("在岗状态：" + {True: "仅在岗", False: "仅离岗", None: "全部（含离岗）"}[flt.on_duty])
    if flt.query.strip():
        out.append(f"关键词：{flt.query.strip()}")
    return out


@action(PEOPLE_EXPORT, scope=HOSPITAL)
def staff_list_snapshot(session: Session, flt: StaffFilter = StaffFilter()) -> StaffListSnapshot:
    order = {d.id: i for i, d in enumerate(_tree_order(people.list_departments(session)))}
    rank = {c: i for i, c in enumerate(STAFF_CATEGORIES)}
    staff = sorted(
        people.list_staff(session, flt),
        key=lambda s: (order.get(s.department_id, len(order)), rank.get(s.category, len(rank)), s.employee_no),
    )
    return StaffListSnapshot(_info(session, "人员名册", describe_staff_filter(session, flt)), tuple(staff))


@action(PEOPLE_EXPORT, scope=HOSPITAL)
def department_list_snapshot(session: Session, *, include_inactive: bool = True) -> DepartmentListSnapshot:
    departments = _tree_order(people.list_departments(session, include_inactive=include_inactive))
    filters = ["科室状态：" + ("全部（含停用）" if include_inactive else "仅启用")]
    return DepartmentListSnapshot(_info(session, "科室名册", filters), tuple(departments))


# ----------------------------------------------------------------------------- staff list


def _staff_row(number: int, s: Staff) -> list:
    hire = dt.date.fromisoformat(s.hire_date) if s.hire_date else None
    return [number, s.employee_no, s.name, s.gender, s.department_name, s.category, s.title, s.licence_no,
            s.practice_status, hire, s.on_duty, s.phone]


def staff_summary(snapshot: StaffListSnapshot) -> str:
    counts = Counter(s.practice_status for s in snapshot.staff)
    order = ["本机构执业", *NON_REGISTERED_REASONS]
    statuses = [st for st in order if st in counts] + [st for st in counts if st not in order]
    parts = [f"{st} {counts[st]} 人" for st in statuses]
    return f"共 {len(snapshot.staff)} 人" + ("，其中" + "、".join(parts) if parts else "") + "。"


def write_staff_list_pdf(snapshot: StaffListSnapshot, path: Path | str, *,
                         progress: ProgressCallback | None = None) -> Path:
    """A4 landscape, one sub-heading row per department."""
    per_department = Counter(s.department_name for s in snapshot.staff)
    rows: list = []
    current = None
    for number, s in enumerate(snapshot.staff, start=1):
        if s.department_name != current:
            current = s.department_name
            rows.append(GroupRow(f"{current}（{per_department[current]} 人）"))
        rows.append(_staff_row(number, s))
    report = PdfReport(path, snapshot.info, landscape=True)
    report.table(STAFF_COLUMNS, rows, empty_text="（无符合条件的人员）")
    report.note(staff_summary(snapshot))
    report.signature_block()
    return report.build(progress)


def write_staff_list_xlsx(snapshot: StaffListSnapshot, path: Path | str, *,
                          progress: ProgressCallback | None = None) -> Path:
    """One row per person (no sub-heading rows, so sorting and filtering work)."""
    report = XlsxReport(path, snapshot.info, landscape=True)
    report.table(STAFF_COLUMNS, [_staff_row(i, s) for i, s in enumerate(snapshot.staff, start=1)])
    return report.build(progress)


# ----------------------------------------------------------------------------- department list


def _department_rows(snapshot: DepartmentListSnapshot) -> list[list]:
    return [[i, d.code, d.name, d.kind, d.parent_name, d.staff_count, d.phone, "启用" if d.active else "停用"]
            for i, d in enumerate(snapshot.departments, start=1)]


def department_summary(snapshot: DepartmentListSnapshot) -> str:
    active = sum(d.active for d in snapshot.departments)
    staff = sum(d.staff_count for d in snapshot.departments)
    return (f"共 {len(snapshot.departments)} 个科室（启用 {active} 个，停用 {len(snapshot.departments) - active} 个），"
            f"在岗人员合计 {staff} 人。")


def write_department_list_pdf(snapshot: DepartmentListSnapshot, path: Path | str, *,
                              progress: ProgressCallback | None = None) -> Path:
    report = PdfReport(path, snapshot.info)
    report.table(DEPARTMENT_COLUMNS, _department_rows(snapshot), font_size=9.5, empty_text="（尚无科室）")
    report.note(department_summary(snapshot))
    report.signature_block()
    return report.build(progress)


def write_department_list_xlsx(snapshot: DepartmentListSnapshot, path: Path | str, *,
                               progress: ProgressCallback | None = None) -> Path:
    report = XlsxReport(path, snapshot.info)
    report.table(DEPARTMENT_COLUMNS, _department_rows(snapshot))
    return report.build(progress)


# ----------------------------------------------------------------------------- self-test


def write_selftest_sample(session, pdf: Path, xlsx: Path) -> str:
    """The self-test's printout of this module (see desktop_app/selftest.py)."""
    snapshot = staff_list_snapshot(session)
    write_staff_list_pdf(snapshot, pdf)
    write_staff_list_xlsx(snapshot, xlsx)
    return f"人员名册 {len(snapshot.staff)} 人"
