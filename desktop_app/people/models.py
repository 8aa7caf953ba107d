"""Departments and staff: the records and the fixed vocabularies they use."""
from __future__ import annotations

from dataclasses import dataclass, fields

from desktop_app.fields import Field, Fields

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


# Every field of a staff record (and the import/export-only 执业状态 column), as forms, the importer,
# the printouts and the audit log name it. Excel widths are characters (a Chinese character counts 2)
# of the re-importable export and the template; print widths are the 人员名册 printout's relative
# weights (its workbook has the same columns, so it uses them too).
STAFF_FIELDS = Fields(
    Field("seq", "序号", pdf_width=5, align="center"),  # the printout's row number
    Field("employee_no", "工号", ("职工号", "员工编号", "员工号", "人员编号", "工作证号"), required=True,
          pdf_width=8, xlsx_width=10, number_format="@"),  # text: 0123 keeps its zero
    Field("name", "姓名", ("名字", "人员姓名", "职工姓名", "员工姓名"), required=True, pdf_width=8, xlsx_width=10),
    Field("gender", "性别", pdf_width=4, xlsx_width=6, align="center"),
    Field("department_id", "科室", ("所在科室", "部门", "所在部门", "科室名称", "科别"), required=True,
          pdf_width=13, xlsx_width=14),
    Field("category", "人员类别", ("类别", "人员类型", "人员分类", "岗位类别"), required=True, pdf_width=7,
          xlsx_width=10, align="center"),
    Field("title", "职称", ("专业技术职称", "技术职称", "专业技术职务", "职称名称"), pdf_width=10, xlsx_width=12),
    Field("licence_no", "执业证书编号", ("执业证号", "证书编号", "执业证书号", "执业证编号", "执业证书号码"),
          pdf_width=16, xlsx_width=19, number_format="@"),
    Field("practice_category", "执业类别", xlsx_width=10),
    Field("registered_here", "本机构执业"),
    Field("non_registered_reason", "非本机构执业原因"),
    # 本机构执业 or the reason why not, in one column of the spreadsheet and the printout
    Field("practice_status", "执业状态", ("本机构执业", "执业情况", "是否本机构执业"), pdf_width=10, xlsx_width=12,
          align="center"),
    Field("hire_date", "入职日期", ("入职时间", "参加工作时间", "到院时间", "来院时间"), kind="date", pdf_width=10,
          xlsx_width=12, align="center", number_format="yyyy-mm-dd"),
    Field("on_duty", "在岗", ("是否在岗", "在岗状态", "在职", "是否在职"), pdf_width=4, xlsx_width=6, align="center"),
    Field("leave_date", "离岗日期", ("离岗时间", "离职日期", "离职时间"), kind="date", xlsx_width=12, align="center",
          number_format="yyyy-mm-dd"),
    Field("phone", "联系电话", ("电话", "手机", "手机号", "手机号码", "联系方式"), pdf_width=12, xlsx_width=14,
          number_format="@"),
    Field("notes", "备注", xlsx_width=24),
    Field("duty_training_passed_on", "总值班培训考核合格日期"),
)

# The fields a staff record stores (what an edit merges, what the audit log shows).
STAFF_EDITABLE = tuple(f.name for f in fields(Staff) if f.name in STAFF_FIELDS)

# A department's fields (its dialog, findings, the audit log); print widths are the 科室名册's weights
# (the printout and its workbook).
DEPARTMENT_FIELDS = Fields(
    Field("seq", "序号", pdf_width=5, align="center"),  # the printout's row number
    Field("code", "科室编码", pdf_width=8),
    Field("name", "科室名称", pdf_width=18),
    Field("kind", "科室类型"),
    Field("parent_id", "上级科室", pdf_width=12),
    Field("sort_order", "排序"),
    Field("phone", "科室电话"),
    Field("active", "启用"),
    Field("staff_count", "在岗人数", pdf_width=9, align="right"),  # counted, not stored
)
