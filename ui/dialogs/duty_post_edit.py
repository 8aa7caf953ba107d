"""值班岗位 dialog: the post's fields and, below them, its shifts — saved together with one 保存.

The shifts are typed into a small table (name, start, end; 跨夜 is worked out; the days are
check boxes toggled with the space bar). The core saves the post and every shift in one
transaction, so a wrong time leaves nothing half-made; its messages appear beside the fields
and, for shifts, under the table with the row they concern.
"""
from __future__ import annotations

import re

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app import errors
from desktop_app.errors import Finding
from desktop_app.people import service as people
from desktop_app.people.models import STAFF_CATEGORIES, TITLE_RANK_LABELS
from desktop_app.roster import service as roster
from desktop_app.roster import setup
from desktop_app.roster.manifest import ROSTER_SETUP
from desktop_app.roster.models import CHIEF_KINDS, POST_FIELDS, POST_KINDS, Post
from ui.dialogs.staff_edit import department_items
from ui.errors import guarded, show_error
from ui.forms import ValidatedForm, combo, combo_value, line_edit, save_cancel_buttons, text_area

DAY_FLAGS = (("on_workdays", "工作日"), ("on_weekends", "周末"), ("on_holidays", "节假日"))
# Common shifts, one click (or Alt+key) each: name, start, end, (工作日, 周末, 节假日).
PRESETS = (("白班", "08:00", "17:30", (True, False, False)),
           ("夜班", "17:30", "08:00", (True, True, True)),
           ("24小时", "08:00", "08:00", (True, True, True)))
# What a new post of a kind usually requires: 人员类别, 最低职称 rank, 须有执业证书.
KIND_DEFAULTS = {"一线": ("医师", 2, True), "二线": ("医师", 3, True), "三线听班": ("医师", 4, True),
                 "护理夜班": ("护士", 0, True), "医技值班": ("医技", 0, True)}
KIND_GROUPS = {**{k: "总值班" for k in CHIEF_KINDS}, "护理夜班": "护理", "医技值班": "医技"}
NO_DEPARTMENT = "（全院岗位，不属某科室）"
INACTIVE_COLOUR = "#888888"
INVALID_BACKGROUND = "#fde7e7"
_TIME = re.compile(r"^([01]?\d|2[0-3])[:：][0-5]\d$")


def days_text(shift) -> str:
    """工作日 / 周末、节假日 / 每天 — which days a shift is worked."""
    chosen = [label for key, label in DAY_FLAGS if getattr(shift, key)]
    return "每天" if len(chosen) == len(DAY_FLAGS) else "、".join(chosen)


def shifts_summary(post: Post, separator: str = "；") -> str:
    """白班 08:00–17:30（工作日）；夜班 17:30–次日08:00（每天） — the post's shifts in use."""
    return separator.join(f"{s.label()}（{days_text(s)}）" for s in post.shifts if s.active) or "（未设班次）"


def _overnight_text(starts: str, ends: str) -> str:
    if not (_TIME.match(starts) and _TIME.match(ends)):
        return ""
    start, end = (s.replace("：", ":").zfill(5) for s in (starts, ends))
    if start == end:
        return "24 小时"
    return "跨夜（次日）" if end < start else ""


class ShiftTable(QTableWidget):
    """The shifts of one post. ``values()`` gives what the core's save_shift takes (plus ``id``)."""

    COLUMNS = ("班次名称", "开始", "结束", "跨夜", *(label for _k, label in DAY_FLAGS), "状态")
    NAME, STARTS, ENDS, OVERNIGHT, FIRST_DAY, STATUS = 0, 1, 2, 3, 4, 7
    ID_ROLE = Qt.ItemDataRole.UserRole
    ACTIVE_ROLE = Qt.ItemDataRole.UserRole + 1
    # Type to replace a cell (as in Excel), F2 or double-click to edit it; moving does not open editors.
    EDIT_TRIGGERS = (QAbstractItemView.EditTrigger.AnyKeyPressed | QAbstractItemView.EditTrigger.EditKeyPressed
                     | QAbstractItemView.EditTrigger.DoubleClicked | QAbstractItemView.EditTrigger.SelectedClicked)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(0, len(self.COLUMNS), parent)
        self.setHorizontalHeaderLabels(self.COLUMNS)
        self.verticalHeader().setVisible(False)
        self.verticalHeader().setDefaultSectionSize(28)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(self.EDIT_TRIGGERS)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header.setSectionResizeMode(self.NAME, QHeaderView.ResizeMode.Stretch)
        for col, width in ((self.STARTS, 64), (self.ENDS, 64), (self.OVERNIGHT, 96), (4, 64), (5, 56),
                           (6, 64), (self.STATUS, 56)):
            self.setColumnWidth(col, width)
        self.setMinimumHeight(130)
        self.itemChanged.connect(self._item_changed)

    def add_shift(self, name: str = "", starts: str = "", ends: str = "", days=(True, True, True), *,
                  shift_id: int | None = None, active: bool = True) -> int:
        row = self.rowCount()
        self.blockSignals(True)
        self.insertRow(row)
        for col, text in ((self.NAME, name), (self.STARTS, starts), (self.ENDS, ends)):
            self.setItem(row, col, QTableWidgetItem(text))
        self.item(row, self.NAME).setData(self.ID_ROLE, shift_id)
        self.item(row, self.NAME).setData(self.ACTIVE_ROLE, active)
        for offset, on in enumerate(days):
            item = QTableWidgetItem()
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)
            self.setItem(row, self.FIRST_DAY + offset, item)
        for col in (self.OVERNIGHT, self.STATUS):
            item = QTableWidgetItem()
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
            self.setItem(row, col, item)
        self.blockSignals(False)
        self._refresh_row(row)
        return row

    def _text(self, row: int, col: int) -> str:
        item = self.item(row, col)
        return item.text().strip() if item else ""

    def _item_changed(self, item: QTableWidgetItem) -> None:
        self._refresh_row(item.row())

    def _refresh_row(self, row: int) -> None:
        self.blockSignals(True)
        active = self.is_active(row)
        self.item(row, self.OVERNIGHT).setText(_overnight_text(self._text(row, self.STARTS), self._text(row, self.ENDS)))
        saved = self.item(row, self.NAME).data(self.ID_ROLE) is not None
        self.item(row, self.STATUS).setText(("在用" if saved else "新增") if active else "停用")
        colour = QBrush() if active else QBrush(QColor(INACTIVE_COLOUR))
        for col in range(self.columnCount()):
            self.item(row, col).setForeground(colour)
        self.blockSignals(False)

    def is_active(self, row: int) -> bool:
        return bool(self.item(row, self.NAME).data(self.ACTIVE_ROLE))

    def remove_current(self) -> None:
        """A new row goes away; a saved shift is 停用 (its duties stay in past rosters) or 恢复."""
        row = self.currentRow()
        if row < 0:
            return
        if self.item(row, self.NAME).data(self.ID_ROLE) is None:
            self.removeRow(row)
            return
        self.item(row, self.NAME).setData(self.ACTIVE_ROLE, not self.is_active(row))
        self._refresh_row(row)

    def values(self) -> list[dict]:
        out = []
        for row in range(self.rowCount()):
            texts = [self._text(row, c) for c in (self.NAME, self.STARTS, self.ENDS)]
            shift_id = self.item(row, self.NAME).data(self.ID_ROLE)
            if shift_id is None and not any(texts):
                continue  # an empty row the user added and left
            value = {"name": texts[0], "starts": texts[1], "ends": texts[2], "active": self.is_active(row)}
            for offset, (key, _label) in enumerate(DAY_FLAGS):
                value[key] = self.item(row, self.FIRST_DAY + offset).checkState() == Qt.CheckState.Checked
            if shift_id is not None:
                value["id"] = shift_id
            out.append(value)
        return out

    def mark_rows(self, rows: set[int]) -> None:
        """Colour the rows (1-based, as in the findings) that have a problem."""
        kept = [r for r in range(self.rowCount()) if self.item(r, self.NAME).data(self.ID_ROLE) is not None
                or any(self._text(r, c) for c in (self.NAME, self.STARTS, self.ENDS))]
        bad = {kept[i - 1] for i in rows if 0 < i <= len(kept)}
        self.blockSignals(True)
        for row in range(self.rowCount()):
            brush = QBrush(QColor(INVALID_BACKGROUND)) if row in bad else QBrush()
            for col in range(self.columnCount()):
                self.item(row, col).setBackground(brush)
        self.blockSignals(False)


class ShiftEditor(QWidget):
    """The table with 添加班次, the common presets and 停用/删除."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        col = QVBoxLayout(self)
        col.setContentsMargins(0, 0, 0, 0)
        self.table = ShiftTable()
        col.addWidget(self.table)
        row = QHBoxLayout()
        self.add_button = QPushButton("添加班次(&A)")
        self.add_button.clicked.connect(self.add_blank)
        row.addWidget(self.add_button)
        self.preset_buttons = {}
        for name, starts, ends, days in PRESETS:
            button = QPushButton(f"+ {name}")
            button.setToolTip(f"添加 {name} {starts}–{'次日' if ends <= starts else ''}{ends}；添加后可修改时间和适用日")
            button.clicked.connect(lambda _=False, p=(name, starts, ends, days): self.add_preset(*p))
            self.preset_buttons[name] = button
            row.addWidget(button)
        row.addStretch(1)
        self.remove_button = QPushButton("停用/删除班次")
        self.remove_button.setToolTip("新添加的班次直接删除；已保存的班次改为停用（再按一次恢复）。Delete 键亦可")
        self.remove_button.clicked.connect(self.table.remove_current)
        row.addWidget(self.remove_button)
        col.addLayout(row)
        delete = QShortcut(QKeySequence.StandardKey.Delete, self.table, self.table.remove_current)
        delete.setContext(Qt.ShortcutContext.WidgetShortcut)

    def add_blank(self) -> None:
        row = self.table.add_shift()
        self.table.setFocus()
        self.table.setCurrentCell(row, ShiftTable.NAME)
        self.table.editItem(self.table.item(row, ShiftTable.NAME))

    def add_preset(self, name, starts, ends, days) -> None:
        taken = {self.table._text(r, ShiftTable.NAME) for r in range(self.table.rowCount())}
        row = self.table.add_shift(name if name not in taken else "", starts, ends, days)
        self.table.setCurrentCell(row, ShiftTable.NAME)

    def set_editable(self, enabled: bool) -> None:
        """Read-only: the table stays scrollable, only editing stops."""
        self.table.setEditTriggers(ShiftTable.EDIT_TRIGGERS if enabled
                                   else QAbstractItemView.EditTrigger.NoEditTriggers)
        for b in (self.add_button, self.remove_button, *self.preset_buttons.values()):
            b.setVisible(enabled)


def shift_finding_text(f: Finding) -> str:
    who = f"（{f.record}）" if f.record else ""
    name = f.label or f.field
    where = f"“{name}”" if name else ""
    return f"第 {f.row} 行{who}{where}：{f.message}"


class DutyPostDialog(QDialog):
    """新增 (post=None) or 编辑 a duty post with its shifts. ``self.saved`` is the post after 保存."""

    def __init__(self, ctx, post: Post | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.post = post
        self.saved: Post | None = None
        self.editable = ctx.can(ROSTER_SETUP)
        self.setWindowTitle(("编辑值班岗位" if post else "新增值班岗位") if self.editable else "值班岗位")
        self.setMinimumWidth(720)
        self.resize(800, 740)
        outer = QVBoxLayout(self)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.form = ValidatedForm()
        self.scroll.setWidget(self.form)
        outer.addWidget(self.scroll)
        p, f, F = post, self.form, POST_FIELDS
        self.name = f.add(F["name"], line_edit(p.name if p else "", "如：内科一线、医院总值班", max_length=40),
                          required=True)
        self.kind = f.add(F["kind"], combo(POST_KINDS, p.kind if p else "一线"), required=True,
                          hint=None if p else "选择类型后自动带出常用的资质要求和分组，可再修改。")
        groups = guarded(self, roster.post_groups, ctx.session) or []
        self.group = f.add(F["group_name"], combo(groups, p.group_name if p else None, editable=True),
                           hint="值班表按分组排列，如：总值班、内科系统、外科系统、护理、医技。")
        if not p:
            self.group.setEditText("")
        self.department = f.add(F["department_id"], combo([], None))
        self.department.addItem(NO_DEPARTMENT, None)
        for label, dept_id in department_items(guarded(self, people.list_departments, ctx.session) or []):
            self.department.addItem(label, dept_id)
        if p and p.department_id is not None:
            idx = self.department.findData(p.department_id)
            if idx < 0:  # an inactive department: still show it
                self.department.addItem(p.department_name or "", p.department_id)
                idx = self.department.count() - 1
            self.department.setCurrentIndex(idx)
        self.duties = f.add(F["duties"], text_area(p.duties if p else "", "如：负责全院夜间医疗应急处置、协调会诊与抢救…",
                                              height=52))
        self.duties.setMaximumHeight(80)
        self.category = f.add(F["required_category"], combo(STAFF_CATEGORIES, p.required_category if p else None, blank="不限"))
        self.min_title = f.add(F["min_title_rank"], combo([]))
        for rank, label in TITLE_RANK_LABELS.items():
            self.min_title.addItem("不限" if rank == 0 else f"{label}及以上", rank)
        self.min_title.setCurrentIndex(max(0, self.min_title.findData(p.min_title_rank if p else 0)))
        self.licence = QCheckBox("须有执业证书（无证者不得独立值班）")
        self.training = QCheckBox("须经总值班培训并考核合格")
        checks = QWidget()
        row = QHBoxLayout(checks)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.licence)
        row.addWidget(self.training)
        row.addStretch(1)
        f.add(F["qualification"], checks)
        f.alias("licence_required", "qualification")
        f.alias("duty_training_required", "qualification")
        self.headcount = f.add(F["headcount"], QSpinBox())
        self.headcount.setRange(1, 20)
        self.headcount.setSuffix(" 人")
        self.active = f.add(F["active"], QCheckBox("启用（停用的岗位不再排班，已排的值班记录保留）")) if p else None
        self.shifts = f.add(F["shift"], ShiftEditor(),
                            hint="结束时间不晚于开始时间即为跨夜（如 17:30–08:00）；相同时间为 24 小时班。")
        if p:
            self.licence.setChecked(p.licence_required)
            self.training.setChecked(p.duty_training_required)
            self.headcount.setValue(p.headcount)
            self.active.setChecked(p.active)
            for s in p.shifts:
                self.shifts.table.add_shift(s.name, s.starts, s.ends, (s.on_workdays, s.on_weekends, s.on_holidays),
                                            shift_id=s.id, active=s.active)
        else:
            self._apply_kind_defaults()
            self.kind.currentIndexChanged.connect(lambda _i: self._apply_kind_defaults())

        buttons = save_cancel_buttons(self, self.save)
        self.save_button = buttons.save_button
        outer.addWidget(buttons)
        QShortcut(QKeySequence.StandardKey.Save, self, self.save)
        if not self.editable:
            for w in (self.name, self.kind, self.group, self.department, self.category, self.min_title,
                      self.licence, self.training, self.headcount, self.active):
                if w is not None:
                    w.setEnabled(False)
            self.duties.setReadOnly(True)
            self.shifts.set_editable(False)
            self.save_button.hide()
            buttons.buttons()[-1].setText("关闭")

    def _apply_kind_defaults(self) -> None:
        kind = self.kind.currentText()
        category, rank, licence = KIND_DEFAULTS.get(kind, (None, 0, False))
        self.category.setCurrentIndex(max(0, self.category.findData(category)) if category else 0)
        self.min_title.setCurrentIndex(max(0, self.min_title.findData(rank)))
        self.licence.setChecked(licence)
        self.training.setChecked(kind in CHIEF_KINDS)
        if kind in KIND_GROUPS and not self.group.currentText().strip():
            self.group.setEditText(KIND_GROUPS[kind])

    def values(self) -> dict:
        v = {"name": self.name.text(), "kind": self.kind.currentText(), "group_name": combo_value(self.group),
             "department_id": self.department.currentData(), "duties": self.duties.toPlainText(),
             "required_category": self.category.currentData(), "min_title_rank": self.min_title.currentData(),
             "licence_required": self.licence.isChecked(), "duty_training_required": self.training.isChecked(),
             "headcount": self.headcount.value()}
        if self.active is not None:
            v["active"] = self.active.isChecked()
        return v

    def show_findings(self, findings: list[Finding]) -> None:
        shift_findings = [f for f in findings if f.row is not None]
        shown = [f for f in findings if f.row is None]
        if shift_findings:
            shown.append(POST_FIELDS.finding("shift", "<br>".join(shift_finding_text(f) for f in shift_findings)))
        self.form.show_findings(shown)
        self.shifts.table.mark_rows({f.row for f in shift_findings})
        if shift_findings:
            self.scroll.ensureWidgetVisible(self.form.fields["shift"][1])  # the message under the table
            if not any(f.row is None for f in findings):
                self.shifts.table.setFocus()

    def save(self) -> None:
        if not self.editable:
            return
        try:
            self.saved = setup.save_post_with_shifts(self.ctx.session, self.values(), self.shifts.table.values(),
                                                     self.post.id if self.post else None)
        except errors.ValidationError as exc:
            self.show_findings(exc.findings)
            return
        except Exception as exc:  # noqa: BLE001 - every error reaches the user, by kind
            show_error(self, exc)
            return
        self.ctx.notify("roster")
        self.accept()
