"""问题台账: the records, their vocabularies, and the computed states (逾期 is never stored)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import NamedTuple

from desktop_app.fields import Field, Fields

# Life cycle (domain.md §1, §7): 待整改 → 整改中 → 已整改待复查 → 已销号; a failed re-check and a
# reopened item go back to 整改中.
PENDING, IN_PROGRESS, AWAITING_RECHECK, CLOSED = "待整改", "整改中", "已整改待复查", "已销号"
STATUSES = [PENDING, IN_PROGRESS, AWAITING_RECHECK, CLOSED]
OPEN_STATUSES = [PENDING, IN_PROGRESS, AWAITING_RECHECK]

SOURCES = ["自查", "科室自查", "交叉检查", "上级督查/专项检查", "质控中心", "投诉", "不良事件"]
SEVERITIES = ["一般", "较重", "严重"]
RESULTS = ["符合", "不符合", "不适用"]

# Timeline events
EV_REGISTERED = "登记"
EV_STARTED = "开始整改"
EV_UPDATED_RECTIFICATION = "更新整改"
EV_SUBMITTED = "提交复查"
EV_PASSED = "复查通过（销号）"
EV_FAILED = "复查不通过"
EV_REOPENED = "重新打开"
EV_EDITED = "修改"
EV_ATTACHED = "添加附件"
EV_DETACHED = "删除附件"

# Every field of a ledger row, as forms, the importer, the printouts and the audit log name it. The
# print widths are weights in the landscape ledger (about points at 8 pt: they fit 257 mm with every
# date and number on one line; the 整改通知书 has its own, reports.NOTICE_WIDTHS) and Excel widths
# (characters; a Chinese character counts 2: the 25 exported columns print fit to an A4 landscape width).
LEDGER_FIELDS = Fields(
    Field("seq", "序号", ("序", "no"), pdf_width=26, xlsx_width=5, align="center"),
    Field("number", "编号", ("问题编号", "台账编号", "原编号"), pdf_width=46, xlsx_width=10, align="center",
          xlsx_align="left"),
    Field("found_on", "发现日期", ("检查日期", "时间", "日期", "检查时间", "发现时间", "登记日期", "督查日期"),
          kind="date", required=True, pdf_width=48, xlsx_width=10.5, align="center"),
    Field("source", "来源", ("问题来源", "检查类型", "检查类别", "检查形式", "来源类型"), pdf_width=44, xlsx_width=9,
          align="center", xlsx_align="left"),
    Field("inspection_id", "所属检查", xlsx_width=14),
    Field("category", "问题类别", ("类别", "项目", "问题分类", "分类", "检查项目", "所属类别", "核心制度", "问题类型"),
          pdf_width=56, xlsx_width=14),
    Field("check_point", "检查要点", ("检查内容", "检查标准", "考核要点"), xlsx_width=18),
    Field("description", "问题描述", ("存在问题", "问题", "发现问题", "问题内容", "具体问题", "存在的问题", "主要问题"),
          required=True, pdf_width=98, xlsx_width=26),
    Field("department_id", "责任科室", ("责任部门", "科室", "被检查科室", "受检科室", "整改科室", "责任单位", "科室名称",
                                    "被检科室"), required=True, pdf_width=48, xlsx_width=10),
    Field("severity", "严重程度", ("问题等级", "程度", "风险等级", "严重性", "问题程度"), xlsx_width=5, align="center"),
    Field("deduction", "扣分", ("扣分值", "扣分分值"), xlsx_width=5, align="right", number_format="0.0#"),
    Field("cause_analysis", "原因分析", ("问题原因", "原因", "原因剖析"), pdf_width=80, xlsx_width=20),
    Field("measures", "整改措施", ("整改方案", "改进措施", "措施", "整改计划"), pdf_width=90, xlsx_width=20),
    Field("responsible_person", "责任人", ("整改责任人", "负责人", "责任人员"), pdf_width=30, xlsx_width=7,
          align="center", xlsx_align="left"),
    Field("deadline", "整改时限", ("完成时限", "整改期限", "整改时间", "限期", "整改截止日期", "要求完成时间"), kind="date",
          pdf_width=48, xlsx_width=10.5, align="center"),
    Field("status", "状态", pdf_width=46, xlsx_width=8, align="center"),
    Field("overdue_days", "逾期天数", xlsx_width=5, align="right"),
    Field("progress", "整改情况", ("整改完成情况", "整改落实情况", "整改结果", "落实情况", "完成情况", "整改进展"),
          xlsx_width=18),
    Field("evidence", "佐证材料", ("佐证", "整改佐证", "佐证资料")),
    Field("rectified_on", "完成整改日期", ("整改完成日期", "完成日期", "完成时间", "实际完成时间", "实际完成日期"),
          kind="date", xlsx_width=10.5, align="center"),
    Field("rechecker", "复查人", ("复核人", "验收人", "复查人员", "督查人"), xlsx_width=7),
    Field("recheck_on", "复查日期", ("复查时间", "复核日期", "验收日期", "复核时间"), kind="date", xlsx_width=10.5,
          align="center"),
    Field("recheck_opinion", "复查意见", ("复查结果", "复核意见", "验收意见", "复查情况"), xlsx_width=14),
    Field("recheck", "复查/销号", pdf_width=68),  # the printout's 复查人 + dates in one cell
    Field("closed", "是否销号", ("销号", "状态", "整改状态", "销号情况", "是否整改到位", "完成状态", "是否完成", "处理状态")),
    Field("closed_on", "销号日期", ("销号时间",), kind="date", xlsx_width=10.5, align="center"),
    Field("closed_by", "销号人", xlsx_width=7),
    Field("remarks", "备注", xlsx_width=12),
    Field("attachment", "附件"),
    Field("event", "操作"),  # the audit log's note of the step taken (登记, 开始整改 …)
)

# what the audit log shows of an item (its record fields)
AUDITED_FIELDS = ("number", "found_on", "source", "category", "check_point", "description", "department_id",
                  "severity", "deduction", "cause_analysis", "measures", "responsible_person", "deadline",
                  "progress", "status", "rectified_on", "rechecker", "recheck_on", "recheck_opinion", "closed_on",
                  "closed_by", "remarks", "inspection_id")


def due_state(status: str, deadline: str, today: dt.date, due_soon_days: int = 7) -> str:
    """"逾期", "即将到期" or "" — from the deadline and today, never stored."""
    if status == CLOSED:
        return ""
    if deadline < today.isoformat():
        return "逾期"
    if deadline <= (today + dt.timedelta(days=due_soon_days)).isoformat():
        return "即将到期"
    return ""


class LedgerRow(NamedTuple):
    """One line of the ledger list (only what the list shows). A NamedTuple: 20,000 of them are
    made each time the list is filtered, and tuples are several times cheaper than dataclasses."""

    id: int
    number: str
    found_on: str
    source: str
    category: str
    description: str
    department_id: int
    department_name: str
    severity: str
    responsible_person: str | None
    deadline: str
    status: str
    closed_on: str | None
    due: str = ""  # 逾期 / 即将到期 / ""


@dataclass(frozen=True)
class LedgerItem:
    id: int
    uid: str
    number: str
    found_on: str
    source: str
    inspection_id: int | None
    inspection_label: str | None
    checklist_item_id: int | None
    category: str
    check_point: str | None
    description: str
    department_id: int
    department_name: str
    severity: str
    deduction: float
    cause_analysis: str | None
    measures: str | None
    responsible_person: str | None
    deadline: str
    progress: str | None
    status: str
    rectified_on: str | None
    rechecker: str | None
    recheck_on: str | None
    recheck_opinion: str | None
    closed_on: str | None
    closed_by: str | None
    remarks: str | None
    created_at: str
    updated_at: str
    due: str = ""

    def label(self) -> str:
        return f"{self.number} {self.description[:20]}"


@dataclass(frozen=True)
class LedgerEvent:
    id: int
    ts: str
    actor_name: str
    event: str
    from_status: str | None
    to_status: str | None
    note: str | None


@dataclass(frozen=True)
class Attachment:
    id: int
    uid: str
    item_id: int
    file_name: str
    kind: str
    size: int
    sha256: str
    note: str | None
    added_by: str
    added_at: str


@dataclass(frozen=True)
class LedgerFilter:
    date_from: dt.date | None = None      # 发现日期 from
    date_to: dt.date | None = None
    inspection_id: int | None = None
    category: str | None = None
    department_id: int | None = None      # includes the wards under it
    status: str | None = None             # one of STATUSES, or "未销号"
    source: str | None = None
    severity: str | None = None
    overdue: bool = False
    due_soon: bool = False
    text: str = ""

    def describe(self, department_name: str | None = None, inspection_label: str | None = None) -> list[str]:
        """The filters in words, for printouts ("筛选条件：…")."""
        parts = []
        if self.date_from or self.date_to:
            if self.date_from and not self.date_to:
                parts.append(f"发现日期：{self.date_from.isoformat()} 起至今")
            elif self.date_to and not self.date_from:
                parts.append(f"发现日期：截至 {self.date_to.isoformat()}")
            else:
                parts.append(f"发现日期：{self.date_from.isoformat()} 至 {self.date_to.isoformat()}")
        if self.inspection_id:
            parts.append(f"检查：{inspection_label or self.inspection_id}")
        if self.category:
            parts.append(f"类别：{self.category}")
        if self.department_id:
            parts.append(f"科室：{department_name or self.department_id}（含下属病区）")
        if self.status:
            parts.append(f"状态：{self.status}")
        if self.source:
            parts.append(f"来源：{self.source}")
        if self.severity:
            parts.append(f"严重程度：{self.severity}")
        if self.overdue:
            parts.append("仅逾期")
        if self.due_soon:
            parts.append("仅即将到期")
        if self.text:
            parts.append(f"包含文字：{self.text}")
        return parts or ["全部问题"]
