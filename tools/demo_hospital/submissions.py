"""Demo: the semi-annual and annual submissions to the county health commission.

Every past period is drafted by 质控科 a few days before its deadline (the figures gathered from
the demo's records as they stood then, the narrative typed, the indicators to be entered filled
from plausible county-hospital numbers) and finalised by the 院长 before the deadline; one year's
上半年 is amended once (a corrected indicator). The period whose deadline comes next is left for
the user: not started, so the 工作台 counts down and the 报送 page can be tried end to end.
"""
from __future__ import annotations

import datetime as dt
import random

from desktop_app.accounts.permissions import Role
from typing import TYPE_CHECKING
from desktop_app.submissions import service as submissions
from desktop_app.submissions.models import FULL_YEAR, HALF_YEAR, period_range

if TYPE_CHECKING:
    from tools.demo_hospital.hospital import DemoContext

HIGHLIGHTS = ["推行四级手术患者手术当日床旁交接班，并留存床旁交接记录单。",
              "核心制度“每周一课”线上学习全员覆盖，季度知晓率抽考结果纳入科室绩效。",
              "问题台账实行“书面交办、立账督办、对账销号”，逾期问题在院周会通报。",
              "手术授权全部依据能力评估逐项授予，四级手术每年再评估。"]
PROBLEMS = ["部分科室问题整改超过时限，复查不及时。", "个别科室交接班记录签名时间晚于规定。",
            "少数新入职人员岗前培训考核未一次通过。", "手术记录与授权核对仍依赖人工导出，存在滞后。"]
PLANS = ["下一阶段开展核心制度专项督查，重点检查交接班和查对制度。", "完善手术授权动态管理，按期完成能力再评估。",
         "加强新入职人员岗前培训与考核。", "继续推进问题台账闭环管理，压实科室整改责任。"]


def _indicators(rng) -> dict:
    """Plausible county-hospital figures for the indicators the quality officer enters."""
    operations = rng.randint(1500, 2600)
    discharges = rng.randint(9000, 13000)
    return {
        "unplanned_reoperation": {"numerator": rng.randint(0, 4), "denominator": operations},
        "postop_acquired": {"numerator": rng.randint(3, 14), "denominator": operations},
        "adverse_event_reports": {"numerator": int(discharges * rng.uniform(0.022, 0.034)), "denominator": discharges},
        "principal_diagnosis_coding": {"numerator": int(discharges * rng.uniform(0.88, 0.97)), "denominator": discharges},
        "stemi_reperfusion": {"numerator": (n := rng.randint(14, 30)) - rng.randint(1, 5), "denominator": n},
        "stroke_reperfusion": {"numerator": int((m := rng.randint(40, 90)) * rng.uniform(0.38, 0.55)), "denominator": m},
        "grade4_mdt": {"numerator": (k := rng.randint(60, 140)) - rng.randint(0, 2), "denominator": k},
    }


def _submit(ctx: DemoContext, kind: str, year: int, amend: bool, rng: random.Random) -> None:
    quality = ctx.person_session(ctx.leader("质控科", "科长"), Role.QUALITY)
    head = ctx.leader("院办", "院长")
    leader = ctx.person_session(head, Role.LEADER)
    s = submissions.create_submission(quality, kind, year)
    half = "上半年" if kind == HALF_YEAR else "全年"
    s = submissions.save_submission(quality, s.id, {
        "narrative": {"工作开展情况": f"{year}年{half}，我院按照全面提升医疗质量行动要求，开展全院自查和专项检查，"
                                  "对照问题台账督促整改，落实值班和交接班、手术分级管理等核心制度，组织核心制度和三基三严培训考核。",
                      "主要做法与亮点": rng.choice(HIGHLIGHTS), "存在问题": rng.choice(PROBLEMS),
                      "下一步计划": rng.choice(PLANS)},
        "signers": {"填报人": quality.actor.display_name, "联系电话": "0564-5012120",
                    "审核人": ctx.leader("院办", "副院长").name, "单位负责人": head.name},
        "indicators": _indicators(rng)})
    s = submissions.finalize(leader, s.id)
    if amend:
        fixed = submissions.amend(quality, s.id, "更正每百出院人次主动报告不良事件例次（补录 3 例漏报）")
        entries = dict(fixed.indicators)
        entries["adverse_event_reports"] = {**entries["adverse_event_reports"],
                                            "numerator": entries["adverse_event_reports"]["numerator"] + 3}
        submissions.save_submission(quality, fixed.id, {"indicators": entries})
        submissions.finalize(leader, fixed.id)


def plan_submissions(ctx: DemoContext) -> None:
    """Each period whose deadline has passed is submitted three days before it.

    Its random choices come from a generator derived from ``ctx.rng`` without drawing from it, so
    the other parts of a seed (staff, rosters) stay as they were without the submissions."""
    seed = f"submissions:{ctx.rng.getstate()!r}"
    amended = False
    for year in range(ctx.start.year, ctx.today.year + 1):
        for kind in (HALF_YEAR, FULL_YEAR):
            first, last = period_range(kind, year)
            due = submissions.deadline(ctx.db, kind, year)
            when = due - dt.timedelta(days=3)
            if first < ctx.start or when <= last or due >= ctx.today:
                continue
            amend = not amended and kind == HALF_YEAR
            amended = amended or amend
            rng = random.Random(f"{seed}:{kind}:{year}")
            ctx.schedule_last(when, lambda c, k=kind, y=year, a=amend, r=rng: _submit(c, k, y, a, r))
