"""Writing a handover report (交班报告): census, patient entries (SBAR), items, then the signature.

Layout, left to right as the nurse works: the census strip on top (checked on every keystroke by
``census_findings``), the patient list with the previous shift's key patients offered for carrying
over, the selected patient's entry, and the items handed over with the notes.

Nothing is lost: a new report is saved as a draft at the first change, every change is saved a
few seconds later (``save_draft``: cheap, not audited per save), and closing the window saves
what is left. The keyboard is enough: Tab through the census, Ctrl+N adds a patient, Ctrl+S
saves, Ctrl+Enter signs (交班签名).
"""
from __future__ import annotations

import uuid

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app import errors
from desktop_app.handover import service as handover
from desktop_app.handover.census import census_findings, current_formula, expected_current
from desktop_app.handover.models import (
    ARRIVED,
    BEDSIDE_MARKS,
    CATEGORIES,
    CENSUS,
    CENSUS_FIELDS,
    DRAFT,
    GRADE4,
    KEY,
    LEFT,
    NewReport,
    Report,
)
from desktop_app.handover.models import ENTRY_FIELDS as E
from ui.errors import show_error
from ui.forms import ERROR_COLOUR, text_area
from ui.widgets.handover_view import entry_heading

AUTOSAVE_MS = 3000
# A checklist item that is looked at, not counted: 未查 (None), 完好 (True), 不完好 (False).
OK_STATES = {None: Qt.CheckState.PartiallyChecked, True: Qt.CheckState.Checked, False: Qt.CheckState.Unchecked}
OK_TEXT = {None: "未查", True: "完好", False: "不完好"}
ENTRY_FIELDS = ("category", "bed", "patient_name", "diagnosis", "marks", "event_time", "place", "operation",
                "situation", "background", "assessment", "recommendation", "carried_from")


def _blank_entry(category: str) -> dict:
    return {"uid": uuid.uuid4().hex, "category": category, "bed": "", "patient_name": "", "diagnosis": "",
            "marks": [], "event_time": "", "place": "", "operation": "", "situation": "", "background": "",
            "assessment": "", "recommendation": "", "carried_from": None}


class HandoverEditor(QDialog):
    """Write (or continue) one report. Pass ``new`` (from ``prepare_report``) or ``report_id``."""

    def __init__(self, ctx, *, new: NewReport | None = None, report_id: int | None = None, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.new = new
        self.report: Report | None = None
        self.dirty = False
        self.signed = False
        self._loading = False
        self.entries: list[dict] = []
        self.bedside: dict[str, str] = {}  # uid -> what the bedside record says (saved entries)
        self.current: dict | None = None
        self.setMinimumSize(1180, 680)
        self.resize(1260, 720)
        self.autosave = QTimer(self)
        self.autosave.setSingleShot(True)
        self.autosave.setInterval(AUTOSAVE_MS)
        self.autosave.timeout.connect(self.save)

        outer = QVBoxLayout(self)
        outer.setContentsMargins(10, 8, 10, 8)
        self.heading = QLabel()
        self.heading.setObjectName("sectionTitle")
        self.saved_label = QLabel()
        self.saved_label.setObjectName("pageDescription")
        top = QHBoxLayout()
        top.addWidget(self.heading)
        top.addStretch(1)
        top.addWidget(self.saved_label)
        outer.addLayout(top)
        outer.addWidget(self._build_census())

        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self._build_patient_list())
        split.addWidget(self._build_entry_editor())
        split.addWidget(self._build_items())
        split.setSizes([380, 500, 380])
        outer.addWidget(split, 1)

        self.findings = QLabel()
        self.findings.setObjectName("formBanner")
        self.findings.setWordWrap(True)
        self.findings.hide()
        outer.addWidget(self.findings)
        buttons = QHBoxLayout()
        self.save_button = QPushButton("保存草稿（Ctrl+S）")
        self.save_button.clicked.connect(lambda: self.save(explicit=True))
        self.sign_button = QPushButton("交班签名（Ctrl+Enter）")
        self.sign_button.setDefault(False)
        self.sign_button.clicked.connect(self.sign)
        close = QPushButton("关闭")
        close.clicked.connect(self.reject)
        buttons.addWidget(QLabel("草稿每隔几秒自动保存；关闭窗口时也会保存。交班签名后内容不能再改，由接班者核对签名。"))
        buttons.addStretch(1)
        for b in (self.save_button, self.sign_button, close):
            b.setAutoDefault(False)
            buttons.addWidget(b)
        outer.addLayout(buttons)

        QShortcut(QKeySequence.StandardKey.Save, self, lambda: self.save(explicit=True))
        QShortcut(QKeySequence("Ctrl+Return"), self, self.sign)
        QShortcut(QKeySequence("Ctrl+Enter"), self, self.sign)
        QShortcut(QKeySequence.StandardKey.New, self, lambda: self.add_entry())

        self._set_tab_order()
        if report_id is not None:
            self.report = handover.get_report(ctx.session, report_id)
            self._load_report(self.report)
        else:
            self._load_new(new)
        self._census_changed()
        self.census_edits["原有"].setFocus()

    # ------------------------------------------------------------------ building
    def _build_census(self) -> QWidget:
        box = QGroupBox("病人动态（现有 = 原有 + 入院 + 转入 − 出院 − 转出 − 死亡；没有请填 0）")
        grid = QGridLayout(box)
        grid.setHorizontalSpacing(6)
        grid.setVerticalSpacing(2)
        self.census_edits: dict[str, QLineEdit] = {}  # by census key (原有 …)
        for col, name in enumerate(CENSUS_FIELDS):
            label = QLabel(CENSUS.label(name))
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            edit = QLineEdit()
            edit.setAlignment(Qt.AlignmentFlag.AlignCenter)
            edit.setMaxLength(4)
            edit.setFixedWidth(62)
            edit.setAccessibleName(CENSUS.label(name))
            edit.textEdited.connect(lambda _t: self._census_changed(edited=True))
            edit.returnPressed.connect(self.focusNextChild)
            label.setBuddy(edit)
            grid.addWidget(label, 0, col)
            grid.addWidget(edit, 1, col)
            self.census_edits[name] = edit
        self.compute_button = QPushButton("按公式填现有")
        self.compute_button.setAutoDefault(False)
        self.compute_button.setToolTip("现有 = 原有 + 入院 + 转入 − 出院 − 转出 − 死亡")
        self.compute_button.clicked.connect(self._fill_current)
        grid.addWidget(self.compute_button, 1, len(CENSUS_FIELDS))
        grid.setColumnStretch(len(CENSUS_FIELDS) + 1, 1)
        self.census_message = QLabel()
        self.census_message.setWordWrap(True)
        self.census_message.setStyleSheet(f"color: {ERROR_COLOUR};")
        grid.addWidget(self.census_message, 2, 0, 1, len(CENSUS_FIELDS) + 2)
        self.carried_label = QLabel()
        self.carried_label.setObjectName("fieldHint")
        grid.addWidget(self.carried_label, 3, 0, 1, len(CENSUS_FIELDS) + 2)
        return box

    def _build_patient_list(self) -> QWidget:
        box = QGroupBox("患者交班")
        col = QVBoxLayout(box)
        self.entry_table = QTableWidget(0, 4)
        self.entry_table.setHorizontalHeaderLabels(["类别", "床号", "患者", "床旁"])
        self.entry_table.verticalHeader().setVisible(False)
        self.entry_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.entry_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.entry_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.entry_table.horizontalHeader()
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        for i, w in ((0, 104), (1, 44), (3, 56)):
            self.entry_table.setColumnWidth(i, w)
        self.entry_table.currentCellChanged.connect(lambda row, *_: self._select_entry(row))
        col.addWidget(self.entry_table, 3)
        row = QHBoxLayout()
        self.add_category = QComboBox()
        self.add_category.addItems(list(CATEGORIES))
        self.add_category.setCurrentText("病重")
        add = QPushButton("新增（Ctrl+N）")
        add.setAutoDefault(False)
        add.clicked.connect(lambda: self.add_entry())
        self.remove_button = QPushButton("删除")
        self.remove_button.setAutoDefault(False)
        self.remove_button.clicked.connect(self.remove_entry)
        row.addWidget(self.add_category)
        row.addWidget(add)
        row.addWidget(self.remove_button)
        col.addLayout(row)
        self.suggestion_title = QLabel()
        self.suggestion_title.setObjectName("fieldHint")
        self.suggestion_title.setWordWrap(True)
        col.addWidget(self.suggestion_title)
        self.suggestions = QListWidget()
        self.suggestions.setObjectName("categoryList")
        col.addWidget(self.suggestions, 2)
        self.carry_button = QPushButton("带入勾选的患者")
        self.carry_button.setAutoDefault(False)
        self.carry_button.clicked.connect(self.carry_over)
        col.addWidget(self.carry_button)
        return box

    def _build_entry_editor(self) -> QWidget:
        self.entry_box = QGroupBox("所选患者")
        grid = QGridLayout(self.entry_box)
        grid.setVerticalSpacing(4)
        self.f_category = QComboBox()
        self.f_category.addItems(list(CATEGORIES))
        self.f_bed = QLineEdit()
        self.f_bed.setPlaceholderText("如 12、加1")
        self.f_bed.setMaxLength(10)
        self.f_name = QLineEdit()
        self.f_name.setMaxLength(30)
        self.f_diagnosis = QLineEdit()
        self.f_diagnosis.setMaxLength(120)
        self.f_time_label = QLabel("时间")
        self.f_time = QLineEdit()
        self.f_time.setPlaceholderText("如 10:30")
        self.f_time.setMaxLength(20)
        self.f_place_label = QLabel("去向")
        self.f_place = QLineEdit()
        self.f_place.setMaxLength(60)
        self.f_operation_label = QLabel(E.label("operation"))
        self.f_operation = QLineEdit()
        self.f_operation.setMaxLength(120)
        self.mark_boxes: dict[str, QCheckBox] = {m: QCheckBox(m) for m in KEY}
        marks = QHBoxLayout()
        marks.setSpacing(6)
        for box in self.mark_boxes.values():
            marks.addWidget(box)
            box.toggled.connect(lambda _c: self._entry_edited())
        marks.addStretch(1)
        self.f_sbar = {key: text_area("", hint, 46) for key, hint in (
            ("situation", "现状：生命体征、神志、主要症状、治疗与护理措施"),
            ("background", "背景：主要病史、入院或手术情况"),
            ("assessment", "评估：目前的问题与风险（跌倒、压力性损伤、管道、出血…）"),
            ("recommendation", "建议：下一班须观察和完成的事项"))}
        r = 0
        for label, widget, label2, widget2 in ((E.label("category"), self.f_category, E.label("bed"), self.f_bed),
                                               (E.label("patient_name"), self.f_name, E.label("diagnosis"),
                                                self.f_diagnosis)):
            grid.addWidget(QLabel(label), r, 0)
            grid.addWidget(widget, r, 1)
            grid.addWidget(QLabel(label2), r, 2)
            grid.addWidget(widget2, r, 3)
            r += 1
        grid.addWidget(QLabel(E.label("marks")), r, 0)
        grid.addLayout(marks, r, 1, 1, 3)
        r += 1
        grid.addWidget(self.f_time_label, r, 0)
        grid.addWidget(self.f_time, r, 1)
        grid.addWidget(self.f_place_label, r, 2)
        grid.addWidget(self.f_place, r, 3)
        r += 1
        grid.addWidget(self.f_operation_label, r, 0)
        grid.addWidget(self.f_operation, r, 1, 1, 3)
        r += 1
        for key, label in (("situation", "S 现状"), ("background", "B 背景"), ("assessment", "A 评估"),
                           ("recommendation", "R 建议")):
            grid.addWidget(QLabel(label), r, 0, Qt.AlignmentFlag.AlignTop)
            grid.addWidget(self.f_sbar[key], r, 1, 1, 3)
            r += 1
        bedside = QHBoxLayout()
        self.bedside_label = QLabel()
        self.bedside_label.setWordWrap(True)
        self.bedside_button = QPushButton("记录床旁交接…")
        self.bedside_button.setAutoDefault(False)
        self.bedside_button.clicked.connect(self.record_bedside)
        bedside.addWidget(self.bedside_label, 1)
        bedside.addWidget(self.bedside_button)
        grid.addLayout(bedside, r, 0, 1, 4)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)
        for w in (self.f_bed, self.f_name, self.f_diagnosis, self.f_time, self.f_place, self.f_operation):
            w.textEdited.connect(lambda _t: self._entry_edited())
        for w in self.f_sbar.values():
            w.textChanged.connect(self._entry_edited)
        self.f_category.currentTextChanged.connect(lambda _t: self._entry_edited())
        return self.entry_box

    def _build_items(self) -> QWidget:
        box = QWidget()
        col = QVBoxLayout(box)
        col.setContentsMargins(0, 0, 0, 0)
        items = QGroupBox("交接物品（逐项清点或勾选完好）")
        inner = QVBoxLayout(items)
        self.item_table = QTableWidget(0, 4)
        self.item_table.setHorizontalHeaderLabels(["物品", "基数", "清点/完好", "备注"])
        self.item_table.verticalHeader().setVisible(False)
        self.item_table.setWordWrap(True)
        header = self.item_table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for i, w in ((1, 40), (2, 74), (3, 76)):
            self.item_table.setColumnWidth(i, w)
        self.item_table.itemChanged.connect(self._item_changed)
        inner.addWidget(self.item_table)
        col.addWidget(items, 3)
        notes = QGroupBox("备注")
        nl = QVBoxLayout(notes)
        self.notes = text_area("", "其他需要交代的事项", 60)
        self.notes.textChanged.connect(self._changed)
        nl.addWidget(self.notes)
        col.addWidget(notes, 1)
        return box

    def _set_tab_order(self) -> None:
        """Tab walks the form as the nurse writes it: census, patients, the patient's fields, items, notes."""
        chain = [*self.census_edits.values(), self.compute_button, self.entry_table, self.add_category,
                 self.f_category, self.f_bed, self.f_name, self.f_diagnosis, *self.mark_boxes.values(), self.f_time,
                 self.f_place, self.f_operation, *self.f_sbar.values(), self.bedside_button, self.suggestions,
                 self.carry_button, self.item_table, self.notes, self.save_button, self.sign_button]
        for first, second in zip(chain, chain[1:]):
            QWidget.setTabOrder(first, second)

    # ------------------------------------------------------------------ loading
    def _set_heading(self, title: str, status: str) -> None:
        self.setWindowTitle(f"交接班记录 — {title}")
        self.heading.setText(f"{title}　<span style='color:#b26a00'>{status}</span>")

    def _load_new(self, new: NewReport) -> None:
        self._loading = True
        self._set_heading(f"{new.department_name} {new.date} {new.shift.name}", "新的交班报告（尚未保存）")
        for name in CENSUS_FIELDS:
            self.census_edits[name].setText(str(new.census.get(name, "")))
        self.carried_label.setText(f"原有由上一班（{new.previous_title}）的现有带入。" if new.previous_title
                                   else "这是本病区的第一份交班报告：请填写原有人数。")
        self._fill_items(new.items)
        self._fill_suggestions(new)
        self._loading = False
        self._refresh_entries()

    def _load_report(self, report: Report) -> None:
        self._loading = True
        self._set_heading(f"{report.department_name} {report.date} {report.shift_name}", report.status)
        for name in CENSUS_FIELDS:
            self.census_edits[name].setText(str(report.census.get(name, "")))
        self.carried_label.setText("")
        self._fill_items(report.items)
        self.notes.setPlainText(report.notes or "")
        self.entries = [e.values() for e in report.entries]
        self._remember_bedside(report)
        self.suggestions.clear()
        self.suggestion_title.setText("")
        self.suggestions.hide()
        self.carry_button.hide()
        self._loading = False
        self._refresh_entries()
        if report.status != DRAFT:  # opened by mistake: nothing here may change
            self.setEnabled(False)

    def _remember_bedside(self, report: Report) -> None:
        self.bedside = {}
        for e in report.entries:
            if e.bedside_done:
                self.bedside[e.uid] = f"床旁交接 ✓ {e.bedside_at[5:16]}（{e.bedside_by}）{e.bedside_evidence or ''}"

    def _fill_items(self, items) -> None:
        self.item_table.blockSignals(True)
        self.item_table.setRowCount(0)
        for item in items:
            row = self.item_table.rowCount()
            self.item_table.insertRow(row)
            name = QTableWidgetItem(item.get("name") or "")
            name.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
            name.setData(Qt.ItemDataRole.UserRole, item.get("expected"))
            expected = QTableWidgetItem("" if item.get("expected") is None else str(item["expected"]))
            expected.setFlags(Qt.ItemFlag.ItemIsEnabled)
            if item.get("expected") is not None:
                state = QTableWidgetItem("" if item.get("count") in (None, "") else str(item["count"]))
                state.setToolTip("输入清点的数量")
                state.setBackground(QColor("#fff6e0"))  # a cell to fill in
            else:  # three states: 未查 (not yet looked at) → 完好 → 不完好 (needs a note) → 未查 …
                state = QTableWidgetItem()
                state.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable
                               | Qt.ItemFlag.ItemIsUserTristate | Qt.ItemFlag.ItemIsSelectable)
                ok = item.get("ok")
                state.setCheckState(OK_STATES[ok])
                state.setText(OK_TEXT[ok])
            note = QTableWidgetItem(item.get("note") or "")
            for c, cell in enumerate((name, expected, state, note)):
                self.item_table.setItem(row, c, cell)
        self.item_table.resizeRowsToContents()
        self.item_table.blockSignals(False)

    def _fill_suggestions(self, new: NewReport) -> None:
        self.suggestions.clear()
        for e in new.suggestions:
            item = QListWidgetItem(entry_heading(e))
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked)
            item.setData(Qt.ItemDataRole.UserRole, e.values())
            self.suggestions.addItem(item)
        has = bool(new.suggestions)
        self.suggestion_title.setText(f"上一班的重点患者（{len(new.suggestions)} 人）：仍需交班的请勾选后带入。"
                                      if has else "上一班没有需要继续交班的重点患者。")
        self.suggestions.setVisible(has)
        self.carry_button.setVisible(has)

    # ------------------------------------------------------------------ census
    def census_values(self) -> dict:
        return {name: edit.text() for name, edit in self.census_edits.items()}

    def _census_changed(self, edited: bool = False) -> None:
        values = self.census_values()
        problems = census_findings(values)
        bad = {f.field for f in problems}
        for name, edit in self.census_edits.items():
            edit.setProperty("invalid", name in bad)
            edit.style().unpolish(edit)
            edit.style().polish(edit)
        # one line per field, blanks summarised so the strip stays short while typing
        blank = {f.field for f in problems if "不能空着" in f.message}
        formula = current_formula(values)
        if "现有" in blank and formula:  # say what 现有 should be rather than that it is empty
            blank.discard("现有")
            problems.append(CENSUS.finding("现有", f"{formula}（可点“按公式填现有”）。"))
        blanks = [CENSUS.label(name) for name in CENSUS_FIELDS if name in blank]
        lines = ([f"{'、'.join(blanks)}：不能空着，没有请填 0。"] if blanks else []) + [
            f"{f.label}：{f.message}" for f in problems if "不能空着" not in f.message]
        self.census_message.setText("\n".join(lines))
        self.compute_button.setEnabled(expected_current(values) is not None)
        if edited:
            self._changed()

    def _fill_current(self) -> None:
        value = expected_current(self.census_values())
        if value is not None:
            self.census_edits["现有"].setText(str(value))
            self._census_changed(edited=True)

    # ------------------------------------------------------------------ entries
    def _refresh_entries(self, select_uid: str | None = None) -> None:
        self.entry_table.blockSignals(True)
        self.entry_table.setRowCount(0)
        for e in self.entries:
            row = self.entry_table.rowCount()
            self.entry_table.insertRow(row)
            self._set_entry_row(row, e)
        self.entry_table.blockSignals(False)
        row = next((i for i, e in enumerate(self.entries) if e["uid"] == select_uid), 0 if self.entries else -1)
        if row >= 0:
            self.entry_table.setCurrentCell(row, 0)
        self._select_entry(row)

    def _set_entry_row(self, row: int, e: dict) -> None:
        marks = {e["category"], *e.get("marks", [])}
        need = bool(marks & BEDSIDE_MARKS)
        done = e["uid"] in self.bedside
        cells = (e["category"], e.get("bed") or "？", " ".join(x for x in (e.get("patient_name"), e.get("diagnosis")) if x),
                 ("✓" if done else "待记录") if need else "")
        for c, text in enumerate(cells):
            item = QTableWidgetItem(text)
            if c == 3 and need and not done:
                item.setForeground(Qt.GlobalColor.red)
            self.entry_table.setItem(row, c, item)

    def _select_entry(self, row: int) -> None:
        self.current = self.entries[row] if 0 <= row < len(self.entries) else None
        e = self.current
        was_loading = self._loading
        self._loading = True
        editable = e is not None
        for w in (self.f_category, self.f_bed, self.f_name, self.f_diagnosis, self.f_time, self.f_place,
                  self.f_operation, *self.f_sbar.values(), *self.mark_boxes.values()):
            w.setEnabled(editable)
        self.remove_button.setEnabled(editable)
        e = e or _blank_entry("病重")
        self.f_category.setCurrentText(e["category"])
        self.f_bed.setText(e.get("bed") or "")
        self.f_name.setText(e.get("patient_name") or "")
        self.f_diagnosis.setText(e.get("diagnosis") or "")
        self.f_time.setText(e.get("event_time") or "")
        self.f_place.setText(e.get("place") or "")
        self.f_operation.setText(e.get("operation") or "")
        for key, area in self.f_sbar.items():
            area.setPlainText(e.get(key) or "")
        marks = set(e.get("marks") or [])
        for m, box in self.mark_boxes.items():
            box.setChecked(m in marks)
        self._loading = was_loading
        self._adapt_fields()

    def _adapt_fields(self) -> None:
        """Labels and fields that depend on the category (去向 or 来源, the operation's name)."""
        e = self.current
        category = self.f_category.currentText()
        for m, box in self.mark_boxes.items():
            box.setVisible(m != category)
        if category in LEFT:
            self.f_time_label.setText(f"{category}时间")
            self.f_place_label.setText("去向")
        elif category in ARRIVED:
            self.f_time_label.setText("入科时间")
            self.f_place_label.setText("来源")
        else:
            self.f_time_label.setText("时间")
            self.f_place_label.setText("去向/来源")
        self.f_place_label.setVisible(category in LEFT + ARRIVED)
        self.f_place.setVisible(category in LEFT + ARRIVED)
        marks = {category, *(m for m, b in self.mark_boxes.items() if b.isChecked())}
        surgery = bool(marks & {"手术", GRADE4})
        self.f_operation_label.setText("四级手术名称" if GRADE4 in marks else "手术名称")
        self.f_operation_label.setVisible(surgery)
        self.f_operation.setVisible(surgery)
        need = bool(marks & BEDSIDE_MARKS)
        if e is None or not need:
            self.bedside_label.setText("")
            self.bedside_button.setVisible(False)
            return
        self.bedside_button.setVisible(True)
        done = self.bedside.get(e["uid"])
        which = "、".join(sorted(marks & BEDSIDE_MARKS))
        self.bedside_label.setText(f"<span style='color:#2e7d32'>{done}</span>" if done else
                                   f"<span style='color:{ERROR_COLOUR}'>{which}：须床旁交接。到床旁交接后记录时间和佐证，"
                                   "接班者才能签名。</span>")
        self.bedside_button.setText("重新记录床旁交接…" if done else "记录床旁交接…")

    def _entry_edited(self) -> None:
        if self._loading or self.current is None:
            return
        e = self.current
        e["category"] = self.f_category.currentText()
        e["bed"] = self.f_bed.text()
        e["patient_name"] = self.f_name.text()
        e["diagnosis"] = self.f_diagnosis.text()
        e["event_time"] = self.f_time.text()
        e["place"] = self.f_place.text()
        e["operation"] = self.f_operation.text()
        for key, area in self.f_sbar.items():
            e[key] = area.toPlainText()
        e["marks"] = [m for m, b in self.mark_boxes.items() if b.isChecked() and m != e["category"]]
        row = self.entries.index(e)
        self.entry_table.blockSignals(True)
        self._set_entry_row(row, e)
        self.entry_table.blockSignals(False)
        self._adapt_fields()
        self._changed()

    def add_entry(self, category: str | None = None) -> dict:
        e = _blank_entry(category or self.add_category.currentText())
        self.entries.append(e)
        self._refresh_entries(select_uid=e["uid"])
        self.f_bed.setFocus()
        self._changed()
        return e

    def remove_entry(self) -> None:
        if self.current is None:
            return
        e = self.current
        text = entry_heading_dict(e)
        if QMessageBox.question(self, "删除患者", f"从本班交班报告中删除“{text}”？") != QMessageBox.StandardButton.Yes:
            return
        self.entries.remove(e)
        self._refresh_entries()
        self._changed()

    def carry_over(self) -> None:
        taken = 0
        for i in range(self.suggestions.count() - 1, -1, -1):
            item = self.suggestions.item(i)
            if item.checkState() == Qt.CheckState.Checked:
                self.entries.append(dict(item.data(Qt.ItemDataRole.UserRole)))
                self.suggestions.takeItem(i)
                taken += 1
        if not taken:
            return
        left = self.suggestions.count()
        self.suggestion_title.setText(f"已带入 {taken} 人，请核对并更新他们本班的情况。"
                                      + (f"未带入 {left} 人。" if left else ""))
        self.suggestions.setVisible(bool(left))
        self.carry_button.setVisible(bool(left))
        self._refresh_entries(select_uid=self.entries[-1]["uid"])
        self._changed()

    # ------------------------------------------------------------------ items
    def item_values(self) -> list[dict]:
        out = []
        for row in range(self.item_table.rowCount()):
            name = self.item_table.item(row, 0)
            expected = name.data(Qt.ItemDataRole.UserRole)
            state = self.item_table.item(row, 2)
            value = {"name": name.text(), "expected": expected, "note": self.item_table.item(row, 3).text().strip()}
            if expected is not None:
                value["count"] = state.text().strip() or None
            else:
                value["ok"] = {v: k for k, v in OK_STATES.items()}[state.checkState()]
            out.append(value)
        return out

    def _item_changed(self, cell: QTableWidgetItem) -> None:
        if cell.column() == 2 and cell.flags() & Qt.ItemFlag.ItemIsUserTristate:
            ok = {v: k for k, v in OK_STATES.items()}[cell.checkState()]
            if cell.text() != OK_TEXT[ok]:
                self.item_table.blockSignals(True)
                cell.setText(OK_TEXT[ok])
                self.item_table.blockSignals(False)
        self._changed()

    # ------------------------------------------------------------------ saving and signing
    def values(self) -> dict:
        entries = [{k: e.get(k) for k in ("uid", *ENTRY_FIELDS)} for e in self.entries]
        return {"census": self.census_values(), "entries": entries, "items": self.item_values(),
                "notes": self.notes.toPlainText()}

    def _changed(self) -> None:
        if self._loading:
            return
        self.dirty = True
        self.saved_label.setText("有未保存的修改…")
        self.autosave.start()

    def save(self, explicit: bool = False) -> bool:
        """Save the draft (creating it at the first save). True when everything is saved."""
        self.autosave.stop()
        if not self.dirty and self.report is not None:
            if explicit:
                self.saved_label.setText(f"已保存 {self.ctx.session.now():%H:%M:%S}")
            return True
        session = self.ctx.session
        try:
            if self.report is None:
                n = self.new
                self.report = handover.create_report(session, n.department_id, n.date, n.shift.order, n.kind,
                                                     self.values())
                self._set_heading(f"{n.department_name} {n.date} {n.shift.name}", DRAFT)
            else:
                self.report = handover.save_draft(session, self.report.id, self.values())
        except errors.ValidationError as exc:
            self._show_findings([f.text() for f in exc.findings])
            return False
        except Exception as exc:  # noqa: BLE001 - the user sees every failure; the form keeps what was typed
            self.saved_label.setText("保存失败，内容仍在窗口中")
            show_error(self, exc)
            return False
        self.dirty = False
        self.saved_label.setText(f"已自动保存 {session.now():%H:%M:%S}" if not explicit else
                                 f"已保存 {session.now():%H:%M:%S}")
        self.ctx.notify("handover")
        return True

    def _show_findings(self, lines: list[str]) -> None:
        self.findings.setText("交班签名前请补全：<br>" + "<br>".join(lines) if lines else "")
        self.findings.setVisible(bool(lines))

    def record_bedside(self) -> None:
        from ui.dialogs.handover_sign import BedsideDialog

        if self.current is None or not self.save():
            return
        uid = self.current["uid"]
        entry = next((e for e in self.report.entries if e.uid == uid), None)
        if entry is None:
            return
        dialog = BedsideDialog(self.ctx, self.report, entry, parent=self)
        if dialog.exec():
            self.report = dialog.saved
            self._remember_bedside(self.report)
            row = self.entries.index(self.current)
            self._set_entry_row(row, self.current)
            self._adapt_fields()

    def sign(self) -> None:
        if not self.isEnabled() or not self.save():
            return
        findings = handover.report_findings(self.report)
        if findings:
            self._show_findings([f.message for f in findings])
            return
        answer = QMessageBox.question(
            self, "交班签名",
            f"以“{self.ctx.actor.display_name}”的名义签署交班？\n签名后本报告不能再修改，请接班者核对后用本人账户签名。")
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            self.report = handover.sign_outgoing(self.ctx.session, self.report.id)
        except errors.ValidationError as exc:
            self._show_findings([f.message for f in exc.findings])
            return
        except Exception as exc:  # noqa: BLE001
            show_error(self, exc)
            return
        self.signed = True
        self.ctx.notify("handover")
        self.ctx.status_message.emit(f"已交班：{self.report.title}，等待接班者签名")
        self.accept()

    def showEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().showEvent(event)
        QTimer.singleShot(0, self.item_table.resizeRowsToContents)  # long item names wrap at the real width

    def reject(self) -> None:
        """关闭, Esc and the window's close button all come here: save what is left first."""
        if self.isEnabled() and self.dirty and not self.save():
            answer = QMessageBox.question(self, "尚未保存", "刚才的修改没能保存（见提示）。仍要关闭并放弃这些修改吗？")
            if answer != QMessageBox.StandardButton.Yes:
                return
        self.autosave.stop()
        super().reject()


def entry_heading_dict(e: dict) -> str:
    who = " ".join(x for x in (e.get("patient_name"), e.get("diagnosis")) if x)
    return f"{e.get('bed') or '？'}床 {who}".strip()
