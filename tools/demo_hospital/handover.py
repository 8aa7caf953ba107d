"""The demo hospital's handover books (交接班记录): every ward's nurses and the doctors of the
clinical departments, shift after shift, from the day the hospital started using the program.

What happens
------------
* On the first day each ward's 护士长 and each department's 科主任 set up their book through
  ``save_template``: most wards keep 白班/小夜班/大夜班 and the default checklist; 重症监护病房 and
  急诊观察室 work 12-hour shifts (白班/夜班), 手术室 白班/夜班 (08:00–17:30–08:00), each with its
  own checklist, and 妇产科病区 counts its own items; the doctors (:data:`DOCTOR_DEPARTMENTS`)
  hand over 白班/夜班.
* A patient simulation runs every ward day by day (:class:`_Hospital`): admissions (mostly in the
  day, 急诊 at night), discharges mostly before 16:00, rare deaths, transfers into and out of
  重症监护病房 and out of 急诊观察室, operations on the surgical wards (四级手术 from this hospital's
  catalogue, :data:`SURGERY`), deliveries in 妇产科病区, 病危/病重 patients who improve or worsen
  over several shifts. Its census at each shift change gives 原有 (the previous 现有), the
  movements, 现有, 手术, 分娩, 病危, 病重, 一级护理; its events give the entries in the customary
  order with SBAR text, and a key patient's entry continues her entry of the previous report
  (``carried_from``). The doctors' book counts the department's own patients.
* Each shift has a responsible nurse (doctor): the ward's registered staff employed that day, in
  rotation. She records the bedside handovers (床旁交接记录单第 N 页) and signs at the end of her
  shift; the next shift's nurse receives — mostly within the setting's grace, sometimes late. Now
  and then a 四级手术当日 bedside handover is skipped (often in the early years, rarely lately):
  the receiver cannot sign, so the reports listing that patient that day stay 已交班 — with the
  program refusing the receipt, that is the only way 四级手术患者手术当日床旁交接班占比 falls
  short. Very rarely a shift has no report; the next nurse writes both shifts' movements.

How it is written
-----------------
* The older history goes in bulk (:func:`tools.demo_hospital.bulk.insert_handover_history`), a calendar
  year at a time on the first day of the next year (the last part when the recent period starts).
  Every report is first checked like the services would (census_findings and report_findings,
  the carried 原有, bedside handovers before a receipt, two different nurses of the ward); one
  audit row per ward (department) and year says what was generated.
* The last :data:`RECENT_DAYS` days and today go through the services as typed, each nurse (doctor)
  logged in with her own account: create_report, record_bedside, sign_outgoing, the receiver's
  signature with her account and password on the same computer (``sign_receive``), a few
  return_to_draft and add_addendum. Each step runs at its own time as the last event of its day,
  so the audit log keeps calendar order. On the first of these days the administrator opens the
  accounts of the demo nurses ``hushi`` and ``jieban`` (through the accounts service, with the
  documented password); every other nurse and doctor who writes or signs gets an account before
  her first shift of the period, written in bulk with one audit row per batch
  (:func:`tools.demo_hospital.bulk.insert_staff_accounts`: a random password only the simulator
  knows, for about 600 signatures a week).
* Today (step "今日交接班", before the other demo accounts are made): 心血管内科病区's last ended
  shift is handed over by the nurse of the demo account ``hushi`` (who received the shift before
  it) and awaits the receiver (``jieban``, the nurse of the running shift) — the rotation gives
  these three shifts to three chosen nurses of the ward who stay through the history; 呼吸内科病区
  left its last ended shift as a draft; 消化内科病区 wrote nothing for the shift before it. Running
  shifts are not written yet.

Random choices come from a generator derived from ``ctx.rng`` without drawing from it; uids come
from a counter behind a seed-derived prefix, so a seed gives the same books (the services' own
uids aside).
"""
from __future__ import annotations

import datetime as dt
import heapq
import itertools
import json
import math
import random
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple

from desktop_app.accounts import audit
from desktop_app.accounts.permissions import Role
from desktop_app.handover import service as handover
from desktop_app.handover.models import (
    ARRIVED,
    BEDSIDE_MARKS,
    CENSUS_FIELDS,
    DEFAULT_CHECKLIST,
    DEFAULT_SHIFTS,
    DOCTOR,
    DRAFT,
    GRADE4,
    HANDED,
    KIND_LABELS,
    LEFT,
    NURSE,
    RECEIVED,
    TWO_SHIFTS,
    Entry,
    Report,
    Shift,
    entry_sort_key,
    shifts_from,
)
from desktop_app.session import Session
from tools.demo_hospital import bulk
from tools.demo_hospital.names import NameGenerator

if TYPE_CHECKING:  # hospital.py imports this module for its STEPS
    from tools.demo_hospital.hospital import DemoContext, DemoPerson

RECENT_DAYS = 7  # written through the services (validated and audited step by step)
HABITS = (2016, 2026)  # handover habits improve over these calendar years (bedside, punctuality)


def _habit(day: dt.date) -> float:
    """0 in the first year of HABITS, 1 in the last: how well the wards keep the rules."""
    first, last = HABITS
    return min(1.0, max(0.0, (day.year + day.timetuple().tm_yday / 366 - first) / (last - first)))


def _between(a: float, b: float, h: float) -> float:
    return a + (b - a) * h


# ----------------------------------------------------------------------------- wards


class WardSpec(NamedTuple):
    beds: int
    occupancy: float
    los: float                  # mean days of stay
    profile: str                # 内科 外科 妇产 儿科 康复 重症 急诊 感染
    departments: tuple          # ((department, share), …) whose patients lie here
    critical: float             # share of admissions 病危
    severe: float               # … 病重
    emergency: float            # share admitted through 急诊


WARDS: dict[str, WardSpec] = {
    "心血管内科病区": WardSpec(45, 0.92, 8, "内科", (("心血管内科", 1.0),), 0.04, 0.14, 0.45),
    "呼吸内科病区": WardSpec(42, 0.95, 9, "内科", (("呼吸内科", 1.0),), 0.03, 0.12, 0.4),
    "消化内科病区": WardSpec(40, 0.88, 8, "内科", (("消化内科", 1.0),), 0.025, 0.1, 0.35),
    "神经内科病区": WardSpec(45, 0.93, 11, "内科", (("神经内科", 1.0),), 0.03, 0.12, 0.45),
    "肾内科病区": WardSpec(36, 0.85, 10, "内科", (("肾内科", 0.6), ("内分泌科", 0.4)), 0.015, 0.08, 0.25),
    "普外科病区": WardSpec(48, 0.88, 7, "外科", (("普外科", 0.8), ("胸外科", 0.2)), 0.015, 0.06, 0.35),
    "骨科病区": WardSpec(50, 0.9, 11, "外科", (("骨科", 1.0),), 0.01, 0.05, 0.4),
    "泌尿外科病区": WardSpec(35, 0.85, 7, "外科", (("泌尿外科", 1.0),), 0.01, 0.04, 0.25),
    "神经外科病区": WardSpec(36, 0.9, 14, "外科", (("神经外科", 1.0),), 0.08, 0.2, 0.6),
    "妇产科病区": WardSpec(45, 0.8, 4.5, "妇产", (("妇产科", 1.0),), 0.004, 0.03, 0.3),
    "儿科病区": WardSpec(40, 0.85, 6, "儿科", (("儿科", 1.0),), 0.008, 0.05, 0.5),
    "中医康复病区": WardSpec(40, 0.9, 16, "康复", (("康复医学科", 0.5), ("中医科", 0.5)), 0, 0.02, 0.05),
    "重症监护病房": WardSpec(12, 0.75, 5, "重症", (("重症医学科", 1.0),), 0.6, 0.4, 1.0),
    "急诊观察室": WardSpec(16, 0.6, 1.3, "急诊", (("急诊科", 1.0),), 0.02, 0.12, 1.0),
    "感染科病区": WardSpec(30, 0.7, 12, "感染", (("感染性疾病科", 1.0),), 0.01, 0.07, 0.3),
}
ICU, ER, THEATRE = "重症监护病房", "急诊观察室", "手术室"
THEATRE_ROOMS = 6
# the 19 departments whose doctors keep a 医师交接班 book (手术室's patients are 麻醉科's)
DOCTOR_DEPARTMENTS = ["心血管内科", "呼吸内科", "消化内科", "神经内科", "肾内科", "内分泌科", "普外科", "胸外科", "骨科",
                      "泌尿外科", "神经外科", "妇产科", "儿科", "中医科", "康复医学科", "急诊科", "重症医学科", "麻醉科",
                      "感染性疾病科"]
DOCTOR_WARD = {d: w for w, spec in WARDS.items() for d, _ in spec.departments} | {"麻醉科": THEATRE}

# Books that are not the default, saved on the first day: (shifts, checklist).
NURSE_TEMPLATES = {
    ICU: (TWO_SHIFTS, [{"name": "吗啡注射液（10mg）", "expected": 5}, {"name": "咪达唑仑注射液（10mg）", "expected": 10},
                       {"name": "呼吸机（备用）", "expected": 2}, {"name": "除颤仪", "expected": 1},
                       {"name": "微量注射泵", "expected": 14}, {"name": "抢救车（封存完好）", "expected": None}]),
    ER: (TWO_SHIFTS, [{"name": "抢救车（封存完好）", "expected": None}, {"name": "除颤仪", "expected": 1},
                      {"name": "洗胃机", "expected": 1}, {"name": "心电监护仪", "expected": 8},
                      {"name": "吗啡注射液（10mg）", "expected": 2}, {"name": "病历", "expected": None}]),
    THEATRE: ([{"name": "白班", "starts": "08:00", "ends": "17:30"}, {"name": "夜班", "starts": "17:30", "ends": "08:00"}],
              [{"name": "芬太尼注射液（0.1mg）", "expected": 20}, {"name": "舒芬太尼注射液（50μg）", "expected": 10},
               {"name": "手术器械包（清点无误）", "expected": None}, {"name": "高值耗材（吻合器、补片）", "expected": None},
               {"name": "抢救车（封存完好）", "expected": None}, {"name": "除颤仪", "expected": 1}]),
    "妇产科病区": (None, [{"name": "缩宫素注射液", "expected": 20}, {"name": "哌替啶注射液（50mg）", "expected": 2},
                          {"name": "无菌产包", "expected": 6}, {"name": "新生儿复苏气囊", "expected": 2},
                          {"name": "抢救车（封存完好）", "expected": None}, {"name": "病历", "expected": None}]),
}
DOCTOR_CHECKLISTS = {
    "急诊科": [{"name": "危急值处理", "expected": None}, {"name": "待完成会诊", "expected": None},
               {"name": "留观患者去向", "expected": None}],
    "麻醉科": [{"name": "麻醉药品余量登记", "expected": None}, {"name": "急诊手术安排", "expected": None},
               {"name": "危急值处理", "expected": None}],
}

# ----------------------------------------------------------------------------- clinical words

DIAGNOSES: dict[str, list[str]] = {
    "心血管内科": ["急性ST段抬高型心肌梗死", "急性非ST段抬高型心肌梗死", "不稳定型心绞痛", "慢性心力衰竭急性加重",
                   "心房颤动", "高血压3级（极高危）", "扩张型心肌病", "病态窦房结综合征", "冠状动脉粥样硬化性心脏病"],
    "呼吸内科": ["慢性阻塞性肺疾病急性加重", "社区获得性肺炎", "重症肺炎", "支气管哮喘急性发作", "支气管扩张伴咯血",
                 "肺栓塞", "原发性支气管肺癌", "Ⅱ型呼吸衰竭", "胸腔积液"],
    "消化内科": ["上消化道出血", "急性胰腺炎", "肝硬化失代偿期", "胆总管结石伴胆管炎", "消化性溃疡", "溃疡性结肠炎",
                 "急性胃肠炎", "肝性脑病"],
    "神经内科": ["急性脑梗死", "短暂性脑缺血发作", "脑出血", "癫痫", "帕金森病", "吉兰-巴雷综合征", "眩晕综合征",
                 "周围性面瘫"],
    "肾内科": ["慢性肾脏病5期", "肾病综合征", "急性肾损伤", "IgA肾病", "急性肾盂肾炎", "糖尿病肾病"],
    "内分泌科": ["2型糖尿病", "糖尿病酮症酸中毒", "甲状腺功能亢进症", "低血糖症", "糖尿病足", "骨质疏松症"],
    "儿科": ["支气管肺炎", "急性上呼吸道感染", "新生儿高胆红素血症", "手足口病", "热性惊厥", "急性胃肠炎伴脱水",
             "毛细支气管炎", "过敏性紫癜"],
    "康复医学科": ["脑梗死恢复期", "脑出血恢复期", "脊髓损伤", "髋关节置换术后", "颈椎病", "脑外伤恢复期"],
    "中医科": ["中风病（恢复期）", "腰痛病", "眩晕病", "胸痹心痛", "消渴病", "项痹病"],
    "重症医学科": ["感染性休克", "Ⅱ型呼吸衰竭", "多器官功能障碍综合征", "心肺复苏术后", "重症急性胰腺炎", "多发伤"],
    "急诊科": ["急性胸痛", "急性脑梗死", "上消化道出血", "腹痛待查", "头部外伤", "急性有机磷农药中毒",
               "慢阻肺急性加重", "急性胃肠炎", "急性酒精中毒", "晕厥待查", "肾绞痛", "发热待查"],
    "感染性疾病科": ["肺结核", "慢性乙型病毒性肝炎", "发热待查", "细菌性痢疾", "流行性感冒", "带状疱疹",
                     "肾综合征出血热"],
}
# where 急诊观察室 sends a patient on (None: home) and where 重症监护病房 sends one back
# (the ward, the diagnosis it is written there)
ER_NEXT = {"急性胸痛": ("心血管内科病区", ["不稳定型心绞痛", "急性非ST段抬高型心肌梗死", "急性ST段抬高型心肌梗死"]),
           "急性脑梗死": ("神经内科病区", ["急性脑梗死"]), "上消化道出血": ("消化内科病区", ["上消化道出血"]),
           "腹痛待查": ("普外科病区", ["急性阑尾炎", "粘连性肠梗阻", "急性胆囊炎"]),
           "头部外伤": ("神经外科病区", ["脑挫裂伤", "颅骨骨折", "重型颅脑损伤"]),
           "急性有机磷农药中毒": (ICU, ["急性有机磷农药中毒"]),
           "慢阻肺急性加重": ("呼吸内科病区", ["慢性阻塞性肺疾病急性加重"]), "急性胃肠炎": None, "急性酒精中毒": None,
           "晕厥待查": ("心血管内科病区", ["病态窦房结综合征", "心房颤动"]), "肾绞痛": ("泌尿外科病区", ["输尿管结石"]),
           "发热待查": ("感染科病区", ["发热待查"])}
ICU_HOME = {"感染性休克": "呼吸内科病区", "Ⅱ型呼吸衰竭": "呼吸内科病区", "多器官功能障碍综合征": "肾内科病区",
            "心肺复苏术后": "心血管内科病区", "重症急性胰腺炎": "消化内科病区", "多发伤": "骨科病区"}
HISTORIES = ["高血压病史{n}年", "2型糖尿病史{n}年", "冠心病史{n}年", "既往体健", "脑梗死病史{n}年", "慢性支气管炎病史{n}年",
             "否认慢性病史", "青霉素过敏史", "吸烟史{s}余年", "高血压、糖尿病病史{n}年"]
# Surgical departments: (diagnosis, weight, share operated, operated the day of an 急诊 admission,
# operations as (name, 四级手术 in this hospital's catalogue)). The diagnosis decides the operation.
SURGERY: dict[str, list[tuple]] = {
    "普外科": [("急性阑尾炎", 3, 0.9, True, [("腹腔镜阑尾切除术", False), ("阑尾切除术", False)]),
               ("胆囊结石伴慢性胆囊炎", 3, 0.9, False, [("腹腔镜胆囊切除术", False)]),
               ("急性胆囊炎", 1.5, 0.5, True, [("腹腔镜胆囊切除术", False)]),
               ("腹股沟斜疝", 2.5, 0.95, False, [("腹股沟疝无张力修补术", False)]),
               ("结节性甲状腺肿", 1.5, 0.9, False, [("甲状腺腺叶切除术", False)]),
               ("粘连性肠梗阻", 1.5, 0.3, True, [("肠粘连松解术", False)]),
               ("胃十二指肠溃疡穿孔", 0.5, 0.9, True, [("胃穿孔修补术", False)]),
               ("结肠癌", 0.6, 0.85, False, [("腹腔镜结肠癌根治术", True)]),
               ("直肠癌", 0.5, 0.85, False, [("腹腔镜直肠癌根治术", True)]),
               ("胃癌", 0.5, 0.8, False, [("根治性远端胃大部切除术", True)]),
               ("原发性肝癌", 0.3, 0.6, False, [("肝部分切除术", True)])],
    "胸外科": [("肋骨骨折伴血气胸", 2, 0.6, True, [("胸腔闭式引流术", False), ("肋骨骨折切开复位内固定术", False)]),
               ("自发性气胸", 1.5, 0.6, True, [("胸腔闭式引流术", False), ("胸腔镜肺大疱切除术", False)]),
               ("肺癌", 1, 0.8, False, [("胸腔镜肺叶切除术", True)]),
               ("食管癌", 0.5, 0.8, False, [("食管癌根治术", True)]),
               ("纵隔肿瘤", 0.3, 0.8, False, [("胸腔镜纵隔肿瘤切除术", False)])],
    "骨科": [("股骨颈骨折", 1.5, 0.9, False, [("人工股骨头置换术", False), ("人工全髋关节置换术", True)]),
             ("股骨粗隆间骨折", 1.5, 0.9, False, [("股骨近端髓内钉内固定术", False)]),
             ("腰椎间盘突出症", 2, 0.5, False, [("椎间孔镜下髓核摘除术", False), ("腰椎后路减压植骨融合内固定术", True)]),
             ("胫腓骨骨折", 1.5, 0.9, False, [("胫骨髓内钉内固定术", False)]),
             ("膝骨关节炎", 1.5, 0.5, False, [("人工全膝关节置换术", True), ("膝关节镜下清理术", False)]),
             ("桡骨远端骨折", 1.5, 0.7, False, [("桡骨远端骨折切开复位内固定术", False)]),
             ("腰椎压缩性骨折", 1.5, 0.5, False, [("经皮椎体成形术", False)]),
             ("髌骨骨折", 1, 0.9, False, [("髌骨骨折切开复位内固定术", False)]),
             ("腰椎管狭窄症", 0.8, 0.7, False, [("腰椎后路减压植骨融合内固定术", True)]),
             ("骨盆骨折", 0.3, 0.5, False, [("骨盆骨折切开复位内固定术", True)])],
    "泌尿外科": [("输尿管结石", 3, 0.8, False, [("输尿管镜钬激光碎石术", False)]),
                 ("肾结石", 1.5, 0.8, False, [("经皮肾镜碎石取石术", True), ("输尿管软镜碎石术", False)]),
                 ("良性前列腺增生", 2, 0.8, False, [("经尿道前列腺电切术", False)]),
                 ("膀胱肿瘤", 1, 0.9, False, [("经尿道膀胱肿瘤电切术", False)]),
                 ("肾肿瘤", 0.4, 0.85, False, [("腹腔镜根治性肾切除术", True)]),
                 ("肾上腺肿瘤", 0.3, 0.85, False, [("腹腔镜肾上腺肿瘤切除术", True)]),
                 ("尿道狭窄", 0.5, 0.8, False, [("尿道扩张术", False)])],
    "神经外科": [("重型颅脑损伤", 1.5, 0.5, True, [("去骨瓣减压术", True)]),
                 ("高血压脑出血", 2, 0.5, True, [("开颅血肿清除术", True), ("侧脑室外引流术", False)]),
                 ("慢性硬膜下血肿", 1.5, 0.9, False, [("慢性硬膜下血肿钻孔引流术", False)]),
                 ("脑挫裂伤", 2, 0.2, True, [("开颅血肿清除术", True)]),
                 ("颅骨骨折", 1, 0.3, False, [("颅骨骨折整复术", False)]),
                 ("脑膜瘤", 0.4, 0.85, False, [("幕上脑膜瘤切除术", True)]),
                 ("颅骨缺损", 0.6, 0.95, False, [("颅骨修补术", False)])],
    "妇产科": [("子宫肌瘤", 2, 0.9, False, [("腹腔镜子宫肌瘤剔除术", False), ("腹腔镜全子宫切除术", True)]),
               ("卵巢囊肿", 1.5, 0.9, False, [("腹腔镜卵巢囊肿剥除术", False)]),
               ("异位妊娠", 1, 0.9, True, [("腹腔镜输卵管切除术", False)]),
               ("子宫腺肌病", 0.6, 0.8, False, [("腹腔镜全子宫切除术", True)]),
               ("宫颈癌", 0.3, 0.8, False, [("广泛子宫切除及盆腔淋巴结清扫术", True)])],
}
OBSTETRIC = [("宫内孕39周待产", 3), ("宫内孕40周待产", 3), ("瘢痕子宫 宫内孕38周", 1.2), ("妊娠期高血压", 0.8),
             ("妊娠期糖尿病", 0.8), ("胎膜早破", 1)]
SURGICAL_CASES = {d: {c[0]: c for c in cases} for d, cases in SURGERY.items()}
DIAGNOSIS_WEIGHTS = {d: ([c[0] for c in cases] + ([o[0] for o in OBSTETRIC] if d == "妇产科" else []),
                         list(itertools.accumulate([c[1] for c in cases] + ([o[1] for o in OBSTETRIC] if d == "妇产科"
                                                                           else []))))
                     for d, cases in SURGERY.items()}
CESAREAN = "子宫下段剖宫产术"
ANAESTHESIA = {True: "全麻", False: "腰硬联合麻醉"}
ABNORMAL = ["体温升至 {t}℃，已予物理降温，遵医嘱抽血培养", "诉胸闷，心电图示窦性心动过速，已报告值班医师",
            "血糖 {g}mmol/L，已遵医嘱处理，复测正常", "夜间如厕时跌倒，查体无明显外伤，已报告医师并上报不良事件",
            "输液部位红肿，已拔除留置针另行穿刺", "血压升至 {s}/{d}mmHg，遵医嘱予降压处理", "烦躁不安，拔除胃管，已重新置管",
            "留置导尿管引流不畅，已冲洗后通畅"]
DOCTOR_STATES = {2: ["病情危重，家属已签病危通知书", "血压偏低，血管活性药物维持", "意识障碍，GCS 8分", "呼吸衰竭，无创通气中"],
                 1: ["病情较前好转", "病情平稳，仍需观察", "心衰症状较前缓解", "感染指标较前下降"]}
STATES = {2: ["神志模糊，持续心电监护、吸氧", "呼吸急促，双肺闻及湿啰音", "意识不清，GCS 8分", "血压偏低，多巴胺泵入中",
              "持续无创呼吸机辅助通气", "嗜睡，尿量偏少"],
          1: ["神志清，精神差", "活动后气促，半卧位", "病情较前平稳", "卧床，翻身拍背中", "禁食，胃肠减压中", "低流量吸氧中"]}
ASSESS = {
    2: ["病情危重，随时有生命危险", "循环不稳定，有心律失常风险", "呼吸衰竭未纠正", "意识障碍，误吸风险高"],
    1: ["病情较重，有跌倒、压力性损伤风险", "病情仍不稳定", "Braden评分 12 分，压力性损伤高风险", "心功能Ⅲ级"],
    "手术": ["术后生命体征平稳，切口敷料干燥", "切口无渗血，引流通畅", "麻醉已清醒，疼痛评分 3 分", "术后恢复顺利"],
    "分娩": ["子宫收缩好，阴道流血量少", "母婴情况良好", "会阴切口无红肿"],
    "异常": ["已处理，需继续观察", "暂无不适，需动态观察"],
}
RECOMMEND = {
    NURSE: {"新入": ["入院宣教已完成，协助完善相关检查", "明晨空腹抽血", "防跌倒，留陪护一人", "按医嘱完成术前准备"],
            2: ["持续心电监护，每小时记录生命体征及出入量", "保持呼吸道通畅，按需吸痰", "严格卧床，防坠床、防压力性损伤",
                "注意血管活性药物泵速及穿刺部位"],
            1: ["每2小时巡视，注意病情变化", "协助翻身，防压力性损伤", "记录24小时出入量", "防跌倒，留陪护一人"],
            "手术": ["观察切口渗血及引流液颜色、量", "去枕平卧6小时，禁食水", "注意尿量及疼痛情况", "按时翻身，预防下肢深静脉血栓"],
            "分娩": ["观察宫缩及阴道流血量", "指导母乳喂养", "注意会阴清洁"],
            "异常": ["继续观察，异常及时报告医师", "复测后记录"]},
    DOCTOR: {"新入": ["完善血常规、生化、凝血等检查", "明日上级医师查房", "完善术前检查，拟择期手术", "观察病情变化"],
             2: ["夜间注意血压、心率变化，必要时请示二线", "复查血气分析、电解质", "如病情变化立即组织抢救并通知家属",
                 "必要时转重症医学科"],
             1: ["明晨复查血常规、电解质", "注意病情变化，及时调整治疗", "必要时复查影像学"],
             "手术": ["注意引流量，超过200ml/h及时汇报二线", "复查血常规，注意出血", "术后镇痛，注意体温"],
             "分娩": ["注意产后出血", "复查血常规"],
             "异常": ["已处理，继续观察", "明晨复查相关指标"]},
}
LEAVE_WORDS = {NURSE: "{t} 办理出院，出院宣教已完成", DOCTOR: "{t} 出院，出院小结已完成"}
# 七不接: why a receiver sends a report back (an entry not clear / a count that does not match)
UNCLEAR = {True: ("病情不清：{bed}床患者未写明引流管及切口情况，请补充后再交班。",
                  "引流管通畅，引流液淡红色约 30ml，切口敷料干燥。"),
           False: ("病情不清：{bed}床患者未写明用药及夜间观察重点，请补充后再交班。",
                   "遵医嘱持续静脉泵入药物，注意滴速；夜间重点观察心率、血压及尿量。")}
MISCOUNTED = "物品数量不符：{item}清点 {n} 支，与交班记录不符。"
ADDENDA = ["补记：{bed}床患者交班时漏记留置导尿管，已于交班后床旁补交接。",
           "补记：{bed}床患者交班时血压记录有误，应为 {s}/{d}mmHg，已更正并告知接班护士。",
           "补记：{bed}床患者交班后诉头晕，已通知值班医师处理，交班时无不适。"]

# ----------------------------------------------------------------------------- the simulation


class Patient:
    __slots__ = ("abnormal", "background", "bed", "born", "care1", "department", "diagnosis", "home", "last", "leave",
                 "level", "name", "op", "op_done", "sex", "ward")

    def __init__(self, name: str, sex: str, department: str, diagnosis: str, background: str, leave: dt.date):
        self.name, self.sex, self.department, self.diagnosis = name, sex, department, diagnosis
        self.background, self.leave = background, leave
        self.bed, self.level, self.care1 = "", 0, False
        self.op = None          # planned operation: (day, start minute, end minute, name, grade 4)
        self.op_done = None     # (day, end minute, name, grade 4, bedside skipped)
        self.born = None        # (day, minute)
        self.abnormal = None    # (day, minute, text)
        self.home = None        # the ward 重症监护病房 sends her back to
        self.last: dict = {}    # (book) -> (report serial, entry uid): carried_from of the next report
        self.ward: str | None = None


class Event(NamedTuple):
    minute: int        # minutes after 08:00 of the handover day (0–1439)
    kind: str          # adm tin dis tout death level op birth abn
    patient: Patient
    info: object
    ward: str


class Done(NamedTuple):
    """An event as it happened: the patient's department, bed and level at that moment."""

    minute: int
    kind: str
    patient: Patient
    department: str
    bed: str
    level: int
    info: object


_ORDER = {"tout": 0, "dis": 0, "death": 0, "tin": 1, "adm": 1, "level": 2, "op": 3, "birth": 3, "abn": 4}


@dataclass
class WardDay:
    day: dt.date
    events: list                                   # Done, in time order
    counts: dict = field(default_factory=dict)     # minute -> {department: [现有, 病危, 病重, 一级护理]}
    notable: dict = field(default_factory=dict)    # minute -> [(patient, level, op_done, born, abnormal)]
    theatre: list = field(default_factory=list)    # (start, end, room, patient, ward, bed, operation)


@dataclass
class Plan:
    """One report as its nurse (doctor) writes it, before it is written in bulk or through the services."""

    book: tuple[str, str]  # (department, kind)
    department_id: int
    day: dt.date
    shift: Shift
    starts: dt.datetime
    ends: dt.datetime
    census: dict
    entries: list          # save_draft dicts plus "_needs", "_skip", "_at", "_evidence"
    items: list
    notes: str | None
    outgoing: DemoPerson
    receiver: DemoPerson | None
    created_at: dt.datetime
    outgoing_at: dt.datetime
    receiving_at: dt.datetime | None
    status: str
    uid: str
    scenario: str | None = None  # "return" / "addendum" (recent period)

    @property
    def kind(self) -> str:
        return self.book[1]


def _hhmm(minute: int) -> str:
    m = (480 + minute) % 1440
    return f"{m // 60:02d}:{m % 60:02d}"


def _stamp(moment: dt.datetime) -> str:
    """clock.stamp (seconds, no microseconds here) without strftime's cost."""
    return moment.isoformat(" ")


def _ri(r: random.Random, a: int, b: int) -> int:
    """random.randint without its overhead (the history draws millions of them)."""
    return a + int(r.random() * (b - a + 1))


def _poisson(r: random.Random, lam: float) -> int:
    limit, k, p = math.exp(-lam), 0, r.random()
    while p > limit:
        k += 1
        p *= r.random()
    return k


def _bounds(shifts: tuple[Shift, ...]) -> list[tuple[int, int]]:
    """Each shift as minutes after 08:00 of its handover day."""
    base = dt.datetime(2000, 1, 1, 8)
    out = []
    for s in shifts:
        a, b = s.interval(base.date())
        out.append((int((a - base).total_seconds()) // 60, int((b - base).total_seconds()) // 60))
    if out[0][0] != 0 or out[-1][1] != 1440:
        raise RuntimeError("演示数据：班次须从 08:00 起覆盖整个交班日")
    return out


class _Hospital:
    """The patient simulation, the rotation of the staff, the reports and the two writers."""

    def __init__(self, ctx: DemoContext):
        self.ctx = ctx
        self.rng = random.Random(f"handover:{ctx.rng.getstate()!r}")
        self.names = NameGenerator(random.Random(self.rng.random()))
        self._prefix = f"{self.rng.getrandbits(64):016x}"
        self._uids = itertools.count(1)
        self.wards: dict[str, dict] = {}
        self.books: dict[tuple[str, str], tuple] = {}      # (department, kind) -> (shifts, checklist, bounds, ward)
        self.serial: dict[tuple[str, str], int] = {}       # reports written per book
        self.pending: dict[tuple[str, str], tuple] = {}    # a skipped shift: (原有, its events)
        self.pages: dict[tuple, int] = {}                  # bedside records per book and year
        self.next_day = ctx.start
        self.recent_from = max(ctx.start, ctx.today - dt.timedelta(days=RECENT_DAYS))
        self.actions: list = []                            # (time, seq, action) of the recent period
        self._seq = itertools.count()
        self._staff: dict = {}
        self._pools: dict = {}
        self._plain_items: dict = {}
        self.states: dict[tuple, str] = {}                 # (book, day, shift order) -> "handed"/"draft"/"skip" today
        self.demo_slots: list[tuple] = []                  # (book, day, order) before, of and after the handed one
        self.fixed: dict[tuple, DemoPerson] = {}           # (book, day, order) -> the nurse on that shift (demo accounts)
        self.leaving: set[int] = set()                     # staff whose leaving the turnover has planned
        self.logins: dict[int, tuple[str, str]] = {}       # staff id -> (username, password), recent period
        self._sessions: dict[int, Session] = {}
        self._password = secrets.token_urlsafe(24)         # the ward staff's, told to nobody: only the simulator signs

    def uid(self) -> str:
        return f"{self._prefix}{next(self._uids):016x}"

    # -- the first day

    def setup(self) -> None:
        ctx = self.ctx
        for ward, spec in WARDS.items():
            self.wards[ward] = {"patients": {}, "free": list(range(spec.beds, 0, -1)), "extra": 0}
        for ward in [*WARDS, THEATRE]:
            shifts, checklist = NURSE_TEMPLATES.get(ward, (None, None))
            shifts, checklist = shifts or DEFAULT_SHIFTS[NURSE], checklist or DEFAULT_CHECKLIST[NURSE]
            if ward in NURSE_TEMPLATES:  # the 护士长 sets up her ward's book
                head = ctx.person_session(ctx.leader(ward, "护士长"), Role.DEPT_HEAD)
                handover.save_template(head, ctx.departments[ward], NURSE, shifts, checklist)
            self._book(ward, NURSE, shifts, checklist, ward)
        for department in DOCTOR_DEPARTMENTS:
            checklist = DOCTOR_CHECKLISTS.get(department, DEFAULT_CHECKLIST[DOCTOR])
            head = ctx.person_session(ctx.leader(department, "科主任"), Role.DEPT_HEAD)
            handover.save_template(head, ctx.departments[department], DOCTOR, DEFAULT_SHIFTS[DOCTOR], checklist)
            self._book(department, DOCTOR, DEFAULT_SHIFTS[DOCTOR], checklist, DOCTOR_WARD[department])
        self.marks = {w: sorted({b for (_d, _k), (_s, _c, bounds, ward) in self.books.items() if ward == w
                                 for _a, b in bounds}) for w in self.wards}
        for ward, spec in WARDS.items():
            self._first_patients(ward, spec)
        self._today_states()
        ctx.on_leave_planned.append(lambda person, _day, _note: self.leaving.add(person.id))
        first, bulk_until = ctx.start, self.recent_from - dt.timedelta(days=1)
        while first <= bulk_until:  # a calendar year at a time, on the first day of the next
            last = min(dt.date(first.year, 12, 31), bulk_until)
            ctx.schedule(last + dt.timedelta(days=1), lambda c, a=first, b=last: self.bulk(a, b))
            first = last + dt.timedelta(days=1)
        day = self.recent_from
        while day < ctx.today:
            ctx.schedule_last(day, lambda c, d=day: self.live_day(d))
            day += dt.timedelta(days=1)

    def _book(self, department: str, kind: str, shifts: list, checklist: list, ward: str) -> None:
        pattern = shifts_from(shifts)
        self.books[(department, kind)] = (pattern, checklist, _bounds(pattern), ward)

    # -- staff

    def refresh_staff(self) -> None:
        """Everyone who ever was a registered, licensed, ordinary nurse (doctor) of each book."""
        by_place: dict[tuple[str, str], list] = {}
        for p in self.ctx.people.values():
            if p.registered and p.licensed and not p.leader and p.category in ("护士", "医师"):
                by_place.setdefault((p.department, NURSE if p.category == "护士" else DOCTOR), []).append(p)
        self._staff = {book: sorted(by_place.get(book, []), key=lambda p: p.id) for book in self.books}
        self._pools = {}

    def _pool(self, book: tuple[str, str], day: dt.date) -> list[DemoPerson]:
        """Who of the book's staff is employed on ``day`` (and on duty, in the recent period)."""
        cached = self._pools.get(book)
        if cached and cached[0] == day:
            return cached[1]
        live = day >= self.recent_from
        pool = [p for p in self._staff[book] if p.hire_date <= day and (p.leave_date is None or day < p.leave_date)
                and (p.on_duty or not live)]
        if len(pool) < 2:
            raise RuntimeError(f"演示数据：{book[0]} {day} 在岗人员不足两人，无法交接班")
        self._pools[book] = (day, pool)
        return pool

    def on_shift(self, book: tuple[str, str], day: dt.date, order: int) -> DemoPerson:
        """The responsible nurse (doctor) of a shift: the book's staff in rotation."""
        fixed = self.fixed.get((book, day, order))
        if fixed is not None:
            return fixed
        pool = self._pool(book, day)
        return pool[(day.toordinal() * len(self.books[book][0]) + order + sum(map(ord, book[0]))) % len(pool)]

    def _today_states(self) -> None:
        """心血管内科病区's last ended shift handed over and awaiting the receiver, 呼吸内科病区's left a
        draft, 消化内科病区's shift before it not written (the 工作台 shows each)."""
        ctx, now = self.ctx, self.ctx.now
        for ward, state in (("心血管内科病区", "handed"), ("呼吸内科病区", "draft"), ("消化内科病区", "skip")):
            book = (ward, NURSE)
            slots = [(day, s) for day in (ctx.today - dt.timedelta(days=2), ctx.today - dt.timedelta(days=1), ctx.today)
                     for s in self.books[book][0] if s.interval(day)[1] <= now]
            day, shift = slots[-2] if state == "skip" else slots[-1]
            self.states[(book, day, shift.order)] = state
            if state == "handed":
                (before_day, before), last = slots[-2], len(self.books[book][0])
                after = (day, shift.order + 1) if shift.order < last else (day + dt.timedelta(days=1), 1)
                self.demo_slots = [(book, before_day, before.order), (book, day, shift.order), (book, *after)]

    # -- accounts (the recent period)

    def open_accounts(self) -> None:
        """The first day of the recent period: three nurses of 心血管内科病区 who stay through the
        history take the three shifts around the one awaiting its receiver today — the one before
        (received by hushi), hushi's (handed over, awaiting jieban) and jieban's —; the administrator
        opens the accounts hushi and jieban for two of them, and the wards' other nurses and doctors
        get theirs."""
        from desktop_app.accounts import service as accounts
        from desktop_app.practice.accounts import DEMO_ACCOUNTS
        from tools.demo_hospital.hospital import _SETUP_PASSWORD

        ctx = self.ctx
        book = self.demo_slots[1][0]
        staying = [p for p in self._staff[book] if p.on_duty and p.id not in self.leaving
                   and p.hire_date <= self.recent_from]
        if len(staying) < 3:
            raise RuntimeError(f"演示数据：{book[0]} 留任的护士不足三人")
        before, hushi, jieban = staying[:3]
        self.fixed = dict(zip(self.demo_slots, (before, hushi, jieban)))
        ctx.account_staff.update(hushi=hushi, jieban=jieban)
        admin = Session(ctx.db, accounts.authenticate(ctx.db, "admin", _SETUP_PASSWORD, ctx.clock).actor, ctx.clock)
        for account in (a for a in DEMO_ACCOUNTS if a.username in ("hushi", "jieban")):
            person = ctx.account_staff[account.username]
            user = accounts.create_user(admin, {
                "username": account.username, "password_is_final": True, "display_name": person.name,
                "role": account.role.value, "department_id": ctx.departments[person.department],
                "staff_id": person.id}, account.password)
            ctx.users[account.username] = user.id
            self.logins[person.id] = (account.username, account.password)
        self.refresh_staff()
        self._add_accounts([p for book in self.books for p in self._staff[book] if p.on_duty])

    def ensure_accounts(self, plans: list[Plan]) -> None:
        """Accounts for the nurses (doctors) of ``plans`` who have none yet (newcomers)."""
        if not self.logins:
            self.open_accounts()
        self._add_accounts([p for plan in plans for p in (plan.outgoing, plan.receiver) if p])

    def _add_accounts(self, staff: list[DemoPerson]) -> None:
        """Accounts for those of ``staff`` who have none, in one batch (one audit row)."""
        people = {p.id: p for p in staff if p.id not in self.logins}
        if not people:
            return
        ctx = self.ctx
        numbers = dict(ctx.db.query("SELECT id, employee_no FROM staff WHERE id IN (%s)" % ",".join("?" * len(people)),
                                    list(people)))
        rows = [{"username": numbers[i].lower(), "display_name": p.name, "role": Role.CLINICIAN.value,
                 "department_id": ctx.departments[p.department], "staff_id": i} for i, p in sorted(people.items())]
        bulk.insert_staff_accounts(ctx.db, rows, self._password, ctx.session.stamp())
        audit.record(ctx.session, "create", "user", uid=f"demo-accounts:{ctx.clock.today()}",
                     label=f"病区护士、科室医师账户 {len(rows)} 个（演示数据批量生成）", after={
                         "username": "、".join(r["username"] for r in rows), "role": Role.CLINICIAN.label,
                         "department_id": "、".join(dict.fromkeys(p.department for p in people.values()))})
        for row in rows:
            self.logins[row["staff_id"]] = (row["username"], self._password)

    def session_of(self, person: DemoPerson) -> Session:
        """The nurse (doctor) logged in with her own account (at her first step of the period)."""
        if person.id not in self._sessions:
            from desktop_app.accounts.service import authenticate

            username, password = self.logins[person.id]
            actor = authenticate(self.ctx.db, username, password, self.ctx.clock).actor
            self._sessions[person.id] = Session(self.ctx.db, actor, self.ctx.clock)
        return self._sessions[person.id]

    def sign_receive(self, writer: Session, report_id: int, person: DemoPerson) -> None:
        """The receiver signs on the outgoing nurse's computer with her account and password."""
        username, password = self.logins[person.id]
        handover.sign_receive(writer, report_id, username, password)

    # -- patients

    def _new_patient(self, spec: WardSpec, day: dt.date, *, department: str | None = None,
                     diagnosis: str | None = None) -> Patient:
        r = self.rng
        if department is None:
            x, department = r.random(), spec.departments[-1][0]
            for name, share in spec.departments:
                if x < share:
                    department = name
                    break
                x -= share
        if spec.profile == "妇产":
            sex, age = "女", _ri(r, 20, 42)
        elif spec.profile == "儿科":
            sex, age = r.choice("男女"), r.choice([0, 0, 1, 1, 2, 3, 4, 5, 6, 7, 8, 10, 12])
        elif spec.profile == "外科":
            sex, age = r.choice("男男女"), int(min(88, max(18, r.gauss(57, 14))))
        else:
            sex, age = r.choice("男女"), int(min(92, max(18, r.gauss(65, 13))))
        if diagnosis is None:
            if department in DIAGNOSIS_WEIGHTS:
                names, weights = DIAGNOSIS_WEIGHTS[department]
                diagnosis = r.choices(names, cum_weights=weights)[0]
            else:
                diagnosis = r.choice(DIAGNOSES[department])
        history = r.choice(HISTORIES).format(n=_ri(r, 2, 20), s=_ri(r, 2, 4) * 10) if age >= 40 else "既往体健"
        shown_age = f"{age}岁" if age else f"{_ri(r, 1, 11)}个月"
        stay = max(1, round(r.gammavariate(2.0, spec.los / 2)))
        p = Patient(self.names.name(sex), sex, department, diagnosis, f"{sex}，{shown_age}。{history}。",
                    day + dt.timedelta(days=stay))
        x = r.random()
        p.level = 2 if x < spec.critical else 1 if x < spec.critical + spec.severe else 0
        p.care1 = p.level > 0 or r.random() < 0.12
        return p

    def _first_patients(self, ward: str, spec: WardSpec) -> None:
        r = self.rng
        for _ in range(round(spec.beds * spec.occupancy * r.uniform(0.9, 1.02))):
            p = self._new_patient(spec, self.next_day)
            p.leave = self.next_day + dt.timedelta(days=_ri(r, 0, round(spec.los * 1.5)))
            if ward == ICU:
                p.home = r.choice(["呼吸内科病区", "神经内科病区", "心血管内科病区", "普外科病区"])
            self._place(ward, p)
            if r.random() < 0.3:
                self._surgery(p, self.next_day + dt.timedelta(days=_ri(r, 0, 2)))

    def _place(self, ward: str, p: Patient) -> None:
        w = self.wards[ward]
        if w["free"]:
            p.bed = str(w["free"].pop())
        else:
            w["extra"] += 1
            p.bed = f"加{w['extra']}"
        p.ward = ward
        w["patients"][p.bed] = p

    def _remove(self, p: Patient) -> None:
        w = self.wards[p.ward]
        del w["patients"][p.bed]
        if p.bed.isdigit():
            w["free"].append(int(p.bed))
            w["free"].sort(reverse=True)
        elif not any(b.startswith("加") for b in w["patients"]):
            w["extra"] = 0
        p.ward = None

    def _surgery(self, p: Patient, day: dt.date, *, urgent_after: int | None = None) -> None:
        """Plan the operation the diagnosis calls for (maybe none): elective on ``day``, or urgent the
        same day after the admission at minute ``urgent_after``. Deliveries: a 剖宫产 for some."""
        r = self.rng
        case = SURGICAL_CASES.get(p.department, {}).get(p.diagnosis)
        if case is None:
            if "孕" in p.diagnosis and r.random() < (0.6 if "瘢痕" in p.diagnosis else 0.25):
                name, grade4 = CESAREAN, False
            else:
                return
        else:
            _d, _w, share, urgent, options = case
            if r.random() >= share:
                return
            name, grade4 = r.choice(options)
            if urgent_after is not None and not urgent:
                urgent_after, day = None, day + dt.timedelta(days=_ri(r, 1, 2))
        length = _ri(r, 180, 330) if grade4 else _ri(r, 50, 150)
        start = r.choice(range(30, 331, 10)) if urgent_after is None else urgent_after + _ri(r, 45, 180)
        if start + length > 1430:  # would run past the next shift change at 08:00: first thing next morning
            day, start = day + dt.timedelta(days=1), _ri(r, 30, 90)
        p.op = (day, start, start + length, name, grade4)
        p.leave = max(p.leave, day + dt.timedelta(days=_ri(r, 7, 12) if grade4 else _ri(r, 2, 6)))

    def _operation_event(self, p: Patient, ward: str, day: dt.date) -> Event:
        _d, start, end, name, grade4 = p.op
        skip = grade4 and self.rng.random() < _between(0.16, 0.015, _habit(day))
        return Event(end, "op", p, (start, name, grade4, skip), ward)

    # -- one handover day of the whole hospital

    def simulate(self, day: dt.date) -> dict[str, WardDay]:
        """Every ward's events of the handover day ``day`` (08:00 to 08:00 next morning), in time order."""
        if day != self.next_day:
            raise RuntimeError(f"演示数据：交接班模拟应从 {self.next_day} 继续，而不是 {day}")
        self.next_day = day + dt.timedelta(days=1)
        events: list[Event] = []
        icu = self.wards[ICU]["patients"]
        self._icu_room = WARDS[ICU].beds + 1 - len(icu)  # one extra bed at most; else the patient stays
        for ward, spec in WARDS.items():
            self._plan_ward(ward, spec, day, events)
        for e in [e for e in events if e.kind == "tout"]:
            events.append(Event(min(e.minute + _ri(self.rng, 10, 40), 1439), "tin", e.patient, e.ward, e.info))
        self._queue = [(e.minute, _ORDER[e.kind], next(self._seq), e) for e in events]
        heapq.heapify(self._queue)
        out = {ward: WardDay(day, []) for ward in self.wards}
        for ward, wd in out.items():
            wd.counts[0] = self._counts(ward)
        for b in sorted({b for marks in self.marks.values() for b in marks}):
            while self._queue and self._queue[0][0] < b:
                self._happen(heapq.heappop(self._queue)[3], out)
            for ward, marks in self.marks.items():
                if b in marks and ward != THEATRE:
                    out[ward].counts[b], out[ward].notable[b] = self._snapshot(ward, day)
        out[THEATRE] = self._theatre(day, out)
        return out

    def _plan_ward(self, ward: str, spec: WardSpec, day: dt.date, events: list[Event]) -> None:
        r = self.rng
        weekend = day.weekday() >= 5
        for p in list(self.wards[ward]["patients"].values()):
            m = r.randrange(1440)
            if p.level == 2:
                x = r.random()
                death = 0.04 if ward == ICU else 0.012
                if x < death:
                    events.append(Event(m, "death", p, "太平间", ward))
                    continue
                if spec.profile not in ("重症", "急诊") and x < death + 0.05 and self._icu_room > 0:
                    self._icu_room -= 1
                    events.append(Event(m, "tout", p, ICU, ward))
                    continue
                if x < 0.4:
                    events.append(Event(m, "level", p, 1, ward))
            elif p.level == 1:
                x = r.random()
                if x < 0.28:
                    events.append(Event(m, "level", p, 0, ward))
                elif x < 0.3:
                    events.append(Event(m, "level", p, 2, ward))
            elif r.random() < 0.004:
                events.append(Event(m, "level", p, 1, ward))
            if p.op and p.op[0] == day:
                events.append(self._operation_event(p, ward, day))
                if p.op[4] and r.random() < 0.35:
                    events.append(Event(min(p.op[2] + 1, 1439), "level", p, 1, ward))
                continue
            expecting = "孕" in p.diagnosis and p.born is None
            if expecting and not p.op and r.random() < 0.55:
                events.append(Event(m, "birth", p, None, ward))
                continue
            if r.random() < 0.006:
                events.append(Event(m, "abn", p, r.choice(ABNORMAL).format(
                    t=round(r.uniform(38.2, 39.6), 1), g=round(r.uniform(2.6, 3.6), 1),
                    s=_ri(r, 175, 200), d=_ri(r, 100, 115)), ward))
            if p.leave > day or p.level or expecting or (p.op and p.op[0] >= day):
                continue
            if ward == ER:
                target = ER_NEXT.get(p.diagnosis)
                if target and target[0] == ICU:
                    if self._icu_room <= 0:
                        target = None
                    else:
                        self._icu_room -= 1
                if target and r.random() < 0.65:
                    events.append(Event(r.randrange(1440), "tout", p, target[0], ward))
                    continue
            elif ward == ICU:
                events.append(Event(_ri(r, 60, 540), "tout", p, p.home or "呼吸内科病区", ward))
                continue
            if weekend and r.random() < 0.4:
                continue
            place = "回家" if r.random() < 0.97 else r.choice(["转上级医院", "自动出院"])
            minute = _ri(r, 60, 450) if r.random() < 0.88 else _ri(r, 480, 660)
            events.append(Event(minute, "dis", p, place, ward))
        present = len(self.wards[ward]["patients"])
        target = spec.beds * spec.occupancy
        lam = target / spec.los * min(2.0, max(0.3, 1 + 1.5 * (target - present) / spec.beds))
        if weekend and spec.profile in ("外科", "康复"):
            lam *= 0.5
        for _ in range(_poisson(r, lam)):
            if ward == ICU:
                if self._icu_room <= 0:
                    break
                self._icu_room -= 1
            emergency = r.random() < spec.emergency
            if emergency:
                minute = r.randrange(1440)
            else:
                minute = _ri(r, 30, 470) if r.random() < 0.75 else _ri(r, 480, 900)
            if ward == ICU:
                diagnosis = r.choice(list(ICU_HOME))
                p = self._new_patient(spec, day, diagnosis=diagnosis)
                p.level, p.home, p.care1 = (2 if r.random() < 0.7 else 1), ICU_HOME[diagnosis], True
            else:
                p = self._new_patient(spec, day)
            if spec.profile in ("外科", "妇产"):
                self._surgery(p, day if emergency else day + dt.timedelta(days=_ri(r, 1, 2)),
                              urgent_after=minute if emergency else None)
            events.append(Event(minute, "adm", p, "急诊" if emergency else "门诊", ward))
            if p.op and p.op[0] == day:
                events.append(self._operation_event(p, ward, day))

    def _happen(self, e: Event, out: dict[str, WardDay]) -> None:
        p = e.patient
        if e.kind in ("adm", "tin"):
            if e.kind == "tin":
                target, origin = e.ward, e.info
                if target == ICU:
                    p.home = p.home or (origin if origin in WARDS and origin != ER else "消化内科病区")
                    p.department, p.level = "重症医学科", 2 if self.rng.random() < 0.8 else 1
                else:
                    if origin == ER:
                        p.diagnosis = self.rng.choice(ER_NEXT[p.diagnosis][1])
                    if p.department in ("重症医学科", "急诊科"):
                        p.department = WARDS[target].departments[0][0]
                    p.level = 1 if origin == ICU or self.rng.random() < 0.3 else 0
                stay = max(1, round(self.rng.gammavariate(2.0, WARDS[target].los / 2)))
                p.leave = out[target].day + dt.timedelta(days=stay)
                p.care1 = p.level > 0
                p.last = {}
                ward, info = target, origin
                if origin == ER and WARDS[target].profile == "外科":
                    self._surgery(p, out[target].day, urgent_after=e.minute)
                    if p.op and p.op[0] == out[target].day:  # an urgent operation later today
                        e2 = self._operation_event(p, target, out[target].day)
                        heapq.heappush(self._queue, (e2.minute, _ORDER["op"], next(self._seq), e2))
            else:
                ward, info = e.ward, e.info
            self._place(ward, p)
            out[ward].events.append(Done(e.minute, e.kind, p, p.department, p.bed, p.level, info))
            return
        if p.ward != e.ward:  # left earlier today
            return
        wd = out[e.ward]
        if e.kind in ("dis", "tout", "death"):
            bed = p.bed
            self._remove(p)
            wd.events.append(Done(e.minute, e.kind, p, p.department, bed, p.level, e.info))
        elif e.kind == "level":
            p.level = e.info
            p.care1 = p.care1 or p.level > 0
        elif e.kind == "op":
            start, name, grade4, skip = e.info
            p.op_done, p.op = (wd.day, e.minute, name, grade4, skip), None
            if name == CESAREAN:
                p.born = (wd.day, e.minute)
                p.leave = wd.day + dt.timedelta(days=4)
            wd.events.append(Done(e.minute, "op", p, p.department, p.bed, p.level, (start, name, grade4, skip)))
        elif e.kind == "birth":
            p.born = (wd.day, e.minute)
            p.leave = wd.day + dt.timedelta(days=2)
            wd.events.append(Done(e.minute, "birth", p, p.department, p.bed, p.level, None))
        elif e.kind == "abn":
            p.abnormal = (wd.day, e.minute, e.info)

    def _counts(self, ward: str) -> dict:
        out: dict[str, list[int]] = {}
        for p in self.wards.get(ward, {"patients": {}})["patients"].values():
            out.setdefault(p.department, [0, 0, 0, 0])[0] += 1
        return out

    def _snapshot(self, ward: str, day: dt.date) -> tuple[dict, list]:
        counts: dict[str, list[int]] = {}
        notable = []
        yesterday = day - dt.timedelta(days=1)
        for p in self.wards[ward]["patients"].values():
            c = counts.get(p.department)
            if c is None:
                c = counts[p.department] = [0, 0, 0, 0]
            c[0] += 1
            if p.level == 2:
                c[1] += 1
            elif p.level == 1:
                c[2] += 1
            op = p.op_done
            operated = op is not None and op[0] >= yesterday
            if p.care1 or p.level or (operated and op[0] == day):
                c[3] += 1
            if p.level or operated or (p.born and p.born[0] == day) or (p.abnormal and p.abnormal[0] == day):
                notable.append((p, p.level, op, p.born, p.abnormal))
        return counts, notable

    def _theatre(self, day: dt.date, wards: dict[str, WardDay]) -> WardDay:
        """手术室: every operation of the day from entering the theatre to its end, in six rooms."""
        ops = sorted(((d.info[0], d.minute, d.bed, ward, d.patient, d.info[1]) for ward, wd in wards.items()
                      for d in wd.events if d.kind == "op"), key=lambda o: o[:4])
        free = [0] * THEATRE_ROOMS
        wd = WardDay(day, [])
        for start, end, bed, ward, p, name in ops:
            room = min(range(THEATRE_ROOMS), key=lambda i: (free[i] > start, free[i]))
            free[room] = max(end, start)
            wd.theatre.append((start, end, room + 1, p, ward, bed, name))
        return wd

    # -- the reports of one handover day

    def plans(self, wards: dict[str, WardDay], until: dt.datetime | None = None) -> list[Plan]:
        """Every book's reports of the day (only shifts ended by ``until``), in the order they end."""
        out = []
        for book, (shifts, _checklist, bounds, ward) in self.books.items():
            wd = wards[ward]
            for shift, (a, b) in zip(shifts, bounds):
                if until is not None and shift.interval(wd.day)[1] > until:
                    continue
                plan = self._plan(book, shift, a, b, wd)
                if plan is not None:
                    out.append(plan)
        out.sort(key=lambda p: (p.outgoing_at, p.book))
        return out

    def _plan(self, book: tuple[str, str], shift: Shift, a: int, b: int, wd: WardDay) -> Plan | None:
        r = self.rng
        department, kind = book
        day = wd.day
        h = _habit(day)
        state = self.states.get((book, day, shift.order))
        if book[1] == NURSE and department == THEATRE or book == ("麻醉科", DOCTOR):
            census, entries = self._theatre_census(book, wd, a, b)
        else:
            which = None if kind == NURSE else department
            events = [d for d in wd.events if a <= d.minute < b and (which is None or d.department == which)]
            original = self._count(wd.counts[a], which)[0]
            if book in self.pending:
                original, earlier = self.pending.pop(book)
                events = earlier + events
            skip = state == "skip" or (state is None and wd.day < self.ctx.today - dt.timedelta(days=2)
                                       and r.random() < _between(0.003, 0.0004, h))
            if skip:
                self.pending[book] = (original, events)
                return None
            census, entries = self._census(book, wd, events, original, a, b, which, shift.order == 1)
        starts, ends = shift.interval(day)
        outgoing = self.on_shift(book, day, shift.order)
        shifts = self.books[book][0]
        after = (day, shift.order + 1) if shift.order < len(shifts) else (day + dt.timedelta(days=1), 1)
        receiver = self.on_shift(book, *after)
        if receiver.id == outgoing.id:
            receiver = next(p for p in self._pool(book, after[0]) if p.id != outgoing.id)
        late = r.random() < _between(0.07, 0.02, h)
        stuck = any(e["_skip"] for e in entries)
        plan = Plan(book, self.ctx.departments[department], day, shift, starts, ends, census, entries,
                    self._items(book, entries), None, outgoing, receiver,
                    ends - dt.timedelta(minutes=_ri(r, 35, 110)), ends - dt.timedelta(minutes=_ri(r, 1, 6)),
                    ends + dt.timedelta(minutes=_ri(r, 35, 140) if late else _ri(r, 2, 24)), RECEIVED, self.uid())
        if kind == NURSE and any(e["bed"].startswith("加") for e in entries) and r.random() < 0.4:
            plan.notes = "病区床位紧张，有加床，已报告护士长。"
        if stuck or state == "handed":
            plan.status, plan.receiver, plan.receiving_at = HANDED, None, None
        elif state == "draft":
            plan.status, plan.receiver, plan.receiving_at = DRAFT, None, None
        self._bedside(plan)
        return plan

    @staticmethod
    def _count(counts: dict, which: str | None) -> list[int]:
        if which is None:
            return [sum(c[k] for c in counts.values()) for k in range(4)] if counts else [0, 0, 0, 0]
        c = counts.get(which)
        return list(c) if c else [0, 0, 0, 0]

    def _census(self, book, wd: WardDay, events: list[Done], original: int, a: int, b: int, which: str | None,
                first_shift: bool) -> tuple[dict, list]:
        kind = book[1]
        census = dict.fromkeys(CENSUS_FIELDS, 0)
        census["原有"] = original
        serial = self.serial[book] = self.serial.get(book, 0) + 1
        entries: list[dict] = []
        moved: dict[int, dict] = {}
        field_of = {"adm": "入院", "tin": "转入", "dis": "出院", "tout": "转出", "death": "死亡"}
        for d in events:
            if d.kind in field_of:
                census[field_of[d.kind]] += 1
                if kind == DOCTOR and d.kind == "dis":
                    continue
                entry = self._movement(d, kind)
                entries.append(entry)
                if d.kind in ("adm", "tin"):
                    moved[id(d.patient)] = entry
                    d.patient.last[book] = (serial, entry["uid"])
            elif d.kind == "op":
                census["手术"] += 1
                census["分娩"] += d.info[1] == CESAREAN
            elif d.kind == "birth":
                census["分娩"] += 1
        census["现有"], census["病危"], census["病重"], census["一级护理"] = self._count(wd.counts[b], which)
        for p, level, op, born, abnormal in wd.notable[b]:
            if which is not None and p.department != which:
                continue
            entry = self._key_entry(book, serial, p, level, op, born, abnormal, wd.day, a, b, first_shift,
                                    id(p) in moved)
            if entry is None:
                continue
            if id(p) in moved:  # a new patient who is also a key patient: one entry with both marks
                target = moved[id(p)]
                marks = [m for m in (entry["category"], *entry["marks"]) if m != target["category"] and m not in ARRIVED]
                target["marks"] = list(dict.fromkeys([*target["marks"], *marks]))
                target["operation"] = target["operation"] or entry["operation"]
                target["_skip"] = entry["_skip"]
                target["_needs"] = bool(set(target["marks"]) & BEDSIDE_MARKS)
            else:
                entries.append(entry)
        entries.sort(key=lambda e: entry_sort_key(e["category"], e["bed"]))
        return census, entries

    def _entry(self, category: str, p: Patient, bed: str, **values) -> dict:
        entry = {"uid": self.uid(), "category": category, "bed": bed, "patient_name": p.name,
                 "diagnosis": p.diagnosis, "marks": [], "event_time": None, "place": None, "operation": None,
                 "situation": "", "background": "", "assessment": "", "recommendation": "", "carried_from": None,
                 "_needs": False, "_skip": False}
        entry.update(values)
        return entry

    def _vitals(self, level: int) -> str:
        r = self.rng
        if level == 2:
            return (f"T {r.uniform(36.0, 38.8):.1f}℃，P {_ri(r, 105, 138)}次/分，BP {_ri(r, 82, 100)}/"
                    f"{_ri(r, 45, 62)}mmHg，SpO2 {_ri(r, 86, 93)}%")
        if level == 1:
            return f"T {r.uniform(36.2, 37.9):.1f}℃，P {_ri(r, 84, 110)}次/分，BP {_ri(r, 100, 160)}/{_ri(r, 58, 95)}mmHg"
        return f"T {r.uniform(36.2, 37.2):.1f}℃，P {_ri(r, 64, 92)}次/分，BP {_ri(r, 104, 142)}/{_ri(r, 60, 88)}mmHg"

    def _movement(self, d: Done, kind: str) -> dict:
        r, p = self.rng, d.patient
        t = _hhmm(d.minute)
        if d.kind == "dis":
            return self._entry("出院", p, d.bed, event_time=t, place=d.info, situation=LEAVE_WORDS[kind].format(t=t))
        if d.kind == "tout":
            return self._entry("转出", p, d.bed, event_time=t, place=d.info,
                               situation=f"{t} 因病情需要转{d.info}，转运途中生命体征平稳，已与{d.info}交接。")
        if d.kind == "death":
            return self._entry("死亡", p, d.bed, event_time=t, place="太平间",
                               situation=f"病情恶化，经抢救无效，于 {t} 宣告临床死亡，已通知家属。")
        level = d.level
        how = r.choice(["步行", "轮椅", "平车"]) if level == 0 else "平车"
        words = (f"{t} 由{d.info}{how}入院" if d.kind == "adm" else f"{t} 由{d.info}转入")
        assess = r.choice(ASSESS[level]) if level else ""
        return self._entry("新入" if d.kind == "adm" else "转入", p, d.bed, event_time=t, place=d.info,
                           situation=f"{words}，神志清，{self._vitals(level)}。", background=p.background,
                           assessment=assess, recommendation=r.choice(RECOMMEND[kind][level or "新入"]),
                           marks=[{2: "病危", 1: "病重"}[level]] if level else [], _needs=bool(level))

    def _key_entry(self, book, serial: int, p: Patient, level: int, op, born, abnormal, day: dt.date, a: int, b: int,
                   first_shift: bool, moved: bool) -> dict | None:
        r = self.rng
        kind = book[1]
        today_op = op is not None and op[0] == day
        next_day_op = op is not None and op[0] < day and first_shift
        delivered = born is not None and born[0] == day
        odd = abnormal is not None and abnormal[0] == day and a <= abnormal[1] < b
        marks = []
        if today_op:
            category = GRADE4 if op[3] else "手术"
        elif delivered:
            category = "分娩"
        elif level:
            category = "病危" if level == 2 else "病重"
        elif next_day_op:
            category = "手术"
        elif odd:
            category = "异常"
        else:
            return None
        if level and category not in ("病危", "病重"):
            marks.append("病危" if level == 2 else "病重")
        if delivered and category != "分娩":
            marks.append("分娩")
        if (today_op or next_day_op) and category not in ("手术", GRADE4):
            marks.append("手术")
        if odd and category != "异常":
            marks.append("异常")
        if kind == DOCTOR and category == "病重" and not marks and not first_shift and p.department != "重症医学科":
            return None  # the morning report of the doctors: stable 病重 patients were handed over last evening
        t = None
        if kind == NURSE:
            state = f"{self._vitals(level)}，{r.choice(STATES[level])}" if level else self._vitals(0)
        else:  # doctors write the course, not the vital signs
            state = r.choice(DOCTOR_STATES[level]) if level else "一般情况可"
        situation = f"{state}。" if level else ""
        what = "手术" if (today_op or next_day_op) else "分娩" if delivered else level or "异常"
        if today_op:
            t = _hhmm(op[1])
            back = "监护室" if p.ward == ICU else "病房"
            situation = f"{t} 在{ANAESTHESIA[op[3]]}下行{op[2]}，术毕返回{back}，{state}。"
        elif next_day_op:
            situation = f"{op[2]}术后第 1 天，{state}，切口敷料干燥。"
        elif delivered:
            t = _hhmm(born[1])
            how = "剖宫产娩出" if op and op[2] == CESAREAN else "顺产"
            situation = f"{t} {how}一活婴，{state}。"
        elif odd and not level:
            t = _hhmm(abnormal[1])
            situation = f"{t} {abnormal[2]}。"
        if odd and level:
            situation += f"{_hhmm(abnormal[1])} {abnormal[2]}。"
        carried = p.last.get(book)
        uid = self.uid()
        if not moved:
            p.last[book] = (serial, uid)
        needs = bool({category, *marks} & BEDSIDE_MARKS)
        return self._entry(category, p, p.bed, uid=uid, marks=marks, event_time=t,
                           operation=op[2] if (today_op or next_day_op) else None, situation=situation,
                           background=p.background, assessment=r.choice(ASSESS[what]),
                           recommendation=r.choice(RECOMMEND[kind][what]),
                           carried_from=carried[1] if carried and carried[0] == serial - 1 else None,
                           _needs=needs, _skip=bool(kind == NURSE and today_op and op[3] and op[4]))

    def _theatre_census(self, book, wd: WardDay, a: int, b: int) -> tuple[dict, list]:
        """手术室 (and 麻醉科's doctors): patients in theatre at each shift change."""
        r = self.rng
        kind = book[1]
        self.serial[book] = self.serial.get(book, 0) + 1
        census = dict.fromkeys(CENSUS_FIELDS, 0)
        # in theatre at a shift change t: entered before t, not yet left before t (like the wards' events)
        census["原有"] = sum(1 for s, e, *_ in wd.theatre if s < a <= e)
        census["转入"] = sum(1 for s, *_ in wd.theatre if a <= s < b)
        census["转出"] = census["手术"] = sum(1 for _s, e, *_ in wd.theatre if a <= e < b)
        census["现有"] = census["原有"] + census["转入"] - census["转出"]
        entries = []
        for start, end, room, p, ward, bed, name in wd.theatre:
            if start < b <= end:
                entries.append(self._entry(
                    "手术", p, f"{room}号间", event_time=_hhmm(start), operation=name,
                    situation=f"{_hhmm(start)} 入室，{name}进行中，预计 {_hhmm(end)} 结束。",
                    background=f"{ward}{bed}床，{p.background}",
                    assessment=f"生命体征平稳，术中出血约 {r.randrange(20, 400, 10)}ml。",
                    recommendation=("继续配合手术，术毕清点器械敷料，与病区护士交接。" if kind == NURSE
                                    else "术毕送麻醉恢复室，注意苏醒及呼吸情况。")))
        entries.sort(key=lambda e: entry_sort_key(e["category"], e["bed"]))
        return census, entries

    def _items(self, book: tuple[str, str], entries: list[dict]) -> list[dict]:
        r = self.rng
        out = []
        for item in self.books[book][1]:
            expected = item["expected"]
            row = {"name": item["name"], "expected": expected, "count": expected, "ok": True if expected is None else None,
                   "note": ""}
            if expected and expected > 1 and r.random() < 0.004 and entries:
                row["count"] = expected - 1
                row["note"] = f"已用 1 支（{r.choice(entries)['bed']}床），空安瓿及处方已交药房补领。"
            elif expected is None and r.random() < 0.002:
                row["ok"], row["note"] = False, "外观破损，已报设备科维修，暂用备用。"
            out.append(row)
        return out

    def _bedside(self, plan: Plan) -> None:
        """Bedside handover of every 病危/病重/四级手术当日 entry shortly before the signature."""
        r = self.rng
        ends = plan.ends
        key = (*plan.book, ends.year)
        for e in plan.entries:
            if not e["_needs"] or e["_skip"]:
                continue
            n = self.pages[key] = self.pages.get(key, 0) + 1
            e["_at"] = min(ends - dt.timedelta(minutes=_ri(r, 8, 30)), plan.outgoing_at - dt.timedelta(minutes=1))
            where = "床旁交接记录单" if plan.kind == NURSE else "医师床旁交接记录"
            e["_evidence"] = f"{where}第 {n // 6 + 1} 页"

    # -- bulk history

    def bulk(self, first: dt.date, last: dt.date) -> None:
        """The days ``first``–``last`` in bulk, then one audit row per book."""
        ctx, db = self.ctx, self.ctx.db
        self.refresh_staff()
        totals: dict[tuple[str, str], list[int]] = {}
        reports, entries = [], []
        next_id = bulk.next_report_id(db)
        day = first
        while day <= last:
            for plan in self.plans(self.simulate(day)):
                row, rows = self._rows(plan, next_id)
                reports.append(row)
                entries += rows
                t = totals.setdefault(plan.book, [0, 0, 0, 0, 0])
                t[0] += 1
                t[1] += plan.status == HANDED
                t[2] += len(rows)
                t[3] += sum(1 for x in plan.entries if GRADE4 in (x["category"], *x["marks"]))
                t[4] += sum(1 for x in plan.entries if "_at" in x)
                next_id += 1
            if len(reports) > 5000 or day == last:
                bulk.insert_handover_history(db, reports, entries)
                reports, entries = [], []
            day += dt.timedelta(days=1)
        for (department, kind), (n, handed, rows, grade4, bedside) in totals.items():
            label = f"{department}{KIND_LABELS[kind]}"
            audit.record(ctx.session, "create", "handover", uid=f"demo-history:{kind}:{ctx.departments[department]}:"
                         f"{first.isoformat()}", label=f"{label} {first}至{last}（演示数据批量生成）", after={
                             "status": f"共 {n} 份：已接班 {n - handed} 份，已交班未接班 {handed} 份",
                             "entries": f"患者条目 {rows} 条，其中四级手术当日 {grade4} 条；床旁交接记录 {bedside} 条",
                             "notes": "演示数据生成程序按交班日逐份生成，逐份通过病人动态、交班内容、床旁交接和双方签名的校验后"
                                      "批量写入，未逐份记录审计。"})

    def _rows(self, plan: Plan, report_id: int) -> tuple[tuple, list[tuple]]:
        """The report and entry rows of a plan, after the checks the services would make."""
        starts, ends = _stamp(plan.starts), _stamp(plan.ends)
        out = plan.outgoing.name
        entries, rows = [], []
        for position, e in enumerate(plan.entries):
            marks = "、".join(e["marks"])
            all_marks = {e["category"], *e["marks"]}
            at = _stamp(e["_at"]) if "_at" in e else None
            evidence = e.get("_evidence")
            entries.append(Entry(e["uid"], e["category"], e["bed"], e["patient_name"], e["diagnosis"], tuple(e["marks"]),
                                 e["event_time"], e["place"], e["operation"], e["situation"], e["background"],
                                 e["assessment"], e["recommendation"], at, evidence, out if at else None,
                                 e["carried_from"]))
            rows.append((e["uid"], report_id, e["category"], e["bed"], e["patient_name"], e["diagnosis"], marks,
                         e["event_time"], e["place"], e["operation"], e["situation"], e["background"], e["assessment"],
                         e["recommendation"], int(GRADE4 in all_marks), int(bool(all_marks & BEDSIDE_MARKS)), at,
                         evidence, out if at else None, e["carried_from"], position))
        received = plan.status == RECEIVED
        census_json = json.dumps(plan.census, ensure_ascii=False)
        report = Report(report_id, plan.uid, plan.department_id, plan.book[0], plan.kind, plan.day.isoformat(),
                        plan.shift.order, plan.shift.name, starts, ends, plan.status, plan.census, True,
                        tuple(plan.items), plan.notes, out, None, None, None, out, "", "", entries=tuple(entries))
        self._check(plan, report)
        last = plan.receiving_at if received else plan.outgoing_at
        values = (report_id, plan.uid, plan.department_id, plan.kind, plan.day.isoformat(), plan.shift.order,
                  plan.shift.name, starts, ends, plan.status, census_json, 1, self._items_json(plan), plan.notes,
                  plan.outgoing.id, out, _stamp(plan.outgoing_at), plan.receiver.id if received else None,
                  plan.receiver.name if received else None, _stamp(plan.receiving_at) if received else None, out,
                  _stamp(plan.created_at), _stamp(last))
        return values, rows

    def _items_json(self, plan: Plan) -> str:
        """As the service stores it (json.dumps); the unremarkable checklist of a book is made once."""
        if all(i["count"] == i["expected"] and i["ok"] in (True, None) and not i["note"] for i in plan.items):
            cached = self._plain_items.get(plan.book)
            if cached is None:
                cached = self._plain_items[plan.book] = json.dumps(plan.items, ensure_ascii=False)
            return cached
        return json.dumps(plan.items, ensure_ascii=False)

    def _check(self, plan: Plan, report: Report) -> None:
        """What the services would refuse: a census or content that blocks the outgoing signature, a
        receipt with a bedside handover missing, a signer who is not another nurse (doctor) of the book."""
        problems = [f.text() for f in handover.report_findings(report)]
        if plan.status == RECEIVED:
            if report.missing_bedside():
                problems.append("已接班但缺床旁交接")
            if plan.receiver is None or plan.receiver.id == plan.outgoing.id:
                problems.append("接班人缺失或与交班人相同")
        category = "护士" if plan.kind == NURSE else "医师"
        last = len(self.books[plan.book][0])
        receiver_day = plan.day + dt.timedelta(days=1) if plan.shift.order == last else plan.day
        for person, day in ((plan.outgoing, plan.day), (plan.receiver, receiver_day)):
            if person is None:
                continue
            if person.category != category or person.department != plan.book[0] or person.hire_date > day or (
                    person.leave_date is not None and person.leave_date <= day):
                problems.append(f"{person.name}不是{day}在岗的{plan.book[0]}{category}")
        if problems:
            raise RuntimeError(f"演示数据未通过校验（{report.title}）：" + "；".join(problems))

    # -- the recent period and today, through the services

    def live_day(self, day: dt.date) -> None:
        """Simulate ``day``; put its reports' steps on the action list; do the steps until 08:00
        next morning (the day's other events have run: this is the last event of the day)."""
        self.refresh_staff()
        plans = self.plans(self.simulate(day), until=self.ctx.now)
        self.ensure_accounts(plans)
        self._scenarios(day, plans)
        for plan in plans:
            self._live(plan)
        self.run_actions(min(dt.datetime.combine(day + dt.timedelta(days=1), dt.time(8)), self.ctx.now))

    def present(self) -> None:
        """Today's handover day (if it has begun) and every step before now; later steps never happen."""
        ctx = self.ctx
        # run_history left the clock at now: go back to the last moment the log has seen
        last = ctx.db.scalar("SELECT max(ts) FROM audit_log")
        ctx.clock.current = max(dt.datetime.fromisoformat(last), dt.datetime.combine(ctx.today, dt.time()))
        if ctx.now >= dt.datetime.combine(ctx.today, dt.time(8)):
            self.refresh_staff()
            plans = self.plans(self.simulate(ctx.today), until=ctx.now)
            self.ensure_accounts(plans)
            for plan in plans:
                self._live(plan)
        self.run_actions(ctx.now)
        self.actions.clear()
        ctx.clock.current = ctx.now

    def at(self, when: dt.datetime, action: Callable[[], None]) -> None:
        heapq.heappush(self.actions, (when, next(self._seq), action))

    def run_actions(self, until: dt.datetime) -> None:
        clock = self.ctx.clock
        while self.actions and self.actions[0][0] < until:
            when, _seq, action = heapq.heappop(self.actions)
            clock.current = max(when, clock.current)
            action()

    def _scenarios(self, day: dt.date, plans: list[Plan]) -> None:
        """A few reports the receiver sends back (七不接) and a few addenda after both signatures."""
        r = self.rng
        candidates = [p for p in plans if p.kind == NURSE and p.status == RECEIVED and p.book[0] != THEATRE
                      and p.receiving_at < self.ctx.now - dt.timedelta(hours=12)]
        for plan in candidates:
            first_day = day == self.recent_from + dt.timedelta(days=1) and plan.book[0] == "心血管内科病区"
            if first_day and plan.shift.order == 1 or r.random() < 0.003:
                plan.scenario = "return"
            elif (day == self.recent_from + dt.timedelta(days=2) and plan.book[0] == "普外科病区"
                  and plan.shift.order == 1) or r.random() < 0.004:
                plan.scenario = "addendum"

    def _live(self, plan: Plan) -> None:
        r = self.rng
        outgoing, receiver = plan.outgoing, plan.receiver

        def writer() -> Session:  # she logs in at her first step of the period
            return self.session_of(outgoing)

        done: dict = {}
        entries = [{k: v for k, v in e.items() if not k.startswith("_")} for e in plan.entries]

        def create() -> None:
            census = {k: v for k, v in plan.census.items() if k != "原有"}  # 原有 is carried over by the service
            report = handover.create_report(writer(), plan.department_id, plan.day, plan.shift.name, plan.kind, {
                "census": census, "entries": entries, "items": plan.items, "notes": plan.notes})
            if report.census["原有"] != plan.census["原有"]:
                raise RuntimeError(f"演示数据：{report.title} 的原有 {report.census['原有']} 与模拟的 "
                                   f"{plan.census['原有']} 不符")
            done["id"] = report.id

        self.at(plan.created_at, create)
        if plan.status == DRAFT:
            return
        for e in plan.entries:
            if "_at" in e:
                self.at(e["_at"], lambda e=e: handover.record_bedside(writer(), done["id"], e["uid"], e["_at"],
                                                                         e["_evidence"]))
        self.at(plan.outgoing_at, lambda: handover.sign_outgoing(writer(), done["id"]))
        if receiver is None:
            return
        if plan.scenario == "return":
            self._send_back(plan, writer, receiver, entries, done)
        self.at(plan.receiving_at, lambda: self.sign_receive(writer(), done["id"], receiver))
        if plan.scenario == "addendum":
            if plan.entries:
                text = r.choice(ADDENDA).format(bed=r.choice(plan.entries)["bed"], s=_ri(r, 110, 150), d=_ri(r, 65, 90))
            else:
                text = "补记：交班时漏记除颤仪充放电检查，已于交班后补做并登记，结果正常。"
            self.at(plan.receiving_at + dt.timedelta(minutes=_ri(r, 90, 600)),
                    lambda: handover.add_addendum(writer(), done["id"], text))

    def _send_back(self, plan: Plan, writer: Callable[[], Session], receiver: DemoPerson, entries: list[dict],
                   done: dict) -> None:
        """The receiver refuses (七不接, logged in with her account) and the outgoing nurse corrects
        and signs again."""
        r = self.rng
        ends = plan.ends
        counted = [i for i in plan.items if i["expected"] and i["expected"] > 1 and i["count"] == i["expected"]]
        key = [e for e in entries if e["category"] not in LEFT + ARRIVED]
        if key and (not counted or r.random() < 0.6):
            e = r.choice(key)
            asked, added = UNCLEAR[bool(e["operation"])]
            reason = asked.format(bed=e["bed"])
            fixed = [dict(x, situation=x["situation"] + added) if x is e else x for x in entries]
            changes = {"entries": fixed}
        elif counted:
            item = r.choice(counted)
            reason = MISCOUNTED.format(item=item["name"], n=item["expected"] - 1)
            items = [dict(i, count=i["expected"] - 1, note="交班时漏记已用 1 支，空安瓿及处方已找到，交药房补领。")
                     if i is item else i for i in plan.items]
            changes = {"items": items}
        else:
            return
        self.at(ends + dt.timedelta(minutes=4), lambda: handover.return_to_draft(self.session_of(receiver), done["id"],
                                                                                  reason))
        self.at(ends + dt.timedelta(minutes=9), lambda: handover.save_draft(writer(), done["id"], changes))
        self.at(ends + dt.timedelta(minutes=11), lambda: handover.sign_outgoing(writer(), done["id"]))
        plan.receiving_at = ends + dt.timedelta(minutes=_ri(r, 14, 22))


_HOSPITALS: dict[int, _Hospital] = {}


def plan_handover(ctx: DemoContext) -> None:
    """On the first day: the books' shifts and checklists, the first patients, the history on the timeline."""
    hospital = _Hospital(ctx)
    _HOSPITALS[id(ctx)] = hospital
    if ctx.years == 0:  # the program starts today: no history to write
        return
    hospital.setup()


def present_handover(ctx: DemoContext) -> None:
    """Today up to now (before the accounts are made, so the audit log keeps calendar order)."""
    hospital = _HOSPITALS.pop(id(ctx))
    if ctx.years:
        hospital.present()
