"""One inspection: record results department by department with the keyboard, see the scores.

Results are saved per department through ``record_results`` (保存 / Ctrl+S, or when switching
to another department). Typed results are never dropped silently: switching department,
closing or leaving asks first. A completed inspection, or a user without the right to record,
gets the same window read-only.
"""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_app.errors import ValidationError
from desktop_app.ledger import checklists, inspections
from desktop_app.ledger.manifest import INSPECTIONS_RECORD
from ui.errors import guarded, show_error
from ui.table import Column, RecordTableModel, RecordTableView
from ui.widgets.result_grid import KEY_HELP, PASS, ResultGrid, ResultsModel, number

SCORE_COLUMNS = [
    Column("科室", lambda s: s.department_name, width=150),
    Column("已录要点", lambda s: s.checked, sort=lambda s: s.checked, width=80, align_right=True),
    Column("不符合", lambda s: s.failed, sort=lambda s: s.failed, width=70, align_right=True,
           colour=lambda s: "#c62828" if s.failed else None),
    Column("不适用", lambda s: s.not_applicable, sort=lambda s: s.not_applicable, width=70, align_right=True),
    Column("扣分合计", lambda s: number(s.deductions), sort=lambda s: s.deductions, width=80, align_right=True),
    Column("得分", lambda s: number(s.score), sort=lambda s: s.score, width=70, align_right=True),
]
DONE_COLOUR = "#2e7d32"
SAVED_COLOUR = "#2e7d32"
UNSAVED_COLOUR = "#b26a00"


class InspectionRecordDialog(QDialog):
    def __init__(self, ctx, inspection_id: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.inspection_id = inspection_id
        self.department_id: int | None = None
        self.total_items = 0
        self._scores: list[inspections.DepartmentScore] = []
        self.resize(1280, 780)
        self.setWindowFlag(Qt.WindowType.WindowMaximizeButtonHint, True)
        outer = QVBoxLayout(self)
        self.heading = QLabel()
        self.heading.setObjectName("sectionTitle")
        self.details = QLabel()
        self.details.setObjectName("pageDescription")
        self.details.setWordWrap(True)
        self.notice = QLabel()
        self.notice.setObjectName("noticeBanner")
        self.notice.setWordWrap(True)
        self.notice.hide()
        for w in (self.heading, self.details, self.notice):
            outer.addWidget(w)

        split = QSplitter(Qt.Orientation.Horizontal)
        left = QWidget()
        lv = QVBoxLayout(left)
        lv.setContentsMargins(0, 0, 0, 0)
        title = QLabel("受检科室")
        title.setObjectName("sectionTitle")
        lv.addWidget(title)
        self.departments = QListWidget()
        self.departments.setObjectName("departmentProgress")
        self.departments.currentItemChanged.connect(self._department_clicked)
        lv.addWidget(self.departments, 1)
        split.addWidget(left)

        self.tabs = QTabWidget()
        record = QWidget()
        rv = QVBoxLayout(record)
        self.findings = QLabel()
        self.findings.setObjectName("formBanner")
        self.findings.setWordWrap(True)
        self.findings.hide()
        rv.addWidget(self.findings)
        self.model = ResultsModel(self)
        self.grid = ResultGrid(self.model)
        self.grid.hint.connect(lambda text: self._status(text, UNSAVED_COLOUR))
        rv.addWidget(self.grid, 1)
        self.current_point = QLabel()
        self.current_point.setObjectName("currentPoint")
        self.current_point.setWordWrap(True)
        self.current_point.setTextFormat(Qt.TextFormat.PlainText)
        rv.addWidget(self.current_point)
        keys = QLabel(KEY_HELP + "　（不符合项的备注即台账中的问题描述）")
        keys.setObjectName("fieldHint")
        keys.setWordWrap(True)
        rv.addWidget(keys)
        self.tabs.addTab(record, "录入结果")
        scores_tab = QWidget()
        sv = QVBoxLayout(scores_tab)
        hint = QLabel("各科室得分由已保存的结果算出（基础分减去“不符合”的扣分）；尚未保存的修改不计入。")
        hint.setObjectName("fieldHint")
        sv.addWidget(hint)
        self.scores = RecordTableModel(SCORE_COLUMNS, self)
        self.scores_view = RecordTableView(self.scores)
        self.scores_view.horizontalHeader().setStretchLastSection(False)
        sv.addWidget(self.scores_view, 1)
        self.tabs.addTab(scores_tab, "科室得分")
        split.addWidget(self.tabs)
        split.setStretchFactor(1, 1)
        split.setSizes([220, 1040])
        outer.addWidget(split, 1)

        self.status = QLabel()
        self.status.setWordWrap(True)
        outer.addWidget(self.status)
        row = QHBoxLayout()
        self.fill_button = QPushButton("未录项全部符合")
        self.save_button = QPushButton("保存（Ctrl+S）")
        self.problems_button = QPushButton("查看本次检查发现的问题")
        self.complete_button = QPushButton("完成检查…")
        self.close_button = QPushButton("关闭")
        for b in (self.fill_button, self.save_button, self.problems_button, self.complete_button, self.close_button):
            b.setAutoDefault(False)  # Enter belongs to the grid, never to a button
        self.fill_button.setToolTip("把本科室尚未录入的要点都设为“符合”，再逐条修改例外项")
        self.fill_button.clicked.connect(self.fill_all)
        self.save_button.clicked.connect(self.save)
        self.problems_button.clicked.connect(self.view_problems)
        self.complete_button.clicked.connect(self.complete)
        self.close_button.clicked.connect(self.reject)
        row.addWidget(self.fill_button)
        row.addWidget(self.save_button)
        row.addStretch(1)
        for b in (self.problems_button, self.complete_button, self.close_button):
            row.addWidget(b)
        outer.addLayout(row)

        QShortcut(QKeySequence.StandardKey.Save, self, self.save)
        QShortcut(QKeySequence("Ctrl+PgDown"), self, lambda: self._step_department(1))
        QShortcut(QKeySequence("Ctrl+PgUp"), self, lambda: self._step_department(-1))
        self.model.edits_changed.connect(self._edits_changed)
        self.grid.selectionModel().currentRowChanged.connect(lambda *_: self._show_current_point())
        self.reload()

    # -- loading
    @property
    def read_only(self) -> bool:
        return self.inspection.status == inspections.DONE or not self.ctx.can(INSPECTIONS_RECORD)

    def reload(self) -> bool:
        inspection = guarded(self, inspections.get_inspection, self.ctx.session, self.inspection_id)
        if inspection is None:
            return False
        self.inspection = inspection
        i = inspection
        self.setWindowTitle(f"检查记录 — {i.number} {i.title}[*]")
        self.heading.setText(f"{i.number}　{i.title}")
        self.details.setText(
            f"{i.type}　·　检查日期 {i.inspected_on}　·　检查人员：{i.inspectors}　·　"
            f"检查表：{i.checklist_label or '（未使用检查表）'}　·　状态：{i.status}"
            + (f"（{i.completed_on} 完成）" if i.completed_on else ""))
        if i.checklist_id is None:
            self._notice("本次检查未使用检查表，没有可逐项录入的要点；发现的问题请在问题台账中直接登记。")
        elif i.status == inspections.DONE:
            self._notice(f"本次检查已于 {i.completed_on} 完成，结果只读；发现的问题请在问题台账中继续整改。")
        elif not self.ctx.can(INSPECTIONS_RECORD):
            self._notice("只读：您没有录入检查结果的权限。")
        else:
            self._notice("")
        editable = not self.read_only and i.checklist_id is not None
        for b in (self.fill_button, self.save_button):
            b.setVisible(editable)
        self.complete_button.setVisible(not self.read_only)
        self.total_items = 0
        if i.checklist_id is not None:
            checklist = guarded(self, checklists.get_checklist, self.ctx.session, i.checklist_id)
            self.total_items = checklist.item_count if checklist else 0
        self._reload_departments()
        if self.department_id is not None:
            self._load_results(self.department_id, keep_row=True)
        return True

    def _notice(self, text: str) -> None:
        self.notice.setText(text)
        self.notice.setVisible(bool(text))

    def _reload_departments(self) -> None:
        scores = guarded(self, inspections.department_scores, self.ctx.session, self.inspection_id) or []
        self.scores.set_rows(scores)
        self._scores = scores
        keep = self.department_id
        self.departments.blockSignals(True)
        self.departments.clear()
        for s in scores:
            done = self.total_items and s.checked >= self.total_items
            item = QListWidgetItem(f"{s.department_name}\n已录 {min(s.checked, self.total_items)}/{self.total_items}"
                                   + (f"　不符合 {s.failed}" if s.failed else ""))
            item.setData(Qt.ItemDataRole.UserRole, s.department_id)
            if done:
                item.setForeground(Qt.GlobalColor.darkGreen)
                item.setToolTip("本科室已全部录入")
            self.departments.addItem(item)
        self.departments.blockSignals(False)
        ids = [s.department_id for s in scores]
        if keep not in ids:
            keep = ids[0] if ids else None
            self.department_id = keep
        if keep is not None:
            self.departments.blockSignals(True)
            self.departments.setCurrentRow(ids.index(keep))
            self.departments.blockSignals(False)

    def department_progress(self) -> list[str]:
        """The department list as shown (used by tests)."""
        return [self.departments.item(i).text().replace("\n", " ") for i in range(self.departments.count())]

    def _load_results(self, department_id: int, *, keep_row: bool) -> None:
        """Show a department's rows: on the same row as before, or on the first one not recorded."""
        rows = guarded(self, inspections.results_for, self.ctx.session, self.inspection_id, department_id) or []
        current = self.grid.current_row() if keep_row else None
        self.model.load(rows, read_only=self.read_only)
        self.findings.hide()
        if current is None:
            current = next((i for i, r in enumerate(rows) if r.result is None), 0)
        if current < self.model.rowCount():
            self.grid.go_to_row(current)
        self._show_current_point()

    # -- departments
    def _department_clicked(self, item, _previous) -> None:
        if item is None:
            return
        wanted = item.data(Qt.ItemDataRole.UserRole)
        if not self.select_department(wanted):
            self._show_selected_department()

    def _show_selected_department(self) -> None:
        self.departments.blockSignals(True)
        for i in range(self.departments.count()):
            if self.departments.item(i).data(Qt.ItemDataRole.UserRole) == self.department_id:
                self.departments.setCurrentRow(i)
        self.departments.blockSignals(False)

    def select_department(self, department_id: int) -> bool:
        """Show another department's results (asking first about unsaved ones). False = stayed."""
        if department_id == self.department_id:
            return True
        if not self.confirm_leave("切换科室"):
            return False
        self.department_id = department_id
        self._show_selected_department()
        self._load_results(department_id, keep_row=False)
        self.grid.setFocus()
        return True

    def _step_department(self, step: int) -> None:
        row = self.departments.currentRow() + step
        if 0 <= row < self.departments.count():
            self.select_department(self.departments.item(row).data(Qt.ItemDataRole.UserRole))

    def department_name(self) -> str:
        item = self.departments.currentItem()
        return item.text().split("\n")[0] if item else ""

    # -- editing
    def _edits_changed(self) -> None:
        changed = len(self.model.changed_rows())
        self.setWindowModified(bool(changed))
        if changed:
            self._status(f"{self.department_name()}：有 {changed} 项修改尚未保存（Ctrl+S 保存）。", UNSAVED_COLOUR)
        self._show_current_point()

    def _status(self, text: str, colour: str) -> None:
        self.status.setText(text)
        self.status.setStyleSheet(f"color: {colour};")

    def _show_current_point(self) -> None:
        row = self.grid.current_row()
        if row is None or row >= self.model.rowCount():
            self.current_point.setText("")
            return
        item = self.model.rows[row].item
        text = f"【{item.code}】{item.text}"
        if item.method:
            text += f"\n检查方法：{item.method}"
        self.current_point.setText(text)

    def fill_all(self) -> None:
        n = self.model.fill_unrecorded(PASS)
        self._status(f"已将 {n} 项未录要点设为“符合”，请逐条核对例外项后保存。" if n else "本科室没有未录入的要点。",
                     UNSAVED_COLOUR)
        self.grid.setFocus()

    def save(self) -> bool:
        """Save the current department's changes. True when nothing is left unsaved."""
        if self.read_only or self.department_id is None:
            return True
        entries = self.model.pending_entries()
        if not entries:
            self._status("没有需要保存的修改。", SAVED_COLOUR)
            return True
        name = self.department_name()
        try:
            counts = inspections.record_results(self.ctx.session, self.inspection_id, self.department_id, entries)
        except ValidationError as exc:
            self._show_findings(exc)
            return False
        except Exception as exc:  # noqa: BLE001 - every error reaches the user, by kind
            show_error(self, exc)
            return False
        self.ctx.notify("ledger")
        self._reload_departments()
        self._load_results(self.department_id, keep_row=True)
        text = (f"已保存 {name} 的 {counts['saved']} 项结果：新登记问题 {counts['problems_created']} 个，"
                f"撤销问题 {counts['problems_removed']} 个。")
        self._status(text, SAVED_COLOUR)
        self.ctx.status_message.emit(text)
        return True

    def _show_findings(self, exc: ValidationError) -> None:
        codes = {f.record for f in exc.findings if f.record}
        self.findings.setText("未保存，请修改以下各项后再保存：<br>" + "<br>".join(f.message for f in exc.findings))
        self.findings.show()
        self.model.mark_errors(codes)
        rows = [r for r in (self.model.row_of_code(c) for c in codes) if r is not None]
        if rows:
            self.grid.go_to_row(min(rows))
        self.grid.setFocus()
        self._status(f"未保存：有 {len(exc.findings)} 处需要修改（红色行）。", "#c62828")

    def has_changes(self) -> bool:
        return self.model.has_changes()

    def confirm_leave(self, doing: str) -> bool:
        """Before the shown results are replaced: save, discard or stay. True = go ahead."""
        if not self.model.has_changes():
            return True
        answer = QMessageBox.question(
            self, "尚未保存",
            f"{self.department_name()} 有 {len(self.model.changed_rows())} 项检查结果尚未保存。\n\n"
            f"是：保存后{doing}　　否：放弃这些修改　　取消：留在本科室继续录入",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Yes,
        )
        if answer == QMessageBox.StandardButton.Yes:
            return self.save()
        if answer == QMessageBox.StandardButton.No:
            self.model.load(self.model.rows, read_only=self.read_only)
            return True
        return False

    # -- inspection actions
    def complete(self) -> None:
        if not self.confirm_leave("完成检查"):
            return
        unfinished = [s.department_name for s in self._scores if s.checked < self.total_items]
        warning = f"\n\n尚未录完的科室：{'、'.join(unfinished)}。" if unfinished and self.total_items else ""
        answer = QMessageBox.question(
            self, "完成检查",
            f"完成后，本次检查（{self.inspection.number}）各科室的结果都不能再修改；"
            f"已登记的问题继续在问题台账中整改。{warning}\n\n确定完成检查吗？")
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            inspections.complete_inspection(self.ctx.session, self.inspection_id)
        except Exception as exc:  # noqa: BLE001
            show_error(self, exc)
            return
        self.ctx.notify("ledger")
        self.reload()
        self._status(f"检查 {self.inspection.number} 已完成。", SAVED_COLOUR)

    def view_problems(self) -> None:
        if not self.confirm_leave("前往问题台账"):
            return
        self.ctx.navigate_requested.emit(f"ledger:inspection={self.inspection_id}")
        self.accept()

    def reject(self) -> None:
        if self.confirm_leave("关闭"):
            super().reject()
