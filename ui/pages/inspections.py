"""检查记录: the inspections of a year, a new inspection, and each one's department scores.

Opening an inspection (Enter, double-click or 录入结果) shows the recording window
(:mod:`ui.dialogs.inspection_record`), where results are typed check point by check point.
"""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
)

from desktop_app.ledger import inspections
from desktop_app.ledger.manifest import INSPECTIONS_RECORD
from ui.dialogs.inspection_new import NewInspectionDialog
from ui.dialogs.inspection_record import SCORE_COLUMNS, InspectionRecordDialog
from ui.errors import guarded
from ui.pages.base import Page, button_row
from ui.table import Column, RecordTableModel, RecordTableView

STATUS_COLOURS = {inspections.IN_PROGRESS: "#1565c0", inspections.DONE: "#6b7480"}
YEARS_SHOWN = 10

COLUMNS = [
    Column("编号", lambda i: i.number, width=96),
    Column("检查日期", lambda i: i.inspected_on, width=92),
    Column("检查类型", lambda i: i.type, width=136),
    Column("检查名称", lambda i: i.title, width=290, tooltip=lambda i: i.title),
    Column("检查表", lambda i: i.checklist_label or "（未使用）", width=170, tooltip=lambda i: i.checklist_label),
    Column("受检科室", lambda i: "、".join(i.department_names), width=190,
           tooltip=lambda i: f"共 {len(i.department_names)} 个科室：" + "、".join(i.department_names)),
    Column("状态", lambda i: i.status, width=64, colour=lambda i: STATUS_COLOURS.get(i.status)),
    Column("发现问题", lambda i: i.problem_count, sort=lambda i: i.problem_count, width=76, align_right=True,
           colour=lambda i: "#c62828" if i.problem_count else None),
]


class InspectionsPage(Page):
    title = "检查记录"
    domains = frozenset({"ledger", "people"})

    def __init__(self, ctx, parent=None):
        super().__init__(ctx, parent)
        layout = self.page_layout(
            "检查记录",
            "每次检查逐科室、逐要点录入结果，每个“不符合”自动登记到问题台账。选中一次检查后按 Enter 或双击录入结果。")
        filters = QHBoxLayout()
        filters.addWidget(QLabel("年度"))
        self.year = QComboBox()
        filters.addWidget(self.year)
        self.search = QLineEdit()
        self.search.setPlaceholderText("筛选：编号、名称、类型、科室…")
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(240)
        filters.addWidget(self.search)
        filters.addStretch(1)
        self.count = QLabel()
        filters.addWidget(self.count)
        layout.addLayout(filters)

        split = QSplitter(Qt.Orientation.Vertical)
        self.model = RecordTableModel(COLUMNS, self)
        self.table = RecordTableView(self.model)
        self.rows: list[inspections.Inspection] = []
        self.search.textChanged.connect(lambda _t: self._show_rows())
        self.table.doubleClicked.connect(lambda _i: self.open_selected())
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._show_selected())
        split.addWidget(self.table)
        self.detail = QGroupBox("所选检查")
        dv = QVBoxLayout(self.detail)
        self.summary = QLabel("在上方选择一次检查。")
        self.summary.setWordWrap(True)
        dv.addWidget(self.summary)
        self.scores = RecordTableModel(SCORE_COLUMNS, self)
        self.scores_view = RecordTableView(self.scores)
        self.scores_view.horizontalHeader().setStretchLastSection(False)
        dv.addWidget(self.scores_view, 1)
        split.addWidget(self.detail)
        split.setSizes([380, 240])
        layout.addWidget(split, 1)

        self.new_button = QPushButton("新建检查（Ctrl+N）")
        self.open_button = QPushButton("录入 / 查看结果")
        self.problems_button = QPushButton("查看本次检查发现的问题")
        self.new_button.clicked.connect(self.new_inspection)
        self.open_button.clicked.connect(self.open_selected)
        self.problems_button.clicked.connect(self.view_problems)
        layout.addLayout(button_row(self.new_button, self.open_button, self.problems_button))
        self.record_dialog: InspectionRecordDialog | None = None
        self.new_dialog: NewInspectionDialog | None = None

        self._fill_years()
        self.year.currentIndexChanged.connect(lambda _i: self.refresh())
        QShortcut(QKeySequence.StandardKey.New, self, lambda: self.new_button.isVisible() and self.new_inspection())
        QShortcut(QKeySequence.StandardKey.Find, self, self.search.setFocus)
        for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            shortcut = QShortcut(QKeySequence(key), self.table, self.open_selected)
            shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
        self._apply_permissions()
        self.ctx.session_replaced.connect(self._apply_permissions)

    def _apply_permissions(self) -> None:
        can_record = self.ctx.can(INSPECTIONS_RECORD)
        self.new_button.setVisible(can_record)
        self.open_button.setText("录入 / 查看结果" if can_record else "查看结果")

    def _fill_years(self) -> None:
        this_year = self.ctx.session.today().year
        self.year.addItem(f"{this_year} 年", this_year)
        for y in range(this_year - 1, this_year - YEARS_SHOWN, -1):
            self.year.addItem(f"{y} 年", y)
        self.year.addItem("全部年度", None)

    def refresh(self) -> None:
        rows = guarded(self, inspections.list_inspections, self.ctx.session, year=self.year.currentData())
        if rows is None:
            return
        self.rows = rows
        self._show_rows()

    def _show_rows(self) -> None:
        """The year's inspections whose number, title, type or departments contain the search text."""
        keep = self.selected_id()
        text = self.search.text().strip()
        shown = [i for i in self.rows
                 if not text or text in " ".join((i.number, i.title, i.type, *i.department_names))]
        self.model.set_rows(shown)
        self.count.setText(f"共 {len(self.rows)} 次检查" + (f"，显示 {len(shown)} 次" if len(shown) != len(self.rows) else ""))
        self.select_inspection(keep) or self.table.select_first()
        self._show_selected()

    def selected_id(self) -> int | None:
        record = self.table.selected_record()
        return record.id if record else None

    def select_inspection(self, inspection_id: int | None) -> bool:
        return inspection_id is not None and self.table.select_where(lambda i: i.id == inspection_id)

    def shown_numbers(self) -> list[str]:
        return [self.model.record(i).number for i in range(self.model.rowCount())]

    def _show_selected(self) -> None:
        record = self.table.selected_record()
        self.open_button.setEnabled(record is not None)
        self.problems_button.setEnabled(record is not None)
        if record is None:
            self.summary.setText("在上方选择一次检查。" if self.model.rowCount() else "本年度还没有检查记录。")
            self.scores.set_rows([])
            return
        self.summary.setText(
            f"<b>{record.number}　{record.title}</b>　{record.type}，{record.inspected_on}，检查人员：{record.inspectors}。"
            f"　发现问题 {record.problem_count} 个，状态：{record.status}。")
        self.scores.set_rows(guarded(self, inspections.department_scores, self.ctx.session, record.id) or [])

    # -- actions
    def new_inspection(self) -> NewInspectionDialog:
        dialog = NewInspectionDialog(self.ctx, parent=self)
        self.new_dialog = dialog

        def created() -> None:
            self.select_inspection(dialog.saved.id)
            self.open_inspection(dialog.saved.id)

        dialog.accepted.connect(created)
        dialog.open()
        return dialog

    def open_selected(self) -> InspectionRecordDialog | None:
        inspection_id = self.selected_id()
        return self.open_inspection(inspection_id) if inspection_id is not None else None

    def open_inspection(self, inspection_id: int) -> InspectionRecordDialog:
        dialog = InspectionRecordDialog(self.ctx, inspection_id, parent=self)
        self.record_dialog = dialog
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        dialog.grid.setFocus()
        return dialog

    def view_problems(self) -> None:
        inspection_id = self.selected_id()
        if inspection_id is not None:
            self.ctx.navigate_requested.emit(f"ledger:inspection={inspection_id}")
