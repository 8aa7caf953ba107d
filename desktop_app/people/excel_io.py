"""人员 Excel：导入模板、导出名册，以及分两步的导入（先预览，确认后再写入）。

:data:`STAFF_COLUMNS` (fields of ``STAFF_FIELDS``) is the one list of columns: the template, the
export and the importer all use it, so an exported roster can be edited in Excel and imported back.

Import rules (also printed on the template's 说明 sheet):

* 工号 is the key: a 工号 unknown to the database → 新增; a known one → 更新 of the fields that
  differ, or 无变化. The same 工号 twice in one file is an error on every row concerned.
* A column absent from the file leaves that field of existing staff unchanged (new staff get the
  defaults). An empty cell clears the field — the preview shows it as a change — except 执业状态
  and 在岗, which cannot be empty: there an empty cell keeps the current value (new staff:
  本机构执业, 在岗).
* Every row is checked by one :class:`StaffValidator`; each finding is placed at its row and at
  the column of its field in *this* file. Warnings are kept for rows that will be written only.

Re-check before writing (the choice made here): the plan keeps the SHA-256 of the bytes it was
built from and every row's values as read. :func:`apply_staff_import` refuses when the file now
differs (the user edited it after previewing and would expect the edit to be imported), and, inside
its one write transaction, plans the stored rows again against the current database: if any row's
action or values differ (someone edited a person, took a 工号 or stopped a department since the
preview) it raises :class:`~desktop_app.errors.Conflict` and writes nothing. What is written is
exactly what the preview showed.
"""
from __future__ import annotations

import datetime as dt
import math
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation

from desktop_app import errors
from desktop_app.accounts import audit
from desktop_app.accounts.permissions import action
from desktop_app.accounts.scope import HOSPITAL, department
from desktop_app.errors import Finding
from desktop_app.excel.imports import (
    ImportPlan,
    require_same_plan,
    require_unchanged_file,
    split_findings,
    table_fields,
)
from desktop_app.excel.reader import Limits, read_table
from desktop_app.hospital.service import get_profile
from desktop_app.people import repo
from desktop_app.people.manifest import PEOPLE_EXPORT, PEOPLE_IMPORT
from desktop_app.people.models import (
    GENDERS,
    NON_REGISTERED_REASONS,
    PRACTICE_CATEGORIES,
    STAFF_CATEGORIES,
    STAFF_EDITABLE,
    STAFF_FIELDS,
    TITLES_BY_CATEGORY,
    Staff,
)
from desktop_app.people.service import (
    STAFF,
    StaffFilter,
    StaffValidator,
    insert_staff_row,
    list_departments,
    list_staff,
    update_staff_row,
)
from desktop_app.reports.base import atomic_output
from desktop_app.reports.xlsx import apply_print_setup
from desktop_app.session import Session
from desktop_app.textnorm import clean_text

F = STAFF_FIELDS
STAFF_COLUMNS = F.pick(("employee_no", "name", "gender", "department_id", "category", "title", "licence_no",
                        "practice_category", "practice_status", "hire_date", "on_duty", "leave_date", "phone", "notes"))
TEMPLATE_SHEET = "人员导入模板"
EXPORT_SHEET = "人员名册"
HELP_SHEET = "说明"
LISTS_SHEET = "下拉列表"
PRACTICE_STATUSES = ["本机构执业", *NON_REGISTERED_REASONS]
ALL_TITLES = [t for titles in TITLES_BY_CATEGORY.values() for t in titles]
ALL_PRACTICE_CATEGORIES = list(dict.fromkeys(c for cats in PRACTICE_CATEGORIES.values() for c in cats))
ON_DUTY_ALIASES = {"在职": "是"}

NEW, UPDATE, SAME, INVALID = "新增", "更新", "无变化", "有错误"
ACTIONS = (NEW, UPDATE, SAME, INVALID)

# StaffValidator's findings name the record's fields; the file holds 执业状态 for two of them:
_COLUMN_OF_FIELD = {"registered_here": "practice_status", "non_registered_reason": "practice_status"}
_COLUMN_KEYS = frozenset(c.key for c in STAFF_COLUMNS)


# ----------------------------------------------------------------------------- the plan


def _text(value) -> str:
    return value.isoformat() if isinstance(value, (dt.date, dt.datetime)) else str(value)


@dataclass(frozen=True)
class FieldChange:
    field: str
    label: str
    old: str | None
    new: str | None

    def text(self) -> str:
        return f"{self.label}：{self.old or '（空）'} → {self.new or '（空）'}"


@dataclass(frozen=True)
class PlannedRow:
    row: int  # spreadsheet row number
    action: str  # 新增 / 更新 / 无变化 / 有错误
    employee_no: str
    name: str
    staff_id: int | None  # the existing person for 更新/无变化
    changes: tuple[FieldChange, ...]  # for 更新: only the fields that differ
    findings: tuple[Finding, ...]
    source: dict  # the row's values as read from the file (re-planned before writing)
    values: dict  # the validated values that will be written

    def describe(self) -> str:
        """One line for the preview: the problems, the changes, or what will be created."""
        if self.action == INVALID:
            return "；".join(f.message.rstrip("。") for f in self.findings if f.is_error) + "。"
        if self.changes:
            return "；".join(c.text() for c in self.changes)
        if self.action == NEW:
            return "；".join(f"{F.label(k)}：{_text(v)}" for k, v in self.source.items()
                            if k in _COLUMN_KEYS and k not in ("employee_no", "name") and v not in (None, ""))
        return ""


@dataclass(frozen=True)
class StaffImportPlan(ImportPlan):
    path: Path
    sha256: str
    sheet: str
    header_row: int
    columns: dict[str, str]  # field key -> column letter in this file
    rows: tuple[PlannedRow, ...]
    findings: tuple[Finding, ...]  # every problem, file-level first, then by row
    ignored_columns: tuple[str, ...]  # headings not imported, e.g. "A 列“序号”"
    skipped_rows: tuple[tuple[int, str], ...]  # notes and section rows

    @property
    def counts(self) -> dict[str, int]:
        c = Counter(r.action for r in self.rows)
        return {a: c.get(a, 0) for a in ACTIONS}

    def summary(self) -> str:
        c = self.counts
        text = f"新增 {c[NEW]} 人，更新 {c[UPDATE]} 人，无变化 {c[SAME]} 人"
        if c[INVALID] or self.errors:
            text += f"；有错误 {c[INVALID]} 行，共 {len(self.errors)} 处问题，改正后才能导入"
        return text + "。"


@dataclass(frozen=True)
class StaffImportResult:
    created: int
    updated: int
    unchanged: int
    staff_ids: tuple[int, ...]  # created or updated


# Should PEOPLE_IMPORT ever be granted to a 科室负责人, each row must stay within her reach (a finding
# at the row's 科室 cell; see _plan_rows).
_IMPORT_SCOPE = department(doing="导入", what="人员")


@action(PEOPLE_IMPORT, scope=_IMPORT_SCOPE)
def preview_staff_import(session: Session, path: Path | str, *, limits: Limits = Limits()) -> StaffImportPlan:
    """Read and check the file; nothing is written. Raises ExcelFileError for unusable files."""
    table = read_table(path, STAFF_COLUMNS, sheet=(TEMPLATE_SHEET, EXPORT_SHEET), limits=limits)
    by_row, general = split_findings(table)
    if not table.rows:
        general.append(Finding(
            f"工作表“{table.sheet}”第 {table.header_row} 行表头以下没有人员数据。请在表头下面逐行填写后再导入。"))
    rows = _plan_rows(session, [(r.row, r.values) for r in table.rows], table.columns, by_row)
    return StaffImportPlan(
        **table_fields(table, path), rows=tuple(rows),
        findings=tuple(general) + tuple(f for r in rows for f in r.findings),
        skipped_rows=tuple(table.skipped),
    )


@action(PEOPLE_IMPORT, scope=_IMPORT_SCOPE)
def apply_staff_import(session: Session, plan: StaffImportPlan) -> StaffImportResult:
    """Write every row of an error-free plan in one transaction, plus one summary audit row."""
    if plan.errors:
        raise errors.ValidationError(plan.errors)
    require_unchanged_file(plan)
    db = session.db
    ids: list[int] = []
    with db.transaction():
        fresh = _plan_rows(session, [(r.row, r.source) for r in plan.rows], plan.columns, {})
        require_same_plan(plan.rows, fresh, lambda r: (r.action, r.staff_id, r.values), "系统中的人员或科室数据")
        for r in fresh:
            if r.action == NEW:
                ids.append(insert_staff_row(session, r.values).id)
            elif r.action == UPDATE:
                ids.append(update_staff_row(session, repo.get_staff(db, r.staff_id), r.values).id)
        counts = Counter(r.action for r in fresh)
        audit.record(session, "import", "staff", label=plan.file_name, after={
            "文件": plan.file_name, "工作表": plan.sheet, "新增": counts[NEW], "更新": counts[UPDATE],
            "无变化": counts[SAME], "文件校验值": plan.sha256,
        })
    return StaffImportResult(counts[NEW], counts[UPDATE], counts[SAME], tuple(ids))


def _plan_rows(session: Session, sources, columns: dict[str, str], cell_findings) -> list[PlannedRow]:
    db = session.db
    validator = StaffValidator(db, session.today())
    existing = {s.employee_no: s for s in repo.search_staff(db)}
    department_names = {d.id: d.name for d in validator.departments.values()}
    reach = session.reach  # None: the whole hospital
    where: dict[str, list[int]] = defaultdict(list)
    for row, src in sources:
        where[clean_text(src.get("employee_no"))].append(row)

    def at(row: int, key: str, message: str, severity: str = "error") -> Finding:
        return F.finding(key, message, severity=severity, row=row, column=columns.get(key))

    planned = []
    for row, src in sources:
        employee_no = clean_text(src.get("employee_no"))
        before = existing.get(employee_no)
        clean, found = validator.validate(_values(src, before, columns), staff_id=before.id if before else None)
        fs = list(cell_findings.get(row, ()))
        fs += [at(row, _COLUMN_OF_FIELD.get(f.field, f.field), f.message, f.severity) for f in found]
        rows_with_no = where[employee_no]
        if employee_no and len(rows_with_no) > 1:
            fs.append(at(row, "employee_no", f"工号“{employee_no}”在文件中出现了 {len(rows_with_no)} 次"
                         f"（第 {'、'.join(map(str, rows_with_no))} 行），同一人只能占一行，请删除或改正重复的行。"))
        if before and clean["name"] and clean["name"] != before.name:
            fs.append(at(row, "name", f"工号“{employee_no}”在系统中是“{before.name}”，文件中写的是“{clean['name']}”，"
                         "导入后将改名；如果是工号填错了，请改正工号。", "warning"))
        if reach is not None and clean["department_id"] is not None and (
                clean["department_id"] not in reach or (before and before.department_id not in reach)):
            fs.append(at(row, "department_id", "科室负责人只能导入本科室（含下属病区）的人员。"))
        changes = _changes(before, clean, department_names) if before else ()
        if any(f.is_error for f in fs):
            kind = INVALID
        else:
            kind = NEW if before is None else UPDATE if changes else SAME
        if kind == SAME:
            fs = [f for f in fs if f.is_error]
        planned.append(PlannedRow(row, kind, employee_no, clean["name"], before.id if before else None,
                                  changes, tuple(fs), dict(src), clean))
    return planned


def _values(src: dict, before: Staff | None, columns: dict[str, str]) -> dict:
    """What the validator gets: the existing record, overlaid with the columns present in the file."""
    values = {k: getattr(before, k) for k in STAFF_EDITABLE} if before else {}
    for key in columns:
        value = src.get(key)
        if key == "department_id":  # the file names the department
            values["department_id"], values["department"] = None, value
        elif key == "practice_status":
            if value is not None:
                values["registered_here"], values["non_registered_reason"] = value, None
        elif key == "on_duty":
            if value is not None:
                values["on_duty"] = ON_DUTY_ALIASES.get(value, value)
        else:
            values[key] = value
    return values


def _shown(clean: dict, department_names: dict[int, str]) -> dict:
    shown = dict(clean)
    shown["department_id"] = department_names.get(clean["department_id"])
    for key in ("registered_here", "on_duty"):
        shown[key] = "是" if clean[key] else "否"
    return shown


def _changes(before: Staff, clean: dict, department_names: dict[int, str]) -> tuple[FieldChange, ...]:
    old, new = STAFF.audit_values(before), _shown(clean, department_names)
    return tuple(FieldChange(k, F.label(k), old[k], new[k]) for k in old if old[k] != new[k])


# ----------------------------------------------------------------------------- template and export

_HINTS = {
    "employee_no": "必填。每人唯一，字母、数字或“-”，最长 20 位。系统中已有此工号时，导入会更新此人的信息。",
    "name": "必填。2–30 个汉字或字母，少数民族姓名用“·”分隔。",
    "department_id": "必填。从下拉列表选择程序中已有的科室。",
    "category": "必填。医师、护士、医技、药师、管理、其他。",
    "title": "与人员类别一致，如护士类：护士、护师、主管护师、副主任护师、主任护师。",
    "licence_no": "本机构执业的医师、护士请填写，6–30 位字母或数字。",
    "practice_status": "本机构执业；或不在本机构执业的原因：" + "、".join(NON_REGISTERED_REASONS) + "。",
    "hire_date": "日期，如 2024-03-05。",
    "on_duty": "是/否。已离岗请填“否”并填写离岗日期。",
    "leave_date": "日期，如 2024-03-05。",
}
_HELP = [
    "1. 请在“人员导入模板”工作表中逐行填写，每行一人。第 1 行的列标题不要修改；带 * 的列必须填写。",
    "2. 工号是每个人的唯一标识：系统中已有该工号时，导入会更新此人的信息（只改动有变化的项目）；"
    "没有时新增。同一工号在文件中只能出现一次。",
    "3. 科室请从下拉列表中选择（即程序“科室”页中启用的科室）。新科室请先在程序中添加，再重新下载模板。",
    "4. 人员类别：" + "、".join(STAFF_CATEGORIES) + "。职称须与人员类别一致（如护士类填护士、护师、主管护师等）。",
    "5. 执业状态：填“本机构执业”，或不在本机构执业的原因（" + "、".join(NON_REGISTERED_REASONS) + "）。"
    "留空时新增人员按“本机构执业”，已有人员保持不变。",
    "6. 在岗：是/否。已离岗的人员请填“否”并填写离岗日期。留空时新增人员按“在岗”，已有人员保持不变。",
    "7. 日期写成 2024-03-05（也可写 2024/3/5、2024.3.5、2024年3月5日）。",
    "8. 本机构执业的医师、护士请填写执业证书编号，否则不能独立值班或获得手术授权。",
    "9. 已有人员：某一格留空，导入后该项会被清空（执业状态、在岗除外）；整列删除则不改动该项。",
    "10. 导入分两步：程序先列出将新增、更新的人员和每一处问题（第几行、第几列），确认后才写入；"
    "文件中只要有一处错误，就不会写入任何数据。",
    "11. 请保存为 .xlsx 格式。旧版 .xls 或 CSV 文件请先在 Excel 中“另存为” .xlsx。",
]
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_THIN = Side(style="thin", color="808080")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)


def _lists(wb: Workbook, departments: list[str]) -> dict[str, str]:
    """The hidden sheet with the long lists; returns key -> defined name for the validations."""
    ws = wb.create_sheet(LISTS_SHEET)
    ws.sheet_state = "hidden"
    names = {}
    for col, (key, name, items) in enumerate((
            ("department_id", "DeptList", departments), ("title", "TitleList", ALL_TITLES),
            ("practice_category", "PracticeCategoryList", ALL_PRACTICE_CATEGORIES)), start=1):
        letter = get_column_letter(col)
        for row, item in enumerate(items, start=1):
            ws.cell(row, col, item)
        ref = f"'{LISTS_SHEET}'!${letter}$1:${letter}${max(1, len(items))}"
        wb.defined_names[name] = DefinedName(name, attr_text=ref)
        names[key] = name
    return names


def _validations(ws, wb: Workbook, departments: list[str], last_row: int) -> None:
    named = _lists(wb, departments)
    inline = {"gender": GENDERS, "category": STAFF_CATEGORIES, "practice_status": PRACTICE_STATUSES,
              "on_duty": ["是", "否"]}
    strict = {"gender", "department_id", "category", "practice_status", "on_duty"}
    for col, c in enumerate(STAFF_COLUMNS, start=1):
        if c.key in inline:
            formula = '"' + ",".join(inline[c.key]) + '"'
        elif c.key in named:
            formula = "=" + named[c.key]
        else:
            continue
        dv = DataValidation(
            type="list", formula1=formula, allow_blank=True, showErrorMessage=True, showInputMessage=True,
            errorStyle="stop" if c.key in strict else "warning", errorTitle=f"“{c.label}”填写有误",
            error=f"请从下拉列表中选择“{c.label}”。" if c.key in strict else f"“{c.label}”不在常用列表中，请核对。",
            promptTitle=c.label, prompt=(_HINTS.get(c.key) or f"请选择{c.label}")[:250],
        )
        letter = get_column_letter(col)
        dv.add(f"{letter}2:{letter}{last_row}")
        ws.add_data_validation(dv)


def _height(text: str, width: float) -> float:
    """Row height (points) for wrapped text: a Chinese character is about two width units."""
    return 16.0 * max(1, math.ceil(len(text) * 2.1 / width))


def _help_sheet(wb: Workbook) -> None:
    ws = wb.create_sheet(HELP_SHEET)
    ws["A1"] = "人员导入说明"
    ws["A1"].font = Font(size=14, bold=True)
    ws.merge_cells("A1:D1")
    for i, line in enumerate(_HELP, start=3):
        ws.cell(i, 1, line).alignment = Alignment(wrap_text=True, vertical="top")
        ws.merge_cells(start_row=i, start_column=1, end_row=i, end_column=4)
        ws.row_dimensions[i].height = _height(line, 106)  # merged cells never grow by themselves
    top = len(_HELP) + 4
    for col, text in enumerate(("列名", "是否必填", "填写说明", "也可写作"), start=1):
        cell = ws.cell(top, col, text)
        cell.font, cell.fill, cell.border = Font(bold=True), _HEADER_FILL, _BORDER
    widths = (14, 10, 52, 30)
    for i, c in enumerate(STAFF_COLUMNS, start=top + 1):
        texts = (c.label, "必填" if c.required else "", _HINTS.get(c.key, ""), "、".join(c.aliases))
        for col, text in enumerate(texts, start=1):
            cell = ws.cell(i, col, text)
            cell.alignment, cell.border = Alignment(wrap_text=True, vertical="top"), _BORDER
        ws.row_dimensions[i].height = max(_height(t, w) for t, w in zip(texts, widths))
    for letter, width in zip("ABCD", widths):
        ws.column_dimensions[letter].width = width
    apply_print_setup(ws, landscape=False)


def _workbook(departments: list[str], staff: list[Staff], sheet_title: str, page_header: str) -> Workbook:
    wb = Workbook()
    ws = wb.active
    ws.title = sheet_title
    for col, c in enumerate(STAFF_COLUMNS, start=1):
        cell = ws.cell(1, col, f"*{c.label}" if c.required else c.label)
        cell.font = Font(bold=True, color="C00000" if c.required else None)
        cell.fill, cell.border = _HEADER_FILL, _BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        if c.key in _HINTS:
            cell.comment = Comment(_HINTS[c.key], "医疗质量安全台账", width=260, height=90)
        dim = ws.column_dimensions[get_column_letter(col)]
        dim.width = c.xlsx_width
        if c.number_format:  # 工号, 证书编号, 电话 as text (0123 keeps its zero); dates as dates
            dim.number_format = c.number_format
    for row, s in enumerate(staff, start=2):
        for col, value in enumerate(_export_values(s), start=1):
            cell = ws.cell(row, col, value)
            cell.border = _BORDER
            if STAFF_COLUMNS[col - 1].number_format:
                cell.number_format = STAFF_COLUMNS[col - 1].number_format
    last = get_column_letter(len(STAFF_COLUMNS))
    ws.freeze_panes = "C2"
    ws.auto_filter.ref = f"A1:{last}{len(staff) + 1}"
    _validations(ws, wb, departments, max(2000, len(staff) + 1000))
    apply_print_setup(ws, landscape=True, title_rows="1:1")
    if page_header:
        ws.oddHeader.center.text = page_header
        ws.oddHeader.center.size = 12
        ws.page_margins.top, ws.page_margins.header = 0.9, 0.35  # room for the page header
    _help_sheet(wb)
    wb.move_sheet(HELP_SHEET, offset=-1)  # 人员, 说明, (hidden) 下拉列表
    wb.active = 0
    return wb


def _export_values(s: Staff) -> list:
    values = {
        "employee_no": s.employee_no, "name": s.name, "gender": s.gender, "department_id": s.department_name,
        "category": s.category, "title": s.title, "licence_no": s.licence_no,
        "practice_category": s.practice_category, "practice_status": s.practice_status,
        "hire_date": dt.date.fromisoformat(s.hire_date) if s.hire_date else None,
        "on_duty": "是" if s.on_duty else "否",
        "leave_date": dt.date.fromisoformat(s.leave_date) if s.leave_date else None,
        "phone": s.phone, "notes": s.notes,
    }
    return [values[c.key] for c in STAFF_COLUMNS]


def _active_department_names(session: Session) -> list[str]:
    return [d.name for d in list_departments(session, include_inactive=False)]


@action(PEOPLE_EXPORT, scope=HOSPITAL)
def write_staff_template(session: Session, path: Path | str) -> Path:
    """The empty import template, with drop-down lists of this hospital's active departments."""
    wb = _workbook(_active_department_names(session), [], TEMPLATE_SHEET, "")
    with atomic_output(path) as tmp:
        wb.save(tmp)
    return Path(path)


@action(PEOPLE_EXPORT, scope=HOSPITAL)
def export_staff_xlsx(session: Session, path: Path | str, flt: StaffFilter = StaffFilter()) -> int:
    """The staff matching ``flt`` in exactly the template's layout (edit and import back); returns the count."""
    staff = list_staff(session, flt)
    profile = get_profile(session.db)
    hospital = profile.name if profile else ""
    header = f"{hospital}人员名册（导出日期 {session.today().isoformat()}）"
    wb = _workbook(_active_department_names(session), staff, EXPORT_SHEET, header)
    with atomic_output(path) as tmp:
        wb.save(tmp)
    return len(staff)
