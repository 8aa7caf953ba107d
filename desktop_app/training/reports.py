"""培训与考核 printed and exported: the 签到表 printed before a session, the 签到与成绩表 after it,
a person's 个人培训档案 and the 培训覆盖报告 of a period.

Two steps, as for every report: a snapshot function reads what is printed through the training
services, with their scopes (a 科室负责人 gets the coverage and transcripts of their own
department and its wards), then a writer lays the snapshot out — on a worker thread if need be,
with progress and cancellation::

    snap = session_snapshot(session, session_id)             # the session, its people, one assessment
    write_signin_pdf(snap, "签到表.pdf")                       # before the session, for wet signatures
    write_attendance_pdf(snap, "签到与成绩表.pdf")             # after it: 到/缺席, 成绩, 补考, 结果, totals
    write_attendance_xlsx(snap, "签到与成绩表.xlsx")

    person = transcript_snapshot(session, staff_id, year=2026)
    write_transcript_pdf(person, "个人培训档案.pdf"); write_transcript_xlsx(person, "个人培训档案.xlsx")

    cov = coverage_snapshot(session, "2026-01-01", "2026-12-31", department_id=None)
    write_coverage_pdf(cov, "培训覆盖报告.pdf"); write_coverage_xlsx(cov, "培训覆盖报告.xlsx")

**Layout.** Everything is A4 portrait with the GB/T 9704 margins: these are forms filed in a
binder (the sign-in sheet is passed round the room on a clipboard), and no table needs more
than the 156 mm of a portrait page. The session's particulars (培训主题, 类别, 时间, 地点,
授课人（职称）, 学时, 组织科室, 培训对象, 应到) stand in a ruled grid under the title, as on the
paper forms hospitals use; the table header repeats on every page and every page's footer names
the session, so a loose page can be put back.

* 签到表: 序号 | 科室 | 姓名 | 工号 | 职称 | 签名 | 备注, the expected people in department order,
  rows 9 mm tall (room for a handwritten name), then blank numbered rows for people who come
  unplanned, then 实到 ___ 人 / 记录人 / 授课人签字. It needs no attendance: it is printed before.
* 签到与成绩表: the same people (walk-ins after them, marked 计划外 in 备注) with 签到 到/缺席,
  成绩, 补考 and 结果 (合格 / 补考合格 / 不合格 / 未考), then 应到/实到/到课率 and 参考/合格/合格率.
  到课率 counts the expected people present (walk-ins are counted in 实到 but cannot raise it).
* 个人培训档案: the person's particulars, every session they were expected at or attended, every
  exam result (补考 marked), the totals, and the chosen year's requirements with what is missing.
* 培训覆盖报告: the summary, the table by department (知晓率 below the target is written
  “未达标”, which survives black-and-white printing), by requirement, and the people still short
  with what each lacks. Its workbook has one sheet each; the people sheet has a row per person
  and requirement, so it can be filtered.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from desktop_app import errors
from desktop_app.accounts.permissions import action
from desktop_app.hospital.service import get_profile
from desktop_app.people.repo import department_name
from desktop_app.reports.base import Column, ProgressCallback, ReportInfo, cn_date
from desktop_app.reports.pdf import PdfReport
from desktop_app.reports.xlsx import XlsxReport
from desktop_app.session import Session
from desktop_app.training import coverage as training_coverage
from desktop_app.training import repo
from desktop_app.training import service as training
from desktop_app.training.coverage import Transcript
from desktop_app.training.manifest import TRAINING_VIEW
from desktop_app.training.models import (
    ASSESSMENT_FIELDS,
    SIGN_IN_FIELDS,
    TRAINING_FIELDS,
    Assessment,
    Coverage,
    PersonCoverage,
    TrainingSession,
    percent,
)

SIGNIN_TITLE = "培训签到表"
ATTENDANCE_TITLE = "培训签到与成绩表"
TRANSCRIPT_TITLE = "个人培训档案"
COVERAGE_TITLE = "培训覆盖报告"
PRESENT, ABSENT, NOT_RECORDED = "到", "缺席", "未登记"
PASSED, PASSED_MAKE_UP, FAILED, NOT_TESTED = "合格", "补考合格", "不合格", "未考"
WALK_IN = "计划外"
BLANK_ROWS = 6            # numbered empty rows at the end of the sign-in sheet, for people who come unplanned
SIGNIN_ROW_MM = 9         # room for a handwritten name
T, A, S = TRAINING_FIELDS, ASSESSMENT_FIELDS, SIGN_IN_FIELDS


def _hospital(session: Session) -> str:
    profile = get_profile(session.db)
    return profile.name if profile else ""


def _marks(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


# ----------------------------------------------------------------------------- a session's lists


@dataclass(frozen=True)
class SheetLine:
    """One person of a session's lists."""

    staff_id: int
    department: str
    name: str
    employee_no: str
    title: str | None
    expected: bool
    present: bool | None           # None: sign-in not recorded
    note: str | None
    score: float | None            # the first attempt
    make_ups: tuple[float, ...]    # 补考 scores, in order
    result: str                    # 合格 / 补考合格 / 不合格 / 未考, or "" (no assessment, or absent and not examined)

    @property
    def sign_in(self) -> str:
        return NOT_RECORDED if self.present is None else PRESENT if self.present else ABSENT

    @property
    def remark(self) -> str:
        return "；".join(x for x in (WALK_IN if not self.expected else "", self.note or "") if x)


@dataclass(frozen=True)
class SessionSnapshot:
    hospital: str
    session: TrainingSession
    assessment: Assessment | None   # the assessment whose scores are listed (with its results)
    lines: tuple[SheetLine, ...]    # expected people (department order), then walk-ins, then others examined
    author: str
    printed_at: dt.datetime

    @property
    def expected_lines(self) -> tuple[SheetLine, ...]:
        return tuple(line for line in self.lines if line.expected)

    @property
    def present(self) -> int:
        return sum(bool(line.present) for line in self.lines)

    @property
    def present_expected(self) -> int:
        return sum(bool(line.present) for line in self.expected_lines)

    @property
    def walk_ins(self) -> int:
        return sum(bool(line.present) and not line.expected for line in self.lines)

    @property
    def attendance_rate(self) -> float | None:
        if not self.session.attendance_recorded or not self.expected_lines:
            return None
        return self.present_expected / len(self.expected_lines)

    def totals(self) -> str:
        s = self.session
        parts = [f"应到 {len(self.expected_lines)} 人"]
        if s.attendance_recorded:
            walk = f"（含计划外 {self.walk_ins} 人）" if self.walk_ins else ""
            parts.append(f"实到 {self.present} 人{walk}，到课率 {percent(self.attendance_rate)}")
        else:
            parts.append("尚未登记签到")
        text = "，".join(parts) + "。"
        a = self.assessment
        if a is not None:
            text += (f"{a.title}：参考 {a.tested} 人，合格 {a.passed_first} 人，合格率 {percent(a.pass_rate)}"
                     + (f"；补考后合格 {a.passed_final} 人" if a.passed_final != a.passed_first else "") + "。")
        return text

    def particulars(self, *, with_assessment: bool = True) -> list[list[tuple[str, object]]]:
        s = self.session
        lecturer = s.lecturer or ""
        if s.lecturer_title:
            lecturer += f"（{s.lecturer_title}）"
        lines = [[("培训主题", s.title)], [("类别", s.category), ("学时", f"{s.hours:g}")],
                 [("时间", s.when), ("地点", s.place)], [("授课人（职称）", lecturer), ("组织科室", s.department)],
                 [("培训对象", s.audience_label), ("应到", f"{len(self.expected_lines)} 人")]]
        if with_assessment and self.assessment is not None:
            a = self.assessment
            lines.append([("考核", f"{a.title}（{a.date}，满分 {a.full_mark:g} 分，{a.pass_mark:g} 分合格）")])
        return lines

    def info(self, title: str) -> ReportInfo:
        s = self.session
        return ReportInfo(title=title, hospital=self.hospital, period=f"培训日期：{cn_date(s.date)}",
                          filters=(f"培训主题：{s.title}", f"类别：{s.category}", f"培训对象：{s.audience_label}"),
                          author=self.author, printed_at=self.printed_at,
                          verification=f"{s.date} {s.title}")


def _result(score: float | None, make_ups: list[tuple[float, bool]], first_passed: bool | None,
            present: bool | None) -> str:
    if score is None:
        return NOT_TESTED if present else ""
    if first_passed:
        return PASSED
    return PASSED_MAKE_UP if any(p for _s, p in make_ups) else FAILED


@action(TRAINING_VIEW, scope=training.VIEW_SESSION)
def session_snapshot(session: Session, session_id: int, assessment_id: int | None = None) -> SessionSnapshot:
    """A session with its people for the 签到表 and the 签到与成绩表; the scores are those of
    ``assessment_id`` (one of the session's), by default of its first assessment."""
    s = training.get_session(session, session_id)
    if assessment_id is None and s.assessments:
        assessment_id = s.assessments[0].id
    assessment = None
    if assessment_id is not None:
        assessment = training.get_assessment(session, assessment_id)
        if assessment.session_id != session_id:
            raise errors.NotFound("该考核不属于这次培训，请重新选择。")
    by_person: dict[int, list] = {}
    for r in assessment.results if assessment else ():
        by_person.setdefault(r.staff_id, []).append(r)
    lines = []
    seen = set()
    for a in sorted(s.attendees, key=lambda a: not a.expected):  # expected first, each group in department order
        lines.append(_line(a.staff_id, a.department, a.name, a.employee_no, a.title, a.expected, a.present, a.note,
                           by_person.get(a.staff_id, []), assessment is not None))
        seen.add(a.staff_id)
    people = {p.staff_id: p for p in (assessment.results if assessment else ())}
    for staff_id, results in by_person.items():  # examined without being on the list
        if staff_id not in seen:
            p = people[staff_id]
            lines.append(_line(staff_id, p.department, p.name, p.employee_no, None, False, None, None, results, True))
    return SessionSnapshot(_hospital(session), s, assessment, tuple(lines), session.actor.display_name, session.now())


def _line(staff_id, department, name, employee_no, title, expected, present, note, results, examined) -> SheetLine:
    first = next((r for r in results if r.attempt == 1), None)
    make_ups = [(r.score, r.passed) for r in results if r.attempt > 1]
    result = _result(first.score if first else None, make_ups, first.passed if first else None, present) \
        if examined else ""
    return SheetLine(staff_id, department, name, employee_no, title, expected, present, note,
                     first.score if first else None, tuple(s for s, _p in make_ups), result)


# The 签到表's people are the sheet's fields with wider columns (no scores); 签名 is the empty cell signed
# by hand on paper (what is recorded from it is 签到).
SIGNIN_WIDTHS = {"seq": 11, "department": 26, "name": 18, "employee_no": 17, "title": 22}
SIGNIN_COLUMNS = [*S.pdf_columns(("seq", "department", "name", "employee_no", "title"), widths=SIGNIN_WIDTHS),
                  Column("签名", 38), *S.pdf_columns(("note",), widths={"note": 24})]
SIGNIN_SIGNATURES = ("实到", "记录人", "授课人签字")


def _session_heading(report: PdfReport, snapshot: SessionSnapshot, title: str, *, with_assessment: bool) -> None:
    report.title(title)
    if snapshot.hospital:
        report.paragraph(snapshot.hospital, align="center")
    report.spacer(1)
    report.fields(snapshot.particulars(with_assessment=with_assessment))
    report.spacer(3)


def write_signin_pdf(snapshot: SessionSnapshot, path: Path | str, progress: ProgressCallback | None = None, *,
                     blank_rows: int = BLANK_ROWS) -> Path:
    """The sign-in sheet: expected people with an empty 签名 cell each, blank rows for walk-ins."""
    report = PdfReport(path, snapshot.info(SIGNIN_TITLE), heading=False)
    _session_heading(report, snapshot, SIGNIN_TITLE, with_assessment=False)
    people = snapshot.expected_lines
    rows = [[n, p.department, p.name, p.employee_no, p.title, "", ""] for n, p in enumerate(people, start=1)]
    rows += [[n, "", "", "", "", "", ""] for n in range(len(people) + 1, len(people) + 1 + blank_rows)]
    report.table(SIGNIN_COLUMNS, rows, font_size=10, row_height_mm=SIGNIN_ROW_MM)
    report.note("计划外参加人员请在表末空行填写科室、姓名、工号并签名。")
    report.signature_block(SIGNIN_SIGNATURES, columns=3, values={"实到": "\u00a0" * 14 + "人"})
    return report.build(progress)


def _with_scores(snapshot: SessionSnapshot) -> bool:
    return snapshot.assessment is not None


def attendance_columns(snapshot: SessionSnapshot) -> list[Column]:
    """The 签到与成绩表's columns, printed and exported alike (备注 takes the room of the scores when there are none)."""
    if _with_scores(snapshot):
        return S.pdf_columns(("seq", "department", "name", "employee_no", "title", "present", "score", "make_up",
                              "result", "note"))
    return S.pdf_columns(("seq", "department", "name", "employee_no", "title", "present", "note"),
                         widths={"note": 64})


def attendance_rows(snapshot: SessionSnapshot, *, for_excel: bool = False) -> list[list]:
    rows = []
    for n, p in enumerate(snapshot.lines, start=1):
        row = [n, p.department, p.name, p.employee_no, p.title, p.sign_in]
        if _with_scores(snapshot):
            if for_excel:
                make_up = p.make_ups[-1] if len(p.make_ups) == 1 else "、".join(_marks(s) for s in p.make_ups) or None
                row += [p.score, make_up, p.result or None]
            else:
                row += [_marks(p.score), "、".join(_marks(s) for s in p.make_ups), p.result]
        rows.append(row + [p.remark])
    return rows


def write_attendance_pdf(snapshot: SessionSnapshot, path: Path | str, progress: ProgressCallback | None = None) -> Path:
    """签到与成绩表: each person's 签到, 成绩, 补考, 结果 and the totals, 记录人/审核人 to sign."""
    title = ATTENDANCE_TITLE if _with_scores(snapshot) else "培训签到情况表"
    report = PdfReport(path, snapshot.info(title), heading=False)
    _session_heading(report, snapshot, title, with_assessment=True)
    report.table(attendance_columns(snapshot), attendance_rows(snapshot), font_size=9,
                 empty_text="（这次培训没有应到人员）")
    report.note(snapshot.totals())
    report.signature_block(("记录人", "审核人", "日期"), columns=3)
    return report.build(progress)


SUMMARY_COLUMNS = [Column("项目", 16), Column("内容", 60)]  # the particulars, label and value a row


def write_attendance_xlsx(snapshot: SessionSnapshot, path: Path | str,
                          progress: ProgressCallback | None = None) -> Path:
    """签到与成绩 (one row a person, scores as numbers) and 培训信息 (the particulars and totals)."""
    title = ATTENDANCE_TITLE if _with_scores(snapshot) else "培训签到情况表"
    report = XlsxReport(path, snapshot.info(title))
    report.table(attendance_columns(snapshot), attendance_rows(snapshot, for_excel=True), sheet_title="签到与成绩")
    facts = [[label, value] for line in snapshot.particulars() for label, value in line]
    report.table(SUMMARY_COLUMNS, facts + [["合计", snapshot.totals()]], sheet_title="培训信息")
    return report.build(progress)


# ----------------------------------------------------------------------------- 个人培训档案


@dataclass(frozen=True)
class TranscriptSnapshot:
    hospital: str
    person: Transcript
    year: int
    requirements: PersonCoverage | None   # the year's requirements; None when not counted (left, or hired later)
    today: dt.date
    author: str
    printed_at: dt.datetime

    def sign_in(self, present: bool | None, date: str) -> str:
        if present is None:
            return "待参加" if date > self.today.isoformat() else NOT_RECORDED
        return PRESENT if present else ABSENT

    def totals(self) -> str:
        p = self.person
        held = [s for s in p.sessions if s.present is not None]
        absent = sum(1 for s in held if not s.present)
        attended = len(held) - absent
        passed = sum(1 for e in p.exams if e.passed)
        return (f"参加培训 {attended} 次" + (f"（缺席 {absent} 次）" if absent else "") + f"，累计 {p.hours:g} 学时；"
                f"考核 {len(p.exams)} 次（含补考），合格 {passed} 次。")

    def particulars(self) -> list[list[tuple[str, object]]]:
        p = self.person
        return [[("姓名", p.name), ("工号", p.employee_no)], [("科室", p.department), ("人员类别", p.category)],
                [("职称", p.title), ("入职日期", p.hire_date)], [("在岗", "是" if p.on_duty else "否（已离岗）")]]

    def info(self) -> ReportInfo:
        p = self.person
        return ReportInfo(title=TRANSCRIPT_TITLE, hospital=self.hospital, period=f"截至{cn_date(self.today)}",
                          filters=(f"{p.department} {p.name}（{p.employee_no}）",), author=self.author,
                          printed_at=self.printed_at,
                          verification=f"{TRANSCRIPT_TITLE} · {p.name}（{p.employee_no}）")


@action(TRAINING_VIEW, scope=training_coverage.TRANSCRIPT)
def transcript_snapshot(session: Session, staff_id: int, year: int | None = None) -> TranscriptSnapshot:
    """个人培训档案: the whole record of one person, and ``year``'s requirements (default: this year)."""
    person = training_coverage.transcript(session, staff_id)
    year = year or session.today().year
    department = repo.department_of_staff(session.db, staff_id)
    cov = training_coverage.coverage(session, f"{year}-01-01", f"{year}-12-31", department_id=department)
    mine = next((p for p in cov.people if p.staff_id == staff_id), None)
    return TranscriptSnapshot(_hospital(session), person, year, mine, session.today(), session.actor.display_name,
                              session.now())


# the sessions (and the person's 签到 at each, printed and exported alike) and the assessment results
TRANSCRIPT_SESSION_COLUMNS = [*T.pdf_columns(("seq", "date", "title", "category", "hours")),
                              *S.pdf_columns(("present",), widths={"present": 12})]
TRANSCRIPT_EXAM_COLUMNS = [*A.pdf_columns(("seq", "date", "title", "kind")), Column("成绩/满分", 16, "center"),
                           Column("合格", 9, "center"), *A.pdf_columns(("make_up",))]
TRANSCRIPT_EXAM_XLSX = [*A.xlsx_columns(("seq", "date", "title", "kind")),
                        *S.xlsx_columns(("score",), widths={"score": 7}), *A.xlsx_columns(("full_mark",)),
                        Column("合格", 6, "center"), *A.xlsx_columns(("make_up",))]
# the year's requirements as the coverage counts them for the person (figures, not a record's fields)
REQUIREMENT_COLUMNS = [
    Column("培训要求", 62), Column("应参加", 11, "center"), Column("已参加", 11, "center"), Column("考核", 15, "center"),
    Column("完成情况", 36, "center"),
]


def transcript_session_rows(snapshot: TranscriptSnapshot, *, for_excel: bool = False) -> list[list]:
    return [[n, dt.date.fromisoformat(s.date) if for_excel else s.date, s.title, s.category,
             s.hours if for_excel else f"{s.hours:g}", snapshot.sign_in(s.present, s.date)]
            for n, s in enumerate(snapshot.person.sessions, start=1)]


def transcript_exam_rows(snapshot: TranscriptSnapshot, *, for_excel: bool = False) -> list[list]:
    """PDF: 成绩/满分 in one cell; Excel: both as numbers."""
    rows = []
    for n, e in enumerate(snapshot.person.exams, start=1):
        marks = [e.score, e.full_mark] if for_excel else [f"{e.score:g}/{e.full_mark:g}"]
        rows.append([n, dt.date.fromisoformat(e.date) if for_excel else e.date, e.title, e.kind, *marks,
                     "是" if e.passed else "否", f"第{e.attempt - 1}次补考" if e.attempt > 1 else None])
    return rows


def requirement_rows(snapshot: TranscriptSnapshot) -> list[list]:
    if snapshot.requirements is None:
        return []
    rows = []
    for g in snapshot.requirements.results:
        exam = ("已合格" if g.passed else "未合格" if g.tested else "未参加") if g.needs_pass else "—"
        rows.append([g.label, g.required if g.required else "—", g.attended if g.required else "—", exam,
                     "已达到" if g.met else g.text()])
    return rows


def _requirement_heading(snapshot: TranscriptSnapshot) -> str:
    year = snapshot.year
    when = f"截至{cn_date(snapshot.today)}" if snapshot.today.year == year else "全年"
    return f"{year}年培训要求完成情况（{when}）"


def _requirement_note(snapshot: TranscriptSnapshot) -> str | None:
    if snapshot.requirements is None:
        return f"{snapshot.year}年末（或今天）不在岗，不计入该年的培训覆盖统计。"
    gaps = snapshot.requirements.gaps
    if not snapshot.requirements.results:
        return "没有适用于本人的培训要求。"
    return "全部达到。" if not gaps else f"尚有 {len(gaps)} 项未达到。"


def write_transcript_pdf(snapshot: TranscriptSnapshot, path: Path | str,
                         progress: ProgressCallback | None = None) -> Path:
    report = PdfReport(path, snapshot.info(), heading=False)
    report.title(TRANSCRIPT_TITLE)
    if snapshot.hospital:
        report.paragraph(snapshot.hospital, align="center")
    report.spacer(1)
    report.fields(snapshot.particulars())
    report.heading("一、培训记录", level=2)
    report.table(TRANSCRIPT_SESSION_COLUMNS, transcript_session_rows(snapshot), empty_text="（没有培训记录）")
    report.heading("二、考核记录", level=2)
    report.table(TRANSCRIPT_EXAM_COLUMNS, transcript_exam_rows(snapshot), empty_text="（没有考核记录）")
    report.heading("三、合计", level=2)
    report.note(snapshot.totals())
    report.heading("四、" + _requirement_heading(snapshot), level=2)
    if snapshot.requirements is not None and snapshot.requirements.results:
        report.table(REQUIREMENT_COLUMNS, requirement_rows(snapshot))
    report.note(_requirement_note(snapshot))
    report.signature_block(("本人签字", "科室负责人", "日期"), columns=3)
    return report.build(progress)


def write_transcript_xlsx(snapshot: TranscriptSnapshot, path: Path | str,
                          progress: ProgressCallback | None = None) -> Path:
    """培训记录, 考核记录 and the year's 培训要求 (dates as dates, 学时 as numbers)."""
    report = XlsxReport(path, snapshot.info())
    report.table(TRANSCRIPT_SESSION_COLUMNS, transcript_session_rows(snapshot, for_excel=True), sheet_title="培训记录")
    report.table(TRANSCRIPT_EXAM_XLSX, transcript_exam_rows(snapshot, for_excel=True), sheet_title="考核记录")
    report.table(REQUIREMENT_COLUMNS, requirement_rows(snapshot), sheet_title=f"{snapshot.year}年培训要求")
    return report.build(progress)


# ----------------------------------------------------------------------------- 培训覆盖报告


@dataclass(frozen=True)
class CoverageSnapshot:
    hospital: str
    coverage: Coverage
    scope: str                  # 全院, or the department (with its wards) asked for or answered for
    author: str
    printed_at: dt.datetime

    @property
    def short(self) -> tuple[PersonCoverage, ...]:
        return tuple(p for p in self.coverage.people if not p.complete)

    def period(self) -> str:
        c = self.coverage
        return f"{cn_date(c.first)}至{cn_date(c.last)}"

    def awareness_text(self, value: float | None) -> str:
        """A 知晓率 with “未达标” when below the target (the mark survives black-and-white printing)."""
        if value is None:
            return "—（未抽考）"
        return percent(value) + ("（未达标）" if value < self.coverage.awareness_target else "")

    def summary(self) -> list[tuple[str, object, str]]:
        """(item, value, explanation) — the report's first table, and the workbook's 汇总 sheet."""
        c, t = self.coverage, self.coverage.total
        target = f"≥{c.awareness_target * 100:g}%"
        whole = "" if self.scope == "全院" else "（全院）"  # these three are counted over the whole hospital
        return [
            ("在岗人数", t.people, "期末（或今天）在岗、适用培训要求的人员"),
            ("全部达标", t.complete, "所有适用的培训要求均已达到"),
            ("达标率", percent(t.rate), "全部达标 ÷ 在岗人数"),
            ("核心制度知晓率", self.awareness_text(t.awareness),
             f"知晓率调查首次合格 {t.aware} 人 ÷ 抽考 {t.tested} 人；目标 {target}"),
            (f"考核合格率{whole}", percent(c.assessment_pass_rate), "期间各次考核首次合格 ÷ 参考人次"),
            (f"培训场次{whole}", c.sessions, "期间举办的培训"),
            (f"参训人次{whole}", c.participants, "签到为“到”的人次"),
            ("期间离岗", c.left, "期间离岗的人员不计入统计"),
        ]

    def info(self) -> ReportInfo:
        return ReportInfo(title=COVERAGE_TITLE, hospital=self.hospital, period=f"统计期间：{self.period()}",
                          filters=(f"科室：{self.scope}",), author=self.author, printed_at=self.printed_at,
                          verification=f"{COVERAGE_TITLE} · {self.scope} · {self.period()}")


@action(TRAINING_VIEW, scope=training_coverage.COVERAGE)
def coverage_snapshot(session: Session, first, last, department_id: int | None = None) -> CoverageSnapshot:
    """The period's coverage (:func:`desktop_app.training.coverage.coverage`), whole hospital or one department."""
    cov = training_coverage.coverage(session, first, last, department_id)
    if department_id is not None:
        scope = f"{department_name(session.db, department_id)}（含下属科室）"
    elif session.reach is not None:
        scope = "、".join(d.department for d in cov.by_department[:-1]) or "本科室"
    else:
        scope = "全院"
    return CoverageSnapshot(_hospital(session), cov, scope, session.actor.display_name, session.now())


# The coverage report's tables are figures the coverage counts (per department, per requirement, the
# people still short of a requirement), not a record's fields: their columns are the report's own.
COVERAGE_SUMMARY_COLUMNS = [Column("项目", 16), Column("数值", 22, "center"), Column("说明", 52)]
DEPARTMENT_COLUMNS = [
    Column("科室", 30), Column("人数", 10, "center"), Column("全部达标", 12, "center"), Column("达标率", 13, "center"),
    Column("知晓率抽考", 13, "center"), Column("知晓", 10, "center"), Column("知晓率", 22, "center"),
]
RULE_COLUMNS = [
    Column("培训要求", 66), Column("适用人数", 12, "center"), Column("已达到", 12, "center"),
    Column("未达到", 12, "center"), Column("达标率", 13, "center"),
]
SHORT_COLUMNS = [
    Column("序号", 8, "center"), Column("科室", 24), Column("工号", 14, "center"), Column("姓名", 14, "center"),
    Column("类别", 10, "center"), Column("尚未达到的要求", 80),
]
DEPARTMENT_XLSX = [
    Column("科室", 18), Column("人数", 8, "right"), Column("全部达标", 9, "right"),
    Column("达标率", 9, "right", number_format="0.0%"), Column("知晓率抽考", 10, "right"),
    Column("知晓", 8, "right"), Column("知晓率", 9, "right", number_format="0.0%"), Column("知晓率达标", 10, "center"),
]
RULE_XLSX = [
    Column("培训要求", 46), Column("适用人数", 9, "right"), Column("已达到", 9, "right"), Column("未达到", 9, "right"),
    Column("达标率", 9, "right", number_format="0.0%"),
]
SHORT_XLSX = [
    Column("科室", 16), Column("工号", 10), Column("姓名", 9), Column("类别", 7, "center"),
    Column("入职日期", 11, "center"), Column("培训要求", 40), Column("应参加", 7, "right"), Column("已参加", 7, "right"),
    Column("还差", 6, "right"), Column("须考核合格", 9, "center"), Column("考核", 9, "center"), Column("说明", 22),
]


def department_rows(snapshot: CoverageSnapshot) -> list[list]:
    return [[d.department, d.people, d.complete, percent(d.rate), d.tested, d.aware, snapshot.awareness_text(d.awareness)]
            for d in snapshot.coverage.by_department]


def rule_rows(snapshot: CoverageSnapshot, *, for_excel: bool = False) -> list[list]:
    return [[r.requirement.label, r.people, r.met, r.people - r.met,
             (r.rate if r.rate is not None else "—") if for_excel else percent(r.rate)]
            for r in snapshot.coverage.by_requirement]


def gap_text(person: PersonCoverage) -> str:
    """One line per requirement not met, named by its category (the staff group is the person's)."""
    return "\n".join(f"{g.label.split('：')[0]}：{g.text()}" for g in person.gaps)


def write_coverage_pdf(snapshot: CoverageSnapshot, path: Path | str, progress: ProgressCallback | None = None) -> Path:
    report = PdfReport(path, snapshot.info())
    report.heading("一、总体情况")
    report.table(COVERAGE_SUMMARY_COLUMNS, snapshot.summary(), font_size=9.5)
    for note in snapshot.coverage.notes:
        report.note(note)
    report.heading("二、各科室培训覆盖与知晓率")
    report.table(DEPARTMENT_COLUMNS, department_rows(snapshot), empty_text="（没有在岗人员）")
    report.note(f"知晓率目标 ≥{snapshot.coverage.awareness_target * 100:g}%；低于目标的科室标“未达标”。")
    report.heading("三、各项培训要求完成情况")
    report.table(RULE_COLUMNS, rule_rows(snapshot), empty_text="（没有启用的培训要求）")
    short = snapshot.short
    report.heading(f"四、尚未达标人员（{len(short)} 人）")
    report.table(SHORT_COLUMNS, [[n, p.department, p.employee_no, p.name, p.category, gap_text(p)]
                                 for n, p in enumerate(short, start=1)], font_size=8.5,
                 empty_text="（所有人员均已达到培训要求）")
    report.signature_block(("填报人", "审核人", "日期"), columns=3)
    return report.build(progress)


def short_rows(snapshot: CoverageSnapshot) -> list[list]:
    rows = []
    for p in snapshot.short:
        hired = dt.date.fromisoformat(p.hire_date) if p.hire_date else None
        for g in p.gaps:
            exam = ("已合格" if g.passed else "未合格" if g.tested else "未参加") if g.needs_pass else None
            rows.append([p.department, p.employee_no, p.name, p.category, hired, g.label,
                         g.required if g.required else None, g.attended if g.required else None,
                         g.missing if g.required else None, g.needs_pass, exam, g.text()])
    return rows


def write_coverage_xlsx(snapshot: CoverageSnapshot, path: Path | str,
                        progress: ProgressCallback | None = None) -> Path:
    """汇总, 按科室, 按培训要求, 未达标人员 (a row per person and requirement); rates as percentages."""
    target = snapshot.coverage.awareness_target
    report = XlsxReport(path, snapshot.info())
    report.table(COVERAGE_SUMMARY_COLUMNS, snapshot.summary(), sheet_title="汇总")
    report.table(DEPARTMENT_XLSX, [
        [d.department, d.people, d.complete, d.rate if d.rate is not None else "—", d.tested, d.aware,
         d.awareness if d.awareness is not None else "—",
         "—" if d.awareness is None else "达标" if d.awareness >= target else "未达标"]
        for d in snapshot.coverage.by_department], sheet_title="按科室")
    report.table(RULE_XLSX, rule_rows(snapshot, for_excel=True), sheet_title="按培训要求")
    report.table(SHORT_XLSX, short_rows(snapshot), sheet_title="未达标人员")
    return report.build(progress)


# ----------------------------------------------------------------------------- self-test


def write_selftest_sample(session, pdf: Path, xlsx: Path) -> str:
    """The self-test's printout of this module (see desktop_app/selftest.py)."""
    today = session.today()
    snapshot = coverage_snapshot(session, today.replace(month=1, day=1), today)
    write_coverage_pdf(snapshot, pdf)
    write_coverage_xlsx(snapshot, xlsx)
    return f"培训覆盖报告（{snapshot.period()}）"
