"""手术分级目录 and HIS operations logs from Excel, in two steps (preview → apply), as for staff
(``people/excel_io.py``) and the ledger (``ledger/excel_io.py``); and the catalogue import template.

**The catalogue as hospitals publish it.** Title rows above the header, headings in their usual
variants (:data:`CATALOGUE_COLUMNS`: 手术（操作）编码, 手术名称, 手术级别 …), department or 专业
section rows — a merged row “普外科” above its procedures, or the name alone in a cell (“一、普外科”,
“骨科（共 23 项）”) —, merged cells, codes with or without the dot and as numbers (21.3104, 213104),
grades as 四级/4/4级/Ⅳ级/IV, 是/否/√/✓ for 限制类技术, 日间手术 and 微创/介入, 说明/注 rows, blank
rows, repeated header rows and 小计 lines. Every row is understood or reported by
“第 N 行 X 列 “字段”：…” before anything is written:

* each procedure goes through :func:`desktop_app.surgery.catalogue.clean_procedure` (code
  normalised, grade spellings, a 限制类技术 is 四级 and never 日间手术);
* **a code twice in the file** is an error on each of its rows, naming all of them;
* **科室**: the 科室 column, else the section row above; matched to the hospital's departments by
  name; a name that is no department is kept as 专业 text, with one warning per name;
* a code with fewer than four digits after the dot gets a warning (Excel drops the trailing zeros
  of 21.3100 typed as a number);
* an optional 调整原因 column feeds the 动态调整 record: kept for a code that differs from the
  version the draft was made from (a warning otherwise).

The import goes into a **draft** version: a new one (``name``, optionally made from ``based_on`` —
it starts as a copy of that version, as in :func:`catalogue.create_catalogue`) or an existing
draft (``into``). A code already in the draft is 更新 (the fields that differ) or 无变化 — a column
the file lacks (科室 with no section rows either, a flag, 备注) leaves that field as the draft has
it —; a new code is 新增. ``replace=True`` makes the draft exactly the file: codes of the draft missing from the
file are deleted (listed in the preview). :func:`apply_catalogue_import` re-checks the file's
SHA-256 and re-plans inside its one transaction (refusing if anything changed since the preview),
writes every row and one summary audit row.

**Operations logs from the HIS** (:func:`preview_operations_import`): 手术日期, 住院号/病案号,
手术编码 and/or 手术名称, 主刀医师/术者 (a name) and/or 主刀医师工号. Every row goes through
:func:`desktop_app.surgery.operations.check_operations`: unknown surgeons and procedures are
errors listed by row (and grouped by name in :attr:`OperationsImportPlan.unknown_surgeons` /
:attr:`~OperationsImportPlan.unknown_procedures`), the 越权手术 are listed with the reason; nothing
is written until :func:`apply_operations_import` (``operations.record_operations``: one
transaction, refused for a file recorded before).
"""
from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation

from desktop_app import errors
from desktop_app.accounts import audit
from desktop_app.accounts.permissions import action
from desktop_app.accounts.scope import HOSPITAL
from desktop_app.errors import Finding
from desktop_app.excel.imports import (
    ImportPlan,
    require_same_plan,
    require_unchanged_file,
    split_findings,
    table_fields,
)
from desktop_app.excel.reader import (
    ExcelFileError,
    Limits,
    heading_key,
    read_table,
)
from desktop_app.fields import Field
from desktop_app.reports.base import atomic_output
from desktop_app.reports.xlsx import apply_print_setup
from desktop_app.session import Session
from desktop_app.surgery import catalogue as catalogues
from desktop_app.surgery import operations, repo
from desktop_app.surgery.manifest import SURGERY_CATALOGUE, SURGERY_OPERATIONS
from desktop_app.surgery.models import (
    CATALOGUE_FIELDS,
    GRADE_LABELS,
    OPERATION_FIELDS,
    SURGERY_FIELDS,
    Catalogue,
    Procedure,
    normalise_code,
)
from desktop_app.textnorm import NO, YES, clean_prose, clean_text, parse_date

# ----------------------------------------------------------------------------- the catalogue

F = SURGERY_FIELDS
CATALOGUE_COLUMNS: tuple[Field, ...] = F.pick((
    "seq", "code", "name", "grade", "department", "specialty", "restricted", "day_surgery", "minimally_invasive",
    "notes", "reason"))
_FLAGS = ("restricted", "day_surgery", "minimally_invasive")
_FLAG_WORDS = {"restricted": ("限制类",), "day_surgery": ("日间",), "minimally_invasive": ("微创", "介入", "腔镜")}
_YES = YES | {"✔", "●", "是的"}
TEMPLATE_SHEET = "手术分级目录导入模板"
EXPORT_SHEET = "手术分级管理目录"  # the sheet of the catalogue workbook (reports.write_catalogue_xlsx): it imports back
HELP_SHEET = "说明"
LISTS_SHEET = "下拉列表"

NEW, UPDATE, SAME, INVALID = "新增", "更新", "无变化", "有错误"
ACTIONS = (NEW, UPDATE, SAME, INVALID)

_ORDINAL = re.compile(r"^(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[)）]|\d+[、.．]|"
                      r"第[一二三四五六七八九十\d]+[部分类章节]+[、:：]?)\s*")
_LABEL_PREFIX = re.compile(r"^(?:科室|专业|科别|科室名称|专业名称)\s*[:：]\s*")
_COUNT_SUFFIX = re.compile(r"\s*[（(]\s*共?\s*\d+\s*项?\s*[)）]\s*$|\s*共\s*\d+\s*项\s*$")
_SECTION_ENDINGS = ("科", "专业", "专科", "组", "中心", "病区", "室", "部", "系统")
_TOTALS = ("合计", "小计", "共计", "总计")


def section_name(text: str | None) -> str | None:
    """“一、普外科” · “（二）骨科（共 23 项）” · “科室：眼科” → the department or 专业 it names."""
    text = clean_text(text)
    if not text or text.startswith(_TOTALS):
        return None
    text = _COUNT_SUFFIX.sub("", _LABEL_PREFIX.sub("", _ORDINAL.sub("", text)))
    for suffix in ("手术分级目录", "手术分级管理目录", "手术目录"):
        text = text.removesuffix(suffix)
    return text.strip() or None


def _looks_like_section(departments: set[str]):
    """A row of one text cell written without merging: a department's name, or a short name of a
    专业 (“胸外科”, “眼眶病专业”) — not a procedure (they end in 术), not a number."""
    def test(text: str) -> bool:
        name = section_name(text)
        if not name:
            return False
        if name in departments:
            return True
        return (len(name) <= 15 and not any(ch.isdigit() for ch in name) and not name.endswith("术")
                and name.endswith(_SECTION_ENDINGS))
    return test


def parse_flag(value, key: str) -> bool | None:
    """是/否/√/✓/Y/N/1/0 (and the column's own word, e.g. “微创” in 微创/介入) → True/False; None: unreadable."""
    text = clean_text(value).lower()
    if not text:
        return False
    if text in _YES or text.startswith("是"):
        return True
    if text in NO or text.startswith(("否", "不")) or text in ("—", "-", "/", "无"):
        return False
    if any(word in text for word in _FLAG_WORDS[key]):
        return True
    return None


@dataclass(frozen=True)
class PlannedProcedure:
    row: int                       # spreadsheet row number
    action: str                    # 新增 / 更新 / 无变化 / 有错误
    code: str | None
    name: str
    grade: int | None
    department: str | None         # the matched department's name
    specialty: str | None
    changes: tuple[str, ...]       # 更新: "级别：三级 → 四级" …
    findings: tuple[Finding, ...]
    source: dict                   # the row's values as read (re-planned before writing)
    values: dict                   # what is written (repo columns)
    reason: str | None = None      # 调整原因 kept for the 动态调整 record

    def describe(self) -> str:
        """One line for the preview."""
        if self.action == INVALID:
            return "；".join(f.message.rstrip("。") for f in self.findings if f.is_error) + "。"
        if self.action == UPDATE:
            return "；".join(self.changes)
        if self.action == NEW:
            flags = [w for w, k in (("限制类技术", "restricted"), ("日间手术", "day_surgery"),
                                    ("微创/介入", "minimally_invasive")) if self.values.get(k)]
            return "；".join(x for x in (GRADE_LABELS.get(self.grade, ""), self.department or self.specialty,
                                        "、".join(flags)) if x)
        return ""


@dataclass(frozen=True)
class CatalogueImportPlan(ImportPlan):
    path: Path
    sha256: str
    sheet: str
    header_row: int
    columns: dict[str, str]                  # field key -> column letter in this file
    target_id: int | None                    # the draft imported into; None: a new draft made at apply
    target_name: str                         # that draft's name (or the new one's)
    based_on_id: int | None                  # the version a new draft starts as a copy of
    effective_date: str | None               # a new draft's effective date
    replace: bool                            # the draft becomes exactly the file
    rows: tuple[PlannedProcedure, ...]
    removed: tuple[tuple[str, str], ...]     # replace: (code, name) of the draft that the file lacks
    findings: tuple[Finding, ...]            # file-level first, then by row
    ignored_columns: tuple[str, ...]         # e.g. "A 列“序号”"
    skipped_rows: tuple[tuple[int, str], ...]   # notes, sections, blank numbered rows, totals

    @property
    def counts(self) -> dict[str, int]:
        c = Counter(r.action for r in self.rows)
        return {a: c.get(a, 0) for a in ACTIONS}

    @property
    def grade_counts(self) -> dict[int, int]:
        c = Counter(r.grade for r in self.rows if r.action != INVALID)
        return {g: c[g] for g in (1, 2, 3, 4)}

    def summary(self) -> str:
        c = self.counts
        where = f"导入到草稿“{self.target_name}”" if self.target_id else f"新建草稿“{self.target_name}”"
        text = f"{where}：新增 {c[NEW]} 项，更新 {c[UPDATE]} 项，无变化 {c[SAME]} 项"
        if self.replace:
            text += f"，删除 {len(self.removed)} 项（文件中没有）"
        grades = "，".join(f"{GRADE_LABELS[g]} {n}" for g, n in self.grade_counts.items() if n)
        if grades:
            text += f"（{grades}）"
        if c[INVALID] or self.errors:
            text += f"；有错误 {c[INVALID]} 行，共 {len(self.errors)} 处问题，改正后才能导入"
        return text + "。"


@dataclass(frozen=True)
class CatalogueImportResult:
    catalogue: Catalogue
    created: int
    updated: int
    unchanged: int
    removed: int


def _target(session: Session, into: int | None, name: str | None, based_on: int | None,
            effective_date) -> tuple[Catalogue | None, str, Catalogue | None, str | None]:
    """The draft imported into (or None and the new draft's name), the version compared with, the date."""
    if into is not None:
        if name or based_on:
            raise errors.ValidationError(CATALOGUE_FIELDS.finding("target", "导入到已有草稿时，不需要填写新版本名称和依据版本。"))
        target = catalogues.get_catalogue(session, into)
        if target.frozen:
            raise errors.Conflict(f"“{target.name}”已批准，内容已冻结，不能导入。请新建一个版本（可以它为基础）再导入。")
        return target, target.name, None, None
    name = clean_text(name)
    if not name:
        raise errors.ValidationError(CATALOGUE_FIELDS.finding(
            "name", "请填写新目录版本的名称，例如“手术分级管理目录（2027 年版）”，或选择要导入的草稿。"))
    base = catalogues.get_catalogue(session, based_on) if based_on else None
    try:
        day = parse_date(effective_date)
    except ValueError:
        raise errors.ValidationError(CATALOGUE_FIELDS.finding("effective_date", "生效日期无法识别，请写成 2027-01-01。")) from None
    return None, name, base, day.isoformat() if day else None


@action(SURGERY_CATALOGUE, scope=HOSPITAL)
def preview_catalogue_import(session: Session, path: Path | str, *, into: int | None = None, name: str | None = None,
                             based_on: int | None = None, effective_date=None, replace: bool = False,
                             limits: Limits = Limits()) -> CatalogueImportPlan:
    """Read and check the file against the draft ``into`` (or a new draft ``name`` made from
    ``based_on``); nothing is written. Raises ExcelFileError for unusable files."""
    target, target_name, base, effective = _target(session, into, name, based_on, effective_date)
    departments = {r["name"] for r in repo.departments(session.db)}
    table = read_table(path, CATALOGUE_COLUMNS, sheet=(TEMPLATE_SHEET, EXPORT_SHEET), limits=limits,
                       section_test=_looks_like_section(departments))
    by_row, general = split_findings(table)
    skipped = list(table.skipped)
    sources = []
    headings = {k: heading_key(v) for k, v in table.headings.items()}
    for r in table.rows:
        v = r.values
        filled = {k: x for k, x in v.items() if x not in (None, "")}
        if not normalise_code(v.get("code")) and any(str(x).startswith(_TOTALS) for x in filled.values()):
            skipped.append((r.row, "合计行：" + "".join(str(x) for x in filled.values())[:30]))
        elif not by_row.get(r.row) and set(filled) <= {"seq"}:
            skipped.append((r.row, "只有序号的空行"))
        elif filled and all(heading_key(x) == headings.get(k) for k, x in filled.items()):
            skipped.append((r.row, "重复的表头行"))
        else:
            sources.append((r.row, {**v, "_section": r.section}))
    if not sources:
        general.append(Finding(f"工作表“{table.sheet}”第 {table.header_row} 行表头以下没有手术数据。"
                               "请在表头下面逐行填写后再导入。"))
    rows, removed, row_general = _plan_rows(session, target, base, replace, sources, table.columns, by_row)
    return CatalogueImportPlan(
        **table_fields(table, path), target_id=target.id if target else None, target_name=target_name,
        based_on_id=base.id if base else None, effective_date=effective, replace=replace, rows=tuple(rows),
        removed=tuple(removed), findings=tuple(general) + tuple(row_general) + tuple(f for r in rows for f in r.findings),
        skipped_rows=tuple(sorted(skipped)),
    )


@action(SURGERY_CATALOGUE, scope=HOSPITAL)
def apply_catalogue_import(session: Session, plan: CatalogueImportPlan) -> CatalogueImportResult:
    """Write an error-free plan into its draft (made now for a new one) in one transaction, audited."""
    if plan.errors:
        raise errors.ValidationError(plan.errors)
    require_unchanged_file(plan)
    db = session.db
    with db.transaction():
        if plan.target_id:
            target, _, base, _ = _target(session, plan.target_id, None, None, None)
        else:
            target, base = None, catalogues.get_catalogue(session, plan.based_on_id) if plan.based_on_id else None
        fresh, removed, _ = _plan_rows(session, target, base, plan.replace, [(r.row, r.source) for r in plan.rows],
                                       plan.columns, {})
        require_same_plan(plan.rows, fresh, lambda r: (r.action, r.values, r.reason), "目录草稿或科室数据")
        if tuple(removed) != plan.removed:
            raise errors.Conflict("预览之后，目录草稿中的手术有了变化，为避免覆盖别人的修改，本次没有写入任何数据。"
                                  "请重新预览后再导入。")
        if target is None:
            target = catalogues.create_catalogue(session, {"name": plan.target_name,
                                                           "effective_date": plan.effective_date,
                                                           "notes": f"从 Excel 导入：{plan.file_name}"}, plan.based_on_id)
        ids = {p.code: p.id for p in repo.procedures(db, target.id)}
        repo.insert_procedures(db, target.id, [r.values for r in fresh if r.action == NEW])
        for r in fresh:
            if r.action == UPDATE:
                repo.update_procedure(db, ids[r.code], r.values)
        for code, _ in removed:
            repo.delete_procedure(db, ids[code])
        for r in fresh:
            if r.reason:
                repo.set_change_reason(db, target.id, r.code, r.reason)
        counts = Counter(r.action for r in fresh)
        after = repo.catalogue(db, target.id)
        audit.record(session, "import", "surgery_catalogue", uid=after.uid, label=after.name, after={
            "文件": plan.file_name, "工作表": plan.sheet, "新增": counts[NEW], "更新": counts[UPDATE],
            "无变化": counts[SAME], "删除": len(removed), "调整原因": sum(bool(r.reason) for r in fresh),
            "手术": after.procedures, "文件校验值": plan.sha256})
    return CatalogueImportResult(after, counts[NEW], counts[UPDATE], counts[SAME], len(removed))


# ----------------------------------------------------------------------------- catalogue row rules


_COMPARED = (("name", "名称"), ("grade", "级别"), ("department_id", "科室"), ("specialty", "专业"),
             ("restricted", "限制类技术"), ("day_surgery", "日间手术"), ("minimally_invasive", "微创/介入"),
             ("notes", "备注"))


class _Context:
    """What every row is checked against, read once per plan."""

    def __init__(self, session: Session, target: Catalogue | None, base: Catalogue | None, columns: dict[str, str]):
        db = session.db
        self.db, self.columns = db, columns
        rows = repo.departments(db)
        self.departments = {r["name"]: r["id"] for r in rows}
        self.clinical = [r["name"] for r in rows if r["kind"] == "临床"]
        self.department_names = {v: k for k, v in self.departments.items()}
        # the procedures the draft holds before the import (a new draft: a copy of its base)
        source = target or base
        self.existing: dict[str, Procedure] = {p.code: p for p in repo.procedures(db, source.id)} if source else {}
        compared_id = target.based_on_id if target else (base.id if base else None)
        self.previous: dict[str, Procedure] = ({p.code: p for p in repo.procedures(db, compared_id)}
                                               if compared_id else {})
        self.has_previous = compared_id is not None

    def at(self, row: int, key: str, message: str, severity: str = "error") -> Finding:
        return F.finding(key, message, severity=severity, row=row, column=self.columns.get(key))

    def shown(self, key: str, value) -> str:
        if key == "grade":
            return GRADE_LABELS.get(value, "")
        if key == "department_id":
            return self.department_names.get(value, "") if value else "（无）"
        if key in _FLAGS:
            return "是" if value else "否"
        return value or "（空）"


def _plan_rows(session: Session, target: Catalogue | None, base: Catalogue | None, replace: bool, sources,
               columns: dict[str, str], cell_findings) -> tuple[list[PlannedProcedure], list, list[Finding]]:
    ctx = _Context(session, target, base, columns)
    planned = [_plan_row(ctx, row, src, list(cell_findings.get(row, ()))) for row, src in sources]
    _mark_duplicates(ctx, planned)
    general = _unknown_departments(ctx, planned)
    in_file = {p.code for p in planned if p.code}
    removed = [(code, p.name) for code, p in sorted(ctx.existing.items()) if code not in in_file] if replace else []
    return planned, removed, general


def _department(ctx: _Context, src: dict) -> tuple[int | None, str | None, str | None]:
    """(department id, its name, 专业 text) from the 科室 cell, the 专业 cell and the section row above."""
    cell = clean_text(src.get("department"))
    section = section_name(src.get("_section"))
    specialty = clean_text(src.get("specialty")) or None
    name = cell or section
    dept_id = ctx.departments.get(name) if name else None
    if dept_id is None and cell and section in ctx.departments:  # 科室 column holds a 专业, the section a department
        dept_id, specialty = ctx.departments[section], specialty or cell
    elif dept_id is None and name:
        specialty = specialty or name
    elif dept_id is not None and section and section != name and not specialty:
        specialty = section  # a 专业 section under a department column
    return dept_id, ctx.department_names.get(dept_id), specialty


def _plan_row(ctx: _Context, row: int, src: dict, fs: list[Finding]) -> PlannedProcedure:
    bad_cells = {f.column for f in fs if f.is_error}
    kept = ctx.existing.get(normalise_code(src.get("code")) or "")  # what the draft has for this code
    flags = {}
    for key in _FLAGS:
        if key not in ctx.columns and kept is not None:  # a column the file lacks changes nothing
            flags[key] = getattr(kept, key)
            continue
        flag = parse_flag(src.get(key), key)
        if flag is None:
            fs.append(ctx.at(row, key, f"“{clean_text(src.get(key))[:20]}”无法识别，请写“是”或“否”（也可写 √ 表示是，留空表示否）。"))
        flags[key] = bool(flag)
    if kept is not None and not src.get("_section") and not {"department", "specialty"} & ctx.columns.keys():
        dept_id, specialty = kept.department_id, kept.specialty
        dept_name = ctx.department_names.get(dept_id)
    else:
        dept_id, dept_name, specialty = _department(ctx, src)
    if kept is not None and "notes" not in ctx.columns:
        src = {**src, "notes": kept.notes}
    clean, found = catalogues.clean_procedure(ctx.db, {**src, **flags, "department_id": dept_id, "specialty": specialty})
    for f in found:  # keyed by the file's columns (code, name, grade, day_surgery, department)
        key = f.field
        if ctx.columns.get(key) not in bad_cells:
            fs.append(ctx.at(row, key, f.message))
    code = clean["code"]
    if code and "x" not in code and len(code.split(".")[1]) < 4:
        fs.append(ctx.at(row, "code", f"编码 {code} 比国家临床版编码（如 21.3100）短。若单元格是数字格式，Excel 会去掉末尾的 0；"
                                      "请把该列设为“文本”格式并核对编码。", "warning"))
    reason = clean_prose(src.get("reason"))
    if reason and code:
        before = ctx.previous.get(code)
        if not ctx.has_previous:
            fs.append(ctx.at(row, "reason", "这个版本不是由其他版本调整而来，调整原因不会保存。", "warning"))
            reason = None
        elif before is not None and not _differs(before, clean):
            fs.append(ctx.at(row, "reason", f"编码 {code} 与上一版本相比没有变化，调整原因不会保存。", "warning"))
            reason = None
    base = dict(row=row, code=code, name=clean["name"], grade=clean["grade"], department=dept_name,
                specialty=clean["specialty"], findings=tuple(fs), source=dict(src), values=clean, reason=reason)
    if any(f.is_error for f in fs):
        return PlannedProcedure(action=INVALID, changes=(), **base)
    old = ctx.existing.get(code)
    if old is None:
        return PlannedProcedure(action=NEW, changes=(), **base)
    changes = tuple(f"{label}：{ctx.shown(k, getattr(old, k))} → {ctx.shown(k, clean[k])}"
                    for k, label in _COMPARED if (getattr(old, k) or None) != (clean[k] or None))
    return PlannedProcedure(action=UPDATE if changes else SAME, changes=changes, **base)


def _differs(p: Procedure, clean: dict) -> bool:
    """As the 动态调整 record sees it (catalogue.differences)."""
    return any(getattr(p, k) != clean[k] for k in ("name", "grade", "restricted", "day_surgery",
                                                   "minimally_invasive", "department_id"))


def _mark_duplicates(ctx: _Context, planned: list[PlannedProcedure]) -> None:
    """A code twice in the file: an error on each of its rows, naming all of them."""
    rows: dict[str, list[PlannedProcedure]] = {}
    for p in planned:
        if p.code:
            rows.setdefault(p.code, []).append(p)
    for i, p in enumerate(planned):
        same = rows.get(p.code, ()) if p.code else ()
        if len(same) > 1:
            listed = "、".join(f"第 {q.row} 行“{q.name}”" for q in same)
            planned[i] = replace(p, action=INVALID, changes=(), findings=p.findings + (ctx.at(
                p.row, "code", f"编码 {p.code} 在文件中出现了 {len(same)} 次（{listed}），同一版本中编码不能重复。"
                               "请删除重复的行或改正编码。"),))


def _unknown_departments(ctx: _Context, planned: list[PlannedProcedure]) -> list[Finding]:
    """One warning per 科室/section name that is no department of the hospital (kept as 专业)."""
    unknown: dict[str, list[int]] = {}
    for p in planned:
        if p.department is None and p.specialty and p.action != INVALID and not clean_text(p.source.get("specialty")):
            unknown.setdefault(p.specialty, []).append(p.row)
    known = "、".join(ctx.clinical[:8]) or "（无）"
    return [F.finding("department", f"“{name}”不是本院科室（{len(rows)} 项，第 {rows[0]} 行起），按“专业”保存，不关联科室。"
                      f"如属本院某科室，请把分组行或“科室”列改成系统中的科室名称（如：{known}），或先在“科室”页添加。",
                      severity="warning", row=rows[0], column=ctx.columns.get("department"))
            for name, rows in unknown.items()]


# ----------------------------------------------------------------------------- the template

TEMPLATE_KEYS = ("seq", "code", "name", "grade", "department", "restricted", "day_surgery", "minimally_invasive",
                 "notes", "reason")
_HELP = [
    "1. 每行一项手术。带 * 的列必须填写：手术编码、手术名称、手术级别。列标题不要修改（也认得常见写法，如“手术（操作）编码”“级别”）。",
    "2. 手术编码按 ICD-9-CM-3 国家临床版填写，如 21.3104、43.7x01；写成 213104 也可以。编码列请设为“文本”格式，"
    "否则 Excel 会去掉末尾的 0（21.3100 变成 21.31）。同一文件中编码不能重复。",
    "3. 手术级别写一级、二级、三级、四级（也可写 1–4、4级、Ⅳ级、IV）。",
    "4. 科室请从下拉列表选择系统中的科室；也可以不填此列，而在一组手术上方单独一行（可合并单元格）写科室名称，"
    "如“普外科”，其下各行即属于该科室。不是本院科室的名称按“专业”保存，并给出提示。",
    "5. 限制类技术、日间手术、微创/介入：是/否（也可写 √ 表示是，留空表示否）。限制类技术按四级手术管理，不得纳入日间手术。",
    "6. 调整原因：新版本与上一版本相比有变化（新增、升级、降级、属性变化）的手术，可在此写明原因，用于“动态调整记录”。",
    "7. 以“说明”“注：”开头的行、空行、重复的表头行和小计行不会导入。",
    "8. 导入分两步：先列出将新增、更新的手术和每一处问题（第几行、第几列），确认后才写入草稿版本；只要有一处错误，就不会写入任何数据。"
    "草稿须经医疗质量与安全管理委员会批准后生效。",
    "9. 请保存为 .xlsx 格式。旧版 .xls 或 CSV 文件请先在 Excel 中“另存为” .xlsx。",
]


@action(SURGERY_CATALOGUE, scope=HOSPITAL)
def write_catalogue_template(session: Session, path: Path | str) -> Path:
    """The empty import template: canonical headings, drop-downs (级别, 科室, 是/否), a 说明 sheet."""
    wb = Workbook()
    ws = wb.active
    ws.title = TEMPLATE_SHEET
    lists = wb.create_sheet(LISTS_SHEET)
    lists.sheet_state = "hidden"
    departments = [r["name"] for r in repo.departments(session.db, active_clinical=True)]
    for r, name in enumerate(departments, start=1):
        lists.cell(r, 1, name)
    wb.defined_names["SurgeryDeptList"] = DefinedName(
        "SurgeryDeptList", attr_text=f"'{LISTS_SHEET}'!$A$1:$A${max(1, len(departments))}")
    choices = {"grade": '"一级,二级,三级,四级"', "department": "=SurgeryDeptList",
               **{k: '"是,否"' for k in _FLAGS}}
    fill = PatternFill("solid", fgColor="DDEBF7")
    columns = F.pick(TEMPLATE_KEYS)
    for col, c in enumerate(columns, start=1):
        cell = ws.cell(1, col, f"*{c.label}" if c.required else c.label)
        cell.font, cell.fill = Font(bold=True, color="C00000" if c.required else None), fill
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        letter = get_column_letter(col)
        ws.column_dimensions[letter].width = c.xlsx_width
        if c.key == "code":
            ws.column_dimensions[letter].number_format = "@"
        if c.key in choices:
            strict = c.key != "department"  # a 专业 that is no department is accepted (with a warning)
            dv = DataValidation(type="list", formula1=choices[c.key], allow_blank=True, showErrorMessage=True,
                                errorStyle="stop" if strict else "warning", errorTitle=f"“{c.label}”填写有误",
                                error=f"请从下拉列表中选择“{c.label}”。" if strict else "不是系统中的科室，将按“专业”保存。")
            dv.add(f"{letter}2:{letter}5000")
            ws.add_data_validation(dv)
    ws.freeze_panes = "A2"
    apply_print_setup(ws, landscape=True, title_rows="1:1")
    help_ws = wb.create_sheet(HELP_SHEET, 1)
    help_ws.column_dimensions["A"].width = 72
    help_ws["A1"] = "手术分级目录导入说明"
    help_ws["A1"].font = Font(size=14, bold=True)
    for r, line in enumerate(_HELP, start=3):
        help_ws.cell(r, 1, line).alignment = Alignment(wrap_text=True, vertical="top")
        help_ws.row_dimensions[r].height = 15 * math.ceil(len(line) * 2 / 68) + 3  # a Chinese character is 2 wide
    help_ws.page_setup.paperSize = help_ws.PAPERSIZE_A4
    with atomic_output(path) as tmp:
        wb.save(tmp)
    return Path(path)


# ----------------------------------------------------------------------------- operations logs

OPERATION_COLUMNS: tuple[Field, ...] = OPERATION_FIELDS.pick(
    ("date", "patient_no", "code", "name", "surgeon", "surgeon_no"))
# the columns a row's unmatched 术者 or 手术 (operations.check_operations) is found in
_OP_COLUMNS = {"operator": ("surgeon", "surgeon_no"), "procedure": ("code", "name"), "date": ("date",)}


@dataclass(frozen=True)
class OperationsImportPlan(ImportPlan):
    path: Path
    sha256: str
    sheet: str
    header_row: int
    columns: dict[str, str]
    rows: tuple[dict, ...]                   # what operations.check_operations / record_operations get
    check: operations.OperationsCheck
    findings: tuple[Finding, ...]            # file-level, bad cells and unmatched rows (every error blocks)
    ignored_columns: tuple[str, ...]
    skipped_rows: tuple[tuple[int, str], ...]
    unknown_surgeons: dict[str, tuple[int, ...]] = field(default_factory=dict)    # as written -> rows
    unknown_procedures: dict[str, tuple[int, ...]] = field(default_factory=dict)  # code/name as written -> rows

    @property
    def unprivileged(self) -> list[operations.CheckedOperation]:
        return self.check.unprivileged

    def summary(self) -> str:
        c = self.check
        period = f"（{c.first_date} 至 {c.last_date}）" if c.first_date else ""
        text = f"手术 {len(c.operations)} 例{period}，越权手术 {len(c.unprivileged)} 例"
        if c.already_recorded:
            text += f"；其中 {len(c.already_recorded)} 例此前已导入（同一日期、病案号、手术和术者），不会重复记入"
        if self.errors:
            parts = [f"{n} 名术者不是本院医师" for n in [len(self.unknown_surgeons)] if n]
            parts += [f"{n} 种手术不在目录中" for n in [len(self.unknown_procedures)] if n]
            text += f"；有 {len(self.errors)} 处问题" + (f"（{'，'.join(parts)}）" if parts else "") + "，改正后才能登记"
        return text + "。"


def _operation_rows(session: Session, table) -> tuple[list[dict], list[Finding]]:
    """The rows as check_operations wants them (工号 first when it is a doctor's, else the name), and a
    finding for each row whose doctor's 工号 belongs to someone other than the name beside it — which
    of the two is the surgeon cannot be guessed, and the wrong one would be checked for privileges."""
    doctors = {no: r["name"] for no, r in operations.doctors_by_employee_no(session.db).items()}
    out, mismatched = [], []
    for r in table.rows:
        v = r.values  # already normalised text (or None)
        no, who = v.get("surgeon_no") or "", v.get("surgeon") or ""
        if no in doctors and who and clean_text(who) != doctors[no]:
            mismatched.append(OPERATION_FIELDS.finding(
                "operator", f"术者工号 {no} 是“{doctors[no]}”，与术者“{who}”不符，请核对 HIS 导出的术者。", row=r.row,
                column=table.columns.get("surgeon_no")))
        out.append({"row": r.row, "date": v.get("date"), "patient_no": v.get("patient_no"), "code": v.get("code"),
                    "name": v.get("name"), "surgeon": no if (no in doctors or not who) else who})
    return out, mismatched


@action(SURGERY_OPERATIONS, scope=HOSPITAL)
def preview_operations_import(session: Session, path: Path | str, *, limits: Limits = Limits()) -> OperationsImportPlan:
    """Read an HIS export and check every operation against the grants of its day; nothing is written."""
    table = read_table(path, OPERATION_COLUMNS, limits=limits)
    name = Path(path).name
    if "surgeon" not in table.columns and "surgeon_no" not in table.columns:
        raise ExcelFileError(f"“{name}”缺少术者列：请有一列“主刀医师”（也可写作 术者、手术医师）或“主刀医师工号”。")
    if "code" not in table.columns and "name" not in table.columns:
        raise ExcelFileError(f"“{name}”缺少手术列：请有一列“手术编码”或“手术名称”（两者都有更好）。")
    by_row, general = split_findings(table)
    rows, mismatched = _operation_rows(session, table)
    for f in mismatched:
        by_row.setdefault(f.row, []).append(f)
    usable = [r for r in rows if not any(f.is_error for f in by_row.get(r["row"], ()))]
    check = operations.check_operations(session, usable)
    if not rows:
        general.append(Finding(f"工作表“{table.sheet}”第 {table.header_row} 行表头以下没有手术记录。"))
    recorded = repo.log_by_sha(session.db, table.sha256)
    if recorded:
        general.append(Finding(f"这个文件已于 {recorded['imported_at'][:16]} 登记过（{recorded['rows']} 例，"
                               f"{recorded['first_date']} 至 {recorded['last_date']}），不能重复登记。"))
    problems = [replace(f, column=next((table.columns[k] for k in _OP_COLUMNS.get(f.field, ()) if k in table.columns),
                                       None)) for f in check.problems]
    by_number = {r["row"]: r for r in rows}
    surgeons: dict[str, list[int]] = {}
    procedures: dict[str, list[int]] = {}
    for f in check.problems:
        r = by_number[f.row]
        if f.field == "operator":
            surgeons.setdefault(clean_text(r["surgeon"]), []).append(f.row)
        elif f.field == "procedure":
            what = " ".join(x for x in (clean_text(r["code"]), clean_text(r["name"])) if x)
            procedures.setdefault(what, []).append(f.row)
    cells = [f for r in rows for f in by_row.get(r["row"], ())]
    findings = sorted(cells + problems, key=lambda f: f.row or 0)
    return OperationsImportPlan(
        **table_fields(table, path), rows=tuple(rows), check=check, findings=tuple(general) + tuple(findings),
        skipped_rows=tuple(table.skipped),
        unknown_surgeons={k: tuple(v) for k, v in surgeons.items()},
        unknown_procedures={k: tuple(v) for k, v in procedures.items()})


@action(SURGERY_OPERATIONS, scope=HOSPITAL)
def apply_operations_import(session: Session, plan: OperationsImportPlan) -> operations.OperationsCheck:
    """Record an error-free log (operations.record_operations: one transaction, audited)."""
    if plan.errors:
        raise errors.ValidationError(plan.errors)
    require_unchanged_file(plan)
    return operations.record_operations(session, plan.file_name, plan.sha256, list(plan.rows))
