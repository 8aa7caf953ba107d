"""The demo hospital's training records (培训与考核): a county hospital's yearly programme, the sign-in
of every session, exams with their make-ups and the quarterly 核心制度知晓率调查.

What happens every year (:meth:`_Programme.year_plans`)
-------------------------------------------------------
* 核心制度全员培训 twice a year (March, September), two sittings each (医师/医技/药师/管理 and 护士),
  each with an exam: scores roughly normal around 80, about 5–10 % below the pass mark, a 补考 a
  week later that most pass;
* 全员线上学习 (每周一课) on the hospital's learning platform: a short course every week for all
  staff, topics rotating through the 18 核心制度, 院感, 法律法规, 急救知识 and 医德医风;
* 三基三严: 医务科's monthly 全院医师业务学习, 护理部's monthly 全院护理业务学习, the department's
  own 科室业务学习 about once a month in every clinical, nursing and 医技 department (now and then
  on a 核心制度), and the hospital's 三基理论考试 (June, December) and 三基技能考核 (May, November)
  for 医务人员;
* 院感 全员培训 once a year (April, two sittings), 心肺复苏 (急救技能) for doctors and nurses in
  April and October in sittings by department group with a skills test, 法律法规 (July, 全员),
  医德医风 (January), 消防安全 (其他, November), 手术分级 for the surgeons (March, with an exam);
* 岗前培训 on the first Tuesday of a month for everyone who arrived the month before (new staff,
  实习, 规培, 进修 — the demo's hire dates), with an exam;
* 总值班岗前培训 with a passed exam for everyone who joins a 总值班 rotation, before the first duty
  (the roster builder calls :func:`duty_training` when it brings its rotations up to date; the
  roster's qualification check reads these passed assessments);
* 核心制度知晓率调查 every quarter by 质控科: 3–4 staff drawn at random from every department and
  tested; each department's awareness drifts from year to year (88–96 % overall, a few departments
  below 90 % some years).

Attendance: 85–98 % (ward nurses and the doctors of 急诊/重症 miss more of the hospital sessions,
because of night shifts); people on leave (产假, 病假, 外出进修) are absent with a note; walk-ins are
rare. A few people are short of the requirements every year (long leave, missed or failed exams).

How it is written
-----------------
* Before the last :data:`RECENT_DAYS` days the sessions go in bulk
  (:func:`tools.demo_hospital.bulk.insert_training_history`), a calendar year at a time on the first day of
  the next, each session and assessment checked with the service's own checks first, one audit row
  per year and category (and one for the year's 知晓率调查).
* The last :data:`RECENT_DAYS` days go through the services on each session's day as its organiser
  (医务科, 护理部, 院感科, 质控科 or the department head): ``save_session``, ``save_assessment``,
  ``record_sheet`` and, a week later, ``record_scores`` with the 补考; the surveys draw their sample
  with ``sample_people``. The most recent 科室业务学习 is held but its sign-in not yet recorded.
* Today (step "本年培训计划"): the sessions of the rest of the year are planned (``save_session``,
  exams with ``save_assessment``), not yet held.

Random choices come from generators derived from ``ctx.rng`` without drawing from it, so adding the
training leaves the other parts of a seed unchanged; uids come from a counter behind a seed-derived
prefix.
"""
from __future__ import annotations

import datetime as dt
import random
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from desktop_app.accounts import audit
from desktop_app.accounts.permissions import Role
from desktop_app.people.models import title_rank
from desktop_app.training import repo
from desktop_app.training import service as training
from desktop_app.training.models import ASSESSMENT, AWARENESS, DUTY_CODE, Audience
from tools.demo_hospital import bulk

if TYPE_CHECKING:  # hospital.py imports this module for its STEPS
    from tools.demo_hospital.hospital import DemoContext, DemoPerson

RECENT_DAYS = 60  # written through the services, step by step
CORE_SYSTEMS = ["首诊负责制度", "三级查房制度", "会诊制度", "分级护理制度", "值班和交接班制度", "疑难病例讨论制度",
                "急危重患者抢救制度", "术前讨论制度", "死亡病例讨论制度", "查对制度", "手术安全核查制度", "手术分级管理制度",
                "新技术和新项目准入制度", "危急值报告制度", "病历管理制度", "抗菌药物分级管理制度", "临床用血审核制度",
                "信息安全管理制度"]
HALL, MEETING, SKILLS_ROOM, ONLINE = "门诊楼五楼学术报告厅", "行政楼三楼会议室", "临床技能培训中心", "医院在线学习平台"

# The weekly online course: (category code, title); 核心制度 topics are filled in from CORE_SYSTEMS in turn.
WEEKLY = [("core", None), ("infection", "手卫生与医院感染预防"), ("core", None), ("law", "《医疗纠纷预防和处理条例》要点"),
          ("core", None), ("emergency", "院内急救流程与心肺复苏要点"), ("core", None), ("infection", "医疗废物分类与处置"),
          ("ethics", "医务人员廉洁从业九项准则"), ("core", None), ("infection", "多重耐药菌感染防控"),
          ("law", "《医师法》与《护士条例》解读"), ("core", None), ("infection", "职业暴露的预防与处置"),
          ("emergency", "过敏性休克的识别与抢救"), ("core", None), ("law", "患者隐私保护与病历资料管理"),
          ("infection", "呼吸道传染病的预检分诊与防护"), ("core", None), ("sanji", "临床危急值的识别与处置"),
          ("core", None), ("law", "《民法典》医疗损害责任"), ("infection", "导管相关血流感染预防"),
          ("sanji", "静脉血栓栓塞症（VTE）风险评估与预防")]
DOCTOR_TOPICS = ["急性心肌梗死的早期识别与再灌注治疗", "急性脑卒中的院内绿色通道", "抗菌药物临床合理应用", "病历书写基本规范",
                 "危重患者的液体复苏", "常见心律失常心电图判读", "血气分析的临床解读", "围手术期血糖管理",
                 "糖尿病酮症酸中毒的诊治", "上消化道大出血的处理", "急性胰腺炎诊治进展", "感染性休克集束化治疗",
                 "临床输血适应证与输血反应处理", "静脉血栓栓塞症的防治", "胸腔穿刺与腹腔穿刺操作规范",
                 "肺部CT常见征象判读", "高血压急症的处理", "慢性阻塞性肺疾病急性加重的治疗"]
NURSE_TOPICS = ["静脉输液治疗护理规范", "压力性损伤的预防与护理", "跌倒坠床风险评估与防范", "患者身份识别与查对",
                "危重患者病情观察与护理记录", "管道滑脱的预防", "护理交接班规范与床旁交接", "心肺复苏与除颤仪使用",
                "PICC 维护规范", "高警示药品管理", "分级护理制度与护理质量", "糖尿病患者胰岛素注射规范",
                "围手术期护理要点", "输血护理操作规范", "护理文书书写规范", "急救车管理与急救药品使用"]
SECTION_TOPICS = {
    "内科": ["本科室常见病诊疗规范", "危重患者抢救流程演练", "疑难病例讨论", "新版诊疗指南学习", "抗菌药物使用点评",
             "病历质量点评", "临床路径执行情况分析", "常见并发症的预防"],
    "外科": ["围手术期管理规范", "术前讨论与手术安全核查", "术后并发症的观察与处理", "无菌技术与切口感染预防",
             "四级手术术前多学科讨论", "手术病历质量点评", "创伤急救流程", "腔镜手术操作要点"],
    "妇儿": ["产后出血的预防与处理", "新生儿复苏", "危重孕产妇救治流程", "儿童用药剂量计算", "高危妊娠管理",
             "小儿惊厥的急救处理", "妇科急腹症的鉴别诊断", "母婴安全制度"],
    "急重": ["心肺复苏团队配合", "困难气道处理", "机械通气参数调整", "脓毒症早期识别", "多发伤的早期评估",
             "急性中毒的处理", "镇痛镇静评估", "血流动力学监测"],
    "护理": ["本病区专科护理常规", "护理不良事件案例分析", "危重患者护理查房", "专科操作技能培训", "护理文书质量点评",
             "健康教育规范", "交接班质量分析", "急救设备使用与维护"],
    "医技": ["本科室质量控制规范", "危急值报告流程", "仪器设备操作规程", "室内质控与室间质评", "报告书写规范",
             "生物安全与个人防护", "差错事故案例分析", "新技术新项目学习"],
}
SECTION_OF = {"普外科": "外科", "骨科": "外科", "泌尿外科": "外科", "神经外科": "外科", "胸外科": "外科", "眼科": "外科",
              "耳鼻咽喉科": "外科", "口腔科": "外科", "麻醉科": "急重", "急诊科": "急重", "重症医学科": "急重",
              "妇产科": "妇儿", "儿科": "妇儿"}
NIGHT_DOCTORS = {"急诊科", "重症医学科", "麻醉科"}
ABSENT_NOTES = ["夜班", "下夜班休息", "值班", "休假", "外出会诊", "外出学习", "家中有事", "病假", "补休"]
LEAVES = [("产假", 0.025, (128, 188), ("女",)), ("病假", 0.008, (20, 75), ("男", "女")),
          ("外出进修", 0.01, (90, 180), ("男", "女"))]
SURGICAL = ["普外科", "骨科", "泌尿外科", "神经外科", "胸外科", "妇产科", "眼科", "耳鼻咽喉科", "口腔科"]
CPR_GROUPS = [["心血管内科", "呼吸内科", "消化内科", "神经内科", "肾内科", "内分泌科", "感染性疾病科"],
              ["普外科", "骨科", "泌尿外科", "神经外科", "胸外科", "麻醉科"],
              ["妇产科", "儿科", "眼科", "耳鼻咽喉科", "口腔科", "皮肤科"],
              ["急诊科", "重症医学科", "中医科", "康复医学科"],
              ["医学影像科", "超声科", "心电图室", "检验科", "消毒供应中心", "病理科"],
              ["院办", "医务科", "护理部", "质控科", "院感科"]]


@dataclass
class Exam:
    title: str
    mean: float
    sd: float
    pass_mark: float = 60
    full: float = 100
    makeup_days: int = 7


@dataclass
class Plan:
    """A session as the programme plans it; the audience is resolved on its day."""

    key: str
    title: str
    category: str               # category code
    content: str
    date: dt.date
    starts: str
    ends: str
    place: str
    hours: float
    form: str
    organiser: str              # the department that organises and records it
    lecturer_from: str          # the department whose senior member lectures
    everyone: bool = False
    departments: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    staff: tuple[int, ...] = ()
    department_session: bool = False   # recorded by the department head (organising department set)
    exam: Exam | None = None
    attendance: float = 0.93
    notes: str | None = None
    lecturer: str | None = None
    lecturer_title: str | None = None


@dataclass
class _Totals:
    sessions: int = 0
    expected: int = 0
    present: int = 0
    walk_ins: int = 0
    exams: int = 0
    tested: int = 0
    passed: int = 0
    makeups: int = 0
    first: str = ""
    last: str = ""


def _weekday_on_or_after(day: dt.date, weekday: int) -> dt.date:
    return day + dt.timedelta(days=(weekday - day.weekday()) % 7)


def _workday(day: dt.date) -> dt.date:
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


class _Programme:
    """The training part of the build: its generators, the categories and the two writers."""

    def __init__(self, ctx: DemoContext):
        from tools.demo_hospital.hospital import DEPARTMENTS

        self.ctx = ctx
        self.seed = f"training:{ctx.rng.getstate()!r}"
        self.rng = random.Random(self.seed)
        self._prefix = f"{self.rng.getrandbits(64):016x}"
        self._uids = 0
        self.recent_from = max(ctx.start, ctx.today - dt.timedelta(days=RECENT_DAYS))
        self.category_ids: dict[str, int] = {}
        self.category_names: dict[str, str] = {}
        self.parent = {d[1]: d[3] for d in DEPARTMENTS}
        self.kinds = {d[1]: d[2] for d in DEPARTMENTS}
        self.order = [d[1] for d in DEPARTMENTS]
        self._leaves: dict[tuple[int, int], list] = {}
        self._awareness: dict[tuple[int, str], float] = {}
        self.unrecorded_key: str | None = None
        self._employed: tuple = (None, [])
        self._subtrees: dict[str, set[str]] = {}
        self.pending_makeups: list = []

    def uid(self) -> str:
        self._uids += 1
        return f"{self._prefix}{self._uids:016x}"

    def year_rng(self, *parts) -> random.Random:
        return random.Random(f"{self.seed}:" + ":".join(map(str, parts)))

    # -- setup

    def setup(self) -> None:
        ctx = self.ctx
        for c in repo.categories(ctx.db):
            if c.code:
                self.category_ids[c.code] = c.id
                self.category_names[c.code] = c.name
        if ctx.years == 0:  # the program starts today: no history to write
            return
        first, bulk_until = ctx.start, self.recent_from - dt.timedelta(days=1)
        while first <= bulk_until:  # a calendar year at a time, on the first day of the next
            last = min(dt.date(first.year, 12, 31), bulk_until)
            ctx.schedule(last + dt.timedelta(days=1), lambda c, a=first, b=last: self.bulk(a, b))
            first = last + dt.timedelta(days=1)
        live = sorted((p for year in range(self.recent_from.year, ctx.today.year + 1) for p in self.year_plans(year)
                       if self.recent_from <= p.date < ctx.today), key=lambda p: (p.date, p.key))
        department_sessions = [p for p in live if p.department_session and p.date < ctx.today - dt.timedelta(days=1)]
        if department_sessions:
            self.unrecorded_key = department_sessions[-1].key
        for plan in live:
            ctx.schedule(plan.date, lambda c, p=plan: self.live(p))
        month = self.recent_from.replace(day=1)
        while month < ctx.today:
            day = self._first_tuesday(month)
            if self.recent_from <= day < ctx.today:
                ctx.schedule(day, lambda c, d=day: [self.live(p) for p in self.prejob_plans(d, d)])
            month = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        for survey_day in self.survey_days(self.recent_from, ctx.today - dt.timedelta(days=1)):
            ctx.schedule(survey_day, lambda c, d=survey_day: self.live_survey(d))

    # -- people

    def employed(self, day: dt.date) -> list[DemoPerson]:
        if self._employed[0] != (day, len(self.ctx.people)):
            self._employed = ((day, len(self.ctx.people)), [
                p for p in self.ctx.people.values() if p.hire_date <= day and (p.leave_date is None or p.leave_date > day)])
        return self._employed[1]

    def subtree(self, department: str) -> set[str]:
        if department not in self._subtrees:
            self._subtrees[department] = {department} | {d for d, parent in self.parent.items() if parent == department}
        return self._subtrees[department]

    def audience_people(self, plan: Plan, day: dt.date) -> list[DemoPerson]:
        """As training._audience_people resolves the audience (named people, departments with their
        wards, staff categories; both given: the intersection)."""
        people = self.employed(day)
        if plan.everyone:
            return people
        depts: set[str] = set()
        for d in plan.departments:
            depts |= self.subtree(d)
        cats = set(plan.categories)
        named = set(plan.staff)
        return [p for p in people if p.id in named or ((depts or cats) and (not depts or p.department in depts)
                                                         and (not cats or p.category in cats))]

    def audience(self, plan: Plan) -> Audience:
        return Audience(everyone=plan.everyone, departments=tuple(self.ctx.departments[d] for d in plan.departments),
                        categories=plan.categories, staff=plan.staff)

    def on_leave(self, person: DemoPerson, day: dt.date) -> str | None:
        for year in (day.year - 1, day.year):
            for start, end, note in self._leave_of(person, year):
                if start <= day <= end:
                    return note
        return None

    def _leave_of(self, person: DemoPerson, year: int) -> list:
        key = (person.id, year)
        if key not in self._leaves:
            r = self.year_rng("leave", year, person.id)
            out = []
            for note, rate, (low, high), genders in LEAVES:
                if person.gender in genders and person.category in ("医师", "护士", "医技", "药师") and r.random() < rate:
                    start = dt.date(year, 1, 1) + dt.timedelta(days=r.randint(0, 364))
                    out.append((start, start + dt.timedelta(days=r.randint(low, high)), note))
            self._leaves[key] = out
        return self._leaves[key]

    def lecturer(self, plan: Plan, day: dt.date) -> tuple[str, str | None]:
        """A senior member of the lecturing department employed that day (the head first for offices)."""
        wanted = self.subtree(plan.lecturer_from)
        staff = [p for p in self.employed(day) if p.department in wanted and p.registered]
        if not staff:
            staff = [p for p in self.employed(day) if p.department == "医务科"]
        staff.sort(key=lambda p: (-title_rank(p.title), p.leader is None, p.id))
        top = staff[: max(1, min(4, len(staff) // 3))]
        who = top[(day.toordinal() + len(plan.key)) % len(top)]
        return who.name, who.title

    # -- the programme of a year

    def year_plans(self, year: int) -> list[Plan]:
        r = self.year_rng("year", year)
        plans: list[Plan] = []

        def day_in(month: int, low: int = 5, high: int = 25, weekday: bool = True) -> dt.date:
            d = dt.date(year, month, r.randint(low, high))
            return _workday(d) if weekday else d

        others = ("医师", "医技", "药师", "管理", "其他")
        for half, month in (("上半年", 3), ("下半年", 9)):
            d = day_in(month, 8, 18)
            for n, (cats, starts, ends) in enumerate(((others, "14:30", "16:30"), (("护士",), "16:40", "18:10")), 1):
                plans.append(Plan(f"core{year}{half}{n}", f"{year}年{half}医疗质量安全核心制度全员培训（第{'一二'[n - 1]}场）",
                                  "core", "18 项医疗质量安全核心制度要点解读、近期院内典型案例分析；培训后闭卷考核。", d,
                                  starts, ends, HALL, 2, "集中", "医务科", "医务科", categories=cats,
                                  exam=Exam(f"{year}年{half}核心制度考核（第{'一二'[n - 1]}场）", 80, 11.5),
                                  attendance=0.95))
        # the weekly online course
        week = _weekday_on_or_after(dt.date(year, 1, 4), 2)
        n, core_i = 0, (year * 7) % len(CORE_SYSTEMS)
        while week.year == year:
            if not (week.month == 2 and week.day < 15):  # 春节
                code, title = WEEKLY[n % len(WEEKLY)]
                if code == "core":
                    system = CORE_SYSTEMS[core_i % len(CORE_SYSTEMS)]
                    core_i += 1
                    title, content = f"核心制度线上学习：{system}", f"《医疗质量安全核心制度要点》{system}的定义、基本要求与本院执行细则。"
                else:
                    content = f"{title}：线上课程与随堂测验。"
                plans.append(Plan(f"online{year}-{n}", f"每周一课：{title}", code, content, week, "08:00", "22:00",
                                  ONLINE, 0.5, "线上", "质控科" if code in ("core", "law") else "院感科"
                                  if code == "infection" else "医务科", "质控科" if code in ("core", "law") else
                                  "院感科" if code == "infection" else "急诊科", everyone=True, attendance=0.9,
                                  notes="医院在线学习平台，按完成记录登记签到"))
                n += 1
            week += dt.timedelta(days=7)
        # 三基三严: monthly lectures, exams, the departments' own sessions
        for month in range(1, 13):
            if month == 2:
                continue
            d = day_in(month, 6, 24)
            plans.append(Plan(f"doctors{year}-{month}", f"全院医师业务学习：{DOCTOR_TOPICS[(year * 12 + month) % len(DOCTOR_TOPICS)]}",
                              "sanji", "三基三严业务讲座，结合本院病例。", d, "17:30", "18:30", HALL, 1, "集中", "医务科",
                              r.choice(["心血管内科", "普外科", "重症医学科", "急诊科", "呼吸内科", "神经内科", "药剂科"]),
                              categories=("医师",), attendance=0.92))
            d = day_in(month, 6, 24)
            plans.append(Plan(f"nurses{year}-{month}", f"全院护理业务学习：{NURSE_TOPICS[(year * 12 + month) % len(NURSE_TOPICS)]}",
                              "sanji", "护理部组织的三基三严业务学习。", d, "14:30", "15:30", HALL, 1, "集中", "护理部", "护理部",
                              categories=("护士",), attendance=0.91))
        medical = ("医师", "医技", "药师")
        for half, theory, skills in (("上半年", 6, 5), ("下半年", 12, 11)):
            d = day_in(theory, 10, 20)
            for n, cats in enumerate((medical, ("护士",)), 1):
                who = "医师、医技、药师" if n == 1 else "护理人员"
                plans.append(Plan(f"sanji-theory{year}{half}{n}", f"{year}年{half}三基理论考试（{who}）", "sanji",
                                  "三基（基础理论、基本知识、基本技能）理论闭卷考试。", d, "14:00" if n == 1 else "16:00",
                                  "15:30" if n == 1 else "17:30", HALL, 1.5, "集中", "医务科" if n == 1 else "护理部",
                                  "医务科" if n == 1 else "护理部", categories=cats,
                                  exam=Exam(f"{year}年{half}三基理论考试（{who}）", 79, 10.5), attendance=0.95))
            d = day_in(skills, 10, 20)
            for n, cats in enumerate((("医师",), ("护士",)), 1):
                what = "体格检查、胸腹腔穿刺、心肺复苏" if n == 1 else "静脉输液、心肺复苏、吸痰等护理操作"
                plans.append(Plan(f"sanji-skills{year}{half}{n}", f"{year}年{half}三基技能考核（{cats[0]}）", "sanji",
                                  f"技能操作考核：{what}。", d + dt.timedelta(days=n - 1), "08:30", "17:00", SKILLS_ROOM, 2,
                                  "集中", "医务科" if n == 1 else "护理部", "急诊科" if n == 1 else "护理部", categories=cats,
                                  exam=Exam(f"{year}年{half}三基技能考核（{cats[0]}）", 87, 6.5, 80), attendance=0.94))
        for department in self.order:
            kind = self.kinds[department]
            if kind not in ("临床", "护理单元", "医技"):
                continue
            section = "护理" if kind == "护理单元" else "医技" if kind == "医技" else SECTION_OF.get(department, "内科")
            cats = ("医师",) if kind == "临床" else ()
            for month in range(1, 13):
                if month == 2 or r.random() < 0.22:
                    continue
                d = day_in(month, 3, 27)
                core = r.random() < 0.2
                topic = (f"核心制度学习：{r.choice(CORE_SYSTEMS)}" if core
                         else r.choice(SECTION_TOPICS[section]))
                plans.append(Plan(f"dept{year}-{month}-{department}", f"{department}业务学习：{topic}",
                                  "core" if core else "sanji", "科室业务学习，结合本科室病例与质控数据。", d,
                                  "12:30" if kind != "护理单元" else "14:00", "13:30" if kind != "护理单元" else "15:00",
                                  f"{department}示教室", 1, "科室", department, department, departments=(department,),
                                  categories=cats, department_session=True, attendance=0.94))
        # 院感, 急救, 法律法规, 医德医风, 消防, 手术分级
        d = day_in(4, 8, 20)
        for n, (cats, starts, ends) in enumerate(((others, "14:30", "16:00"), (("护士",), "16:10", "17:40")), 1):
            plans.append(Plan(f"infection{year}-{n}", f"{year}年医院感染防控全员培训（第{'一二'[n - 1]}场）", "infection",
                              "手卫生、标准预防、消毒隔离、医疗废物管理与院感病例报告。", d, starts, ends, HALL, 1.5, "集中",
                              "院感科", "院感科", categories=cats, attendance=0.93))
        for month in (4, 10):
            start = day_in(month, 10, 14)
            for n, group in enumerate(CPR_GROUPS):
                d = _workday(start + dt.timedelta(days=n))
                plans.append(Plan(f"cpr{year}-{month}-{n}", f"心肺复苏（CPR）技能培训与考核（{year}年{month}月第{n + 1}期）",
                                  "emergency", "成人基础生命支持、AED 使用，分组练习后逐人考核。", d, "14:30", "17:00",
                                  SKILLS_ROOM, 2.5, "集中", "医务科", "急诊科", departments=tuple(group),
                                  categories=("医师", "护士"),
                                  exam=Exam(f"心肺复苏技能考核（{year}年{month}月第{n + 1}期）", 88, 6, 80),
                                  attendance=0.92))
        d = day_in(7, 8, 20)
        plans.append(Plan(f"law{year}", f"{year}年医疗法律法规全员培训", "law",
                          "《医疗纠纷预防和处理条例》《医师法》《民法典》医疗损害责任、医疗文书的法律效力。", d, "15:00",
                          "17:00", HALL, 2, "集中", "医务科", "医务科", everyone=True, attendance=0.9))
        d = day_in(1, 8, 20)
        plans.append(Plan(f"ethics{year}", f"{year}年医德医风教育暨廉洁从业培训", "ethics",
                          "医疗机构工作人员廉洁从业九项准则、典型案例警示教育。", d, "15:00", "16:30", HALL, 1.5, "集中", "院办",
                          "院办", everyone=True, attendance=0.91))
        d = day_in(11, 3, 12)
        plans.append(Plan(f"fire{year}", f"{year}年消防安全知识培训及疏散演练", "other",
                          "火灾报警与初起火灾扑救、灭火器使用、病区疏散演练。", d, "15:00", "16:30", HALL, 1.5, "集中", "总务科",
                          "总务科", everyone=True, attendance=0.9))
        d = day_in(3, 20, 28)
        plans.append(Plan(f"surgery{year}", f"{year}年手术分级管理与手术授权培训", "surgery",
                          "《医疗机构手术分级管理办法》、本院手术分级目录与授权流程、四级手术术前多学科讨论。", d, "17:30",
                          "18:30", MEETING, 1, "集中", "医务科", "医务科", departments=tuple(SURGICAL), categories=("医师",),
                          exam=Exam(f"{year}年手术分级管理制度考核", 84, 8), attendance=0.93))
        return sorted(plans, key=lambda p: (p.date, p.key))

    def _first_tuesday(self, day: dt.date) -> dt.date:
        return _weekday_on_or_after(day.replace(day=1), 1)

    def prejob_plans(self, first: dt.date, last: dt.date) -> list[Plan]:
        """岗前培训 on the first Tuesday of each month in first–last, for last month's arrivals."""
        out = []
        month = first.replace(day=1)
        while month <= last:
            day = self._first_tuesday(month)
            if first <= day <= last:
                prev_end = month - dt.timedelta(days=1)
                prev_start = prev_end.replace(day=1)
                newcomers = sorted(p.id for p in self.ctx.people.values()
                                   if prev_start <= p.hire_date <= prev_end and p.hire_date > self.ctx.start
                                   and (p.leave_date is None or p.leave_date > day))
                if newcomers:
                    n = f"{prev_end.year}年第{prev_end.month}期"
                    plans = Plan(f"prejob{day}", f"新职工岗前培训（{n}）", "prejob",
                                 "医院概况与规章制度、医疗质量安全核心制度、院感防控、医德医风、消防安全、信息系统使用。", day,
                                 "08:30", "17:30", MEETING, 8, "集中", "人事科", "医务科", staff=tuple(newcomers),
                                 exam=Exam(f"新职工岗前培训考核（{n}）", 85, 7), attendance=0.97,
                                 notes="新入职人员、实习、规培、进修人员上岗前培训")
                    out.append(plans)
            month = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        return out

    def survey_days(self, first: dt.date, last: dt.date) -> list[dt.date]:
        out = []
        for year in range(first.year, last.year + 1):
            r = self.year_rng("survey", year)
            for month in (3, 6, 9, 12):
                day = _workday(dt.date(year, month, r.randint(14, 24)))
                if first <= day <= last:
                    out.append(day)
        return out

    # -- the sessions as held

    def _recorder(self, plan: Plan):
        ctx = self.ctx
        if plan.department_session:
            head = next((p for p in ctx.people.values() if p.department == plan.organiser and p.leader in
                         ("科主任", "护士长", "科长")), None)
            if head is not None:
                return ctx.person_session(head, Role.DEPT_HEAD)
        heads = {"医务科": "科长", "护理部": "护理部主任", "院感科": "科长", "质控科": "科长", "人事科": "科长",
                 "院办": "办公室主任", "总务科": "科长"}
        return ctx.person_session(ctx.leader(plan.organiser, heads.get(plan.organiser, "科长")), Role.QUALITY)

    def _values(self, plan: Plan) -> dict:
        ctx = self.ctx
        if plan.lecturer is None:
            plan.lecturer, plan.lecturer_title = self.lecturer(plan, plan.date)
        return {"title": plan.title, "category_id": self.category_ids[plan.category], "content": plan.content,
                "date": plan.date.isoformat(), "starts": plan.starts, "ends": plan.ends, "place": plan.place,
                "lecturer": plan.lecturer, "lecturer_title": plan.lecturer_title,
                "department_id": ctx.departments[plan.organiser], "hours": plan.hours, "form": plan.form,
                "audience": self.audience(plan), "notes": plan.notes}

    def attendance(self, plan: Plan, expected: list[DemoPerson], r: random.Random) -> dict[int, tuple[bool, bool, str | None]]:
        """staff id -> (expected, present, note)."""
        marks: dict[int, tuple[bool, bool, str | None]] = {}
        online = plan.form == "线上"
        for p in expected:
            leave = self.on_leave(p, plan.date)
            if leave:
                marks[p.id] = (True, False, leave)
                continue
            chance = plan.attendance
            night = (self.kinds.get(p.department) == "护理单元" or p.department in NIGHT_DOCTORS)
            if night and not online and not plan.department_session and not plan.staff:
                chance -= 0.05
            if r.random() < chance:
                marks[p.id] = (True, True, None)
            else:
                note = None if online or r.random() < 0.3 else (
                    r.choice(ABSENT_NOTES[:3]) if night else r.choice(ABSENT_NOTES[3:]))
                marks[p.id] = (True, False, "未完成" if online and r.random() < 0.5 else note)
        if not online and not plan.staff and r.random() < 0.12:  # a walk-in
            others = [p for p in self.employed(plan.date) if p.id not in marks and p.registered]
            if others:
                marks[r.choice(others).id] = (False, True, "计划外参加")
        return marks

    def scores(self, plan: Plan, marks: dict, r: random.Random) -> list[tuple[int, int, float]]:
        """(staff id, attempt, score): the expected who came sit the exam; a 补考 for most who failed."""
        exam = plan.exam
        out = []
        for staff_id, (expected, present, _note) in marks.items():
            if not (expected and present):
                continue
            score = max(0.0, min(exam.full, round(r.gauss(exam.mean, exam.sd))))
            out.append((staff_id, 1, score))
            if score < exam.pass_mark and r.random() < 0.9:
                again = max(0.0, min(exam.full, round(r.gauss(exam.pass_mark + 10, 6))))
                out.append((staff_id, 2, again))
        return out

    # -- bulk history

    def bulk(self, first: dt.date, last: dt.date) -> None:
        """The sessions and surveys dated first–last, checked and written in bulk; one audit row
        per year and category, one for the year's surveys."""
        ctx, db = self.ctx, self.ctx.db
        plans = [p for year in range(first.year, last.year + 1) for p in self.year_plans(year)
                 if first <= p.date <= last] + self.prejob_plans(first, last)
        plans.sort(key=lambda p: (p.date, p.key))
        session_id, assessment_id = bulk.next_training_ids(db)
        sessions, attendees, assessments, results = [], [], [], []
        totals: dict[str, _Totals] = defaultdict(_Totals)
        by = ctx.session.actor.display_name
        for plan in plans:
            r = self.year_rng("held", plan.key)
            values = self._values(plan)
            clean, audience, findings = training._clean_session(db, values)
            expected = self.audience_people(plan, plan.date)
            if findings or not expected:
                raise RuntimeError(f"演示数据未通过校验（{plan.title}）：" + "；".join(f.text() for f in findings))
            marks = self.attendance(plan, expected, r)
            self._check_marks(plan, marks)
            label = training.audience_label(db, audience)
            stamp = f"{plan.date.isoformat()} {plan.ends}:00"
            present = sum(1 for _e, p, _n in marks.values() if p)
            sessions.append((session_id, self.uid(), *(clean[c] if c != "audience_label" else label
                                                        for c in bulk.SESSION_FIELDS),
                             sum(1 for e, _p, _n in marks.values() if e), present, 1, by, stamp, stamp))
            attendees += [(session_id, s, int(e), int(p), n) for s, (e, p, n) in marks.items()]
            t = totals[plan.category]
            t.sessions += 1
            t.expected += sum(1 for e, _p, _n in marks.values() if e)
            t.present += present
            t.walk_ins += sum(1 for e, p, _n in marks.values() if p and not e)
            t.first = t.first or plan.date.isoformat()
            t.last = plan.date.isoformat()
            if plan.exam:
                head, rows = self._exam_rows(plan, session_id, marks, r)
                if rows:
                    assessments.append((assessment_id, self.uid(), *(head[c] for c in bulk.ASSESSMENT_FIELDS), by,
                                        stamp, stamp))
                    results += [(assessment_id, *row) for row in rows]
                    t.exams += 1
                    t.tested += sum(1 for row in rows if row[1] == 1)
                    t.passed += sum(1 for row in rows if row[1] == 1 and row[3])
                    t.makeups += sum(1 for row in rows if row[1] > 1)
                    assessment_id += 1
            session_id += 1
        surveys = _Totals()
        for day in self.survey_days(first, last):
            head, rows = self._survey(day, [(p.id, p.department) for p in self.employed(day)])
            stamp = f"{day.isoformat()} 17:00:00"
            assessments.append((assessment_id, self.uid(), *(head[c] for c in bulk.ASSESSMENT_FIELDS), by, stamp, stamp))
            results += [(assessment_id, *row) for row in rows]
            assessment_id += 1
            surveys.exams += 1
            surveys.tested += len(rows)
            surveys.passed += sum(1 for row in rows if row[3])
        bulk.insert_training_history(db, sessions, attendees, assessments, results)
        for code, t in sorted(totals.items(), key=lambda kv: list(self.category_ids).index(kv[0])):
            name = self.category_names[code]
            exams = f"；考核 {t.exams} 场，参考 {t.tested} 人，首次合格 {t.passed} 人，补考 {t.makeups} 人次" if t.exams else ""
            audit.record(ctx.session, "create", "training", uid=f"demo-training-history:{first.year}:{code}",
                         label=f"{first.year}年{name}培训 {t.first}至{t.last}（演示数据批量生成）", after={
                             "category": name, "date": f"{t.first} 至 {t.last}", "expected": t.expected,
                             "present": t.present, "walk_ins": t.walk_ins or None,
                             "notes": f"培训 {t.sessions} 次{exams}。演示数据生成程序逐次通过培训登记、签到和成绩的校验后"
                                      "批量写入，未逐次记录审计。"})
        if surveys.exams:
            audit.record(ctx.session, "create", "assessment", uid=f"demo-training-history:awareness:{first.year}",
                         label=f"{first.year}年核心制度知晓率调查 {surveys.exams} 次（演示数据批量生成）", after={
                             "kind": AWARENESS, "tested": surveys.tested, "passed": surveys.passed,
                             "results": "各科室随机抽考，逐人通过成绩校验后批量写入，未逐次记录审计。"})

    def _check_marks(self, plan: Plan, marks: dict) -> None:
        """What record_attendance would refuse: a date after the day it is recorded, unknown people."""
        if plan.date > self.ctx.clock.today():
            raise RuntimeError(f"演示数据：{plan.title} 的日期 {plan.date} 晚于登记日")
        unknown = [s for s in marks if s not in self.ctx.people]
        if unknown:
            raise RuntimeError(f"演示数据：{plan.title} 有查无此人的签到 {unknown}")

    def _exam_rows(self, plan: Plan, session_id: int, marks: dict, r: random.Random) -> tuple[dict, list[tuple]]:
        exam = plan.exam
        head, findings = training._clean_assessment(self.ctx.db, {
            "kind": ASSESSMENT, "title": exam.title, "category_id": self.category_ids[plan.category],
            "date": plan.date.isoformat(), "full_mark": exam.full, "pass_mark": exam.pass_mark})
        head["session_id"] = session_id  # written together with its session
        if findings:
            raise RuntimeError(f"演示数据未通过校验（{exam.title}）：" + "；".join(f.text() for f in findings))
        rows = self.scores(plan, marks, r)
        makeup = plan.date + dt.timedelta(days=exam.makeup_days)
        return head, self._check_scores(exam.title, head, rows, makeup.isoformat())

    def _check_scores(self, title: str, head: dict, rows: list[tuple[int, int, float]],
                      makeup_date: str | None = None) -> list[tuple]:
        """As record_scores checks them: within the full mark, one score per attempt, 补考 only after
        a fail (dated ``makeup_date``)."""
        seen: dict[tuple[int, int], bool] = {}
        out = []
        for staff_id, attempt, score in rows:
            if not 0 <= score <= head["full_mark"] or (staff_id, attempt) in seen or staff_id not in self.ctx.people:
                raise RuntimeError(f"演示数据未通过校验（{title}）：成绩 {staff_id} {attempt} {score}")
            if attempt > 1 and seen.get((staff_id, attempt - 1)) is not False:
                raise RuntimeError(f"演示数据未通过校验（{title}）：补考只适用于上一次未合格的人员")
            seen[(staff_id, attempt)] = score >= head["pass_mark"]
            day = head["date"] if attempt == 1 else makeup_date
            if day is None or day < head["date"]:
                raise RuntimeError(f"演示数据未通过校验（{title}）：补考日期 {day}")
            out.append((staff_id, attempt, score, int(score >= head["pass_mark"]), day))
        return out

    def department_awareness(self, year: int, department: str) -> float:
        key = (year, department)
        if key not in self._awareness:
            r = self.year_rng("aware", year, department)
            self._awareness[key] = min(0.995, max(0.8, r.gauss(0.925, 0.035)))
        return self._awareness[key]

    def _survey(self, day: dt.date, people: list[tuple[int, str]],
                sample: list[int] | None = None) -> tuple[dict, list[tuple]]:
        r = self.year_rng("survey-held", day)
        if sample is None:
            by_dept: dict[str, list[int]] = defaultdict(list)
            for staff_id, department in people:
                by_dept[department].append(staff_id)
            sample = []
            for department in self.order:
                group = by_dept.get(department, [])
                sample += r.sample(group, min(len(group), 4 if len(group) >= 15 else 3))
        department_of = dict(people)
        quarter = (day.month - 1) // 3 + 1
        head, findings = training._clean_assessment(self.ctx.db, {
            "kind": AWARENESS, "title": f"{day.year}年第{quarter}季度核心制度知晓率调查", "category_id": self.category_ids["core"],
            "date": day.isoformat(), "full_mark": 100, "pass_mark": 80,
            "notes": "质控科按科室随机抽取 3–4 人，现场提问或答卷 18 项核心制度要点，80 分为知晓"})
        if findings:
            raise RuntimeError("演示数据未通过校验（知晓率调查）：" + "；".join(f.text() for f in findings))
        rows = []
        for staff_id in sample:
            aware = r.random() < self.department_awareness(day.year, department_of[staff_id])
            rows.append((staff_id, 1, float(r.randint(80, 100) if aware else r.randint(50, 78))))
        return head, self._check_scores(head["title"], head, rows)

    # -- the recent period, through the services

    def live(self, plan: Plan) -> None:
        ctx = self.ctx
        writer = self._recorder(plan)
        r = self.year_rng("held", plan.key)
        saved = training.save_session(writer, self._values(plan))
        if plan.key == self.unrecorded_key:
            return  # held, the sign-in sheet still on the department head's desk
        people = {p.id: p for p in ctx.people.values()}
        expected = [people[a.staff_id] for a in saved.attendees if a.expected]
        marks = self.attendance(plan, expected, r)
        rows = [{"staff_id": s, "present": p, "note": n} for s, (_e, p, n) in marks.items()]
        if plan.exam is None:
            training.record_sheet(writer, saved.id, rows)
            return
        exam = training.save_assessment(writer, {"session_id": saved.id, "title": plan.exam.title,
                                                 "full_mark": plan.exam.full, "pass_mark": plan.exam.pass_mark})
        scores = self.scores(plan, marks, r)
        first = [{"staff_id": s, "attempt": a, "score": v} for s, a, v in scores if a == 1]
        training.record_sheet(writer, saved.id, rows, exam.id, first)
        if len(first) < len(scores):
            makeup = plan.date + dt.timedelta(days=plan.exam.makeup_days)
            every = [{"staff_id": s, "attempt": a, "score": v} for s, a, v in scores]
            if makeup < ctx.today:
                ctx.schedule(makeup, lambda c: training.record_scores(writer, exam.id, every))

    def live_survey(self, day: dt.date) -> None:
        ctx = self.ctx
        writer = ctx.person_session(ctx.leader("质控科", "科长"), Role.QUALITY)
        people = [(p.id, p.department) for p in self.employed(day)]
        per_department = training.sample_people(writer, 3, day, seed=day.toordinal())
        big = {d for d, n in Counter(dep for _i, dep in people).items() if n >= 15}
        sample = [p["id"] for p in per_department]
        extra = training.sample_people(writer, 1, day, seed=day.toordinal() + 1,
                                       department_ids=[ctx.departments[d] for d in self.order if d in big])
        sample += [p["id"] for p in extra if p["id"] not in sample]
        head, rows = self._survey(day, people, sample)
        saved = training.save_assessment(writer, {k: head[k] for k in ("kind", "title", "category_id", "date",
                                                                         "full_mark", "pass_mark", "notes")})
        training.record_scores(writer, saved.id, [{"staff_id": s, "attempt": a, "score": v} for s, a, v, _p, _d in rows])

    # -- 总值班培训 for the roster

    def duty_training(self, batch: list[tuple[DemoPerson, dt.date]]) -> None:
        """Everyone in ``batch`` (person, latest day by which they must have passed) is trained and
        examined in one 总值班岗前培训 per distinct day, through the services (医务科)."""
        ctx = self.ctx
        by_day: dict[dt.date, list[DemoPerson]] = defaultdict(list)
        for person, day in batch:
            by_day[day].append(person)
        writer = ctx.person_session(ctx.leader("医务科", "科长"), Role.QUALITY)
        r = self.year_rng("duty", ctx.clock.today(), len(batch))
        for day, people in sorted(by_day.items()):
            lecturer = ctx.leader("医务科", "科长")
            saved = training.save_session(writer, {
                "title": f"总值班岗前培训（{day.year}年{day.month}月）", "category_id": self.category_ids[DUTY_CODE],
                "content": "总值班职责与工作流程、突发事件应急处置、医疗纠纷与投诉接待、院内会诊与急救协调、值班记录与交接。",
                "date": day.isoformat(), "starts": "15:00", "ends": "17:00", "place": MEETING,
                "lecturer": lecturer.name, "lecturer_title": lecturer.title, "department_id": ctx.departments["医务科"],
                "hours": 2, "form": "集中", "audience": Audience(staff=tuple(sorted(p.id for p in people))),
                "notes": "新进入总值班轮转人员，考核合格后方可排班"})
            exam = training.save_assessment(writer, {"session_id": saved.id, "title": f"总值班培训考核（{day.year}年{day.month}月）",
                                                     "full_mark": 100, "pass_mark": 80})
            scores = []
            for p in sorted(people, key=lambda p: p.id):
                score = float(min(100, max(62, round(r.gauss(89, 6)))))
                scores.append({"staff_id": p.id, "attempt": 1, "score": score})
                if score < 80:  # 补考 the same afternoon, passed
                    scores.append({"staff_id": p.id, "attempt": 2, "score": float(r.randint(82, 95)), "date": day})
            training.record_sheet(writer, saved.id, [{"staff_id": p.id, "present": True} for p in people], exam.id, scores)

    # -- today

    def present(self) -> None:
        """The rest of the year planned: sessions (and their exams) saved, not yet held."""
        ctx = self.ctx
        plans = [p for p in self.year_plans(ctx.today.year) if p.date > ctx.today]
        for plan in plans:
            writer = self._recorder(plan)
            saved = training.save_session(writer, self._values(plan))
            if plan.exam:
                training.save_assessment(writer, {"session_id": saved.id, "title": plan.exam.title,
                                                  "full_mark": plan.exam.full, "pass_mark": plan.exam.pass_mark})


_PROGRAMMES: dict[int, _Programme] = {}


def plan_training(ctx: DemoContext) -> None:
    """On the first day: the programme of every year on the timeline (bulk history and recent days)."""
    programme = _Programme(ctx)
    _PROGRAMMES[id(ctx)] = programme
    programme.setup()


def duty_training(ctx: DemoContext, batch: list[tuple[DemoPerson, dt.date]]) -> None:
    """The roster builder's hook: 总值班岗前培训 and a passed exam for people joining a 总值班 rotation."""
    if batch:
        _PROGRAMMES[id(ctx)].duty_training(batch)


def present_training(ctx: DemoContext) -> None:
    """Today: the rest of the year's sessions planned."""
    _PROGRAMMES.pop(id(ctx)).present()
