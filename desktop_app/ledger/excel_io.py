"""问题台账 from Excel: the import template, and importing a hospital's existing ledger in two
steps (preview → apply), as for staff (``people/excel_io.py``).

Hospitals' own files differ: the header row is found by its text, headings are matched with
their common variants (:data:`LEDGER_COLUMNS`), dates in the usual spellings, merged cells and
section rows (a department written once above its rows) are understood by
:func:`desktop_app.excel.reader.read_table`. Required columns: 发现日期, 问题描述, 责任科室.

Rules for each row (also printed on the template's 说明 sheet):

* **问题类别** goes through the checklists' aliases (older names of the core systems → the
  canonical name; ``查对`` → ``查对制度``); text that is no known category is kept as written,
  with a warning. Empty → ``未分类`` (warning).
* **责任科室** must be a department of this hospital, by name (error otherwise). An empty cell
  under a section row naming a department takes that department.
* **来源** must be one of the ledger's sources, an inspection type (科室月度自查 → 科室自查), or
  contain a telling word (督查/专项 → 上级督查/专项检查, 交叉 → 交叉检查 …). Empty → 自查 (warning).
* **整改时限** empty → 发现日期 + the default deadline setting (warning); earlier than 发现日期 → error.
  发现/完成整改/复查/销号 dates may not lie in the future nor (except 发现日期) before 发现日期.
* **Status**, from the file:
  1. 已销号 when 是否销号/状态 says 是/已销号 (or the file has no status column and a 销号日期 is
     filled). It needs a 复查人 and a 销号日期 or 复查日期 (errors otherwise); without a
     复查意见 the opinion is recorded as “原台账记为已销号” (warning).
  2. otherwise an explicit 待整改 / 整改中 / 已整改(待复查) in that column is kept;
  3. otherwise: 整改情况 or 佐证材料 filled → 已整改待复查; 原因分析 or 整改措施 filled → 整改中;
     else 待整改.
* **重复**: a row with the same 发现日期, 责任科室 and 问题描述 as an item already in the ledger
  (or as an earlier row of the file) is skipped with a warning — importing a file twice adds
  nothing the second time.

Nothing is written while any error remains. :func:`apply_ledger_import` re-checks the file's
SHA-256 and re-plans the rows inside its one transaction (refusing if anything changed since the
preview), inserts every new item through :func:`desktop_app.ledger.service.insert_item` (number,
登记 event noting the file and row, audit row) and writes one summary audit row.
"""
from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation

from desktop_app import errors
from desktop_app.accounts import audit
from desktop_app.accounts.permissions import action
from desktop_app.accounts.scope import HOSPITAL, department, on
from desktop_app.errors import Finding
from desktop_app.excel.imports import (
    ImportPlan,
    require_same_plan,
    require_unchanged_file,
    split_findings,
    table_fields,
)
from desktop_app.excel.reader import Limits, read_table
from desktop_app.ledger import repo
from desktop_app.ledger.checklists import all_category_names, category_aliases
from desktop_app.ledger.manifest import LEDGER_EXPORT, LEDGER_MANAGE
from desktop_app.ledger.models import (
    AWAITING_RECHECK,
    CLOSED,
    IN_PROGRESS,
    LEDGER_FIELDS,
    PENDING,
    SEVERITIES,
    SOURCES,
)
from desktop_app.ledger.service import ALL_ITEMS, insert_item, validate_registration
from desktop_app.people import repo as people_repo
from desktop_app.reports.base import atomic_output
from desktop_app.reports.xlsx import apply_print_setup
from desktop_app.session import Session
from desktop_app.settings import get_setting
from desktop_app.textnorm import clean_prose, clean_text

F = LEDGER_FIELDS
LEDGER_COLUMNS = F.pick((
    "seq", "number", "found_on", "source", "category", "check_point", "description", "department_id", "severity",
    "deduction", "cause_analysis", "measures", "responsible_person", "deadline", "progress", "evidence",
    "rectified_on", "rechecker", "recheck_on", "recheck_opinion", "closed", "closed_on", "closed_by", "remarks"))
TEMPLATE_SHEET = "问题台账导入模板"
EXPORT_SHEET = "问题台账"
LISTS_SHEET = "下拉列表"
HELP_SHEET = "说明"
UNCATEGORISED = "未分类"
CLOSED_WITHOUT_OPINION = "原台账记为已销号"
RECTIFIED_WITHOUT_PROGRESS = "原台账记为已整改"

NEW, DUPLICATE, INVALID = "新增", "重复", "有错误"
ACTIONS = (NEW, DUPLICATE, INVALID)

# what the 是否销号 / 状态 column may say (lower case); None = "not closed", decided by the other columns
_STATUS_WORDS = {
    CLOSED: {"是", "√", "✓", "y", "yes", "已销号", "销号", "已完成销号"},
    AWAITING_RECHECK: {"已整改待复查", "已整改", "待复查", "已完成", "完成", "整改完成", "已落实", "已整改完成"},
    IN_PROGRESS: {"整改中", "正在整改", "部分整改", "部分完成"},
    PENDING: {"待整改", "未整改"},
    None: {"否", "×", "x", "n", "no", "未销号", "未完成"},
}
_STATUS_OF = {word: status for status, words in _STATUS_WORDS.items() for word in words}
_SEVERITY_OF = {"轻微": "一般", "较轻": "一般", "低": "一般", "中": "较重", "中等": "较重", "较严重": "较重",
                "高": "严重", "重大": "严重"}
_SOURCE_WORDS = (("科室", "科室自查"), ("交叉", "交叉检查"), ("质控中心", "质控中心"), ("督查", "上级督查/专项检查"),
                 ("专项", "上级督查/专项检查"), ("上级", "上级督查/专项检查"), ("卫健", "上级督查/专项检查"),
                 ("投诉", "投诉"), ("不良事件", "不良事件"), ("自查", "自查"))
# the fields validate_registration checks (its findings name them; 责任科室 is checked here first)
_REGISTRATION_FIELDS = {"found_on", "deadline", "source", "category", "description", "severity", "deduction"}


# ----------------------------------------------------------------------------- the plan


@dataclass(frozen=True)
class PlannedItem:
    row: int  # spreadsheet row number
    action: str  # 新增 / 重复 / 有错误
    status: str | None  # the status the item will have (新增 only)
    description: str
    department: str
    findings: tuple[Finding, ...]
    source: dict  # the row's values as read from the file (re-planned before writing)
    values: dict  # what insert_item gets

    def describe(self) -> str:
        """One line for the preview."""
        if self.action == INVALID:
            return "；".join(f.message.rstrip("。") for f in self.findings if f.is_error) + "。"
        if self.action == DUPLICATE:
            return next(f.message for f in self.findings if f.severity == "warning")
        return f"{self.values['found_on']} {self.department}：{self.description[:30]}（{self.status}）"


@dataclass(frozen=True)
class LedgerImportPlan(ImportPlan):
    path: Path
    sha256: str
    sheet: str
    header_row: int
    columns: dict[str, str]  # field key -> column letter in this file
    rows: tuple[PlannedItem, ...]
    findings: tuple[Finding, ...]  # file-level first, then by row
    ignored_columns: tuple[str, ...]
    skipped_rows: tuple[tuple[int, str], ...]

    @property
    def counts(self) -> dict[str, int]:
        c = Counter(r.action for r in self.rows)
        return {a: c.get(a, 0) for a in ACTIONS}

    @property
    def status_counts(self) -> dict[str, int]:
        c = Counter(r.status for r in self.rows if r.action == NEW)
        return {s: c[s] for s in (PENDING, IN_PROGRESS, AWAITING_RECHECK, CLOSED) if c[s]}

    def summary(self) -> str:
        c = self.counts
        parts = "，".join(f"{s} {n} 项" for s, n in self.status_counts.items())
        text = f"新增 {c[NEW]} 项" + (f"（{parts}）" if parts else "") + f"，重复跳过 {c[DUPLICATE]} 项"
        if c[INVALID] or self.errors:
            text += f"；有错误 {c[INVALID]} 行，共 {len(self.errors)} 处问题，改正后才能导入"
        return text + "。"


@dataclass(frozen=True)
class LedgerImportResult:
    created: int
    duplicates: int
    item_ids: tuple[int, ...]


@action(LEDGER_MANAGE, scope=ALL_ITEMS)
def preview_ledger_import(session: Session, path: Path | str, *, limits: Limits = Limits()) -> LedgerImportPlan:
    """Read and check the file; nothing is written. Raises ExcelFileError for unusable files."""
    departments = set(people_repo.department_ids_by_name(session.db))
    table = read_table(path, LEDGER_COLUMNS, sheet=(TEMPLATE_SHEET, EXPORT_SHEET), limits=limits,
                       section_test=departments.__contains__)  # a department's name alone on a row heads its rows
    by_row, general = split_findings(table)
    skipped = list(table.skipped)
    sources = []
    for r in table.rows:
        if all(v is None for k, v in r.values.items() if k not in ("seq", "number")) and not by_row.get(r.row):
            skipped.append((r.row, "只有序号的空行"))
        else:
            sources.append((r.row, {**r.values, "_section": r.section}))
    if not sources:
        general.append(Finding(
            f"工作表“{table.sheet}”第 {table.header_row} 行表头以下没有问题数据。请在表头下面逐行填写后再导入。"))
    general += _missing_column_warnings(session, table.columns, len(sources))
    rows = _plan_rows(session, sources, table.columns, by_row)
    return LedgerImportPlan(
        **table_fields(table, path), rows=tuple(rows),
        findings=tuple(general) + tuple(f for r in rows for f in r.findings),
        skipped_rows=tuple(sorted(skipped)),
    )


def _plan_departments(db, plan: LedgerImportPlan) -> set[int]:
    return {r.values.get("department_id") for r in plan.rows if r.action == NEW}


@action(LEDGER_MANAGE, scope=department(on("plan", _plan_departments), doing="导入", what="问题"))
def apply_ledger_import(session: Session, plan: LedgerImportPlan) -> LedgerImportResult:
    """Insert every new row of an error-free plan in one transaction, plus one summary audit row."""
    if plan.errors:
        raise errors.ValidationError(plan.errors)
    require_unchanged_file(plan)
    db = session.db
    ids: list[int] = []
    with db.transaction():
        fresh = _plan_rows(session, [(r.row, r.source) for r in plan.rows], plan.columns, {})
        require_same_plan(plan.rows, fresh, lambda r: (r.action, r.status, r.values), "台账或科室数据")
        for r in fresh:
            if r.action == NEW:
                number = r.source.get("number") or r.source.get("seq")
                note = f"从 Excel 导入：{plan.file_name} 第 {r.row} 行" + (f"（原台账编号 {number}）" if number else "")
                ids.append(insert_item(session, r.values, status=r.status, note=note).id)
        counts = Counter(r.action for r in fresh)
        audit.record(session, "import", "ledger_item", label=plan.file_name, after={
            "文件": plan.file_name, "工作表": plan.sheet, "新增": counts[NEW], "重复跳过": counts[DUPLICATE],
            **{f"其中{s}": n for s, n in Counter(r.status for r in fresh if r.action == NEW).items()},
            "文件校验值": plan.sha256,
        })
    return LedgerImportResult(counts[NEW], counts[DUPLICATE], tuple(ids))


# ----------------------------------------------------------------------------- row rules


def _missing_column_warnings(session: Session, columns: dict[str, str], rows: int) -> list[Finding]:
    if not rows:
        return []
    days = int(get_setting(session.db, "ledger.default_deadline_days"))
    absent = {
        "deadline": f"文件中没有“整改时限”列：整改时限一律按发现日期后 {days} 天登记。",
        "source": "文件中没有“来源”列：来源一律按“自查”登记。",
        "category": f"文件中没有“问题类别”列：问题类别一律记为“{UNCATEGORISED}”，统计时单独成类。",
    }
    return [Finding(text, severity="warning") for key, text in absent.items() if key not in columns]


class _Context:
    """What every row is checked against, read once per plan."""

    def __init__(self, session: Session, columns: dict[str, str]):
        db = session.db
        self.session, self.columns, self.today = session, columns, session.today()
        self.departments = people_repo.department_ids_by_name(db)
        self.aliases = category_aliases(db)
        self.types = repo.inspection_type_sources(db)
        self.deadline_days = int(get_setting(db, "ledger.default_deadline_days"))
        self.existing = {(r[0], r[1], _key(r[2])) for r in repo.item_keys(db)}
        self.seen: dict[tuple, int] = {}

    def at(self, row: int, key: str, message: str, severity: str = "error") -> Finding:
        return F.finding(key, message, severity=severity, row=row, column=self.columns.get(key))


def _key(description: str | None) -> str:
    return " ".join((description or "").split())


def _text(src: dict, key: str) -> str:
    return clean_text(src.get(key))


def _plan_rows(session: Session, sources, columns: dict[str, str], cell_findings) -> list[PlannedItem]:
    ctx = _Context(session, columns)
    return [_plan_row(ctx, row, src, list(cell_findings.get(row, ()))) for row, src in sources]


def _plan_row(ctx: _Context, row: int, src: dict, fs: list[Finding]) -> PlannedItem:
    department = _text(src, "department_id") or (src.get("_section") if src.get("_section") in ctx.departments else "")
    values = {
        "found_on": src.get("found_on"), "deadline": src.get("deadline"), "description": src.get("description"),
        "source": _source(ctx, row, src, fs), "category": _category(ctx, row, src, fs),
        "severity": _severity(ctx, row, src, fs), "deduction": src.get("deduction"),
        "check_point": src.get("check_point"), "responsible_person": src.get("responsible_person"),
        "remarks": src.get("remarks"), "department_id": ctx.departments.get(department),
    }
    if not department:
        fs.append(ctx.at(row, "department_id", "请填写责任科室。"))
    elif values["department_id"] is None:
        known = "、".join(list(ctx.departments)[:8])
        fs.append(ctx.at(row, "department_id", f"科室“{department}”在系统中不存在。请改成系统中已有的科室名称（如：{known}），"
                                            "或先在“科室”页添加该科室后再导入。"))
    if values["found_on"] and not values["deadline"] and "deadline" in ctx.columns:
        values["deadline"] = values["found_on"] + dt.timedelta(days=ctx.deadline_days)
        fs.append(ctx.at(row, "deadline", f"未填写整改时限，按发现日期后 {ctx.deadline_days} 天（{values['deadline']}）登记。",
                         "warning"))
    elif values["found_on"] and not values["deadline"]:
        values["deadline"] = values["found_on"] + dt.timedelta(days=ctx.deadline_days)
    clean, found = validate_registration(ctx.session, values)
    already = {f.column for f in fs if f.is_error}  # a cell the reader or the rules above found bad
    for f in found:
        key = f.field
        if key not in _REGISTRATION_FIELDS or ctx.columns.get(key) in already:
            continue
        if key == "deadline" and not src.get("deadline") and not clean["found_on"]:
            continue  # no deadline is derived without a found date: that one error is enough
        fs.append(ctx.at(row, key, _REWORDED.get(f.message, f.message).format(
            found=_shown(src.get("found_on")), deadline=_shown(values["deadline"]))))
    status, extra = _status(ctx, row, src, clean.get("found_on"), fs)
    clean.update(extra)
    description = clean["description"]
    if any(f.is_error for f in fs):
        return PlannedItem(row, INVALID, None, description, department, tuple(fs), dict(src), clean)
    key = (clean["found_on"], clean["department_id"], _key(description))
    if key in ctx.existing:
        return PlannedItem(row, DUPLICATE, None, description, department, (ctx.at(
            row, "description", f"重复：台账中已有 {clean['found_on']} {department}“{description[:20]}”，本行跳过。",
            "warning"),), dict(src), clean)
    if key in ctx.seen:
        return PlannedItem(row, DUPLICATE, None, description, department, (ctx.at(
            row, "description", f"重复：与文件第 {ctx.seen[key]} 行相同（发现日期、科室、问题描述都一样），本行跳过。",
            "warning"),), dict(src), clean)
    ctx.seen[key] = row
    return PlannedItem(row, NEW, status, description, department, tuple(fs), dict(src), clean)


def _shown(value) -> str:
    return value.isoformat() if isinstance(value, dt.date) else str(value)


_REWORDED = {  # the form's messages, with the values of this row
    "发现日期不能晚于今天。": "发现日期（{found}）晚于今天，请核对。",
    "整改时限不能早于发现日期。": "整改时限（{deadline}）早于发现日期（{found}），请改正。",
}


def _source(ctx: _Context, row: int, src: dict, fs: list[Finding]) -> str:
    text = _text(src, "source")
    if not text:
        if "source" in ctx.columns:
            fs.append(ctx.at(row, "source", "未填写来源，按“自查”登记。", "warning"))
        return "自查"
    if text in SOURCES:
        return text
    if text in ctx.types:
        return ctx.types[text]
    found = next((source for word, source in _SOURCE_WORDS if word in text), None)
    if found is None:
        fs.append(ctx.at(row, "source", f"来源“{text}”无法识别，请写：" + "、".join(SOURCES) + "。"))
        return text
    return found


def _category(ctx: _Context, row: int, src: dict, fs: list[Finding]) -> str:
    text = _text(src, "category")
    if not text:
        if "category" in ctx.columns:
            fs.append(ctx.at(row, "category", f"未填写问题类别，记为“{UNCATEGORISED}”。", "warning"))
        return UNCATEGORISED
    for name in (text, text + "制度", text + "度"):
        if name in ctx.aliases:
            return ctx.aliases[name]
    fs.append(ctx.at(row, "category", f"“{text}”不是检查表中的类别，将按原文登记（统计时单独成类）；"
                                      "如是核心制度或专项整治类别，请改用标准名称。", "warning"))
    return text


def _severity(ctx: _Context, row: int, src: dict, fs: list[Finding]) -> str:
    text = _text(src, "severity")
    if not text:
        return "一般"
    text = _SEVERITY_OF.get(text, text)
    if text not in SEVERITIES:
        fs.append(ctx.at(row, "severity", f"严重程度“{text}”无法识别，请写：一般、较重、严重。"))
    return text


def _status(ctx: _Context, row: int, src: dict, found_on: str | None, fs: list[Finding]) -> tuple[str, dict]:
    """The item's status and its rectification fields, from the file (rules in the module docstring)."""
    text = _text(src, "closed").lower()
    if text and text not in _STATUS_OF:
        fs.append(ctx.at(row, "closed", f"“{text}”无法识别。请写“是/否”，或状态：待整改、整改中、已整改待复查、已销号。"))
    stated = _STATUS_OF.get(text)
    dates = {}
    for key in ("rectified_on", "recheck_on", "closed_on"):
        value = src.get(key)
        if value is None:
            continue
        if value > ctx.today:
            fs.append(ctx.at(row, key, f"{F.label(key)}（{value}）晚于今天，请核对。"))
        elif found_on and value.isoformat() < found_on:
            fs.append(ctx.at(row, key, f"{F.label(key)}（{value}）早于发现日期（{found_on}），请核对。"))
        dates[key] = value.isoformat()
    progress = clean_prose(src.get("progress"))
    if src.get("evidence"):
        progress = "；".join(p for p in (progress, f"佐证材料：{clean_prose(src['evidence'])}") if p)
    extra = {"cause_analysis": clean_prose(src.get("cause_analysis")), "measures": clean_prose(src.get("measures")),
             "progress": progress, "rectified_on": dates.get("rectified_on"),
             "rechecker": _text(src, "rechecker") or None, "recheck_on": dates.get("recheck_on"),
             "recheck_opinion": clean_prose(src.get("recheck_opinion"))}
    closed = stated == CLOSED or (not text and "closed" not in ctx.columns and src.get("closed_on") is not None)
    if closed:
        when = dates.get("closed_on") or dates.get("recheck_on")
        if not extra["rechecker"]:
            fs.append(ctx.at(row, "rechecker", "原台账记为已销号，但没有复查人。销号须有复查人、复查意见和日期："
                                               "请填写“复查人”，或把本行改为未销号。"))
        unreadable = {ctx.columns.get("closed_on"), ctx.columns.get("recheck_on")} - {None}
        if not when and not any(f.is_error and f.column in unreadable for f in fs):
            fs.append(ctx.at(row, "closed_on", "原台账记为已销号，但没有销号日期或复查日期，请填写其中之一。"))
        if not extra["recheck_opinion"]:
            extra["recheck_opinion"] = CLOSED_WITHOUT_OPINION
            fs.append(ctx.at(row, "recheck_opinion", f"没有复查意见，记为“{CLOSED_WITHOUT_OPINION}”。", "warning"))
        extra |= {"closed_on": when, "recheck_on": extra["recheck_on"] or when,
                  "closed_by": _text(src, "closed_by") or extra["rechecker"],
                  "rectified_on": extra["rectified_on"] or when}
        return CLOSED, extra
    if stated in (PENDING, IN_PROGRESS, AWAITING_RECHECK):
        status = stated
    elif progress:
        status = AWAITING_RECHECK
    elif extra["cause_analysis"] or extra["measures"]:
        status = IN_PROGRESS
    else:
        status = PENDING
    if status == AWAITING_RECHECK and not progress:
        extra["progress"] = RECTIFIED_WITHOUT_PROGRESS
        fs.append(ctx.at(row, "closed", f"原台账记为已整改但没有整改情况，整改情况记为“{RECTIFIED_WITHOUT_PROGRESS}”。",
                         "warning"))
    return status, extra


# ----------------------------------------------------------------------------- the template

TEMPLATE_KEYS = ("seq", "found_on", "source", "category", "check_point", "description", "department_id", "severity",
                 "cause_analysis", "measures", "responsible_person", "deadline", "progress", "evidence",
                 "rectified_on", "rechecker", "recheck_on", "recheck_opinion", "closed", "closed_on", "remarks")
_WIDTH = {"seq": 6, "description": 40, "check_point": 30, "cause_analysis": 28, "measures": 28, "progress": 28,
          "evidence": 20, "recheck_opinion": 20, "remarks": 16, "category": 22, "source": 16}
_HELP = [
    "1. 每行一个问题。带 * 的列必须填写：发现日期、问题描述、责任科室。列标题不要修改（也认得常见写法，如“存在问题”“责任部门”“完成时限”）。",
    "2. 日期写成 2026-03-05（也可写 2026/3/5、2026.3.5、2026年3月5日）。发现日期、复查日期、销号日期不能晚于今天；整改时限不能早于发现日期，"
    "留空时按发现日期加系统设置的默认天数。",
    "3. 来源：" + "、".join(SOURCES) + "；也可写检查类型（如“科室月度自查”）。留空按“自查”。",
    "4. 问题类别请从下拉列表选择（专项整治十类问题或 18 项核心制度）；核心制度的旧称（如“首诊医师负责制度”）会自动改为标准名称；"
    "列表以外的写法按原文登记并提示。",
    "5. 责任科室必须是系统中已有的科室（从下拉列表选择）。",
    "6. 状态：是否销号填“是”即为已销号，此时必须填写复查人和销号日期（或复查日期），复查意见留空则记为“原台账记为已销号”。"
    "未销号时：填了整改情况或佐证材料记为“已整改待复查”，只填了原因分析或整改措施记为“整改中”，否则为“待整改”。",
    "7. 与台账中已有问题的发现日期、责任科室、问题描述都相同的行视为重复，不再导入；同一文件导入两次不会重复登记。",
    "8. 导入分两步：先列出将新增、重复跳过的行和每一处问题（第几行、第几列），确认后才写入；只要有一处错误，就不会写入任何数据。",
    "9. 请保存为 .xlsx 格式。旧版 .xls 或 CSV 文件请先在 Excel 中“另存为” .xlsx。",
]


def _list_range(wb: Workbook, column: int, name: str, items: list[str]) -> str:
    ws = wb[LISTS_SHEET]
    for r, item in enumerate(items, start=1):
        ws.cell(r, column, item)
    letter = get_column_letter(column)
    wb.defined_names[name] = DefinedName(name, attr_text=f"'{LISTS_SHEET}'!${letter}$1:${letter}${max(1, len(items))}")
    return "=" + name


@action(LEDGER_EXPORT, scope=HOSPITAL)
def export_ledger_template(session: Session, path: Path | str) -> Path:
    """The empty import template: canonical headings, drop-downs (来源, 严重程度, 责任科室, 问题类别, 是否销号)."""
    db = session.db
    wb = Workbook()
    ws = wb.active
    ws.title = TEMPLATE_SHEET
    wb.create_sheet(LISTS_SHEET).sheet_state = "hidden"
    columns = F.pick(TEMPLATE_KEYS)
    departments = list(people_repo.department_ids_by_name(db, active_only=True))
    lists = {"source": '"' + ",".join(SOURCES) + '"', "severity": '"' + ",".join(SEVERITIES) + '"',
             "closed": '"是,否"', "department_id": _list_range(wb, 1, "LedgerDeptList", departments),
             "category": _list_range(wb, 2, "LedgerCategoryList", all_category_names(db))}
    fill = PatternFill("solid", fgColor="DDEBF7")
    for col, c in enumerate(columns, start=1):
        cell = ws.cell(1, col, f"*{c.label}" if c.required else c.label)
        cell.font, cell.fill = Font(bold=True, color="C00000" if c.required else None), fill
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        letter = get_column_letter(col)
        ws.column_dimensions[letter].width = _WIDTH.get(c.key, 12)
        if c.kind == "date":
            ws.column_dimensions[letter].number_format = "yyyy-mm-dd"
        if c.key in lists:
            strict = c.key != "category"  # categories outside the list are accepted (with a warning)
            dv = DataValidation(type="list", formula1=lists[c.key], allow_blank=True, showErrorMessage=True,
                                errorStyle="stop" if strict else "warning", errorTitle=f"“{c.label}”填写有误",
                                error=f"请从下拉列表中选择“{c.label}”。" if strict else "不在检查表类别中，将按原文登记。")
            dv.add(f"{letter}2:{letter}2000")
            ws.add_data_validation(dv)
    ws.freeze_panes = "B2"
    apply_print_setup(ws, landscape=True, title_rows="1:1")
    help_ws = wb.create_sheet(HELP_SHEET, 1)
    help_ws.column_dimensions["A"].width = 72  # fits a portrait A4 page without scaling
    help_ws["A1"] = "问题台账导入说明"
    help_ws["A1"].font = Font(size=14, bold=True)
    for r, line in enumerate(_HELP, start=3):
        help_ws.cell(r, 1, line).alignment = Alignment(wrap_text=True, vertical="top")
        help_ws.row_dimensions[r].height = 15 * math.ceil(len(line) * 2 / 68) + 3  # a Chinese character is 2 wide
    help_ws.page_setup.paperSize = help_ws.PAPERSIZE_A4  # no fit-to-width: LibreOffice would enlarge a narrow sheet
    with atomic_output(path) as tmp:
        wb.save(tmp)
    return Path(path)
