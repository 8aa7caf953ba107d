"""值班表: setting up posts and shifts, planning a month, publishing it, and recording swaps.

A month is a draft until published; planners assign and remove people freely (each change is
audited, and the violations it causes are returned at once so the page shows them live).
Publishing with violations needs an explicit confirmation that is recorded. A published month
is frozen: 换班 and 替班 are recorded as revisions with the reason, who asked and who approved,
and each raises the month's version. Department heads plan and revise only their own
department's posts; drafts are visible only to planners.
"""
from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass

from desktop_app import errors
from desktop_app.accounts import audit
from desktop_app.accounts.permissions import DEPARTMENT_SCOPED, Role, action
from desktop_app.errors import Finding
from desktop_app.people.models import STAFF_CATEGORIES, TITLE_RANK_LABELS
from desktop_app.people.repo import department_subtree
from desktop_app.roster import repo, rules
from desktop_app.roster.manifest import ROSTER_PLAN, ROSTER_PUBLISH, ROSTER_REVISE, ROSTER_SETUP, ROSTER_VIEW
from desktop_app.roster.models import (
    CHIEF_KINDS,
    COVER,
    DRAFT,
    POST_KINDS,
    PUBLISHED,
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

audit.register_entity("duty_post", "值班岗位", {
    "name": "岗位名称", "kind": "岗位类型", "group_name": "分组", "department_id": "科室", "duties": "岗位职责",
    "required_category": "人员类别要求", "min_title_rank": "最低职称", "licence_required": "须有执业证书",
    "duty_training_required": "须经总值班培训", "headcount": "每班人数", "active": "启用", "shift": "班次",
    "rotation": "轮转表"})
audit.register_entity("roster", "值班表", {
    "date": "日期", "post": "岗位", "shift": "班次", "staff": "人员", "change": "变动", "count": "条数",
    "status": "状态", "version": "版本", "confirmed": "确认的违规", "reason": "原因", "requested_by": "申请人",
    "approved_by": "批准人", "source": "来源"})

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
        raise errors.ValidationError(f"月份“{month}”不正确，请写成 2026-12。", field="月份")
    return month


def _plannable_posts(session: Session) -> set[int] | None:
    """None: every post; a department head: the posts of their department and its wards."""
    actor = session.actor
    if Role(actor.role) not in DEPARTMENT_SCOPED:
        return None
    depts = department_subtree(session.db, actor.department_id) if actor.department_id else set()
    return {p.id for p in repo.posts(session.db) if p.department_id in depts}


def _require_post_scope(session: Session, post_id: int) -> None:
    allowed = _plannable_posts(session)
    if allowed is not None and post_id not in allowed:
        raise errors.PermissionDenied("科室负责人只能安排本科室（含下属病区）岗位的值班。")


def _shift_or_fail(session: Session, shift_id: int) -> tuple[Post, Shift]:
    for post in repo.posts(session.db):
        for shift in post.shifts:
            if shift.id == shift_id:
                return post, shift
    raise errors.NotFound("该班次不存在，可能已被删除。")


def _staff_label(db, staff_id: int) -> str:
    r = db.query_one("SELECT name, employee_no FROM staff WHERE id = ?", (staff_id,))
    return f"{r['name']}（{r['employee_no']}）" if r else str(staff_id)


# ----------------------------------------------------------------------------- posts and shifts


@action(ROSTER_VIEW)
def list_posts(session: Session, *, include_inactive: bool = False) -> list[Post]:
    return repo.posts(session.db, include_inactive=include_inactive)


@action(ROSTER_VIEW)
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
        f.append(Finding("请填写岗位名称，例如“内科一线”。", field="岗位名称"))
    elif db.scalar("SELECT id FROM duty_posts WHERE name = ? AND id <> ?", (c["name"], post_id or -1)):
        f.append(Finding(f"已有名为“{c['name']}”的岗位。", field="岗位名称"))
    if kind not in POST_KINDS:
        f.append(Finding("岗位类型须为：" + "、".join(POST_KINDS) + "。", field="岗位类型"))
    if c["department_id"] is not None and not db.scalar("SELECT 1 FROM departments WHERE id = ?", (c["department_id"],)):
        f.append(Finding("所选科室不存在。", field="科室"))
    if c["required_category"] and c["required_category"] not in STAFF_CATEGORIES:
        f.append(Finding("人员类别须为：" + "、".join(STAFF_CATEGORIES) + "。", field="人员类别要求"))
    try:
        c["min_title_rank"] = int(c["min_title_rank"])
        if c["min_title_rank"] not in TITLE_RANK_LABELS:
            raise ValueError
    except (TypeError, ValueError, OverflowError):
        f.append(Finding("最低职称须为：" + "、".join(TITLE_RANK_LABELS.values()) + "。", field="最低职称"))
    try:
        c["headcount"] = int(c["headcount"])
        if not 1 <= c["headcount"] <= 20:
            raise ValueError
    except (TypeError, ValueError, OverflowError):
        f.append(Finding("每班人数须为 1–20。", field="每班人数"))
    return c, f


def _post_audit(post: Post) -> dict:
    return {"name": post.name, "kind": post.kind, "group_name": post.group_name, "department_id": post.department_name,
            "duties": post.duties, "required_category": post.required_category,
            "min_title_rank": TITLE_RANK_LABELS[post.min_title_rank],
            "licence_required": "是" if post.licence_required else "否",
            "duty_training_required": "是" if post.duty_training_required else "否",
            "headcount": post.headcount, "active": "是" if post.active else "否"}


def _post(db, post_id: int) -> Post:
    found = next((p for p in repo.posts(db) if p.id == post_id), None)
    if found is None:
        raise errors.NotFound("该值班岗位不存在，可能已被删除。")
    return found


@action(ROSTER_SETUP)
def save_post(session: Session, values: dict, post_id: int | None = None) -> Post:
    """Create or change a duty post (its qualification, headcount, group …)."""
    db = session.db
    before = _post(db, post_id) if post_id else None
    if before:
        values = {**_post_audit_values(before), **values}
    c, findings = _validate_post(db, values, post_id)
    if findings:
        raise errors.ValidationError(findings)
    cols = list(c)
    now = session.stamp()
    with db.transaction():
        params = [int(v) if isinstance(v, bool) else v for v in c.values()]
        if before is None:
            cur = db.execute(f"INSERT INTO duty_posts ({', '.join(cols)}, created_at, updated_at)"
                             f" VALUES ({', '.join('?' * len(cols))}, ?, ?)", [*params, now, now])
            post = _post(db, cur.lastrowid)
            audit.record(session, "create", "duty_post", uid=post.uid, label=post.name, after=_post_audit(post))
        else:
            db.execute(f"UPDATE duty_posts SET {', '.join(f'{k} = ?' for k in cols)}, updated_at = ? WHERE id = ?",
                       [*params, now, post_id])
            post = _post(db, post_id)
            old, new = audit.diff(_post_audit(before), _post_audit(post))
            if new:
                audit.record(session, "update", "duty_post", uid=post.uid, label=post.name, before=old, after=new)
    return post


def _post_audit_values(post: Post) -> dict:
    return {"name": post.name, "kind": post.kind, "group_name": post.group_name, "department_id": post.department_id,
            "duties": post.duties, "required_category": post.required_category,
            "min_title_rank": post.min_title_rank, "licence_required": post.licence_required,
            "duty_training_required": post.duty_training_required, "headcount": post.headcount,
            "sort_order": post.sort_order, "active": post.active}


@action(ROSTER_SETUP)
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
        f.append(Finding("请填写班次名称，例如“白班”“夜班”“24小时”。", field="班次名称"))
    elif any(s.name == name and s.id != shift_id for s in post.shifts):
        f.append(Finding(f"该岗位已有“{name}”班次。", field="班次名称"))
    times = {}
    for key, label in (("starts", "开始时间"), ("ends", "结束时间")):
        value = clean_text(merged.get(key)).replace("：", ":")
        if re.fullmatch(r"\d:\d\d", value):
            value = "0" + value
        if not _TIME_RE.match(value):
            f.append(Finding("时间请写成 08:00 这样的 24 小时制。", field=label))
        times[key] = value
    days = {k: bool(merged.get(k, True)) for k in ("on_workdays", "on_weekends", "on_holidays")}
    if not any(days.values()):
        f.append(Finding("至少选择一种日子：工作日、周末或节假日。", field="适用日"))
    if f:
        raise errors.ValidationError(f)
    active = True if merged.get("active") is None else bool(merged.get("active"))
    with db.transaction():
        if old is None:
            order = (db.scalar("SELECT max(sort_order) FROM duty_shifts WHERE post_id = ?", (post_id,)) or 0) + 1
            cur = db.execute(
                "INSERT INTO duty_shifts (post_id, name, starts, ends, on_workdays, on_weekends, on_holidays,"
                " sort_order, active) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (post_id, name, times["starts"], times["ends"], *map(int, days.values()), order, int(active)))
            shift_id = cur.lastrowid
        else:
            db.execute("UPDATE duty_shifts SET name = ?, starts = ?, ends = ?, on_workdays = ?, on_weekends = ?,"
                       " on_holidays = ?, active = ? WHERE id = ?",
                       (name, times["starts"], times["ends"], *map(int, days.values()), int(active), shift_id))
        shift = repo.shifts(db)[shift_id]
        audit.record(session, "update" if old else "create", "duty_post", uid=post.uid, label=post.name,
                     before={"shift": old.label()} if old else None, after={"shift": shift.label()})
    return shift


@action(ROSTER_SETUP)
def set_rotation(session: Session, post_id: int, staff_ids: list[int]) -> None:
    """The turn order for 按轮转表排班 (一线 轮转)."""
    db = session.db
    post = _post(db, post_id)
    ids = list(dict.fromkeys(int(i) for i in staff_ids))
    known = {r[0] for r in db.query("SELECT id FROM staff")}
    if any(i not in known for i in ids):
        raise errors.ValidationError("轮转表中有不存在的人员。", field="轮转表")
    with db.transaction():
        db.execute("INSERT INTO rotation_lists (post_id, staff_ids, updated_at) VALUES (?, ?, ?)"
                   " ON CONFLICT(post_id) DO UPDATE SET staff_ids = excluded.staff_ids, updated_at = excluded.updated_at",
                   (post_id, json.dumps(ids), session.stamp()))
        names = "、".join(_staff_label(db, i).split("（")[0] for i in ids)
        audit.record(session, "update", "duty_post", uid=post.uid, label=post.name, after={"rotation": names})


@action(ROSTER_VIEW)
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


@action(ROSTER_VIEW)
def month_view(session: Session, month: str, *, group: str | None = None,
               department_id: int | None = None) -> MonthView:
    """The month for a post group or a department (all posts if neither), with every violation."""
    month = _check_month_text(month)
    record = _month_record(session, month)
    can_plan = session.actor.can(ROSTER_PLAN)
    if record.status != PUBLISHED and not can_plan:
        raise errors.UserError(f"{month} 的值班表尚未发布。发布后全院可见。")
    first, last = month_bounds(month)
    data = _load(session, first, last)
    shown = [p for p in data.posts.values() if p.active and p.shifts]
    if group:
        shown = [p for p in shown if p.group_name == group]
    if department_id is not None:
        depts = department_subtree(session.db, department_id)
        shown = [p for p in shown if p.department_id in depts]
    cells: dict[tuple[str, int], list[StaffInfo]] = {}
    first_s, last_s = first.isoformat(), last.isoformat()
    for a in data.assignments:
        if first_s <= a.date <= last_s and a.staff_id in data.staff:
            cells.setdefault((a.date, a.shift_id), []).append(data.staff[a.staff_id])
    days = tuple(month_days(month))
    plannable = _plannable_posts(session)
    return MonthView(
        month=month, status=record.status, version=record.version, published_at=record.published_at,
        published_by=record.published_by, days=days,
        day_kinds={d.isoformat(): data.day_types.kind(d) for d in days},
        posts=tuple(shown), cells={k: tuple(v) for k, v in cells.items()},
        violations=tuple(rules.check(data)),
        revisions=tuple(repo.revisions(session.db, record.id)) if record.id else (),
        tallies=tuple(rules.tallies(data)),
        editable=record.status == DRAFT and can_plan and (plannable is None or bool(plannable & {p.id for p in shown})),
    )


@action(ROSTER_VIEW)
def check_month(session: Session, month: str) -> list[Violation]:
    month = _check_month_text(month)
    first, last = month_bounds(month)
    return rules.check(_load(session, first, last))


@action(ROSTER_VIEW)
def check_range(session: Session, first: dt.date, last: dt.date) -> list[Violation]:
    return rules.check(_load(session, first, last))


@dataclass(frozen=True)
class Candidate:
    staff: StaffInfo
    problems: tuple[str, ...]   # empty: qualifies for the post
    busy: str = ""              # already on another duty at an overlapping time

    @property
    def qualifies(self) -> bool:
        return not self.problems and not self.busy


@action(ROSTER_PLAN)
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
        raise errors.ValidationError(f"{day} 不在 {month} 内。", field="日期")


@action(ROSTER_PLAN)
def assign(session: Session, day, shift_id: int, staff_id: int) -> list[Violation]:
    """Put a person on a post-slot of a draft month; returns the violations this slot and person now have."""
    day = parse_date(day)
    post, shift = _shift_or_fail(session, shift_id)
    _require_post_scope(session, post.id)
    db = session.db
    person = db.query_one("SELECT id FROM staff WHERE id = ?", (staff_id,))
    if person is None:
        raise errors.NotFound("该人员不存在。")
    month = day.strftime("%Y-%m")
    with db.transaction():
        record = _draft_month(session, month)
        if db.scalar("SELECT 1 FROM duty_assignments WHERE date = ? AND shift_id = ? AND staff_id = ?",
                     (day.isoformat(), shift_id, staff_id)):
            raise errors.Conflict(f"{_staff_label(db, staff_id)}已排在 {day} {post.name}{shift.name}。")
        db.execute("INSERT INTO duty_assignments (month_id, date, shift_id, staff_id, created_at) VALUES (?, ?, ?, ?, ?)",
                   (record.id, day.isoformat(), shift_id, staff_id, session.stamp()))
        audit.record(session, "update", "roster", label=f"{month} 值班表", after={
            "change": "排入", "date": day.isoformat(), "post": post.name, "shift": shift.name,
            "staff": _staff_label(db, staff_id)})
    return _live(session, day, shift_id, [staff_id])


@action(ROSTER_PLAN)
def unassign(session: Session, day, shift_id: int, staff_id: int) -> list[Violation]:
    day = parse_date(day)
    post, shift = _shift_or_fail(session, shift_id)
    _require_post_scope(session, post.id)
    db = session.db
    month = day.strftime("%Y-%m")
    with db.transaction():
        _draft_month(session, month)
        n = db.execute("DELETE FROM duty_assignments WHERE date = ? AND shift_id = ? AND staff_id = ?",
                       (day.isoformat(), shift_id, staff_id)).rowcount
        if not n:
            raise errors.NotFound("此人不在这个班上。")
        audit.record(session, "update", "roster", label=f"{month} 值班表", after={
            "change": "撤下", "date": day.isoformat(), "post": post.name, "shift": shift.name,
            "staff": _staff_label(db, staff_id)})
    return _live(session, day, shift_id, [staff_id])


def insert_assignments(session: Session, month: str, rows: list[tuple[str, int, int]], source: str) -> int:
    """Insert (date, shift_id, staff_id) rows into a draft month, skipping ones already there; one audit row.

    For bulk planning steps (copy, rotation, import): the caller has checked permission and scope
    and opened the transaction.
    """
    db = session.db
    record = _draft_month(session, month)
    now = session.stamp()
    before = db.scalar("SELECT count(*) FROM duty_assignments WHERE month_id = ?", (record.id,))
    db.conn.executemany(
        "INSERT OR IGNORE INTO duty_assignments (month_id, date, shift_id, staff_id, created_at) VALUES (?, ?, ?, ?, ?)",
        [(record.id, d, s, p, now) for d, s, p in rows])
    added = db.scalar("SELECT count(*) FROM duty_assignments WHERE month_id = ?", (record.id,)) - before
    if added:
        audit.record(session, "update", "roster", label=f"{month} 值班表", after={"change": "批量排入",
                                                                                "source": source, "count": added})
    return added


@action(ROSTER_PLAN)
def copy_days(session: Session, source_first, target_first, days: int, *, post_ids: list[int] | None = None) -> int:
    """Copy ``days`` days of assignments from ``source_first`` onto ``target_first`` (e.g. 复制上周).

    Only slots that apply on the target date are filled, people already there stay; within the
    posts the user may plan (and ``post_ids`` if given). Returns the number of duties added.
    """
    source_first, target_first = parse_date(source_first), parse_date(target_first)
    delta = target_first - source_first
    target_last = target_first + dt.timedelta(days=days - 1)
    if target_first.strftime("%Y-%m") != target_last.strftime("%Y-%m"):
        raise errors.ValidationError("一次只能复制到同一个月内。", field="日期")
    allowed = _plannable_posts(session)
    data = _load(session, target_first, target_last)
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


@action(ROSTER_PLAN)
def copy_previous_month(session: Session, month: str, *, post_ids: list[int] | None = None) -> int:
    """Fill a draft month from the previous one, keeping weekdays: each date takes the duties
    of the same weekday four (or, at the month's end, five) weeks earlier."""
    month = _check_month_text(month)
    first, last = month_bounds(month)
    allowed = _plannable_posts(session)
    data = _load(session, first, last)
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


@action(ROSTER_PLAN)
def fill_from_rotation(session: Session, month: str, post_id: int, *, start=None) -> int:
    """Fill the post's empty places in turn order from its rotation list (一线 轮转).

    Continues from whoever had the last duty before ``start`` (default: the first day of the
    month); skips people who would overlap another duty or lack the rest after a night duty.
    Returns the number of duties added.
    """
    month = _check_month_text(month)
    _require_post_scope(session, post_id)
    db = session.db
    post = _post(db, post_id)
    order = repo.rotation(db, post_id)
    if not order:
        raise errors.ValidationError(f"岗位“{post.name}”还没有轮转表，请先在岗位设置中排好轮转顺序。", field="轮转表")
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


@action(ROSTER_PLAN)
def clear_month(session: Session, month: str, *, post_ids: list[int] | None = None) -> int:
    """Remove a draft month's duties (of the posts given, or all the user may plan)."""
    month = _check_month_text(month)
    allowed = _plannable_posts(session)
    wanted = set(post_ids) if post_ids is not None else None
    db = session.db
    with db.transaction():
        record = _draft_month(session, month)
        shifts = repo.shifts(db)
        ids = [r[0] for r in db.query("SELECT id, shift_id FROM duty_assignments WHERE month_id = ?", (record.id,))
               if (allowed is None or shifts[r[1]].post_id in allowed)
               and (wanted is None or shifts[r[1]].post_id in wanted)]
        db.conn.executemany("DELETE FROM duty_assignments WHERE id = ?", [(i,) for i in ids])
        if ids:
            audit.record(session, "update", "roster", label=f"{month} 值班表", after={"change": "清空",
                                                                                    "count": len(ids)})
    return len(ids)


# ----------------------------------------------------------------------------- publishing and revisions


@action(ROSTER_PUBLISH)
def publish(session: Session, month: str, *, confirm_violations: bool = False) -> RosterMonth:
    """Publish a draft month to the whole hospital. With violations, ``confirm_violations`` must
    be True; the accepted violations are stored with the month and in the audit log."""
    month = _check_month_text(month)
    db = session.db
    record = repo.month(db, month)
    if record is None or not db.scalar("SELECT 1 FROM duty_assignments WHERE month_id = ?", (record.id,)):
        raise errors.UserError(f"{month} 还没有排班，不能发布。")
    if record.status == PUBLISHED:
        raise errors.Conflict(f"{month} 的值班表已经发布（第 {record.version} 版）。")
    violations = check_month(session, month)
    if violations and not confirm_violations:
        raise NeedsConfirmation(f"{month} 的值班表有 {len(violations)} 处违反值班规则。确认仍要发布吗？", violations)
    confirmed = [v.as_dict() for v in violations]
    with db.transaction():
        db.execute("UPDATE roster_months SET status = ?, version = 1, published_at = ?, published_by = ?,"
                   " confirmed_findings = ?, updated_at = ? WHERE id = ?",
                   (PUBLISHED, session.stamp(), session.actor.display_name,
                    json.dumps(confirmed, ensure_ascii=False) if confirmed else None, session.stamp(), record.id))
        audit.record(session, "update", "roster", label=f"{month} 值班表", before={"status": DRAFT}, after={
            "status": PUBLISHED, "version": 1,
            "confirmed": (f"{len(confirmed)} 处违规经确认后发布：" + "；".join(v.text() for v in violations[:20]))
            if confirmed else None})
    return repo.month(db, month)


@action(ROSTER_VIEW)
def confirmed_violations(session: Session, month: str) -> list[dict]:
    raw = session.db.scalar("SELECT confirmed_findings FROM roster_months WHERE month = ?", (month,))
    return json.loads(raw) if raw else []


@action(ROSTER_REVISE)
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
        f.append(Finding("请选择“换班”或“替班”。", field="类型"))
    try:
        day = parse_date(values.get("date"))
    except (TypeError, ValueError):
        day = None
    if day is None:
        f.append(Finding("请填写值班日期。", field="日期"))
    shift_id, from_id, to_id = values.get("shift_id"), values.get("from_staff_id"), values.get("to_staff_id")
    reason = clean_prose(values.get("reason"))
    requested_by, approved_by = clean_text(values.get("requested_by")), clean_text(values.get("approved_by"))
    if not reason:
        f.append(Finding("请写明原因。", field="原因"))
    if not requested_by:
        f.append(Finding("请填写申请人。", field="申请人"))
    if not approved_by:
        f.append(Finding("请填写批准人（科主任、护士长或医务科）。", field="批准人"))
    if from_id == to_id and from_id is not None:
        f.append(Finding("替班人不能是原值班人本人。", field="接替人员"))
    if f:
        raise errors.ValidationError(f)
    post, shift = _shift_or_fail(session, shift_id)
    _require_post_scope(session, post.id)
    month = day.strftime("%Y-%m")
    record = repo.month(db, month)
    if record is None or record.status != PUBLISHED:
        raise errors.Conflict(f"{month} 的值班表尚未发布，草稿可直接修改，不必登记换班。")
    on = lambda d, s, p: db.scalar(  # noqa: E731
        "SELECT 1 FROM duty_assignments WHERE date = ? AND shift_id = ? AND staff_id = ?", (d, s, p))
    if not on(day.isoformat(), shift_id, from_id):
        raise errors.ValidationError(f"{_staff_label(db, from_id)}并未排在 {day} {post.name}{shift.name}。",
                                     field="原值班人员")
    if on(day.isoformat(), shift_id, to_id):
        raise errors.ValidationError(f"{_staff_label(db, to_id)}已在这个班上。", field="接替人员")
    other_day, other_shift = None, None
    if kind == SWAP:
        try:
            other_day = parse_date(values.get("other_date"))
        except (TypeError, ValueError):
            other_day = None
        other_shift = values.get("other_shift_id")
        if other_day is None or other_shift is None or not on(other_day.isoformat(), other_shift, to_id):
            raise errors.ValidationError(f"换班须指定{_staff_label(db, to_id)}原有的一个班，由原值班人去值。",
                                         field="对方的班")
        other_post, _ = _shift_or_fail(session, other_shift)
        _require_post_scope(session, other_post.id)
        if other_day.strftime("%Y-%m") != month:
            raise errors.ValidationError("换班的两个班须在同一个月内。", field="对方的班")
    first, last = month_bounds(month)
    before = {(v.rule, v.date, v.shift_id, v.staff_id) for v in check_month(session, month)}
    with db.transaction():
        moves = [(day.isoformat(), shift_id, from_id, to_id)]
        if kind == SWAP:
            moves.append((other_day.isoformat(), other_shift, to_id, from_id))
        for d, s, old, new in moves:
            db.execute("UPDATE duty_assignments SET staff_id = ? WHERE date = ? AND shift_id = ? AND staff_id = ?",
                       (new, d, s, old))
        after = rules.check(_load(session, first, last))
        added = [v for v in after if (v.rule, v.date, v.shift_id, v.staff_id) not in before]
        if added and not confirm_violations:
            raise NeedsConfirmation(f"这次{kind}会带来 {len(added)} 处违反值班规则。确认仍要登记吗？", added)
        version = record.version + 1
        db.execute("UPDATE roster_months SET version = ?, updated_at = ? WHERE id = ?",
                   (version, session.stamp(), record.id))
        cur = db.execute(
            "INSERT INTO roster_revisions (month_id, version, kind, date, shift_id, from_staff_id, to_staff_id,"
            " other_date, other_shift_id, reason, requested_by, approved_by, recorded_by, recorded_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (record.id, version, kind, day.isoformat(), shift_id, from_id, to_id,
             other_day.isoformat() if other_day else None, other_shift, reason, requested_by, approved_by,
             session.actor.display_name, session.stamp()))
        revision = next(r for r in repo.revisions(db, record.id) if r.id == cur.lastrowid)
        audit.record(session, "update", "roster", label=f"{month} 值班表", after={
            "change": revision.text(), "version": version, "reason": reason, "requested_by": requested_by,
            "approved_by": approved_by,
            "confirmed": "；".join(v.text() for v in added) if added else None})
    return revision


@action(ROSTER_VIEW)
def list_revisions(session: Session, month: str) -> list[Revision]:
    record = repo.month(session.db, _check_month_text(month))
    return repo.revisions(session.db, record.id) if record else []


@action(ROSTER_VIEW)
def month_status(session: Session, month: str) -> RosterMonth:
    return _month_record(session, _check_month_text(month))


# ----------------------------------------------------------------------------- for the planner page


@dataclass(frozen=True)
class ViewScope:
    """One choice of the planner's 分组/科室 selector."""

    label: str
    group: str | None = None
    department_id: int | None = None


@action(ROSTER_VIEW)
def view_scopes(session: Session) -> list[ViewScope]:
    """What the planner page offers to show: all posts, each post group, each department with posts.

    A department head who plans sees only their own department (its wards included): the
    posts they may plan.
    """
    posts = [p for p in repo.posts(session.db, include_inactive=False) if p.shifts]
    actor = session.actor
    if Role(actor.role) in DEPARTMENT_SCOPED and actor.can(ROSTER_PLAN):
        name = session.db.scalar("SELECT name FROM departments WHERE id = ?", (actor.department_id,))
        return [ViewScope(f"本科室：{name}", department_id=actor.department_id)] if name else []
    scopes = [ViewScope("全部岗位")]
    scopes += [ViewScope(f"分组：{g}", group=g) for g in dict.fromkeys(p.group_name for p in posts)]
    departments = {p.department_id: p.department_name for p in posts if p.department_id is not None}
    scopes += [ViewScope(f"科室：{name}", department_id=i) for i, name in departments.items()]
    return scopes


@action(ROSTER_PLAN)
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
            raise errors.ValidationError(f"{day} 不在 {month} 内。", field="日期")
        if shift_id not in shifts:
            raise errors.NotFound("该班次不存在，可能已被删除。")
        _require_post_scope(session, shifts[shift_id].post_id)
    with db.transaction():
        record = _draft_month(session, month)
        removed = 0
        for day, shift_id, staff_id in remove:
            removed += db.execute("DELETE FROM duty_assignments WHERE month_id = ? AND date = ? AND shift_id = ?"
                                  " AND staff_id = ?", (record.id, day, shift_id, staff_id)).rowcount
        added = insert_assignments(session, month, list(add), reason) if add else 0
        if removed:
            audit.record(session, "update", "roster", label=f"{month} 值班表",
                         after={"change": "批量撤下", "source": reason, "count": removed})
    return added + removed
