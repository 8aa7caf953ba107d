"""The check-point grid an inspector records one department's results in, by keyboard.

Keys on the grid: ↑/↓ move; 1 or Y = 符合, 2 or N = 不符合, 3 or 空格 = 不适用 (then the next
row); Enter or F2 edits 备注 (or 扣分 when it is the current cell); Delete undoes the row's
unsaved change. Changed rows are tinted until saved; a row whose problem is already being
rectified is read-only (the core refuses such a change anyway).
"""
from __future__ import annotations

from dataclasses import dataclass, replace

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView

from desktop_app.ledger.inspections import ResultRow
from desktop_app.ledger.models import PENDING

PASS, FAIL, NA = "符合", "不符合", "不适用"
RESULT_COLOURS = {PASS: "#2e7d32", FAIL: "#c62828", NA: "#6b7480"}
CHANGED_BACKGROUND = "#fff4d1"
ERROR_BACKGROUND = "#fbe1df"
LOCKED_COLOUR = "#8a8f96"
KEY_RESULTS = {
    Qt.Key.Key_1: PASS, Qt.Key.Key_Y: PASS,
    Qt.Key.Key_2: FAIL, Qt.Key.Key_N: FAIL,
    Qt.Key.Key_3: NA, Qt.Key.Key_Space: NA,
}
KEY_HELP = ("↑↓ 选择要点　1/Y 符合　2/N 不符合　3/空格 不适用　Enter/F2 填写备注或扣分　Delete 撤销本行修改　"
            "Ctrl+S 保存　Ctrl+PgUp/PgDn 上/下一个科室")
LOCKED_TIP = "该要点生成的问题已进入整改，检查结果不能再修改；如有误，请在问题台账中处理。"

CATEGORY, CODE, TEXT, STANDARD, RESULT, DEDUCTION, NOTE, LEDGER = range(8)
HEADERS = ["类别", "编号", "检查要点", "扣分标准", "结果", "扣分", "备注", "问题状态"]
WIDTHS = [150, 52, 420, 70, 64, 56, 200, 110]


def number(value: float | None) -> str:
    """2.0 → '2', 1.5 → '1.5'."""
    if value is None:
        return ""
    return f"{value:g}"


@dataclass(frozen=True)
class Entry:
    result: str | None
    deduction: str  # as typed; "" = the check point's standard deduction (decided by the core)
    note: str


def saved_entry(row: ResultRow) -> Entry:
    return Entry(row.result, number(row.deduction) if row.result == FAIL else "", row.note or "")


class ResultsModel(QAbstractTableModel):
    """One department's check points, what was saved, and what has been typed since."""

    edits_changed = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.rows: list[ResultRow] = []
        self.saved: list[Entry] = []
        self.entries: list[Entry] = []
        self.read_only = True
        self.error_codes: set[str] = set()

    # -- loading and state
    def load(self, rows: list[ResultRow], *, read_only: bool) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.saved = [saved_entry(r) for r in self.rows]
        self.entries = list(self.saved)
        self.read_only = read_only
        self.error_codes = set()
        self.endResetModel()
        self.edits_changed.emit()

    def is_locked(self, row: int) -> bool:
        status = self.rows[row].ledger_status
        return status is not None and status != PENDING

    def can_edit(self, row: int) -> bool:
        return not self.read_only and not self.is_locked(row)

    def changed_rows(self) -> list[int]:
        return [i for i, (a, b) in enumerate(zip(self.entries, self.saved)) if a != b]

    def has_changes(self) -> bool:
        return any(a != b for a, b in zip(self.entries, self.saved))

    def recorded_count(self) -> int:
        return sum(1 for e in self.entries if e.result)

    def pending_entries(self) -> list[dict]:
        """The changed rows, as ``record_results`` takes them."""
        out = []
        for i in self.changed_rows():
            e = self.entries[i]
            out.append({"item_id": self.rows[i].item.id, "result": e.result,
                        "deduction": e.deduction.strip() or None, "note": e.note.strip() or None})
        return out

    def mark_errors(self, codes: set[str]) -> None:
        self.error_codes = set(codes)
        self._row_changed(0, len(self.rows) - 1)

    def row_of_code(self, code: str) -> int | None:
        return next((i for i, r in enumerate(self.rows) if r.item.code == code), None)

    # -- edits
    def set_result(self, row: int, result: str) -> bool:
        if not self.can_edit(row):
            return False
        old = self.entries[row]
        deduction = old.deduction if result == FAIL and old.result == FAIL else ""
        self._set(row, replace(old, result=result, deduction=deduction))
        return True

    def revert(self, row: int) -> None:
        if self.can_edit(row):
            self._set(row, self.saved[row])

    def fill_unrecorded(self, result: str = PASS) -> int:
        n = 0
        for i, e in enumerate(self.entries):
            if e.result is None and self.can_edit(i):
                self.entries[i] = replace(e, result=result)
                n += 1
        if n:
            self._row_changed(0, len(self.rows) - 1)
            self.edits_changed.emit()
        return n

    def _set(self, row: int, entry: Entry) -> None:
        if self.entries[row] == entry:
            return
        self.entries[row] = entry
        self._row_changed(row, row)
        self.edits_changed.emit()

    def _row_changed(self, first: int, last: int) -> None:
        if last >= first:
            self.dataChanged.emit(self.index(first, 0), self.index(last, len(HEADERS) - 1))

    # -- Qt model
    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802 - Qt API
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        return None

    def flags(self, index: QModelIndex):
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if not index.isValid():
            return base
        row, col = index.row(), index.column()
        entry = self.entries[row]
        if self.can_edit(row) and ((col == NOTE and entry.result) or (col == DEDUCTION and entry.result == FAIL)):
            return base | Qt.ItemFlag.ItemIsEditable
        return base

    def data(self, index: QModelIndex, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        row, col = index.row(), index.column()
        r, e = self.rows[row], self.entries[row]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return self._text(row, col, r, e, role == Qt.ItemDataRole.EditRole)
        if role == Qt.ItemDataRole.ForegroundRole:
            if col == RESULT and e.result:
                return QBrush(QColor(RESULT_COLOURS[e.result]))
            if col == DEDUCTION and e.result == FAIL and not e.deduction:
                return QBrush(QColor("#8a8f96"))
            if self.is_locked(row) or (col == CATEGORY and row and self.rows[row - 1].item.category == r.item.category):
                return QBrush(QColor(LOCKED_COLOUR))
        if role == Qt.ItemDataRole.BackgroundRole:
            if r.item.code in self.error_codes:
                return QBrush(QColor(ERROR_BACKGROUND))
            if e != self.saved[row]:
                return QBrush(QColor(CHANGED_BACKGROUND))
        if role == Qt.ItemDataRole.FontRole and col == RESULT and e != self.saved[row]:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole:
            if self.is_locked(row):
                return LOCKED_TIP
            if col == TEXT:
                return r.item.text + (f"\n检查方法：{r.item.method}" if r.item.method else "")
            if col == DEDUCTION and e.result == FAIL and not e.deduction:
                return f"保存时按扣分标准（{number(r.item.deduction)} 分）扣分；按 Enter 或 F2 可另填。"
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (CODE, STANDARD, RESULT, DEDUCTION):
            return int(Qt.AlignmentFlag.AlignCenter)
        return None

    def _text(self, row: int, col: int, r: ResultRow, e: Entry, editing: bool):
        if col == CATEGORY:
            return r.item.category
        if col == CODE:
            return r.item.code
        if col == TEXT:
            return r.item.text
        if col == STANDARD:
            return number(r.item.deduction) if r.item.deduction else ""
        if col == RESULT:
            return e.result or ""
        if col == DEDUCTION:
            if e.result != FAIL:
                return ""
            return e.deduction if editing or e.deduction else "按标准"
        if col == NOTE:
            return e.note
        if col == LEDGER:
            if r.ledger_status is None:
                return ""
            return f"{r.ledger_status}（锁定）" if self.is_locked(row) else r.ledger_status
        return None

    def setData(self, index: QModelIndex, value, role=Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or not self.can_edit(index.row()):
            return False
        row, col = index.row(), index.column()
        text = str(value or "").strip()
        if col == NOTE:
            self._set(row, replace(self.entries[row], note=text))
        elif col == DEDUCTION:
            self._set(row, replace(self.entries[row], deduction=text))
        else:
            return False
        return True


class ResultGrid(QTableView):
    """The keyboard-first view over a :class:`ResultsModel` (see the module docstring)."""

    hint = Signal(str)  # a short message for the status line (e.g. why a key did nothing)

    def __init__(self, model: ResultsModel, parent=None):
        super().__init__(parent)
        self.setModel(model)
        self.results = model
        self.setObjectName("resultGrid")
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked | QAbstractItemView.EditTrigger.EditKeyPressed)
        self.setWordWrap(True)
        self.setAlternatingRowColors(False)
        self.setTabKeyNavigation(False)
        self.verticalHeader().setVisible(False)
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)  # wrapped text
        header = self.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(TEXT, QHeaderView.ResizeMode.Stretch)
        for i, w in enumerate(WIDTHS):
            if i != TEXT:
                self.setColumnWidth(i, w)
        model.modelReset.connect(self._after_reset)

    def _after_reset(self) -> None:
        if self.results.rowCount():
            self.setCurrentIndex(self.results.index(0, RESULT))

    def current_row(self) -> int | None:
        index = self.currentIndex()
        return index.row() if index.isValid() else None

    def go_to_row(self, row: int) -> None:
        self.setCurrentIndex(self.results.index(row, RESULT))
        self.scrollTo(self.currentIndex())

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt API
        row = self.current_row()
        key = event.key()
        plain = not event.modifiers() & ~(Qt.KeyboardModifier.KeypadModifier | Qt.KeyboardModifier.ShiftModifier)
        if row is not None and plain and key in KEY_RESULTS:
            if self.results.set_result(row, KEY_RESULTS[key]):
                if row + 1 < self.results.rowCount():
                    self.go_to_row(row + 1)
            else:
                self.hint.emit(self._why_not(row))
            return
        if row is not None and key in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_F2):
            self.edit_current(row)
            return
        if row is not None and key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            self.results.revert(row)
            return
        super().keyPressEvent(event)

    def edit_current(self, row: int) -> None:
        col = self.currentIndex().column()
        index = self.results.index(row, col if col in (NOTE, DEDUCTION) else NOTE)
        if not self.results.flags(index) & Qt.ItemFlag.ItemIsEditable:
            self.hint.emit(self._why_not(row) if not self.results.can_edit(row) else
                           "请先选择结果（1 符合、2 不符合、3 不适用），再填写备注；只有“不符合”可以扣分。")
            return
        self.setCurrentIndex(index)
        self.edit(index)

    def _why_not(self, row: int) -> str:
        if self.results.is_locked(row):
            return LOCKED_TIP
        return "当前检查结果为只读。"
