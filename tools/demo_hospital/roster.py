"""The demo hospital's duty rosters (值班表): posts on the first day, then every month of the history.

Everything goes through the roster services as the people who would do it, on the day they would
do it (the builder's scheduler sets the clock):

* on the first day 医务科 sets up the posts of a county 二级 hospital (:data:`POSTS`: 总值班, each
  department's 一线, the systems' 二线 and 三线听班, every ward's 护理夜班, 医技 duty), their shifts
  and rotation lists, enters the 总值班岗前培训 sessions of the last two years with their passed
  exams for everyone on a 总值班 rotation (training records, see
  :func:`tools.demo_hospital.training.duty_training`) and the mobile number of anyone on a rotation
  who had none (through the people service, so the audit log has it); whoever joins a 总值班
  rotation later is trained and examined a few days before the month is planned;
* around the 20th–25th of every month the planners build next month: 医务科 the doctors', 总值班
  and 医技 posts, 护理部 the wards' night shifts. Rotation lists are brought up to date first
  (people who joined, were promoted, retired or resigned), then the month is filled in turn order
  from the rotation, skipping anyone who would overlap another duty or lack the rest after a
  night, and inserted in one bulk step per planner; 医务科 publishes it (now and then with a
  short-staffed department's violation, confirmed at publication);
* during the month a few 换班/替班 are recorded with their reason, asked for by the person on
  duty and approved by the department head (or 医务科 for hospital-wide posts); when someone
  hands in their resignation (the hospital's turnover), the duties they would have after leaving
  are covered by colleagues (替班, 离职) and they are left out of later months;
* today the current month is published and next month is a draft that 医务科 has started: some
  posts planned, the 二线/三线 and a few wards still empty.

The planner keeps its own picture of everyone's duties (no database reads per assignment), so a
month of about 1,800 duties costs one insert per planner and one check at publication.

Random choices come from a generator derived from the builder's ``ctx.rng`` without drawing from
it, so adding the rosters leaves the staff and ledger history of a seed unchanged.
"""
from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

from desktop_app.accounts.permissions import Role
from desktop_app.people import service as people
from desktop_app.people.models import title_rank
from desktop_app.roster import service as roster
from desktop_app.roster.calendar import DayTypes
from desktop_app.roster.models import (
    COVER,
    PUBLISHED,
    SWAP,
    Post,
    Shift,
    month_bounds,
    month_days,
)
from desktop_app.session import Session

if TYPE_CHECKING:  # hospital.py imports this module for its STEPS
    from tools.demo_hospital.hospital import DemoContext, DemoPerson

# ----------------------------------------------------------------------------- posts

# shift templates: (name, starts, ends, on_workdays, on_weekends, on_holidays)
SHIFTS = {
    "24h": [("24小时", "08:00", "08:00", True, True, True)],
    "night+24h": [("夜班", "17:30", "08:00", True, False, False), ("24小时", "08:00", "08:00", False, True, True)],
    "standby": [("听班", "17:30", "08:00", True, False, False), ("24小时听班", "08:00", "08:00", False, True, True)],
    "day+night": [("白班", "08:00", "17:30", False, True, True), ("夜班", "17:30", "08:00", True, True, True)],
    "always": [("白班", "08:00", "17:30", True, True, True), ("夜班", "17:30", "08:00", True, True, True)],
    "night": [("夜班", "17:30", "08:00", True, True, True)],
}

MEDICINE = ["心血管内科", "呼吸内科", "消化内科", "神经内科", "肾内科", "内分泌科", "中医科", "康复医学科", "感染性疾病科"]
SURGERY = ["普外科", "胸外科", "骨科", "泌尿外科", "神经外科", "眼科", "耳鼻咽喉科", "口腔科"]
OFFICES = ["院办", "医务科", "护理部", "质控科", "院感科", "信息科", "人事科", "财务科", "设备科", "总务科"]
WARDS = ["心血管内科病区", "呼吸内科病区", "消化内科病区", "神经内科病区", "肾内科病区", "普外科病区", "骨科病区",
         "泌尿外科病区", "神经外科病区", "妇产科病区", "儿科病区", "中医康复病区", "重症监护病房", "急诊观察室",
         "手术室", "感染科病区"]
HEADS = ("科主任", "护士长", "科长", "院长", "护理部主任", "办公室主任")  # who approves a department's changes


class PostSpec(NamedTuple):
    name: str
    kind: str
    group: str
    department: str | None  # the post's department (its head plans and approves), None: hospital-wide
    shifts: str  # key of SHIFTS
    pool: str  # how the rotation list is drawn (see _eligible)
    departments: tuple[str, ...]  # whose staff are on the rotation
    category: str | None = None
    min_rank: int = 0
    licence: bool = False
    headcount: int = 1
    duties: str = ""


def _first_line(name: str, departments: list[str], shifts: str = "day+night", group: str = "内科系统") -> PostSpec:
    return PostSpec(name, "一线", group, departments[0], shifts, "first", tuple(departments), "医师", 2, True,
                    duties="负责病区患者的诊疗、急会诊和新入院患者处置；遇疑难危重及时请示二线。")


def _posts() -> list[PostSpec]:
    chief = "统筹全院夜间及节假日医疗、护理、行政工作，处理突发事件和投诉，协调院内会诊与急救，督查各岗位在岗情况。"
    out = [
        PostSpec("医院总值班", "医院总值班", "总值班", "医务科", "24h", "office_staff", tuple(OFFICES), duties=chief),
        PostSpec("行政总值班", "行政总值班", "总值班", "院办", "night+24h", "office_heads", tuple(OFFICES),
                 duties="院领导行政值班：重大事件决策，突发公共卫生事件和群体伤的组织指挥，对外联络。"),
        PostSpec("医疗总值班", "医疗总值班", "总值班", "医务科", "standby", "medical_heads",
                 tuple(["医务科", *MEDICINE, *SURGERY, "妇产科", "儿科", "急诊科", "重症医学科", "麻醉科"]), "医师", 4,
                 True, duties="协调急危重症抢救、多学科会诊和医疗纠纷的现场处置，必要时到场指挥。"),
        PostSpec("护理总值班", "护理总值班", "总值班", "护理部", "standby", "nursing_heads", tuple(["护理部", *WARDS]),
                 "护士", 3, True, duties="巡查各病区护理质量与安全，调配夜间护理人力，处理护理突发事件。"),
    ]
    out += [
        _first_line("心血管内科一线", ["心血管内科"]),
        _first_line("呼吸内科一线", ["呼吸内科"]),
        _first_line("消化内科一线", ["消化内科"]),
        _first_line("神经内科一线", ["神经内科"]),
        _first_line("肾内科、内分泌科一线", ["肾内科", "内分泌科"], "24h"),
        _first_line("中医康复一线", ["中医科", "康复医学科"], "24h"),
        _first_line("感染性疾病科一线", ["感染性疾病科"], "24h"),
        PostSpec("内科二线", "二线", "内科系统", None, "standby", "second", tuple(MEDICINE), "医师", 3, True,
                 duties="指导一线处理疑难危重患者，接到一线请示后 30 分钟内到场。"),
        PostSpec("内科三线", "三线听班", "内科系统", None, "standby", "third", tuple(MEDICINE), "医师", 4, True,
                 duties="听班：疑难危重患者抢救和重大手术决策，接到通知后及时到场。"),
        _first_line("普外科一线", ["普外科", "胸外科"], group="外科系统"),
        _first_line("骨科一线", ["骨科"], group="外科系统"),
        _first_line("泌尿外科一线", ["泌尿外科"], "24h", "外科系统"),
        _first_line("神经外科一线", ["神经外科"], "24h", "外科系统"),
        PostSpec("外科二线", "二线", "外科系统", None, "standby", "second", tuple(SURGERY), "医师", 3, True,
                 duties="指导一线处理急诊手术和危重患者，急诊手术任主刀或一助。"),
        PostSpec("外科三线", "三线听班", "外科系统", None, "standby", "third", tuple(SURGERY), "医师", 4, True,
                 duties="听班：重大、疑难急诊手术的决策和主刀。"),
        _first_line("妇产科一线", ["妇产科"], group="妇儿"),
        _first_line("儿科一线", ["儿科"], group="妇儿"),
        PostSpec("妇产科、儿科二线", "二线", "妇儿", None, "standby", "second", ("妇产科", "儿科"), "医师", 3, True,
                 duties="指导一线处理危重孕产妇和危重新生儿，参与急诊剖宫产与新生儿复苏。"),
        PostSpec("妇产科、儿科三线", "三线听班", "妇儿", None, "standby", "third", ("妇产科", "儿科"), "医师", 4, True,
                 duties="听班：危重孕产妇和新生儿抢救的决策。"),
        _first_line("急诊科一线", ["急诊科"], "always", "急诊与重症"),
        _first_line("重症医学科一线", ["重症医学科"], group="急诊与重症"),
        _first_line("麻醉科一线", ["麻醉科"], group="急诊与重症"),
        PostSpec("检验科值班", "医技值班", "医技", "检验科", "night+24h", "staff", ("检验科",), "医技", 2,
                 duties="急诊检验，危急值 15 分钟内报告临床。"),
        PostSpec("放射科值班（医学影像科）", "医技值班", "医技", "医学影像科", "night+24h", "staff", ("医学影像科",), "医技", 2,
                 duties="急诊 X 线、CT 检查，危急征象立即报告。"),
        PostSpec("B超值班（超声科）", "医技值班", "医技", "超声科", "standby", "staff", ("超声科",), "医师", 2, True,
                 duties="听班：急诊超声检查，接到通知后 30 分钟内到岗。"),
        PostSpec("药剂科值班", "医技值班", "医技", "药剂科", "night+24h", "staff", ("药剂科",), "药师", 2,
                 duties="急诊和住院药房调剂，特殊管理药品的发放与登记。"),
    ]
    for ward in WARDS:
        name = "手术室夜班" if ward == "手术室" else f"{ward}护理夜班"
        out.append(PostSpec(name, "护理夜班", "护理", ward, "night", "ward", (ward,), "护士", 1, True,
                            headcount=2 if ward in BIG_WARDS else 1,
                            duties="负责病区患者夜间护理、巡视和病情观察，书写交班报告，危重患者床旁交接。"))
    return out


BIG_WARDS = {"心血管内科病区", "呼吸内科病区", "神经内科病区", "普外科病区", "骨科病区", "妇产科病区", "儿科病区",
             "重症监护病房", "急诊观察室"}
NURSING_KINDS = {"护理夜班", "护理总值班"}
POSTS = _posts()
MIN_POOL = 5  # below this the rotation is widened (small departments: seniors and the head take turns too)

# ----------------------------------------------------------------------------- life of a month

PLAN_DAYS = (20, 25)  # next month is planned and published between these days
REVISIONS_PER_MONTH = [1, 2, 2, 3, 3, 4]
REVISION_REASONS = {
    COVER: ["外出学习", "家中有事", "病假", "参加培训", "参加上级业务会议", "孩子生病需照顾", "外出会诊", "参加职称考试"],
    SWAP: ["家中有事，与同事协商换班", "参加培训，与同事协商换班", "外出学习，与同事协商换班", "个人原因，双方自愿换班",
           "参加婚礼，与同事协商换班"],
}
LEAVING_REASON = {"退休": "退休离岗，由{name}替班", None: "已办理离职，由{name}替班"}
NOTICE_DAYS = 30  # resignations and retirements are known this long before the last day
SHORT_STAFFED_RATE = 0.12  # months where a small department's doctor does two 24-hour duties in a row
DRAFT_POSTS_DONE = 0.7  # share of posts already planned in next month's draft (the rest are gaps)


@dataclass
class _Duty:
    start: dt.datetime
    end: dt.datetime
    night: bool
    date: str
    shift_id: int


def _month_after(month: str) -> str:
    first = dt.date.fromisoformat(month + "-01")
    return (first.replace(day=28) + dt.timedelta(days=4)).strftime("%Y-%m")


class _RosterHistory:
    """The roster part of the build: its own random generator, the posts and everyone's duties."""

    def __init__(self, ctx: DemoContext):
        self.ctx = ctx
        self.rng = random.Random(f"roster:{ctx.rng.getstate()!r}")
        self.specs = {s.name: s for s in POSTS}
        self.posts: dict[str, Post] = {}
        self.shift_post: dict[int, Post] = {}
        self.queues: dict[str, list[int]] = {}  # post name -> staff ids in turn order (front = next)
        self.duties: dict[int, list[_Duty]] = defaultdict(list)  # staff id -> duties (recent months)
        self.slots: dict[tuple[str, int], list[int]] = {}  # (date, shift id) -> staff ids
        self.leaving: dict[int, dt.date] = {}  # staff id -> last day, once announced
        self.trained: set[int] = set()  # staff ids with 总值班培训考核合格
        self.rest = dt.timedelta(hours=12)

    # -- people and sessions

    def session_of(self, person: DemoPerson, role: Role = Role.QUALITY) -> Session:
        return self.ctx.person_session(person, role)

    @property
    def medical(self) -> Session:  # 医务科科长: doctors' posts, 总值班, 医技; publishes
        return self.session_of(self.ctx.leader("医务科", "科长"))

    @property
    def nursing(self) -> Session:  # 护理部主任: the wards' night shifts and 护理总值班
        return self.session_of(self.ctx.leader("护理部", "护理部主任"))

    def planner(self, spec: PostSpec) -> Session:
        return self.nursing if spec.kind in NURSING_KINDS else self.medical

    def approver(self, spec: PostSpec) -> str:
        """Who approves a change: the head of the post's department, 医务科 for hospital-wide posts."""
        department = spec.department if spec.kind not in ("二线", "三线听班") else None
        if spec.kind in NURSING_KINDS and department is None:
            department = "护理部"
        for p in self.ctx.people.values():
            if p.department == (department or "医务科") and p.leader in HEADS:
                return p.name
        return self.ctx.leader("医务科", "科长").name

    def _eligible(self, spec: PostSpec, first: dt.date, last: dt.date) -> list[DemoPerson]:
        """Who can be on the post's rotation for the month ``first``..``last``, most senior last."""
        wanted = set(spec.departments)
        staff = [p for p in self.ctx.on_duty(registered=True) if p.department in wanted and p.hire_date <= first
                 and self.leaving.get(p.id, dt.date.max) > last]
        rank = {p.id: title_rank(p.title) for p in staff}

        def doctors(low: int, high: int = 9, leaders: bool = False) -> list[DemoPerson]:
            return [p for p in staff if p.category == spec.category and p.licensed and low <= rank[p.id] <= high
                    and (leaders or not p.leader)]

        if spec.pool == "first":
            pool = doctors(2, 3)
            if len(pool) < MIN_POOL:
                pool = doctors(2, 4)
            if len(pool) < MIN_POOL - 1:
                pool = doctors(2, leaders=True)
        elif spec.pool == "second":
            pool = doctors(3, 4)
        elif spec.pool == "third":
            pool = doctors(4, leaders=True)
        elif spec.pool == "ward":
            pool = doctors(1)
        elif spec.pool == "staff":
            pool = doctors(spec.min_rank) if spec.licence else [
                p for p in staff if p.category == spec.category and rank[p.id] >= spec.min_rank and not p.leader]
        elif spec.pool == "office_staff":
            pool = [p for p in staff if not p.leader and (p.category == "管理" or (p.licensed and rank[p.id] >= 2))]
        elif spec.pool == "office_heads":
            pool = [p for p in staff if p.leader and p.department not in ("医务科", "护理部")]
        elif spec.pool == "medical_heads":
            pool = [p for p in doctors(spec.min_rank, leaders=True)
                    if p.department == "医务科" or p.leader in ("科主任", "副主任")]
        elif spec.pool == "nursing_heads":
            pool = [p for p in doctors(spec.min_rank, leaders=True)
                    if p.department == "护理部" or p.leader in ("护士长", "副护士长")]
        else:
            raise ValueError(spec.pool)
        return sorted(pool, key=lambda p: (p.department, p.hire_date, p.id))

    # -- the first day

    def setup(self) -> None:
        ctx = self.ctx
        session = self.medical
        training = self._training_days()
        for order, spec in enumerate(POSTS, start=1):
            post = roster.save_post(session, {
                "name": spec.name, "kind": spec.kind, "group_name": spec.group,
                "department_id": ctx.departments[spec.department] if spec.department else None,
                "duties": spec.duties, "required_category": spec.category, "min_title_rank": spec.min_rank,
                "licence_required": spec.licence, "headcount": spec.headcount, "sort_order": order})
            for name, starts, ends, workdays, weekends, holidays in SHIFTS[spec.shifts]:
                roster.save_shift(session, post.id, {"name": name, "starts": starts, "ends": ends,
                                                     "on_workdays": workdays, "on_weekends": weekends,
                                                     "on_holidays": holidays})
        for post in roster.list_posts(session):
            self.posts[post.name] = post
            for shift in post.shifts:
                self.shift_post[shift.id] = post
        first_month = _month_after(ctx.start.strftime("%Y-%m"))
        self.update_rotations(first_month, training)
        months = [m.strftime("%Y-%m") for m in ctx.months()]
        for month in months:  # each month is planned in the month before
            planned_in = dt.date.fromisoformat(month + "-01") - dt.timedelta(days=1)
            day = planned_in.replace(day=self.rng.randint(*PLAN_DAYS))
            day = max(day, ctx.start + dt.timedelta(days=1))
            ctx.schedule(day, lambda c, m=month: self.plan_and_publish(m))

    def _training_days(self) -> list[dt.date]:
        """The 总值班岗前培训 sessions held before the program was used (once or twice a year)."""
        start = self.ctx.start
        return [start - dt.timedelta(days=d) for d in (40, 190, 375, 560)]

    def _train(self, batch: list[tuple[DemoPerson, dt.date]], training: list[dt.date] | None) -> None:
        """总值班培训 and a passed exam for the newcomers of the rotations, in the training records (医务科,
        through the training services; the roster's qualification check reads the passed assessments).
        On the first day each takes the session of the chosen day (or the first one after they were
        hired); later, the month's newcomers have one session together a few days before planning."""
        from tools.demo_hospital.training import duty_training

        if not batch:
            return
        if training:
            days = sorted(training)
            batch = [(p, day if day >= p.hire_date else next((d for d in days if d >= p.hire_date), p.hire_date))
                     for p, day in batch]
        else:
            last = max(max(day, p.hire_date) for p, day in batch)
            batch = [(p, last) for p, _day in batch]
        duty_training(self.ctx, batch)

    def update_rotations(self, month: str, training: list[dt.date] | None = None) -> None:
        """Bring every rotation list up to date for ``month``: leavers out, newcomers in at the end
        (newcomers of a 总值班 rotation are trained and examined first)."""
        first, last = month_bounds(month)
        today = self.ctx.clock.today()
        pools: list[tuple[PostSpec, Post, list[DemoPerson]]] = []
        batch: list[tuple[DemoPerson, dt.date]] = []
        for spec in POSTS:
            post = self.posts[spec.name]
            eligible = self._eligible(spec, first, last)
            if post.duty_training_required:
                for person in eligible:
                    if person.id not in self.trained:
                        day = self.rng.choice(training) if training else today - dt.timedelta(
                            days=self.rng.randint(1, 6))
                        batch.append((person, day))
                        self.trained.add(person.id)
            pools.append((spec, post, eligible))
        self._train(batch, training)
        for spec, post, eligible in pools:
            ids = {p.id for p in eligible}
            old = self.queues.get(spec.name, [])
            queue = [i for i in old if i in ids] + [p.id for p in eligible if p.id not in old]
            if sorted(queue) != sorted(old) or not old:
                roster.set_rotation(self.planner(spec), post.id, [p.id for p in eligible if p.id in ids])
            self.queues[spec.name] = queue
        self._reachable()

    def _reachable(self) -> None:
        """Everyone on a rotation has a mobile number on record (值班期间保持通讯畅通): the planner
        asks for the missing ones and enters them."""
        from tools.demo_hospital.hospital import (
            MOBILE_PREFIXES,  # hospital.py imports this module
        )

        on_rotation = sorted({i for queue in self.queues.values() for i in queue})
        missing = {r[0] for r in self.ctx.db.query("SELECT id FROM staff WHERE phone IS NULL")}
        for staff_id in (i for i in on_rotation if i in missing):
            phone = self.rng.choice(MOBILE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"
            people.update_staff(self.medical, staff_id, {"phone": phone})

    # -- planning a month

    def free(self, person: int, start: dt.datetime, end: dt.datetime, night: bool, *, ignore: _Duty | None = None,
             rest: bool = True) -> bool:
        for d in self.duties.get(person, ()):
            if d is ignore:
                continue
            if start < d.end and d.start < end:
                return False
            if rest and d.night and d.end <= start < d.end + self.rest:
                return False
            if rest and night and end <= d.start < end + self.rest:
                return False
        return True

    def _add(self, person: int, shift: Shift, day: dt.date) -> _Duty:
        start, end = shift.interval(day)
        duty = _Duty(start, end, shift.is_night, day.isoformat(), shift.id)
        self.duties[person].append(duty)
        self.slots.setdefault((duty.date, shift.id), []).append(person)
        return duty

    def _forget_before(self, day: dt.date) -> None:
        cutoff = dt.datetime.combine(day, dt.time())
        for person, items in list(self.duties.items()):
            kept = [d for d in items if d.end >= cutoff]
            if kept:
                self.duties[person] = kept
            else:
                del self.duties[person]
        self.slots = {k: v for k, v in self.slots.items() if k[0] >= day.isoformat()}

    def _pick(self, spec: PostSpec, shift: Shift, day: dt.date, taken: list[int]) -> int | None:
        queue = self.queues[spec.name]
        start, end = shift.interval(day)
        for relax in (False, True):  # short-staffed: someone without the full rest rather than nobody
            for i, person in enumerate(queue):
                if person not in taken and self.free(person, start, end, shift.is_night, rest=not relax):
                    queue.append(queue.pop(i))
                    return person
        return None

    def plan(self, month: str) -> dict[str, list[tuple[str, int, int]]]:
        """Next month in turn order for every post: post name -> (date, shift id, staff id) rows."""
        first, last = month_bounds(month)
        self._forget_before(first - dt.timedelta(days=3))
        kinds = DayTypes.load(self.ctx.db, first, last)
        order = sorted(POSTS, key=lambda s: ("护理夜班", "一线", "医技值班", "二线", "三线听班").index(s.kind)
                       if s.kind in ("护理夜班", "一线", "医技值班", "二线", "三线听班") else 5)
        rows: dict[str, list[tuple[str, int, int]]] = defaultdict(list)
        for day in month_days(month):
            kind = kinds.kind(day)
            for spec in order:
                post = self.posts[spec.name]
                for shift in post.shifts:
                    if not shift.applies_on(kind):
                        continue
                    taken: list[int] = []
                    for _ in range(post.headcount):
                        person = self._pick(spec, shift, day, taken)
                        if person is None:
                            continue
                        taken.append(person)
                        self._add(person, shift, day)
                        rows[spec.name].append((day.isoformat(), shift.id, person))
        if self.rng.random() < SHORT_STAFFED_RATE:
            self._short_staffed(rows)
        return rows

    def _short_staffed(self, rows: dict[str, list[tuple[str, int, int]]]) -> None:
        """One doctor of a small department covers the next 24 hours too (a colleague is away)."""
        spec = self.rng.choice([s for s in POSTS if s.kind == "一线" and s.shifts == "24h"])
        items = rows.get(spec.name, [])
        if len(items) < 10:
            return
        i = self.rng.randrange(3, len(items) - 3)
        person, (day2, shift2, other) = items[i][2], items[i + 1]
        items[i + 1] = (day2, shift2, person)
        self.slots[(day2, shift2)] = [person]
        moved = next(d for d in self.duties[other] if d.date == day2 and d.shift_id == shift2)
        self.duties[other].remove(moved)
        self.duties[person].append(moved)

    def insert(self, month: str, rows: dict[str, list[tuple[str, int, int]]], source: str,
               only: set[str] | None = None) -> None:
        by_planner: dict[int, tuple[Session, list]] = {}
        for spec in POSTS:
            if spec.name in rows and (only is None or spec.name in only):
                session = self.planner(spec)
                by_planner.setdefault(id(session), (session, []))[1].extend(rows[spec.name])
        for session, items in by_planner.values():
            with session.db.transaction():
                roster.insert_assignments(session, month, sorted(items), source)

    def plan_and_publish(self, month: str) -> None:
        self.update_rotations(month)
        rows = self.plan(month)
        self.insert(month, rows, "按轮转表排班")
        roster.publish(self.medical, month, confirm_violations=True)
        self._schedule_revisions(month)

    # -- changes after publication

    def _schedule_revisions(self, month: str) -> None:
        first, last = month_bounds(month)
        start = max(first, self.ctx.clock.today() + dt.timedelta(days=1))
        for _ in range(self.rng.choice(REVISIONS_PER_MONTH)):
            day = start + dt.timedelta(days=self.rng.randint(0, max(0, (last - start).days - 3)))
            self.ctx.schedule(day, lambda c, m=month: self.revision(m))

    def _duties_between(self, first: dt.date, last: dt.date, person: int | None = None):
        lo, hi = first.isoformat(), last.isoformat()
        for (date, shift_id), staff in sorted(self.slots.items()):
            if lo <= date <= hi:
                for p in staff:
                    if person is None or p == person:
                        yield date, shift_id, p

    def _duty(self, person: int, date: str, shift_id: int) -> _Duty:
        return next(d for d in self.duties[person] if d.date == date and d.shift_id == shift_id)

    def revision(self, month: str) -> None:
        """Someone on duty in the coming days cannot come: a colleague covers (替班) or they swap (换班)."""
        today = self.ctx.clock.today()
        last = month_bounds(month)[1]
        coming = [d for d in self._duties_between(today + dt.timedelta(days=1), min(last, today + dt.timedelta(days=10)))
                  if self.shift_post[d[1]].kind in ("一线", "护理夜班", "二线", "医技值班")]
        if not coming:
            return
        date, shift_id, person = self.rng.choice(coming)
        spec = self.specs[self.shift_post[shift_id].name]
        kind = SWAP if self.rng.random() < 0.45 else COVER
        if kind == SWAP and self._swap(spec, date, shift_id, person, last):
            return
        self._cover(spec, date, shift_id, person, self.rng.choice(REVISION_REASONS[COVER]))

    def _colleagues(self, spec: PostSpec, person: int) -> list[int]:
        others = [i for i in self.queues[spec.name] if i != person]
        self.rng.shuffle(others)
        return others

    def _cover(self, spec: PostSpec, date: str, shift_id: int, person: int, reason: str,
               requested_by: str | None = None) -> bool:
        duty = self._duty(person, date, shift_id)
        colleagues = self._colleagues(spec, person)
        tries = [(False, i) for i in colleagues]
        if requested_by:  # someone leaves: the duty must be covered, if need be without the full rest
            tries += [(True, i) for i in colleagues]
        for relax, other in tries:
            if other in self.slots.get((date, shift_id), []) or self.leaving.get(other, dt.date.max) <= \
                    dt.date.fromisoformat(date) or not self.free(other, duty.start, duty.end, duty.night, rest=not relax):
                continue
            name = self.ctx.people[other].name
            roster.record_revision(self.planner(spec), {
                "kind": COVER, "date": date, "shift_id": shift_id, "from_staff_id": person, "to_staff_id": other,
                "reason": reason.format(name=name), "requested_by": requested_by or self.ctx.people[person].name,
                "approved_by": self.approver(spec)}, confirm_violations=True)
            self._move(duty, person, other)
            return True
        return False

    def _swap(self, spec: PostSpec, date: str, shift_id: int, person: int, last: dt.date) -> bool:
        mine = self._duty(person, date, shift_id)
        later = dt.date.fromisoformat(date) + dt.timedelta(days=2)
        theirs = [d for d in self._duties_between(later, last) if self.shift_post[d[1]].id == self.shift_post[shift_id].id
                  and d[2] != person]
        self.rng.shuffle(theirs)
        for other_date, other_shift, other in theirs[:12]:
            duty = self._duty(other, other_date, other_shift)
            if (other in self.slots.get((date, shift_id), []) or person in self.slots.get((other_date, other_shift), [])
                    or not self.free(other, mine.start, mine.end, mine.night, ignore=duty)
                    or not self.free(person, duty.start, duty.end, duty.night, ignore=mine)):
                continue
            roster.record_revision(self.planner(spec), {
                "kind": SWAP, "date": date, "shift_id": shift_id, "from_staff_id": person, "to_staff_id": other,
                "other_date": other_date, "other_shift_id": other_shift,
                "reason": self.rng.choice(REVISION_REASONS[SWAP]), "requested_by": self.ctx.people[person].name,
                "approved_by": self.approver(spec)}, confirm_violations=True)
            self._move(mine, person, other)
            self._move(duty, other, person)
            return True
        return False

    def _move(self, duty: _Duty, old: int, new: int) -> None:
        self.duties[old].remove(duty)
        self.duties[new].append(duty)
        slot = self.slots[(duty.date, duty.shift_id)]
        slot[slot.index(old)] = new

    def leave_planned(self, person: DemoPerson, last_day: dt.date, note: str | None) -> None:
        """The hospital's turnover decided that ``person`` leaves on ``last_day``: they tell the
        department a month before (or at once, if that is sooner)."""
        notice = max(self.ctx.clock.today(), last_day - dt.timedelta(days=NOTICE_DAYS))
        self.ctx.schedule(notice, lambda c: self.leaving_announced(person, last_day, note))

    def leaving_announced(self, person: DemoPerson, last_day: dt.date, note: str | None) -> None:
        """The person's last day is known: colleagues take over their duties after it (published months)."""
        self.leaving[person.id] = last_day
        for date, shift_id, p in list(self._duties_between(last_day, dt.date.max, person.id)):
            month = date[:7]
            record = roster.month_status(self.medical, month)
            if record.status != PUBLISHED:
                continue
            spec = self.specs[self.shift_post[shift_id].name]
            reason = LEAVING_REASON["退休" if note == "退休" else None]
            self._cover(spec, date, shift_id, p, reason, requested_by=self.approver(spec))

    # -- today

    def present(self) -> None:
        """This month published (if the history did not reach it) and next month a draft, partly planned."""
        ctx = self.ctx
        month = ctx.today.strftime("%Y-%m")
        if roster.month_status(self.medical, month).status != PUBLISHED:
            self.plan_and_publish(month)
        nxt = _month_after(month)
        if roster.month_status(self.medical, nxt).id:
            return
        self.update_rotations(nxt)
        rows = self.plan(nxt)
        names = [s.name for s in POSTS if s.kind not in ("二线", "三线听班")]
        done = set(self.rng.sample(names, k=round(len(names) * DRAFT_POSTS_DONE)))
        self.insert(nxt, rows, "按轮转表排班", only=done)


_HISTORY: dict[int, _RosterHistory] = {}


def plan_roster(ctx: DemoContext) -> None:
    """On the first day: posts, shifts, rotation lists and 总值班 training; every month on the timeline."""
    history = _RosterHistory(ctx)
    _HISTORY[id(ctx)] = history
    ctx.on_leave_planned.append(history.leave_planned)
    history.setup()


def present_roster(ctx: DemoContext) -> None:
    """Today: the current month published, next month a partly planned draft."""
    _HISTORY.pop(id(ctx)).present()
