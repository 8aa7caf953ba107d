"""值班: posts, shifts, the month's assignments, and the time each duty really covers."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

POST_KINDS = ["医院总值班", "医疗总值班", "护理总值班", "行政总值班", "一线", "二线", "三线听班", "护理夜班",
              "医技值班", "其他"]
CHIEF_KINDS = {"医院总值班", "医疗总值班", "护理总值班", "行政总值班"}  # need 总值班 training by default
DRAFT, PUBLISHED = "草稿", "已发布"
SWAP, COVER = "换班", "替班"


@dataclass(frozen=True)
class Shift:
    id: int
    post_id: int
    name: str
    starts: str  # HH:MM
    ends: str    # HH:MM; not after starts = the next day
    on_workdays: bool
    on_weekends: bool
    on_holidays: bool
    sort_order: int
    active: bool

    @property
    def overnight(self) -> bool:
        return self.ends <= self.starts

    @property
    def hours(self) -> float:
        start = _minutes(self.starts)
        end = _minutes(self.ends) + (24 * 60 if self.overnight else 0)
        return (end - start) / 60

    @property
    def is_night(self) -> bool:
        """Night duty (夜班) or a 24-hour duty: covers the hours after midnight."""
        return self.overnight

    def interval(self, day: dt.date) -> tuple[dt.datetime, dt.datetime]:
        start = dt.datetime.combine(day, dt.time.fromisoformat(self.starts))
        end = dt.datetime.combine(day + dt.timedelta(days=1 if self.overnight else 0), dt.time.fromisoformat(self.ends))
        return start, end

    def applies_on(self, day_kind: str) -> bool:
        from desktop_app.roster.calendar import HOLIDAY, WEEKEND

        if day_kind == HOLIDAY:
            return self.on_holidays
        if day_kind == WEEKEND:
            return self.on_weekends
        return self.on_workdays

    def label(self) -> str:
        return f"{self.name} {self.starts}–{'次日' if self.overnight else ''}{self.ends}"


def _minutes(hhmm: str) -> int:
    h, m = hhmm.split(":")
    return int(h) * 60 + int(m)


@dataclass(frozen=True)
class Post:
    id: int
    uid: str
    name: str
    kind: str
    group_name: str
    department_id: int | None
    department_name: str | None
    duties: str | None
    required_category: str | None
    min_title_rank: int
    licence_required: bool
    duty_training_required: bool
    headcount: int
    sort_order: int
    active: bool
    shifts: tuple[Shift, ...] = ()

    def qualification_text(self) -> str:
        from desktop_app.people.models import TITLE_RANK_LABELS

        parts = []
        if self.required_category:
            parts.append(self.required_category)
        if self.min_title_rank:
            parts.append(f"{TITLE_RANK_LABELS[self.min_title_rank]}及以上")
        if self.licence_required:
            parts.append("须有执业证书")
        if self.duty_training_required:
            parts.append("须经总值班培训考核合格")
        return "、".join(parts) or "不限"


@dataclass(frozen=True)
class StaffInfo:
    """What the rules need to know about a person."""

    id: int
    name: str
    employee_no: str
    department_id: int
    department_name: str
    category: str
    title: str | None
    title_rank: int
    licence_no: str | None
    registered_here: bool
    non_registered_reason: str | None
    on_duty: bool
    hire_date: str | None
    leave_date: str | None
    duty_training_passed_on: str | None
    phone: str | None
    pinyin: str = ""

    @property
    def practice_status(self) -> str:
        return "本机构执业" if self.registered_here else (self.non_registered_reason or "非本机构")


@dataclass(frozen=True)
class Assignment:
    date: str
    shift_id: int
    staff_id: int


@dataclass(frozen=True)
class RosterMonth:
    id: int
    month: str
    status: str
    version: int
    published_at: str | None
    published_by: str | None

    @property
    def first_day(self) -> dt.date:
        return dt.date.fromisoformat(self.month + "-01")

    @property
    def last_day(self) -> dt.date:
        return month_bounds(self.month)[1]


@dataclass(frozen=True)
class Revision:
    id: int
    version: int
    kind: str
    date: str
    shift_id: int
    post_name: str
    shift_name: str
    from_staff: str
    to_staff: str
    other_date: str | None
    reason: str
    requested_by: str
    approved_by: str
    recorded_by: str
    recorded_at: str

    def text(self) -> str:
        if self.kind == SWAP and self.other_date:
            return (f"{self.date} {self.post_name}{self.shift_name}：{self.from_staff} 与 {self.to_staff} 换班"
                    f"（{self.to_staff} 的 {self.other_date} 由 {self.from_staff} 值）")
        return f"{self.date} {self.post_name}{self.shift_name}：{self.to_staff} 替 {self.from_staff} 值班"


def month_bounds(month: str) -> tuple[dt.date, dt.date]:
    first = dt.date.fromisoformat(month + "-01")
    nxt = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return first, nxt - dt.timedelta(days=1)


def month_days(month: str) -> list[dt.date]:
    first, last = month_bounds(month)
    return [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]
