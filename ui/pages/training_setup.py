"""培训要求: the requirement rules (category × staff group × times a year, or before the first duty)
and the training categories. Everyone who may see training sees them; 质控 edits them."""
from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QPushButton,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from desktop_app.training import service as training
from desktop_app.training.manifest import TRAINING_SETUP
from desktop_app.training.models import REQUIREMENT_FIELDS as R
from desktop_app.training.models import STAFF_GROUPS, Requirement
from ui.dialogs.training_session import category_combo
from ui.errors import guarded
from ui.forms import ValidatedForm, combo, combo_value, line_edit, save_cancel_buttons
from ui.pages.base import Page
from ui.table import Column, RecordTableModel, RecordTableView

RULE_COLUMNS = [
    Column("类别", lambda r: r.category, width=96),
    Column("人员范围", lambda r: r.staff_group, width=90),
    Column("要求", lambda r: "上岗前" if r.before_duty else f"每年 {r.times_per_year} 次", width=90),
    Column("须考核合格", lambda r: "是" if r.must_pass else "", width=80),
    Column("状态", lambda r: "启用" if r.active else "停用", width=56,
           colour=lambda r: None if r.active else "#9aa3ad"),
    Column("说明", lambda r: r.notes or "", width=360, tooltip=lambda r: r.notes),
]
CATEGORY_COLUMNS = [
    Column("类别", lambda c: c.name, width=140),
    Column("状态", lambda c: "启用" if c.active else "停用", width=56),
    Column("说明", lambda c: "内置（总值班资质检查使用）" if c.code == "duty" else ("内置" if c.code else "本院添加"),
           width=200),
]


class RequirementDialog(QDialog):
    def __init__(self, ctx, existing: Requirement | None = None, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.existing = existing
        self.saved = None
        self.setWindowTitle("修改培训要求" if existing else "新增培训要求")
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)
        f = self.form = ValidatedForm()
        e = existing
        self.category = f.add(R["category"], category_combo(ctx, e.category_id if e else None), required=True)
        self.group = f.add(R["staff_group"], combo(list(STAFF_GROUPS), e.staff_group if e else "全体人员"), required=True,
                           hint="总值班人员：值班岗位要求总值班培训的轮转表和值班人员；新入职人员：期间内入职（含进修、规培、实习）。")
        times = QWidget()
        row = QHBoxLayout(times)
        row.setContentsMargins(0, 0, 0, 0)
        self.times = QSpinBox()
        self.times.setRange(1, 52)
        self.times.setValue(e.times_per_year or 2 if e else 2)
        self.before_duty = QCheckBox("上岗前完成（不按年计次）")
        self.before_duty.setChecked(bool(e and e.before_duty))
        self.before_duty.toggled.connect(self.times.setDisabled)
        self.times.setDisabled(self.before_duty.isChecked())
        row.addWidget(QLabel("每年"))
        row.addWidget(self.times)
        row.addWidget(QLabel("次"))
        row.addWidget(self.before_duty)
        row.addStretch(1)
        f.add(R["times_per_year"], times)
        f.alias("before_duty", "times_per_year")
        self.must_pass = f.add(R["must_pass"], QCheckBox("须考核合格（补考合格亦可）"))
        self.must_pass.setChecked(bool(e and e.must_pass))
        self.active = f.add(R["active"], QCheckBox("启用（停用的要求不计入覆盖统计）"))
        self.active.setChecked(e.active if e else True)
        self.notes = f.add(R["notes"], line_edit(e.notes if e else "", "依据，如：安徽省实施方案 每年不少于 2 次", 300))
        layout.addWidget(f)
        layout.addWidget(save_cancel_buttons(self, self.save))

    def save(self) -> None:
        values = {"category_id": combo_value(self.category), "staff_group": self.group.currentData(),
                  "times_per_year": self.times.value(), "before_duty": self.before_duty.isChecked(),
                  "must_pass": self.must_pass.isChecked(), "active": self.active.isChecked(), "notes": self.notes.text()}
        ok, saved = self.form.submit(training.save_requirement, self.ctx.session, values,
                                     self.existing.id if self.existing else None)
        if ok:
            self.saved = saved
            self.ctx.notify("training")
            self.accept()


class TrainingSetupPage(Page):
    title = "培训要求"
    domains = frozenset({"training"})

    def __init__(self, ctx, parent=None):
        super().__init__(ctx, parent)
        layout = self.page_layout(
            "培训要求",
            "培训覆盖按这些要求统计：哪类人员每年要参加几次哪类培训、是否须考核合格，或须在上岗前完成（如总值班培训）。"
            "默认值依据安徽省和阜新市的实施方案，可按本院规定修改；知晓率目标、默认合格分在“系统设置”中。")
        split = QSplitter()
        left = QWidget()
        col = QVBoxLayout(left)
        col.setContentsMargins(0, 0, 0, 0)
        self.rules = RecordTableModel(RULE_COLUMNS, self)
        self.rule_table = RecordTableView(self.rules)
        self.rule_table.activated.connect(lambda _i: self.edit_rule())
        col.addWidget(self.rule_table, 1)
        row = QHBoxLayout()
        self.add_rule_button = QPushButton("新增要求…")
        self.add_rule_button.clicked.connect(lambda: self.edit_rule(new=True))
        self.edit_rule_button = QPushButton("修改…")
        self.edit_rule_button.clicked.connect(lambda: self.edit_rule())
        row.addWidget(self.add_rule_button)
        row.addWidget(self.edit_rule_button)
        row.addStretch(1)
        col.addLayout(row)
        right = QWidget()
        col = QVBoxLayout(right)
        col.setContentsMargins(0, 0, 0, 0)
        self.categories = RecordTableModel(CATEGORY_COLUMNS, self)
        self.category_table = RecordTableView(self.categories)
        col.addWidget(self.category_table, 1)
        row = QHBoxLayout()
        self.add_category_button = QPushButton("新增类别…")
        self.add_category_button.clicked.connect(lambda: self.edit_category(new=True))
        self.rename_button = QPushButton("改名…")
        self.rename_button.clicked.connect(lambda: self.edit_category())
        self.toggle_button = QPushButton("停用/启用")
        self.toggle_button.clicked.connect(self.toggle_category)
        for b in (self.add_category_button, self.rename_button, self.toggle_button):
            row.addWidget(b)
        row.addStretch(1)
        col.addLayout(row)
        split.addWidget(left)
        split.addWidget(right)
        split.setSizes([800, 400])
        layout.addWidget(split, 1)

    def refresh(self) -> None:
        editor = self.ctx.can(TRAINING_SETUP)
        for b in (self.add_rule_button, self.edit_rule_button, self.add_category_button, self.rename_button,
                  self.toggle_button):
            b.setVisible(editor)
        self.rules.set_rows(guarded(self, training.list_requirements, self.ctx.session) or [])
        self.categories.set_rows(guarded(self, training.list_categories, self.ctx.session) or [])

    def edit_rule(self, new: bool = False) -> None:
        if not self.ctx.can(TRAINING_SETUP):
            return
        existing = None if new else self.rule_table.selected_record()
        if not new and existing is None:
            return
        dialog = RequirementDialog(self.ctx, existing, parent=self)
        self._last_dialog = dialog
        dialog.exec()

    def edit_category(self, new: bool = False) -> None:
        current = None if new else self.category_table.selected_record()
        if not new and current is None:
            return
        name, ok = QInputDialog.getText(self, "新增类别" if new else "类别改名", "类别名称：",
                                        text="" if new else current.name)
        if ok and guarded(self, training.save_category, self.ctx.session, None if new else current.id, name,
                          True if new else current.active):
            self.ctx.notify("training")

    def toggle_category(self) -> None:
        current = self.category_table.selected_record()
        if current and guarded(self, training.save_category, self.ctx.session, current.id, current.name,
                               not current.active):
            self.ctx.notify("training")
