"""值班规则 (值班和交接班制度), checked on a snapshot of the roster — live while planning and as a report.

Every violation names the rule, the date, the post and shift, and the person, so the page can
link it to its cell. The rules:

* 人数不足 — every post-slot applicable that day has at least the post's headcount;
* 无本机构执业人员 — every staffed slot has someone registered to practise here
  (进修/规培/实习/外院 staff are never alone on a post-slot);
* 资质不符 — staff category, minimum title, practising certificate, 总值班 training passed;
  and the person is employed and on duty that day;
* 时间重叠 — nobody in two slots whose hours overlap;
* 连续夜班 — no more than ``max_nights`` night or 24-hour duties on consecutive days;
* 夜班后休息不足 — at least ``min_rest_hours`` between the end of a night or 24-hour duty and
  the person's next duty.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from desktop_app.people.models import TITLE_RANK_LABELS
from desktop_app.roster.calendar import HOLIDAY, WEEKEND, DayTypes
from desktop_app.roster.models import Assignment, Post, Shift, StaffInfo

COVERAGE = "人数不足"
REGISTERED = "无本机构执业人员"
QUALIFICATION = "资质不符"
OVERLAP = "时间重叠"
NIGHTS = "连续夜班"
REST = "夜班后休息不足"
RULES = [COVERAGE, REGISTERED, QUALIFICATION, OVERLAP, NIGHTS, REST]


@dataclass(frozen=True)
class Violation:
    rule: str
    date: str
    message: str
    post_id: int | None = None
    post_name: str = ""
    shift_id: int | None = None
    shift_name: str = ""
    staff_id: int | None = None
    staff_name: str = ""

    def text(self) -> str:
        where = f"{self.date} {self.post_name}{('·' + self.shift_name) if self.shift_name else ''}"
        who = f" {self.staff_name}" if self.staff_name else ""
        return f"【{self.rule}】{where}{who}：{self.message}"

    def as_dict(self) -> dict:
        return {"规则": self.rule, "日期": self.date, "岗位": self.post_name, "班次": self.shift_name,
                "人员": self.staff_name, "说明": self.message}


@dataclass
class RosterData:
    """Everything the rules read, for the dates ``first``..``last`` (with a week before and a
    day after, so nights and rest across the month's edges are judged too)."""

    first: dt.date
    last: dt.date
    posts: dict[int, Post]
    shifts: dict[int, Shift]
    staff: dict[int, StaffInfo]
    assignments: list[Assignment]
    day_types: DayTypes
    max_nights: int = 2
    min_rest_hours: int = 12
    _by_slot: dict = field(default_factory=dict, repr=False)

    def dates(self) -> list[dt.date]:
        return [self.first + dt.timedelta(days=i) for i in range((self.last - self.first).days + 1)]

    def by_slot(self) -> dict[tuple[str, int], list[int]]:
        if not self._by_slot:
            out: dict[tuple[str, int], list[int]] = defaultdict(list)
            for a in self.assignments:
                out[(a.date, a.shift_id)].append(a.staff_id)
            self._by_slot = out
        return self._by_slot

    def slots_on(self, day: dt.date) -> list[Shift]:
        """The post-slots to be staffed on ``day`` (active posts and shifts that apply that day)."""
        kind = self.day_types.kind(day)
        return [s for s in self.shifts.values()
                if s.active and self.posts[s.post_id].active and s.applies_on(kind)]


def _v(rule, day, message, post: Post | None = None, shift: Shift | None = None, person: StaffInfo | None = None):
    return Violation(rule, day if isinstance(day, str) else day.isoformat(), message,
                     post.id if post else None, post.name if post else "",
                     shift.id if shift else None, shift.name if shift else "",
                     person.id if person else None, person.name if person else "")


# ----------------------------------------------------------------------------- slot rules


def slot_violations(data: RosterData, day: dt.date, shift: Shift) -> list[Violation]:
    post = data.posts[shift.post_id]
    people = [data.staff[i] for i in data.by_slot().get((day.isoformat(), shift.id), []) if i in data.staff]
    out = []
    if len(people) < post.headcount:
        need = f"需 {post.headcount} 人，" if post.headcount > 1 else ""
        out.append(_v(COVERAGE, day, f"{need}{'无人值班' if not people else f'只排了 {len(people)} 人'}",
                      post, shift))
    if people and not any(p.registered_here for p in people):
        names = "、".join(f"{p.name}（{p.practice_status}）" for p in people)
        out.append(_v(REGISTERED, day, f"{names}不是本机构执业人员，不得单独值班，须有本院执业人员同班。",
                      post, shift))
    return out


def qualification_problems(post: Post, person: StaffInfo, day: str) -> list[str]:
    problems = []
    if person.hire_date and person.hire_date > day:
        problems.append(f"{person.hire_date} 才入职")
    if not person.on_duty and (person.leave_date is None or person.leave_date <= day):
        problems.append("已离岗")
    if post.required_category and person.category != post.required_category:
        problems.append(f"岗位要求{post.required_category}，本人为{person.category}")
    if person.title_rank < post.min_title_rank:
        problems.append(f"岗位要求{TITLE_RANK_LABELS[post.min_title_rank]}及以上职称，本人为{person.title or '无职称'}")
    if post.licence_required and not person.licence_no:
        problems.append("没有执业证书编号，不能独立值班")
    if post.duty_training_required and not (person.duty_training_passed_on and person.duty_training_passed_on <= day):
        problems.append("未经总值班培训并考核合格")
    return problems


# ----------------------------------------------------------------------------- person rules


def _person_violations(data: RosterData, staff_id: int, duties: list[tuple[dt.datetime, dt.datetime, str, Shift]],
                       in_range) -> list[Violation]:
    person = data.staff.get(staff_id)
    if person is None:
        return []
    out: list[Violation] = []
    duties.sort(key=lambda d: d[0])
    rest = dt.timedelta(hours=data.min_rest_hours)
    for i, (start, end, day, shift) in enumerate(duties):
        post = data.posts[shift.post_id]
        if in_range(day):
            for problem in qualification_problems(post, person, day):
                out.append(_v(QUALIFICATION, day, problem, post, shift, person))
        for start2, end2, day2, shift2 in duties[i + 1:]:
            if start2 >= end:
                if shift.is_night and start2 - end < rest and in_range(day2):
                    gap = (start2 - end).total_seconds() / 3600
                    out.append(_v(REST, day2,
                                  f"{day} {post.name}{shift.name}{end:%H:%M} 下班后仅隔 {gap:g} 小时"
                                  f"（至少 {data.min_rest_hours} 小时）", data.posts[shift2.post_id], shift2, person))
                break
            if in_range(day2) or in_range(day):
                out.append(_v(OVERLAP, day2, f"与 {day} {post.name}{shift.name}时间重叠",
                              data.posts[shift2.post_id], shift2, person))
    nights = sorted({dt.date.fromisoformat(day) for _s, _e, day, shift in duties if shift.is_night})
    run = 0
    previous = None
    for night in nights:
        run = run + 1 if previous and night - previous == dt.timedelta(days=1) else 1
        previous = night
        if run > data.max_nights and in_range(night.isoformat()):
            shift = next(s for _a, _b, d, s in duties if d == night.isoformat() and s.is_night)
            out.append(_v(NIGHTS, night, f"连续第 {run} 个夜班或 24 小时班（最多 {data.max_nights} 个）",
                          data.posts[shift.post_id], shift, person))
    return out


# ----------------------------------------------------------------------------- entry points


def check(data: RosterData, *, staff_ids: Iterable[int] | None = None,
          slots: Iterable[tuple[str, int]] | None = None) -> list[Violation]:
    """All violations in the range; or only those of some people and some slots (live check)."""
    first, last = data.first.isoformat(), data.last.isoformat()
    in_range = lambda day: first <= day <= last  # noqa: E731
    out: list[Violation] = []
    if slots is None:
        for day in data.dates():
            for shift in data.slots_on(day):
                out += slot_violations(data, day, shift)
    else:
        for day, shift_id in slots:
            d = dt.date.fromisoformat(day)
            if in_range(day) and shift_id in data.shifts and data.shifts[shift_id] in data.slots_on(d):
                out += slot_violations(data, d, data.shifts[shift_id])
    wanted = None if staff_ids is None else set(staff_ids)
    duties: dict[int, list] = defaultdict(list)
    for a in data.assignments:
        if wanted is not None and a.staff_id not in wanted:
            continue
        shift = data.shifts.get(a.shift_id)
        if shift is None:
            continue
        start, end = shift.interval(dt.date.fromisoformat(a.date))
        duties[a.staff_id].append((start, end, a.date, shift))
    for staff_id, items in duties.items():
        out += _person_violations(data, staff_id, items, in_range)
    order = {r: i for i, r in enumerate(RULES)}
    return sorted(out, key=lambda v: (v.date, order[v.rule], v.post_name, v.shift_name, v.staff_name))


@dataclass(frozen=True)
class Tally:
    staff_id: int
    name: str
    department: str
    duties: int
    nights: int
    weekends: int
    holidays: int
    hours: float


def tallies(data: RosterData) -> list[Tally]:
    """Load per person in the range: duties, nights, weekend and holiday duties, hours."""
    first, last = data.first.isoformat(), data.last.isoformat()
    acc: dict[int, list] = defaultdict(lambda: [0, 0, 0, 0, 0.0])
    for a in data.assignments:
        if not first <= a.date <= last or a.shift_id not in data.shifts:
            continue
        shift = data.shifts[a.shift_id]
        kind = data.day_types.kind(dt.date.fromisoformat(a.date))
        t = acc[a.staff_id]
        t[0] += 1
        t[1] += shift.is_night
        t[2] += kind == WEEKEND
        t[3] += kind == HOLIDAY
        t[4] += shift.hours
    out = [Tally(i, data.staff[i].name, data.staff[i].department_name, *v) for i, v in acc.items() if i in data.staff]
    return sorted(out, key=lambda t: (-t.hours, t.name))
