"""培训与考核: vocabularies and the records the service returns."""
from __future__ import annotations

import math
from dataclasses import dataclass, field

from desktop_app.fields import Field, Fields

FORMS = ("集中", "科室", "线上")
ASSESSMENT, AWARENESS = "考核", "知晓率调查"
ASSESSMENT_KINDS = (ASSESSMENT, AWARENESS)
DUTY_CODE = "duty"  # the built-in 总值班培训 category: the roster's qualification reads its passed assessments

MEDICAL = ("医师", "护士", "医技", "药师")
STAFF_CATEGORIES = ("医师", "护士", "医技", "药师", "管理", "其他")
ALL_STAFF, MEDICAL_STAFF, DUTY_STAFF, NEW_STAFF = "全体人员", "医务人员", "总值班人员", "新入职人员"
# Staff groups a requirement can name. 总值班人员: on the rotation of, or on duty in the period on, a post that
# requires 总值班 training; 新入职人员: hired during the period (including 进修/规培/实习 who arrived).
STAFF_GROUPS = (ALL_STAFF, MEDICAL_STAFF, *MEDICAL, "管理", DUTY_STAFF, NEW_STAFF)


# ----------------------------------------------------------------------------- fields
# Every field of the module's records, as forms, findings, the sign-in importer and the audit log name
# them (desktop_app/fields.py). The audit log has always called 类别, 组织科室 and 所属培训 ``category``,
# ``department`` and ``session`` (it shows their names): the fields keep those keys, while the values a
# service takes carry the ids as ``category_id``, ``department_id`` and ``session_id``.

# A training session (培训): the form, the audit log (time, expected … are what it records), and a
# person's 个人培训档案, which lists the sessions (print widths: its weights; it exports the same columns).
TRAINING_FIELDS = Fields(
    Field("seq", "序号", pdf_width=8, align="center"),  # the 档案's row number
    Field("title", "培训主题", pdf_width=62),
    Field("category", "类别", pdf_width=22),
    Field("content", "培训内容"),
    Field("date", "日期", kind="date", pdf_width=18, align="center"),
    Field("starts", "开始时间"),
    Field("ends", "结束时间"),
    Field("time", "时间"),  # 开始–结束, as the audit log shows them
    Field("place", "地点"),
    Field("lecturer", "授课人"),
    Field("lecturer_title", "授课人职称"),
    Field("department", "组织科室"),
    Field("hours", "学时", kind="number", pdf_width=9, align="center"),
    Field("form", "形式"),
    Field("audience", "培训对象"),
    Field("expected", "应到"),
    Field("present", "实到"),
    Field("absent", "缺席"),
    Field("walk_ins", "计划外参加"),
    Field("notes", "备注"),
)
SESSION_AUDITED = ("title", "category", "content", "date", "time", "place", "lecturer", "department", "hours", "form",
                   "audience", "expected", "notes")

# An assessment (考核 or 知晓率调查) and what the audit log records of its results; widths: the 个人培训档案's
# 考核记录 (a row per result: the assessment's fields, the person's 成绩, 合格 and which 补考).
ASSESSMENT_FIELDS = Fields(
    Field("seq", "序号", pdf_width=8, xlsx_width=5, align="center"),  # the 档案's row number
    Field("session", "所属培训"),
    Field("kind", "类型", pdf_width=16, xlsx_width=10, align="center"),
    Field("title", "名称", pdf_width=48, xlsx_width=36),
    Field("category", "类别"),
    Field("date", "日期", kind="date", pdf_width=18, xlsx_width=11, align="center"),
    Field("full_mark", "满分", kind="number", xlsx_width=7, align="right"),
    Field("pass_mark", "合格分", kind="number"),
    Field("notes", "备注"),
    Field("tested", "参考人数"),
    Field("passed", "合格人数"),
    Field("make_up", "补考", pdf_width=18, xlsx_width=10, align="center"),  # a result's: 第1次补考 …
    Field("results", "成绩"),
)
ASSESSMENT_AUDITED = ("title", "kind", "category", "date", "full_mark", "pass_mark")

# One person's line of a sign-in and score sheet: the paper sheet's columns as hospitals head them
# (the importer's columns, the import template's widths), and the fields of sign-in and score rows.
# Print widths are the 签到与成绩表's weights (its workbook has the same columns); the 签到表 printed
# before the session has its own (reports.SIGNIN_WIDTHS).
SIGN_IN_FIELDS = Fields(
    Field("seq", "序号", ("序", "no"), pdf_width=9, xlsx_width=6, align="center"),
    Field("department", "科室", ("部门", "所在科室", "所在部门", "科室名称", "科别", "单位", "科室/部门"), pdf_width=22,
          xlsx_width=16),
    Field("name", "姓名", ("名字", "人员姓名", "职工姓名", "员工姓名", "参训人员", "参加人员", "参训人", "签到人"),
          required=True, pdf_width=15, xlsx_width=10, align="center"),
    Field("employee_no", "工号", ("职工号", "员工编号", "员工号", "人员编号", "职工编号", "工作证号"), pdf_width=15,
          xlsx_width=11, align="center"),
    Field("title", "职称", ("专业技术职称", "技术职称"), pdf_width=20, xlsx_width=12, align="center"),
    Field("present", "签到", ("是否参加", "到", "是否到场", "到场", "出勤", "出勤情况", "签到情况", "参加情况", "是否签到",
                            "到课", "出席", "是否出席", "考勤", "签名", "本人签名", "签字", "本人签字", "签到签名"),
          pdf_width=11, xlsx_width=8, align="center"),
    Field("score", "成绩", ("分数", "得分", "考核成绩", "考试成绩", "考核分数", "考试分数", "测试成绩", "理论成绩", "考核得分"),
          pdf_width=11, xlsx_width=8, align="center", xlsx_align="right"),  # text: the importer reads "85分", "８５", "缺考"
    Field("make_up", "补考", ("补考成绩", "补考分数", "补考得分"), pdf_width=11, xlsx_width=8, align="center"),
    Field("make_up_date", "补考日期", kind="date"),
    Field("result", "结果", pdf_width=15, align="center"),  # 合格 / 补考合格 / 不合格 / 未考, from the scores
    Field("note", "备注", ("缺席原因", "请假原因", "情况说明"), pdf_width=27, xlsx_width=20),
    Field("assessment", "考核"),  # the assessment the scores go to
)

# A requirement rule (培训要求) and a category (培训类别).
REQUIREMENT_FIELDS = Fields(
    Field("category", "类别"),
    Field("staff_group", "人员范围"),
    Field("times_per_year", "每年次数", kind="number"),
    Field("before_duty", "上岗前"),
    Field("must_pass", "考核"),
    Field("active", "启用"),
    Field("notes", "说明"),
    Field("rule", "要求"),  # the rule in words, as the audit log records it
)
CATEGORY_FIELDS = Fields(Field("name", "名称"), Field("active", "启用"))


def in_group(group: str, category: str) -> bool:
    """Whether a staff category belongs to a category-defined group (the others depend on records)."""
    if group in (ALL_STAFF, DUTY_STAFF, NEW_STAFF):
        return True
    if group == MEDICAL_STAFF:
        return category in MEDICAL
    return category == group


@dataclass(frozen=True)
class Category:
    id: int
    code: str | None
    name: str
    sort_order: int
    active: bool

    @property
    def uid(self) -> str:  # how the audit log names a category
        return str(self.id)


@dataclass(frozen=True)
class Audience:
    """Who is expected (应到): everyone, or the union of named people and the staff of the given
    departments (with the wards under them) and/or staff categories (both given: their intersection)."""

    everyone: bool = False
    departments: tuple[int, ...] = ()
    categories: tuple[str, ...] = ()
    staff: tuple[int, ...] = ()

    def to_json(self) -> dict:
        return {"all": self.everyone, "departments": list(self.departments), "categories": list(self.categories),
                "staff": list(self.staff)}

    @classmethod
    def from_json(cls, data: dict) -> "Audience":
        return cls(bool(data.get("all")), tuple(data.get("departments") or ()), tuple(data.get("categories") or ()),
                   tuple(data.get("staff") or ()))


@dataclass(frozen=True)
class SessionRow:
    """A line of the session list."""

    id: int
    title: str
    category_id: int
    category: str
    date: str
    starts: str | None
    place: str | None
    lecturer: str | None
    department: str | None
    hours: float
    form: str
    audience_label: str
    expected: int
    present: int
    attendance_recorded: bool
    assessments: int
    present_expected: int = 0    # 实到 among the expected (walk-ins do not raise the 到课率)

    @property
    def attendance_rate(self) -> float | None:
        return self.present_expected / self.expected if self.expected and self.attendance_recorded else None


@dataclass(frozen=True)
class Attendee:
    staff_id: int
    employee_no: str
    name: str
    department: str
    category: str
    title: str | None
    expected: bool
    present: bool | None
    note: str | None


@dataclass(frozen=True)
class TrainingSession:
    id: int
    uid: str
    title: str
    category_id: int
    category: str
    content: str | None
    date: str
    starts: str | None
    ends: str | None
    place: str | None
    lecturer: str | None
    lecturer_title: str | None
    department_id: int | None
    department: str | None
    hours: float
    form: str
    audience: Audience
    audience_label: str
    expected: int
    present: int
    attendance_recorded: bool
    notes: str | None
    attendees: tuple[Attendee, ...] = ()
    assessments: tuple["Assessment", ...] = ()

    @property
    def when(self) -> str:
        times = "–".join(t for t in (self.starts, self.ends) if t)
        return f"{self.date} {times}".strip()


@dataclass(frozen=True)
class Result:
    staff_id: int
    employee_no: str
    name: str
    department: str
    attempt: int
    score: float
    passed: bool
    date: str


@dataclass(frozen=True)
class Assessment:
    id: int
    uid: str
    session_id: int | None
    kind: str
    title: str
    category_id: int
    category: str
    date: str
    full_mark: float
    pass_mark: float
    notes: str | None
    tested: int = 0          # people with a first attempt
    passed_first: int = 0    # … who passed at the first attempt
    passed_final: int = 0    # … who passed at any attempt (补考 included)
    results: tuple[Result, ...] = ()

    @property
    def pass_rate(self) -> float | None:
        return self.passed_first / self.tested if self.tested else None


@dataclass(frozen=True)
class Requirement:
    id: int
    category_id: int
    category: str
    category_code: str | None
    staff_group: str
    times_per_year: int | None
    before_duty: bool
    must_pass: bool
    active: bool
    notes: str | None

    @property
    def uid(self) -> str:  # how the audit log names a requirement
        return str(self.id)

    @property
    def label(self) -> str:
        if self.before_duty:
            what = "上岗前培训" + ("并考核合格" if self.must_pass else "")
        else:
            what = f"每年 {self.times_per_year} 次" + ("，并考核合格" if self.must_pass else "")
        return f"{self.category}：{self.staff_group}{what}"

    def required_in(self, days_employed: int, days_in_year: int) -> int:
        """Sessions required of someone employed ``days_employed`` days of the period: the yearly
        number in proportion, rounded up (a whole year: all of it; half a year: half, rounded up)."""
        if self.before_duty or not self.times_per_year or days_employed <= 0:
            return 0
        return min(self.times_per_year, math.ceil(self.times_per_year * days_employed / days_in_year - 1e-9))


@dataclass(frozen=True)
class Gap:
    """What one person still lacks for one requirement in the period."""

    requirement_id: int
    label: str
    required: int
    attended: int
    needs_pass: bool
    passed: bool
    tested: bool = False    # sat an exam of the category in the period (passed or not)

    @property
    def missing(self) -> int:
        return max(0, self.required - self.attended)

    @property
    def met(self) -> bool:
        return self.missing == 0 and (self.passed or not self.needs_pass)

    def text(self) -> str:
        parts = []
        if self.missing:
            parts.append(f"还差 {self.missing} 次" if self.required else "未参加")
        if self.needs_pass and not self.passed:
            parts.append("考核未合格" if self.tested else "未参加考核")
        return "，".join(parts)


@dataclass(frozen=True)
class PersonCoverage:
    staff_id: int
    employee_no: str
    name: str
    department_id: int
    department: str
    category: str
    title: str | None
    hire_date: str | None
    results: tuple[Gap, ...]

    @property
    def gaps(self) -> tuple[Gap, ...]:
        return tuple(g for g in self.results if not g.met)

    @property
    def complete(self) -> bool:
        return not self.gaps


@dataclass(frozen=True)
class RequirementCoverage:
    requirement: Requirement
    people: int          # people the rule applies to
    met: int

    @property
    def rate(self) -> float | None:
        return self.met / self.people if self.people else None


@dataclass(frozen=True)
class DepartmentCoverage:
    department_id: int | None   # None: the whole hospital
    department: str
    people: int
    complete: int
    tested: int          # 知晓率: people tested in the period's 知晓率调查 (first attempt)
    aware: int           # … who passed

    @property
    def rate(self) -> float | None:
        return self.complete / self.people if self.people else None

    @property
    def awareness(self) -> float | None:
        return self.aware / self.tested if self.tested else None


@dataclass(frozen=True)
class Coverage:
    first: str
    last: str
    awareness_target: float          # e.g. 0.9
    people: tuple[PersonCoverage, ...]
    by_requirement: tuple[RequirementCoverage, ...]
    by_department: tuple[DepartmentCoverage, ...]   # the hospital total last
    left: int = 0                    # staff who left during the period (not counted)
    sessions: int = 0
    participants: int = 0            # attendances (person-times) in the period
    assessment_pass_rate: float | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def total(self) -> DepartmentCoverage:
        return self.by_department[-1]


def percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"
