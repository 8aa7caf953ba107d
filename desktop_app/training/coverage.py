"""培训覆盖 and 个人培训档案: who has not yet met which requirement in a period, and one person's record.

Read-only; the rules deciding coverage are in :func:`coverage`'s docstring. A 科室负责人 sees the
coverage of her department (and its wards) and her people's transcripts (the scopes below).
"""
from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from desktop_app import errors
from desktop_app.accounts.permissions import action
from desktop_app.accounts.scope import department, on
from desktop_app.people.repo import department_subtree
from desktop_app.periods import date_range
from desktop_app.session import Session
from desktop_app.settings import get_setting
from desktop_app.training import repo
from desktop_app.training.manifest import TRAINING_VIEW
from desktop_app.training.models import (
    DUTY_CODE,
    DUTY_STAFF,
    NEW_STAFF,
    Coverage,
    DepartmentCoverage,
    Gap,
    PersonCoverage,
    Requirement,
    RequirementCoverage,
    in_group,
)
from desktop_app.training.service import _date

COVERAGE = department(on("department_id"), doing="查看", what="培训覆盖情况")
TRANSCRIPT = department(on("staff_id", repo.department_of_staff), doing="查看本科室人员的培训档案，即", what="人员")

# ----------------------------------------------------------------------------- coverage


def _day(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


@action(TRAINING_VIEW, scope=COVERAGE)
def coverage(session: Session, first, last, department_id: int | None = None) -> Coverage:
    """Who has not yet met which requirement in the period, per person, requirement and department.

    Decided rules:
    * The people are those employed at the period's end (or today, for a period still running);
      staff who left during the period are not counted (their number is reported as ``left``).
    * A yearly rule asks, of someone employed for only part of the period (new staff), the yearly
      number in proportion to the days employed, rounded up; a half year asks half, rounded up.
    * Sessions count when the person was signed in as present; 考核合格 is any passed attempt
      (补考 included) of an assessment of that category in the period.
    * 上岗前 rules (总值班培训) are met by a passed assessment of the category at any time up to the
      period's end (or, for 总值班, the 考核合格日期 on the staff record entered before this module).
    * 知晓率 = passed ÷ tested at the first attempt of the period's 知晓率调查 (the latest survey
      of a person counts).
    * For a 科室负责人 the sessions, attendances and first-attempt pass rate are those of her
      department (its sessions as her list shows them, its people's attendances and exams);
      otherwise the hospital's.
    """
    db = session.db
    a, b = date_range(first, last)
    first_day, last_day = dt.date.fromisoformat(a), dt.date.fromisoformat(b)
    today = session.today()
    ref = min(last_day, today).isoformat() if first_day <= today else a
    wanted: set[int] | None = None if session.reach is None else set(session.reach)
    if department_id is not None:
        wanted = department_subtree(db, department_id)
    people = [p for p in repo.employed_staff(db, ref) if wanted is None or p["department_id"] in wanted]
    left = repo.left_during(db, a, ref, wanted)
    rules = repo.requirements(db, active_only=True)
    attended = repo.attendance_counts(db, a, b)
    exams = repo.exam_outcomes(db, a, b)
    exams_ever = repo.exam_outcomes(db, None, b) if any(r.before_duty for r in rules) else {}
    duty_dates = repo.duty_passed_dates(db)
    for staff_id, day in repo.duty_dates_on_staff_records(db).items():
        if staff_id not in duty_dates or day < duty_dates[staff_id]:
            duty_dates[staff_id] = day
    duty_members = repo.duty_staff(db, a, b) if any(r.staff_group == DUTY_STAFF for r in rules) else set()
    days_in_year = 366 if calendar.isleap(last_day.year) else 365

    def applies(rule: Requirement, p) -> bool:
        if rule.staff_group == DUTY_STAFF:
            return p["id"] in duty_members
        if rule.staff_group == NEW_STAFF:
            return bool(p["hire_date"]) and a <= p["hire_date"] <= b
        return in_group(rule.staff_group, p["category"])

    persons: list[PersonCoverage] = []
    per_rule = {r.id: [0, 0] for r in rules}
    for p in people:
        start = max(first_day, _day(p["hire_date"]) or first_day)
        days = (last_day - start).days + 1
        gaps = []
        for rule in rules:
            if not applies(rule, p):
                continue
            if rule.before_duty:
                key = (p["id"], rule.category_id)
                if rule.category_code == DUTY_CODE:
                    ok = bool(duty_dates.get(p["id"])) and duty_dates[p["id"]] <= b
                else:
                    ok = exams_ever.get(key, False)
                gap = Gap(rule.id, rule.label, 0, 0, True, ok, key in exams_ever or ok)
            else:
                key = (p["id"], rule.category_id)
                gap = Gap(rule.id, rule.label, rule.required_in(days, days_in_year), attended.get(key, 0),
                          rule.must_pass, exams.get(key, False), key in exams)
            gaps.append(gap)
            per_rule[rule.id][0] += 1
            per_rule[rule.id][1] += gap.met
        persons.append(PersonCoverage(p["id"], p["employee_no"], p["name"], p["department_id"], p["department"],
                                      p["category"], p["title"], p["hire_date"], tuple(gaps)))
    awareness = repo.awareness_results(db, a, b)
    by_dept: dict[int, list] = {}
    names: dict[int, str] = {}
    for pc in persons:
        by_dept.setdefault(pc.department_id, []).append(pc)
        names[pc.department_id] = pc.department

    def summary(dept_id, label, group) -> DepartmentCoverage:
        tested = [awareness[pc.staff_id] for pc in group if pc.staff_id in awareness]
        return DepartmentCoverage(dept_id, label, len(group), sum(pc.complete for pc in group), len(tested), sum(tested))

    departments = [summary(d, names[d], group) for d, group in by_dept.items()]
    departments.append(summary(None, "全院" if department_id is None and session.reach is None else "合计", persons))
    sessions, participants = repo.session_stats(db, a, b, session.reach)
    tested, passed_first = repo.assessment_pass(db, a, b, session.reach)
    target = int(get_setting(db, "training.awareness_target")) / 100
    return Coverage(a, b, target, tuple(persons),
                    tuple(RequirementCoverage(r, *per_rule[r.id]) for r in rules), tuple(departments), left or 0,
                    sessions, participants, passed_first / tested if tested else None)


# ----------------------------------------------------------------------------- transcript


@dataclass(frozen=True)
class TranscriptLine:
    date: str
    title: str
    category: str
    hours: float
    present: bool | None
    lecturer: str | None


@dataclass(frozen=True)
class TranscriptExam:
    date: str
    title: str
    kind: str
    category: str
    attempt: int
    score: float
    full_mark: float
    passed: bool


@dataclass(frozen=True)
class Transcript:
    staff_id: int
    employee_no: str
    name: str
    department: str
    category: str
    title: str | None
    hire_date: str | None
    on_duty: bool
    sessions: tuple[TranscriptLine, ...]
    exams: tuple[TranscriptExam, ...]

    @property
    def hours(self) -> float:
        return sum(s.hours for s in self.sessions if s.present)


@action(TRAINING_VIEW, scope=TRANSCRIPT)
def transcript(session: Session, staff_id: int, first=None, last=None) -> Transcript:
    """个人培训档案: every session the person was expected at or attended, and every exam result."""
    db = session.db
    p = repo.staff_record(db, staff_id)
    if p is None:
        raise errors.NotFound("该人员不存在。")
    a = _date(first, "开始日期").isoformat() if first else "0000-01-01"
    b = _date(last, "结束日期").isoformat() if last else "9999-12-31"
    lines = [TranscriptLine(r[0], r[1], r[2], r[3], None if r[4] is None else bool(r[4]), r[5])
             for r in repo.transcript_sessions(db, staff_id, a, b)]
    exams = [TranscriptExam(r[0], r[1], r[2], r[3], r[4], r[5], r[6], bool(r[7]))
             for r in repo.transcript_exams(db, staff_id, a, b)]
    return Transcript(p["id"], p["employee_no"], p["name"], p["department"], p["category"], p["title"], p["hire_date"],
                      bool(p["on_duty"]), tuple(lines), tuple(exams))
