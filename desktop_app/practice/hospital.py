"""The practice hospital (演练医院): a small fictional 青山县人民医院 to try the program and to train staff.

``qledger demo`` builds it in a few seconds. Unlike the multi-year simulator kept beside the source
tree for development and benchmarks (``python -m tools.demo_hospital``, not shipped), every record
here is made through the core services by the demo accounts themselves, each logged in with its
password: no SQL of its own, nothing written in bulk. The administrator sets up departments, staff
and accounts; 质控科 (``zhikong``) runs the inspections, posts, rosters, training, the surgical
catalogue and the submission; the 心血管内科 head (``neike``) answers the ledger; the ward nurses
``hushi`` and ``jieban`` keep the handover book of 心血管内科病区. Every step runs at its own moment
of the last six weeks (the clock is moved forward step by step), so records and the audit log
follow the calendar.

What it holds: 12 departments and 42 staff (a 规培, a 进修 and an 实习 among them); an
inspection with problems in every state (待整改 and overdue, 整改中, 已整改待复查, 已销号), a
complaint, and a department self-inspection still being recorded; three duty posts with rotations,
this month's roster published and next month's a partial draft; the last shifts of 心血管内科病区
with bedside handovers, the last one handed over by ``hushi`` and waiting for ``jieban``'s
signature; a training session with sign-ins and an exam (one 补考), an awareness survey and a
planned session; an approved and filed surgical catalogue, assessed grants and an operations log
with one 越权手术; and a draft of the next submission.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import heapq
import itertools
import json
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from desktop_app import errors
from desktop_app.accounts import service as accounts
from desktop_app.clock import Clock, FixedClock, SystemClock
from desktop_app.handover import service as handover
from desktop_app.handover.models import DEFAULT_SHIFTS, NURSE, shifts_from
from desktop_app.hospital.service import initialize_database
from desktop_app.ledger import checklists, inspections
from desktop_app.ledger import service as ledger
from desktop_app.people import service as people
from desktop_app.practice.accounts import ADMIN_PASSWORD, DEMO_ACCOUNTS, DemoAccount, finish_demo, is_demo_file
from desktop_app.roster import service as roster
from desktop_app.session import Session
from desktop_app.submissions import service as submissions
from desktop_app.surgery import catalogue as catalogues
from desktop_app.surgery import operations, privileges
from desktop_app.training import service as training
from desktop_app.training.models import AWARENESS, Audience

HOSPITAL = {
    "name": "青山县人民医院",
    "level": "二级甲等",
    "region": "安徽省六安市青山县",
    "credit_code": "12341599MB1A2C3D47",
    "address": "安徽省六安市青山县城关镇人民路 88 号",
    "phone": "0564-5012120",
}
SETUP_PASSWORD = "Setup2026a"  # the administrator's first password, changed at once
COMMITTEE = "医疗质量与安全管理委员会"
WARD = "心血管内科病区"

# code, name, kind, parent
DEPARTMENTS = [
    ("0101", "心血管内科", "临床", None), ("0107", "普外科", "临床", None), ("0120", "急诊科", "临床", None),
    ("0201", "心血管内科病区", "护理单元", "心血管内科"), ("0206", "普外科病区", "护理单元", "普外科"),
    ("0301", "检验科", "医技", None), ("0306", "药剂科", "医技", None), ("0401", "院办", "职能", None),
    ("0402", "医务科", "职能", None), ("0403", "护理部", "职能", None), ("0404", "质控科", "职能", None),
    ("0406", "信息科", "职能", None),
]

# 工号, 姓名, 性别, 科室, 类别, 职称, 入职 (a date, or days before today), 备注 (leaders: their post),
# 非本机构执业原因. 医师 and 护士 registered here get a licence number made from the 工号.
STAFF = [
    ("D0001", "周建国", "男", "心血管内科", "医师", "主任医师", "1998-08-01", "科主任", None),
    ("D0002", "吴海峰", "男", "心血管内科", "医师", "副主任医师", "2005-07-15", None, None),
    ("D0003", "郑晓燕", "女", "心血管内科", "医师", "主治医师", "2012-08-01", None, None),
    ("D0004", "孙立伟", "男", "心血管内科", "医师", "主治医师", "2014-07-20", None, None),
    ("D0005", "何佳怡", "女", "心血管内科", "医师", "医师", "2021-08-01", None, None),
    ("GP0001", "钱宇航", "男", "心血管内科", "医师", "医师", 75, "协同基地住院医师规范化培训轮转", "规培"),
    ("D0006", "王志刚", "男", "普外科", "医师", "主任医师", "1996-08-01", "科主任", None),
    ("D0007", "陈卫东", "男", "普外科", "医师", "副主任医师", "2004-07-01", None, None),
    ("D0008", "刘振华", "男", "普外科", "医师", "主治医师", "2011-08-01", None, None),
    ("D0009", "杨帆", "男", "普外科", "医师", "主治医师", "2015-07-01", None, None),
    ("D0010", "黄诗雨", "女", "普外科", "医师", "医师", "2022-08-01", None, None),
    ("JX0001", "许明亮", "男", "普外科", "医师", "主治医师", 60, "来自青山县东河镇卫生院", "进修"),
    ("D0011", "赵国强", "男", "急诊科", "医师", "副主任医师", "2002-07-01", "科主任", None),
    ("D0012", "林晓东", "男", "急诊科", "医师", "主治医师", "2013-08-01", None, None),
    ("D0013", "马丽娟", "女", "急诊科", "医师", "医师", "2020-08-01", None, None),
    ("N0001", "李秀兰", "女", "心血管内科病区", "护士", "主管护师", "2001-08-01", "护士长", None),
    ("N0002", "张敏", "女", "心血管内科病区", "护士", "护师", "2015-07-01", None, None),
    ("N0003", "王静", "女", "心血管内科病区", "护士", "护师", "2016-07-01", None, None),
    ("N0004", "刘婷婷", "女", "心血管内科病区", "护士", "护士", "2020-08-01", None, None),
    ("N0005", "陈雪", "女", "心血管内科病区", "护士", "护士", "2022-07-01", None, None),
    ("N0006", "杨慧", "女", "心血管内科病区", "护士", "主管护师", "2008-07-01", None, None),
    ("SX0001", "赵雨欣", "女", "心血管内科病区", "护士", None, 90, "医学院校实习生", "实习"),
    ("N0007", "黄美玲", "女", "普外科病区", "护士", "主管护师", "2003-08-01", "护士长", None),
    ("N0008", "周丽", "女", "普外科病区", "护士", "护师", "2014-07-01", None, None),
    ("N0009", "吴倩", "女", "普外科病区", "护士", "护师", "2017-07-01", None, None),
    ("N0010", "徐佳", "女", "普外科病区", "护士", "护士", "2021-07-01", None, None),
    ("N0011", "孙悦", "女", "普外科病区", "护士", "护士", "2023-07-01", None, None),
    ("T0001", "胡振宇", "男", "检验科", "医技", "副主任技师", "2000-08-01", "科主任", None),
    ("T0002", "高洁", "女", "检验科", "医技", "主管技师", "2010-07-01", None, None),
    ("T0003", "罗鹏", "男", "检验科", "医技", "技师", "2019-07-01", None, None),
    ("P0001", "梁红梅", "女", "药剂科", "药师", "主管药师", "2006-07-01", "科主任", None),
    ("P0002", "宋涛", "男", "药剂科", "药师", "药师", "2018-07-01", None, None),
    ("D0014", "郭建华", "男", "院办", "医师", "主任医师", "1994-08-01", "院长", None),
    ("D0015", "唐文斌", "男", "院办", "医师", "主任医师", "1997-08-01", "副院长", None),
    ("A0001", "谢芳", "女", "院办", "管理", None, "2012-03-01", None, None),
    ("D0016", "韩冬", "男", "医务科", "医师", "副主任医师", "2003-07-01", "科长", None),
    ("A0002", "冯晓", "女", "医务科", "管理", None, "2016-09-01", None, None),
    ("N0012", "曹玉芳", "女", "护理部", "护士", "副主任护师", "1999-08-01", "护理部主任", None),
    ("D0017", "彭磊", "男", "质控科", "医师", "副主任医师", "2006-07-01", "科长", None),
    ("N0013", "董丹", "女", "质控科", "护士", "主管护师", "2009-07-01", None, None),
    ("A0003", "蒋伟", "男", "信息科", "管理", "工程师", "2008-07-01", "科长", None),
    ("A0004", "沈洋", "男", "信息科", "管理", "助理工程师", "2019-07-01", None, None),
]
ACCOUNT_STAFF = {"admin": "A0003", "zhikong": "D0017", "yuanzhang": "D0014", "neike": "D0001", "hushi": "N0002",
                 "jieban": "N0003", "chakan": "A0001"}

# 一线 posts of the two clinical departments and the ward's 护理夜班: name, kind, group, department,
# category, shifts (name, starts, ends, workdays, weekends, holidays), rotation (工号)
POSTS = [
    ("心血管内科一线", "一线", "内科系统", "心血管内科", "医师",
     [("白班", "08:00", "17:30", False, True, True), ("夜班", "17:30", "08:00", True, True, True)],
     ["D0002", "D0003", "D0004", "D0005"]),
    ("普外科一线", "一线", "外科系统", "普外科", "医师",
     [("白班", "08:00", "17:30", False, True, True), ("夜班", "17:30", "08:00", True, True, True)],
     ["D0007", "D0008", "D0009", "D0010"]),
    ("心血管内科病区护理夜班", "护理夜班", "护理", WARD, "护士",
     [("夜班", "17:30", "08:00", True, True, True)], ["N0002", "N0003", "N0004", "N0005", "N0006"]),
]

# the catalogue: department, code, name, grade, flags (D 日间, M 微创, R 限制类)
PROCEDURES = [
    ("普外科", "53.0501", "腹股沟疝无张力修补术", 2, "D"), ("普外科", "47.0101", "腹腔镜阑尾切除术", 2, "M"),
    ("普外科", "47.0901", "阑尾切除术", 2, ""), ("普外科", "51.2301", "腹腔镜胆囊切除术", 3, "M"),
    ("普外科", "06.2x01", "甲状腺腺叶切除术", 3, ""), ("普外科", "44.4101", "胃穿孔修补术", 3, ""),
    ("普外科", "43.7x01", "根治性远端胃大部切除术", 4, ""), ("普外科", "17.3901", "腹腔镜结肠癌根治术", 4, "M"),
    ("心血管内科", "88.5701", "冠状动脉造影术", 2, "M"), ("心血管内科", "37.7801", "临时心脏起搏器置入术", 3, "M"),
    ("心血管内科", "37.8101", "单腔永久起搏器置入术", 3, "M"),
    ("心血管内科", "00.6601", "经皮冠状动脉腔内成形术", 4, "M"),
    ("心血管内科", "36.0701", "经皮冠状动脉药物洗脱支架置入术", 4, "M"),
]
# the yearly assessments: surgeon, grade scope, 三、四级 procedures granted
GRANTS = [("D0006", 2, ["51.2301", "06.2x01", "44.4101", "43.7x01", "17.3901"]),
          ("D0007", 2, ["51.2301", "06.2x01", "44.4101", "17.3901"]),
          ("D0008", 2, ["51.2301", "44.4101"]), ("D0010", 2, []),
          ("D0001", 2, ["37.7801", "37.8101", "00.6601", "36.0701"]), ("D0002", 2, ["37.7801", "00.6601"])]
# the month's operations log: days before the import, surgeon, code (the last one is 越权手术: 杨帆 has no grant)
OPERATIONS = [(28, "D0006", "43.7x01"), (27, "D0008", "51.2301"), (26, "D0010", "47.0901"), (24, "D0007", "17.3901"),
              (21, "D0001", "36.0701"), (20, "D0008", "44.4101"), (17, "D0002", "37.7801"), (14, "D0006", "06.2x01"),
              (13, "D0010", "53.0501"), (10, "D0001", "00.6601"), (7, "D0007", "51.2301"), (6, "D0009", "51.2301")]


@dataclass
class Practice:
    """What the build steps share: the database, the moving clock, who is who."""

    db: object
    clock: FixedClock
    now: dt.datetime
    departments: dict[str, int] = field(default_factory=dict)
    staff: dict[str, int] = field(default_factory=dict)  # 工号 -> id
    _sessions: dict[str, Session] = field(default_factory=dict)
    _steps: list = field(default_factory=list)
    _order: itertools.count = field(default_factory=itertools.count)

    @property
    def today(self) -> dt.date:
        return self.now.date()

    def at(self, when: dt.datetime | dt.date, step: Callable[[], None], hhmm: str = "09:00") -> None:
        """Run ``step`` at ``when`` (a date: at ``hhmm``); steps run in time order, the clock set to each."""
        if not isinstance(when, dt.datetime):
            when = dt.datetime.combine(when, dt.time.fromisoformat(hhmm))
        heapq.heappush(self._steps, (min(when, self.now), next(self._order), step))

    def days_ago(self, days: int) -> dt.date:
        return self.today - dt.timedelta(days=days)

    def run(self) -> None:
        while self._steps:
            when, _n, step = heapq.heappop(self._steps)
            self.clock.current = max(when, self.clock.current)
            step()
        self.clock.current = self.now

    def login(self, username: str, password: str | None = None) -> Session:
        """The account's session, logged in with its password the first time it is needed."""
        if username not in self._sessions:
            if password is None:
                password = next(a.password for a in DEMO_ACCOUNTS if a.username == username)
            actor = accounts.authenticate(self.db, username, password, self.clock).actor
            self._sessions[username] = Session(self.db, actor, self.clock)
        return self._sessions[username]

    def logout(self, username: str) -> None:
        self._sessions.pop(username, None)


def _digits(text: str, n: int) -> int:
    return int(hashlib.sha256(text.encode()).hexdigest(), 16) % 10**n


def _licence(category: str, employee_no: str, hired: dt.date) -> str | None:
    """医师执业证书编码 (15 digits) or 护士执业证书编号 (12 digits), made from the 工号."""
    serial = _digits(employee_no, 6)
    return {"医师": f"110341599{serial:06d}", "护士": f"{hired.year}34{serial:06d}"}.get(category)


def add_people(p: Practice) -> None:
    """The administrator's first day: own password, departments, staff and one account per role."""
    admin = p.login("admin", SETUP_PASSWORD)
    accounts.change_own_password(admin, SETUP_PASSWORD, ADMIN_PASSWORD)
    for order, (code, name, kind, parent) in enumerate(DEPARTMENTS, start=1):
        p.departments[name] = people.create_department(admin, {
            "code": code, "name": name, "kind": kind, "parent_id": p.departments.get(parent), "sort_order": order * 10,
            "phone": "8" + code[1:]}).id
    for number, name, gender, dept, category, title, hired, notes, reason in STAFF:
        hire = (dt.date.fromisoformat(hired) if isinstance(hired, str) else p.days_ago(hired))
        licence = _licence(category, number, hire) if title and reason != "实习" else None
        p.staff[number] = people.create_staff(admin, {
            "employee_no": number, "name": name, "gender": gender, "department_id": p.departments[dept],
            "category": category, "title": title, "licence_no": licence,
            "practice_category": ({"医师": "临床", "护士": "护理"}.get(category) if licence else None),
            "registered_here": reason is None, "non_registered_reason": reason, "hire_date": hire, "on_duty": True,
            "phone": f"139{_digits(number, 8):08d}", "notes": notes}).id
    admin_id = admin.actor.user_id
    for account in DEMO_ACCOUNTS:
        number = ACCOUNT_STAFF[account.username]
        name = next(s[1] for s in STAFF if s[0] == number)
        values = {"display_name": name, "role": account.role.value, "department_id": p.departments[account.department],
                  "staff_id": p.staff[number]}
        if account.username == "admin":
            accounts.update_user(admin, admin_id, values)
        else:
            accounts.create_user(admin, {"username": account.username, "password_is_final": True, **values},
                                 account.password)
    p.logout("admin")  # its actor changed: the next step logs in again


# ----------------------------------------------------------------------------- 问题台账


def add_ledger(p: Practice) -> None:
    start = p.days_ago(36)
    p.at(start, lambda: _inspection(p, start), "09:30")
    p.at(p.days_ago(3), lambda: ledger.register_item(p.login("zhikong"), {
        "found_on": p.days_ago(3), "deadline": p.days_ago(3) + dt.timedelta(days=15), "source": "投诉",
        "category": "分级护理制度", "description": "患者家属投诉：夜间呼叫铃响后护士 10 分钟未到床旁。",
        "department_id": p.departments[WARD], "severity": "较重", "remarks": "投诉登记编号 TS-001"}), "10:20")
    p.at(p.days_ago(2), lambda: _self_inspection(p), "15:00")


def _points(session: Session) -> tuple[int, list]:
    """The built-in 核心制度 checklist and its check points."""
    checklist = next(c for c in checklists.list_checklists(session) if c.builtin and c.kind == "核心制度")
    return checklist.id, checklists.list_items(session, checklist.id)


_PROBLEMS = {  # department -> (core system whose first check point failed, what was found, what happens to it)
    "心血管内科": [("三级查房制度", "抽查 5 份运行病历，2 份上级医师查房记录未在 48 小时内完成。", "closed"),
                   ("会诊制度", "会诊申请单填写不全，急会诊到达时间未记录。", "recheck"),
                   ("危急值报告制度", "危急值报告登记本有 3 条未记录处理措施。", "overdue")],
    "普外科": [("术前讨论制度", "术前讨论记录未见四级手术多学科讨论意见。", "started"),
               ("手术安全核查制度", "手术安全核查表有 2 份缺少巡回护士签名。", "pending")],
}


def _inspection(p: Practice, day: dt.date) -> None:
    quality = p.login("zhikong")
    checklist_id, points = _points(quality)
    insp = inspections.create_inspection(quality, {
        "type": "全院半年自查", "inspected_on": day, "title": f"{day.year}年核心制度落实情况全院自查",
        "inspectors": "彭磊、董丹、韩冬", "checklist_id": checklist_id,
        "department_ids": [p.departments[d] for d in _PROBLEMS]})
    for department, problems in _PROBLEMS.items():
        failed = {next(x.id for x in points if x.category == c): text for c, text, _fate in problems}
        inspections.record_results(quality, insp.id, p.departments[department], [
            {"item_id": point.id, "result": "不符合", "note": failed[point.id]} if point.id in failed
            else {"item_id": point.id, "result": "符合"} for point in points])
    inspections.complete_inspection(quality, insp.id)
    items = {i.description: i for i in ledger.list_items(quality)}
    for department, problems in _PROBLEMS.items():
        for _i, text, fate in problems:
            item = items[text]
            deadline = day + dt.timedelta(days=15 if fate == "overdue" else 45)
            ledger.update_registration(quality, item.id, {"deadline": deadline})
            _rectify(p, item.id, department, fate, day)


def _rectify(p: Practice, item_id: int, department: str, fate: str, found: dt.date) -> None:
    """The department's answer (neike for 心血管内科, the quality office for the others) and its re-check."""
    if fate in ("pending", "overdue"):
        return
    who = "neike" if department == "心血管内科" else "zhikong"
    answer = {"cause_analysis": "科室对核心制度要求学习不够，环节质量自查流于形式。",
              "measures": "科室组织专题学习；指定质控员每周抽查；纳入科室绩效考核。",
              "responsible_person": "周建国" if who == "neike" else "王志刚"}
    p.at(found + dt.timedelta(days=4), lambda: ledger.save_rectification(p.login(who), item_id, answer), "16:00")
    if fate == "started":
        return
    p.at(found + dt.timedelta(days=12), lambda: ledger.submit_for_recheck(p.login(who), item_id, {
        "progress": "已完成专题学习并留存签到表，抽查 20 份病历均符合要求。"}), "16:30")
    if fate == "closed":
        p.at(found + dt.timedelta(days=16), lambda: ledger.recheck(p.login("zhikong"), item_id, {
            "recheck_opinion": "现场抽查 10 份病历，整改到位，同意销号。", "rechecker": "董丹",
            "recheck_on": found + dt.timedelta(days=16)}, passed=True), "10:00")


def _self_inspection(p: Practice) -> None:
    """neike's monthly 科室自查, still being recorded (the first points only)."""
    head = p.login("neike")
    checklist_id, points = _points(head)
    insp = inspections.create_inspection(head, {
        "type": "科室月度自查", "inspected_on": p.clock.today(), "inspectors": "周建国、李秀兰",
        "checklist_id": checklist_id, "department_ids": [p.departments["心血管内科"], p.departments[WARD]]})
    inspections.record_results(head, insp.id, p.departments[WARD], [
        {"item_id": point.id, "result": "符合"} for point in points[:6]])


# ----------------------------------------------------------------------------- 值班表


def _month(day: dt.date, step: int = 0) -> str:
    index = day.year * 12 + day.month - 1 + step
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def add_roster(p: Practice) -> None:
    first_of_month = p.today.replace(day=1)
    p.at(p.days_ago(40), lambda: _posts(p), "10:30")
    p.at(first_of_month - dt.timedelta(days=6), lambda: _plan_month(p, _month(p.today), publish=True), "15:00")
    p.at(p.today, lambda: _plan_month(p, _month(p.today, 1), publish=False), "08:05")


def _posts(p: Practice) -> None:
    quality = p.login("zhikong")
    for order, (name, kind, group, dept, category, shifts, rotation) in enumerate(POSTS, start=1):
        post = roster.save_post(quality, {
            "name": name, "kind": kind, "group_name": group, "department_id": p.departments[dept],
            "required_category": category, "min_title_rank": 1, "licence_required": True, "headcount": 1,
            "sort_order": order, "duties": "负责本岗位时段内患者的诊疗与护理，遇危重患者及时请示上级。"})
        for shift, starts, ends, workdays, weekends, holidays in shifts:
            roster.save_shift(quality, post.id, {"name": shift, "starts": starts, "ends": ends, "on_workdays": workdays,
                                                 "on_weekends": weekends, "on_holidays": holidays})
        roster.set_rotation(quality, post.id, [p.staff[n] for n in rotation])


def _plan_month(p: Practice, month: str, *, publish: bool) -> None:
    quality = p.login("zhikong")
    posts = roster.list_posts(quality)
    for post in posts if publish else posts[:1]:  # next month: only the first post is planned yet
        roster.fill_from_rotation(quality, month, post.id)
    if publish:
        roster.publish(quality, month, confirm_violations=True)


# ----------------------------------------------------------------------------- 交接班记录

_ITEMS = [{"name": "毒麻药品（吗啡注射液）", "expected": None, "count": None, "ok": True, "note": ""},
          {"name": "毒麻药品（哌替啶注射液）", "expected": None, "count": None, "ok": True, "note": ""},
          {"name": "抢救车（封存完好）", "expected": None, "count": None, "ok": True, "note": ""},
          {"name": "除颤仪", "expected": 1, "count": 1, "ok": None, "note": ""},
          {"name": "贵重器械（监护仪）", "expected": None, "count": None, "ok": True, "note": ""},
          {"name": "病历", "expected": None, "count": None, "ok": True, "note": ""}]
_KEY_PATIENTS = [
    {"category": "病危", "bed": "12", "patient_name": "张桂芳", "diagnosis": "急性ST段抬高型心肌梗死",
     "situation": "神志清，精神差，持续心电监护、吸氧，血压 98/60mmHg。", "background": "女，76岁。高血压病史20年。",
     "assessment": "病情危重，有心律失常风险。", "recommendation": "持续心电监护，每小时记录生命体征及出入量。"},
    {"category": "病重", "bed": "7", "patient_name": "李德明", "diagnosis": "慢性心力衰竭急性加重",
     "situation": "活动后气促，半卧位，双下肢水肿。", "background": "男，69岁。冠心病史8年。",
     "assessment": "心功能Ⅲ级，有跌倒风险。", "recommendation": "记录24小时出入量，防跌倒，留陪护一人。"},
]
_NEW = [("23", "刘玉珍", "不稳定型心绞痛", "门诊"), ("31", "陈福生", "心房颤动", "急诊"), ("加1", "王建华", "高血压3级（极高危）", "急诊")]
_LEFT = [("15", "赵长林", "冠状动脉粥样硬化性心脏病")]
_MOVES = {"白班": (2, 1), "小夜班": (1, 0), "大夜班": (0, 0)}  # (入院, 出院) per shift


def add_handover(p: Practice) -> None:
    """The ward's shifts that ended in the last two days, hushi and jieban taking turns; the last one
    is handed over by hushi and waits for jieban (the shift running now is not written yet)."""
    ward = p.departments[WARD]
    slots = []
    for day in (p.days_ago(2), p.days_ago(1), p.today):
        for shift in shifts_from(DEFAULT_SHIFTS[NURSE]):
            start, end = shift.interval(day)
            if end <= p.now:
                slots.append((day, shift, start, end))
    slots = slots[-5:]
    writers = ["hushi" if (len(slots) - i) % 2 else "jieban" for i in range(len(slots))]
    current = 41
    for i, (day, shift, start, end) in enumerate(slots):
        admitted, discharged = _MOVES[shift.name]
        census = {"入院": admitted, "转入": 0, "出院": discharged, "转出": 0, "死亡": 0,
                  "现有": current + admitted - discharged, "手术": 0, "分娩": 0, "病危": 1, "病重": 1, "一级护理": 5}
        if i == 0:
            census["原有"] = current
        current = census["现有"]
        entries = [{"category": "出院", "bed": bed, "patient_name": name, "diagnosis": diagnosis, "place": "回家",
                    "event_time": (start + dt.timedelta(hours=3)).strftime("%H:%M"),
                    "situation": "病情稳定，办理出院，出院宣教已完成。"} for bed, name, diagnosis in _LEFT[:discharged]]
        entries += [{"category": "新入", "bed": bed, "patient_name": name, "diagnosis": diagnosis, "place": place,
                     "event_time": (start + dt.timedelta(hours=2)).strftime("%H:%M"),
                     "situation": "入院宣教已完成，协助完善相关检查。"}
                    for bed, name, diagnosis, place in _NEW[(i % 2):(i % 2) + admitted]]
        entries += [dict(e) for e in _KEY_PATIENTS]
        received = i < len(slots) - 1
        p.at(end - dt.timedelta(minutes=50), lambda d=day, s=shift, c=census, e=entries, w=writers[i], r=received:
             _write_report(p, ward, d, s, c, e, w, r))


def _write_report(p: Practice, ward: int, day: dt.date, shift, census: dict, entries: list, writer: str,
                  received: bool) -> None:
    nurse = p.login(writer)
    report = handover.create_report(nurse, ward, day, shift.name, NURSE,
                                    {"census": census, "entries": entries, "items": _ITEMS})
    end = shift.interval(day)[1]
    for e in report.entries:
        if e.needs_bedside:
            p.clock.current = end - dt.timedelta(minutes=20)
            handover.record_bedside(nurse, report.id, e.uid, p.clock.current, f"床旁交接记录单第 {3 + day.day % 9} 页")
    p.clock.current = end - dt.timedelta(minutes=5)
    handover.sign_outgoing(nurse, report.id)
    if received:  # the next nurse signs on the same computer with her own account and password
        p.clock.current = end + dt.timedelta(minutes=12)
        other = "jieban" if writer == "hushi" else "hushi"
        handover.sign_receive(nurse, report.id, other, next(a.password for a in DEMO_ACCOUNTS if a.username == other))


# ----------------------------------------------------------------------------- 培训考核


def add_training(p: Practice) -> None:
    held = p.days_ago(21)
    p.at(held, lambda: _session(p, held), "17:00")
    p.at(p.days_ago(7), lambda: _survey(p), "16:00")
    p.at(p.days_ago(1), lambda: training.save_session(p.login("zhikong"), _session_values(
        p, p.today + dt.timedelta(days=10), "医疗质量安全核心制度培训（查对制度）")), "11:00")


def _core(p: Practice) -> int:
    return next(c.id for c in training.list_categories(p.login("zhikong")) if c.code == "core")


def _session_values(p: Practice, day: dt.date, title: str) -> dict:
    return {"title": title, "category_id": _core(p), "content": "制度要点、常见问题与案例分析。", "date": day.isoformat(),
            "starts": "14:30", "ends": "16:30", "place": "行政楼三楼会议室", "lecturer": "彭磊",
            "lecturer_title": "副主任医师", "department_id": p.departments["质控科"], "hours": 2, "form": "集中",
            "audience": Audience(departments=(p.departments["心血管内科"], p.departments["普外科"])), "notes": None}


def _session(p: Practice, day: dt.date) -> None:
    """A session with its sign-in and exam: two absent, one failed and passes the 补考 a week later."""
    quality = p.login("zhikong")
    saved = training.save_session(quality, _session_values(p, day, "医疗质量安全核心制度培训（值班和交接班制度）"))
    exam = training.save_assessment(quality, {"session_id": saved.id, "title": "值班和交接班制度考核",
                                              "full_mark": 100, "pass_mark": 80})
    expected = [a.staff_id for a in saved.attendees if a.expected]
    absent = {expected[1]: "夜班", expected[4]: "休假"}
    sheet = [{"staff_id": s, "present": s not in absent, "note": absent.get(s)} for s in expected]
    scores = [{"staff_id": s, "attempt": 1, "score": 72.0 if n == 2 else 80.0 + (n * 7) % 19}
              for n, s in enumerate(expected) if s not in absent]
    training.record_sheet(quality, saved.id, sheet, exam.id, scores)
    makeup = scores + [{"staff_id": expected[2], "attempt": 2, "score": 88.0}]
    p.at(day + dt.timedelta(days=7), lambda: training.record_scores(p.login("zhikong"), exam.id, makeup), "16:00")


def _survey(p: Practice) -> None:
    quality = p.login("zhikong")
    day = p.clock.today()
    sample = training.sample_people(quality, 2, day, seed=day.toordinal())
    survey = training.save_assessment(quality, {
        "kind": AWARENESS, "title": f"{day.year}年核心制度知晓率抽考", "category_id": _core(p),
        "date": day.isoformat(), "full_mark": 100, "pass_mark": 80, "notes": "按科室随机抽取 2 人，现场提问"})
    training.record_scores(quality, survey.id, [{"staff_id": s["id"], "attempt": 1, "score": 70.0 if n == 3 else 90.0}
                                                for n, s in enumerate(sample)])


# ----------------------------------------------------------------------------- 手术分级与授权


def add_surgery(p: Practice) -> None:
    p.at(p.days_ago(39), lambda: _catalogue(p), "10:00")
    p.at(p.days_ago(37), lambda: _grants(p), "16:00")
    p.at(p.days_ago(1), lambda: _operations(p), "09:00")


def _catalogue(p: Practice) -> None:
    quality = p.login("zhikong")
    day = p.clock.today()
    made = catalogues.create_catalogue(quality, {"name": f"手术分级管理目录（{day.year} 年版）",
                                                 "effective_date": day.isoformat(),
                                                 "notes": "依据《医疗机构手术分级管理办法》制定"})
    for dept, code, name, grade, flags in PROCEDURES:
        catalogues.save_procedure(quality, made.id, {
            "code": code, "name": name, "grade": grade, "department_id": p.departments[dept], "specialty": dept,
            "restricted": "R" in flags, "day_surgery": "D" in flags, "minimally_invasive": "M" in flags,
            "notes": "须术前多学科讨论" if grade == 4 else None})
    catalogues.approve_catalogue(quality, made.id, COMMITTEE, day, day)
    catalogues.file_catalogue(quality, made.id, day)


def _grants(p: Practice) -> None:
    quality = p.login("zhikong")
    day = p.clock.today()
    for number, grade, codes in GRANTS:
        dept = next(s[3] for s in STAFF if s[0] == number)
        base = {"staff_id": p.staff[number], "period_from": (day - dt.timedelta(days=365)).isoformat(),
                "period_to": (day - dt.timedelta(days=1)).isoformat(), "assessed_on": day.isoformat(),
                "approved_on": day.isoformat(), "approved_by": COMMITTEE, "assessors": f"{dept}医疗质量与安全管理小组、医务科",
                "conclusion": "授予", "adverse_events": 0}
        for values in ({"grade": grade, "procedures": [], "cases": 40, "complications": 0},
                       {"procedures": [{"code": c, "cases": 12, "complications": 0} for c in codes]}):
            if values.get("grade") or values["procedures"]:
                saved = privileges.save_assessment(quality, base | values)
                privileges.apply_assessment(quality, saved.id)


def _operations(p: Practice) -> None:
    quality = p.login("zhikong")
    names = {code: name for _d, code, name, _g, _f in PROCEDURES}
    rows = [{"row": n, "date": p.days_ago(ago).isoformat(), "patient_no": f"{p.today.year}{n:06d}", "code": code,
             "name": names[code], "surgeon": number} for n, (ago, number, code) in enumerate(OPERATIONS, start=1)]
    text = json.dumps(rows, ensure_ascii=False, sort_keys=True)
    operations.record_operations(quality, f"手术记录_{p.today:%Y%m%d}.xlsx", hashlib.sha256(text.encode()).hexdigest(),
                                 rows)


# ----------------------------------------------------------------------------- 半年/全年报送


def add_submission(p: Practice) -> None:
    def draft() -> None:
        quality = p.login("zhikong")
        due = submissions.next_deadline(quality)
        made = submissions.create_submission(quality, due["kind"], due["year"])
        submissions.save_submission(quality, made.id, {
            "narrative": {"工作开展情况": "开展全院核心制度自查，对照问题台账督促整改，组织核心制度培训考核。"},
            "signers": {"填报人": "彭磊", "联系电话": HOSPITAL["phone"]}})

    p.at(p.days_ago(1), draft, "15:00")


STEPS: list[Callable[[Practice], None]] = [add_ledger, add_roster, add_handover, add_training, add_surgery,
                                           add_submission]


# ----------------------------------------------------------------------------- building the file


@dataclass(frozen=True)
class PracticeSummary:
    path: Path
    hospital: str
    departments: int
    staff: int
    accounts: tuple[DemoAccount, ...]
    seconds: float

    def lines(self) -> list[str]:
        out = [f"已生成演练医院“{self.hospital}”（虚构，用于试用和培训）：{self.path}",
               f"  科室 {self.departments} 个，人员 {self.staff} 人；问题台账、值班表、交接班记录、培训考核、手术分级与授权、"
               "半年/全年报送各有示例记录",
               "演示账户（首次登录无须修改密码，仅供试用）："]
        out += [f"  {a.username:<10} 密码 {a.password:<10} {a.role.label}  {a.description}" for a in self.accounts]
        out.append(f"用时 {self.seconds:.1f} 秒")
        return out


def remove_database(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(str(path) + suffix).unlink(missing_ok=True)


@contextmanager
def new_demo_file(path: Path | str, *, force: bool = False) -> Iterator[Path]:
    """A temporary name beside ``path`` to build a demo database in; renamed into place when the
    block ends without error (the database closed by then), else removed, so an interrupted build
    never leaves half a database. An existing file is replaced only with ``force`` and only when it
    is itself a demo database."""
    target = Path(path)
    if target.exists() and target.stat().st_size > 0:
        if not force:
            raise errors.Conflict(f"文件“{target}”已存在，没有生成演示数据。如要重新生成，请先删除它或指定覆盖。")
        if not is_demo_file(target):
            raise errors.Conflict(f"文件“{target}”不是演示数据库（可能是医院的正式数据），不能用演示数据覆盖。请另选文件名。")
    tmp = target.with_name(target.name + ".building")
    remove_database(tmp)
    try:
        yield tmp
        if force:
            remove_database(target)
        os.replace(tmp, target)
    except BaseException:
        remove_database(tmp)
        raise


def build_practice(path: Path | str, *, clock: Clock | None = None, force: bool = False) -> PracticeSummary:
    """Build the practice hospital into the new file ``path`` (``force``: replace a demo database)."""
    started = time.perf_counter()
    now = (clock or SystemClock()).now().replace(microsecond=0)
    with new_demo_file(path, force=force) as tmp:
        sim = FixedClock(dt.datetime.combine(now.date() - dt.timedelta(days=42), dt.time(8, 30)))
        db = initialize_database(tmp, HOSPITAL, {"username": "admin", "display_name": "系统管理员",
                                                 "password": SETUP_PASSWORD}, clock=sim)
        try:
            p = Practice(db, sim, now)
            add_people(p)
            for step in STEPS:
                step(p)
            p.run()
            finish_demo(p.login("admin"), {"built_for": now.date().isoformat()}, "演练医院")
        finally:
            db.close()
    return PracticeSummary(Path(path), HOSPITAL["name"], len(DEPARTMENTS), len(STAFF), tuple(DEMO_ACCOUNTS),
                           time.perf_counter() - started)
