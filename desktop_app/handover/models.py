"""交接班: vocabularies, templates (shifts + checklist), reports, entries, addenda.

Handover day: a report's ``date`` is the *handover day*. Shifts of a template are listed in
order; a shift that starts earlier in the clock than the one before it belongs to the next
calendar day — so the 大夜班 00:00–08:00 of 2026-11-22 runs in the early morning of 11-23, and
the 白班 of 11-23 follows it. ``Shift.interval(day)`` gives the real start and end.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from desktop_app.fields import Field, Fields

NURSE, DOCTOR = "nurse", "doctor"
KIND_LABELS = {NURSE: "护理交接班", DOCTOR: "医师交接班"}
KIND_CATEGORY = {NURSE: "护士", DOCTOR: "医师"}  # whose staff category may sign

DRAFT, HANDED, RECEIVED = "草稿", "已交班", "已接班"

# Census columns in the order of the paper book (病区交班报告).
CENSUS_FIELDS = ("原有", "入院", "转入", "出院", "转出", "死亡", "现有", "手术", "分娩", "病危", "病重", "一级护理")
# Their keys are the names themselves: they are the keys of a report's census as stored (census_json)
# and as services take it ({"原有": 40, …}).
CENSUS = Fields(*(Field(name, name, kind="number", align="right", xlsx_width=6 if len(name) > 2 else 5)
                  for name in CENSUS_FIELDS))
CENSUS_IN = ("入院", "转入")
CENSUS_OUT = ("出院", "转出", "死亡")

# Entry categories in the customary order: who left, who arrived, this shift's key patients.
LEFT = ("出院", "转出", "死亡")
ARRIVED = ("新入", "转入")
KEY = ("手术", "四级手术当日", "分娩", "病危", "病重", "异常")
CATEGORIES = LEFT + ARRIVED + KEY
SECTION_LABELS = {**{c: "离开病区" for c in LEFT}, **{c: "新入与转入" for c in ARRIVED},
                  **{c: "重点患者" for c in KEY}}
GRADE4 = "四级手术当日"
BEDSIDE_MARKS = frozenset({"病危", "病重", GRADE4})  # these need a bedside handover (床旁交接班)
CARRY_OVER = frozenset({"手术", GRADE4, "分娩", "病危", "病重", "异常"})

DEFAULT_SHIFTS = {
    NURSE: [{"name": "白班", "starts": "08:00", "ends": "16:00"},
            {"name": "小夜班", "starts": "16:00", "ends": "24:00"},
            {"name": "大夜班", "starts": "00:00", "ends": "08:00"}],
    DOCTOR: [{"name": "白班", "starts": "08:00", "ends": "17:30"},
             {"name": "夜班", "starts": "17:30", "ends": "08:00"}],
}
TWO_SHIFTS = [{"name": "白班", "starts": "08:00", "ends": "20:00"}, {"name": "夜班", "starts": "20:00", "ends": "08:00"}]
DEFAULT_CHECKLIST = {
    NURSE: [{"name": "毒麻药品（吗啡注射液）", "expected": None}, {"name": "毒麻药品（哌替啶注射液）", "expected": None},
            {"name": "抢救车（封存完好）", "expected": None}, {"name": "除颤仪", "expected": 1},
            {"name": "贵重器械（监护仪）", "expected": None}, {"name": "病历", "expected": None}],
    DOCTOR: [{"name": "危急值处理", "expected": None}, {"name": "待完成会诊", "expected": None}],
}


# A report, its template and the steps taken on it, as forms, validation messages and the audit log
# name them (the audit log's "handover" rows use these keys). Excel widths: the exported workbook's.
HANDOVER_FIELDS = Fields(
    Field("kind", "类别"),                # 护理交接班 / 医师交接班
    Field("department_id", "病区", xlsx_width=14),
    Field("date", "日期", xlsx_width=11, align="center"),
    Field("shift", "班次", xlsx_width=8, align="center"),  # the report's shift
    Field("status", "状态", xlsx_width=8, align="center"),
    Field("census", "病人动态"),
    Field("census_ok", "病人动态是否正确", xlsx_width=9, align="center"),  # the census adds up
    Field("entries", "患者交班内容"),
    Field("items", "交接物品"),
    Field("notes", "备注", xlsx_width=20),
    Field("outgoing", "交班人", xlsx_width=9),          # the outgoing signature: name and time
    Field("outgoing_at", "交班时间", xlsx_width=16, align="center"),
    Field("receiving", "接班人", xlsx_width=9),         # the receiving signature
    Field("receiving_at", "接班时间", xlsx_width=16, align="center"),
    Field("username", "接班人账户"),      # the receiver's account, typed on the same PC
    Field("password", "密码"),
    Field("bedside", "床旁交接"),
    Field("bedside_at", "床旁交接时间", xlsx_width=16, align="center"),
    Field("evidence", "佐证"),            # the bedside handover's paper record
    Field("photo", "附件"),               # … or its photo
    Field("addendum", "补记"),
    Field("reason", "退回原因"),
    Field("shifts", "班次"),              # a template's shift pattern
    Field("checklist", "交接物品"),       # a template's items handed over at every shift
)

# A patient entry (患者交班), as the editor, the validation messages and the exported workbook name its
# fields (Excel widths: the workbook's).
ENTRY_FIELDS = Fields(
    Field("section", "分组", xlsx_width=10),  # 离开病区 / 新入与转入 / 重点患者, from the category
    Field("category", "类别", xlsx_width=11),
    Field("bed", "床号", xlsx_width=6, align="center"),
    Field("patient_name", "姓名", xlsx_width=9),
    Field("diagnosis", "诊断", xlsx_width=16),
    Field("marks", "标记", xlsx_width=12),
    Field("event_time", "时间", xlsx_width=7, align="center"),
    Field("place", "去向/来源", xlsx_width=12),
    Field("operation", "手术名称", xlsx_width=18),
    Field("situation", "现状", xlsx_width=30),
    Field("background", "背景", xlsx_width=26),
    Field("assessment", "评估", xlsx_width=26),
    Field("recommendation", "建议", xlsx_width=26),
    Field("needs_bedside", "须床旁交接", xlsx_width=6, align="center"),  # 病危, 病重 or 四级手术当日
    Field("bedside_by", "床旁交接人", xlsx_width=9),
    Field("carried_from", "接续上一班", xlsx_width=6, align="center"),
)


def minutes(hhmm: str) -> int:
    h, m = hhmm.split(":")
    return int(h) * 60 + int(m)


@dataclass(frozen=True)
class Shift:
    order: int          # 1-based within the handover day
    name: str
    starts: str         # HH:MM
    ends: str           # HH:MM ("00:00" = midnight; not after starts = the next day)
    day_offset: int     # 1 when the shift starts after midnight of the handover day

    @property
    def duration(self) -> int:
        d = (minutes(self.ends) - minutes(self.starts)) % (24 * 60)
        return d or 24 * 60

    def interval(self, day: dt.date) -> tuple[dt.datetime, dt.datetime]:
        start = dt.datetime.combine(day + dt.timedelta(days=self.day_offset), dt.time.fromisoformat(self.starts))
        return start, start + dt.timedelta(minutes=self.duration)

    def label(self) -> str:
        ends = "24:00" if self.ends == "00:00" else self.ends
        return f"{self.name} {self.starts}–{ends}"


def shifts_from(pattern: list[dict]) -> tuple[Shift, ...]:
    out, offset, last = [], 0, None
    for i, s in enumerate(pattern, 1):
        start = minutes(s["starts"])
        if last is not None and start < last:
            offset = 1
        last = start if offset == 0 else start + 24 * 60
        out.append(Shift(i, s["name"], s["starts"], s["ends"], offset))
    return tuple(out)


@dataclass(frozen=True)
class Template:
    department_id: int
    department_name: str
    kind: str
    shifts: tuple[Shift, ...]
    checklist: tuple[dict, ...]   # {"name", "expected"}
    configured: bool              # False: the defaults, not yet saved
    id: int | None = None         # the saved template's row (None: the defaults)

    @property
    def uid(self) -> str:
        """The template's name in the audit log (one per ward and kind)."""
        return f"template:{self.department_id}:{self.kind}"

    @property
    def title(self) -> str:
        return f"{self.department_name}{KIND_LABELS[self.kind]}模板"

    def shift(self, which: int | str) -> Shift | None:
        return next((s for s in self.shifts if s.order == which or s.name == which), None)


@dataclass(frozen=True)
class Entry:
    uid: str
    category: str
    bed: str
    patient_name: str       # masked ("张*") for those who may not see names
    diagnosis: str
    marks: tuple[str, ...]
    event_time: str | None
    place: str | None
    operation: str | None
    situation: str
    background: str
    assessment: str
    recommendation: str
    bedside_at: str | None
    bedside_evidence: str | None
    bedside_by: str | None
    carried_from: str | None
    attachments: tuple[str, ...] = ()   # file names of bedside photos

    @property
    def all_marks(self) -> frozenset[str]:
        return frozenset((self.category, *self.marks))

    @property
    def needs_bedside(self) -> bool:
        return bool(self.all_marks & BEDSIDE_MARKS)

    @property
    def bedside_done(self) -> bool:
        return bool(self.bedside_at and (self.bedside_evidence or self.attachments))

    @property
    def section(self) -> str:
        return SECTION_LABELS[self.category]

    def values(self) -> dict:
        """The entry as values for ``save_draft`` (e.g. a carried-over suggestion)."""
        return {"uid": self.uid, "category": self.category, "bed": self.bed, "patient_name": self.patient_name,
                "diagnosis": self.diagnosis, "marks": list(self.marks), "event_time": self.event_time,
                "place": self.place, "operation": self.operation, "situation": self.situation,
                "background": self.background, "assessment": self.assessment,
                "recommendation": self.recommendation, "carried_from": self.carried_from}


def bed_key(bed: str) -> tuple:
    """Natural order of beds: 2 before 10, 加1 after the numbered beds."""
    digits = "".join(ch for ch in bed if ch.isdigit())
    return (0 if bed[:1].isdigit() else 1, int(digits) if digits else 0, bed)


def entry_sort_key(category: str, bed: str) -> tuple:
    """The customary order: left → arrived → key patients (in KEY order), then by bed."""
    return (CATEGORIES.index(category) if category in CATEGORIES else len(CATEGORIES), bed_key(bed or ""))


@dataclass(frozen=True)
class Addendum:
    text: str
    author: str
    added_at: str


@dataclass(frozen=True)
class Report:
    id: int
    uid: str
    department_id: int
    department_name: str
    kind: str
    date: str
    shift_order: int
    shift_name: str
    shift_starts_at: str
    shift_ends_at: str
    status: str
    census: dict            # field -> value as saved (int, or the text typed in a draft)
    census_ok: bool
    items: tuple[dict, ...]
    notes: str | None
    outgoing_name: str | None
    outgoing_at: str | None
    receiving_name: str | None
    receiving_at: str | None
    created_by: str
    created_at: str
    updated_at: str
    outgoing_user_id: int | None = None
    outgoing_staff_id: int | None = None
    entries: tuple[Entry, ...] = ()
    addenda: tuple[Addendum, ...] = ()
    names_visible: bool = True

    @property
    def title(self) -> str:
        return f"{self.department_name} {self.date} {self.shift_name}{KIND_LABELS[self.kind]}"

    @property
    def frozen(self) -> bool:
        return self.status == RECEIVED

    def missing_bedside(self) -> list[Entry]:
        return [e for e in self.entries if e.needs_bedside and not e.bedside_done]


@dataclass(frozen=True)
class ReportRow:
    """A line of the history list (no entries loaded)."""

    id: int
    department_id: int
    department_name: str
    kind: str
    date: str
    shift_order: int
    shift_name: str
    status: str
    census_ok: bool
    outgoing_name: str | None
    outgoing_at: str | None
    receiving_name: str | None
    receiving_at: str | None


@dataclass(frozen=True)
class ShiftSlot:
    """One shift of one ward on one handover day, with its report if one was written."""

    department_id: int
    department_name: str
    kind: str
    date: str
    shift: Shift
    starts_at: dt.datetime
    ends_at: dt.datetime
    report: ReportRow | None

    @property
    def state(self) -> str:
        """未书写 / 草稿 / 已交班 / 已接班."""
        return self.report.status if self.report else "未书写"

    def ended(self, now: dt.datetime) -> bool:
        return self.ends_at <= now

    def running(self, now: dt.datetime) -> bool:
        return self.starts_at <= now < self.ends_at

    @property
    def title(self) -> str:
        return f"{self.department_name} {self.date} {self.shift.name}{KIND_LABELS[self.kind]}"


@dataclass(frozen=True)
class NewReport:
    """What ``prepare_report`` offers: the shift, 原有 carried over, entries to accept or not."""

    department_id: int
    department_name: str
    kind: str
    date: str
    shift: Shift
    census: dict
    previous_id: int | None
    previous_title: str | None
    suggestions: tuple[Entry, ...] = ()   # the previous report's key patients (not yet accepted)
    items: tuple[dict, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class WardFigures:
    department_id: int | None    # None: the total row
    department_name: str
    expected: int                # shifts × days
    written: int
    received: int                # 已接班
    on_time: int                 # received within the setting's minutes after the shift change
    census_errors: int           # reports whose census does not add up (drafts left so)
    grade4: int                  # 四级手术当日 entries (a patient with two operations counts twice)
    grade4_bedside: int          # … of which handed over at the bedside

    @property
    def bedside_ratio(self) -> float | None:
        return None if not self.grade4 else self.grade4_bedside / self.grade4

    @property
    def bedside_ratio_text(self) -> str:
        r = self.bedside_ratio
        return "—" if r is None else f"{r * 100:.1f}%"


def mask_name(name: str | None) -> str:
    """张三 → 张*, 欧阳娜娜 → 欧***: for those who may not see patient names."""
    name = (name or "").strip()
    return name[:1] + "*" * (len(name) - 1) if name else ""
