"""培训覆盖 and 个人培训档案: who has not yet met which requirement in a period, and one person's record.

Read-only; the rules deciding coverage are in :func:`coverage`'s docstring.
"""
from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from desktop_app import errors
from desktop_app.accounts.permissions import action
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
from desktop_app.training.service import _date, _scope

# ----------------------------------------------------------------------------- coverage


def _day(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


@action(TRAINING_VIEW)
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
    """
    db = session.db
    a, b = date_range(first, last)
    first_day, last_day = dt.date.fromisoformat(a), dt.date.fromisoformat(b)
    today = session.today()
    ref = min(last_day, today).isoformat() if first_day <= today else a
    scope = _scope(session)
    wanted: set[int] | None = scope
    if department_id is not None:
        sub = department_subtree(db, department_id)
        if scope is not None and department_id not in scope:
            raise errors.PermissionDenied("科室负责人只能查看本科室的培训覆盖情况。")
        wanted = sub
    people = [p for p in repo.employed_staff(db, ref) if wanted is None or p["department_id"] in wanted]
    left = db.scalar("SELECT count(*) FROM staff WHERE leave_date >= ? AND leave_date <= ?" +
                     ("" if wanted is None else f" AND department_id IN ({', '.join('?' * len(wanted))})"),
                     [a, ref, *sorted(wanted or [])])
    rules = repo.requirements(db, active_only=True)
    attended = repo.attendance_counts(db, a, b)
    exams = repo.exam_outcomes(db, a, b)
    exams_ever = repo.exam_outcomes(db, None, b) if any(r.before_duty for r in rules) else {}
    duty_dates = repo.duty_passed_dates(db)
    for r in db.execute("SELECT id, duty_training_passed_on FROM staff WHERE duty_training_passed_on IS NOT NULL"):
        if r[0] not in duty_dates or r[1] < duty_dates[r[0]]:
            duty_dates[r[0]] = r[1]
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
    departments.append(summary(None, "全院" if department_id is None and scope is None else "合计", persons))
    sessions, participants = repo.session_stats(db, a, b)
    tested, passed_first = repo.assessment_pass(db, a, b)
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


@action(TRAINING_VIEW)
def transcript(session: Session, staff_id: int, first=None, last=None) -> Transcript:
    """个人培训档案: every session the person was expected at or attended, and every exam result."""
    db = session.db
    p = db.query_one("SELECT s.*, d.name AS department FROM staff s JOIN departments d ON d.id = s.department_id"
                     " WHERE s.id = ?", (staff_id,))
    if p is None:
        raise errors.NotFound("该人员不存在。")
    scope = _scope(session)
    if scope is not None and p["department_id"] not in scope:
        raise errors.PermissionDenied("科室负责人只能查看本科室人员的培训档案。")
    a = _date(first, "开始日期").isoformat() if first else "0000-01-01"
    b = _date(last, "结束日期").isoformat() if last else "9999-12-31"
    lines = [TranscriptLine(r[0], r[1], r[2], r[3], None if r[4] is None else bool(r[4]), r[5]) for r in db.execute(
        "SELECT t.date, t.title, c.name, t.hours, a.present, t.lecturer FROM training_attendees a"
        " JOIN training_sessions t ON t.id = a.session_id JOIN training_categories c ON c.id = t.category_id"
        " WHERE a.staff_id = ? AND t.date >= ? AND t.date <= ? ORDER BY t.date, t.starts", (staff_id, a, b))]
    exams = [TranscriptExam(r[0], r[1], r[2], r[3], r[4], r[5], r[6], bool(r[7])) for r in db.execute(
        "SELECT a.date, a.title, a.kind, c.name, r.attempt, r.score, a.full_mark, r.passed FROM assessment_results r"
        " JOIN assessments a ON a.id = r.assessment_id JOIN training_categories c ON c.id = a.category_id"
        " WHERE r.staff_id = ? AND a.date >= ? AND a.date <= ? ORDER BY a.date, a.id, r.attempt", (staff_id, a, b))]
    return Transcript(p["id"], p["employee_no"], p["name"], p["department"], p["category"], p["title"], p["hire_date"],
                      bool(p["on_duty"]), tuple(lines), tuple(exams))
