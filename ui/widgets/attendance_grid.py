"""The sign-in and score sheet of one session: 200 people recorded quickly from the keyboard.

Rows are the session's people; the 签到 column is a check box (Space toggles it, everyone starts
present so only the absent need a tick), the score columns take a number and Enter moves down to
the next person, the way one types a column of scores from a paper sheet. 结果 follows the score
at once (pass mark given by the assessment). The grid only collects; the core decides.
"""
from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QAbstractItemDelegate, QAbstractItemView, QHeaderView, QTableView

PASS_COLOUR, FAIL_COLOUR, ABSENT_COLOUR = "#2e7d32", "#c62828", "#9aa3ad"


@dataclass
class SheetRow:
    staff_id: int
    employee_no: str
    name: str
    department: str
    title: str | None
    expected: bool
    present: bool
    note: str = ""
    score: str = ""        # first attempt, as typed
    make_up: str = ""      # 补考


class AttendanceModel(QAbstractTableModel):
    NO, NAME, DEPT, TITLE, PRESENT, NOTE, SCORE, MAKE_UP, RESULT = range(9)
    HEADERS = ["工号", "姓名", "科室", "职称", "签到", "备注（缺席原因）", "成绩", "补考", "结果"]

    def __init__(self, parent=None):
        super().__init__(parent)
        self.rows: list[SheetRow] = []
        self.pass_mark: float | None = None  # None: no assessment, the score columns are hidden
        self.changed = False

    def set_rows(self, rows: list[SheetRow], pass_mark: float | None) -> None:
        self.beginResetModel()
        self.rows = rows
        self.pass_mark = pass_mark
        self.changed = False
        self.endResetModel()

    def add_row(self, row: SheetRow) -> int:
        self.beginInsertRows(QModelIndex(), len(self.rows), len(self.rows))
        self.rows.append(row)
        self.endInsertRows()
        self.changed = True
        return len(self.rows) - 1

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802 - Qt API
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        if orientation == Qt.Orientation.Vertical and role == Qt.ItemDataRole.DisplayRole:
            return str(section + 1)
        return None

    def passes(self, text: str) -> bool | None:
        """Whether a typed score reaches the pass mark (None: blank, not a number, or no assessment)."""
        if self.pass_mark is None or not text.strip():
            return None
        try:
            return float(text.strip().replace("分", "")) >= self.pass_mark
        except ValueError:
            return None

    def result(self, row: SheetRow) -> str:
        """合格/不合格 as the score reads now (the 补考 decides when there is one)."""
        for text, label in ((row.make_up, "补考"), (row.score, "")):
            if self.pass_mark is not None and text.strip():
                passed = self.passes(text)
                return "成绩不是数字" if passed is None else f"{label}{'合格' if passed else '不合格'}"
        return ""

    def flags(self, index: QModelIndex):
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        col = index.column()
        if col == self.PRESENT:
            return base | Qt.ItemFlag.ItemIsUserCheckable
        if col in (self.NOTE, self.SCORE, self.MAKE_UP):
            return base | Qt.ItemFlag.ItemIsEditable
        return base

    def data(self, index: QModelIndex, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        r, col = self.rows[index.row()], index.column()
        if role == Qt.ItemDataRole.CheckStateRole and col == self.PRESENT:
            return Qt.CheckState.Checked if r.present else Qt.CheckState.Unchecked
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return {self.NO: r.employee_no, self.NAME: r.name, self.DEPT: r.department, self.TITLE: r.title or "",
                    self.PRESENT: ("到" if r.present else "缺席") + ("" if r.expected else "（计划外）"),
                    self.NOTE: r.note, self.SCORE: r.score, self.MAKE_UP: r.make_up,
                    self.RESULT: self.result(r)}[col]
        if role == Qt.ItemDataRole.ForegroundRole:
            if col == self.RESULT:
                text = self.result(r)
                return QBrush(QColor(PASS_COLOUR if text.endswith("合格") and "不合格" not in text else FAIL_COLOUR))
            if not r.present:
                return QBrush(QColor(ABSENT_COLOUR))
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (self.SCORE, self.MAKE_UP):
            return int(Qt.AlignmentFlag.AlignCenter)
        return None

    def setData(self, index: QModelIndex, value, role=Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        if not index.isValid():
            return False
        r, col = self.rows[index.row()], index.column()
        if col == self.PRESENT and role == Qt.ItemDataRole.CheckStateRole:
            r.present = Qt.CheckState(value) == Qt.CheckState.Checked
        elif role == Qt.ItemDataRole.EditRole and col in (self.NOTE, self.SCORE, self.MAKE_UP):
            text = str(value or "").strip()
            if col == self.NOTE:
                r.note = text
            elif col == self.SCORE:
                r.score = text
            else:
                r.make_up = text
        else:
            return False
        self.changed = True
        left, right = self.index(index.row(), 0), self.index(index.row(), self.columnCount() - 1)
        self.dataChanged.emit(left, right)
        return True

    def toggle(self, row: int) -> None:
        r = self.rows[row]
        state = Qt.CheckState.Unchecked if r.present else Qt.CheckState.Checked
        self.setData(self.index(row, self.PRESENT), state.value, Qt.ItemDataRole.CheckStateRole)


class AttendanceView(QTableView):
    """Space toggles 签到; typing starts editing; Enter saves the cell and moves to the next person."""

    def __init__(self, model: AttendanceModel, parent=None):
        super().__init__(parent)
        self.setModel(model)
        self.sheet = model
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.AnyKeyPressed | QAbstractItemView.EditTrigger.DoubleClicked
                             | QAbstractItemView.EditTrigger.EditKeyPressed)
        self.setAlternatingRowColors(True)
        self.verticalHeader().setDefaultSectionSize(26)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        for col, width in ((model.NO, 70), (model.NAME, 70), (model.DEPT, 120), (model.TITLE, 90), (model.PRESENT, 96),
                           (model.NOTE, 150), (model.SCORE, 60), (model.MAKE_UP, 60), (model.RESULT, 84)):
            self.setColumnWidth(col, width)

    def show_scores(self, visible: bool) -> None:
        for col in (self.sheet.SCORE, self.sheet.MAKE_UP, self.sheet.RESULT):
            self.setColumnHidden(col, not visible)

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt API
        index = self.currentIndex()
        if event.key() == Qt.Key.Key_Space and index.isValid() and self.state() != QAbstractItemView.State.EditingState:
            self.sheet.toggle(index.row())
            return
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and index.isValid() \
                and self.state() != QAbstractItemView.State.EditingState:
            self._move_down(index)
            return
        super().keyPressEvent(event)

    def _move_down(self, index: QModelIndex) -> None:
        below = self.sheet.index(index.row() + 1, index.column())
        if below.isValid():
            self.setCurrentIndex(below)

    def closeEditor(self, editor, hint) -> None:  # noqa: N802 - Qt API
        """Enter in a score (or note) goes on to the same column of the next person."""
        moving = hint == QAbstractItemDelegate.EndEditHint.SubmitModelCache
        super().closeEditor(editor, QAbstractItemDelegate.EndEditHint.NoHint if moving else hint)
        if moving:
            self._move_down(self.currentIndex())
