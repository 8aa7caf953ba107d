"""值班表 page: plan a month from the keyboard, see every rule violation at once, publish it,
record 换班/替班 afterwards, print it for the notice board.

Each edit is one service call that returns the violations of the slot and person it touched;
the page patches its copy of the month with them (no reload per key). Single edits and the bulk
steps (复制上周, 复制上月, 按轮转表填充, 清空) are on an undo stack: a bulk step remembers exactly
which duties it added or removed, and undoing it takes out or puts back exactly those.
"""
from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QKeySequence, QShortcut, QUndoCommand, QUndoStack
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTabWidget,
    QToolButton,
)

from desktop_app import errors
from desktop_app.roster import service as roster
from desktop_app.roster.manifest import ROSTER_EXPORT, ROSTER_PLAN, ROSTER_PUBLISH, ROSTER_REVISE
from desktop_app.roster.models import PUBLISHED, month_bounds
from ui.dialogs.import_preview import ImportPreviewDialog
from ui.dialogs.roster_pick import RosterPickDialog
from ui.dialogs.roster_revision import RevisionDialog, ViolationConfirmDialog
from ui.errors import guarded, show_error
from ui.jobs import run_job
from ui.pages.base import Page
from ui.pdf_preview import choose_excel_file, export_xlsx, preview_pdf
from ui.table import Column, RecordTableModel, RecordTableView
from ui.widgets.roster_grid import DatePostModel, RosterGridView, RosterState, StaffDateModel

FROZEN_MESSAGE = "已发布的值班表不能直接修改，请登记换班或替班（“换班/替班…”按钮）。"


def _reports():
    # reportlab and openpyxl load only when printing, exporting or importing
    from desktop_app.roster import reports

    return reports


def _excel():
    from desktop_app.roster import excel_io

    return excel_io


VIOLATION_COLUMNS = [
    Column("日期", lambda v: v.date, width=86),
    Column("岗位", lambda v: v.post_name, width=150),
    Column("班次", lambda v: v.shift_name, width=60),
    Column("人员", lambda v: v.staff_name, width=70),
    Column("规则", lambda v: v.rule, width=110, colour=lambda v: "#c62828"),
    Column("说明", lambda v: v.message, tooltip=lambda v: v.text()),
]

REVISION_COLUMNS = [
    Column("版本", lambda r: f"第 {r.version} 版", width=64),
    Column("类型", lambda r: r.kind, width=50),
    Column("变更", lambda r: r.text(), width=420, tooltip=lambda r: r.text()),
    Column("原因", lambda r: r.reason, width=140, tooltip=lambda r: r.reason),
    Column("申请人", lambda r: r.requested_by, width=70),
    Column("批准人", lambda r: r.approved_by, width=120),
    Column("登记人", lambda r: r.recorded_by, width=70),
    Column("登记时间", lambda r: r.recorded_at[:16], width=120),
]


class _EditCommand(QUndoCommand):
    """One person put on (or taken off) one slot; the service call was already made once."""

    def __init__(self, page: "RosterPage", day: str, shift_id: int, person, adding: bool):
        super().__init__(f"{'排入' if adding else '撤下'} {person.name} {day}")
        self.page, self.day, self.shift_id, self.person, self.adding = page, day, shift_id, person, adding
        self.done_once = True

    def redo(self) -> None:
        if self.done_once:
            self.done_once = False
            return
        self.page.edit_slot(self.day, self.shift_id, self.person, self.adding, record=False)

    def undo(self) -> None:
        self.page.edit_slot(self.day, self.shift_id, self.person, not self.adding, record=False)


class _BulkCommand(QUndoCommand):
    """A bulk step: exactly the duties it added and removed, so undo reverses only those."""

    def __init__(self, page: "RosterPage", label: str, month: str, added: set, removed: set):
        super().__init__(label)
        self.page, self.label, self.month = page, label, month
        self.added, self.removed = sorted(added), sorted(removed)
        self.done_once = True

    def redo(self) -> None:
        if self.done_once:
            self.done_once = False
            return
        self.page.apply_bulk(self.month, self.added, self.removed, f"重做{self.label}")

    def undo(self) -> None:
        self.page.apply_bulk(self.month, self.removed, self.added, f"撤销{self.label}")


class RosterPage(Page):
    title = "值班表"
    domains = frozenset({"roster", "people"})

    def __init__(self, ctx, parent=None):
        super().__init__(ctx, parent)
        layout = self.page_layout(
            "值班表",
            "选中格子后按回车或直接输入拼音首字母排班，Delete 撤下，Ctrl+Z 撤销；违规即时显示在下方。"
            "发布后全院可见，此后的变动登记为换班或替班。")
        self.state: RosterState | None = None
        self.undo_stack = QUndoStack(self)
        self.picker: RosterPickDialog | None = None
        self.scopes: list = []
        self.all_shifts: dict = {}
        today = ctx.session.today()
        start = today.replace(day=28) + dt.timedelta(days=4) if ctx.can(ROSTER_PLAN) else today
        self.month = start.strftime("%Y-%m")
        self._build_toolbar(layout)
        self._build_body(layout)
        self._shortcuts()
        self.ctx.session_replaced.connect(self._session_replaced)

    # ------------------------------------------------------------------ building
    def _build_toolbar(self, layout) -> None:
        row = QHBoxLayout()
        self.prev_button = QToolButton()
        self.prev_button.setText("◀")
        self.prev_button.setToolTip("上个月（Ctrl+PgUp）")
        self.next_button = QToolButton()
        self.next_button.setText("▶")
        self.next_button.setToolTip("下个月（Ctrl+PgDn）")
        self.month_edit = QDateEdit()
        self.month_edit.setDisplayFormat("yyyy年M月")
        self.month_edit.setCalendarPopup(True)
        self._show_month_in_edit()
        self.scope = QComboBox()
        self.scope.setMinimumContentsLength(14)
        self.scope.setToolTip("显示哪些岗位：全部、某一分组或某一科室")
        self.by_date = QToolButton()
        self.by_date.setText("日期×岗位")
        self.by_staff = QToolButton()
        self.by_staff.setText("人员×日期")
        self.view_group = QButtonGroup(self)
        for i, b in enumerate((self.by_date, self.by_staff)):
            b.setCheckable(True)
            self.view_group.addButton(b, i)
        self.by_date.setChecked(True)
        self.status_label = QLabel()
        self.status_label.setObjectName("rosterStatus")
        self.count_label = QLabel()
        for w in (self.prev_button, self.month_edit, self.next_button):
            row.addWidget(w)
        row.addSpacing(8)
        row.addWidget(self.scope)
        row.addSpacing(8)
        row.addWidget(self.by_date)
        row.addWidget(self.by_staff)
        row.addSpacing(12)
        row.addWidget(self.status_label)
        row.addStretch(1)
        row.addWidget(self.count_label)
        layout.addLayout(row)

        actions = QHBoxLayout()
        self.copy_week_button = QPushButton("复制上周")
        self.copy_week_button.setToolTip("把前 7 天的排班复制到当前格子所在的这一周（只限当前显示的岗位）")
        self.copy_month_button = QPushButton("复制上月")
        self.copy_month_button.setToolTip("按星期对应，把上个月的排班复制到本月（只限当前显示的岗位）")
        self.rotation_button = QPushButton("按轮转表填充")
        self.rotation_button.setToolTip("按当前格子所在岗位的轮转表，依次填满本月空缺的班次")
        self.clear_button = QPushButton("清空")
        self.undo_button = QPushButton("撤销")
        self.undo_button.setToolTip("撤销（Ctrl+Z）")
        self.redo_button = QPushButton("重做")
        self.redo_button.setToolTip("重做（Ctrl+Y）")
        self.check_button = QPushButton("检查")
        self.check_button.setToolTip("重新检查整月的值班规则")
        self.publish_button = QPushButton("发布…")
        self.revise_button = QPushButton("换班/替班…")
        self.print_button = QPushButton("打印…")
        self.export_button = QPushButton("导出 Excel…")
        self.import_button = QPushButton("导入 Excel…")
        self.template_button = QPushButton("导入模板…")
        self.edit_buttons = (self.copy_week_button, self.copy_month_button, self.rotation_button, self.clear_button,
                             self.undo_button, self.redo_button, self.check_button, self.import_button,
                             self.template_button)
        for b in (*self.edit_buttons[:7], self.publish_button, self.revise_button, self.print_button,
                  self.export_button, self.import_button, self.template_button):
            actions.addWidget(b)
        actions.addStretch(1)
        layout.addLayout(actions)

        self.prev_button.clicked.connect(lambda: self.step_month(-1))
        self.next_button.clicked.connect(lambda: self.step_month(1))
        self.month_edit.dateChanged.connect(self._month_edited)
        self.scope.currentIndexChanged.connect(lambda _i: self.reload())
        self.view_group.idClicked.connect(self.show_view)
        self.copy_week_button.clicked.connect(self.copy_week)
        self.copy_month_button.clicked.connect(self.copy_month)
        self.rotation_button.clicked.connect(self.fill_rotation)
        self.clear_button.clicked.connect(self.clear_shown)
        self.undo_button.clicked.connect(self.undo_stack.undo)
        self.redo_button.clicked.connect(self.undo_stack.redo)
        self.undo_stack.canUndoChanged.connect(self.undo_button.setEnabled)
        self.undo_stack.canRedoChanged.connect(self.redo_button.setEnabled)
        # methods, not lambdas: Qt drops these connections when the page goes, before its buttons do
        self.undo_stack.undoTextChanged.connect(self._show_undo_text)
        self.undo_stack.redoTextChanged.connect(self._show_redo_text)
        self.undo_button.setEnabled(False)
        self.redo_button.setEnabled(False)
        self.check_button.clicked.connect(self.check)
        self.publish_button.clicked.connect(self.publish)
        self.revise_button.clicked.connect(self.revise)
        self.print_button.clicked.connect(self.print_roster)
        self.export_button.clicked.connect(self.export_roster)
        self.import_button.clicked.connect(lambda: self.import_file())
        self.template_button.clicked.connect(self.save_template)

    def _build_body(self, layout) -> None:
        split = QSplitter(Qt.Orientation.Vertical)
        self.stack = QStackedWidget()
        self.grid_model = DatePostModel(self)
        self.grid = RosterGridView(self.grid_model)
        self.grid.pick_requested.connect(lambda index, text: self.open_picker(index, text))
        self.grid.clear_requested.connect(self.clear_cell)
        self.staff_model = StaffDateModel(self)
        self.staff_view = RosterGridView(self.staff_model, slot_width=34)
        self.staff_view.setSortingEnabled(True)
        self.staff_view.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.staff_view.verticalHeader().setVisible(False)
        self.empty_label = QLabel()
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setObjectName("pageDescription")
        for w in (self.grid, self.staff_view, self.empty_label):
            self.stack.addWidget(w)
        split.addWidget(self.stack)
        self.tabs = QTabWidget()
        self.violation_model = RecordTableModel(VIOLATION_COLUMNS, self)
        self.violation_table = RecordTableView(self.violation_model)
        self.violation_table.activated.connect(lambda _i: self.jump_to_violation())
        self.revision_model = RecordTableModel(REVISION_COLUMNS, self)
        self.revision_table = RecordTableView(self.revision_model)
        self.tabs.addTab(self.violation_table, "违规")
        self.tabs.addTab(self.revision_table, "变更记录")
        split.addWidget(self.tabs)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        split.setSizes([520, 190])
        layout.addWidget(split, 1)

    def _shortcuts(self) -> None:
        def add(keys, fn):
            shortcut = QShortcut(QKeySequence(keys), self, fn)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)

        add("Ctrl+PgUp", lambda: self.step_month(-1))
        add("Ctrl+PgDown", lambda: self.step_month(1))
        add(QKeySequence.StandardKey.Undo, self.undo)
        add("Ctrl+Y", self.redo)
        add("Ctrl+Shift+Z", self.redo)

    def _notify(self) -> None:
        """Tell other pages (工作台 to-dos) the roster changed; this page has already redrawn."""
        self._quiet = True
        try:
            self.ctx.notify("roster")
        finally:
            self._quiet = False

    def _on_changed(self, domains: set[str]) -> None:
        if not getattr(self, "_quiet", False):
            super()._on_changed(domains)

    # ------------------------------------------------------------------ month and scope
    def _show_month_in_edit(self) -> None:
        year, month = map(int, self.month.split("-"))
        self.month_edit.blockSignals(True)
        self.month_edit.setDate(QDate(year, month, 1))
        self.month_edit.blockSignals(False)

    def _month_edited(self, date: QDate) -> None:
        month = f"{date.year():04d}-{date.month():02d}"
        if month != self.month:
            self.set_month(month)

    def _show_undo_text(self, text: str) -> None:
        self.undo_button.setToolTip(f"撤销：{text}（Ctrl+Z）")

    def _show_redo_text(self, text: str) -> None:
        self.redo_button.setToolTip(f"重做：{text}（Ctrl+Y）")

    def set_month(self, month: str) -> None:
        if month != self.month:
            self.undo_stack.clear()  # edits of another month are not undone from here
        self.month = month
        self._show_month_in_edit()
        self.reload()

    def step_month(self, delta: int) -> None:
        first = dt.date.fromisoformat(self.month + "-01")
        moved = (first + dt.timedelta(days=32)).replace(day=1) if delta > 0 else (first - dt.timedelta(days=1))
        self.set_month(moved.strftime("%Y-%m"))

    def apply_preset(self, preset: str) -> None:
        """'2026-12' opens that month (links from the 工作台 to-dos)."""
        if len(preset) == 7 and preset[4] == "-" and preset.replace("-", "").isdigit():
            self.set_month(preset)

    def _session_replaced(self) -> None:
        self.scopes = []
        self.undo_stack.clear()

    def _fill_scopes(self) -> None:
        self.scopes = guarded(self, roster.view_scopes, self.ctx.session) or []
        self.scope.blockSignals(True)
        self.scope.clear()
        for s in self.scopes:
            self.scope.addItem(s.label)
        self.scope.blockSignals(False)

    def current_scope(self):
        i = self.scope.currentIndex()
        return self.scopes[i] if 0 <= i < len(self.scopes) else None

    # ------------------------------------------------------------------ loading
    def refresh(self) -> None:
        if not self.scopes:
            self._fill_scopes()
        self._apply_permissions()
        self.reload()

    def reload(self) -> None:
        """Ask the service for the month and show it, keeping the current cell."""
        scope = self.current_scope()
        keep = self.grid.currentIndex()
        keep = (keep.row(), keep.column()) if keep.isValid() else (0, 0)
        try:
            view = roster.month_view(self.ctx.session, self.month, group=scope.group if scope else None,
                                     department_id=scope.department_id if scope else None)
        except errors.UserError as exc:
            self._show_empty(exc.message)
            return
        except Exception as exc:  # noqa: BLE001 - a bug: the crash dialog
            show_error(self, exc)
            return
        self.all_shifts = {s.id: (p, s) for p in roster.list_posts(self.ctx.session) for s in p.shifts}
        self.state = RosterState(view)
        self.grid_model.set_state(self.state)
        self._size_columns()
        if not self.state.slots:
            self._show_empty("还没有设置值班岗位和班次。请在“值班岗位”设置中添加岗位、班次和轮转表。"
                             if not self.scopes else "所选范围内没有值班岗位。")
        else:
            self.show_view(self.view_group.checkedId())
            row, col = min(keep[0], self.grid_model.rowCount() - 1), min(keep[1], self.grid_model.columnCount() - 1)
            self.grid.setCurrentIndex(self.grid_model.index(row, col))
        self.revision_model.set_rows(view.revisions)
        self.tabs.setTabText(1, f"变更记录（{len(view.revisions)}）" if view.revisions else "变更记录")
        self._show_status()
        self._update_violations()

    def _show_empty(self, text: str) -> None:
        self.state = None
        self.grid_model.set_state(None)
        self.staff_model.set_state(None)
        self.empty_label.setText(text)
        self.stack.setCurrentWidget(self.empty_label)
        self.violation_model.set_rows([])
        self.revision_model.set_rows([])
        self.status_label.setText("")
        self.count_label.setText("")
        self._apply_permissions()

    def _size_columns(self) -> None:
        metrics = self.grid.horizontalHeader().fontMetrics()
        for col in range(self.grid_model.columnCount()):
            text = self.grid_model.headerData(col, Qt.Orientation.Horizontal)
            width = max(metrics.horizontalAdvance(line) for line in text.split("\n")) + 18
            self.grid.setColumnWidth(col, max(96, min(200, width)))

    def show_view(self, which: int) -> None:
        if self.state is None:
            return
        if which == 1:
            self.staff_model.set_state(self.state, self.all_shifts)
            self.staff_view.resizeColumnToContents(0)
            self.staff_view.setColumnWidth(1, 110)
            for col in range(2, self.staff_model.columnCount()):
                self.staff_view.setColumnWidth(col, 52 if col < 2 + len(StaffDateModel.TALLY) else 34)
            self.stack.setCurrentWidget(self.staff_view)
        else:
            self.stack.setCurrentWidget(self.grid)

    def _show_status(self) -> None:
        view = self.state.view
        if view.status == PUBLISHED:
            text = f"已发布 第 {view.version} 版 · 发布于 {(view.published_at or '')[:16]}"
            if view.published_by:
                text += f"（{view.published_by}）"
            style = "color:#1b5e20; background:#e3f1e4;"
        else:
            text, style = "草稿（未发布）", "color:#8a5a00; background:#fff1d6;"
        self.status_label.setText(text)
        self.status_label.setStyleSheet(style + " padding:2px 8px; border-radius:3px;")
        self._apply_permissions()

    def _update_violations(self) -> None:
        if self.state is None:
            return
        shown = self.state.shown_violations()
        self.violation_model.set_rows(shown)
        self.count_label.setText(f"违规 {len(shown)} 处" if shown else "无违规")
        self.count_label.setStyleSheet("color:#c62828; font-weight:bold;" if shown else "color:#1b5e20;")
        self.tabs.setTabText(0, f"违规（{len(shown)}）")

    def _apply_permissions(self) -> None:
        can = self.ctx.can
        draft = self.state is not None and self.state.view.editable
        published = self.state is not None and self.state.view.status == PUBLISHED
        for b in self.edit_buttons:
            b.setVisible(can(ROSTER_PLAN))
            b.setEnabled(draft)
        self.undo_button.setEnabled(draft and self.undo_stack.canUndo())
        self.redo_button.setEnabled(draft and self.undo_stack.canRedo())
        self.template_button.setEnabled(can(ROSTER_PLAN))
        self.check_button.setEnabled(self.state is not None)  # checking never changes anything
        self.publish_button.setVisible(can(ROSTER_PUBLISH))
        self.publish_button.setEnabled(draft)
        self.revise_button.setVisible(can(ROSTER_REVISE))
        self.revise_button.setEnabled(published)
        for b in (self.print_button, self.export_button):
            b.setVisible(can(ROSTER_EXPORT))
            b.setEnabled(self.state is not None)

    # ------------------------------------------------------------------ editing one cell
    def _may_edit(self) -> bool:
        if self.state is None or not self.ctx.can(ROSTER_PLAN):
            return False  # read-only users: the keys simply do nothing
        if self.state.view.editable:
            return True
        if self.state.view.status == PUBLISHED:
            QMessageBox.information(self, "值班表已发布", FROZEN_MESSAGE)
        else:
            QMessageBox.information(self, "不能修改", "这些岗位不在您可以排班的范围内。")
        return False

    def open_picker(self, index=None, text: str = "") -> RosterPickDialog | None:
        index = index if index is not None and index.isValid() else self.grid.currentIndex()
        if not index.isValid() or not self._may_edit():
            return None
        day, post, shift = self.grid_model.slot(index)
        key = day.isoformat()
        self.picker = RosterPickDialog(
            self.ctx, day, post, shift, people=lambda: self.state.people(key, shift.id),
            assign=lambda person: self.edit_slot(key, shift.id, person, True),
            unassign=lambda staff_id: self._unassign_id(key, shift.id, staff_id),
            initial=text, parent=self)
        rect = self.grid.visualRect(index)
        self.picker.move(self.grid.viewport().mapToGlobal(rect.bottomLeft()))
        self.picker.finished.connect(lambda _r: self.grid.setFocus())
        self.picker.open()
        return self.picker

    def _unassign_id(self, day: str, shift_id: int, staff_id: int) -> bool:
        person = next((p for p in self.state.people(day, shift_id) if p.id == staff_id), None)
        return person is not None and self.edit_slot(day, shift_id, person, False)

    def clear_cell(self, index=None) -> None:
        index = index if index is not None and index.isValid() else self.grid.currentIndex()
        if not index.isValid() or not self._may_edit():
            return
        day, _post, shift = self.grid_model.slot(index)
        people = list(self.state.people(day.isoformat(), shift.id))
        if len(people) > 1:
            everyone = f"全部 {len(people)} 人"
            choice, ok = QInputDialog.getItem(self, "撤下值班人员", "撤下谁？", [everyone, *(p.name for p in people)],
                                              0, False)
            if not ok:
                return
            people = people if choice == everyone else [p for p in people if p.name == choice][:1]
        for person in people:
            self.edit_slot(day.isoformat(), shift.id, person, False)

    def edit_slot(self, day: str, shift_id: int, person, adding: bool, *, record: bool = True) -> bool:
        """Put ``person`` on (or off) a slot through the service; patch the month with the live
        violations it returns; push it on the undo stack unless it is an undo/redo itself."""
        fn = roster.assign if adding else roster.unassign
        try:
            live = fn(self.ctx.session, day, shift_id, person.id)
        except Exception as exc:  # noqa: BLE001 - shown by kind; the month may have changed elsewhere
            show_error(self, exc)
            if not record:
                self.undo_stack.clear()
            self.reload()
            return False
        if adding:
            self.state.add(day, shift_id, person, live)
        else:
            self.state.remove(day, shift_id, person.id, live)
        self.grid_model.all_changed()
        self._update_violations()
        if record:
            self.undo_stack.push(_EditCommand(self, day, shift_id, person, adding))
        self._apply_permissions()
        return True

    def undo(self) -> None:
        if self._may_edit():
            self.undo_stack.undo()

    def redo(self) -> None:
        if self._may_edit():
            self.undo_stack.redo()

    # ------------------------------------------------------------------ bulk steps
    def _duties(self) -> set:
        return {(d, s, p.id) for (d, s), people in self.state.cells.items() for p in people}

    def _shown_post_ids(self) -> list[int]:
        return list(self.state.posts)

    def _bulk(self, label: str, fn, *args, **kwargs) -> None:
        if not self._may_edit():
            return
        before = self._duties()
        result = guarded(self, fn, self.ctx.session, *args, **kwargs)
        if result is None:
            return
        self.reload()
        after = self._duties() if self.state else before
        added, removed = after - before, before - after
        if added or removed:
            self.undo_stack.push(_BulkCommand(self, label, self.month, added, removed))
            self._apply_permissions()
        counts = "、".join(t for t in (f"排入 {len(added)} 个班次" if added else "",
                                       f"撤下 {len(removed)} 个班次" if removed else "") if t)
        self.ctx.status_message.emit(f"{label}：{counts or '没有变化'}" + ("（Ctrl+Z 可撤销）" if counts else ""))
        self._notify()

    def apply_bulk(self, month: str, add, remove, reason: str) -> None:
        try:
            roster.apply_changes(self.ctx.session, month, add=add, remove=remove, reason=reason)
        except Exception as exc:  # noqa: BLE001
            show_error(self, exc)
            self.undo_stack.clear()
        self.reload()

    def _current_slot(self):
        index = self.grid.currentIndex()
        return self.grid_model.slot(index) if index.isValid() else None

    def copy_week(self) -> None:
        slot = self._current_slot()
        if slot is None:
            return
        first, last = month_bounds(self.month)
        monday = slot[0] - dt.timedelta(days=slot[0].weekday())
        target = max(monday, first)
        days = min(7 - (target - monday).days, (last - target).days + 1)
        self._bulk("复制上周", roster.copy_days, target - dt.timedelta(days=7), target, days,
                   post_ids=self._shown_post_ids())

    def copy_month(self) -> None:
        self._bulk("复制上月", roster.copy_previous_month, self.month, post_ids=self._shown_post_ids())

    def fill_rotation(self) -> None:
        slot = self._current_slot()
        if slot is None:
            QMessageBox.information(self, "按轮转表填充", "请先选中要填充的岗位中的一个格子。")
            return
        self._bulk(f"按轮转表填充（{slot[1].name}）", roster.fill_from_rotation, self.month, slot[1].id)

    def clear_shown(self) -> None:
        if not self._may_edit():
            return
        if QMessageBox.question(
                self, "清空", f"清空 {self.month} 当前显示的 {len(self.state.posts)} 个岗位的全部排班吗？\n"
                              "清空后可按 Ctrl+Z 撤销。") != QMessageBox.StandardButton.Yes:
            return
        self._bulk("清空", roster.clear_month, self.month, post_ids=self._shown_post_ids())

    def check(self) -> None:
        self.reload()
        if self.state is not None:
            count = len(self.state.shown_violations())
            self.tabs.setCurrentIndex(0)
            self.ctx.status_message.emit(f"检查完成：{self.month} 违规 {count} 处" if count else "检查完成：没有违规")

    # ------------------------------------------------------------------ violations panel
    def jump_to_violation(self, violation=None) -> bool:
        violation = violation or self.violation_table.selected_record()
        if violation is None or violation.shift_id is None or self.state is None:
            return False
        if violation.shift_id not in self.state.shifts and self.scopes and self.scope.currentIndex() != 0:
            self.scope.setCurrentIndex(0)  # the post is in another group: show all posts
        index = self.grid_model.index_of(violation.date, violation.shift_id)
        if not index.isValid():
            return False
        self.by_date.setChecked(True)
        self.show_view(0)
        self.grid.setCurrentIndex(index)
        self.grid.scrollTo(index)
        self.grid.setFocus()
        return True

    # ------------------------------------------------------------------ publishing and revisions
    def publish(self) -> None:
        if self.state is None or not self.state.view.editable:
            return
        try:
            violations = roster.check_month(self.ctx.session, self.month)
        except Exception as exc:  # noqa: BLE001
            show_error(self, exc)
            return
        if violations:
            dialog = ViolationConfirmDialog(
                "发布值班表", f"{self.month} 的值班表有 {len(violations)} 处违反值班规则（全院所有岗位）。"
                              "建议先改正；确需发布的，请勾选下面的确认。", violations, "发布", self)
            self.publish_dialog = dialog
            if not dialog.exec():
                return
        elif QMessageBox.question(
                self, "发布值班表", f"发布 {self.month} 的值班表吗？\n发布后全院可见；此后的变动须登记换班或替班。") \
                != QMessageBox.StandardButton.Yes:
            return
        result = guarded(self, roster.publish, self.ctx.session, self.month, confirm_violations=bool(violations))
        if result is not None:
            self.undo_stack.clear()
            self.ctx.status_message.emit(f"{self.month} 值班表已发布（第 {result.version} 版）")
            self._notify()
            self.reload()

    def _duties_of(self, staff_id: int) -> list[tuple[str, str, int]]:
        out = []
        for (day, shift_id), people in sorted(self.state.cells.items()):
            if shift_id in self.all_shifts and any(p.id == staff_id for p in people):
                post, shift = self.all_shifts[shift_id]
                out.append((f"{day} {post.name} · {shift.name}", day, shift_id))
        return out

    def revise(self) -> RevisionDialog | None:
        slot = self._current_slot()
        if self.state is None or slot is None:
            return None
        if self.state.view.status != PUBLISHED:
            QMessageBox.information(self, "换班/替班", "草稿可直接修改，发布之后的变动才需登记换班或替班。")
            return None
        day, post, shift = slot
        people = self.state.people(day.isoformat(), shift.id)
        if not people:
            QMessageBox.information(self, "换班/替班", "这个班上没有人，请先选中有人值班的格子。")
            return None
        dialog = RevisionDialog(self.ctx, day, post, shift, people, duties_of=self._duties_of, parent=self)
        self.revision_dialog = dialog
        dialog.accepted.connect(self._revision_saved)
        dialog.open()
        return dialog

    def _revision_saved(self) -> None:
        self.ctx.status_message.emit(f"已登记：{self.revision_dialog.saved.text()}")
        self._notify()
        self.reload()

    # ------------------------------------------------------------------ printing, export, import
    def _snapshot_args(self) -> dict:
        scope = self.current_scope()
        return {"group": scope.group if scope else None, "department_id": scope.department_id if scope else None}

    def _file_stem(self) -> str:
        scope = self.current_scope()
        label = scope.label.split("：")[-1] if scope and (scope.group or scope.department_id) else "全院"
        return f"值班表-{self.month}-{label}"

    def print_roster(self) -> None:
        args, month = self._snapshot_args(), self.month
        layout = "month" if args["department_id"] is not None else "week"
        preview_pdf(self, self.ctx, f"{month} 值班表", f"{self._file_stem()}.pdf",
                    lambda session, path, progress: _reports().write_roster_pdf(
                        _reports().roster_snapshot(session, month, **args), path, progress, layout=layout))

    def export_roster(self) -> None:
        args, month = self._snapshot_args(), self.month
        export_xlsx(self, self.ctx, f"{month} 值班表", f"{self._file_stem()}.xlsx",
                    lambda session, path, progress: _reports().write_roster_xlsx(
                        _reports().roster_snapshot(session, month, **args), path, progress))

    def save_template(self) -> None:
        month = self.month
        export_xlsx(self, self.ctx, "值班表导入模板", f"值班表导入模板-{month}.xlsx",
                    lambda session, path, _progress: _excel().write_roster_template(session, path, month))

    def import_file(self, path: str | None = None) -> None:
        if not self._may_edit():
            return
        if not path:
            path = choose_excel_file(self, f"选择 {self.month} 的值班表（Excel）")
            if not path:
                return
        month = self.month
        run_job(self, self.ctx, "正在读取并检查 Excel 文件…",
                lambda session, _p: _excel().preview_roster_import(session, path, month), self._show_import_plan)

    def _show_import_plan(self, plan) -> None:
        def duties(row) -> str:
            slots = [self.all_shifts.get(shift_id) for shift_id, _staff in row.duties]
            return "、".join(f"{p.name}·{s.name}" for p, s in filter(None, slots))

        columns = [
            Column("行", lambda r: r.row, width=50, align_right=True),
            Column("日期", lambda r: r.date, width=90),
            Column("人次", lambda r: len(r.duties), width=50, align_right=True),
            Column("岗位·班次", duties, width=560, tooltip=duties),
        ]
        dialog = ImportPreviewDialog(f"导入 {self.month} 值班表", plan.file_name, plan.summary(), plan.findings,
                                     columns, plan.rows, plan.can_apply, self)
        self._last_import_dialog = dialog
        if not dialog.exec():
            return
        before = self._duties() if self.state else set()

        def done(result) -> None:
            self.reload()
            added = (self._duties() - before) if self.state else set()
            if added:
                self.undo_stack.push(_BulkCommand(self, "导入", self.month, added, set()))
                self._apply_permissions()
            self._notify()
            kept = f"，{result.already_there} 人次原已排好" if result.already_there else ""
            QMessageBox.information(self, "导入完成", f"已排入 {result.added} 人次{kept}。可按 Ctrl+Z 撤销这次导入。")

        run_job(self, self.ctx, "正在导入…", lambda session, _p: _excel().apply_roster_import(session, plan), done)
