"""手术分级与授权: vocabularies, the grade and code spellings real files use, and the records."""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from desktop_app.fields import Field, Fields

GRADE_LABELS = {1: "一级", 2: "二级", 3: "三级", 4: "四级"}
DRAFT, APPROVED = "草稿", "已批准"
VALID, SUSPENDED, CANCELLED, REPLACED, EXPIRED = "有效", "暂停", "取消", "已替代", "过期"
CONCLUSIONS = ("授予", "维持", "升级", "降级", "暂停", "取消")
GRADE_SCOPE, PROCEDURE_SCOPE = "grade", "procedure"
ADDED, REMOVED, UPGRADED, DOWNGRADED, CHANGED = "新增", "删除", "升级", "降级", "属性变化"

_GRADE_WORDS = {"一": 1, "二": 2, "三": 3, "四": 4, "壹": 1, "贰": 2, "叁": 3, "肆": 4, "1": 1, "2": 2, "3": 3, "4": 4,
                "i": 1, "ii": 2, "iii": 3, "iv": 4}
_GRADE_RE = re.compile(r"^(?:手术)?(一|二|三|四|壹|贰|叁|肆|[1-4]|iv|iii|ii|i)(?:级|级手术|类)?$")
# 21.3104 · 43.7x01 (an x in place of a digit) · 81.5100x001 (the clinical version's extension)
_CODE_RE = re.compile(r"^(\d{2})\.?(\d{1,4}(?:x\d{2,3})?|\dx\d{2})$")


# ----------------------------------------------------------------------------- fields
# Each kind of record's fields, as forms, importers, printouts, findings and the audit log name them.
# A procedure's field has the name the catalogue file and the workbooks use (手术编码, 手术级别); the
# procedure dialog shows the shorter 编码 and 级别 on its rows (ui/dialogs/surgery_edit.py), and so do
# the printed tables (级别). Excel widths are the import template's (characters; a Chinese character
# counts 2; the exported workbooks give some columns their own, in reports.py); print widths are the
# relative weights of the documents in reports.py (the catalogue's, the technical file's, the 越权手术
# list's; other documents give some columns their own).

SURGERY_FIELDS = Fields(  # a procedure of the catalogue (the catalogue file's columns first, in template order)
    Field("seq", "序号", ("序", "no"), pdf_width=9, xlsx_width=6, align="center"),
    Field("code", "手术编码", ("编码", "手术操作编码", "手术及操作编码", "手术代码", "操作编码", "ICD编码", "ICD-9-CM-3编码",
                            "ICD-9-CM-3", "国家临床版编码", "代码"), required=True, pdf_width=22, xlsx_width=14,
          align="center", xlsx_align="left"),
    Field("name", "手术名称", ("名称", "手术操作名称", "手术及操作名称", "手术项目", "项目名称", "术式", "手术名"), required=True,
          pdf_width=56, xlsx_width=36),
    Field("grade", "手术级别", ("级别", "分级", "手术分级", "手术等级", "等级", "级别（一至四级）"), required=True,
          xlsx_width=10, align="center"),
    Field("department", "科室", ("所属科室", "科别", "临床科室", "手术科室", "科室名称", "科室/专业"), xlsx_width=14),
    Field("specialty", "专业", ("专科", "专业组", "亚专业", "所属专业", "专业名称"), xlsx_width=11),
    Field("restricted", "限制类技术", ("是否限制类技术", "限制类", "限制类医疗技术", "限制技术"), pdf_width=13, xlsx_width=11,
          align="center"),
    Field("day_surgery", "日间手术", ("是否日间手术", "日间"), pdf_width=10, xlsx_width=11, align="center"),
    Field("minimally_invasive", "微创/介入", ("微创", "是否微创", "介入", "微创手术", "是否微创/介入", "微创介入", "微创或介入",
                                          "是否微创介入"), pdf_width=11, xlsx_width=11, align="center"),
    Field("notes", "备注", ("说明",), pdf_width=24, xlsx_width=24),
    Field("reason", "调整原因", ("调整说明", "变更原因", "调整理由", "调整依据"), pdf_width=34, xlsx_width=28),
    Field("flags", "属性"),  # 限制类技术、日间手术、微创/介入 together (the dialog's row, the audit log)
    # a procedure's change from the version the catalogue was made from (the 动态调整 record; with its reason)
    Field("change", "调整类型", xlsx_width=9, align="center"),  # 新增 删除 升级 降级 属性变化
    Field("before", "调整前", pdf_width=30, xlsx_width=24),
    Field("after", "调整后", pdf_width=30, xlsx_width=24),
)

CATALOGUE_FIELDS = Fields(  # a version of the catalogue
    Field("name", "名称"), Field("based_on", "依据版本"), Field("effective_date", "生效日期"), Field("status", "状态"),
    Field("approved_by", "批准机构"), Field("approved_on", "批准日期"), Field("filed", "备案"),
    Field("filed_on", "备案日期"), Field("notes", "说明"), Field("procedures", "手术"),
    Field("changes", "调整原因"),  # the differences from the version it was made from, each with its reason
    Field("target", "目录版本"),  # the draft an import goes into
)

GRANT_FIELDS = Fields(  # 手术授权 (print widths: the technical file's 现行授权, Excel's: its workbook's)
    Field("surgeon", "医师", xlsx_width=10), Field("scope", "授权方式"), Field("grade", "级别", xlsx_width=6, align="center"),
    Field("codes", "手术"), Field("what", "授权内容", pdf_width=58, xlsx_width=40),
    Field("granted_on", "授权日期", pdf_width=20, xlsx_width=11, align="center"),
    Field("valid_until", "有效期至", pdf_width=20, xlsx_width=11, align="center"), Field("basis", "依据", xlsx_width=18),
    Field("approved_by", "批准"), Field("approved_on", "批准日期", pdf_width=22, align="center"),
    Field("approved", "批准", xlsx_width=28),  # who and when, in one (the audit log, the workbook)
    Field("status", "状态", pdf_width=14, xlsx_width=7, align="center"),
    Field("ended_on", "结束日期", pdf_width=21, xlsx_width=11, align="center"), Field("reason", "原因"),
    Field("action", "操作"), Field("date", "日期"),  # a suspension, cancellation or resumption
)

ASSESSMENT_FIELDS = Fields(  # 手术能力评估 (print widths: the technical file's, Excel's: its workbook's)
    Field("surgeon", "医师"), Field("period", "评估期间", pdf_width=24, align="center"), Field("grade", "级别"),
    Field("procedures", "手术"), Field("subject", "评估内容"),
    Field("cases", "例数", pdf_width=9, xlsx_width=6, align="center", xlsx_align="right"),
    Field("complications", "并发症", pdf_width=10, xlsx_width=6, align="center", xlsx_align="right"),
    Field("adverse_events", "不良事件", pdf_width=10, xlsx_width=6, align="center", xlsx_align="right"),
    Field("conclusion", "结论", pdf_width=11, xlsx_width=6, align="center"),
    Field("assessed_on", "评估日期", pdf_width=20, xlsx_width=11, align="center"),
    Field("assessors", "评估人", xlsx_width=16), Field("approved_by", "批准", xlsx_width=20),
    Field("approved_on", "批准日期", xlsx_width=11, align="center"),
    Field("approved", "批准"),  # who and when, in one (the audit log)
    Field("applied_on", "执行日期", xlsx_width=11, align="center"), Field("notes", "备注", xlsx_width=20),
    Field("first", "开始日期"), Field("last", "结束日期"),  # the period a list of assessments covers
)

OPERATION_FIELDS = Fields(  # a row of an operations log exported from the HIS (widths: the 越权手术 list's)
    Field("date", "手术日期", ("日期", "手术时间", "手术开始时间", "手术开始日期", "术日", "手术日", "手术开始"),
          kind="date", required=True, pdf_width=22, xlsx_width=11, align="center"),
    Field("patient_no", "住院号", ("病案号", "住院号/病案号", "病案号/住院号", "病历号", "住院流水号", "患者编号", "患者ID",
                                "病人ID", "登记号", "住院号码"), pdf_width=22, xlsx_width=12, align="center",
          xlsx_align="left"),
    Field("code", "手术编码", ("手术操作编码", "手术及操作编码", "编码", "手术代码", "ICD编码", "ICD-9-CM-3编码", "操作编码"),
          pdf_width=22, xlsx_width=12, align="center", xlsx_align="left"),
    Field("name", "手术名称", ("手术操作名称", "手术及操作名称", "名称", "术式", "手术"), pdf_width=52, xlsx_width=30),
    Field("surgeon", "主刀医师", ("术者", "主刀", "主刀医生", "手术医师", "手术者", "术者姓名", "主刀医师姓名", "主刀姓名",
                              "手术医生")),
    Field("surgeon_no", "主刀医师工号", ("术者工号", "主刀工号", "医师工号", "工号", "手术医师工号", "主刀医生工号")),
    Field("procedure", "手术"),  # the row's procedure, by its code or its name
    Field("operator", "术者", pdf_width=15, xlsx_width=9, align="center", xlsx_align="left"),  # by 工号 or name
    # the 越权手术 list's other columns (print widths and Excel widths are that list's)
    Field("seq", "序号", pdf_width=10, xlsx_width=6, align="center"),
    Field("grade", "级别", pdf_width=11, xlsx_width=6, align="center"),  # the procedure's, in the catalogue of the day
    Field("department", "科室", pdf_width=22, xlsx_width=12),  # the surgeon's
    Field("finding", "原因", pdf_width=81, xlsx_width=36),  # why the operation was not covered by a grant
)


def parse_grade(value) -> int | None:
    """四级, 4, 4级, Ⅳ级, IV, 肆级, 4.0 → 4; None when it is not one of the four grades."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return int(value) if value in (1, 2, 3, 4) else None
    text = unicodedata.normalize("NFKC", str(value or "")).strip().lower().replace(" ", "")
    if text.endswith(".0"):
        text = text[:-2]
    m = _GRADE_RE.match(text)
    return _GRADE_WORDS[m.group(1)] if m else None


def normalise_code(value) -> str | None:
    """21.3104, 213104, ２１．３１０４, 21.3104 (a number cell) → '21.3104'; None when it is not a code."""
    if value is None:
        return None
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):  # NaN or infinite: not a code
            return None
        value = f"{value:.4f}".rstrip("0").rstrip(".") if value < 100 else str(int(value))
    text = unicodedata.normalize("NFKC", str(value)).strip().lower().replace(" ", "").replace("。", ".")
    m = _CODE_RE.match(text)
    if not m:
        return None
    head, tail = m.groups()
    return f"{head}.{tail}"


def initials(text: str) -> str:
    """Pinyin initials of a procedure name (腹腔镜胆囊切除术 → fqjdnqcs), for search."""
    from pypinyin import Style, lazy_pinyin

    return "".join(p[:1] for p in lazy_pinyin(text or "", style=Style.FIRST_LETTER, errors=lambda s: list(s.lower())))


@dataclass(frozen=True)
class Catalogue:
    id: int
    uid: str
    name: str
    based_on_id: int | None
    effective_date: str | None
    status: str
    approved_by: str | None
    approved_on: str | None
    filed: bool
    filed_on: str | None
    notes: str | None
    procedures: int = 0
    grade_counts: tuple[int, int, int, int] = (0, 0, 0, 0)

    @property
    def frozen(self) -> bool:
        return self.status == APPROVED

    @property
    def label(self) -> str:
        state = "已备案" if self.filed else self.status
        return f"{self.name}（{state}）"


@dataclass(frozen=True)
class Procedure:
    id: int
    catalogue_id: int
    code: str
    name: str
    grade: int
    department_id: int | None
    department: str | None
    specialty: str | None
    restricted: bool
    day_surgery: bool
    minimally_invasive: bool
    notes: str | None
    initials: str = ""

    @property
    def grade_label(self) -> str:
        return GRADE_LABELS[self.grade]

    @property
    def flags(self) -> str:
        return "、".join(w for w, on in (("限制类技术", self.restricted), ("日间手术", self.day_surgery),
                                        ("微创/介入", self.minimally_invasive)) if on)


@dataclass(frozen=True)
class Difference:
    """One line of the 动态调整 record between a version and the one it was made from."""

    kind: str           # 新增 删除 升级 降级 属性变化
    code: str
    name: str
    before: str         # e.g. "三级" or "三级；日间手术"
    after: str
    reason: str | None


@dataclass(frozen=True)
class Privilege:
    id: int
    uid: str
    staff_id: int
    staff_name: str
    scope: str
    grade: int
    code: str | None
    name: str | None
    granted_on: str
    valid_until: str
    assessment_id: int | None
    approved_by: str | None
    approved_on: str | None
    status: str
    ended_on: str | None
    end_reason: str | None
    replaces_id: int | None

    def state(self, today: dt.date | str) -> str:
        """有效 / 过期 / 暂停 / 取消 / 已替代 on ``today``."""
        day = today if isinstance(today, str) else today.isoformat()
        if self.status == VALID and self.valid_until < day:
            return EXPIRED
        return self.status

    @property
    def what(self) -> str:
        if self.scope == GRADE_SCOPE:
            return f"授权至{GRADE_LABELS[self.grade]}手术"
        return f"{self.name}（{self.code}，{GRADE_LABELS[self.grade]}）"

    def covers(self, code: str, grade: int, day: str) -> bool:
        """Whether this grant allowed operation ``code`` of ``grade`` on ``day`` (history included)."""
        if not (self.granted_on <= day <= self.valid_until):
            return False
        if self.ended_on is not None and self.ended_on <= day:  # suspended, cancelled or replaced by then
            return False
        if self.scope == GRADE_SCOPE:
            return grade <= self.grade
        return self.code == code


@dataclass(frozen=True)
class Assessment:
    id: int
    uid: str
    staff_id: int
    staff_name: str
    period_from: str
    period_to: str
    grade: int | None
    procedures: tuple[dict, ...]
    cases: int
    complications: int
    adverse_events: int
    conclusion: str
    assessed_on: str
    assessors: str | None
    approved_by: str | None
    approved_on: str | None
    applied_on: str | None
    notes: str | None

    @property
    def subject(self) -> str:
        if self.grade:
            return f"授权至{GRADE_LABELS[self.grade]}手术"
        return "、".join(p.get("name") or p.get("code") for p in self.procedures)
