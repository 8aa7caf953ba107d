"""值班表: setting up posts and shifts, planning a month, publishing it, and recording swaps.

A month is a draft until published; planners assign and remove people freely (each change is
audited, and the violations it causes are returned at once so the page shows them live).
Publishing with violations needs an explicit confirmation that is recorded. A published month
is frozen: 换班 and 替班 are recorded as revisions with the reason, who asked and who approved,
and each raises the month's version.

Scope (declared with each action, checked in desktop_app/accounts/scope.py): the published roster,
its posts and the calendar are the whole hospital's (值班表全院公开); posts and holidays are set up
by 质控/医务科. A 科室负责人 plans (drafts, imports, revisions) only the posts of their department and
its wards — a post without a department (医院总值班 …) is the hospital's. An unpublished draft is
shown only to those who plan it: a 科室负责人 sees the draft of their own posts.
"""
from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass

from desktop_app import errors, records
from desktop_app.accounts.permissions import action
from desktop_app.accounts.scope import HOSPITAL, department, on
from desktop_app.errors import Finding
from desktop_app.people import repo as people_repo
from desktop_app.people.models import STAFF_CATEGORIES, TITLE_RANK_LABELS
from desktop_app.people.repo import department_name, department_subtree
from desktop_app.roster import repo, rules
from desktop_app.roster.manifest import ROSTER_PLAN, ROSTER_PUBLISH, ROSTER_REVISE, ROSTER_SETUP, ROSTER_VIEW
from desktop_app.roster.models import (
    CHIEF_KINDS,
    COVER,
    DRAFT,
    POST_FIELDS,
    POST_KINDS,
    PUBLISHED,
    ROSTER_FIELDS,
    SHIFT_FIELDS,
    SWAP,
    Post,
    Revision,
    RosterMonth,
    Shift,
    StaffInfo,
    month_bounds,
    month_days,
)
from desktop_app.roster.rules import RosterData, Tally, Violation
from desktop_app.session import Session
from desktop_app.settings import get_setting
from desktop_app.textnorm import clean_prose, clean_text, parse_date

P, S, R = POST_FIELDS, SHIFT_FIELDS, ROSTER_FIELDS

_TIME_RE = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
_MONTH_RE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


class NeedsConfirmation(errors.UserError):
    """The action would leave rule violations; the caller must confirm explicitly."""

    title = "存在违反值班规则的情况"

    def __init__(self, message: str, violations: list[Violation]):
        super().__init__(message)
        self.violations = violations


# ----------------------------------------------------------------------------- helpers


def _rule_settings(db) -> dict:
    return {"max_nights": int(get_setting(db, "roster.max_consecutive_nights")),
            "min_rest_hours": int(get_setting(db, "roster.min_rest_hours"))}


def _load(session: Session, first: dt.date, last: dt.date) -> RosterData:
    return repo.load(session.db, first, last, **_rule_settings(session.db))


def _check_month_text(month: str) -> str:
    month = clean_text(month)
    if not _MONTH_RE.match(month):
        raise errors.ValidationError(R.finding("month", f"月份“{month}”不正确，请写成 2026-12。"))
    return month


# ----------------------------------------------------------------------------- scope
# Planning reaches the posts of the user's departments (session.reach; None: every post). A single
# duty, post or revision names its post's department (repo.WHOLE_HOSPITAL for a hospital-wide post,
# in nobody's reach); a bulk step works on the posts within reach.


def planning_scope(*targets):
    return department(*targets, doing="安排", what="值班")


PLANNING = planning_scope()  # lists and bulk steps: the posts within reach
ON_SHIFT = on("shift_id", repo.department_of_shift)
# Reading: the published roster is everyone's; a draft's duties only its planners' (see seen_violations).
VIEWING = department(doing="查看", what="值班")


def within_reach(session: Session, posts) -> set[int] | None:
    """The ids of ``posts`` within the user's reach (None: every post)."""
    if session.reach is None:
        return None
    return {p.id for p in posts if p.department_id in session.reach}


def _draft_posts(session: Session, posts) -> set[int] | None:
    """The posts whose draft duties the user may see: those she plans (None: all of them)."""
    if not session.actor.can(ROSTER_PLAN):
        return set()
    return within_reach(session, posts)


def _refuse_unpublished(session: Session, record: RosterMonth) -> None:
    if record.status != PUBLISHED and not session.actor.can(ROSTER_PLAN):
        raise errors.PermissionDenied(f"{record.month} 的值班表尚未发布。发布后全院可见。")


def _concerning(violations: list[Violation], data: RosterData, post_ids: set[int]) -> set[Violation]:
    """The violations on the posts ``post_ids`` and those of the people on duty there."""
    shifts = {s.id for s in data.shifts.values() if s.post_id in post_ids}
    first, last = data.first.isoformat(), data.last.isoformat()
    people = {a.staff_id for a in data.assignments if a.shift_id in shifts and first <= a.date <= last}
    return {v for v in violations if v.post_id in post_ids or v.staff_id in people}


def seen_violations(session: Session, violations: list[Violation], data: RosterData) -> list[Violation]:
    """What the user may see of ``violations``: all of a published month's; of a draft month's,
    those of the posts she plans and of their people."""
    known = repo.months(session.db, data.first.strftime("%Y-%m"), data.last.strftime("%Y-%m"))
    drafts = {m for m in {v.date[:7] for v in violations} if m not in known or known[m].status != PUBLISHED}
    plannable = _draft_posts(session, data.posts.values()) if drafts else None
    if plannable is None:
        return violations
    kept = _concerning(violations, data, plannable)
    return [v for v in violations if v.date[:7] not in drafts or v in kept]


def _shift_or_fail(session: Session, shift_id: int) -> tuple[Post, Shift]:
    for post in repo.posts(session.db):
        for shift in post.shifts:
            if shift.id == shift_id:
                return post, shift
    raise errors.NotFound("该班次不存在，可能已被删除。")


def _staff_label(db, staff_id: int) -> str:
    return repo.staff_label(db, staff_id)


# ----------------------------------------------------------------------------- the records


def _yes(flag: bool) -> str:
    return "是" if flag else "否"


def _post_audit_values(post: Post) -> dict:
    return {"name": post.name, "kind": post.kind, "group_name": post.group_name, "department_id": post.department_name,
            "duties": post.duties, "required_category": post.required_category,
            "min_title_rank": TITLE_RANK_LABELS[post.min_title_rank],
            "licence_required": _yes(post.licence_required),
            "duty_training_required": _yes(post.duty_training_required),
            "headcount": post.headcount, "active": _yes(post.active)}


def _shift_audit_values(shift: Shift) -> dict:
    return {"name": shift.name, "starts": shift.starts, "ends": shift.ends, "on_workdays": _yes(shift.on_workdays),
            "on_weekends": _yes(shift.on_weekends), "on_holidays": _yes(shift.on_holidays),
            "active": _yes(shift.active)}


DUTY_POST = records.Entity(
    "duty_post", "值班岗位", "duty_posts", read=lambda session, post_id: repo.post(session.db, post_id),
    audit_values=_post_audit_values, describe=lambda post: post.name, field_labels=P.labels())
DUTY_SHIFT = records.Entity(
    "duty_shift", "值班班次", "duty_shifts", read=lambda session, shift_id: repo.shift(session.db, shift_id),
    audit_values=_shift_audit_values, describe=lambda shift: f"{shift.post_name} {shift.name}",
    field_labels=S.labels(), stamped=False)
# A month's roster: its status and version are its own fields; each planning step (a duty put on or
# taken off, a bulk step, a revision) is an event of the month in the audit log.
ROSTER_MONTH = records.Entity(
    "roster", "值班表", "roster_months", read=lambda session, month_id: repo.month_by_id(session.db, month_id),
    audit_values=lambda month: {"status": month.status, "version": month.version},
    describe=lambda month: f"{month.month} 值班表", field_labels=R.labels())


# ----------------------------------------------------------------------------- posts and shifts
# Posts, their shifts and rotation lists are the hospital's, set up by 质控/医务科 and read by everyone.


@action(ROSTER_VIEW, scope=HOSPITAL)
def list_posts(session: Session, *, include_inactive: bool = False) -> list[Post]:
    return repo.posts(session.db, include_inactive=include_inactive)


@action(ROSTER_VIEW, scope=HOSPITAL)
def post_groups(session: Session) -> list[str]:
    return list(dict.fromkeys(p.group_name for p in repo.posts(session.db, include_inactive=False)))


def _validate_post(db, values: dict, post_id: int | None) -> tuple[dict, list[Finding]]:
    f: list[Finding] = []
    kind = clean_text(values.get("kind")) or "其他"
    c = {
        "name": clean_text(values.get("name")), "kind": kind,
        "group_name": clean_text(values.get("group_name")) or "其他",
        "department_id": values.get("department_id"), "duties": clean_prose(values.get("duties")),
        "required_category": clean_text(values.get("required_category")) or None,
        "min_title_rank": values.get("min_title_rank") or 0,
        "licence_required": bool(values.get("licence_required")),
        "duty_training_required": bool(values.get("duty_training_required", kind in CHIEF_KINDS)),
        "headcount": 1 if values.get("headcount") is None else values.get("headcount"),
        "sort_order": values.get("sort_order") or 0,
        "active": True if values.get("active") is None else bool(values.get("active")),
    }
    if not c["name"]:
        f.append(P.finding("name", "请填写岗位名称，例如“内科一线”。"))
    elif repo.post_name_taken(db, c["name"], post_id):
        f.append(P.finding("name", f"已有名为“{c['name']}”的岗位。"))
    if kind not in POST_KINDS:
        f.append(P.finding("kind", "岗位类型须为：" + "、".join(POST_KINDS) + "。"))
    if c["department_id"] is not None and not people_repo.department_exists(db, c["department_id"]):
        f.append(P.finding("department_id", "所选科室不存在。"))
    if c["required_category"] and c["required_category"] not in STAFF_CATEGORIES:
        f.append(P.finding("required_category", "人员类别须为：" + "、".join(STAFF_CATEGORIES) + "。"))
    try:
        c["min_title_rank"] = int(c["min_title_rank"])
        if c["min_title_rank"] not in TITLE_RANK_LABELS:
            raise ValueError
    except (TypeError, ValueError, OverflowError):
        f.append(P.finding("min_title_rank", "最低职称须为：" + "、".join(TITLE_RANK_LABELS.values()) + "。"))
    try:
        c["headcount"] = int(c["headcount"])
        if not 1 <= c["headcount"] <= 20:
            raise ValueError
    except (TypeError, ValueError, OverflowError):
        f.append(P.finding("headcount", "每班人数须为 1–20。"))
    return c, f


def _post(db, post_id: int) -> Post:
    found = repo.post(db, post_id)
    if found is None:
        raise errors.NotFound("该值班岗位不存在，可能已被删除。")
    return found


@action(ROSTER_SETUP, scope=HOSPITAL)
def save_post(session: Session, values: dict, post_id: int | None = None) -> Post:
    """Create or change a duty post (its qualification, headcount, group …)."""
    db = session.db
    before = _post(db, post_id) if post_id else None
    if before:
        values = {**_post_values(before), **values}
    c, findings = _validate_post(db, values, post_id)
    if findings:
        raise errors.ValidationError(findings)
    with db.transaction():
        if before is None:
            return records.create(session, DUTY_POST, c)
        return records.change(session, DUTY_POST, before, c)


def _post_values(post: Post) -> dict:
    """A post's stored values, as save_post takes them."""
    return {"name": post.name, "kind": post.kind, "group_name": post.group_name, "department_id": post.department_id,
            "duties": post.duties, "required_category": post.required_category,
            "min_title_rank": post.min_title_rank, "licence_required": post.licence_required,
            "duty_training_required": post.duty_training_required, "headcount": post.headcount,
            "sort_order": post.sort_order, "active": post.active}


@action(ROSTER_SETUP, scope=HOSPITAL)
def save_shift(session: Session, post_id: int, values: dict, shift_id: int | None = None) -> Shift:
    """A shift of a post: name, times (an end not after the start is the next day), the days it applies."""
    db = session.db
    post = _post(db, post_id)
    old = next((s for s in post.shifts if s.id == shift_id), None) if shift_id else None
    if shift_id and old is None:
        raise errors.NotFound("该班次不存在。")
    merged = ({"name": old.name, "starts": old.starts, "ends": old.ends, "on_workdays": old.on_workdays,
               "on_weekends": old.on_weekends, "on_holidays": old.on_holidays, "active": old.active} if old else {})
    merged.update(values)
    f: list[Finding] = []
    name = clean_text(merged.get("name"))
    if not name:
        f.append(S.finding("name", "请填写班次名称，例如“白班”“夜班”“24小时”。"))
    elif any(s.name == name and s.id != shift_id for s in post.shifts):
        f.append(S.finding("name", f"该岗位已有“{name}”班次。"))
    times = {}
    for key in ("starts", "ends"):
        value = clean_text(merged.get(key)).replace("：", ":")
        if re.fullmatch(r"\d:\d\d", value):
            value = "0" + value
        if not _TIME_RE.match(value):
            f.append(S.finding(key, "时间请写成 08:00 这样的 24 小时制。"))
        times[key] = value
    days = {k: bool(merged.get(k, True)) for k in ("on_workdays", "on_weekends", "on_holidays")}
    if not any(days.values()):
        f.append(S.finding("days", "至少选择一种日子：工作日、周末或节假日。"))
    if f:
        raise errors.ValidationError(f)
    active = True if merged.get("active") is None else bool(merged.get("active"))
    row = {"name": name, **times, **days, "active": active}
    with db.transaction():
        if old is None:
            return records.create(session, DUTY_SHIFT,
                                  {"post_id": post_id, **row, "sort_order": repo.next_shift_order(db, post_id)})
        return records.change(session, DUTY_SHIFT, old, row)


@action(ROSTER_SETUP, scope=HOSPITAL)
def set_rotation(session: Session, post_id: int, staff_ids: list[int]) -> None:
    """The turn order for 按轮转表排班 (一线 轮转)."""
    db = session.db
    post = _post(db, post_id)
    ids = list(dict.fromkeys(int(i) for i in staff_ids))
    known = repo.staff_ids(db)
    if any(i not in known for i in ids):
        raise errors.ValidationError(P.finding("rotation", "轮转表中有不存在的人员。"))
    with db.transaction():
        repo.set_rotation(db, post_id, ids, session.stamp())
        names = "、".join(_staff_label(db, i).split("（")[0] for i in ids)
        records.event(session, DUTY_POST, post, after={"rotation": names})


@action(ROSTER_VIEW, scope=HOSPITAL)
def rotation(session: Session, post_id: int) -> list[int]:
    return repo.rotation(session.db, post_id)


# ----------------------------------------------------------------------------- the month


@dataclass(frozen=True)
class MonthView:
    month: str
    status: str
    version: int
    published_at: str | None
    published_by: str | None
    days: tuple[dt.date, ...]
    day_kinds: dict[str, str]
    posts: tuple[Post, ...]                       # the posts shown (a group, a department, or all)
    cells: dict[tuple[str, int], tuple[StaffInfo, ...]]  # (date, shift id) -> people
    violations: tuple[Violation, ...]             # of the whole month (people may be on several groups)
    revisions: tuple[Revision, ...]
    tallies: tuple[Tally, ...]
    editable: bool                                # a draft this user may plan

    def people(self, day: str, shift_id: int) -> tuple[StaffInfo, ...]:
        return self.cells.get((day, shift_id), ())

    def violations_at(self, day: str, shift_id: int) -> list[Violation]:
        return [v for v in self.violations if v.date == day and v.shift_id == shift_id]


def _month_record(session: Session, month: str) -> RosterMonth:
    found = repo.month(session.db, month)
    return found or RosterMonth(0, month, DRAFT, 0, None, None)


@action(ROSTER_VIEW, scope=VIEWING)
def month_view(session: Session, month: str, *, group: str | None = None,
               department_id: int | None = None) -> MonthView:
    """The month for a post group or a department (all posts if neither), with every violation.

    A draft is shown to its planners only: a 科室负责人 sees the posts she plans, the violations
    of those posts and of their people, and those people's load."""
    month = _check_month_text(month)
    record = _month_record(session, month)
    _refuse_unpublished(session, record)
    can_plan = session.actor.can(ROSTER_PLAN)
    first, last = month_bounds(month)
    data = _load(session, first, last)
    plannable = within_reach(session, data.posts.values())
    hidden = record.status != PUBLISHED and plannable is not None  # a draft beyond the posts she plans
    shown = [p for p in data.posts.values() if p.active and p.shifts and (not hidden or p.id in plannable)]
    if group:
        shown = [p for p in shown if p.group_name == group]
    if department_id is not None:
        depts = department_subtree(session.db, department_id)
        shown = [p for p in shown if p.department_id in depts]
    first_s, last_s = first.isoformat(), last.isoformat()
    month_duties = [a for a in data.assignments if first_s <= a.date <= last_s and a.staff_id in data.staff]
    if hidden:  # her posts' duties, and her people's duties elsewhere (they are busy then)
        people = {a.staff_id for a in month_duties if data.shifts[a.shift_id].post_id in plannable}
        month_duties = [a for a in month_duties if a.staff_id in people]
    cells: dict[tuple[str, int], list[StaffInfo]] = {}
    for a in month_duties:
        cells.setdefault((a.date, a.shift_id), []).append(data.staff[a.staff_id])
    days = tuple(month_days(month))
    violations = seen_violations(session, rules.check(data), data)
    tallies = rules.tallies(data)
    if hidden:
        tallies = [t for t in tallies if t.staff_id in people]
    return MonthView(
        month=month, status=record.status, version=record.version, published_at=record.published_at,
        published_by=record.published_by, days=days,
        day_kinds={d.isoformat(): data.day_types.kind(d) for d in days},
        posts=tuple(shown), cells={k: tuple(v) for k, v in cells.items()},
        violations=tuple(violations),
        revisions=tuple(repo.revisions(session.db, record.id)) if record.id else (),
        tallies=tuple(tallies),
        editable=record.status == DRAFT and can_plan and (plannable is None or bool(plannable & {p.id for p in shown})),
    )


@action(ROSTER_VIEW, scope=VIEWING)
def check_month(session: Session, month: str) -> list[Violation]:
    """Every violation of the month (of a draft: those its planner may see)."""
    month = _check_month_text(month)
    _refuse_unpublished(session, _month_record(session, month))
    first, last = month_bounds(month)
    data = _load(session, first, last)
    return seen_violations(session, rules.check(data), data)


@action(ROSTER_VIEW, scope=VIEWING)
def check_range(session: Session, first: dt.date, last: dt.date) -> list[Violation]:
    """The violations from ``first`` to ``last`` the user may see (the 工作台's look ahead)."""
    data = _load(session, first, last)
    return seen_violations(session, rules.check(data), data)


@dataclass(frozen=True)
class Candidate:
    staff: StaffInfo
    problems: tuple[str, ...]   # empty: qualifies for the post
    busy: str = ""              # already on another duty at an overlapping time

    @property
    def qualifies(self) -> bool:
        return not self.problems and not self.busy


@action(ROSTER_PLAN, scope=planning_scope(ON_SHIFT))
def candidates(session: Session, day, shift_id: int, query: str = "") -> list[Candidate]:
    """People for a post-slot: those who qualify first, then the others with the reason.

    ``query`` matches name, 工号 or pinyin initials (``zs`` finds 张三).
    """
    from desktop_app.people.pinyin import is_pinyin_query

    day = parse_date(day)
    post, shift = _shift_or_fail(session, shift_id)
    data = _load(session, day, day)
    start, end = shift.interval(day)
    busy: dict[int, str] = {}
    for a in data.assignments:
        other = data.shifts.get(a.shift_id)
        if other is None or (a.date, a.shift_id) == (day.isoformat(), shift_id):
            continue
        s2, e2 = other.interval(dt.date.fromisoformat(a.date))
        if s2 < end and start < e2:
            busy[a.staff_id] = f"{a.date} 已排{data.posts[other.post_id].name}{other.name}"
    q = clean_text(query).lower()
    out = []
    for person in data.staff.values():
        if not person.on_duty:
            continue
        if post.required_category and person.category != post.required_category:
            continue
        if q:
            hay = (person.name, person.employee_no.lower())
            if not (any(q in h for h in hay) or (is_pinyin_query(q) and f" {q}" in (person.pinyin or ""))):
                continue
        out.append(Candidate(person, tuple(rules.qualification_problems(post, person, day.isoformat())),
                             busy.get(person.id, "")))
    same_dept = post.department_id
    out.sort(key=lambda c: (not c.qualifies, c.staff.department_id != same_dept, c.staff.department_name,
                            c.staff.employee_no))
    return out


def _draft_month(session: Session, month: str) -> RosterMonth:
    record = repo.ensure_month(session.db, month, session.stamp())
    if record.status == PUBLISHED:
        raise errors.Conflict(f"{month} 的值班表已发布，不能直接修改；请登记“换班”或“替班”。")
    return record


def _live(session: Session, day: dt.date, shift_id: int, staff_ids: list[int]) -> list[Violation]:
    """Violations touching one slot and its people (what changed), judged on the whole month."""
    first, last = month_bounds(day.strftime("%Y-%m"))
    data = _load(session, first, last)
    return rules.check(data, staff_ids=staff_ids, slots=[(day.isoformat(), shift_id)])


def _in_month(day: dt.date, month: str) -> None:
    if day.strftime("%Y-%m") != month:
        raise errors.ValidationError(R.finding("date", f"{day} 不在 {month} 内。"))


@action(ROSTER_PLAN, scope=planning_scope(ON_SHIFT))
def assign(session: Session, day, shift_id: int, staff_id: int) -> list[Violation]:
    """Put a person on a post-slot of a draft month; returns the violations this slot and person now have."""
    day = parse_date(day)
    post, shift = _shift_or_fail(session, shift_id)
    db = session.db
    if not repo.staff_exists(db, staff_id):
        raise errors.NotFound("该人员不存在。")
    month = day.strftime("%Y-%m")
    with db.transaction():
        record = _draft_month(session, month)
        if repo.on_duty(db, day.isoformat(), shift_id, staff_id):
            raise errors.Conflict(f"{_staff_label(db, staff_id)}已排在 {day} {post.name}{shift.name}。")
        repo.add_assignment(db, record.id, day.isoformat(), shift_id, staff_id, session.stamp())
        records.event(session, ROSTER_MONTH, record, after={
            "change": "排入", "date": day.isoformat(), "post": post.name, "shift": shift.name,
            "staff": _staff_label(db, staff_id)})
    return _live(session, day, shift_id, [staff_id])


@action(ROSTER_PLAN, scope=planning_scope(ON_SHIFT))
def unassign(session: Session, day, shift_id: int, staff_id: int) -> list[Violation]:
    day = parse_date(day)
    post, shift = _shift_or_fail(session, shift_id)
    db = session.db
    month = day.strftime("%Y-%m")
    with db.transaction():
        record = _draft_month(session, month)
        if not repo.remove_assignment(db, day.isoformat(), shift_id, staff_id):
            raise errors.NotFound("此人不在这个班上。")
        records.event(session, ROSTER_MONTH, record, after={
            "change": "撤下", "date": day.isoformat(), "post": post.name, "shift": shift.name,
            "staff": _staff_label(db, staff_id)})
    return _live(session, day, shift_id, [staff_id])


def insert_assignments(session: Session, month: str, rows: list[tuple[str, int, int]], source: str) -> int:
    """Insert (date, shift_id, staff_id) rows into a draft month, skipping ones already there; one audit row.

    For bulk planning steps (copy, rotation, import): the caller has checked permission and scope
    and opened the transaction.
    """
    record = _draft_month(session, month)
    added = repo.add_assignments(session.db, record.id, rows, session.stamp())
    if added:
        records.event(session, ROSTER_MONTH, record, after={"change": "批量排入", "source": source, "count": added})
    return added


@action(ROSTER_PLAN, scope=PLANNING)
def copy_days(session: Session, source_first, target_first, days: int, *, post_ids: list[int] | None = None) -> int:
    """Copy ``days`` days of assignments from ``source_first`` onto ``target_first`` (e.g. 复制上周).

    Only slots that apply on the target date are filled, people already there stay; within the
    posts the user may plan (and ``post_ids`` if given). Returns the number of duties added.
    """
    source_first, target_first = parse_date(source_first), parse_date(target_first)
    delta = target_first - source_first
    target_last = target_first + dt.timedelta(days=days - 1)
    if target_first.strftime("%Y-%m") != target_last.strftime("%Y-%m"):
        raise errors.ValidationError(R.finding("date", "一次只能复制到同一个月内。"))
    data = _load(session, target_first, target_last)
    allowed = within_reach(session, data.posts.values())
    rows = []
    for a in repo.assignments(session.db, source_first, source_first + dt.timedelta(days=days - 1)):
        shift = data.shifts.get(a.shift_id)
        if shift is None or (allowed is not None and shift.post_id not in allowed):
            continue
        if post_ids is not None and shift.post_id not in post_ids:
            continue
        target = dt.date.fromisoformat(a.date) + delta
        if shift in data.slots_on(target) and data.staff.get(a.staff_id) and data.staff[a.staff_id].on_duty:
            rows.append((target.isoformat(), a.shift_id, a.staff_id))
    with session.db.transaction():
        return insert_assignments(session, target_first.strftime("%Y-%m"), rows,
                            f"复制 {source_first}起 {days} 天")


@action(ROSTER_PLAN, scope=PLANNING)
def copy_previous_month(session: Session, month: str, *, post_ids: list[int] | None = None) -> int:
    """Fill a draft month from the previous one, keeping weekdays: each date takes the duties
    of the same weekday four (or, at the month's end, five) weeks earlier."""
    month = _check_month_text(month)
    first, last = month_bounds(month)
    data = _load(session, first, last)
    allowed = within_reach(session, data.posts.values())
    source = repo.assignments(session.db, first - dt.timedelta(days=35), first - dt.timedelta(days=1))
    by_date: dict[str, list] = {}
    for a in source:
        by_date.setdefault(a.date, []).append(a)
    rows = []
    for day in month_days(month):
        back = day - dt.timedelta(days=28)
        if back >= first:
            back = day - dt.timedelta(days=35)
        slots = data.slots_on(day)
        for a in by_date.get(back.isoformat(), []):
            shift = data.shifts.get(a.shift_id)
            if shift is None or shift not in slots or (allowed is not None and shift.post_id not in allowed):
                continue
            if post_ids is not None and shift.post_id not in post_ids:
                continue
            if a.staff_id in data.staff and data.staff[a.staff_id].on_duty:
                rows.append((day.isoformat(), a.shift_id, a.staff_id))
    with session.db.transaction():
        return insert_assignments(session, month, rows, "复制上月")


@action(ROSTER_PLAN, scope=planning_scope(on("post_id", repo.department_of_post)))
def fill_from_rotation(session: Session, month: str, post_id: int, *, start=None) -> int:
    """Fill the post's empty places in turn order from its rotation list (一线 轮转).

    Continues from whoever had the last duty before ``start`` (default: the first day of the
    month); skips people who would overlap another duty or lack the rest after a night duty.
    Returns the number of duties added.
    """
    month = _check_month_text(month)
    db = session.db
    post = _post(db, post_id)
    order = repo.rotation(db, post_id)
    if not order:
        raise errors.ValidationError(P.finding("rotation", f"岗位“{post.name}”还没有轮转表，请先在岗位设置中排好轮转顺序。"))
    first, last = month_bounds(month)
    start = parse_date(start) or first
    data = _load(session, first, last)
    order = [i for i in order if i in data.staff and data.staff[i].on_duty]
    shift_ids = {s.id for s in post.shifts}
    previous = [a for a in data.assignments if a.shift_id in shift_ids and a.date < start.isoformat()]
    last_person = previous[-1].staff_id if previous else None
    index = (order.index(last_person) + 1) if last_person in order else 0
    occupied = {(a.date, a.shift_id): [] for a in data.assignments}
    for a in data.assignments:
        occupied[(a.date, a.shift_id)].append(a.staff_id)
    rest = dt.timedelta(hours=data.min_rest_hours)

    def blocked(shift: Shift, day: dt.date) -> tuple[dt.datetime, dt.datetime]:
        """The time a duty keeps someone from another one: a night duty also blocks the rest after it."""
        start, end = shift.interval(day)
        return start, end + (rest if shift.is_night else dt.timedelta(0))

    busy = [(blocked(data.shifts[a.shift_id], dt.date.fromisoformat(a.date)), a.staff_id)
            for a in data.assignments if a.shift_id in data.shifts]
    rows = []
    for day in month_days(month):
        if day < start:
            continue
        for shift in [s for s in data.slots_on(day) if s.post_id == post_id]:
            people = occupied.setdefault((day.isoformat(), shift.id), [])
            interval = blocked(shift, day)
            tries = 0
            while len(people) < post.headcount and tries < len(order) and order:
                person = order[index % len(order)]
                index += 1
                tries += 1
                clash = any(p == person and s < interval[1] and interval[0] < e for (s, e), p in busy)
                if person in people or clash:
                    continue
                people.append(person)
                busy.append((interval, person))
                rows.append((day.isoformat(), shift.id, person))
    with db.transaction():
        return insert_assignments(session, month, rows, f"按轮转表（{post.name}）")


@action(ROSTER_PLAN, scope=PLANNING)
def clear_month(session: Session, month: str, *, post_ids: list[int] | None = None) -> int:
    """Remove a draft month's duties (of the posts given, or all the user may plan)."""
    month = _check_month_text(month)
    wanted = set(post_ids) if post_ids is not None else None
    db = session.db
    with db.transaction():
        record = _draft_month(session, month)
        allowed = within_reach(session, repo.posts(db))
        shifts = repo.shifts(db)
        ids = [duty for duty, shift_id in repo.month_duties(db, record.id)
               if (allowed is None or shifts[shift_id].post_id in allowed)
               and (wanted is None or shifts[shift_id].post_id in wanted)]
        repo.delete_assignments(db, ids)
        if ids:
            records.event(session, ROSTER_MONTH, record, after={"change": "清空", "count": len(ids)})
    return len(ids)


# ----------------------------------------------------------------------------- publishing and revisions


@action(ROSTER_PUBLISH, scope=HOSPITAL)
def publish(session: Session, month: str, *, confirm_violations: bool = False) -> RosterMonth:
    """Publish a draft month to the whole hospital. With violations, ``confirm_violations`` must
    be True; the accepted violations are stored with the month and in the audit log."""
    month = _check_month_text(month)
    db = session.db
    record = repo.month(db, month)
    if record is None or not repo.month_has_duties(db, record.id):
        raise errors.UserError(f"{month} 还没有排班，不能发布。")
    if record.status == PUBLISHED:
        raise errors.Conflict(f"{month} 的值班表已经发布（第 {record.version} 版）。")
    violations = check_month(session, month)
    if violations and not confirm_violations:
        raise NeedsConfirmation(f"{month} 的值班表有 {len(violations)} 处违反值班规则。确认仍要发布吗？", violations)
    confirmed = [v.as_dict() for v in violations]
    with db.transaction():
        return records.change(session, ROSTER_MONTH, record, {
            "status": PUBLISHED, "version": 1, "published_at": session.stamp(),
            "published_by": session.actor.display_name,
            "confirmed_findings": json.dumps(confirmed, ensure_ascii=False) if confirmed else None,
        }, expect={"status": DRAFT}, conflict=f"{month} 的值班表刚被他人发布，本次没有写入。请刷新后再看。", note={
            "confirmed": (f"{len(confirmed)} 处违规经确认后发布：" + "；".join(v.text() for v in violations[:20]))
            if confirmed else None})


@action(ROSTER_VIEW, scope=HOSPITAL)
def confirmed_violations(session: Session, month: str) -> list[dict]:
    """The violations accepted when the month was published (public with it)."""
    return repo.confirmed_findings(session.db, month)


@action(ROSTER_REVISE, scope=planning_scope(on("values", repo.department_of_shift, key="shift_id"),
                                            on("values", repo.department_of_shift, key="other_shift_id")))
def record_revision(session: Session, values: dict, *, confirm_violations: bool = False) -> Revision:
    """换班 or 替班 on a published month.

    ``values``: kind (换班/替班), date, shift_id, from_staff_id (on duty now), to_staff_id (takes
    over), reason, requested_by, approved_by; for 换班 also other_date and other_shift_id — the
    duty of ``to_staff`` that ``from_staff`` takes in return. New violations need confirmation.
    """
    db = session.db
    f: list[Finding] = []
    kind = clean_text(values.get("kind"))
    if kind not in (SWAP, COVER):
        f.append(R.finding("kind", "请选择“换班”或“替班”。"))
    try:
        day = parse_date(values.get("date"))
    except (TypeError, ValueError):
        day = None
    if day is None:
        f.append(R.finding("date", "请填写值班日期。"))
    shift_id, from_id, to_id = values.get("shift_id"), values.get("from_staff_id"), values.get("to_staff_id")
    reason = clean_prose(values.get("reason"))
    requested_by, approved_by = clean_text(values.get("requested_by")), clean_text(values.get("approved_by"))
    if not reason:
        f.append(R.finding("reason", "请写明原因。"))
    if not requested_by:
        f.append(R.finding("requested_by", "请填写申请人。"))
    if not approved_by:
        f.append(R.finding("approved_by", "请填写批准人（科主任、护士长或医务科）。"))
    if from_id == to_id and from_id is not None:
        f.append(R.finding("to_staff_id", "替班人不能是原值班人本人。"))
    if f:
        raise errors.ValidationError(f)
    post, shift = _shift_or_fail(session, shift_id)
    month = day.strftime("%Y-%m")
    record = repo.month(db, month)
    if record is None or record.status != PUBLISHED:
        raise errors.Conflict(f"{month} 的值班表尚未发布，草稿可直接修改，不必登记换班。")
    if not repo.on_duty(db, day.isoformat(), shift_id, from_id):
        raise errors.ValidationError(R.finding(
            "from_staff_id", f"{_staff_label(db, from_id)}并未排在 {day} {post.name}{shift.name}。"))
    if repo.on_duty(db, day.isoformat(), shift_id, to_id):
        raise errors.ValidationError(R.finding("to_staff_id", f"{_staff_label(db, to_id)}已在这个班上。"))
    other_day, other_shift = None, None
    if kind == SWAP:
        try:
            other_day = parse_date(values.get("other_date"))
        except (TypeError, ValueError):
            other_day = None
        other_shift = values.get("other_shift_id")
        if other_day is None or other_shift is None or not repo.on_duty(db, other_day.isoformat(), other_shift, to_id):
            raise errors.ValidationError(R.finding(
                "other_shift_id", f"换班须指定{_staff_label(db, to_id)}原有的一个班，由原值班人去值。"))
        _shift_or_fail(session, other_shift)
        if other_day.strftime("%Y-%m") != month:
            raise errors.ValidationError(R.finding("other_shift_id", "换班的两个班须在同一个月内。"))
    first, last = month_bounds(month)
    before = {(v.rule, v.date, v.shift_id, v.staff_id) for v in rules.check(_load(session, first, last))}
    with db.transaction():
        moves = [(day.isoformat(), shift_id, from_id, to_id)]
        if kind == SWAP:
            moves.append((other_day.isoformat(), other_shift, to_id, from_id))
        for d, s, old, new in moves:
            repo.move_duty(db, d, s, old, new)
        after = rules.check(_load(session, first, last))
        added = [v for v in after if (v.rule, v.date, v.shift_id, v.staff_id) not in before]
        if added and not confirm_violations:
            raise NeedsConfirmation(f"这次{kind}会带来 {len(added)} 处违反值班规则。确认仍要登记吗？", added)
        version = record.version + 1
        revision_id = repo.add_revision(db, {
            "month_id": record.id, "version": version, "kind": kind, "date": day.isoformat(), "shift_id": shift_id,
            "from_staff_id": from_id, "to_staff_id": to_id, "other_date": other_day.isoformat() if other_day else None,
            "other_shift_id": other_shift, "reason": reason, "requested_by": requested_by,
            "approved_by": approved_by, "recorded_by": session.actor.display_name, "recorded_at": session.stamp()})
        revision = next(r for r in repo.revisions(db, record.id) if r.id == revision_id)
        # two revisions at once: the second finds the version moved on and writes nothing
        records.change(session, ROSTER_MONTH, record, {"version": version}, expect={"version": record.version},
                       conflict=f"{month} 的值班表刚被他人修改过（第 {record.version} 版之后又有变更），本次没有写入。"
                                "请刷新后再登记。", note={
                           "change": revision.text(), "reason": reason, "requested_by": requested_by,
                           "approved_by": approved_by,
                           "confirmed": "；".join(v.text() for v in added) if added else None})
    return revision


@action(ROSTER_VIEW, scope=HOSPITAL)
def list_revisions(session: Session, month: str) -> list[Revision]:
    """A published month's 换班/替班 (public with it; a draft has none)."""
    record = repo.month(session.db, _check_month_text(month))
    return repo.revisions(session.db, record.id) if record else []


@action(ROSTER_VIEW, scope=HOSPITAL)
def month_status(session: Session, month: str) -> RosterMonth:
    return _month_record(session, _check_month_text(month))


# ----------------------------------------------------------------------------- for the planner page


@dataclass(frozen=True)
class ViewScope:
    """One choice of the planner's 分组/科室 selector."""

    label: str
    group: str | None = None
    department_id: int | None = None


@action(ROSTER_VIEW, scope=VIEWING)
def view_scopes(session: Session) -> list[ViewScope]:
    """What the planner page offers to show: all posts, each post group, each department with posts.

    A department head (whose reach is her department) is offered only her own department (its
    wards included): the posts she plans.
    """
    posts = [p for p in repo.posts(session.db, include_inactive=False) if p.shifts]
    if session.reach is not None:
        home = session.actor.department_id
        name = department_name(session.db, home)
        return [ViewScope(f"本科室：{name}", department_id=home)] if name else []
    scopes = [ViewScope("全部岗位")]
    scopes += [ViewScope(f"分组：{g}", group=g) for g in dict.fromkeys(p.group_name for p in posts)]
    departments = {p.department_id: p.department_name for p in posts if p.department_id is not None}
    scopes += [ViewScope(f"科室：{name}", department_id=i) for i, name in departments.items()]
    return scopes


@action(ROSTER_PLAN, scope=planning_scope(on("add", repo.departments_of_duties),
                                          on("remove", repo.departments_of_duties)))
def apply_changes(session: Session, month: str, *, add=(), remove=(), reason: str = "撤销") -> int:
    """Put back or take out exact duties of a draft month in one step (undo/redo of bulk steps).

    ``add`` and ``remove`` are (date, shift_id, staff_id) rows; rows already there (or already
    gone) are skipped. Returns the number of duties changed.
    """
    month = _check_month_text(month)
    db = session.db
    shifts = repo.shifts(db)
    for day, shift_id, _staff in [*add, *remove]:
        if not str(day).startswith(month):
            raise errors.ValidationError(R.finding("date", f"{day} 不在 {month} 内。"))
        if shift_id not in shifts:
            raise errors.NotFound("该班次不存在，可能已被删除。")
    with db.transaction():
        record = _draft_month(session, month)
        removed = sum(repo.remove_assignment(db, day, shift_id, staff_id, month_id=record.id)
                      for day, shift_id, staff_id in remove)
        added = insert_assignments(session, month, list(add), reason) if add else 0
        if removed:
            records.event(session, ROSTER_MONTH, record, after={"change": "批量撤下", "source": reason, "count": removed})
    return added + removed
