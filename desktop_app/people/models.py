"""Departments and staff: the records and the fixed vocabularies they use."""
from __future__ import annotations

from dataclasses import dataclass, fields

DEPARTMENT_KINDS = ["临床", "医技", "护理单元", "职能"]
STAFF_CATEGORIES = ["医师", "护士", "医技", "药师", "管理", "其他"]
GENDERS = ["男", "女"]
NON_REGISTERED_REASONS = ["进修", "规培", "实习", "外院会诊"]

# 职称 by staff category, lowest to highest. Ranks: 1 士级, 2 师级(初级), 3 中级, 4 副高, 5 正高.
TITLES_BY_CATEGORY: dict[str, list[str]] = {
    "医师": ["医士", "医师", "主治医师", "副主任医师", "主任医师"],
    "护士": ["护士", "护师", "主管护师", "副主任护师", "主任护师"],
    "医技": ["技士", "技师", "主管技师", "副主任技师", "主任技师"],
    "药师": ["药士", "药师", "主管药师", "副主任药师", "主任药师"],
}
TITLE_ALIASES = {"住院医师": "医师", "执业医师": "医师", "主管医师": "主治医师"}
TITLE_RANK_LABELS = {0: "无职称", 1: "士级", 2: "初级（师级）", 3: "中级", 4: "副高级", 5: "正高级"}

PRACTICE_CATEGORIES = {
    "医师": ["临床", "中医", "口腔", "公共卫生"],
    "护士": ["护理"],
    "医技": ["临床", "医学影像", "医学检验"],
    "药师": ["药学", "中药学"],
}


def normalise_title(title: str | None) -> str | None:
    if not title:
        return None
    title = title.strip()
    return TITLE_ALIASES.get(title, title) or None


def title_rank(title: str | None) -> int:
    """0 when unknown, otherwise 1 (士级) … 5 (正高) — used by duty-post qualifications."""
    title = normalise_title(title)
    for titles in TITLES_BY_CATEGORY.values():
        if title in titles:
            return titles.index(title) + 1
    return 0


def category_of_title(title: str | None) -> str | None:
    title = normalise_title(title)
    for category, titles in TITLES_BY_CATEGORY.items():
        if title in titles:
            return category
    return None


@dataclass(frozen=True)
class Department:
    id: int
    uid: str
    code: str | None
    name: str
    kind: str
    parent_id: int | None
    parent_name: str | None
    sort_order: int
    phone: str | None
    active: bool
    staff_count: int = 0


@dataclass(frozen=True)
class Staff:
    id: int
    uid: str
    employee_no: str
    name: str
    gender: str | None
    department_id: int
    department_name: str
    category: str
    title: str | None
    licence_no: str | None
    practice_category: str | None
    registered_here: bool
    non_registered_reason: str | None
    hire_date: str | None
    on_duty: bool
    leave_date: str | None
    phone: str | None
    notes: str | None
    duty_training_passed_on: str | None = None  # 总值班培训考核合格 (until the training module provides it)

    @property
    def practice_status(self) -> str:
        """本机构执业, or why not (进修/规培/实习/外院会诊)."""
        return "本机构执业" if self.registered_here else (self.non_registered_reason or "非本机构")

    @property
    def title_rank(self) -> int:
        return title_rank(self.title)

    def label(self) -> str:
        return f"{self.name}（{self.employee_no}）"


# Field labels used by forms, audit entries, imports and printouts.
STAFF_FIELD_LABELS = {
    "employee_no": "工号",
    "name": "姓名",
    "gender": "性别",
    "department_id": "科室",
    "category": "人员类别",
    "title": "职称",
    "licence_no": "执业证书编号",
    "practice_category": "执业类别",
    "registered_here": "本机构执业",
    "non_registered_reason": "非本机构执业原因",
    "hire_date": "入职日期",
    "on_duty": "在岗",
    "leave_date": "离岗日期",
    "phone": "联系电话",
    "notes": "备注",
    "duty_training_passed_on": "总值班培训考核合格日期",
}

DEPARTMENT_FIELD_LABELS = {
    "code": "科室编码",
    "name": "科室名称",
    "kind": "科室类型",
    "parent_id": "上级科室",
    "sort_order": "排序",
    "phone": "科室电话",
    "active": "启用",
}

STAFF_EDITABLE = [f.name for f in fields(Staff) if f.name in STAFF_FIELD_LABELS]
