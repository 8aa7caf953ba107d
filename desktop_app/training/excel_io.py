"""签到与成绩 from Excel: attendance and scores typed from the paper sign-in sheet into a chosen
session (and one of its assessments), in two steps as for every import (``people/excel_io.py``):
:func:`preview_attendance_import` reads and checks the file and writes nothing;
:func:`apply_attendance_import` writes an error-free plan through
:func:`desktop_app.training.service.record_sheet` (every rule of the sign-in and the scores
applies), in one transaction with one audit row naming the file. :func:`write_attendance_template`
makes the file to type into, with the session's expected people already listed.

**Columns** are found by their heading (:data:`SHEET_COLUMNS`, fields of
:data:`~desktop_app.training.models.SIGN_IN_FIELDS`: 序号, 科室, 姓名 (required), 工号, 职称, 签到,
成绩, 补考, 备注 and their usual variants), the header row wherever it is in the first
20 rows (titles above it are ignored); a department written on a merged row of its own heads
the rows under it.

**People** are matched by 工号 (a number typed without its leading zeros, ``12`` for ``0012``,
is accepted when it fits one person), else by 姓名 and 科室 (the department or one above it), else
by 姓名 when only one person of that name was employed on the session's date. Errors, each with its
row and column: an unknown 工号, a 工号 whose person has another name, an unknown name (with
similar names), a name several people share (listed with their departments and 工号: “write
the 工号”), someone not employed on that day, the same person on two rows.

**签到**: 到 / √ / 是 / 1 … present; 缺席 / × / 否 / 0 … absent; 请假, 病假, 值班 … absent with
that reason as 备注; 迟到 present, noted. A blank cell is absent, except on a row with a score (it
is taken as present, with a warning). Without a 签到 column everyone listed came. A 签名 column
counts any writing in it as present. A 签到 column left blank all the way down is an error (it
would mark everyone absent).

**Scores** go to the chosen assessment (the session's only one when none is chosen): 0 to its
full mark (``85分``, ``８５`` accepted; 缺考 or blank: no score); 补考 only after a failed first
score. A person of the file with a score gets exactly the file's attempts; people without a
score in the file keep what was recorded.

**What the file replaces.** Everyone in the file gets the file's 签到. The expected people not in
the file are absent when no sign-in had been recorded; when one had, they keep it (the preview
says which). Nothing is written while any error remains; the file's SHA-256 is checked again and
the rows re-planned inside the write transaction (a change since the preview is refused).
"""
from __future__ import annotations

import difflib
import math
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from desktop_app import errors
from desktop_app.accounts import audit
from desktop_app.accounts.permissions import action
from desktop_app.accounts.scope import on
from desktop_app.errors import Finding
from desktop_app.excel.imports import (
    ImportPlan,
    require_same_plan,
    require_unchanged_file,
    split_findings,
    table_fields,
)
from desktop_app.excel.reader import Limits, heading_key, read_table
from desktop_app.people import repo as people_repo
from desktop_app.people.repo import department_subtree
from desktop_app.reports.base import atomic_output
from desktop_app.reports.xlsx import apply_print_setup
from desktop_app.session import Session
from desktop_app.textnorm import clean_prose, clean_text
from desktop_app.training import repo, service
from desktop_app.training.manifest import TRAINING_RECORD
from desktop_app.training.models import SIGN_IN_FIELDS, TRAINING_FIELDS, Assessment, TrainingSession

S = SIGN_IN_FIELDS
SHEET_COLUMNS = S.pick(("seq", "department", "name", "employee_no", "title", "present", "score", "make_up", "note"))
TEMPLATE_SHEET = "签到表"
HELP_SHEET = "说明"
SIGNATURE_HEADINGS = {heading_key(h) for h in ("签名", "本人签名", "签字", "本人签字", "签到签名")}

PRESENT_WORDS = {"到", "已到", "√", "✓", "✔", "是", "y", "yes", "1", "出席", "已出席", "参加", "已参加", "签到", "已签到",
                 "有", "在", "到场", "出勤", "补签"}
ABSENT_WORDS = {"缺", "缺席", "未到", "没到", "不到", "×", "✗", "✘", "x", "否", "n", "no", "0", "未参加", "旷课", "缺勤",
                "未签到", "无"}
REASON_WORDS = ("假", "外出", "出差", "进修", "值班", "夜班", "轮休", "调休", "休息", "公出", "学习", "手术", "门诊", "急诊")
NO_SCORE_WORDS = {"缺考", "缺", "缺席", "请假", "未考", "-", "—", "/", "无"}
LATE = "迟到"

PRESENT, ABSENT, INVALID = "到", "缺席", "有错误"


# ----------------------------------------------------------------------------- the plan


@dataclass(frozen=True)
class PlannedSignIn:
    row: int                  # spreadsheet row number
    staff_id: int | None      # None: not matched (the row has an error)
    name: str                 # as in the staff list when matched, else as written
    employee_no: str
    department: str
    expected: bool            # on the session's 应到 list (False: came unplanned)
    present: bool
    note: str | None
    score: float | None
    make_up: float | None
    findings: tuple[Finding, ...]
    source: dict              # the row as read (re-planned before writing)

    @property
    def action(self) -> str:
        if any(f.is_error for f in self.findings):
            return INVALID
        return PRESENT if self.present else ABSENT

    def describe(self) -> str:
        """One line for the preview."""
        if self.action == INVALID:
            return "；".join(f.message.rstrip("。") for f in self.findings if f.is_error) + "。"
        parts = [self.action + ("（计划外）" if not self.expected and self.present else "")]
        if self.score is not None:
            parts.append(f"成绩 {self.score:g}" + (f"，补考 {self.make_up:g}" if self.make_up is not None else ""))
        if self.note:
            parts.append(self.note)
        return f"{self.name}（{self.employee_no}，{self.department}）：" + "，".join(parts)


@dataclass(frozen=True)
class AttendanceImportPlan(ImportPlan):
    path: Path
    sha256: str
    sheet: str
    header_row: int
    columns: dict[str, str]               # field key -> column letter in this file
    headings: dict[str, str]              # field key -> the heading as written
    session_id: int
    session_label: str                    # "2026-11-20 核心制度培训（一）"
    assessment_id: int | None             # the assessment the scores go to
    assessment_label: str | None          # "核心制度培训（一）考核（满分 100，80 分合格）"
    rows: tuple[PlannedSignIn, ...]
    findings: tuple[Finding, ...]         # file-level first, then by row
    not_listed: tuple[str, ...]           # expected people missing from the file ("王芳（N001）")
    keeps_recorded: bool                  # a sign-in was recorded before: people not in the file keep it
    ignored_columns: tuple[str, ...]
    skipped_rows: tuple[tuple[int, str], ...]

    @property
    def counts(self) -> dict[str, int]:
        c = Counter(r.action for r in self.rows)
        ok = [r for r in self.rows if r.action != INVALID]
        return {PRESENT: c[PRESENT], ABSENT: c[ABSENT], INVALID: c[INVALID],
                "计划外": sum(1 for r in ok if r.present and not r.expected),
                "成绩": sum(1 for r in ok if r.score is not None)}

    def summary(self) -> str:
        c = self.counts
        text = f"{self.session_label}：文件中 {len(self.rows)} 人，到 {c[PRESENT]} 人（其中计划外 {c['计划外']} 人），缺席 {c[ABSENT]} 人"
        if self.not_listed:
            text += f"；应到但文件中没有 {len(self.not_listed)} 人（{'保持原登记' if self.keeps_recorded else '记为缺席'}）"
        if self.assessment_id is not None:
            text += f"；成绩 {c['成绩']} 人（{self.assessment_label}）"
        if self.errors:
            text += f"；有错误 {c[INVALID]} 行，共 {len(self.errors)} 处问题，改正后才能导入"
        return text + "。"


@dataclass(frozen=True)
class AttendanceImportResult:
    session: TrainingSession
    present: int
    absent: int
    walk_ins: int
    scores: int


# A 科室负责人 imports into the sessions her department organises (see service.py's scopes).
IMPORT_SCOPE = service.organised("导入", service.SESSION_ORGANISER)


def _plan_organiser(db, plan: "AttendanceImportPlan") -> int | None:
    return repo.organiser_of_session(db, plan.session_id)


def _target(session: Session, session_id: int, assessment_id: int | None) -> tuple[TrainingSession, Assessment | None]:
    """The session (and assessment) to import into, refused before reading when it cannot take a sign-in."""
    target = service.get_session(session, session_id)
    today = session.today().isoformat()
    if target.date > today:
        raise errors.ValidationError(TRAINING_FIELDS.finding(
            "date", f"培训日期（{target.date}）在今天之后，还不能导入签到。请在培训结束后导入，或先修改培训日期。"))
    exam = None
    if assessment_id is not None:
        exam = service.get_assessment(session, assessment_id)
        if exam.session_id != session_id:
            raise errors.NotFound("该考核不属于这次培训，请重新选择。")
        if exam.date > today:
            raise errors.ValidationError(S.finding("assessment", f"考核日期（{exam.date}）在今天之后，还不能导入成绩。"))
    return target, exam


def _assessment_label(exam: Assessment) -> str:
    return f"{exam.title}（满分 {exam.full_mark:g}，{exam.pass_mark:g} 分合格）"


@action(TRAINING_RECORD, scope=IMPORT_SCOPE)
def preview_attendance_import(session: Session, path: Path | str, session_id: int, assessment_id: int | None = None,
                              *, limits: Limits = Limits()) -> AttendanceImportPlan:
    """Read and check the file for the session (and assessment); nothing is written.

    Raises :class:`~desktop_app.excel.reader.ExcelFileError` for a file that cannot be imported
    at all, and a user error when the session cannot take a sign-in (a future date, another
    department's session for a 科室负责人)."""
    target, exam = _target(session, session_id, assessment_id)
    departments = set(people_repo.department_ids_by_name(session.db))
    table = read_table(path, SHEET_COLUMNS, sheet=(TEMPLATE_SHEET,), limits=limits,
                       section_test=departments.__contains__)
    by_row, general = split_findings(table)
    skipped = list(table.skipped)
    sources = []
    for r in table.rows:
        if not clean_text(r.values.get("name")) and not clean_text(r.values.get("employee_no")):
            filled = [k for k in ("present", "score", "make_up") if clean_text(r.values.get(k))]
            if not filled and not by_row.get(r.row):
                skipped.append((r.row, "没有姓名的行（序号、签名或说明）"))
                continue
        sources.append((r.row, {**r.values, "_section": r.section}))
    if not sources:
        general.append(Finding(f"工作表“{table.sheet}”第 {table.header_row} 行表头以下没有人员。"
                               "请在表头下面逐行填写姓名（或工号）后再导入。"))
    if exam is None and target.assessments and _has_scores(sources):
        if len(target.assessments) == 1:
            exam = service.get_assessment(session, target.assessments[0].id)
        else:
            names = "、".join(f"“{a.title}”" for a in target.assessments)
            general.append(S.finding("assessment", f"文件中填写了成绩，这次培训有 {len(target.assessments)} 次考核"
                                                   f"（{names}），请选择要导入成绩的考核后再预览。"))
    ctx = _Context(session, target, exam, table.columns, table.headings)
    general += ctx.column_findings(sources)
    rows = _plan_rows(ctx, sources, by_row)
    general += ctx.file_findings(rows)
    return AttendanceImportPlan(
        **table_fields(table, path), headings=dict(table.headings), session_id=target.id,
        session_label=f"{target.date} {target.title}", assessment_id=exam.id if exam else None,
        assessment_label=_assessment_label(exam) if exam else None, rows=tuple(rows),
        findings=tuple(general) + tuple(f for r in rows for f in r.findings), not_listed=ctx.not_listed(rows),
        keeps_recorded=target.attendance_recorded,
        skipped_rows=tuple(sorted(skipped)))


def _plan_key(r: PlannedSignIn) -> tuple:
    return r.action, r.staff_id, r.present, r.note, r.score, r.make_up


@action(TRAINING_RECORD, scope=service.organised("导入", on("plan", _plan_organiser)))
def apply_attendance_import(session: Session, plan: AttendanceImportPlan) -> AttendanceImportResult:
    """Write an error-free plan: sign-in and scores through ``record_sheet``, one transaction, audited."""
    if plan.errors:
        raise errors.ValidationError(plan.errors)
    require_unchanged_file(plan)
    db = session.db
    with db.transaction():
        target, exam = _target(session, plan.session_id, plan.assessment_id)
        ctx = _Context(session, target, exam, plan.columns, plan.headings)
        fresh = _plan_rows(ctx, [(r.row, r.source) for r in plan.rows], {})
        require_same_plan(plan.rows, fresh, _plan_key, "人员名单或这次培训的签到与成绩")
        if any(r.action == INVALID for r in fresh):
            raise errors.ValidationError([f for r in fresh for f in r.findings if f.is_error])
        attendance, scores = ctx.sheet(fresh)
        done = service.record_sheet(session, plan.session_id, attendance, plan.assessment_id,
                                    scores if plan.assessment_id is not None else None)
        walk_ins = sum(1 for r in fresh if r.present and not r.expected)
        scored = sum(1 for r in fresh if r.score is not None)
        audit.record(session, "import", "training", uid=done.uid, label=f"{done.date} {done.title}", after={
            "文件": plan.file_name, "工作表": plan.sheet, "文件中人数": len(fresh),
            "到": sum(r.present for r in fresh), "缺席": sum(not r.present for r in fresh), "计划外": walk_ins,
            "成绩": scored, "考核": plan.assessment_label, "文件校验值": plan.sha256})
    return AttendanceImportResult(done, sum(r.present for r in fresh), sum(not r.present for r in fresh), walk_ins,
                                  scored)


# ----------------------------------------------------------------------------- the rules


def _score_text(value) -> str:
    """A score cell as text, "" when it holds none (blank, 缺考 …)."""
    text = clean_text(value).removesuffix("分").strip()
    return "" if text in NO_SCORE_WORDS else text


def _has_scores(sources) -> bool:
    return any(_score_text(src.get("score")) or _score_text(src.get("make_up")) for _row, src in sources)


def _name_key(value) -> str:
    return clean_text(value).replace(" ", "")


def _digits(number: str) -> str | None:
    """A 工号 of digits without its leading zeros (Excel drops them when the cell is a number)."""
    return number.lstrip("0") or "0" if number.isdigit() else None


class _Context:
    """What every row is checked against, read once per plan."""

    def __init__(self, session: Session, target: TrainingSession, exam: Assessment | None,
                 columns: dict[str, str], headings: dict[str, str]):
        db = session.db
        self.db, self.target, self.exam, self.columns = db, target, exam, columns
        self.headings = headings
        self.signature = heading_key(headings.get("present")) in SIGNATURE_HEADINGS
        self.day = target.date
        self.staff = repo.every_staff(db)
        self.by_no = {p["employee_no"].lower(): p for p in self.staff}
        self.by_digits: dict[str, list] = {}
        self.by_name: dict[str, list] = {}
        for p in self.staff:
            digits = _digits(p["employee_no"])
            if digits:
                self.by_digits.setdefault(digits, []).append(p)
            self.by_name.setdefault(_name_key(p["name"]), []).append(p)
        self.department_ids = people_repo.department_ids_by_name(db)
        self.expected = {a.staff_id for a in target.attendees if a.expected}
        self.results: dict[int, list] = {}
        for r in repo.results(db, exam.id) if exam else ():
            self.results.setdefault(r.staff_id, []).append(r)
        self.seen: dict[int, int] = {}

    def at(self, row: int, key: str, message: str, severity: str = "error") -> Finding:
        return S.finding(key, message, severity=severity, row=row, column=self.columns.get(key))

    def employed(self, p) -> bool:
        return (not p["hire_date"] or p["hire_date"] <= self.day) and bool(
            p["on_duty"] or (p["leave_date"] and p["leave_date"] > self.day))

    def why_not_employed(self, p) -> str:
        if p["hire_date"] and p["hire_date"] > self.day:
            return f"{p['hire_date']} 才入职，培训日期（{self.day}）时还未到岗"
        return f"已于 {p['leave_date']} 离岗" if p["leave_date"] else "已离岗"

    # -- people
    def match(self, row: int, src: dict, fs: list[Finding]):
        number, name = clean_text(src.get("employee_no")), _name_key(src.get("name"))
        department = clean_text(src.get("department")) or (src.get("_section") if src.get("_section")
                                                           in self.department_ids else "")
        if number:
            person = self.by_no.get(number.lower())
            if person is None and _digits(number):
                found = self.by_digits.get(_digits(number), [])
                person = found[0] if len(found) == 1 else None
            if person is None:
                by_name = self._by_name(name, department)
                hint = f"按姓名找到的是 {self._who(by_name[0])}，" if name and len(by_name) == 1 else ""
                fs.append(self.at(row, "employee_no", f"工号“{number}”不在人员名册中，{hint}请核对工号"
                                                      "（或删去工号，按姓名匹配）。"))
                return None
            if name and _name_key(person["name"]) != name:
                fs.append(self.at(row, "employee_no", f"工号 {person['employee_no']} 是“{person['name']}”"
                                                      f"（{person['department']}），不是“{name}”。请核对工号或姓名。"))
                return None
            if department and person not in self._by_name(_name_key(person["name"]), department):
                fs.append(self._elsewhere(row, person["name"], [person], department))
            return self._employed_or_error(row, "employee_no", person, fs)
        if not name:
            fs.append(self.at(row, "name", "这一行填写了签到或成绩，但没有姓名和工号：请填写姓名（同名时再填工号）。"))
            return None
        everyone = self.by_name.get(name, [])
        if not everyone:
            near = difflib.get_close_matches(name, list(self.by_name), n=3, cutoff=0.5)
            fs.append(self.at(row, "name", f"“{name}”不在人员名册中。" + (f"是否是：{'、'.join(near)}？" if near else "")
                              + "请核对姓名，或先在“人员”中添加此人。"))
            return None
        people = self._by_name(name, department)
        if department and not people:
            fs.append(self._elsewhere(row, name, everyone, department))
            people = everyone
        employed = [p for p in people if self.employed(p)]
        if len(employed) == 1:
            return employed[0]
        if len(employed) > 1:
            who = "、".join(self._who(p) for p in employed)
            fs.append(self.at(row, "name", f"有 {len(employed)} 位在岗人员叫“{name}”（{who}），无法确定是哪一位。"
                                           "请在“工号”列填写工号" + ("，或在“科室”列写明科室。" if not department else "。")))
            return None
        return self._employed_or_error(row, "name", people[0], fs)

    def _elsewhere(self, row: int, name: str, found: list, department: str) -> Finding:
        """A warning: the person was found, but not in the department the file names."""
        where = "、".join(p["department"] for p in found)
        if department not in self.department_ids:
            return self.at(row, "department", f"科室“{department}”在系统中不存在；名册中的“{name}”在{where}，"
                                              "已按此匹配。请核对科室名称。", "warning")
        return self.at(row, "department", f"名册中的“{name}”在{where}，不在“{department}”；已按此匹配，请核对科室。",
                       "warning")

    def _by_name(self, name: str, department: str) -> list:
        people = self.by_name.get(name, []) if name else []
        dept_id = self.department_ids.get(department) if department else None
        if dept_id is None:
            return people if not department else []
        within = department_subtree(self.db, dept_id)
        return [p for p in people if p["department_id"] in within]

    def _who(self, p) -> str:
        return f"{p['department']} {p['name']}（{p['employee_no']}）"

    def _employed_or_error(self, row: int, key: str, person, fs: list[Finding]):
        if self.employed(person):
            return person
        fs.append(self.at(row, key, f"{person['name']}（{person['employee_no']}）{self.why_not_employed(person)}，"
                                    "不能登记这次培训的签到。请核对人员或培训日期。"))
        return None

    # -- 签到
    def sign_in(self, row: int, src: dict, has_score: bool, fs: list[Finding]) -> tuple[bool, str | None]:
        note = clean_prose(src.get("note"))
        if "present" not in self.columns:
            return True, note
        raw = clean_text(src.get("present"))
        word = raw.lower()
        if not raw:
            if has_score:
                fs.append(self.at(row, "present", "签到为空但填写了成绩，按“到”登记；如未到请填“缺席”。", "warning"))
                return True, note
            return False, note
        if word in ABSENT_WORDS:
            return False, note
        reason = next((w for w in REASON_WORDS if w in raw), None)
        if reason:
            return False, "；".join(dict.fromkeys(x for x in (raw, note) if x))
        if LATE in raw:
            return True, "；".join(dict.fromkeys(x for x in (raw, note) if x))
        if word in PRESENT_WORDS or self.signature:
            return True, note
        fs.append(self.at(row, "present", f"“{raw}”无法识别。请写“到”或“缺席”（也可写 √、×、是、否，"
                                          "或请假、病假等缺席原因）。"))
        return False, note

    # -- 成绩
    def mark(self, row: int, src: dict, key: str, fs: list[Finding]) -> float | None:
        raw, text = clean_text(src.get(key)), _score_text(src.get(key))
        if not text:
            return None
        if self.exam is None:
            return None  # a file-level finding says what to do
        full = self.exam.full_mark
        try:
            value = float(text)
        except ValueError:
            fs.append(self.at(row, key, f"“{raw}”不是分数。请填写 0–{full:g} 的数字（缺考可留空或写“缺考”）。"))
            return None
        if not math.isfinite(value) or not 0 <= value <= full:
            fs.append(self.at(row, key, f"成绩 {value:g} 超出 0–{full:g} 分（{self.exam.title}满分 {full:g} 分），"
                                        "请改正。"))
            return None
        return value

    def column_findings(self, sources) -> list[Finding]:
        out = []
        if "present" in self.columns and sources and not any(clean_text(src.get("present")) for _row, src in sources):
            out.append(S.finding("present", f"“{self.headings['present']}”列（{self.columns['present']} 列）没有填写任何"
                                            "内容，导入后所有人都会记为缺席。请填写“到”或“缺席”；如果文件只列出到场的人，"
                                            "请删除这一列。", column=self.columns["present"]))
        if self.exam is None and not self.target.assessments and _has_scores(sources):
            out.append(S.finding("score", "文件中填写了成绩，但这次培训还没有考核。请先在“培训记录”中为这次培训添加考核"
                                          "（满分、合格分），再导入；或删除“成绩”“补考”列，只导入签到。"))
        return out

    def file_findings(self, rows: list[PlannedSignIn]) -> list[Finding]:
        out = []
        walk_ins = [r for r in rows if r.action != INVALID and r.present and not r.expected]
        if walk_ins:
            names = "、".join(f"{r.name}（{r.department}）" for r in walk_ins[:20])
            out.append(Finding(f"不在应到名单中、按计划外参加登记 {len(walk_ins)} 人：{names}"
                               + ("等" if len(walk_ins) > 20 else "") + "。", severity="warning"))
        missing = self.not_listed(rows)
        if missing:
            shown = "、".join(missing[:20]) + ("等" if len(missing) > 20 else "")
            what = "保持原来的签到登记" if self.target.attendance_recorded else "记为缺席"
            out.append(Finding(f"应到但文件中没有的 {len(missing)} 人将{what}：{shown}。", severity="warning"))
        if self.target.attendance_recorded:
            out.append(Finding(f"这次培训已登记过签到（实到 {self.target.present} 人），文件中的人员按文件更新。",
                               severity="warning"))
        return out

    def not_listed(self, rows: list[PlannedSignIn]) -> tuple[str, ...]:
        listed = {r.staff_id for r in rows}
        return tuple(f"{a.name}（{a.employee_no}）" for a in self.target.attendees
                     if a.expected and a.staff_id not in listed)

    # -- what record_sheet gets
    def sheet(self, rows: list[PlannedSignIn]) -> tuple[list[dict], list[dict]]:
        listed = {r.staff_id: r for r in rows}
        attendance = [{"staff_id": r.staff_id, "present": r.present, "note": r.note} for r in rows]
        if self.target.attendance_recorded:
            attendance += [{"staff_id": a.staff_id, "present": bool(a.present), "note": a.note}
                           for a in self.target.attendees if a.staff_id not in listed]
        scores = [{"staff_id": staff_id, "score": r.score, "attempt": r.attempt}
                  for staff_id, results in self.results.items()
                  if staff_id not in listed or listed[staff_id].score is None for r in results]
        for r in rows:
            if r.score is not None:
                scores.append({"staff_id": r.staff_id, "score": r.score, "attempt": 1})
                if r.make_up is not None:
                    scores.append({"staff_id": r.staff_id, "score": r.make_up, "attempt": 2})
        return attendance, scores


def _plan_rows(ctx: _Context, sources, cell_findings) -> list[PlannedSignIn]:
    ctx.seen = {}
    return [_plan_row(ctx, row, src, list(cell_findings.get(row, ()))) for row, src in sources]


def _plan_row(ctx: _Context, row: int, src: dict, fs: list[Finding]) -> PlannedSignIn:
    person = ctx.match(row, src, fs)
    score = ctx.mark(row, src, "score", fs)
    make_up = ctx.mark(row, src, "make_up", fs)
    present, note = ctx.sign_in(row, src, score is not None or make_up is not None, fs)
    exam = ctx.exam
    if make_up is not None and score is None and not any(f.column == ctx.columns.get("score") for f in fs):
        fs.append(ctx.at(row, "make_up", "只有补考成绩，没有首次成绩：请在“成绩”列填写首次成绩。"))
    elif make_up is not None and score is not None and score >= exam.pass_mark:
        fs.append(ctx.at(row, "make_up", f"首次成绩 {score:g} 已合格（{exam.pass_mark:g} 分合格），不需要补考："
                                         "请删去补考成绩，或核对首次成绩。"))
    if score is not None and not present and "present" in ctx.columns and clean_text(src.get("present")):
        fs.append(ctx.at(row, "score", "签到为缺席，但填写了成绩：成绩照常登记，请核对签到。", "warning"))
    name = clean_text(src.get("name"))
    if person is None:
        return PlannedSignIn(row, None, name, clean_text(src.get("employee_no")), clean_text(src.get("department")),
                             False, present, note, score, make_up, tuple(fs), dict(src))
    key = "employee_no" if clean_text(src.get("employee_no")) else "name"
    if person["id"] in ctx.seen:
        fs.append(ctx.at(row, key, f"与第 {ctx.seen[person['id']]} 行是同一人（{ctx._who(person)}）：同一人只能占一行，"
                                   "请删除重复的一行（补考成绩请填在“补考”列）。"))
    else:
        ctx.seen[person["id"]] = row
    old = ctx.results.get(person["id"])
    if score is not None and old:
        before = "，".join(f"{r.score:g}" if r.attempt == 1 else f"补考 {r.score:g}" for r in old)
        after = f"{score:g}" + (f"，补考 {make_up:g}" if make_up is not None else "")
        if before != after:
            fs.append(ctx.at(row, "score", f"原登记成绩 {before}，导入后为 {after}。", "warning"))
    return PlannedSignIn(row, person["id"], person["name"], person["employee_no"], person["department"],
                         person["id"] in ctx.expected, present, note, score, make_up, tuple(fs), dict(src))


# ----------------------------------------------------------------------------- the template

_HELP = [
    "1. 每行一人。程序已按应到名单填好科室、姓名、工号、职称；计划外参加的人员请在表末空行填写姓名和工号。",
    "2. 签到：到场填“到”（也可写 √、是、1），未到填“缺席”（也可写 ×、否，或请假、病假、值班等原因，原因会记入备注）。"
    "留空按缺席；有成绩的行留空按到场。",
    "3. 成绩：填写首次考试的分数（0 到满分）；缺考留空或写“缺考”。补考：首次不合格的人员填写补考分数。",
    "4. 人员按工号匹配；没有工号时按姓名和科室匹配，同名的人员请务必填写工号。同一人只能占一行。",
    "5. 导入分两步：程序先列出每一处问题（第几行、哪一列）和将要登记的签到、成绩；没有错误时确认导入，一次全部写入。",
    "6. 文件中没有的应到人员：尚未登记签到时记为缺席；已登记过时保持原登记。",
    "7. 请保存为 .xlsx 格式。",
]
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_THIN = Side(style="thin", color="808080")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
TEMPLATE_BLANK_ROWS = 10


@action(TRAINING_RECORD, scope=service.VIEW_SESSION)
def write_attendance_template(session: Session, path: Path | str, session_id: int,
                              assessment_id: int | None = None) -> Path:
    """The file to type the paper sign-in into: the session's expected people, 签到 (and, when the
    session has an assessment, 成绩 and 补考) to fill in, a 说明 sheet."""
    from desktop_app.hospital.service import get_profile

    target = service.get_session(session, session_id)
    exam = next((a for a in target.assessments if a.id == assessment_id), None) if assessment_id else \
        (target.assessments[0] if target.assessments else None)
    keys = ["seq", "department", "name", "employee_no", "title", "present"] + (["score", "make_up"] if exam else []) \
        + ["note"]
    wb = Workbook()
    ws = wb.active
    ws.title = TEMPLATE_SHEET
    last = get_column_letter(len(keys))
    profile = get_profile(session.db)
    lines = [(f"{profile.name if profile else ''}培训签到表", Font(size=14, bold=True)),
             (f"培训主题：{target.title}　　时间：{target.when}　　地点：{target.place or ''}"
              + (f"　　考核：{_assessment_label(exam)}" if exam else ""), Font(size=10))]
    for r, (text, font) in enumerate(lines, start=1):
        ws.merge_cells(f"A{r}:{last}{r}")
        ws.cell(r, 1, text).font = font
        ws.cell(r, 1).alignment = Alignment(horizontal="center" if r == 1 else "left", vertical="center",
                                            wrap_text=True)
        ws.row_dimensions[r].height = 24 if r == 1 else 30
    header = len(lines) + 1
    for c, field in enumerate(S.pick(keys), start=1):
        cell = ws.cell(header, c, field.label)
        cell.font, cell.fill, cell.border = Font(bold=True), _HEADER_FILL, _BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center")
        ws.column_dimensions[get_column_letter(c)].width = field.xlsx_width
    people = [a for a in target.attendees if a.expected]
    listed = ("department", "name", "employee_no", "title")  # filled in from the expected people (Attendee fields)
    for n in range(1, len(people) + TEMPLATE_BLANK_ROWS + 1):
        a = people[n - 1] if n <= len(people) else None
        for c, key in enumerate(keys, start=1):
            value = n if key == "seq" else getattr(a, key) if a and key in listed else None
            cell = ws.cell(header + n, c, value)
            cell.border = _BORDER
            if key == "employee_no":
                cell.number_format = "@"  # a 工号 such as 0012 keeps its zeros
    end = header + len(people) + TEMPLATE_BLANK_ROWS
    letter = {key: get_column_letter(c) for c, key in enumerate(keys, start=1)}
    sign = DataValidation(type="list", formula1='"到,缺席,请假,病假,事假,值班"', allow_blank=True,
                          showErrorMessage=True, errorStyle="warning", errorTitle="签到",
                          error="请填写“到”或“缺席”（或缺席原因）。")
    sign.add(f"{letter['present']}{header + 1}:{letter['present']}{end}")
    ws.add_data_validation(sign)
    if exam:
        marks = DataValidation(type="decimal", operator="between", formula1="0", formula2=f"{exam.full_mark:g}",
                               allow_blank=True, showErrorMessage=True, errorStyle="warning", errorTitle="成绩",
                               error=f"成绩应在 0–{exam.full_mark:g} 分之间。")
        marks.add(f"{letter['score']}{header + 1}:{letter['make_up']}{end}")
        ws.add_data_validation(marks)
    ws.freeze_panes = f"A{header + 1}"
    apply_print_setup(ws, title_rows=f"{header}:{header}")
    help_ws = wb.create_sheet(HELP_SHEET)
    help_ws.column_dimensions["A"].width = 90
    help_ws["A1"] = "签到与成绩导入说明"
    help_ws["A1"].font = Font(size=14, bold=True)
    for r, line in enumerate(_HELP, start=3):
        help_ws.cell(r, 1, line).alignment = Alignment(wrap_text=True, vertical="top")
        help_ws.row_dimensions[r].height = 15 * math.ceil(len(line) * 2 / 86) + 3
    with atomic_output(path) as tmp:
        wb.save(tmp)
    return Path(path)

