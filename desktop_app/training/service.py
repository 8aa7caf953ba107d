"""培训与考核: sessions with their audience (应到) and sign-in (实到), assessments with make-ups,
知晓率 surveys, requirement rules and their coverage, a person's transcript.

API (every function takes the :class:`~desktop_app.session.Session` first):

* ``list_categories`` / ``save_category(category_id|None, name, active)`` — the editable category list
  (built-in ones carry a code; 总值班培训 = ``duty`` is what the roster's qualification check reads).
* ``audience_people(audience, date)`` — who is expected (应到) for an :class:`Audience` on a date:
  staff employed that day (hired, not yet left) who are named, or belong to the departments (with
  their wards) and/or staff categories; everyone for ``Audience(everyone=True)``.
* ``save_session(values, session_id=None)`` — plan or correct a session; the expected list is
  resolved from the audience and kept (attendance already recorded for people who stay is kept).
  ``delete_session`` only while nothing has been recorded for it.
* ``record_attendance(session_id, rows)`` — ``rows``: ``{"staff_id", "present", "note"}`` for the
  expected people (absent ones with present False) and any walk-ins; refused for a date after today,
  for a person listed twice, for unknown people. One transaction, audited with the counts.
* ``record_sheet(session_id, attendance, assessment_id, scores)`` — the page's 保存: sign-in and
  one assessment's scores in one transaction.
* ``save_assessment(values, assessment_id=None)`` (考核 linked to a session or standalone, or a
  知晓率调查) and ``record_scores(assessment_id, rows)`` — ``rows``: ``{"staff_id", "score",
  "attempt"}`` (attempt 1 = first sitting, 2… = 补考, only after a failed attempt); scores from 0 to
  the full mark; passed = score ≥ pass mark. The whole list is replaced in one transaction.
* ``list_requirements`` / ``save_requirement`` — category × staff group × times a year (or before
  the first duty), with or without a passed assessment.
* :mod:`desktop_app.training.coverage` — ``coverage(first, last, department_id=None)`` (who still
  lacks what) and ``transcript(staff_id)`` (个人培训档案).

Scopes (declared with each action, see "scope" below): 科室负责人 record the training their
department organises and see it, the training their people attended, and the coverage and
transcripts of their own department (and its wards); 质控/管理员 everything; 院领导/只读 read
everything. Records change through :mod:`desktop_app.records` (one Entity per kind below).
"""
from __future__ import annotations

import datetime as dt
import json
import re

from desktop_app import errors, records
from desktop_app.accounts.permissions import action
from desktop_app.accounts.scope import HOSPITAL, department, on
from desktop_app.errors import Finding
from desktop_app.people import repo as people_repo
from desktop_app.people.repo import department_name, department_subtree
from desktop_app.periods import date_range
from desktop_app.session import Session
from desktop_app.settings import get_setting
from desktop_app.textnorm import clean_prose, clean_text, parse_date
from desktop_app.training import repo
from desktop_app.training.manifest import TRAINING_RECORD, TRAINING_SETUP, TRAINING_VIEW
from desktop_app.training.models import (
    ASSESSMENT,
    ASSESSMENT_AUDITED,
    ASSESSMENT_FIELDS,
    ASSESSMENT_KINDS,
    CATEGORY_FIELDS,
    DUTY_CODE,
    FORMS,
    REQUIREMENT_FIELDS,
    SESSION_AUDITED,
    SIGN_IN_FIELDS,
    STAFF_CATEGORIES,
    STAFF_GROUPS,
    TRAINING_FIELDS,
    Assessment,
    Audience,
    Category,
    Requirement,
    SessionRow,
    TrainingSession,
)

F, A, S, R, C = TRAINING_FIELDS, ASSESSMENT_FIELDS, SIGN_IN_FIELDS, REQUIREMENT_FIELDS, CATEGORY_FIELDS

DEFAULTS_FILE = ("training", "defaults.json")
_TIME_RE = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


def install_defaults(db, now: str | None = None) -> None:
    """Seed the categories and requirement rules (new databases and the version-5 upgrade)."""
    from desktop_app.paths import resource_path

    now = now or dt.datetime.now().strftime("%Y-%m-%d %H:%M:%S")
    data = json.loads(resource_path(*DEFAULTS_FILE).read_text(encoding="utf-8"))
    repo.install_defaults(db, data, now)


# ----------------------------------------------------------------------------- scope
# A 科室负责人 records — sessions, sign-ins, scores, imports — only the training her department (or a
# ward under it) organises: a session's 组织科室, an assessment's session's. Training no department
# organises (the hospital's own sessions, standalone assessments and 知晓率调查) is recorded by
# those who reach the whole hospital (repo.NO_DEPARTMENT). She sees the training her department
# organises and the training her people were expected at or came to (a hospital-wide session her
# nurses attended, with its whole sign-in sheet: one document), and the coverage and transcripts of
# her department's people. Categories, requirements and the staff an audience is drawn from are the
# hospital's.

ALL_TRAINING = department(what="培训")  # lists: filtered by session.reach
VIEW_SESSION = department(on("session_id", repo.session_departments, any_of=True), doing="查看", what="培训")
VIEW_ASSESSMENT = department(on("assessment_id", repo.assessment_departments, any_of=True), doing="查看",
                             what="考核")


def organised(doing: str, *targets, what: str = "培训"):
    """Recording: the training is organised by the user's department (or a ward under it). The
    refusal reads “科室负责人只能登记本科室组织的培训，即组织科室为本科室（含下属病区）的培训。”"""
    return department(*targets, doing=f"{doing}本科室组织的{what}，即组织科室为", what=what)


def _organiser_in_values(db, values: dict) -> int:
    """The 组织科室 a session's values name (none: the hospital's)."""
    return values.get("department_id") or repo.NO_DEPARTMENT


def _session_organiser_in_values(db, values: dict) -> int | None:
    """The 组织科室 of the session an assessment's values name (a standalone one: the hospital's)."""
    session_id = values.get("session_id")
    return repo.organiser_of_session(db, session_id) if session_id else repo.NO_DEPARTMENT


SESSION_ORGANISER = on("session_id", repo.organiser_of_session)
ASSESSMENT_ORGANISER = on("assessment_id", repo.organiser_of_assessment)


@action(TRAINING_VIEW, scope=ALL_TRAINING)
def reachable_departments(session: Session) -> frozenset[int] | None:
    """The departments the user's training work reaches (None: every one) — for the pages' pickers."""
    return session.reach


# ----------------------------------------------------------------------------- categories


@action(TRAINING_VIEW, scope=HOSPITAL)
def list_categories(session: Session, *, active_only: bool = False) -> list[Category]:
    return repo.categories(session.db, active_only=active_only)


CATEGORY = records.Entity(
    "training_category", "培训类别", "training_categories",
    read=lambda session, category_id: repo.category(session.db, category_id),
    audit_values=lambda c: {"name": c.name, "active": c.active}, describe=lambda c: c.name,
    field_labels=C.labels(), stamped=False)  # the table keeps updated_at only


@action(TRAINING_SETUP, scope=HOSPITAL)
def save_category(session: Session, category_id: int | None, name: str, active: bool = True) -> Category:
    db = session.db
    name = clean_text(name)
    if not name:
        raise errors.ValidationError(C.finding("name", "请填写类别名称。"))
    if repo.category_named(db, name, other_than=category_id):
        raise errors.ValidationError(C.finding("name", f"已有名为“{name}”的类别。"))
    before = repo.category(db, category_id) if category_id else None
    if category_id and before is None:
        raise errors.NotFound("该培训类别不存在。")
    if before and before.code == DUTY_CODE and not active:
        raise errors.ValidationError(C.finding("active", "“总值班培训”类别用于值班资质检查，不能停用。"))
    values = {"name": name, "active": bool(active), "updated_at": session.stamp()}
    with db.transaction():
        if before is None:
            return records.create(session, CATEGORY, {**values, "sort_order": repo.next_category_order(db)})
        return records.change(session, CATEGORY, before, values, always_audit=True)


# ----------------------------------------------------------------------------- audience


def _audience_people(db, audience: Audience, day: str) -> list:
    people = repo.employed_staff(db, day)
    if audience.everyone:
        return people
    depts: set[int] = set()
    for d in audience.departments:
        depts |= department_subtree(db, d)
    named = set(audience.staff)
    cats = set(audience.categories)

    def wanted(p) -> bool:
        if p["id"] in named:
            return True
        if not depts and not cats:
            return False
        return (not depts or p["department_id"] in depts) and (not cats or p["category"] in cats)

    return [p for p in people if wanted(p)]


def audience_label(db, audience: Audience) -> str:
    if audience.everyone:
        return "全院人员"
    parts = []
    names = [department_name(db, d) for d in audience.departments]
    cats = "、".join(audience.categories)
    if names:
        parts.append("、".join(n for n in names if n) + (f"的{cats}" if cats else ""))
    elif cats:
        parts.append(f"全院{cats}")
    if audience.staff:
        parts.append(f"指定人员 {len(audience.staff)} 人")
    return "；".join(parts)


# The staff list is everyone's (people.view): who an audience or a sample takes is not scoped.
@action(TRAINING_VIEW, scope=HOSPITAL)
def audience_people(session: Session, audience: Audience, date) -> list:
    """Rows (id, employee_no, name, department, category, title …) of the people expected on ``date``."""
    return _audience_people(session.db, audience, _date(date, "日期").isoformat())


def _date(value, field: str) -> dt.date:
    try:
        day = parse_date(value)
    except ValueError:
        raise errors.ValidationError("日期格式无法识别，请写成 2026-03-05。", field=field) from None
    if day is None:
        raise errors.ValidationError("请填写日期。", field=field)
    return day


@action(TRAINING_VIEW, scope=HOSPITAL)
def sample_people(session: Session, per_department: int, date, *, department_ids: list[int] | None = None,
                  categories: list[str] | None = None, seed: int | None = None) -> list:
    """知晓率抽考: up to ``per_department`` people drawn at random from each department (of those given,
    or all) among the staff employed on ``date`` (of the given categories, or all)."""
    import random

    if not 1 <= int(per_department) <= 100:
        raise errors.ValidationError(Finding("每个科室抽取 1–100 人。", field="per_department", label="每科室人数"))
    audience = Audience(everyone=not department_ids and not categories, departments=tuple(department_ids or ()),
                        categories=tuple(categories or ()))
    people = _audience_people(session.db, audience, _date(date, "日期").isoformat())
    by_dept: dict[int, list] = {}
    for p in people:
        by_dept.setdefault(p["department_id"], []).append(p)
    rng = random.Random(seed)
    chosen = []
    for group in by_dept.values():
        chosen += rng.sample(group, min(len(group), int(per_department)))
    return chosen


# ----------------------------------------------------------------------------- sessions


def _clean_session(db, values: dict) -> tuple[dict, Audience, list[Finding]]:
    f: list[Finding] = []
    title = clean_text(values.get("title"))
    if not title:
        f.append(F.finding("title", "请填写培训主题，例如“医疗质量安全核心制度培训（一）”。"))
    category_id = values.get("category_id")
    if not category_id or repo.category(db, category_id) is None:
        f.append(F.finding("category", "请选择培训类别。"))
    day = None
    try:
        day = parse_date(values.get("date"))
        if day is None:
            f.append(F.finding("date", "请填写培训日期。"))
    except ValueError:
        f.append(F.finding("date", "日期格式无法识别，请写成 2026-03-05。"))
    times = {}
    for key in ("starts", "ends"):
        text = clean_text(values.get(key)).replace("：", ":")
        if re.fullmatch(r"\d:\d\d", text):
            text = "0" + text
        if text and not _TIME_RE.match(text):
            f.append(F.finding(key, "时间请写成 14:30 这样的 24 小时制。"))
        times[key] = text or None
    if times["starts"] and times["ends"] and times["ends"] <= times["starts"] and _TIME_RE.match(times["ends"] or ""):
        f.append(F.finding("ends", "结束时间应晚于开始时间。"))
    try:
        hours = float(clean_text(values.get("hours")) or 0)
        if not 0 <= hours <= 100:
            raise ValueError
    except ValueError:
        hours = 0
        f.append(F.finding("hours", "学时须为 0–100 之间的数，例如 2 或 1.5。"))
    form = clean_text(values.get("form")) or "集中"
    if form not in FORMS:
        f.append(F.finding("form", "形式须为：" + "、".join(FORMS) + "。"))
    department_id = values.get("department_id")
    if department_id and not people_repo.department_exists(db, department_id):
        f.append(F.finding("department", "组织科室不存在。"))
    audience = values.get("audience") or Audience()
    if isinstance(audience, dict):
        audience = Audience.from_json(audience)
    bad_cats = [c for c in audience.categories if c not in STAFF_CATEGORIES]
    if bad_cats:
        f.append(F.finding("audience", "人员类别须为：" + "、".join(STAFF_CATEGORIES) + "。"))
    if not (audience.everyone or audience.departments or audience.categories or audience.staff):
        f.append(F.finding("audience", "请选择培训对象：全院人员，或科室、人员类别、指定人员。"))
    clean = {"title": title, "category_id": category_id, "content": clean_prose(values.get("content")),
             "date": day.isoformat() if day else None, **times, "place": clean_text(values.get("place")) or None,
             "lecturer": clean_text(values.get("lecturer")) or None,
             "lecturer_title": clean_text(values.get("lecturer_title")) or None, "department_id": department_id or None,
             "hours": hours, "form": form, "audience_json": json.dumps(audience.to_json(), ensure_ascii=False),
             "notes": clean_prose(values.get("notes"))}
    return clean, audience, f


def _read_session(session: Session, session_id: int) -> TrainingSession | None:
    """The session without its people (what the audit log compares)."""
    row = repo.session_record(session.db, session_id)
    return repo.session(session.db, row, with_people=False) if row else None


def _session_audit_values(s: TrainingSession) -> dict:
    shown = {"time": "–".join(t for t in (s.starts, s.ends) if t) or None,
             "lecturer": " ".join(x for x in (s.lecturer, s.lecturer_title) if x) or None,
             "audience": s.audience_label}
    return {k: shown[k] if k in shown else getattr(s, k) for k in SESSION_AUDITED}


SESSION = records.Entity("training", "培训", "training_sessions", read=_read_session,
                         audit_values=_session_audit_values, describe=lambda s: f"{s.date} {s.title}",
                         field_labels=F.labels())


@action(TRAINING_RECORD, scope=organised("登记", on("values", _organiser_in_values), SESSION_ORGANISER))
def save_session(session: Session, values: dict, session_id: int | None = None) -> TrainingSession:
    """Plan a session (or correct one): its details and audience; 应到 is resolved and stored."""
    db = session.db
    before = _read_session(session, session_id) if session_id else None
    if session_id and before is None:
        raise errors.NotFound("该培训记录不存在，可能已被删除。")
    clean, audience, f = _clean_session(db, values)
    if f:
        raise errors.ValidationError(f)
    clean["audience_label"] = audience_label(db, audience)
    people = [p["id"] for p in _audience_people(db, audience, clean["date"])]
    if not people:
        raise errors.ValidationError(F.finding("audience", f"按所选培训对象，{clean['date']} 没有在岗人员，请检查科室和人员类别。"))
    with db.transaction():
        if before is None:
            saved = records.create(session, SESSION, {**clean, "created_by": session.actor.display_name},
                                   then=lambda new_id: repo.set_expected(db, new_id, people))
        else:
            repo.set_expected(db, session_id, people)  # before the change: its audit row compares 应到 too
            saved = records.change(session, SESSION, before, clean, always_audit=True)
    return get_session(session, saved.id)


@action(TRAINING_RECORD, scope=organised("删除", SESSION_ORGANISER))
def delete_session(session: Session, session_id: int) -> None:
    db = session.db
    before = _read_session(session, session_id)
    if before is None:
        raise errors.NotFound("该培训记录不存在，可能已被删除。")
    if before.attendance_recorded or repo.session_has_results(db, session_id):
        raise errors.Conflict(f"“{before.title}”已登记签到或考核成绩，不能删除；如有错误请修改培训信息或签到情况。")
    with db.transaction():
        records.remove(session, SESSION, before)


@action(TRAINING_VIEW, scope=ALL_TRAINING)
def list_sessions(session: Session, first, last, *, category_id: int | None = None, department_id: int | None = None,
                  text: str | None = None) -> list[SessionRow]:
    a, b = date_range(first, last)
    return repo.session_rows(session.db, first=a, last=b, category_id=category_id, department_id=department_id,
                             text=clean_text(text) or None, within=session.reach)


@action(TRAINING_VIEW, scope=VIEW_SESSION)
def get_session(session: Session, session_id: int) -> TrainingSession:
    row = repo.session_record(session.db, session_id)
    if row is None:
        raise errors.NotFound("该培训记录不存在，可能已被删除。")
    return repo.session(session.db, row)


# ----------------------------------------------------------------------------- attendance


@action(TRAINING_RECORD, scope=organised("登记", SESSION_ORGANISER))
def record_attendance(session: Session, session_id: int, rows: list[dict]) -> TrainingSession:
    """Sign-in: every expected person present or absent (with a note), plus people who came unplanned."""
    db = session.db
    before = _read_session(session, session_id)
    if before is None:
        raise errors.NotFound("该培训记录不存在，可能已被删除。")
    if before.date > session.today().isoformat():
        raise errors.ValidationError(F.finding("date", f"培训日期（{before.date}）在今天之后，还不能登记签到。"
                                                       "请在培训结束后登记，或先修改培训日期。"))
    expected = {a.staff_id: a for a in repo.attendees(db, session_id) if a.expected}
    people = repo.staff_rows(db, [r.get("staff_id") for r in rows if r.get("staff_id")])
    f: list[Finding] = []
    marks: dict[int, tuple[bool, bool, str | None]] = {}
    for i, r in enumerate(rows, 1):
        staff_id = r.get("staff_id")
        person = people.get(staff_id)
        if person is None:
            f.append(S.finding("present", f"第 {i} 行：查无此人（人员编号 {staff_id}）。", row=i))
            continue
        if staff_id in marks:
            f.append(S.finding("present", f"{person['name']}（{person['employee_no']}）签到了两次，请删去重复的一行。", row=i))
            continue
        present = bool(r.get("present"))
        if staff_id not in expected and not present:
            continue  # someone not expected who did not come: nothing to record
        marks[staff_id] = (staff_id in expected, present, clean_prose(r.get("note")))
    if f:
        raise errors.ValidationError(f)
    for staff_id in expected:  # an expected person left out of the list is recorded as absent
        marks.setdefault(staff_id, (True, False, None))
    present_ids = [s for s, (_e, p, _n) in marks.items() if p]
    absent = [expected[s].name for s, (e, p, _n) in marks.items() if e and not p]
    walk_ins = [people[s]["name"] for s, (e, p, _n) in marks.items() if p and not e]
    with db.transaction():
        repo.save_attendance(db, session_id, marks, session.stamp())
        records.event(session, SESSION, before,
                      before={"present": before.present} if before.attendance_recorded else None,
                      after={"expected": len(expected), "present": len(present_ids),
                             "absent": "、".join(absent[:50]) + (f" 等 {len(absent)} 人" if len(absent) > 50 else "")
                             or None, "walk_ins": "、".join(walk_ins) or None})
    return get_session(session, session_id)


# ----------------------------------------------------------------------------- assessments


def _clean_assessment(db, values: dict) -> tuple[dict, list[Finding]]:
    f: list[Finding] = []
    session_id = values.get("session_id") or None
    linked = repo.session_record(db, session_id) if session_id else None
    if session_id and linked is None:
        f.append(A.finding("session", "所属培训不存在。"))
    kind = clean_text(values.get("kind")) or ASSESSMENT
    if kind not in ASSESSMENT_KINDS:
        f.append(A.finding("kind", "类型须为考核或知晓率调查。"))
    title = clean_text(values.get("title")) or (f"{linked['title']}考核" if linked else "")
    if not title:
        f.append(A.finding("title", "请填写考核名称。"))
    category_id = values.get("category_id") or (linked["category_id"] if linked else None)
    if not category_id or repo.category(db, category_id) is None:
        f.append(A.finding("category", "请选择考核类别。"))
    day = None
    try:
        day = parse_date(values.get("date") or (linked["date"] if linked else None))
        if day is None:
            f.append(A.finding("date", "请填写考核日期。"))
    except ValueError:
        f.append(A.finding("date", "日期格式无法识别，请写成 2026-03-05。"))
    marks = {}
    for key, default in (("full_mark", 100), ("pass_mark", None)):
        raw = values.get(key)
        try:
            marks[key] = float(default if raw in (None, "") and default is not None else raw
                               if raw not in (None, "") else get_setting(db, "training.pass_mark"))
        except (TypeError, ValueError):
            marks[key] = None
            f.append(A.finding(key, f"{A.label(key)}须为数字。"))
    if marks.get("full_mark") is not None and not 0 < marks["full_mark"] <= 1000:
        f.append(A.finding("full_mark", "满分须大于 0（常用 100）。"))
    elif None not in marks.values() and not 0 <= marks["pass_mark"] <= marks["full_mark"]:
        f.append(A.finding("pass_mark", f"合格分须在 0 到满分 {marks['full_mark']:g} 之间。"))
    return {"session_id": session_id, "kind": kind, "title": title, "category_id": category_id,
            "date": day.isoformat() if day else None, **marks, "notes": clean_prose(values.get("notes"))}, f


def _read_assessment(session: Session, assessment_id: int) -> Assessment | None:
    """The assessment without its results (what the audit log compares)."""
    row = repo.assessment_record(session.db, assessment_id)
    return repo._assessment(row) if row else None


ASSESSMENT_RECORD = records.Entity(
    "assessment", "考核", "assessments", read=_read_assessment,
    audit_values=lambda a: {k: getattr(a, k) for k in ASSESSMENT_AUDITED}, describe=lambda a: f"{a.date} {a.title}",
    field_labels=A.labels())


@action(TRAINING_RECORD, scope=organised("登记", on("values", _session_organiser_in_values), ASSESSMENT_ORGANISER,
                                          what="培训的考核"))
def save_assessment(session: Session, values: dict, assessment_id: int | None = None) -> Assessment:
    db = session.db
    before = _read_assessment(session, assessment_id) if assessment_id else None
    if assessment_id and before is None:
        raise errors.NotFound("该考核不存在，可能已被删除。")
    clean, f = _clean_assessment(db, values)
    if f:
        raise errors.ValidationError(f)
    if before is not None and repo.has_results(db, assessment_id) \
            and (clean["pass_mark"], clean["full_mark"]) != (before.pass_mark, before.full_mark):
        raise errors.ValidationError(A.finding("pass_mark", "已登记成绩的考核不能再改满分或合格分（合格与否按登记时的标准）。"))
    with db.transaction():
        if before is None:
            saved = records.create(session, ASSESSMENT_RECORD, {**clean, "created_by": session.actor.display_name})
        else:
            saved = records.change(session, ASSESSMENT_RECORD, before, clean, always_audit=True)
    return get_assessment(session, saved.id)


@action(TRAINING_VIEW, scope=VIEW_ASSESSMENT)
def get_assessment(session: Session, assessment_id: int) -> Assessment:
    from dataclasses import replace

    found = _read_assessment(session, assessment_id)
    if found is None:
        raise errors.NotFound("该考核不存在，可能已被删除。")
    return replace(found, results=tuple(repo.results(session.db, assessment_id)))


@action(TRAINING_VIEW, scope=ALL_TRAINING)
def list_assessments(session: Session, first, last, *, kind: str | None = None,
                     standalone: bool = False) -> list[Assessment]:
    a, b = date_range(first, last)
    return repo.assessment_rows(session.db, first=a, last=b, kind=kind, standalone=standalone, within=session.reach)


def _score(value) -> float | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    text = clean_text(value).replace("分", "")
    try:
        return float(text)
    except ValueError:
        return None


@action(TRAINING_RECORD, scope=organised("登记", ASSESSMENT_ORGANISER, what="培训的考核"))
def record_scores(session: Session, assessment_id: int, rows: list[dict]) -> Assessment:
    """The assessment's whole result list: each row ``{"staff_id", "score", "attempt"}`` (blank scores
    skipped), a 补考 row optionally with its ``"date"``.

    A first attempt is dated the day of the assessment. A 补考 is dated as given, else as already
    recorded, else today (the day its score is entered): the 总值班 qualification counts from the
    day the exam was actually passed."""
    db = session.db
    head = _read_assessment(session, assessment_id)
    if head is None:
        raise errors.NotFound("该考核不存在，可能已被删除。")
    if head.date > session.today().isoformat():
        raise errors.ValidationError(A.finding("date", f"考核日期（{head.date}）在今天之后，还不能登记成绩。"))
    people = repo.staff_rows(db, [r.get("staff_id") for r in rows if r.get("staff_id")])
    recorded = {(r.staff_id, r.attempt): r.date for r in repo.results(db, assessment_id)}
    today = session.today().isoformat()
    full, pass_mark = head.full_mark, head.pass_mark
    f: list[Finding] = []
    seen: dict[tuple[int, int], int] = {}
    clean: list[tuple[int, int, float, bool, str]] = []
    for i, r in enumerate(rows, 1):
        if r.get("score") in (None, ""):
            continue
        person = people.get(r.get("staff_id"))
        if person is None:
            f.append(S.finding("score", f"第 {i} 行：查无此人（人员编号 {r.get('staff_id')}）。", row=i))
            continue
        who = f"{person['name']}（{person['employee_no']}）"
        score = _score(r.get("score"))
        try:
            attempt = int(r.get("attempt") or 1)
        except (TypeError, ValueError, OverflowError):
            attempt = 0
        if attempt < 1:
            f.append(S.finding("make_up", f"第 {i} 行 {who}：第几次考试须为 1（首次）或 2、3（补考）。", row=i))
            continue
        if score is None:
            f.append(S.finding("score", f"第 {i} 行 {who}：成绩“{r.get('score')}”不是数字。", row=i))
            continue
        if not 0 <= score <= full:
            f.append(S.finding("score", f"第 {i} 行 {who}：成绩 {score:g} 超出 0–{full:g} 分。", row=i))
            continue
        key = (person["id"], attempt)
        if key in seen:
            f.append(S.finding("score", f"第 {i} 行 {who}：与第 {seen[key]} 行重复（同一次考试只能有一个成绩）。", row=i))
            continue
        seen[key] = i
        day = head.date
        if attempt > 1:
            try:
                given = parse_date(r.get("date"))
            except ValueError:
                f.append(S.finding("make_up_date", f"第 {i} 行 {who}：补考日期“{r.get('date')}”无法识别，请写成 2026-03-05。",
                                   row=i))
                continue
            day = given.isoformat() if given else recorded.get(key) or today
            if not head.date <= day <= today:
                f.append(S.finding("make_up_date", f"第 {i} 行 {who}：补考日期 {day} 须在考核日期 {head.date} 与今天之间。",
                                   row=i))
                continue
        clean.append((person["id"], attempt, score, score >= pass_mark, day))
    by_person: dict[int, dict[int, tuple[bool, str]]] = {}
    for staff_id, attempt, _s, passed, day in clean:
        by_person.setdefault(staff_id, {})[attempt] = (passed, day)
    for staff_id, attempts in by_person.items():
        for attempt in sorted(attempts):
            if attempt == 1:
                continue
            p = people[staff_id]
            before = attempts.get(attempt - 1)
            if before is None or before[0]:
                why = "没有上一次的成绩" if before is None else "上一次已合格"
                f.append(S.finding("make_up", f"{p['name']}（{p['employee_no']}）第 {attempt} 次考试（补考）：{why}，"
                                              "补考只适用于上一次未合格的人员。", row=seen[(staff_id, attempt)]))
            elif attempts[attempt][1] < before[1]:
                f.append(S.finding("make_up_date", f"{p['name']}（{p['employee_no']}）第 {attempt} 次考试（补考）日期 "
                                                   f"{attempts[attempt][1]} 早于上一次考试（{before[1]}）。",
                                   row=seen[(staff_id, attempt)]))
    if f:
        raise errors.ValidationError(f)
    with db.transaction():
        repo.replace_results(db, assessment_id, clean)
        after = _read_assessment(session, assessment_id)
        records.event(session, ASSESSMENT_RECORD, after,
                      before={"tested": head.tested, "passed": head.passed_final} if recorded else None,
                      after={"tested": after.tested, "passed": after.passed_final,
                             "make_up": sum(1 for r in clean if r[1] > 1) or None,
                             "results": "；".join(f"{people[s]['name']} {sc:g}" + (f"（补考{a - 1}）" if a > 1 else "")
                                                 for s, a, sc, _p, _d in clean[:200])})
    return get_assessment(session, assessment_id)


@action(TRAINING_RECORD, scope=organised("删除", ASSESSMENT_ORGANISER, what="培训的考核"))
def delete_assessment(session: Session, assessment_id: int) -> None:
    before = _read_assessment(session, assessment_id)
    if before is None:
        raise errors.NotFound("该考核不存在，可能已被删除。")
    if before.tested:
        raise errors.Conflict(f"“{before.title}”已登记 {before.tested} 人的成绩，不能删除。")
    with session.db.transaction():
        records.remove(session, ASSESSMENT_RECORD, before)


@action(TRAINING_RECORD, scope=organised("登记", SESSION_ORGANISER))
def record_sheet(session: Session, session_id: int, attendance: list[dict], assessment_id: int | None = None,
                 scores: list[dict] | None = None) -> TrainingSession:
    """签到 and the scores of one of the session's assessments, saved together: both or neither."""
    if assessment_id is not None:
        head = repo.assessment_record(session.db, assessment_id)
        if head is None or head["session_id"] != session_id:
            raise errors.NotFound("该考核不属于这次培训，请重新选择。")
    with session.db.transaction():
        record_attendance(session, session_id, attendance)
        if assessment_id is not None:
            record_scores(session, assessment_id, scores or [])
    return get_session(session, session_id)


# ----------------------------------------------------------------------------- requirements


@action(TRAINING_VIEW, scope=HOSPITAL)
def list_requirements(session: Session, *, active_only: bool = False) -> list[Requirement]:
    return repo.requirements(session.db, active_only=active_only)


REQUIREMENT = records.Entity(
    "training_requirement", "培训要求", "training_requirements",
    read=lambda session, requirement_id: repo.requirement(session.db, requirement_id),
    audit_values=lambda r: {"rule": r.label, "active": r.active, "notes": r.notes}, describe=lambda r: r.label,
    field_labels=R.labels(), stamped=False)  # the table keeps updated_at only


@action(TRAINING_SETUP, scope=HOSPITAL)
def save_requirement(session: Session, values: dict, requirement_id: int | None = None) -> Requirement:
    db = session.db
    f: list[Finding] = []
    category_id = values.get("category_id")
    if not category_id or repo.category(db, category_id) is None:
        f.append(R.finding("category", "请选择培训类别。"))
    group = clean_text(values.get("staff_group"))
    if group not in STAFF_GROUPS:
        f.append(R.finding("staff_group", "人员范围须为：" + "、".join(STAFF_GROUPS) + "。"))
    before_duty = bool(values.get("before_duty"))
    times = values.get("times_per_year")
    if before_duty:
        times = None
    else:
        try:
            times = int(clean_text(times))
            if not 1 <= times <= 52:
                raise ValueError
        except ValueError:
            f.append(R.finding("times_per_year", "每年次数须为 1–52 的整数（或选择“上岗前”）。"))
    if f:
        raise errors.ValidationError(f)
    clean = {"category_id": category_id, "staff_group": group, "times_per_year": times, "before_duty": before_duty,
             "must_pass": bool(values.get("must_pass")), "active": values.get("active", True) is not False,
             "notes": clean_prose(values.get("notes")), "updated_at": session.stamp()}
    before = repo.requirement(db, requirement_id) if requirement_id else None
    if requirement_id and before is None:
        raise errors.NotFound("该培训要求不存在。")
    with db.transaction():
        if before is None:
            return records.create(session, REQUIREMENT, clean)
        return records.change(session, REQUIREMENT, before, clean, always_audit=True)
