"""手术分级与授权: vocabularies, the grade and code spellings real files use, and the records."""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

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
