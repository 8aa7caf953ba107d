"""Picking who is on duty in one cell, from the keyboard.

The search box takes a name, 工号 or pinyin initials (``zs`` finds 张三); Up/Down move in the
list, Enter puts the person on the slot and closes, Shift+Enter puts them on and stays open
(posts with several people per shift). Those who do not qualify are listed after the others,
greyed, with the reason. The people already on the slot are shown above, with 撤下.
"""
from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.roster import service as roster
from ui.errors import guarded

STAFF_ROLE = Qt.ItemDataRole.UserRole
GREY = "#8a8a8a"


def candidate_text(c) -> str:
    s = c.staff
    text = f"{s.name}　{s.department_name}　{s.title or s.category}"
    if not s.registered_here:
        text += f"　{s.practice_status}"
    reasons = [*c.problems, *([c.busy] if c.busy else [])]
    return text + (f"　— {'；'.join(reasons)}" if reasons else "")


class _SearchEdit(QLineEdit):
    """Up/Down move in the list below; Enter (with or without Shift) chooses."""

    chosen = Signal(bool)  # stay open?

    def __init__(self, target: QListWidget, parent=None):
        super().__init__(parent)
        self.target = target

    def focusInEvent(self, event) -> None:  # noqa: N802 - Qt API
        # The letter typed on the grid stays; the next ones are added after it, not over it.
        super().focusInEvent(event)
        self.deselect()
        self.end(False)

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt API
        key = event.key()
        if key in (Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_PageUp, Qt.Key.Key_PageDown):
            count = self.target.count()
            if count:
                step = {Qt.Key.Key_Up: -1, Qt.Key.Key_Down: 1, Qt.Key.Key_PageUp: -8, Qt.Key.Key_PageDown: 8}[key]
                self.target.setCurrentRow(max(0, min(count - 1, self.target.currentRow() + step)))
            return
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.chosen.emit(bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier))
            return
        super().keyPressEvent(event)


class CandidateList(QWidget):
    """A search box over ``service.candidates`` for one slot; ``chosen(stay_open)`` on Enter or double-click."""

    chosen = Signal(bool)

    def __init__(self, ctx, day: str, shift_id: int, parent=None, *, exclude: Callable[[], set] = set):
        super().__init__(parent)
        self.ctx, self.day, self.shift_id, self.exclude = ctx, day, shift_id, exclude
        col = QVBoxLayout(self)
        col.setContentsMargins(0, 0, 0, 0)
        self.list = QListWidget()
        self.list.setMinimumHeight(220)
        self.search = _SearchEdit(self.list)
        self.search.setPlaceholderText("输入姓名、工号或拼音首字母（如 zs），↑↓ 选择，回车确定")
        self.search.setClearButtonEnabled(True)
        col.addWidget(self.search)
        col.addWidget(self.list, 1)
        self.search.textChanged.connect(lambda _t: self.reload())
        self.search.chosen.connect(self.chosen)
        self.list.itemActivated.connect(lambda _i: self.chosen.emit(False))
        self.candidates: list = []

    def reload(self) -> None:
        found = guarded(self, roster.candidates, self.ctx.session, self.day, self.shift_id, self.search.text())
        if found is None:
            return
        taken = self.exclude()
        self.candidates = [c for c in found if c.staff.id not in taken]
        self.list.clear()
        for c in self.candidates:
            item = QListWidgetItem(candidate_text(c))
            item.setData(STAFF_ROLE, c.staff.id)
            if not c.qualifies:
                item.setForeground(QColor(GREY))
            self.list.addItem(item)
        if self.candidates:
            self.list.setCurrentRow(0)

    def current(self):
        row = self.list.currentRow()
        return self.candidates[row] if 0 <= row < len(self.candidates) else None


class RosterPickDialog(QDialog):
    """``assign(staff_info) -> bool`` and ``unassign(staff_id) -> bool`` are the page's edits (undoable);
    ``people()`` returns who is on the slot now."""

    def __init__(self, ctx, day, post, shift, *, people: Callable[[], list], assign: Callable, unassign: Callable,
                 initial: str = "", parent: QWidget | None = None):
        super().__init__(parent)
        self.post, self.shift, self.day = post, shift, day
        self._people, self._assign, self._unassign = people, assign, unassign
        self.setWindowTitle("安排值班")
        self.setMinimumWidth(520)
        col = QVBoxLayout(self)
        title = QLabel(f"<b>{day:%Y-%m-%d}（星期{'一二三四五六日'[day.weekday()]}）　{post.name} · {shift.label()}</b>"
                       f"<br><span style='color:#555'>资质：{post.qualification_text()}；每班 {post.headcount} 人</span>")
        title.setWordWrap(True)
        col.addWidget(title)
        col.addWidget(QLabel("已排（选中后按 Delete 或点“撤下”）："))
        on_row = QHBoxLayout()
        self.on_duty = QListWidget()
        self.on_duty.setMaximumHeight(64)
        self.remove_button = QPushButton("撤下")
        self.remove_button.clicked.connect(self.remove_selected)
        on_row.addWidget(self.on_duty, 1)
        on_row.addWidget(self.remove_button, 0, Qt.AlignmentFlag.AlignTop)
        col.addLayout(on_row)
        self.picker = CandidateList(ctx, day.isoformat(), shift.id, self,
                                    exclude=lambda: {p.id for p in self._people()})
        col.addWidget(self.picker, 1)
        self.hint = QLabel("回车：排入并关闭　Shift+回车：排入并继续选择　Esc：关闭")
        self.hint.setObjectName("fieldHint")
        col.addWidget(self.hint)
        self.picker.chosen.connect(self.choose)
        self.refresh_on_duty()
        self.picker.reload()
        if initial:
            self.picker.search.setText(initial)
        self.picker.search.setFocus()

    @property
    def search(self) -> QLineEdit:
        return self.picker.search

    def refresh_on_duty(self) -> None:
        self.on_duty.clear()
        for p in self._people():
            item = QListWidgetItem(f"{p.name}　{p.department_name}　{p.title or p.category}")
            item.setData(STAFF_ROLE, p.id)
            self.on_duty.addItem(item)
        self.remove_button.setEnabled(self.on_duty.count() > 0)

    def choose(self, stay_open: bool) -> None:
        candidate = self.picker.current()
        if candidate is None or not self._assign(candidate.staff):
            return
        if stay_open and len(self._people()) < 20:
            self.refresh_on_duty()
            self.picker.search.clear()
            self.picker.reload()
            self.picker.search.setFocus()
        else:
            self.accept()

    def remove_selected(self) -> None:
        item = self.on_duty.currentItem() or self.on_duty.item(0)
        if item is not None and self._unassign(item.data(STAFF_ROLE)):
            self.refresh_on_duty()
            self.picker.reload()

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt API
        if event.key() == Qt.Key.Key_Delete and self.on_duty.hasFocus():
            self.remove_selected()
            return
        super().keyPressEvent(event)
