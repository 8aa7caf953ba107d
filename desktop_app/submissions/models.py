"""半年/全年报送: periods, the narrative sections, the signers, the stored submission."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from desktop_app.fields import Field, Fields

HALF_YEAR, FULL_YEAR, CUSTOM = "上半年", "全年", "自定义"
PERIOD_KINDS = (HALF_YEAR, FULL_YEAR, CUSTOM)
DRAFT, FINAL = "草稿", "已定稿"

# A submission's fields, as the forms, findings and the audit log name them. An indicator is a row of
# the year's set, not a field: its findings carry its code and name.
SUBMISSION_FIELDS = Fields(
    Field("period", "期间"), Field("year", "年份"), Field("title", "标题"), Field("version", "版本"),
    Field("status", "状态"), Field("narrative", "工作总结"), Field("indicators", "监测指标"), Field("signers", "签署人"),
    Field("verification_code", "验证码"), Field("content_sha256", "内容摘要"), Field("reason", "修订原因"),
    Field("file", "文件"),
    # the narrative's four parts and the four signers: their labels are the keys of the stored narrative and
    # signers (and of every finalised snapshot), so they never change
    Field("work", "工作开展情况"), Field("highlights", "主要做法与亮点"), Field("problems", "存在问题"),
    Field("plans", "下一步计划"),
    Field("reporter", "填报人"), Field("phone", "联系电话"), Field("reviewer", "审核人"), Field("head", "单位负责人"),
)
NARRATIVE_KEYS = ("work", "highlights", "problems", "plans")
SIGNER_KEYS = ("reporter", "phone", "reviewer", "head")
NARRATIVE = tuple(SUBMISSION_FIELDS.label(k) for k in NARRATIVE_KEYS)  # 工作开展情况, 主要做法与亮点, 存在问题, 下一步计划
SIGNERS = tuple(SUBMISSION_FIELDS.label(k) for k in SIGNER_KEYS)  # 填报人, 联系电话, 审核人, 单位负责人


def period_range(kind: str, year: int) -> tuple[dt.date, dt.date]:
    if kind == HALF_YEAR:
        return dt.date(year, 1, 1), dt.date(year, 6, 30)
    if kind == FULL_YEAR:
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    raise ValueError(kind)


def due_date(kind: str, year: int, mmdd: int) -> dt.date:
    """The deadline: ``mmdd`` of the same year after 上半年, of the next year after 全年 (clamped to the month)."""
    month, day = divmod(int(mmdd), 100)
    target_year = year if kind == HALF_YEAR else year + 1
    for d in (day, 30, 29, 28):
        try:
            return dt.date(target_year, month, d)
        except ValueError:
            continue
    raise ValueError(mmdd)


def period_label(first: str, last: str) -> str:
    a, b = dt.date.fromisoformat(first), dt.date.fromisoformat(last)
    return f"{a.year}年{a.month}月{a.day}日至{b.year}年{b.month}月{b.day}日"


def period_name(kind: str, first: str, last: str) -> str:
    """The period in a few characters: 2026年上半年, 2026年度, or the dates of a custom period."""
    if kind == HALF_YEAR:
        return f"{first[:4]}年上半年"
    if kind == FULL_YEAR:
        return f"{first[:4]}年度"
    return period_label(first, last)


def default_title(kind: str, first: str, last: str) -> str:
    if kind in (HALF_YEAR, FULL_YEAR):
        return f"{period_name(kind, first, last)}医疗质量安全工作报送表"
    return f"医疗质量安全工作报送表（{period_label(first, last)}）"


@dataclass(frozen=True)
class Submission:
    id: int
    uid: str
    period_kind: str
    first_day: str
    last_day: str
    title: str
    version: int
    status: str
    narrative: dict
    indicators: dict        # code -> {"numerator", "denominator", "note", "not_applicable"}
    signers: dict
    verification_code: str | None
    finalized_by: str | None
    finalized_at: str | None
    amends_id: int | None
    amend_reason: str | None
    superseded: bool
    created_by: str
    created_at: str
    updated_at: str

    @property
    def final(self) -> bool:
        return self.status == FINAL

    @property
    def period_name(self) -> str:
        return period_name(self.period_kind, self.first_day, self.last_day)

    @property
    def label(self) -> str:
        state = "已被新版本替代" if self.superseded else self.status
        return f"{self.title}（第 {self.version} 版，{state}）"


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    message: str
    submission: Submission | None = None
    code: str | None = None
