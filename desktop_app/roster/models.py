"""值班: posts, shifts, the month's assignments, and the time each duty really covers."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from desktop_app.fields import Field, Fields

POST_KINDS = ["医院总值班", "医疗总值班", "护理总值班", "行政总值班", "一线", "二线", "三线听班", "护理夜班",
              "医技值班", "其他"]
CHIEF_KINDS = {"医院总值班", "医疗总值班", "护理总值班", "行政总值班"}  # need 总值班 training by default
DRAFT, PUBLISHED = "草稿", "已发布"
SWAP, COVER = "换班", "替班"

# Every field of the roster as forms, the importer, the template, the printouts and the audit log name
# it (see desktop_app/fields.py).

# 值班岗位 (its dialog, the audit log); "shift" and "rotation" are the post's 班次 and 轮转表
POST_FIELDS = Fields(
    Field("name", "岗位名称"),
    Field("kind", "岗位类型"),
    Field("group_name", "分组"),
    Field("department_id", "科室"),
    Field("duties", "岗位职责"),
    Field("required_category", "人员类别要求"),
    Field("min_title_rank", "最低职称"),
    Field("qualification", "资质证明"),  # the dialog's row holding the two check boxes below
    Field("licence_required", "须有执业证书"),
    Field("duty_training_required", "须经总值班培训"),
    Field("headcount", "每班人数"),
    Field("sort_order", "排序"),
    Field("active", "启用"),
    Field("shift", "班次"),
    Field("rotation", "轮转表"),
)

# 班次 of a post
SHIFT_FIELDS = Fields(
    Field("name", "班次名称"),
    Field("starts", "开始时间"),
    Field("ends", "结束时间"),
    Field("days", "适用日"),  # at least one of the three below
    Field("on_workdays", "工作日"),
    Field("on_weekends", "周末"),
    Field("on_holidays", "节假日"),
    Field("active", "启用"),
)

# 节假日 (its dialog and the audit log)
HOLIDAY_FIELDS = Fields(
    Field("date", "日期"),
    Field("last", "至"),  # the last day of a run added at once
    Field("kind", "类型"),
    Field("name", "名称"),
    Field("confirmed", "已核对"),
)

# A month's roster: planning steps and revisions as the audit log, the 换班/替班 dialog and the importer
# name them. ``date`` and ``weekday`` are also the import template's first columns (Excel widths in
# characters); ``duty`` is a post·shift column of an imported sheet (its findings carry the heading).
# Print and other Excel widths are the 换班/替班记录's (the printout's table, the workbook's 变更记录).
ROSTER_FIELDS = Fields(
    Field("month", "月份"),
    Field("status", "状态"),
    Field("version", "版本", pdf_width=7, xlsx_width=6, align="center"),
    Field("date", "日期", ("值班日期", "日", "date", "时间"), kind="date", pdf_width=10, xlsx_width=11, align="center"),
    Field("weekday", "星期", xlsx_width=11),
    Field("post", "岗位", xlsx_width=14),
    Field("shift", "班次", xlsx_width=8),
    Field("shift_id", "值班"),  # the duty a revision concerns: date, post and shift
    Field("staff", "人员"),
    Field("duty", "值班人员"),
    Field("change", "变动"),
    Field("count", "条数"),
    Field("source", "来源"),
    Field("confirmed", "确认的违规"),
    Field("kind", "类型", pdf_width=5, xlsx_width=6, align="center"),
    Field("from_staff_id", "原值班人员"),
    Field("to_staff_id", "接替人员"),
    Field("other_shift_id", "对方的班"),
    Field("reason", "原因", pdf_width=18, xlsx_width=20),
    Field("requested_by", "申请人", pdf_width=8, xlsx_width=10, align="center", xlsx_align="left"),
    Field("approved_by", "批准人", pdf_width=10, xlsx_width=10, align="center", xlsx_align="left"),
    Field("recorded_by", "登记人", xlsx_width=10),  # who entered a revision, and when
    Field("recorded_at", "登记时间", pdf_width=14, xlsx_width=17, align="center", xlsx_align="left"),
)


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
    uid: str | None = field(default=None, compare=False)
    post_name: str = field(default="", compare=False)

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
class Holiday:
    date: str
    kind: str  # 法定节假日 / 调休上班
    name: str
    confirmed: bool


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
