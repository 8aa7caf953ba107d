"""问题台账: the records, their vocabularies, and the computed states (逾期 is never stored)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import NamedTuple

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

FIELD_LABELS = {
    "number": "编号",
    "found_on": "发现日期",
    "source": "来源",
    "inspection_id": "所属检查",
    "category": "问题类别",
    "check_point": "检查要点",
    "description": "问题描述",
    "department_id": "责任科室",
    "severity": "严重程度",
    "deduction": "扣分",
    "cause_analysis": "原因分析",
    "measures": "整改措施",
    "responsible_person": "责任人",
    "deadline": "整改时限",
    "progress": "整改情况",
    "status": "状态",
    "rectified_on": "完成整改日期",
    "rechecker": "复查人",
    "recheck_on": "复查日期",
    "recheck_opinion": "复查意见",
    "closed_on": "销号日期",
    "closed_by": "销号人",
    "remarks": "备注",
}


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
