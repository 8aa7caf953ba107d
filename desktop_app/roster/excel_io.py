"""值班表 from Excel: the import template, and importing a hospital's existing roster in two steps
(preview → apply), as for the ledger (``ledger/excel_io.py``).

The layout hospitals use: one sheet, the **first column the date**, one column per post-slot.

* **Dates** in any spelling the tolerant reader knows (2026-12-01, 2026/12/1, 2026年12月1日, real
  Excel dates), or just the day given the month: ``1``, ``1日``, ``12月1日``; "（周二）" or
  "星期二" after it is ignored. A row without a readable date but with names is an error; a row
  with neither (a note, a signature line) is skipped.
* **Headings**: a post and its shift in one cell (``内科一线 夜班``, ``内科一线-夜班``,
  ``内科一线（夜班）``, ``内科一线夜班``) or two heading rows, the post (merged or written once)
  over its shifts. A post with one shift may be named alone. 星期/节假日/备注/序号 columns are
  ignored. An unknown heading is an error that lists the nearest post·shifts.
* **Cells**: one or several names separated by 、，,/; or spaces; ``王芳(N012)`` names the
  person by 工号 when two staff share a name.

Every problem is a :class:`Finding` with the row, the column letter and the heading; the plan
names the sheet. Errors: unknown heading, a post with several shifts named without the shift,
unreadable date or one outside the month, unknown name, ambiguous name (two staff on duty share
it: write the 工号 in brackets), a 工号 that does not exist or belongs to someone else, someone
who has left by that date, names in a shift that does not apply that day (白班 on a holiday),
and — for a department head — posts outside their department. When only one of several
namesakes is still on duty, that one is meant.

The rules of duty (coverage, 资质, rest …) are **not** import errors: the plan runs them on the
month as it would be after the import and lists the violations as warnings.

Only a **draft** month can be imported into (a published one is refused: record 换班/替班).
Existing duties stay; the file's duties are added. Nothing is written while any error remains;
:func:`apply_roster_import` re-checks the file's SHA-256 and re-plans inside its one transaction,
then writes through :func:`desktop_app.roster.service.insert_assignments` (one audit entry).
"""
from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import io
import math
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from desktop_app import errors
from desktop_app.accounts.permissions import action
from desktop_app.accounts.scope import on
from desktop_app.errors import Finding
from desktop_app.excel.imports import ImportPlan, require_same_plan, require_unchanged_file
from desktop_app.excel.reader import ExcelFileError, Limits, _check_container, _read_bytes
from desktop_app.reports.base import atomic_output
from desktop_app.reports.xlsx import apply_print_setup
from desktop_app.roster import repo, rules, service
from desktop_app.roster.calendar import HOLIDAY, WEEKEND, DayTypes
from desktop_app.roster.manifest import ROSTER_PLAN
from desktop_app.roster.models import (
    PUBLISHED,
    ROSTER_FIELDS,
    Assignment,
    Post,
    Shift,
    StaffInfo,
    month_bounds,
    month_days,
)
from desktop_app.session import Session
from desktop_app.textnorm import clean_text, parse_date

ROSTER_SHEET = "值班表"
HELP_SHEET = "说明"
IGNORED_HEADINGS = {"星期", "周", "周次", "节假日", "假日", "备注", "说明", "序号", "类型", "日别"}
R = ROSTER_FIELDS
DATE_HEADINGS = {R["date"].label, *R["date"].aliases}  # the date column's heading
HEADER_SCAN_ROWS = 20
_SEPARATORS = re.compile(r"[\s\-—–_·•・/／\\|()（）【】\[\]:：*※]")
_NAME_SPLIT = re.compile(r"[、，,/／;；\s]+")
_WEEKDAY_NOTE = re.compile(r"[(（]?\s*(星期|周)[一二三四五六日天]\s*[)）]?")


def _key(text) -> str:
    return _SEPARATORS.sub("", unicodedata.normalize("NFKC", str(text or ""))).lower()


def _days_text(shift: Shift) -> str:
    kinds = [k for k, on in (("工作日", shift.on_workdays), ("周末", shift.on_weekends), ("节假日", shift.on_holidays))
             if on]
    return "、".join(kinds)


# ----------------------------------------------------------------------------- the plan


@dataclass(frozen=True)
class PlannedRow:
    row: int
    date: str
    duties: tuple[tuple[int, int], ...]  # (shift id, staff id) read from the row


@dataclass(frozen=True)
class RosterImportPlan(ImportPlan):
    path: Path
    sha256: str
    month: str
    sheet: str
    header_row: int
    columns: dict[str, str]                       # column letter -> "岗位 班次"
    rows: tuple[PlannedRow, ...]
    findings: tuple[Finding, ...]                 # errors and warnings, by row
    violations: tuple[rules.Violation, ...]       # the month after the import (warnings, not errors)
    existing: int                                 # duties already in the month (kept)
    ignored_columns: tuple[str, ...]
    skipped_rows: tuple[tuple[int, str], ...]

    @property
    def assignments(self) -> list[tuple[str, int, int]]:
        return [(r.date, shift, person) for r in self.rows for shift, person in r.duties]

    def finding_text(self, finding: Finding) -> str:
        return f"工作表“{self.sheet}” {finding.text()}"

    def summary(self) -> str:
        n = len(self.assignments)
        text = f"{self.month}：{len(self.rows)} 天，{n} 人次值班"
        if self.existing:
            text += f"（月内已有 {self.existing} 人次，保留不变，重复的不再添加）"
        if self.errors:
            return text + f"；有 {len(self.errors)} 处错误，改正后才能导入。"
        if self.violations:
            text += f"；导入后有 {len(self.violations)} 处违反值班规则（可导入，发布前须处理或确认）"
        return text + "。"


@dataclass(frozen=True)
class RosterImportResult:
    month: str
    added: int
    already_there: int


class _Grid:
    """A sheet's values with merged areas filled in (row and column 1-based)."""

    def __init__(self, ws):
        self.title = ws.title
        self.values = [list(r) for r in ws.iter_rows(values_only=True)]
        for merged in ws.merged_cells.ranges:
            anchor = self.get(merged.min_row, merged.min_col)
            for r in range(merged.min_row, merged.max_row + 1):
                for c in range(merged.min_col, merged.max_col + 1):
                    self._set(r, c, anchor)
        self.width = max((len(r) for r in self.values), default=0)

    def _set(self, r: int, c: int, value) -> None:
        while len(self.values) < r:
            self.values.append([])
        row = self.values[r - 1]
        row.extend([None] * (c - len(row)))
        row[c - 1] = value

    def get(self, r: int, c: int):
        if r > len(self.values) or c > len(self.values[r - 1]):
            return None
        return self.values[r - 1][c - 1]

    def text(self, r: int, c: int) -> str:
        value = self.get(r, c)
        return clean_text(value) if value is not None else ""


class _Posts:
    """The hospital's post·shifts by their normalised heading."""

    def __init__(self, posts: list[Post]):
        self.posts = [p for p in posts if p.shifts]
        self.by_key: dict[str, tuple[Post, Shift]] = {}
        self.post_by_key: dict[str, Post] = {}
        for post in self.posts:
            self.post_by_key[_key(post.name)] = post
            for shift in post.shifts:
                self.by_key[_key(post.name + shift.name)] = (post, shift)
        self.labels = [f"{p.name} {s.name}" for p in self.posts for s in p.shifts if s.active and p.active]

    def resolve(self, top: str, sub: str = "") -> tuple[Post, Shift] | Post | None:
        """A post·shift, a post (with several shifts: the shift is missing), or None."""
        if sub:
            return self.by_key.get(_key(top + sub))
        found = self.by_key.get(_key(top))
        if found:
            return found
        post = self.post_by_key.get(_key(top))
        if post is not None and len([s for s in post.shifts if s.active]) == 1:
            return post, next(s for s in post.shifts if s.active)
        return post

    def near(self, text: str) -> list[str]:
        return difflib.get_close_matches(clean_text(text), self.labels, n=4, cutoff=0.4)


def _load_grids(path: Path, limits: Limits) -> tuple[str, list[_Grid]]:
    data = _read_bytes(path, limits)
    _check_container(path.name, data, limits)
    try:
        wb = load_workbook(io.BytesIO(data), data_only=True)
    except Exception as exc:  # openpyxl raises many kinds of exception for a damaged package
        raise ExcelFileError(f"无法打开“{path.name}”：文件已损坏或不是标准的 Excel 工作簿（{type(exc).__name__}）。"
                             "请用 Excel 打开它，“另存为” Excel 工作簿 (.xlsx) 后再导入。") from exc
    return hashlib.sha256(data).hexdigest(), [_Grid(ws) for ws in wb.worksheets if ws.sheet_state == "visible"]


def _header(grid: _Grid, posts: _Posts) -> tuple[int, int]:
    """(header row, how many cells in it name a post), the best row of the first rows."""
    best = (0, 0)
    for r in range(1, min(HEADER_SCAN_ROWS, len(grid.values)) + 1):
        score = sum(1 for c in range(2, grid.width + 1)
                    if grid.text(r, c) and posts.resolve(grid.text(r, c)) is not None)
        if score > best[1]:
            best = (r, score)
    return best


class _Planner:
    def __init__(self, session: Session, month: str, posts: _Posts, grid: _Grid, header_row: int):
        self.session, self.month, self.posts, self.grid, self.header = session, month, posts, grid, header_row
        db = session.db
        first, last = month_bounds(month)
        self.first, self.last = first, last
        self.day_types = DayTypes.load(db, first, last)
        self.holiday_names = {d: name for d, _kind, name in repo.holiday_entries(db, first, last)}
        self.staff: dict[int, StaffInfo] = repo.staff_info(db)
        self.by_name: dict[str, list[StaffInfo]] = defaultdict(list)
        self.by_no: dict[str, StaffInfo] = {}
        for person in self.staff.values():
            self.by_name[person.name].append(person)
            self.by_no[person.employee_no.lower()] = person
        self.allowed = service.within_reach(session, posts.posts)  # the posts the user plans (None: all)
        self.findings: list[Finding] = []
        self.columns: dict[int, tuple[Post, Shift]] = {}
        self.ignored: list[str] = []
        self.skipped: list[tuple[int, str]] = []

    def at(self, row: int, col: int, heading: str, message: str, severity: str = "error") -> None:
        """A finding about a post·shift column (its heading) or one of its cells."""
        # the field is a duty column; its label the heading as written (内科一线 夜班)
        self.findings.append(Finding(message, field=R["duty"].key, label=heading, severity=severity, row=row,
                                     column=get_column_letter(col)))

    def at_date(self, row: int, col: int, message: str) -> None:
        self.findings.append(R.finding("date", message, row=row, column=get_column_letter(col)))

    # -- headings
    def read_headings(self) -> tuple[int, int]:
        """Resolve every column; returns (date column, first data row)."""
        g, r = self.grid, self.header
        dates = {_key(h) for h in DATE_HEADINGS}
        date_col = next((c for c in range(1, g.width + 1) if _key(g.text(r, c)) in dates), 1)
        two_rows = any(isinstance(self.posts.resolve(g.text(r, c)), Post)
                       and _key(g.text(r, c) + g.text(r + 1, c)) in self.posts.by_key
                       for c in range(1, g.width + 1) if c != date_col)
        seen: dict[int, int] = {}
        top_carry = ""
        for c in range(1, g.width + 1):
            if c == date_col:
                continue
            top = g.text(r, c)
            sub = g.text(r + 1, c) if two_rows else ""
            if two_rows and not top and sub:
                top = top_carry  # a post written once over its shifts without merging
            top_carry = top
            if not top and not sub:
                continue
            heading = f"{top} {sub}".strip() if sub and sub != top else top
            if _key(top) in IGNORED_HEADINGS:
                self.ignored.append(f"{get_column_letter(c)} 列“{top}”")
                continue
            found = self.posts.resolve(top, sub if sub != top else "")
            if found is None and sub:
                found = self.posts.resolve(top)  # a single-shift post merged over both rows
            where = r + 1 if two_rows and sub else r
            if found is None:
                near = self.posts.near(heading)
                self.at(where, c, heading, f"“{heading}”不是本院的值班岗位或班次。"
                        + (f"相近的有：{'、'.join(near)}。" if near else "")
                        + "请把列标题改成系统中的“岗位 班次”（如“内科一线 夜班”），或先在“值班岗位”中添加该岗位。")
                continue
            if isinstance(found, Post):
                names = "、".join(s.name for s in found.shifts if s.active)
                self.at(where, c, heading, f"岗位“{found.name}”有 {names} 几个班次，请在列标题中写明班次，"
                        f"如“{found.name} {found.shifts[0].name}”。")
                continue
            post, shift = found
            label = f"{post.name} {shift.name}"
            if not (post.active and shift.active):
                self.at(where, c, heading, f"“{label}”已停用，不能再排班。请删去这一列，或先在“值班岗位”中重新启用。")
            elif self.allowed is not None and post.id not in self.allowed:
                self.at(where, c, heading, f"科室负责人只能导入本科室（含下属病区）岗位的值班，“{label}”不属于本科室。"
                        "请删去这一列，或请医务科导入。")
            elif shift.id in seen:
                self.at(where, c, heading, f"“{label}”与 {get_column_letter(seen[shift.id])} 列重复，请合并为一列。")
            else:
                seen[shift.id] = c
                self.columns[c] = (post, shift)
        return date_col, r + (2 if two_rows else 1)

    # -- rows
    def read_date(self, value) -> dt.date | None:
        """The date of a row; None when empty; raises ValueError when unreadable."""
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        if isinstance(value, (int, float)) and not isinstance(value, bool) and 1 <= value <= 31 and value == int(value):
            return dt.date(self.first.year, self.first.month, int(value))
        if isinstance(value, (dt.date, dt.datetime, int, float)):
            return parse_date(value)
        text = _WEEKDAY_NOTE.sub("", unicodedata.normalize("NFKC", str(value))).strip()
        m = re.fullmatch(r"(\d{1,2})日?", text)
        if m:
            return dt.date(self.first.year, self.first.month, int(m.group(1)))
        m = re.fullmatch(r"(\d{1,2})(?:月|[-/.])(\d{1,2})日?", text)
        if m:
            return dt.date(self.first.year, int(m.group(1)), int(m.group(2)))
        day = parse_date(text)
        if day is None:
            raise ValueError("not a date")
        return day

    def person(self, token: str, day: dt.date, row: int, col: int, field: str) -> StaffInfo | None:
        m = re.fullmatch(r"(.+?)[(（]\s*([^)）]+?)\s*[)）]", token)
        name, number = (m.group(1).strip(), m.group(2).strip()) if m else (token, None)
        if number:
            person = self.by_no.get(number.lower())
            if person is None:
                self.at(row, col, field, f"工号“{number}”不存在，请核对“{token}”。")
                return None
            if person.name != name:
                self.at(row, col, field, f"工号 {number} 是“{person.name}”，不是“{name}”，请核对。")
                return None
        else:
            matches = self.by_name.get(name, [])
            if not matches:
                near = difflib.get_close_matches(name, list(self.by_name), n=3, cutoff=0.5)
                self.at(row, col, field, f"“{name}”不在人员名册中。" + (f"是否是：{'、'.join(near)}？" if near else "")
                        + "请核对姓名，或先在“人员”中添加此人。")
                return None
            on_duty = [p for p in matches if p.on_duty]
            if len(on_duty) > 1:
                who = "、".join(f"{p.employee_no}（{p.department_name}）" for p in on_duty)
                self.at(row, col, field, f"有 {len(on_duty)} 位在岗人员叫“{name}”（工号 {who}），"
                        f"请在姓名后用括号写明工号，如“{name}({on_duty[0].employee_no})”。")
                return None
            person = on_duty[0] if on_duty else matches[0]
        if not person.on_duty and (person.leave_date is None or person.leave_date <= day.isoformat()):
            when = f"于 {person.leave_date} " if person.leave_date else ""
            self.at(row, col, field, f"{person.name}（{person.employee_no}）已{when}离岗，不能排班。请换成在岗人员。")
            return None
        return person

    def read_rows(self, date_col: int, first_row: int) -> list[PlannedRow]:
        out = []
        g = self.grid
        for r in range(first_row, len(g.values) + 1):
            cells = {c: g.get(r, c) for c in self.columns if g.text(r, c)}
            raw = g.get(r, date_col)
            if not cells and all(not g.text(r, c) for c in range(1, g.width + 1) if c not in self.columns):
                continue
            try:
                day = self.read_date(raw)
            except (ValueError, TypeError, OverflowError):
                day = None
                if not cells:
                    self.skipped.append((r, f"说明行：{g.text(r, date_col)[:30]}"))
                    continue
                self.at_date(r, date_col, f"“{clean_text(raw)[:20]}”不是可识别的日期。请写 1、1日、12月1日 或 "
                                          f"{self.first.isoformat()}。")
                continue
            if day is None:
                if cells:
                    self.at_date(r, date_col, "这一行有人员但没有日期，请填写日期。")
                continue
            if not self.first <= day <= self.last:
                self.at_date(r, date_col, f"{day.isoformat()} 不在 {self.month} 内。请只导入本月的日期，"
                                          "或在导入时选择正确的月份。")
                continue
            duties = []
            kind = self.day_types.kind(day)
            for c, value in cells.items():
                post, shift = self.columns[c]
                field = f"{post.name} {shift.name}"
                if not shift.applies_on(kind):
                    what = {HOLIDAY: f"节假日（{self.holiday_names.get(day.isoformat(), '')}）", WEEKEND: "周末"}.get(
                        kind, "工作日")
                    self.at(r, c, field, f"{day.month}月{day.day}日是{what}，“{field}”只在{_days_text(shift)}排班。"
                                         "请删去这里的人员，或排到当天适用的班次。")
                    continue
                text = re.sub(r"\s*([(（])\s*", r"\1", unicodedata.normalize("NFKC", str(value)))
                text = re.sub(r"\s*([)）])", r"\1", text)
                names = [t for t in _NAME_SPLIT.split(text) if t]
                people = []
                for token in names:
                    person = self.person(token, day, r, c, field)
                    if person is None:
                        continue
                    if person.id in people:
                        self.at(r, c, field, f"{person.name} 在同一格写了两次，只排一次。", "warning")
                        continue
                    people.append(person.id)
                duties += [(shift.id, p) for p in people]
            out.append(PlannedRow(r, day.isoformat(), tuple(duties)))
        return out


def _check_month(session: Session, month: str) -> str:
    month = service._check_month_text(month)
    record = service.month_status(session, month)
    if record.status == PUBLISHED:
        raise errors.Conflict(f"{month} 的值班表已发布（第 {record.version} 版），不能再导入。"
                              "已发布的值班表如有变动，请在值班表中登记“换班”或“替班”。")
    return month


def _plan(session: Session, path: Path, month: str, limits: Limits) -> RosterImportPlan:
    sha, grids = _load_grids(path, limits)
    posts = _Posts(service.list_posts(session, include_inactive=True))
    if not posts.posts:
        raise errors.UserError("系统中还没有值班岗位。请先在“值班岗位”中设置岗位和班次，再导入值班表。")
    scored = [(_header(g, posts), -i, g) for i, g in enumerate(grids)]
    (header_row, score), _, grid = max(scored, key=lambda t: (t[0][1], t[1]))
    if score == 0:
        shown = "、".join(posts.labels[:6])
        raise ExcelFileError(f"在“{path.name}”中没有找到值班岗位的列标题：各工作表的前 {HEADER_SCAN_ROWS} 行里都没有本院的岗位"
                             f"（如 {shown}）。请把第一列写日期，其余各列的标题写“岗位 班次”后再导入（可先下载导入模板）。")
    planner = _Planner(session, month, posts, grid, header_row)
    date_col, first_row = planner.read_headings()
    rows = planner.read_rows(date_col, first_row)
    if not any(r.duties for r in rows) and not planner.findings:
        planner.findings.append(Finding(f"工作表“{grid.title}”表头以下没有值班人员。请在日期行中填写人员后再导入。"))
    planned = {(r.date, s, p) for r in rows for s, p in r.duties}
    first, last = month_bounds(month)
    data = service._load(session, first, last)
    mine = {s.id for s in data.shifts.values() if planner.allowed is None or s.post_id in planner.allowed}
    existing = sum(1 for a in data.assignments if first.isoformat() <= a.date <= last.isoformat()
                   and a.shift_id in mine)
    have = {(a.date, a.shift_id, a.staff_id) for a in data.assignments}
    data.assignments = data.assignments + [Assignment(*a) for a in sorted(planned - have)]
    violations = (tuple(service.seen_violations(session, rules.check(data), data))
                  if not any(f.is_error for f in planner.findings) else ())
    findings = sorted(planner.findings, key=lambda f: (f.row or 0, f.column or ""))
    return RosterImportPlan(
        path=path, sha256=sha, month=month, sheet=grid.title, header_row=header_row,
        columns={get_column_letter(c): f"{p.name} {s.name}" for c, (p, s) in sorted(planner.columns.items())},
        rows=tuple(rows), findings=tuple(findings), violations=violations, existing=existing,
        ignored_columns=tuple(planner.ignored), skipped_rows=tuple(planner.skipped))


# A 科室负责人 imports the duties of the posts she plans (a column of another post is an error in
# the plan); applying a plan is refused when it holds duties of posts beyond her reach.


def _plan_departments(db, plan) -> set[int]:
    return repo.departments_of_duties(db, plan.assignments)


@action(ROSTER_PLAN, scope=service.PLANNING)
def preview_roster_import(session: Session, path: Path | str, month: str, *,
                          limits: Limits = Limits()) -> RosterImportPlan:
    """Read and check the file for ``month`` (a draft); nothing is written."""
    month = _check_month(session, month)
    return _plan(session, Path(path), month, limits)


@action(ROSTER_PLAN, scope=service.planning_scope(on("plan", _plan_departments)))
def apply_roster_import(session: Session, plan: RosterImportPlan) -> RosterImportResult:
    """Write an error-free plan's duties into the draft month, in one transaction with one audit entry."""
    if plan.errors:
        raise errors.ValidationError(plan.errors)
    _check_month(session, plan.month)
    require_unchanged_file(plan)
    with session.db.transaction():
        fresh = _plan(session, plan.path, plan.month, Limits())
        require_same_plan(plan.rows, fresh.rows, lambda r: (r.date, r.duties), "人员或值班岗位")
        if fresh.errors:
            raise errors.ValidationError(fresh.errors)
        rows = sorted(set(fresh.assignments))
        added = service.insert_assignments(session, plan.month, rows, f"从 Excel 导入：{plan.file_name}")
    return RosterImportResult(plan.month, added, len(rows) - added)


# ----------------------------------------------------------------------------- the template

_HELP = [
    "1. 第一列是日期（已按月份填好，也可写 1、1日、12月1日 或 2026-12-01），其余每列是一个岗位的一个班次，列标题为“岗位 班次”。"
    "只有一个班次的岗位可只写岗位名称；也可用两行表头：上一行岗位，下一行班次。",
    "2. 每格填写当班人员姓名，多人用顿号“、”、逗号或空格分开。两位在岗人员同名时，在姓名后用括号写工号，如“王芳(N012)”。",
    "3. 灰色格是当天不排的班次（如节假日的白班），请留空。",
    "4. 只能导入到尚未发布的（草稿）月份；月内已有的排班保留，文件中的排班添加进去。已发布的值班表请登记“换班”或“替班”。",
    "5. 导入分两步：先列出每一处问题（第几行、哪一列），以及导入后违反值班规则的情况（提醒，不妨碍导入）；"
    "没有错误时确认导入，一次全部写入。",
    "6. 请保存为 .xlsx 格式。",
]


@action(ROSTER_PLAN, scope=service.PLANNING)
def write_roster_template(session: Session, path: Path | str, month: str) -> Path:
    """A template for ``month``: the dates down, the active post·shifts the user plans across (a
    科室负责人's own posts: the import refuses any other column), a 说明 sheet."""
    month = service._check_month_text(month)
    posts = [p for p in service.list_posts(session) if any(s.active for s in p.shifts)]
    allowed = service.within_reach(session, posts)
    posts = [p for p in posts if allowed is None or p.id in allowed]
    first, last = month_bounds(month)
    types = DayTypes.load(session.db, first, last)
    wb = Workbook()
    ws = wb.active
    ws.title = ROSTER_SHEET
    head_fill, off_fill = PatternFill("solid", fgColor="DDEBF7"), PatternFill("solid", fgColor="BFBFBF")
    columns = [(p, s) for p in posts for s in p.shifts if s.active]
    fixed = R.pick(("date", "weekday"))
    headings = [(f.label, f.xlsx_width) for f in fixed] + [(f"{p.name} {s.name}", 12) for p, s in columns]
    for c, (text, width) in enumerate(headings, start=1):
        cell = ws.cell(1, c, text)
        cell.font, cell.fill = Font(bold=True), head_fill
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.column_dimensions[get_column_letter(c)].width = width
    for r, day in enumerate(month_days(month), start=2):
        ws.cell(r, 1, day).number_format = "yyyy-mm-dd"
        ws.cell(r, 2, "星期" + "一二三四五六日"[day.weekday()])
        kind = types.kind(day)
        for c, (_p, s) in enumerate(columns, start=3):
            if not s.applies_on(kind):
                ws.cell(r, c).fill = off_fill
    ws.row_dimensions[1].height = 30
    ws.freeze_panes = "C2"
    apply_print_setup(ws, landscape=True, title_rows="1:1")
    help_ws = wb.create_sheet(HELP_SHEET)
    help_ws.column_dimensions["A"].width = 72
    help_ws["A1"] = f"{month} 值班表导入说明"
    help_ws["A1"].font = Font(size=14, bold=True)
    for r, line in enumerate(_HELP, start=3):
        help_ws.cell(r, 1, line).alignment = Alignment(wrap_text=True, vertical="top")
        help_ws.row_dimensions[r].height = 15 * math.ceil(len(line) * 2 / 68) + 3
    help_ws.page_setup.paperSize = help_ws.PAPERSIZE_A4
    with atomic_output(path) as tmp:
        wb.save(tmp)
    return Path(path)
