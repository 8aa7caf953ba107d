"""The simulated hospital: a realistic county hospital (青山县人民医院, fictional) built into a new file.

``build_demo(path)`` creates a new database with about 55 departments, about 600 staff on duty
(plus those who left during the simulated years) and one login per role (:data:`DEMO_ACCOUNTS`,
shared with the program's practice hospital). Everything goes through the core services, so each
record is validated and audited as if typed in — except the older history of the handover books
(300,000 reports in ten years), of the training records (5,000 sessions, half a million sign-ins)
and of the surgeons' grants, which is checked with the services' own rules and written in bulk
by the simulator's own SQL (:mod:`tools.demo_hospital.bulk`), one audit row per batch (see
:mod:`~tools.demo_hospital.handover`, :mod:`~tools.demo_hospital.training`,
:mod:`~tools.demo_hospital.surgery`). The same ``seed`` and the same "today" (the ``clock``) give
the same hospital.

The file is built under a temporary name beside the target and renamed into place only when
complete, so an interrupted build never leaves a half demo database. An existing file is never
touched unless ``force=True``, and even then only when it is itself a demo database.

How the build runs — and how to add your own demo data
------------------------------------------------------
The build is the list :data:`STEPS` of ``(label, function)``; each function takes the shared
:class:`DemoContext` (session, random generator, clock, departments, staff …) and runs inside
one transaction. The history has three phases:

1. steps before :func:`run_history` run on the day the hospital started using the program
   (``ctx.start``, ``years`` before today): catalogues, departments, the first staff;
2. :func:`run_history` plays every event that earlier steps put on the timeline with
   ``ctx.schedule(date, action)`` in date order, setting the clock to each event's date, so
   record and audit times follow the calendar across domains (an action may schedule more);
3. steps after it run today (``ctx.now``): user accounts, and anything describing the present.

A later module adds its data in its own file, e.g. ``tools/demo_hospital/ledger.py``::

    def add_inspections(ctx: DemoContext) -> None:
        for month in ctx.months():                    # every month start in (start, today)
            ctx.schedule(month, lambda c, m=month: _monthly_inspection(c, m))

and lists it in :data:`STEPS` before ``run_history`` (or after it, for present-day data). Draw
every random choice from ``ctx.rng`` and iterate lists, not sets, so the build stays
reproducible. Staff are looked up with ``ctx.on_duty(department=..., category=...)``, leaders
with ``ctx.leader(department, note)``; departments with ``ctx.departments[name]``.
"""
from __future__ import annotations

import datetime as dt
import heapq
import itertools
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from desktop_app import errors
from desktop_app.accounts import service as accounts
from desktop_app.accounts.permissions import Role
from desktop_app.clock import Clock, FixedClock, SystemClock
from desktop_app.hospital.service import initialize_database
from desktop_app.people import repo
from desktop_app.people import service as people
from desktop_app.people.models import STAFF_EDITABLE, TITLES_BY_CATEGORY, title_rank
from desktop_app.practice.accounts import (  # noqa: F401 - re-exported
    ADMIN_PASSWORD,
    DEMO_ACCOUNTS,
    DEMO_PASSWORD,
    DemoAccount,
    demo_info,
    finish_demo,
)
from desktop_app.practice.hospital import HOSPITAL, new_demo_file
from desktop_app.session import Actor, Session
from tools.demo_hospital.handover import plan_handover, present_handover
from tools.demo_hospital.ledger import plan_ledger
from tools.demo_hospital.names import NameGenerator
from tools.demo_hospital.roster import plan_roster, present_roster
from tools.demo_hospital.submissions import plan_submissions
from tools.demo_hospital.surgery import plan_surgery, present_surgery
from tools.demo_hospital.training import plan_training, present_training

# ----------------------------------------------------------------------------- the hospital
# The same fictional hospital as the practice hospital (its profile: desktop_app.practice.hospital.HOSPITAL).

_SETUP_PASSWORD = "Setup2016a"  # the administrator's first password, changed on the last day
DEMO_ACTOR = Actor(user_id=None, username="qledger-demo", display_name="演示数据生成", role=Role.SYSTEM)
MAX_YEARS = 30


# username -> the leader note of the staff member the account belongs to (None: an ordinary member)
_ACCOUNT_PERSON = {"admin": "科长", "zhikong": "科长", "yuanzhang": "院长", "neike": "科主任",
                   "hushi": None, "jieban": None, "chakan": None}

# code, name, kind, parent, staff per category (the first category supplies the leaders)
DEPARTMENTS: list[tuple[str, str, str, str | None, dict[str, int]]] = [
    ("0101", "心血管内科", "临床", None, {"医师": 10}),
    ("0102", "呼吸内科", "临床", None, {"医师": 8}),
    ("0103", "消化内科", "临床", None, {"医师": 8}),
    ("0104", "神经内科", "临床", None, {"医师": 9}),
    ("0105", "肾内科", "临床", None, {"医师": 6}),
    ("0106", "内分泌科", "临床", None, {"医师": 5}),
    ("0107", "普外科", "临床", None, {"医师": 12}),
    ("0108", "骨科", "临床", None, {"医师": 12}),
    ("0109", "泌尿外科", "临床", None, {"医师": 7}),
    ("0110", "神经外科", "临床", None, {"医师": 7}),
    ("0111", "胸外科", "临床", None, {"医师": 5}),
    ("0112", "妇产科", "临床", None, {"医师": 14}),
    ("0113", "儿科", "临床", None, {"医师": 10}),
    ("0114", "眼科", "临床", None, {"医师": 5, "护士": 2}),
    ("0115", "耳鼻咽喉科", "临床", None, {"医师": 5, "护士": 2}),
    ("0116", "口腔科", "临床", None, {"医师": 6, "护士": 3}),
    ("0117", "皮肤科", "临床", None, {"医师": 3, "护士": 1}),
    ("0118", "中医科", "临床", None, {"医师": 7}),
    ("0119", "康复医学科", "临床", None, {"医师": 5, "医技": 6}),
    ("0120", "急诊科", "临床", None, {"医师": 10}),
    ("0121", "重症医学科", "临床", None, {"医师": 7}),
    ("0122", "麻醉科", "临床", None, {"医师": 10}),
    ("0123", "感染性疾病科", "临床", None, {"医师": 4}),
    ("0201", "心血管内科病区", "护理单元", "心血管内科", {"护士": 18}),
    ("0202", "呼吸内科病区", "护理单元", "呼吸内科", {"护士": 15}),
    ("0203", "消化内科病区", "护理单元", "消化内科", {"护士": 14}),
    ("0204", "神经内科病区", "护理单元", "神经内科", {"护士": 16}),
    ("0205", "肾内科病区", "护理单元", "肾内科", {"护士": 12}),
    ("0206", "普外科病区", "护理单元", "普外科", {"护士": 18}),
    ("0207", "骨科病区", "护理单元", "骨科", {"护士": 18}),
    ("0208", "泌尿外科病区", "护理单元", "泌尿外科", {"护士": 12}),
    ("0209", "神经外科病区", "护理单元", "神经外科", {"护士": 13}),
    ("0210", "妇产科病区", "护理单元", "妇产科", {"护士": 20}),
    ("0211", "儿科病区", "护理单元", "儿科", {"护士": 15}),
    ("0212", "中医康复病区", "护理单元", "康复医学科", {"护士": 12}),
    ("0213", "重症监护病房", "护理单元", "重症医学科", {"护士": 16}),
    ("0214", "急诊观察室", "护理单元", "急诊科", {"护士": 14}),
    ("0215", "手术室", "护理单元", "麻醉科", {"护士": 20}),
    ("0216", "感染科病区", "护理单元", "感染性疾病科", {"护士": 8}),
    ("0301", "检验科", "医技", None, {"医技": 16}),
    ("0302", "医学影像科", "医技", None, {"医师": 6, "医技": 10}),
    ("0303", "超声科", "医技", None, {"医师": 7, "护士": 1}),
    ("0304", "心电图室", "医技", None, {"医师": 2, "医技": 2}),
    ("0305", "病理科", "医技", None, {"医师": 3, "医技": 3}),
    ("0306", "药剂科", "医技", None, {"药师": 22}),
    ("0307", "输血科", "医技", None, {"医技": 4}),
    ("0308", "消毒供应中心", "医技", None, {"护士": 8, "其他": 5}),
    ("0401", "院办", "职能", None, {"医师": 3, "管理": 4}),
    ("0402", "医务科", "职能", None, {"医师": 2, "管理": 2}),
    ("0403", "护理部", "职能", None, {"护士": 3, "管理": 1}),
    ("0404", "质控科", "职能", None, {"医师": 2, "护士": 1, "管理": 1}),
    ("0405", "院感科", "职能", None, {"护士": 2, "医师": 1}),
    ("0406", "信息科", "职能", None, {"管理": 6}),
    ("0407", "人事科", "职能", None, {"管理": 4}),
    ("0408", "财务科", "职能", None, {"管理": 8}),
    ("0409", "设备科", "职能", None, {"管理": 4}),
    ("0410", "总务科", "职能", None, {"管理": 4, "其他": 10}),
]
DEPARTMENTS_BY_NAME = {d[1]: d for d in DEPARTMENTS}

# Leaders, written in 备注 and never leaving during the simulation. A second leader (副主任 /
# 副护士长) is added where the first category has at least BIG_DEPARTMENT people.
LEADERS_BY_KIND = {"临床": ["科主任", "副主任"], "护理单元": ["护士长", "副护士长"],
                   "医技": ["科主任", "副主任"], "职能": ["科长", "副科长"]}
LEADERS_BY_DEPARTMENT = {"院办": ["院长", "副院长", "副院长", "办公室主任"], "护理部": ["护理部主任", "副主任"],
                         "质控科": ["科长"], "院感科": ["科长"]}
BIG_DEPARTMENT = 10
LEADER_TITLES = {"医师": ["主任医师", "副主任医师"], "护士": ["副主任护师", "主管护师"],
                 "医技": ["副主任技师", "主管技师"], "药师": ["副主任药师", "主管药师"]}

# 职称 weights of ordinary registered staff (lowest title first, as in TITLES_BY_CATEGORY); also
# the post quota (岗位结构比例) that yearly promotions fill.
TITLE_WEIGHTS = {"医师": [0, 42, 36, 17, 5], "护士": [30, 40, 28, 2, 0], "医技": [6, 40, 40, 12, 2],
                 "药师": [8, 42, 38, 10, 2]}
OTHER_TITLES = {"财务科": ["会计师", "助理会计师"], "信息科": ["工程师", "助理工程师"], "设备科": ["工程师"]}
# years of service (at the start of the history) by title rank 0–5
SERVICE_YEARS = {0: (0, 30), 1: (0, 4), 2: (0, 9), 3: (5, 20), 4: (12, 27), 5: (18, 30)}
MALE_SHARE = {"医师": 0.55, "护士": 0.05, "医技": 0.5, "药师": 0.35, "管理": 0.45, "其他": 0.6}
# share of men in a department's first category where it differs from MALE_SHARE
MALE_SHARE_BY_DEPARTMENT = {
    "普外科": 0.85, "骨科": 0.9, "泌尿外科": 0.9, "神经外科": 0.9, "胸外科": 0.85, "妇产科": 0.1,
    "儿科": 0.4, "眼科": 0.4, "皮肤科": 0.4, "麻醉科": 0.6, "重症医学科": 0.65, "手术室": 0.15,
    "重症监护病房": 0.15, "急诊观察室": 0.12,
}
PRACTICE_BY_DEPARTMENT = {"中医科": "中医", "口腔科": "口腔"}
DOCTOR_LICENCE_CLASS = {"临床": "10", "中医": "20", "口腔": "30"}

# Staff not registered to practise here: reason, category, count, title weights, where.
TRAINEES = [
    ("实习", "医师", 10, {None: 1}, "临床"),
    ("实习", "护士", 10, {None: 1}, "护理单元"),
    ("规培", "医师", 10, {"医师": 3, None: 1}, "临床"),
    ("进修", "医师", 6, {"医师": 2, "主治医师": 1}, "临床"),
    ("进修", "护士", 4, {"护士": 1, "护师": 1}, "护理单元"),
    ("外院会诊", "医师", 2, {"主任医师": 1, "副主任医师": 1}, ("心血管内科", "神经外科")),
]
TRAINEE_DAYS = {"实习": (300, 340), "规培": (150, 200), "进修": (90, 365), "外院会诊": (700, 1800)}
TOWNSHIPS = ["东河镇卫生院", "石桥镇中心卫生院", "白云乡卫生院", "柳溪镇卫生院", "龙门镇中心卫生院", "青峰乡卫生院"]
# 备注 avoid full-width punctuation: the core normalises text with NFKC, which makes （，） ASCII.
TRAINEE_NOTES = {"实习": "医学院校实习生", "规培": "协同基地住院医师规范化培训轮转",
                 "进修": "来自青山县{township}", "外院会诊": "市人民医院专家 每周四来院会诊"}
EMPLOYEE_PREFIX = {"医师": "D", "护士": "N", "医技": "T", "药师": "P", "管理": "A", "其他": "W",
                   "进修": "JX", "规培": "GP", "实习": "SX", "外院会诊": "HZ"}
JUNIOR_TITLES = {"医师": ["医师"], "护士": ["护士"], "医技": ["技士", "技师"], "药师": ["药士", "药师"]}
MISSING_LICENCES = 4  # registered doctors/nurses without a licence number (shows the warning)
EXTRA_NOTES = ["科室质控员", "院感监控员", "援派乡镇卫生院帮扶", "兼任科室教学秘书", "在职攻读硕士"]
EXTRA_NOTE_SHARE = 0.03
NO_PHONE_SHARE = 0.03
MOBILE_PREFIXES = ["130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152",
                   "153", "155", "156", "157", "158", "159", "180", "181", "182", "183", "185", "186",
                   "187", "188", "189", "191", "198", "199"]

# yearly turnover of registered staff; retirement after RETIRE_YEARS of service
LEAVE_RATE = {"护士": 0.045}
DEFAULT_LEAVE_RATE = 0.03
RETIRE_YEARS, RETIRE_RATE = 30, 0.6
LEAVE_NOTES = ["辞职", "调往其他单位", "考入其他单位", "辞职", "随配偶调动"]
PROMOTION_PASS_RATE = 0.8  # share of candidates who pass the yearly 职称评审


# ----------------------------------------------------------------------------- the context


@dataclass
class DemoPerson:
    """What later steps need to know about a staff member without asking the database."""

    id: int
    name: str
    gender: str
    department: str
    category: str
    title: str | None
    registered: bool
    reason: str | None
    hire_date: dt.date
    licensed: bool
    leader: str | None = None
    on_duty: bool = True
    leave_date: dt.date | None = None


@dataclass
class DemoContext:
    session: Session  # acts as DEMO_ACTOR on the new database, with ``clock``
    clock: FixedClock  # the simulated moment; run_history moves it
    rng: random.Random
    names: NameGenerator
    now: dt.datetime  # the real "now" the demo is built for
    start: dt.date  # the day the hospital started using the program (``years`` before today)
    years: int
    departments: dict[str, int] = field(default_factory=dict)  # name -> id
    department_kinds: dict[str, str] = field(default_factory=dict)  # name -> 临床/医技/护理单元/职能
    people: dict[int, DemoPerson] = field(default_factory=dict)  # staff id -> person
    users: dict[str, int] = field(default_factory=dict)  # username -> user id
    validator: people.StaffValidator | None = None  # made by add_staff; knows the departments of then
    # called as hook(person, last_day, note) when the turnover decides someone will leave (rosters)
    on_leave_planned: list[Callable[["DemoPerson", dt.date, str], None]] = field(default_factory=list)
    _events: list = field(default_factory=list)
    _sequence: itertools.count = field(default_factory=itertools.count)
    _serials: dict[str, int] = field(default_factory=dict)
    _licences: set[str] = field(default_factory=set)
    _names: dict[str, set[str]] = field(default_factory=dict)  # department -> names used there
    _person_sessions: dict[tuple[int, Role], Session] = field(default_factory=dict)
    # username -> who a demo account belongs to, when a step chose (the handover book's nurses on shift)
    account_staff: dict[str, DemoPerson] = field(default_factory=dict)

    @property
    def db(self):
        return self.session.db

    @property
    def today(self) -> dt.date:
        return self.now.date()

    def schedule(self, when: dt.date, action: Callable[["DemoContext"], None]) -> None:
        """Run ``action(ctx)`` on ``when`` during :func:`run_history`; dates outside the history are dropped."""
        if when < self.clock.today():
            raise ValueError(f"cannot schedule {when} before the current simulated day {self.clock.today()}")
        if self.start < when < self.today:
            heapq.heappush(self._events, (when, next(self._sequence), action))

    def months(self) -> list[dt.date]:
        """The first day of every month after ``start`` and before today."""
        d = dt.date(self.start.year, self.start.month, 1)
        out = []
        while d < self.today:
            if d > self.start:
                out.append(d)
            d = dt.date(d.year + d.month // 12, d.month % 12 + 1, 1)
        return out

    def on_duty(self, *, department: str | None = None, category: str | None = None,
                registered: bool | None = None) -> list[DemoPerson]:
        return [p for p in self.people.values() if p.on_duty
                and (department is None or p.department == department)
                and (category is None or p.category == category)
                and (registered is None or p.registered == registered)]

    def leader(self, department: str, note: str) -> DemoPerson:
        """The department's 科主任, 护士长, 科长 … (leaders stay on duty through the history)."""
        for p in self.people.values():
            if p.department == department and p.leader == note:
                return p
        raise KeyError(f"{department} has no {note}")

    def person_session(self, person: "DemoPerson", role: Role) -> Session:
        """A session acting as ``person`` in ``role`` (one per person and role), on the simulated clock."""
        key = (person.id, role)
        if key not in self._person_sessions:
            actor = Actor(user_id=None, username=f"demo-staff-{person.id}", display_name=person.name, role=role,
                          department_id=self.departments[person.department], staff_id=person.id)
            self._person_sessions[key] = Session(self.db, actor, self.clock)
        return self._person_sessions[key]

    def schedule_last(self, when: dt.date, action: Callable[[DemoContext], None]) -> None:
        """Like :meth:`schedule`, but ``action`` runs after every other event of that day (it waits
        while others are pending), so it may use the hours after them without putting the audit
        log out of calendar order."""
        def last(ctx: DemoContext) -> None:
            if ctx._events and ctx._events[0][0] == when:
                ctx.schedule(when, last)
            else:
                action(ctx)

        self.schedule(when, last)

    def date_between(self, first: dt.date, last: dt.date) -> dt.date:
        return first + dt.timedelta(days=self.rng.randint(0, max(0, (last - first).days)))


Step = tuple[str, Callable[[DemoContext], None]]


# ----------------------------------------------------------------------------- departments


def add_departments(ctx: DemoContext) -> None:
    for order, (code, name, kind, parent, _staffing) in enumerate(DEPARTMENTS, start=1):
        dept = people.create_department(ctx.session, {
            "code": code, "name": name, "kind": kind, "parent_id": ctx.departments.get(parent),
            "sort_order": order * 10, "phone": "8" + code[1:],
        })
        ctx.departments[name] = dept.id
        ctx.department_kinds[name] = kind


# ----------------------------------------------------------------------------- staff


def _same_day_years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _years_before(day: dt.date, years: float) -> dt.date:
    return day - dt.timedelta(days=round(years * 365.25))


def _gender(ctx: DemoContext, category: str, department: str) -> str:
    share = MALE_SHARE[category]
    if category == _main_category(department):
        share = MALE_SHARE_BY_DEPARTMENT.get(department, share)
    return "男" if ctx.rng.random() < share else "女"


def _licence(ctx: DemoContext, category: str, practice: str | None, hire: dt.date) -> str | None:
    """医师执业证书编码 (15 digits) or 护士执业证书编号 (12 digits), unique in the hospital."""
    while True:
        serial = ctx.rng.randrange(1, 10**6)
        if category == "医师":
            number = f"1{DOCTOR_LICENCE_CLASS.get(practice, '10')}341599{serial:06d}"
        elif category == "护士":
            number = f"{max(hire.year, 1995)}34{serial:06d}"
        else:
            return None
        if number not in ctx._licences:
            ctx._licences.add(number)
            return number


def _phone(ctx: DemoContext) -> str | None:
    if ctx.rng.random() < NO_PHONE_SHARE:
        return None
    return ctx.rng.choice(MOBILE_PREFIXES) + f"{ctx.rng.randrange(10**8):08d}"


def _main_category(department: str) -> str:
    """The category a department is staffed for (its leaders come from it)."""
    return next(iter(DEPARTMENTS_BY_NAME[department][4]))


def _plan(ctx: DemoContext, *, department: str, category: str, title: str | None, hire: dt.date,
          reason: str | None = None, leader: str | None = None, notes: str | None = None) -> dict:
    """The form values of one new staff member (without 工号, given when inserted)."""
    practice = None
    if category == "医师":
        practice = PRACTICE_BY_DEPARTMENT.get(department, "临床")
    elif category == "护士":
        practice = "护理"
    has_licence = category in ("医师", "护士") and (reason is None or (reason != "实习" and title))
    gender = _gender(ctx, category, department)
    used = ctx._names.setdefault(department, set())
    name = ctx.names.name(gender, avoid=used)
    used.add(name)
    return {
        "name": name, "gender": gender, "department_id": ctx.departments[department],
        "category": category, "title": title,
        "licence_no": _licence(ctx, category, practice, hire) if has_licence else None,
        "practice_category": practice if has_licence else None,
        "registered_here": reason is None, "non_registered_reason": reason,
        "hire_date": hire, "on_duty": True, "phone": _phone(ctx),
        "notes": notes or leader,
        "_department": department, "_leader": leader,
    }


def _ordinary_title(ctx: DemoContext, department: str, category: str) -> str | None:
    if category in TITLE_WEIGHTS:
        return ctx.rng.choices(TITLES_BY_CATEGORY[category], weights=TITLE_WEIGHTS[category])[0]
    if department in OTHER_TITLES and ctx.rng.random() < 0.6:
        return ctx.rng.choice(OTHER_TITLES[department])
    return None


def _registered_plans(ctx: DemoContext) -> list[dict]:
    plans = []
    for _code, department, kind, _parent, staffing in DEPARTMENTS:
        leaders = LEADERS_BY_DEPARTMENT.get(department)
        if leaders is None:
            big = next(iter(staffing.values())) >= BIG_DEPARTMENT
            leaders = LEADERS_BY_KIND[kind][: 2 if big else 1]
        leaders = list(leaders)
        for category, count in staffing.items():
            for _ in range(count):
                leader = leaders.pop(0) if leaders else None
                if leader and category in LEADER_TITLES:
                    title = ctx.rng.choice(LEADER_TITLES[category])
                else:
                    title = _ordinary_title(ctx, department, category)
                low, high = SERVICE_YEARS[title_rank(title)]
                if leader:
                    low, high = max(low, 10), min(high, 26)  # leaders do not retire during the history
                hire = _years_before(ctx.start, ctx.rng.uniform(low, high))
                notes = leader or (ctx.rng.choice(EXTRA_NOTES) if ctx.rng.random() < EXTRA_NOTE_SHARE else None)
                plans.append(_plan(ctx, department=department, category=category, title=title, hire=hire,
                                   leader=leader, notes=notes))
    # a few licensed professions without a licence number, so the validation warning is visible
    candidates = [p for p in plans if p["licence_no"] and not p["_leader"]]
    for p in ctx.rng.sample(candidates, MISSING_LICENCES):
        ctx._licences.discard(p["licence_no"])
        p["licence_no"], p["notes"] = None, "执业证书变更注册办理中"
    return plans


def _trainee_plan(ctx: DemoContext, spec: tuple, first_day: dt.date) -> dict:
    """A newcomer of one TRAINEES row; they leave when their time is over and someone else comes."""
    reason, category, _count, titles, where = spec
    if isinstance(where, tuple):
        department = ctx.rng.choice(where)
    else:
        department = ctx.rng.choice([d for _c, d, kind, _p, _s in DEPARTMENTS if kind == where])
    title = ctx.rng.choices(list(titles), weights=list(titles.values()))[0]
    notes = TRAINEE_NOTES[reason].format(township=ctx.rng.choice(TOWNSHIPS))
    plan = _plan(ctx, department=department, category=category, title=title, hire=first_day,
                 reason=reason, notes=notes)
    plan["_trainee"] = spec
    return plan


def _validated(ctx: DemoContext, values: dict, staff_id: int | None = None) -> dict:
    clean, findings = ctx.validator.validate(values, staff_id=staff_id)
    bad = [f.text() for f in findings if f.is_error]
    if bad:  # a mistake in the builder's tables, not in anything the user did
        raise RuntimeError(f"演示数据未通过校验（{values['name']}）：" + "；".join(bad))
    return clean


def _insert(ctx: DemoContext, plan: dict) -> DemoPerson:
    """Validate and insert one planned person (audited), giving the next 工号 of its series."""
    prefix = EMPLOYEE_PREFIX[plan["non_registered_reason"] or plan["category"]]
    ctx._serials[prefix] = ctx._serials.get(prefix, 0) + 1
    values = {k: v for k, v in plan.items() if not k.startswith("_")}
    values["employee_no"] = f"{prefix}{ctx._serials[prefix]:04d}"
    staff = people.insert_staff_row(ctx.session, _validated(ctx, values))
    ctx.validator.remember(staff.employee_no, staff.id)
    person = DemoPerson(staff.id, staff.name, staff.gender, plan["_department"], staff.category, staff.title,
                        staff.registered_here, staff.non_registered_reason, plan["hire_date"],
                        licensed=staff.licence_no is not None, leader=plan["_leader"])
    ctx.people[staff.id] = person
    if "_trainee" in plan:
        spec = plan["_trainee"]
        ends = plan["hire_date"] + dt.timedelta(days=ctx.rng.randint(*TRAINEE_DAYS[spec[0]]))
        ctx.schedule(max(ends, ctx.clock.today()), lambda c: _trainee_leaves(c, person, spec))
    return person


def _update(ctx: DemoContext, person: DemoPerson, changes: dict) -> None:
    before = repo.get_staff(ctx.db, person.id)
    merged = {k: getattr(before, k) for k in STAFF_EDITABLE} | changes
    after = people.update_staff_row(ctx.session, before, _validated(ctx, merged, person.id))
    person.title, person.on_duty = after.title, after.on_duty
    person.leave_date = dt.date.fromisoformat(after.leave_date) if after.leave_date else None


def add_staff(ctx: DemoContext) -> None:
    """About 600 staff on the first day, oldest hires first (so 工号 follow seniority)."""
    ctx.validator = people.StaffValidator(ctx.db, ctx.today)
    plans = _registered_plans(ctx)
    for spec in TRAINEES:
        for _ in range(spec[2]):
            first_day = ctx.start - dt.timedelta(days=ctx.rng.randint(0, TRAINEE_DAYS[spec[0]][0] - 1))
            plans.append(_trainee_plan(ctx, spec, first_day))
    plans.sort(key=lambda p: p["hire_date"])
    for plan in plans:
        _insert(ctx, plan)


# ----------------------------------------------------------------------------- the years


def _service_years(person: DemoPerson, day: dt.date) -> float:
    return (day - person.hire_date).days / 365.25


def _hire_replacement(ctx: DemoContext, department: str, category: str) -> None:
    day = ctx.clock.today()
    titles = JUNIOR_TITLES.get(category)
    title = ctx.rng.choice(titles) if titles else _ordinary_title(ctx, department, category)
    _insert(ctx, _plan(ctx, department=department, category=category, title=title, hire=day))


def _leaves(ctx: DemoContext, person: DemoPerson, note: str) -> None:
    if not person.on_duty:
        return
    day = ctx.clock.today()
    _update(ctx, person, {"on_duty": False, "leave_date": day, "notes": note})
    back = day + dt.timedelta(days=ctx.rng.randint(20, 120))
    ctx.schedule(back, lambda c: _hire_replacement(c, person.department, person.category))


def _trainee_leaves(ctx: DemoContext, person: DemoPerson, spec: tuple) -> None:
    _update(ctx, person, {"on_duty": False, "leave_date": ctx.clock.today()})
    nxt = ctx.clock.today() + dt.timedelta(days=ctx.rng.randint(0, 45))
    ctx.schedule(nxt, lambda c: _insert(c, _trainee_plan(c, spec, nxt)))


def _yearly_turnover(ctx: DemoContext, until: dt.date) -> None:
    """At the start of each simulated year: who will leave during it (retirements, resignations)."""
    today = ctx.clock.today()
    for person in ctx.on_duty(registered=True):
        if person.leader:
            continue
        retiring = _service_years(person, today) >= RETIRE_YEARS
        rate = RETIRE_RATE if retiring else LEAVE_RATE.get(person.category, DEFAULT_LEAVE_RATE)
        if ctx.rng.random() < rate:
            note = "退休" if retiring else ctx.rng.choice(LEAVE_NOTES)
            day = ctx.date_between(today, until)
            ctx.schedule(day, lambda c, p=person, n=note: _leaves(c, p, n))
            for hook in ctx.on_leave_planned:
                hook(person, day, note)


def _promotions(ctx: DemoContext) -> None:
    """职称晋升, once a year, within the post quota (岗位结构比例): where a title has fewer holders
    than TITLE_WEIGHTS allow, the longest-serving eligible holders of the title below move up."""
    today = ctx.clock.today()
    for category, weights in TITLE_WEIGHTS.items():
        titles = TITLES_BY_CATEGORY[category]
        staff = [p for p in ctx.on_duty(category=category, registered=True) if p.title in titles]
        for i in range(len(titles) - 1, 0, -1):
            quota = round(len(staff) * weights[i] / sum(weights))
            vacancies = quota - sum(p.title == titles[i] for p in staff)
            eligible = sorted((p for p in staff if p.title == titles[i - 1]
                               and _service_years(p, today) >= SERVICE_YEARS[title_rank(titles[i])][0]),
                              key=lambda p: p.hire_date)
            for person in eligible[: max(0, vacancies)]:
                if ctx.rng.random() < PROMOTION_PASS_RATE:
                    _update(ctx, person, {"title": titles[i]})


def plan_history(ctx: DemoContext) -> None:
    """Put each simulated year's turnover and promotions on the timeline."""
    for k in range(ctx.years):
        year_start = ctx.start + dt.timedelta(days=round(k * 365.25) + 1)
        year_end = ctx.start + dt.timedelta(days=round((k + 1) * 365.25))
        ctx.schedule(year_start, lambda c, end=year_end: _yearly_turnover(c, end))
        ctx.schedule(year_start + dt.timedelta(days=300), _promotions)


def run_history(ctx: DemoContext) -> None:
    """Play the scheduled events in date order; each event's records carry its date and time."""
    day, n = None, 0
    while ctx._events:
        when, _seq, action = heapq.heappop(ctx._events)
        n = n + 1 if when == day else 0
        day = when
        ctx.clock.current = dt.datetime.combine(when, dt.time(8)) + dt.timedelta(minutes=min(n, 900))
        action(ctx)
    ctx.clock.current = ctx.now


# ----------------------------------------------------------------------------- accounts


def account_people(ctx: DemoContext) -> dict[str, DemoPerson]:
    """username -> the staff member each demo account belongs to: a leader by its note, else the
    next ordinary registered member of the department on duty (two accounts, two people)."""
    out: dict[str, DemoPerson] = {}
    for account in DEMO_ACCOUNTS:
        note = _ACCOUNT_PERSON[account.username]
        if account.username in ctx.account_staff:
            out[account.username] = ctx.account_staff[account.username]
            continue
        if note:
            out[account.username] = ctx.leader(account.department, note)
            continue
        taken = {p.id for p in out.values()}
        out[account.username] = next(
            p for p in ctx.on_duty(department=account.department, registered=True)
            if not p.leader and (p.licensed or p.category not in ("医师", "护士")) and p.id not in taken)
    return out


def add_accounts(ctx: DemoContext) -> None:
    """The administrator logs in, sets the documented password and creates one account per role."""
    login = accounts.authenticate(ctx.db, "admin", _SETUP_PASSWORD, ctx.clock)
    admin = Session(ctx.db, login.actor, ctx.clock)
    accounts.change_own_password(admin, _SETUP_PASSWORD, ADMIN_PASSWORD)
    people_of = account_people(ctx)
    for account in DEMO_ACCOUNTS:
        person = people_of[account.username]
        values = {"display_name": person.name, "role": account.role.value,
                  "department_id": ctx.departments[account.department], "staff_id": person.id}
        if account.username == "admin":
            accounts.update_user(admin, login.actor.user_id, values)
            ctx.users["admin"] = login.actor.user_id
        elif account.username not in ctx.users:  # hushi and jieban were opened with the wards' accounts
            user = accounts.create_user(admin, {"username": account.username, "password_is_final": True, **values},
                                        account.password)
            ctx.users[account.username] = user.id


STEPS: list[Step] = [
    ("科室", add_departments),
    ("人员名册", add_staff),
    ("人员变动与职称晋升", plan_history),
    ("检查与问题台账", plan_ledger),
    ("培训与考核", plan_training),  # before the rosters: their 总值班 newcomers are trained and examined
    ("值班岗位与轮转表", plan_roster),
    ("交接班记录", plan_handover),
    ("手术分级目录与手术授权", plan_surgery),
    ("半年/全年报送", plan_submissions),  # last: each submission gathers what the other steps recorded
    # ↑ steps on the first day (ctx.start) · the history · steps today (ctx.now) ↓
    ("历年记录", run_history),
    ("今日交接班", present_handover),  # before the accounts: its records are stamped between 08:00 and now
    ("用户账户", add_accounts),
    ("本月与下月值班表", present_roster),
    ("本年培训计划", present_training),
    ("下一年手术分级目录", present_surgery),
]


# ----------------------------------------------------------------------------- building the file


@dataclass(frozen=True)
class DemoSummary:
    path: Path
    hospital: str
    years: int
    seed: int
    departments: dict[str, int]  # kind -> count
    staff_on_duty: int
    staff_left: int
    non_registered: dict[str, int]  # reason -> count on duty
    accounts: tuple[DemoAccount, ...]
    seconds: float

    def lines(self) -> list[str]:
        kinds = "、".join(f"{k} {n}" for k, n in self.departments.items())
        reasons = "、".join(f"{k} {n}" for k, n in self.non_registered.items())
        out = [
            f"已生成演示医院“{self.hospital}”：{self.path}",
            f"  科室 {sum(self.departments.values())} 个（{kinds}）",
            f"  在岗人员 {self.staff_on_duty} 人（其中非本机构执业 {sum(self.non_registered.values())} 人：{reasons}），"
            f"已离岗 {self.staff_left} 人",
            f"  模拟 {self.years} 年的人员变动，随机种子 {self.seed}",
            "演示账户（首次登录无须修改密码，仅供试用）：",
        ]
        out += [f"  {a.username:<10} 密码 {a.password:<10} {a.role.label}  {a.description}" for a in self.accounts]
        out.append(f"用时 {self.seconds:.1f} 秒")
        return out


def _summarize(db, path: Path, years: int, seed: int, seconds: float) -> DemoSummary:
    kinds = dict(db.query("SELECT kind, count(*) FROM departments GROUP BY kind ORDER BY min(sort_order)"))
    reasons = dict(db.query("SELECT non_registered_reason, count(*) FROM staff WHERE on_duty = 1 AND registered_here = 0"
                            " GROUP BY 1 ORDER BY 2 DESC, 1"))
    return DemoSummary(
        path=path, hospital=HOSPITAL["name"], years=years, seed=seed, departments=kinds,
        staff_on_duty=db.scalar("SELECT count(*) FROM staff WHERE on_duty = 1"),
        staff_left=db.scalar("SELECT count(*) FROM staff WHERE on_duty = 0"),
        non_registered=reasons, accounts=tuple(DEMO_ACCOUNTS), seconds=seconds,
    )


def build_demo(
    path: Path | str,
    *,
    years: int = 1,
    seed: int = 2026,
    clock: Clock | None = None,
    progress: Callable[[str, int, int], None] | None = None,
    force: bool = False,
) -> DemoSummary:
    """Build the demo hospital into the new file ``path``; returns what was made.

    ``progress(label, done, total)`` is called before each step (it may raise
    :class:`~desktop_app.errors.Cancelled`; nothing is left behind). ``force`` replaces an existing
    demo database; a file that is not a demo database is never overwritten.
    """
    if not 0 <= years <= MAX_YEARS:
        raise errors.UserError(f"模拟年限须为 0–{MAX_YEARS} 年。")
    started = time.perf_counter()
    now = (clock or SystemClock()).now().replace(microsecond=0)
    start = _same_day_years_before(now.date(), years)
    first_moment = now if years == 0 else dt.datetime.combine(start, dt.time(8))
    sim_clock = FixedClock(first_moment)
    with new_demo_file(path, force=force) as tmp:
        db = initialize_database(tmp, HOSPITAL, {"username": "admin", "display_name": "系统管理员",
                                                 "password": _SETUP_PASSWORD}, clock=sim_clock)
        try:
            rng = random.Random(seed)
            ctx = DemoContext(session=Session(db, DEMO_ACTOR, sim_clock), clock=sim_clock, rng=rng,
                              names=NameGenerator(rng), now=now, start=start, years=years)
            for done, (label, step) in enumerate(STEPS):
                if progress:
                    progress(label, done, len(STEPS))
                with db.transaction():
                    step(ctx)
            if progress:
                progress("完成", len(STEPS), len(STEPS))
            finish_demo(ctx.session, {"seed": seed, "years": years, "built_for": now.date().isoformat()}, "演示数据")
            summary = _summarize(db, Path(path), years, seed, time.perf_counter() - started)
        finally:
            db.close()
    return summary
