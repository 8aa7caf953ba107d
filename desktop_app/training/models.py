"""培训与考核: vocabularies and the records the service returns."""
from __future__ import annotations

import math
from dataclasses import dataclass, field

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
