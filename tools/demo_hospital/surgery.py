"""The demo hospital's 手术分级管理目录, its surgeons' 手术授权 and their yearly 能力评估, and the
operations logs imported from the HIS every month.

What happens
------------
* The catalogue (:mod:`tools.demo_hospital.surgery_data`: about 300 procedures of 普外、骨科、泌尿外科、
  神经外科、胸外科、妇产科、眼科、耳鼻咽喉科、口腔科, 心内介入, 消化内镜 and 支气管镜, with ICD-9-CM-3
  national clinical codes, grades, 限制类技术 as 四级, 日间手术 and 微创 flags) is entered on the first
  day as the version in force that year (approved and filed before). Every November 医务科 makes
  next year's version from the one before (``create_catalogue``): the new techniques of that year
  added, a few procedures upgraded, downgraded, removed or given another attribute, each with its
  reason (``set_change_reason``); the 医疗质量与安全管理委员会 approves it in December, effective
  1 January, and it is filed with the county health commission in January. Today next year's
  version is a draft with its adjustments.
* Every year each surgical department has its 手术授权再评估 on a fixed date (April–July): every
  licensed, registered 医师 of the department employed three months is assessed (cases and
  complications from the operations log of the last twelve months, adverse events) — 授权至一级
  or 二级 for grades 1–2 (renewed every second year), and procedure by procedure for 三、四级:
  mostly 维持 and 授予 (new procedures as the surgeon gains title and experience), sometimes 升级,
  rarely 暂停 or 降级. 四级 grants are renewed every year (valid 12 months), the others valid 24
  months; a surgeon's first grant of a 四级 procedure is valid six months and gets a focused review
  (重点评估) three weeks before it runs out. 进修, 规培 and 实习 doctors are never granted. When a surgeon leaves, 医务科 cancels the
  grants on the last day.
* Operations are performed only by a surgeon whose grants cover the procedure that day — except a
  handful of 越权手术 each year (a 主治医师 operating a 三级 procedure he was not granted, in an
  emergency), planted on purpose and caught by the log check. The month's log (about 2,500
  operations, 30,000 a year) is imported at the start of the next month through
  ``record_operations``, which checks it; the builder verifies that exactly the planted operations
  come out as 越权手术.
* Today's picture, through the services: two surgeons granted a new 四级 technique on trial for
  three months (lapsing within the 90-day reminder), one surgeon's trial grant lapsed without its
  review — and operated twice after the lapse (越权手术) —, and one approved assessment whose
  conclusion 医务科 has not yet applied.

How it is written
-----------------
The rounds before the last :data:`RECENT_DAYS` days go in bulk
(:func:`tools.demo_hospital.bulk.insert_privilege_history`), each grant checked first with the
services' rules (``grant_refusal``, the catalogue in force, an approved assessment for 四级, the
cycle), one audit row per round; the first catalogue version likewise
(:func:`~tools.demo_hospital.bulk.insert_approved_catalogue`, each procedure through
``clean_procedure``), one audit row. Everything else — later versions, approvals and filings, the
recent rounds and today's scenarios, every operations log — goes through the services.

Random choices come from generators derived from ``ctx.rng`` without drawing from it.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import json
import math
import random
from collections import defaultdict
from typing import TYPE_CHECKING

from desktop_app.accounts import audit
from desktop_app.accounts.permissions import Role
from desktop_app.people.models import title_rank
from desktop_app.surgery import catalogue as catalogues
from desktop_app.surgery import operations, privileges, repo
from desktop_app.surgery.models import (
    APPROVED,
    GRADE_SCOPE,
    PROCEDURE_SCOPE,
    REPLACED,
    SUSPENDED,
    VALID,
)
from tools.demo_hospital import bulk
from tools.demo_hospital.surgery_data import ADJUSTMENTS, CATALOGUE

if TYPE_CHECKING:  # hospital.py imports this module for its STEPS
    from tools.demo_hospital.hospital import DemoContext, DemoPerson

RECENT_DAYS = 60
COMMITTEE = "医疗质量与安全管理委员会"
# the fixed date of each department's yearly re-assessment (the committee approves a week later)
ROUNDS = {"普外科": (4, 14), "骨科": (4, 21), "泌尿外科": (4, 28), "神经外科": (5, 12), "胸外科": (5, 19),
          "妇产科": (5, 26), "眼科": (6, 9), "耳鼻咽喉科": (6, 16), "口腔科": (6, 23), "心血管内科": (7, 7),
          "消化内科": (7, 14), "呼吸内科": (7, 21)}
INTERVENTIONAL = {"心血管内科", "消化内科", "呼吸内科"}  # only some of their doctors operate
VOLUME = {"普外科": 19, "骨科": 14, "泌尿外科": 8, "神经外科": 3, "胸外科": 3, "妇产科": 19, "眼科": 9, "耳鼻咽喉科": 6,
          "口腔科": 7, "心血管内科": 4, "消化内科": 7, "呼吸内科": 1}
GRADE_WEIGHT = {1: 5.0, 2: 4.0, 3: 2.0, 4: 0.8}
NEW_REASON = "新技术新项目准入：经医疗技术临床应用管理委员会论证，具备开展条件，纳入目录"
TRIAL_NOTE = "新技术试运行期授权 3 个月，期满前重点评估"


def _add_months(day: dt.date, months: int) -> dt.date:
    return privileges.add_months(day, months)


class _Surgery:
    def __init__(self, ctx: DemoContext):
        self.ctx = ctx
        self.seed = f"surgery:{ctx.rng.getstate()!r}"
        self.rng = random.Random(self.seed)
        self._prefix = f"{self.rng.getrandbits(64):016x}"
        self._uids = 0
        self.recent_from = max(ctx.start, ctx.today - dt.timedelta(days=RECENT_DAYS))
        self.y0 = ctx.start.year
        self.rows = {r[0]: (dept, r) for dept, rows in CATALOGUE.items() for r in rows}
        self.order = {r[0]: i for i, r in enumerate(r for rows in CATALOGUE.values() for r in rows)}
        self.versions: list[tuple[str, int, dict]] = []  # (effective date, catalogue id, code -> procedure values)
        self.grants: dict[int, list] = {}               # staff id -> Privilege rows (mirror of the table)
        self.planted: list[tuple] = []                  # operations meant to be 越权手术
        self.serial: dict[int, int] = defaultdict(int)
        self.trial: dict | None = None                  # scenario B: the lapsed trial grant
        self.approved: set[int] = set()                # catalogue ids approved

    def uid(self) -> str:
        self._uids += 1
        return f"{self._prefix}{self._uids:016x}"

    def r(self, *parts) -> random.Random:
        return random.Random(f"{self.seed}:" + ":".join(map(str, parts)))

    @property
    def office(self):
        return self.ctx.person_session(self.ctx.leader("医务科", "科长"), Role.QUALITY)

    # ------------------------------------------------------------------ the catalogue

    def _values(self, code: str, offset: int, adjusted: dict | None = None) -> dict:
        dept, (code, name, grade, flags, _since) = self.rows[code]
        v = {"code": code, "name": name, "grade": grade, "department_id": self.ctx.departments[dept],
             "specialty": dept, "restricted": "R" in flags, "day_surgery": "D" in flags,
             "minimally_invasive": "M" in flags, "notes": "须术前多学科讨论" if grade == 4 else None}
        return v | (adjusted or {})

    def _content(self, offset: int) -> tuple[dict[str, dict], dict[str, str]]:
        """The procedures of the version ``offset`` years after the first, and the reasons of its changes."""
        state = {code: self._values(code, 0) for code, (_d, row) in self.rows.items() if row[4] is None}
        reasons: dict[str, str] = {}
        for k in range(1, offset + 1):
            reasons = {}
            for code, (_d, row) in self.rows.items():
                if row[4] == k:
                    state[code] = self._values(code, k)
                    reasons[code] = NEW_REASON
            explicit = [a for a in ADJUSTMENTS if a[0] == k]
            if not explicit:  # no table row for this year: an ordinary yearly adjustment
                r = self.r("adjust", k)
                candidates = sorted(c for c, v in state.items() if v["grade"] == 3 and not v["day_surgery"]
                                    and not v["restricted"] and c not in reasons)
                pick = r.choice(candidates)
                explicit = [(k, pick, None, {"day_surgery": True}, "围手术期管理成熟，平均住院日短，纳入日间手术管理")]
                candidates = sorted(c for c, v in state.items() if v["grade"] == 3 and c not in reasons and c != pick)
                explicit.append((k, r.choice(candidates), 4, {}, "近两年术后并发症发生率高于三级手术平均水平，升级管理"))
            for _k, code, grade, attrs, reason in explicit:
                if code not in state:
                    continue
                if attrs.get("_remove"):
                    del state[code]
                else:
                    v = dict(state[code])
                    if grade:
                        v["grade"] = grade
                        v["notes"] = "须术前多学科讨论" if grade == 4 else None
                    v.update({a: b for a, b in attrs.items() if not a.startswith("_")})
                    if "_note" in attrs:
                        v["notes"] = attrs["_note"]
                    state[code] = v
                reasons[code] = reason
        return state, reasons

    def first_version(self) -> None:
        """The version in force when the hospital started using the program, entered in bulk."""
        ctx, db = self.ctx, self.ctx.db
        state, _ = self._content(0)
        rows = []
        for code in sorted(state, key=self.order.get):
            clean, findings = catalogues.clean_procedure(db, state[code])
            if findings:
                raise RuntimeError(f"演示数据未通过校验（{code}）：" + "；".join(f.text() for f in findings))
            rows.append(clean)
        year = self.y0
        now = ctx.session.stamp()
        cat_id = bulk.insert_approved_catalogue(db, {
            "name": f"手术分级管理目录（{year} 年版）", "effective_date": f"{year}-01-01",
            "notes": "依据《医疗机构手术分级管理办法》和省级手术分级参考目录制定", "status": APPROVED, "approved_by": COMMITTEE,
            "approved_on": f"{year - 1}-12-12", "filed": 1, "filed_on": f"{year}-01-10"}, rows,
            ctx.session.actor.display_name, now)
        created = repo.catalogue(db, cat_id)
        audit.record(ctx.session, "create", "surgery_catalogue", uid=created.uid, label=created.name, after={
            "name": created.name, "effective_date": created.effective_date, "status": created.status,
            "approved_by": COMMITTEE, "approved_on": created.approved_on, "filed": "已备案", "filed_on": created.filed_on,
            "procedures": created.procedures,
            "notes": "启用本程序时录入现行目录（演示数据批量写入，逐项通过目录规则校验）"})
        self.versions.append((f"{year}-01-01", cat_id, {code: state[code] for code in state}))
        self.approved.add(cat_id)

    def plan_versions(self) -> None:
        ctx = self.ctx
        for year in range(self.y0 + 1, ctx.today.year + 2):
            created = max(dt.date(year - 1, 11, 10), ctx.start + dt.timedelta(days=1))
            approved = max(dt.date(year - 1, 12, 12), created + dt.timedelta(days=5))
            for day, action in ((created, self.new_version), (approved, self.approve),
                                (max(dt.date(year, 1, 10), approved + dt.timedelta(days=10)), self.file)):
                ctx.schedule(day, lambda c, y=year, a=action: a(y))

    def _catalogue_id(self, year: int) -> int | None:
        return next((cid for eff, cid, _s in self.versions if eff == f"{year}-01-01"), None)

    def new_version(self, year: int) -> None:
        """医务科 makes next year's version from this year's, through the services."""
        if self._catalogue_id(year):
            return
        session = self.office
        base = self._catalogue_id(year - 1)
        made = catalogues.create_catalogue(session, {"name": f"手术分级管理目录（{year} 年版）",
                                                     "effective_date": f"{year}-01-01",
                                                     "notes": "在上一年版基础上动态调整"}, based_on_id=base)
        state, reasons = self._content(year - self.y0)
        old = {p.code: p for p in repo.procedures(self.ctx.db, made.id)}
        for code in sorted(set(old) | set(state), key=self.order.get):
            if code not in state:
                catalogues.delete_procedure(session, old[code].id)
            elif code not in old:
                catalogues.save_procedure(session, made.id, state[code])
            else:
                p = old[code]
                before = {"grade": p.grade, "restricted": p.restricted, "day_surgery": p.day_surgery,
                          "minimally_invasive": p.minimally_invasive, "notes": p.notes}
                after = {k: state[code][k] for k in before}
                if before != after:
                    catalogues.save_procedure(session, made.id, state[code], p.id)
        for d in catalogues.differences(session, made.id):
            catalogues.set_change_reason(session, made.id, d.code, reasons.get(d.code, "按省级参考目录调整"))
        self.versions.append((f"{year}-01-01", made.id, state))

    def approve(self, year: int) -> None:
        cid = self._catalogue_id(year)
        if cid:
            catalogues.approve_catalogue(self.office, cid, COMMITTEE, self.ctx.clock.today(), f"{year}-01-01")
            self.approved.add(cid)

    def file(self, year: int) -> None:
        cid = self._catalogue_id(year)
        if cid and repo.catalogue(self.ctx.db, cid).frozen:
            catalogues.file_catalogue(self.office, cid, self.ctx.clock.today())

    def in_force(self, day: dt.date) -> dict[str, dict]:
        """code -> procedure values of the approved version in force on ``day``."""
        chosen = self.versions[0][2] if self.versions else {}  # before the first version: the hospital's list then
        for eff, cid, state in self.versions:
            if eff <= day.isoformat() and cid in self.approved:
                chosen = state
        return chosen

    # ------------------------------------------------------------------ surgeons

    def employed(self, p: DemoPerson, day: dt.date) -> bool:
        return p.hire_date <= day and (p.leave_date is None or p.leave_date > day)

    def surgeons(self, department: str, day: dt.date) -> list[DemoPerson]:
        """Licensed, registered doctors of the department employed three months by ``day``."""
        out = []
        for p in self.ctx.people.values():
            if (p.department == department and p.category == "医师" and p.registered and p.licensed
                    and p.hire_date <= day - dt.timedelta(days=90) and self.employed(p, day)):
                if department in INTERVENTIONAL and (title_rank(p.title) < 3 or (p.id % 2 and not p.leader)):
                    continue
                out.append(p)
        return sorted(out, key=lambda p: p.id)

    def ability(self, p: DemoPerson) -> float:
        return 0.75 + (int(hashlib.sha256(f"{self.seed}:{p.id}".encode()).hexdigest(), 16) % 1000) / 2000

    def target(self, p: DemoPerson, day: dt.date, book: dict[str, dict]) -> tuple[int, list[str]]:
        """The grade scope and the 三、四级 procedures this surgeon's ability supports on ``day``."""
        rank = title_rank(p.title)  # 2 医师, 3 主治医师, 4 副主任医师, 5 主任医师
        years = (day - p.hire_date).days / 365.25
        a = self.ability(p)
        grade = 2 if rank >= 3 or years >= 3 else 1
        share3 = {2: 0.15 if years >= 3 else 0, 3: 0.45 * a, 4: 0.85 * a}.get(rank, 1.0 if rank >= 5 else 0)
        share4 = {2: 0, 3: 0.08 * a if years > 8 else 0, 4: 0.45 * a}.get(rank, 0.85 * a if rank >= 5 else 0)
        mine = sorted((c for c, v in book.items() if self.rows[c][0] == p.department), key=self.order.get)
        out = []
        for g, share in ((3, share3), (4, share4)):
            listed = [c for c in mine if book[c]["grade"] == g and (not book[c]["restricted"] or rank >= 5)]
            out += listed[: math.floor(len(listed) * min(1.0, share) + 1e-9)]
        return grade, out

    def refresh(self, staff_ids=None) -> None:
        ids = staff_ids if staff_ids is not None else [r[0] for r in self.ctx.db.query(
            "SELECT DISTINCT staff_id FROM surgeon_privileges")]
        for staff_id in ids:
            self.grants[staff_id] = repo.privileges_of(self.ctx.db, staff_id)

    def current(self, staff_id: int) -> list:
        return [g for g in self.grants.get(staff_id, []) if g.status in (VALID, SUSPENDED)]

    # ------------------------------------------------------------------ rounds

    def plan_rounds(self) -> None:
        ctx = self.ctx
        for dept, (month, day) in ROUNDS.items():
            for year in range(self.y0, ctx.today.year + 1):
                approved = dt.date(year, month, day) + dt.timedelta(days=7)
                if approved <= ctx.start:
                    continue
                if approved < self.recent_from:
                    ctx.schedule(approved, lambda c, d=dept, y=year: self.round(d, y, bulk=True))
                elif approved < ctx.today:
                    ctx.schedule(approved, lambda c, d=dept, y=year: self.round(d, y, bulk=False))

    def first_grants(self) -> None:
        """The grants in force when the program started: each department's last round before it."""
        for dept, (month, day) in ROUNDS.items():
            year = self.y0 if dt.date(self.y0, month, day) + dt.timedelta(days=7) <= self.ctx.start else self.y0 - 1
            self.round(dept, year, bulk=True, first=True)

    def _cases(self, first: dt.date, last: dt.date) -> dict[tuple[int, str], int]:
        return {(r[0], r[1]): r[2] for r in self.ctx.db.execute(
            "SELECT staff_id, code, count(*) FROM operations WHERE date >= ? AND date <= ? GROUP BY 1, 2",
            (first.isoformat(), last.isoformat()))}

    def decisions(self, dept: str, year: int, first: bool = False) -> tuple[list[dict], list[tuple]]:
        """The round's assessments as the department's group and 医务科 conclude them."""
        month, day = ROUNDS[dept]
        assessed = dt.date(year, month, day)
        approved = assessed + dt.timedelta(days=7)
        book = self.in_force(approved)
        period = (assessed - dt.timedelta(days=365), assessed - dt.timedelta(days=1))
        cases = self._cases(*period)
        r = self.r("round", dept, year)
        out, cancels = [], []
        for p in self.surgeons(dept, assessed):
            grade, wanted = self.target(p, assessed, book)
            held = self.current(p.id)
            scope = next((g for g in held if g.scope == GRADE_SCOPE and g.status == VALID), None)
            base = {"staff_id": p.id, "period_from": period[0].isoformat(), "period_to": period[1].isoformat(),
                    "assessed_on": assessed.isoformat(), "approved_on": approved.isoformat(),
                    "assessors": f"{dept}医疗质量与安全管理小组、医务科", "approved_by": COMMITTEE}
            n_cases = sum(n for (s, _c), n in cases.items() if s == p.id)
            if scope is None or scope.grade < grade or scope.valid_until < (approved + dt.timedelta(days=300)).isoformat():
                conclusion = "授予" if scope is None else "升级" if scope.grade < grade else "维持"
                out.append(base | {"grade": grade, "procedures": [], "conclusion": conclusion, "cases": n_cases,
                                   "complications": r.randint(0, max(0, n_cases // 150)), "adverse_events": 0})
            held_codes = {g.code: g for g in held if g.scope == PROCEDURE_SCOPE}
            keep = [c for c, g in held_codes.items() if g.status == VALID and c in book and book[c]["grade"] >= 3]
            dropped = [c for c, g in held_codes.items() if g.status == VALID and c not in keep]
            resumed = [c for c, g in held_codes.items() if g.status == SUSPENDED and c in book and book[c]["grade"] >= 3]
            new = [c for c in wanted if c not in held_codes]
            if first:  # held before the program was used: the last round kept them
                keep, new = sorted(new, key=self.order.get), []
            special = None
            four = [c for c in keep if book[c]["grade"] == 4]
            if four and not first and r.random() < 0.03:
                special = ("暂停" if r.random() < 0.5 else "降级", r.choice(sorted(four)))
                keep.remove(special[1])

            def items(codes):
                return [{"code": c, "name": book[c]["name"], "grade": book[c]["grade"], "cases": cases.get((p.id, c), 0),
                         "complications": 1 if cases.get((p.id, c), 0) > 20 and r.random() < 0.2 else 0} for c in codes]

            if keep:
                out.append(base | {"procedures": items(sorted(keep, key=self.order.get)), "conclusion": "维持",
                                   "adverse_events": 0})
            if new or resumed:
                first4 = [c for c in new if book[c]["grade"] == 4]
                rest = [c for c in new if c not in first4] + resumed
                if rest:
                    out.append(base | {"procedures": items(sorted(rest, key=self.order.get)),
                                       "conclusion": "升级" if held_codes else "授予", "adverse_events": 0})
                if first4:
                    out.append(base | {"procedures": items(sorted(first4, key=self.order.get)), "conclusion": "授予",
                                       "adverse_events": 0, "notes": "首次授予四级手术，6 个月后重点评估",
                                       "_months": 6})
            if special:
                kind, code = special
                out.append(base | {"procedures": items([code]), "conclusion": kind, "adverse_events": 1,
                                   "notes": "发生严重不良事件 1 例，暂停该项授权，待再评估" if kind == "暂停" else
                                   "近一年该术式例数少且发生严重并发症，取消该项四级手术授权"})
            for c in sorted(dropped):
                cancels.append((held_codes[c], approved, "手术分级目录调整，该项手术已不在三、四级目录中，逐项授权终止"))
        return out, cancels

    def round(self, dept: str, year: int, *, bulk: bool, first: bool = False) -> None:
        self.refresh([p.id for p in self.surgeons(dept, dt.date(year, *ROUNDS[dept]))])
        plans, cancels = self.decisions(dept, year, first)
        if bulk:
            self._bulk_round(dept, year, plans, first, cancels=cancels)
        else:
            for grant, on, reason in cancels:
                privileges.change_status(self.office, grant.id, "cancel", on, reason)
            for plan in plans:
                self._live_assessment(plan)
        self.refresh([pl["staff_id"] for pl in plans])
        for plan in plans:  # a focused review before a first 四级 grant's six months run out
            if plan.get("_months"):
                due = _add_months(dt.date.fromisoformat(plan["approved_on"]), 6) - dt.timedelta(days=21)
                if due > self.ctx.clock.today():
                    self.ctx.schedule(due, lambda c, pl=plan: self.review(pl))

    def review(self, plan: dict) -> None:
        """重点评估 of a first 四级 grant: 维持 until the department's next round."""
        staff_id = plan["staff_id"]
        person = self.ctx.people[staff_id]
        today = self.ctx.clock.today()
        if not self.employed(person, today):
            return
        self.refresh([staff_id])
        codes = [c["code"] for c in plan["procedures"]]
        held = [g for g in self.current(staff_id) if g.code in codes and g.status == VALID]
        book = self.in_force(today)
        held = [g for g in held if g.code in book and book[g.code]["grade"] >= 3]
        if not held:
            return
        dept = person.department
        month, day = ROUNDS[dept]
        nxt = dt.date(today.year, month, day) + dt.timedelta(days=7)
        if nxt <= today:
            nxt = dt.date(today.year + 1, month, day) + dt.timedelta(days=7)
        until = min(nxt - dt.timedelta(days=1), _add_months(today, 12))
        review = {"staff_id": staff_id, "period_from": plan["approved_on"], "period_to": today.isoformat(),
                  "assessed_on": today.isoformat(), "approved_on": today.isoformat(), "approved_by": COMMITTEE,
                  "assessors": "医务科", "conclusion": "维持", "adverse_events": 0,
                  "procedures": [{"code": g.code, "name": g.name, "grade": book[g.code]["grade"], "cases": 0,
                                  "complications": 0} for g in held],
                  "notes": "首次授予四级手术满 6 个月重点评估：病例数与并发症符合要求", "_until": until}
        if today < self.recent_from:
            self._bulk_round(dept, today.year, [review], False, label=f"首次四级手术授权重点评估（{person.name}）")
        else:
            self._live_assessment(review)
        self.refresh([staff_id])

    # -- writing a round

    def _grant_rows(self, plan: dict, person: dict, on: str) -> list[dict]:
        """The grants an applied conclusion adds, checked with the services' rules."""
        db = self.ctx.db
        why = privileges.grant_refusal(person)
        if why:
            raise RuntimeError(f"演示数据未通过校验：{why}")
        granted = dt.date.fromisoformat(on)
        book = self.in_force(granted)
        rows = []
        if plan.get("grade"):
            rows.append({"scope": GRADE_SCOPE, "grade": plan["grade"], "code": None, "name": None})
        for item in plan["procedures"]:
            p = book.get(item["code"])
            if p is None or p["grade"] < 3:
                raise RuntimeError(f"演示数据未通过校验：{item['code']} 不在 {on} 生效目录的三、四级手术中")
            rows.append({"scope": PROCEDURE_SCOPE, "grade": p["grade"], "code": item["code"], "name": p["name"]})
        for row in rows:
            longest = _add_months(granted, privileges.cycle_months(db, row["grade"]))
            until = plan.get("_until") or (_add_months(granted, plan["_months"]) if plan.get("_months") else longest)
            if until > longest or until < granted:
                raise RuntimeError(f"演示数据未通过校验：授权有效期 {until} 超出周期")
            row.update(granted_on=on, valid_until=until.isoformat())
        return rows

    def _bulk_round(self, dept: str, year: int, plans: list[dict], first: bool, label: str = "年度手术授权再评估",
                    cancels: list[tuple] = ()) -> None:
        ctx, db = self.ctx, self.ctx.db
        a_id, g_id = bulk.next_privilege_ids(db)
        assessments, grants = [], []
        ended = [("取消", on.isoformat(), reason, grant.id) for grant, on, reason in cancels]
        by = ctx.session.actor.display_name
        people = {r["id"]: dict(r) for r in db.query(
            "SELECT s.id, s.name, s.category, s.licence_no, s.on_duty FROM staff s WHERE s.category = '医师'")}
        counts = defaultdict(int)
        counts["ended"] = len(ended)
        for plan in plans:
            person = people[plan["staff_id"]]
            on = plan["approved_on"]
            stamp = f"{on} 16:00:00"
            procs = [{k: i[k] for k in ("code", "name", "grade", "cases", "complications")} for i in plan["procedures"]]
            totals = {k: plan.get(k) if plan.get(k) is not None else sum(i.get(k, 0) for i in procs)
                      for k in ("cases", "complications")}
            assessments.append((a_id, self.uid(), plan["staff_id"], plan["period_from"], plan["period_to"],
                                plan.get("grade"), json.dumps(procs, ensure_ascii=False), totals["cases"],
                                totals["complications"], plan["adverse_events"], plan["conclusion"], plan["assessed_on"],
                                plan["assessors"], plan["approved_by"], on, plan.get("notes"), on, by, stamp, stamp))
            reason = f"能力评估（{plan['assessed_on']}）结论：{plan['conclusion']}"
            current = [g for g in self.current(plan["staff_id"])]
            counts[plan["conclusion"]] += 1
            if plan["conclusion"] in ("授予", "维持", "升级"):
                for row in self._grant_rows(plan, person, on):
                    old = next((g for g in current if g.status == VALID and g.scope == row["scope"]
                                and (g.code == row["code"] if row["code"] else True)), None)
                    if old is not None:
                        ended.append((REPLACED, on, reason, old.id))
                    grants.append((g_id, self.uid(), plan["staff_id"], row["scope"], row["grade"], row["code"],
                                   row["name"], on, row["valid_until"], a_id, COMMITTEE, on,
                                   old.id if old is not None else None, VALID, None, None, by, stamp))
                    g_id += 1
                    counts["grants"] += 1
            else:
                codes = {i["code"] for i in plan["procedures"]}
                status = SUSPENDED if plan["conclusion"] == "暂停" else "取消"
                for g in current:
                    if g.code in codes:
                        ended.append((status, on, reason, g.id))
                        counts["ended"] += 1
            a_id += 1
        bulk.insert_privilege_history(db, assessments, grants, ended)
        what = "启用本程序前最近一次" if first else f"{year} 年"
        audit.record(ctx.session, "create", "privilege_assessment",
                     uid=f"demo-surgery-history:round:{dept}:{year}:{label}", label=f"{dept}{what}{label}（演示数据批量生成）", after={
                         "subject": dept, "assessors": f"{dept}医疗质量与安全管理小组、医务科",
                         "approved": f"{COMMITTEE} {plans[0]['approved_on'] if plans else ''}".strip(),
                         "conclusion": "；".join(f"{k} {counts[k]} 份" for k in ("授予", "维持", "升级", "降级", "暂停", "取消")
                                               if counts[k]),
                         "notes": f"能力评估 {len(plans)} 份，新授权 {counts['grants']} 项，终止 {counts['ended']} 项；"
                                  "逐项通过授权规则校验后批量写入，未逐项记录审计。"})

    def _live_assessment(self, plan: dict, apply: bool = True):
        values = {k: v for k, v in plan.items() if not k.startswith("_")}
        saved = privileges.save_assessment(self.office, values)
        if not apply:
            return saved
        until = plan.get("_until") or (_add_months(dt.date.fromisoformat(plan["approved_on"]), plan["_months"])
                                       if plan.get("_months") else None)
        privileges.apply_assessment(self.office, saved.id, valid_until=until)
        return saved

    # -- leaving

    def leave_planned(self, person: DemoPerson, last_day: dt.date, note: str | None) -> None:
        if person.category == "医师" and person.department in ROUNDS:
            self.ctx.schedule(last_day, lambda c: self.left(person, note))

    def left(self, person: DemoPerson, note: str | None) -> None:
        """医务科 ends the grants of a surgeon on the last day (离职/退休)."""
        self.refresh([person.id])
        held = [g for g in self.current(person.id)]
        if not held:
            return
        today = self.ctx.clock.today()
        reason = "退休，手术授权终止" if note == "退休" else "离岗，手术授权终止"
        if today < self.recent_from:
            ended = [("取消", today.isoformat(), reason, g.id) for g in held]
            bulk.insert_privilege_history(self.ctx.db, [], [], ended)
            audit.record(self.ctx.session, "update", "surgeon_privilege", uid=f"demo-surgery-history:left:{person.id}",
                         label=f"{person.name} 手术授权终止 {len(held)} 项（演示数据批量生成）",
                         after={"surgeon": person.name, "status": "取消", "reason": reason})
        else:
            for g in held:
                privileges.change_status(self.office, g.id, "cancel", today, reason)
        self.refresh([person.id])

    # ------------------------------------------------------------------ today's scenarios

    def plan_scenarios(self) -> None:
        ctx = self.ctx
        if ctx.years == 0:
            return
        lapse_at = ctx.today - dt.timedelta(days=130)
        if lapse_at > ctx.start + dt.timedelta(days=10):
            ctx.schedule(lapse_at, lambda c: self.trial_grant(("骨科", "普外科"), 1, lapsed=True))
        ctx.schedule(ctx.today - dt.timedelta(days=50), lambda c: self.trial_grant(("心血管内科", "泌尿外科", "妇产科"), 2))
        ctx.schedule(ctx.today - dt.timedelta(days=4), lambda c: self.pending())

    def trial_grant(self, departments: tuple[str, ...], n: int, lapsed: bool = False) -> None:
        """A new 四级 technique on trial: 授予 for three months (then a focused review)."""
        today = self.ctx.clock.today()
        book = self.in_force(today)
        made = 0
        for dept in departments:
            fours = sorted((c for c, v in book.items() if self.rows[c][0] == dept and v["grade"] == 4
                            and not v["restricted"]), key=self.order.get, reverse=True)
            for p in sorted(self.surgeons(dept, today), key=lambda p: -title_rank(p.title)):
                if made >= n or title_rank(p.title) < 4:
                    break
                self.refresh([p.id])
                have = {g.code for g in self.current(p.id)}
                code = next((c for c in fours if c not in have), None)
                if code is None:
                    continue
                plan = {"staff_id": p.id, "period_from": (today - dt.timedelta(days=90)).isoformat(),
                        "period_to": today.isoformat(), "assessed_on": today.isoformat(), "approved_on": today.isoformat(),
                        "approved_by": COMMITTEE, "assessors": f"{dept}医疗质量与安全管理小组、医务科", "conclusion": "授予",
                        "adverse_events": 0, "procedures": [{"code": code, "cases": 0, "complications": 0}],
                        "notes": TRIAL_NOTE, "_until": _add_months(today, 3)}
                if today < self.recent_from:
                    plan["procedures"][0].update(name=book[code]["name"], grade=4)
                    self._bulk_round(dept, today.year, [plan], False, label=f"新技术试运行授权（{p.name}）")
                else:
                    self._live_assessment(plan)
                self.refresh([p.id])
                if lapsed:
                    self.trial = {"staff_id": p.id, "code": code, "until": plan["_until"]}
                made += 1
            if made >= n:
                break

    def pending(self) -> None:
        """An 升级 assessment approved by the committee; 医务科 has not yet applied it."""
        today = self.ctx.clock.today()
        for dept in ROUNDS:
            for p in self.surgeons(dept, today):
                self.refresh([p.id])
                scope = next((g for g in self.current(p.id) if g.scope == GRADE_SCOPE and g.status == VALID), None)
                if scope is not None and scope.grade == 1:
                    self._live_assessment({
                        "staff_id": p.id, "period_from": (today - dt.timedelta(days=365)).isoformat(),
                        "period_to": (today - dt.timedelta(days=3)).isoformat(), "grade": 2, "conclusion": "升级",
                        "assessed_on": (today - dt.timedelta(days=3)).isoformat(), "approved_on": today.isoformat(),
                        "approved_by": COMMITTEE, "assessors": f"{dept}医疗质量与安全管理小组、医务科",
                        "cases": 0, "complications": 0, "adverse_events": 0,
                        "notes": "住院医师规范化培训结业，一级手术开展例数达标，申请授权至二级"}, apply=False)
                    return

    # ------------------------------------------------------------------ operations

    def plan_logs(self) -> None:
        ctx = self.ctx
        month = dt.date(ctx.start.year, ctx.start.month, 1)
        while month < ctx.today:
            nxt = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
            imported = nxt + dt.timedelta(days=2)
            if imported < ctx.today:
                ctx.schedule(imported, lambda c, m=month, n=nxt: self.import_log(m, n - dt.timedelta(days=1)))
            month = nxt

    def import_log(self, first: dt.date, last: dt.date) -> None:
        """The HIS export of a month, imported and checked by 医务科 through record_operations."""
        ctx = self.ctx
        first = max(first, ctx.start)
        self.refresh()
        numbers = dict(ctx.db.query("SELECT id, employee_no FROM staff WHERE category = '医师'"))
        r = self.r("ops", first)
        rows, planted = [], set()
        doctors = {dept: [p for p in ctx.people.values() if p.department == dept and p.category == "医师"]
                   for dept in ROUNDS}
        day = first
        covering: dict[tuple[str, str], list[int]] = {}  # who may do it, as found this month
        depts = list(VOLUME)
        dept_weights = list(itertools.accumulate(VOLUME[d] for d in depts))
        menus: dict[int, dict] = {}
        weekdays = [first + dt.timedelta(days=i) for i in range((last - first).days + 1)
                    if (first + dt.timedelta(days=i)).weekday() < 5]
        bad_day = r.choice(weekdays) if weekdays and r.random() < 0.4 else None  # a few months a year
        while day <= last:
            book = self.in_force(day)
            iso = day.isoformat()
            if id(book) not in menus:  # each department's procedures with their weights, once per version
                by_dept: dict[str, list[str]] = defaultdict(list)
                for code in sorted(book, key=self.order.get):
                    by_dept[self.rows[code][0]].append(code)
                menus[id(book)] = {d: (codes, list(itertools.accumulate(
                    GRADE_WEIGHT[book[c]["grade"]] * (0.2 if book[c]["restricted"] else 1) for c in codes)))
                    for d, codes in by_dept.items()}
            menu = menus[id(book)]
            n = round(r.gauss(100, 12) if day.weekday() < 5 else r.gauss(33, 6))
            for _ in range(max(0, n)):
                dept = r.choices(depts, cum_weights=dept_weights)[0]
                if dept not in menu:
                    continue
                codes, weights = menu[dept]
                code = r.choices(codes, cum_weights=weights)[0]
                key, grade = (dept, code), book[code]["grade"]

                def may(staff_id: int) -> bool:
                    return self.employed(ctx.people[staff_id], day) and any(
                        g.covers(code, grade, iso) for g in self.grants.get(staff_id, []))

                if key not in covering:
                    covering[key] = [p.id for p in doctors[dept] if may(p.id)]
                surgeon = r.choice(covering[key]) if covering[key] else None
                if surgeon is not None and not may(surgeon):  # a grant or a post changed this month
                    covering[key] = [i for i in covering[key] if may(i)]
                    surgeon = r.choice(covering[key]) if covering[key] else None
                if surgeon is None:
                    continue
                rows.append(self._op(day, code, book[code]["name"], surgeon, numbers))
            if day == bad_day:  # an emergency operated without the privilege
                bad = self._unprivileged(day, book, doctors, r)
                if bad:
                    rows.append(self._op(day, *bad, numbers))
                    planted.add(len(rows))
            trial = self.trial
            if trial and day > trial["until"] and not trial.get("done") and day.weekday() < 5 and r.random() < 0.3:
                code = trial["code"]
                person = ctx.people[trial["staff_id"]]
                if code in book and self.employed(person, day) and not any(
                        g.covers(code, book[code]["grade"], day.isoformat()) for g in self.grants.get(person.id, [])):
                    rows.append(self._op(day, code, book[code]["name"], self.trial["staff_id"], numbers))
                    planted.add(len(rows))
                    self.trial["count"] = self.trial.get("count", 0) + 1
                    self.trial["done"] = self.trial["count"] >= 2
            day += dt.timedelta(days=1)
        for i, row in enumerate(rows, 1):
            row["row"] = i
        if not rows:
            return
        text = json.dumps(rows, ensure_ascii=False, sort_keys=True)
        name = f"手术记录_{first:%Y%m}.xlsx"
        result = operations.record_operations(self.office, name, hashlib.sha256(text.encode()).hexdigest(), rows)
        flagged = {o.row for o in result.unprivileged}
        if flagged != planted:
            raise RuntimeError(f"演示数据：{name} 的越权手术与预设不符（核查 {sorted(flagged)}，预设 {sorted(planted)}）")

    def _op(self, day: dt.date, code: str, name: str, staff_id: int, numbers: dict) -> dict:
        self.serial[day.year] += 1
        return {"date": day.isoformat(), "patient_no": f"{day.year}{self.serial[day.year]:06d}", "code": code,
                "name": name, "surgeon": numbers[staff_id]}

    def _unprivileged(self, day: dt.date, book: dict, doctors: dict, r: random.Random) -> tuple | None:
        """A 主治医师 on call operates a 三级 procedure of his department that he was not granted."""
        iso = day.isoformat()
        for dept, p in [(d, p) for d in r.sample(["普外科", "骨科", "妇产科", "泌尿外科"], 4)
                        for p in r.sample(doctors[d], len(doctors[d]))]:
            if title_rank(p.title) != 3 or not self.employed(p, day) or not p.registered or not p.licensed:
                continue
            grants = self.grants.get(p.id, [])
            if not any(g.scope == GRADE_SCOPE and g.covers("", 1, iso) for g in grants):
                continue
            options = [c for c in sorted(book, key=self.order.get) if self.rows[c][0] == dept and book[c]["grade"] == 3
                       and not any(g.covers(c, 3, iso) for g in grants)]
            if options:
                code = r.choice(options[:6])
                return code, book[code]["name"], p.id
        return None


_SURGERY: dict[int, _Surgery] = {}


def plan_surgery(ctx: DemoContext) -> None:
    """On the first day: the catalogue in force, the grants of the last rounds, everything on the timeline."""
    surgery = _Surgery(ctx)
    _SURGERY[id(ctx)] = surgery
    surgery.first_version()
    if ctx.years == 0:
        return
    surgery.first_grants()
    surgery.plan_versions()
    surgery.plan_rounds()
    surgery.plan_scenarios()
    surgery.plan_logs()
    ctx.on_leave_planned.append(surgery.leave_planned)


def present_surgery(ctx: DemoContext) -> None:
    """Today: next year's version a draft with its adjustments (if the timeline has not made it)."""
    surgery = _SURGERY.pop(id(ctx))
    if ctx.years == 0:
        return
    surgery.new_version(ctx.today.year + 1)
